"""The 修订对照表 as offices send it: a 公文 with a landscape table 序号 | 原文 | 修改后 | 修改说明
(deletions struck through and additions underlined in the cells), and the same rows as XLSX."""

from __future__ import annotations

import io

from kb.compare.revisions import KIND_NAMES, Revision, Row, char_diff, note

COLUMNS = ("序号", "原文", "修改后", "修改说明")
WIDTHS = (6, 60, 60, 40)
FLAG_NAMES = {"dropped_unfinished": "未完成即删除", "below_upper": "低于上级要求"}


def shown(rows: list[Row], all_rows: bool = False) -> list[Row]:
    """The rows a 对照表 lists: changes only, unless every row is asked for."""
    return rows if all_rows else [r for r in rows if r.kind != "same"]


def explanation(row: Row, flags: dict[int, list[str]] | None = None, n: int = 0) -> str:
    words = [note(row) or KIND_NAMES[row.kind]]
    words += [FLAG_NAMES.get(f, f) for f in (flags or {}).get(n, [])]
    return "；".join(w for w in words if w)


def to_docx(revision: Revision, all_rows: bool = False, flags: dict[int, list[str]] | None = None) -> bytes:
    from docx.shared import Pt

    from kb.reports.memo import body, docx_bytes, gongwen, heading, landscape_table

    counts = revision.counts()
    document = gongwen(f"《{revision.new_doc.title}》修订对照表", "")
    heading(document, "一、修订概况")
    body(
        document,
        f"与《{revision.old_doc.title}》相比："
        + "，".join(f"{KIND_NAMES[k]} {n} 条" for k, n in counts.items() if n and k != "same")
        + f"；未修改 {counts['same']} 条。",
    )
    heading(document, "二、修订对照表")
    table = landscape_table(document, COLUMNS)
    rows = shown(revision.rows, all_rows)
    for n, row in enumerate(rows, 1):
        cells = table.add_row().cells
        cells[0].text = str(n)
        runs = char_diff(row.old_text, row.new_text)
        old_p, new_p = cells[1].paragraphs[0], cells[2].paragraphs[0]
        for kind, text in runs:
            if kind in ("same", "deleted"):
                run = old_p.add_run(text)
                run.font.strike = kind == "deleted"
            if kind in ("same", "added"):
                run = new_p.add_run(text)
                run.font.underline = kind == "added"
        cells[3].text = explanation(row, flags, revision.rows.index(row))
        for cell in cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.line_spacing = Pt(14)
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    return docx_bytes(document)


def to_xlsx(revision: Revision, all_rows: bool = False, flags: dict[int, list[str]] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from kb.reports.render import append_row, shape_sheet

    wb = Workbook()
    ws = wb.active
    ws.title = "修订对照表"
    append_row(ws, [f"《{revision.new_doc.title}》修订对照表（与《{revision.old_doc.title}》相比）"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([*COLUMNS, "类型"])
    for n, row in enumerate(shown(revision.rows, all_rows), 1):
        append_row(
            ws,
            [n, row.old_text, row.new_text, explanation(row, flags, revision.rows.index(row)), KIND_NAMES[row.kind]],
        )
    shape_sheet(ws, 2, (*WIDTHS, 10))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
