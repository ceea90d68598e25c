"""The 台账 as an Excel sheet offices fill in and send back, and the end-of-plan evaluation as a 公文.

One row shape (``table_row``) serves the page, the sheet and the import: the offices' columns
序号, 任务内容, 牵头单位, 配合单位, 完成时限, 进展情况, 完成状态, 佐证材料, then 实际值, 出处 (the
citation), 条款编号 and 台账编号 (what a filled sheet is matched back by).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from kb.errors import KBError
from kb.model import Clause
from kb.office.limits import MAX_SHEET_CELLS, MAX_SHEET_ROWS, MAX_SHEET_UNZIPPED_MB, check_zip
from kb.reports.cite import citation
from kb.reports.memo import body, docx_bytes, gongwen, heading
from kb.reports.render import append_row, shape_sheet
from kb.text import normalize
from kb.tracking.ledger import STATUSES, Item, parse_actual, status_key

HEADERS = (
    "序号",
    "任务内容",
    "牵头单位",
    "配合单位",
    "完成时限",
    "进展情况",
    "完成状态",
    "佐证材料",
    "实际值",
    "出处",
    "条款编号",
    "台账编号",
)
WIDTHS = (6, 60, 22, 22, 12, 40, 10, 24, 28, 50, 18, 12)
SHEET = "台账"
UNIT_SEP = "、"
MET_NAMES = {True: "已达标", False: "未达标", None: "待填报"}


def actuals_text(item: Item) -> str:
    """``指标=值@年份；…`` (the form the import reads back)."""
    return "；".join(
        f"{k}={v['value']:g}" + (f"@{v['year']}" if v.get("year") else "")
        for k, v in item.actuals.items()
        if v["value"] is not None
    )


def evidence_text(item: Item) -> str:
    return "；".join(e.get("url") or f"{e.get('name', '')}（SHA-256 {e['sha256'][:12]}…）" for e in item.evidence)


def table_row(n: int, item: Item) -> dict[str, Any]:
    """One item as the sheet and the page show it (``HEADERS`` → value)."""
    return dict(
        zip(
            HEADERS,
            [
                n,
                item.text,
                UNIT_SEP.join(item.lead_units),
                UNIT_SEP.join(item.partner_units),
                "、".join(d.isoformat() for d in item.due),
                item.record.get("progress", ""),
                STATUSES[item.status],
                evidence_text(item),
                actuals_text(item),
                citation(item.clause) if item.clause else "",
                item.clause_id,
                item.item_id,
            ],
        )
    )


def to_xlsx(items: list[Item], title: str) -> bytes:
    """The 台账 sheet: a title row, the headers frozen with filters, wrapped cells, set widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    append_row(ws, [f"《{title}》任务台账"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(HEADERS))
    for n, item in enumerate(items, 1):
        append_row(ws, table_row(n, item).values())
    shape_sheet(ws, 2, WIDTHS)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_xlsx(data: bytes) -> list[dict[str, Any]]:
    """The rows of a filled 台账 sheet, by header name (the header row is found, not assumed), with
    their row numbers (``_row``).

    Raises:
        KBError: not an Excel file, or no header row with 任务内容 and 完成状态.
    """
    from openpyxl import load_workbook

    check_zip(data, "not an Excel .xlsx file; export the 台账 and fill that in", MAX_SHEET_UNZIPPED_MB)
    try:
        ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl's own errors for a file that is not a workbook
        raise KBError(f"not an Excel .xlsx file ({exc.__class__.__name__}); export the 台账 and fill that in") from None
    rows, cells = [], 0
    for r in ws.iter_rows(values_only=True):  # rows and cells capped while they are read
        rows.append(r)
        cells += len(r)
        if len(rows) > MAX_SHEET_ROWS or cells > MAX_SHEET_CELLS:
            raise KBError(
                f"the sheet has more than {MAX_SHEET_ROWS} rows or {MAX_SHEET_CELLS} cells; "
                "import the 台账 of one document at a time"
            )
    head = next((i for i, r in enumerate(rows) if r and "任务内容" in r and "完成状态" in r), None)
    if head is None:
        raise KBError(
            "no header row with 任务内容 and 完成状态; export the 台账 (python -m kb ledger export) and fill that in"
        )
    names = [str(h or "").strip() for h in rows[head]]
    out = []
    for number, r in enumerate(rows[head + 1 :], head + 2):
        if not any(v not in (None, "") for v in r):
            continue
        out.append({"_row": number, **{n: ("" if v is None else v) for n, v in zip(names, r) if n}})
    return out


@dataclass
class ImportPlan:
    """What an import would change: ``changes`` per item, rows matching no item, rows refused."""

    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    shown: list[tuple[str, str, Any, Any]] = field(default_factory=list)  # (item_id, field, old, new)
    unmatched: list[tuple[int, str]] = field(default_factory=list)  # (row, task text)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)

    def to_dict(self) -> dict[str, Any]:
        return {
            "changes": [{"item_id": i, "field": f, "old": o, "new": n} for i, f, o, n in self.shown],
            "unmatched": [{"row": r, "text": t} for r, t in self.unmatched],
            "refused": [{"row": r, "reason": t} for r, t in self.refused],
        }


def plan_import(items: list[Item], rows: list[dict[str, Any]], may_update) -> ImportPlan:
    """Match each row to an item (台账编号, then 条款编号, then the task's text) and list what it changes.

    Args:
        items: the ledger's items (every document the sheet may cover).
        rows: from ``read_xlsx``.
        may_update: ``item → bool`` (a reporter imports only its own items).
    """
    by_id = {i.item_id: i for i in items}
    by_clause = {i.clause_id: i for i in items}
    by_text = {normalize(i.text): i for i in items}
    plan = ImportPlan()
    for row in rows:
        n = row["_row"]
        item = (
            by_id.get(str(row.get("台账编号", "")).strip())
            or by_clause.get(str(row.get("条款编号", "")).strip())
            or by_text.get(normalize(str(row.get("任务内容", ""))))
        )
        if item is None:
            plan.unmatched.append((n, str(row.get("任务内容", ""))[:60]))
            continue
        try:
            wanted = _row_changes(item, row)
        except KBError as exc:
            plan.refused.append((n, str(exc)))
            continue
        if not wanted:
            continue
        if not may_update(item):
            plan.refused.append((n, f"{item.item_id}：不是本单位牵头或参与的任务，不能填报"))
            continue
        plan.changes[item.item_id] = wanted
        for key, new in wanted.items():
            old = item.record.get(key) if key not in ("lead_units", "partner_units") else list(getattr(item, key))
            plan.shown.append((item.item_id, key, old, new))
    return plan


def _row_changes(item: Item, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    status = str(row.get("完成状态", "")).strip()
    if status and status_key(status) != item.status:
        out["status"] = status_key(status)
    progress = str(row.get("进展情况", "")).strip()
    if progress != (item.record.get("progress") or "") and (progress or item.record.get("progress")):
        out["progress"] = progress
    actuals = {}
    for part in str(row.get("实际值", "")).replace(";", "；").split("；"):
        if part.strip():
            name, value, year = parse_actual(part)
            if item.record.get("actuals", {}).get(name) != {"value": value, "year": year}:
                actuals[name] = {"value": value, "year": year}
    if actuals:
        out["actuals"] = actuals
    for key, column in (("lead_units", "牵头单位"), ("partner_units", "配合单位")):
        units = [u.strip() for u in str(row.get(column, "")).split(UNIT_SEP) if u.strip()]
        if column in row and units != list(getattr(item, key)):
            out[key] = units
    return out


# ----------------------------------------------------------------------------- the evaluation
def evaluation_docx(
    items: list[Item], title: str, as_of: dt.date, successors: dict[str, Clause] | None = None
) -> bytes:
    """规划实施情况总结评估 as a 公文: the counts, the targets table, the tasks by status per chapter,
    and (where a successor plan is in the knowledge base) what carries forward."""
    from docx.shared import Pt

    document = gongwen(f"《{title}》实施情况总结评估", f"评估日期：{as_of.isoformat()}")
    counts = {s: sum(i.status == s for i in items) for s in STATUSES}
    done = counts["done"] + counts["not_applicable"]
    heading(document, "一、总体情况")
    body(
        document,
        f"规划共有任务和指标 {len(items)} 项，其中"
        + "，".join(f"{STATUSES[s]} {n} 项" for s, n in counts.items() if n)
        + f"；完成率 {done / max(len(items), 1):.0%}。"
        + (f"逾期未完成 {sum(i.overdue(as_of) for i in items)} 项。" if items else ""),
    )
    heading(document, "二、主要指标完成情况")
    targets = [(i, t) for i in items for t in i.targets]
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("指标", "基期值", "目标值", "实际值", "完成情况")):
        cell.text = text
    for item, t in targets:
        actual = item.actuals.get(t.indicator)
        base = item.bases.get(t.indicator)
        met = item.met().get(t.indicator)
        values = (
            t.indicator,
            "" if base is None else f"{base:g}",
            t.text,
            ""
            if actual is None or actual["value"] is None
            else f"{actual['value']:g}" + (f"（{actual['year']}年）" if actual.get("year") else ""),
            MET_NAMES[met],
        )
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text
            for run in (r for p in cell.paragraphs for r in p.runs):
                run.font.size = Pt(10.5)
    heading(document, "三、重点任务进展")
    chapters: dict[str, list[Item]] = {}
    for i in items:
        chapters.setdefault(i.chapter, []).append(i)
    for chapter, group in chapters.items():
        tally = "，".join(f"{STATUSES[s]} {n} 项" for s in STATUSES if (n := sum(i.status == s for i in group)))
        body(document, f"{chapter}：{tally}。")
        for i in group:
            if i.status not in ("done", "not_applicable"):
                body(
                    document,
                    f"【{STATUSES[i.status]}】{i.text}"
                    + (f"（进展：{i.record['progress']}）" if i.record.get("progress") else ""),
                )
    if successors:
        heading(document, "四、接续安排")
        for i in items:
            if i.item_id in successors:
                body(document, f"{i.text} → 接续条款：{citation(successors[i.item_id])}")
    return docx_bytes(document)
