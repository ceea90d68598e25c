"""The deadline table: one row shape for the page, the CSV and the Excel sheet."""

from __future__ import annotations

import csv
import io

from kb.policy.deadlines import KIND_NAMES
from kb.reports.render import append_row, csv_cell, shape_sheet
from kb.tracking.timeline import STATUS_NAMES, DeadlineRow

# The clause and its units before the bookkeeping: what a reader needs in view at 1280 px.
HEADERS = ("期限", "状态", "条款", "牵头单位", "文件", "条目", "类型", "原文表述", "文号", "页码", "条款编号")
WIDTHS = (11, 8, 60, 20, 30, 12, 9, 20, 18, 6, 16)
SHEET = "期限"


def table_row(r: DeadlineRow) -> dict:
    """One deadline as every table shows it (``HEADERS`` → value); ``页码`` is "" off a PDF (one type a column)."""
    c, d = r.clause, r.deadline
    return dict(
        zip(
            HEADERS,
            [
                d.due,
                STATUS_NAMES[r.status],
                c.text,
                "、".join(c.lead_units),
                c.title,
                c.section,
                KIND_NAMES[d.kind],
                d.text,
                c.doc_number,
                str(c.page) if c.page else "",
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
    """The table as an .xlsx workbook (openpyxl), one sheet with widths, wrap, freeze and filters."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from kb.reports.timeline_chart import STATUS_COLOURS

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(HEADERS))
    status_col = HEADERS.index("状态") + 1
    for r in rows:
        append_row(ws, table_row(r).values())
        cell = ws.cell(ws.max_row, status_col)  # the legend's colour, as the page and the timeline show it
        cell.fill = PatternFill("solid", fgColor=STATUS_COLOURS[r.status].lstrip("#").upper())
        cell.font = Font(color="FFFFFF", bold=True)
    shape_sheet(ws, 1, WIDTHS)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
