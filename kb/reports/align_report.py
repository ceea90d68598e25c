"""The 对标对表 report: the alignment as an Excel sheet and a Word table, both with citations."""

from __future__ import annotations

import datetime as dt
import io

from kb.compare.align import STATUS_NAMES, AlignRow, due_of, summary
from kb.model import Clause
from kb.reports.cite import citation
from kb.reports.render import append_row

HEADERS = (
    "序号",
    "状态",
    "上级条款（引用）",
    "上级期限",
    "上级目标",
    "本级条款（引用）",
    "本级期限",
    "本级目标",
    "匹配度",
)
# Fill colours by status (Excel ARGB, Word hex): green covered, amber later, orange weaker, red missing.
STATUS_COLOURS = {"covered": "C6EFCE", "later": "FFEB9C", "weaker": "F8CBAD", "missing": "FFC7CE"}
REPORT_TITLE = "对标对表"


def targets_text(c: Clause | None) -> str:
    return "；".join(t.text for t in c.targets) if c else ""


def due_text(c: Clause | None) -> str:
    due = due_of(c) if c else None
    return due.isoformat() if due else ""


def table_row(n: int, r: AlignRow) -> dict:
    """One row as the page, the Excel sheet and the Word table all show it (``HEADERS`` → value):
    the status in words, both citations, dates and targets."""
    return dict(
        zip(
            HEADERS,
            [
                n,
                STATUS_NAMES[r.status],
                citation(r.upper),
                due_text(r.upper),
                targets_text(r.upper),
                citation(r.lower) if r.lower else "（本级文件中未找到对应条款）",
                due_text(r.lower),
                targets_text(r.lower),
                round(r.score, 3),
            ],
        )
    )


def report_title(lower_title: str) -> str:
    return f"《{lower_title}》{REPORT_TITLE}"


def to_xlsx(rows: list[AlignRow], lower_title: str, as_of: dt.date) -> bytes:
    """The alignment as an .xlsx workbook (openpyxl): a title, counts, and one coloured row each."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = REPORT_TITLE
    append_row(ws, [report_title(lower_title)])
    ws["A1"].font = Font(bold=True, size=14)
    counts = summary(rows)
    ws.append([f"统计日期：{as_of.isoformat()}；" + "，".join(f"{STATUS_NAMES[s]} {n} 项" for s, n in counts.items())])
    ws.append(list(HEADERS))
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for n, r in enumerate(rows, 1):
        append_row(ws, table_row(n, r).values())
        fill = PatternFill("solid", fgColor=STATUS_COLOURS[r.status])
        for cell in ws[ws.max_row]:
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDEFGHI", (6, 14, 60, 12, 24, 60, 12, 24, 8)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_docx(rows: list[AlignRow], lower_title: str, as_of: dt.date) -> bytes:
    """The alignment as a landscape .docx table (python-docx), rows shaded by status."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    document.add_heading(report_title(lower_title), level=1)
    counts = summary(rows)
    document.add_paragraph(
        f"统计日期：{as_of.isoformat()}；" + "，".join(f"{STATUS_NAMES[s]} {n} 项" for s, n in counts.items())
    )
    table = document.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADERS):
        cell.text = text
    for n, r in enumerate(rows, 1):
        cells = table.add_row().cells
        for cell, value in zip(cells, table_row(n, r).values()):
            cell.text = str(value)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:fill"), STATUS_COLOURS[r.status])
            cell._tc.get_or_add_tcPr().append(shading)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
