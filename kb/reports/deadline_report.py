"""The deadline table: one row shape for the page, the CSV and the Excel sheet."""

from __future__ import annotations

import csv
import io

from kb.policy.deadlines import KIND_NAMES
from kb.reports.render import append_row, csv_cell
from kb.tracking.timeline import STATUS_NAMES, DeadlineRow

HEADERS = ("期限", "状态", "类型", "原文表述", "文件", "文号", "条目", "条款", "牵头单位", "页码", "条款编号")
SHEET = "期限"


def table_row(r: DeadlineRow) -> dict:
    """One deadline as every table shows it (``HEADERS`` → value); ``页码`` is None off a PDF."""
    c, d = r.clause, r.deadline
    return dict(
        zip(
            HEADERS,
            [
                d.due,
                STATUS_NAMES[r.status],
                KIND_NAMES[d.kind],
                d.text,
                c.title,
                c.doc_number,
                c.section,
                c.text,
                "、".join(c.lead_units),
                c.page,
                c.clause_id,
            ],
        )
    )


def to_csv(rows: list[DeadlineRow]) -> bytes:
    """The table as CSV, UTF-8 with a BOM (Excel opens it as Chinese)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADERS)
    for r in rows:
        w.writerow([csv_cell(v) for v in table_row(r).values()])
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[DeadlineRow]) -> bytes:
    """The table as an .xlsx workbook (openpyxl), one sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(HEADERS))
    for r in rows:
        append_row(ws, table_row(r).values())
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
