"""A memo draft from the clauses an official collected: Markdown and Word."""

from __future__ import annotations

import datetime as dt
import io

from kb.model import Clause
from kb.reports.cite import citation, location

MEMO_TITLE = "政策条款摘录"


def _due_line(c: Clause) -> str:
    kinds = {"by": "完成时限", "start": "起始", "during": "期间至"}
    return "；".join(f"{kinds.get(d.kind, d.kind)} {d.due.isoformat()}（{d.text}）" for d in c.deadlines)


def memo_markdown(clauses: list[Clause], today: dt.date | None = None) -> str:
    """The clauses as a numbered Markdown list of citations, with deadlines and locations."""
    lines = [f"# {MEMO_TITLE}", ""]
    if today:
        lines += [f"整理日期：{today.isoformat()}", ""]
    for i, c in enumerate(clauses, 1):
        lines.append(f"{i}. {citation(c)}")
        lines.append(f"   - 出处：{location(c)}")
        if c.deadlines:
            lines.append(f"   - 期限：{_due_line(c)}")
        lines.append("")
    return "\n".join(lines)


# 公文 layout (GB/T 9704): A4, margins 37/35/28/26 mm, title in 小标宋 二号, body in 仿宋_GB2312 三号.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
FALLBACK_FONTS = {
    "方正小标宋简体": "华文中宋",
    "仿宋_GB2312": "仿宋",
}  # named in the style, used where the first is missing
TITLE_PT, BODY_PT = 22, 16
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}


def _font(run_or_style, name: str, size: int | None = None, bold: bool = False) -> None:
    """Set a run's or style's Latin and East-Asian font (Word reads eastAsia for Chinese)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run_or_style.font
    font.name = name
    if size:
        font.size = Pt(size)
    font.bold = bold
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        rfonts.set(qn(attr), name)
    rfonts.set(qn("w:cs"), FALLBACK_FONTS.get(name, name))


def _page_number_footer(section) -> None:
    """A centred "— N —" footer with Word's PAGE field."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    paragraph.add_run(" —")


def gongwen(title: str, subtitle: str = ""):
    """A new python-docx document in 公文 layout: A4 and its margins, 仿宋_GB2312 三号 body on a 28 pt
    line, the title centred in 小标宋 二号, and ``subtitle`` (a date line) centred under it."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))
    normal = document.styles["Normal"]
    _font(normal, BODY_FONT, BODY_PT)
    normal.paragraph_format.line_spacing = Pt(28)
    head = document.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(head.add_run(title), TITLE_FONT, TITLE_PT)
    if subtitle:
        document.add_paragraph(subtitle).alignment = WD_ALIGN_PARAGRAPH.CENTER
    return document


def landscape_table(document, columns: tuple[str, ...], widths_mm: tuple[float, ...] = ()):
    """A new landscape section holding a grid table with ``columns`` as its header row; ``widths_mm``
    (one per column) sizes them, the clauses wide and the numbers narrow, instead of equal shares."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section = document.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, columns):
        cell.text = text
    if widths_mm:
        table.autofit = False
        for column, width in zip(table.columns, widths_mm):
            column.width = Mm(width)
            for cell in column.cells:
                cell.width = Mm(width)
    return table


def size_row(table, widths_mm: tuple[float, ...]) -> None:
    """Give the last row's cells their columns' widths (Word reads the width from each cell)."""
    from docx.shared import Mm

    if widths_mm:
        for cell, width in zip(table.rows[-1].cells, widths_mm):
            cell.width = Mm(width)


def heading(document, text: str) -> None:
    """A first-level heading of a 公文 (一、…): 黑体 三号, not Word's blue heading style."""
    _font(document.add_paragraph().add_run(text), HEADING_FONT, BODY_PT)


def body(document, text: str):
    """A body paragraph, first line indented two characters."""
    from docx.shared import Pt

    paragraph = document.add_paragraph(text)
    paragraph.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    return paragraph


def docx_bytes(document) -> bytes:
    """The document with page numbers in its footer, as bytes."""
    _page_number_footer(document.sections[0])
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def memo_docx(clauses: list[Clause], today: dt.date | None = None, names: dict[str, str] | None = None) -> bytes:
    """The memo as a .docx in 公文 layout (python-docx): A4, 小标宋 title, 仿宋_GB2312 三号 body,
    page numbers; each clause with its citation.

    Args:
        clauses: the clauses, in order.
        today: the date printed under the title.
        names: short document names by doc_id, shown before each citation.
    """
    document = gongwen(MEMO_TITLE, f"整理日期：{today.isoformat()}" if today else "")
    for i, c in enumerate(clauses, 1):
        name = f"【{names[c.doc_id]}】" if names and c.doc_id in names else ""
        body(document, f"{i}. {name}{citation(c)}")
        details = [f"出处：{location(c)}"] + ([f"期限：{_due_line(c)}"] if c.deadlines else [])
        for line in details:
            body(document, line)
    return docx_bytes(document)
