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
from kb.tracking.ledger import FINISHED, STATUSES, Item, parse_actual, read_date, status_key

HEADERS = (
    "序号",
    "任务内容",
    "牵头单位",
    "配合单位",
    "完成时限",
    "进展情况",
    "完成状态",
    "佐证材料",
    "完成日期",
    "实际值",
    "出处",
    "条款编号",
    "台账编号",
)
WIDTHS = (6, 60, 22, 22, 12, 40, 10, 24, 12, 28, 50, 18, 12)
# What each column an office fills in takes: the sheet's 填写说明 and the comments on its headers.
INPUT_HELP = {
    "牵头单位": "牵头单位全称，多个单位用顿号（、）分隔，例如：市生态环境局、市发展改革委",
    "配合单位": "配合单位全称，多个单位用顿号（、）分隔；不涉及可留空",
    "进展情况": "简述进展、已完成的工作和存在的问题（不超过 4000 字）",
    "完成状态": "从下列状态中选一个填写：" + "、".join(STATUSES.values()),
    "佐证材料": "验收报告等材料的链接（http://…）；文件请在系统的台账页面上传",
    "完成日期": "已完成的任务填写完成日期，例如 2025-10-20 或 2025年10月20日",
    "实际值": "指标=值@年份，多个指标用分号（；）分隔，例如 农村生活污水治理率=40@2025；"
    "任务只有一个指标时可只写数值，例如 82.5% 或 36.2（2025年）",
}
INSTRUCTIONS_SHEET = "填写说明"
SHEET = "台账"
# Fill colours of a status on the 台账 page (the sheet leaves its 完成状态 cells to the office).
STATUS_COLOURS = {
    "not_started": "D9D9D9",
    "in_progress": "FFEB9C",
    "done": "C6EFCE",
    "partly_done": "F8CBAD",
    "not_done": "FFC7CE",
    "not_applicable": "EDEDED",
}
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
                item.record.get("done_on") or "",
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
    from openpyxl.comments import Comment

    append_row(ws, [f"《{title}》任务台账"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(HEADERS))
    for col, name in enumerate(HEADERS, 1):
        if name in INPUT_HELP:  # a comment on each column an office fills in
            ws.cell(2, col).comment = Comment(INPUT_HELP[name], "政策条款知识库", width=300, height=110)
    for n, item in enumerate(items, 1):
        append_row(ws, table_row(n, item).values())
    shape_sheet(ws, 2, WIDTHS)
    guide = wb.create_sheet(INSTRUCTIONS_SHEET)
    append_row(guide, ["填写说明"])
    guide["A1"].font = Font(bold=True, size=14)
    append_row(guide, ["请在“台账”工作表中填写以下各列，不要改动“台账编号”“条款编号”“任务内容”，导入时据此找到任务。"])
    for name, text in INPUT_HELP.items():
        append_row(guide, [name, text])
    append_row(
        guide, ["导入", "填好后在系统的台账页面上传本表：先预览，确认后导入；非本单位的任务会被拒绝并说明原因。"]
    )
    guide.column_dimensions["A"].width, guide.column_dimensions["B"].width = 14, 100
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
    for r in ws.iter_rows():  # rows and cells capped while they are read
        rows.append(tuple(_cell_value(c) for c in r))
        cells += len(r)
        if len(rows) > MAX_SHEET_ROWS or cells > MAX_SHEET_CELLS:
            raise KBError(
                f"the sheet has more than {MAX_SHEET_ROWS} rows or {MAX_SHEET_CELLS} cells; "
                "import the 台账 of one document at a time"
            )
    head = next((i for i, r in enumerate(rows) if r and _is_header(r)), None)
    if head is None:
        raise KBError(
            "没有找到表头：应有“任务内容”（或“条款编号”“台账编号”）和“完成状态”“牵头单位”等列（no header row）；"
            "请下载台账 Excel 填写后上传（python -m kb ledger export）"
        )
    names = [str(h or "").strip() for h in rows[head]]
    out = []
    for number, r in enumerate(rows[head + 1 :], head + 2):
        if not any(v not in (None, "") for v in r):
            continue
        out.append({"_row": number, **{n: ("" if v is None else v) for n, v in zip(names, r) if n}})
    return out


KEY_COLUMNS = ("任务内容", "条款编号", "台账编号")
INPUT_COLUMNS = ("完成状态", "牵头单位", "配合单位", "进展情况", "实际值", "完成日期")


def _is_header(row) -> bool:
    """A header row: a column that finds the task and one an office fills in (a 任务分工 sheet has units only)."""
    cells = {str(c).strip() for c in row if c is not None}
    return bool(cells & set(KEY_COLUMNS)) and bool(cells & set(INPUT_COLUMNS))


def _cell_value(cell):
    """A cell as the office typed it: 82.5% stored as 0.825 reads 82.5%, a date reads 2025-10-20."""
    value = getattr(cell, "value", None)
    if isinstance(value, dt.datetime | dt.date):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in (getattr(cell, "number_format", "") or "")
    ):
        return f"{value * 100:g}%"
    return value


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
        text = normalize(str(row.get("任务内容", "")))
        item = (
            by_id.get(str(row.get("台账编号", "")).strip())
            or by_clause.get(str(row.get("条款编号", "")).strip())
            or by_text.get(text)
            or _by_part(text, by_text)
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
            lead = "、".join(item.lead_units) or "未写明"
            plan.refused.append(
                (n, f"{item.item_id}（牵头：{lead}）不是本单位牵头或配合的任务，不能填报；请交牵头单位或管理员")
            )
            continue
        plan.changes[item.item_id] = wanted
        for key, new in wanted.items():
            old = item.record.get(key) if key not in ("lead_units", "partner_units") else list(getattr(item, key))
            plan.shown.append((item.item_id, key, old, new))
    return plan


MIN_PART_CHARS = 8  # a 任务分工 sheet's task text, shortened, still finds its item from this length


def _by_part(text: str, by_text: dict[str, Item]) -> Item | None:
    """The one item whose text holds ``text`` (or is held by it): a 任务分工 sheet shortens tasks."""
    if len(text) < MIN_PART_CHARS:
        return None
    found = {id(i): i for t, i in by_text.items() if text in t or (len(t) >= MIN_PART_CHARS and t in text)}
    return next(iter(found.values())) if len(found) == 1 else None


def _row_changes(item: Item, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    status = str(row.get("完成状态", "")).strip()
    if status and status_key(status) != item.status:
        out["status"] = status_key(status)
    progress = str(row.get("进展情况", "")).strip()
    if progress != (item.record.get("progress") or "") and (progress or item.record.get("progress")):
        out["progress"] = progress
    actuals = {}
    indicators = tuple(t.indicator for t in item.targets)
    for part in str(row.get("实际值", "")).replace(";", "；").split("；"):
        if part.strip():
            name, value, year = parse_actual(part, indicators)
            if item.actuals.get(name) != {"value": value, "year": year}:
                actuals[name] = {"value": value, "year": year}
    if actuals:
        out["actuals"] = actuals
    done_on = read_date(row.get("完成日期", ""))
    if done_on and done_on != item.record.get("done_on"):
        out["done_on"] = done_on
    for key, column in (("lead_units", "牵头单位"), ("partner_units", "配合单位")):
        units = [u.strip() for u in str(row.get(column, "")).split(UNIT_SEP) if u.strip()]
        if column in row and units != list(getattr(item, key)):
            out[key] = units
    return out


# ----------------------------------------------------------------------------- the evaluation
EVALUATION_PARTS = ("一、总体进展", "二、主要成效", "三、存在问题", "四、下一步工作及“十五五”衔接")
UNFINISHED = ("not_started", "not_done", "partly_done")


def chapter_name(item: Item) -> str:
    """The chapter an item stands in, with its name (六、深化农业农村环境治理); the indicator table's rows: 规划指标."""
    if item.from_table:
        return "规划指标"
    title = item.clause.section_titles[0] if item.clause and item.clause.section_titles else ""
    return f"{item.chapter}{title}" if title and title not in item.chapter else item.chapter


def _on_track(item: Item, as_of: dt.date) -> bool:
    return item.status == "done" or (item.status == "in_progress" and not item.overdue(as_of))


def _progress(item: Item) -> str:
    text = str(item.record.get("progress") or "").strip()
    return f"（进展：{text}）" if text else ""


def evaluation_docx(
    items: list[Item], title: str, as_of: dt.date, successors: dict[str, Clause] | None = None, signer: str = ""
) -> bytes:
    """规划实施情况总结评估 as offices write it, in the memo's 公文 layout:

    一、总体进展 (counts by status, and by chapter with the chapters' names); 二、主要成效 (every
    finished or on-track item with its progress, and the indicators met); 三、存在问题 (unfinished
    and not-met items, with the reasons the 台账 records); 四、下一步工作及“十五五”衔接 (what carries
    forward, with the successor plan's clause where one is in the knowledge base); then the
    indicator table (only the plan's own targets: a review's figures are never commitments), the
    落款 and the date.
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    successors = successors or {}
    document = gongwen(f"《{title}》实施情况总结评估", "")
    counts = {s: sum(i.status == s for i in items) for s in STATUSES}
    done = counts["done"] + counts["not_applicable"]
    heading(document, EVALUATION_PARTS[0])
    body(
        document,
        f"规划共有任务和指标 {len(items)} 项，其中"
        + "，".join(f"{STATUSES[s]} {n} 项" for s, n in counts.items() if n)
        + f"；完成率 {done / max(len(items), 1):.0%}"
        + (f"，逾期未完成 {sum(i.overdue(as_of) for i in items)} 项。" if items else "。"),
    )
    chapters: dict[str, list[Item]] = {}
    for i in items:
        chapters.setdefault(chapter_name(i), []).append(i)
    for name, group in chapters.items():
        tally = "，".join(f"{STATUSES[s]} {n} 项" for s in STATUSES if (n := sum(i.status == s for i in group)))
        body(document, f"{name}：共 {len(group)} 项，{tally}。")
    heading(document, EVALUATION_PARTS[1])
    achieved = [i for i in items if _on_track(i, as_of)]
    met = [(i, t) for i in items for t in i.targets if i.met().get(t.indicator) is True]
    if not achieved and not met:
        body(document, "台账中尚无已完成或按期推进的任务。")
    for i in achieved:
        body(document, f"【{STATUSES[i.status]}】{i.text}{_progress(i)}")
    for i, t in met:
        actual = i.actuals.get(t.indicator, {}).get("value")
        body(document, f"【指标达标】{t.text}，实际 {actual:g}{t.unit}。")
    heading(document, EVALUATION_PARTS[2])
    problems = [i for i in items if i.status in UNFINISHED or (i.status == "in_progress" and i.overdue(as_of))]
    missed = [(i, t) for i in items for t in i.targets if i.met().get(t.indicator) is False]
    if not problems and not missed:
        body(document, "台账中没有未完成或未达标的任务。")
    for i in problems:
        reason = _progress(i) or ("（逾期未完成，台账未填写原因）" if i.overdue(as_of) else "（台账未填写进展）")
        body(document, f"【{STATUSES[i.status]}】{i.text}{reason}")
    for i, t in missed:
        actual = i.actuals.get(t.indicator, {}).get("value")
        body(document, f"【指标未达标】{t.text}，实际 {actual:g}{t.unit}。")
    heading(document, EVALUATION_PARTS[3])
    carried = [i for i in items if i.status not in FINISHED]
    if not carried:
        body(document, "各项任务均已完成，无需接续。")
    for i in carried:
        if i.item_id in successors:
            body(document, f"{i.text} → 已纳入接续规划：{citation(successors[i.item_id])}")
        else:
            body(document, f"{i.text} → 建议在“十五五”规划中接续推进。")
    heading(document, "附表：主要指标完成情况")
    targets = [(i, t) for i in items for t in i.targets]
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("指标", "基期值", "目标值", "实际值", "完成情况")):
        cell.text = text
    for item, t in targets:
        actual = item.actuals.get(t.indicator)
        base = item.bases.get(t.indicator)
        values = (
            t.indicator,
            "" if base is None else f"{base:g}",
            t.text,
            ""
            if actual is None or actual["value"] is None
            else f"{actual['value']:g}" + (f"（{actual['year']}年）" if actual.get("year") else ""),
            MET_NAMES[item.met().get(t.indicator)],
        )
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text
            for run in (r for p in cell.paragraphs for r in p.runs):
                run.font.size = Pt(10.5)
    document.add_paragraph()
    for text in (signer or "（编制单位）", f"{as_of.year}年{as_of.month}月{as_of.day}日"):
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT  # 落款 and date
    return docx_bytes(document)
