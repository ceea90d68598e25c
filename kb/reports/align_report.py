"""The 对标对表 report: one row shape for the page, the Excel sheet and the Word table.

The row puts the two texts side by side first (the upper commitment, the lower clause), then
the status and its reason, then dates, targets, the match score, the nearest lower clauses for
a missing row and the reviewer's 备注. Both files open with the counts and a legend of the
statuses and of 匹配度; the Word file is a 公文 (kb.reports.memo), its table landscape.
"""

from __future__ import annotations

import datetime as dt
import io

from kb.compare.align import SCORE_HELP, STATUS_HELP, STATUS_NAMES, STATUSES, AlignRow, due_of, summary
from kb.model import Clause
from kb.reports.cite import citation
from kb.reports.render import append_row, shape_sheet

HEADERS = (
    "序号",
    "上级任务",
    "本级条款（引用）",
    "状态",
    "原因",
    "上级条款（引用）",
    "上级期限",
    "期限依据",
    "本级期限",
    "上级目标",
    "本级目标",
    "匹配度",
    "最相近的本级条款",
    "备注",
    "编号",
)
NO_COUNTERPART = "（本级文件中未找到对应条款）"
DUE_BASIS_NAMES = {"text": "上级条文写明", "period": "上级规划期末", "": ""}
# Fill colours by status (Excel ARGB, Word hex).
STATUS_COLOURS = {
    "covered": "C6EFCE",
    "later": "FFEB9C",
    "undated": "FFF2CC",
    "weaker": "F8CBAD",
    "missing": "FFC7CE",
    "not_applicable": "D9D9D9",
}
REPORT_TITLE = "对标对表"
# Excel column widths (characters), in HEADERS' order.
WIDTHS = (6, 40, 48, 12, 30, 48, 11, 12, 11, 24, 24, 8, 48, 24, 14)


def targets_text(targets) -> str:
    return "；".join(t.text for t in targets)


def due_text(c: Clause | None) -> str:
    due = due_of(c) if c else None
    return due.isoformat() if due else ""


def table_row(n: int, r: AlignRow) -> dict:
    """One row as the page, the Excel sheet and the Word table all show it (``HEADERS`` → value)."""
    k = r.commitment
    nearest = "\n".join(f"{citation(c)}（匹配度 {s:.2f}）" for c, s in r.nearest)
    return dict(
        zip(
            HEADERS,
            [
                n,
                k.text,
                citation(r.lower) if r.lower else NO_COUNTERPART,
                STATUS_NAMES[r.status],
                r.reason,
                citation(r.upper),
                k.due.isoformat() if k.due else "",
                DUE_BASIS_NAMES[k.due_basis],
                due_text(r.lower),
                targets_text(k.targets),
                targets_text(r.lower.targets) if r.lower else "",
                round(r.score, 3),
                nearest,
                r.note,
                k.key,
            ],
        )
    )


def report_title(lower_title: str) -> str:
    return f"《{lower_title}》{REPORT_TITLE}"


def counts_line(rows: list[AlignRow], as_of: dt.date) -> str:
    counts = summary(rows)
    return f"统计日期：{as_of.isoformat()}；共 {len(rows)} 项承诺：" + "，".join(
        f"{STATUS_NAMES[s]} {n} 项" for s, n in counts.items()
    )


def legend() -> list[str]:
    """The statuses and 匹配度 in words, one line each (both files and the page show them)."""
    return [f"{STATUS_NAMES[s]}：{STATUS_HELP[s]}" for s in STATUSES] + [SCORE_HELP]


def to_xlsx(rows: list[AlignRow], lower_title: str, as_of: dt.date) -> bytes:
    """The alignment as an .xlsx workbook (openpyxl): title, counts, legend, then one coloured,
    wrapped row each under a frozen, filtered header."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = REPORT_TITLE
    append_row(ws, [report_title(lower_title)])
    ws["A1"].font = Font(bold=True, size=14)
    append_row(ws, [counts_line(rows, as_of)])
    for line in legend():
        append_row(ws, [line])
    ws.append(list(HEADERS))
    header = ws.max_row
    for n, r in enumerate(rows, 1):
        append_row(ws, table_row(n, r).values())
        fill = PatternFill("solid", fgColor=STATUS_COLOURS[r.status])
        ws.cell(ws.max_row, HEADERS.index("状态") + 1).fill = fill
    shape_sheet(ws, header, WIDTHS, freeze_columns=2)  # the number and the upper task stay in view
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# The Word table's columns: the texts side by side, the status and reason, the dates and the 备注.
UPPER_CELL = "上级任务（引用）"
DOCX_COLUMNS = ("序号", UPPER_CELL, "本级条款（引用）", "状态", "原因", "上级期限", "本级期限", "备注")
# On A4 landscape (245 mm between the margins): the two clauses wide, the dates and number narrow.
DOCX_WIDTHS_MM = (10, 70, 70, 16, 35, 14, 14, 16)


def upper_cell(r: AlignRow) -> str:
    """The upper commitment with its clause's citation (the citation alone when it is the whole clause)."""
    whole = r.commitment.text.rstrip("。；;") == r.upper.text.strip().rstrip("。；;")
    return citation(r.upper) if whole else f"{r.commitment.text}\n出自{citation(r.upper)}"


def to_docx(rows: list[AlignRow], lower_title: str, as_of: dt.date) -> bytes:
    """The alignment as a 公文 (title, counts, legend) with a landscape table shaded by status."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from kb.reports.memo import body, docx_bytes, gongwen, heading, landscape_table, size_row

    document = gongwen(report_title(lower_title), f"统计日期：{as_of.isoformat()}")
    heading(document, "一、总体情况")
    body(document, counts_line(rows, as_of).split("；", 1)[1] + "。")
    heading(document, "二、状态说明")
    for line in legend():
        body(document, line)
    heading(document, "三、对照表")
    table = landscape_table(document, DOCX_COLUMNS, DOCX_WIDTHS_MM)
    for n, r in enumerate(rows, 1):
        values = {**table_row(n, r), UPPER_CELL: upper_cell(r)}
        cells = table.add_row().cells
        size_row(table, DOCX_WIDTHS_MM)
        for cell, column in zip(cells, DOCX_COLUMNS):
            cell.text = str(values[column])
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.line_spacing = Pt(14)
                for run in paragraph.runs:
                    run.font.size = Pt(9)
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:fill"), STATUS_COLOURS[r.status])
        cells[DOCX_COLUMNS.index("状态")]._tc.get_or_add_tcPr().append(shading)
    return docx_bytes(document)
