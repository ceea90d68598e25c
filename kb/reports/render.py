"""Document text as safe HTML: escaped (a clause may contain ``<script>``), matched terms marked."""

from __future__ import annotations

import re

from kb.text import fold

# Characters HTML or Markdown would act on, written as numeric entities so they show as they are.
# ``:`` and ``@`` too, and the dot of ``www.``: a URL (https://…), www.… or an e-mail address in a
# clause stays text, never a link (Markdown's autolinks start from exactly these).
ENTITIES = {c: f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-!|~$:@"}
WWW_RE = re.compile(r"(?i)(www)\.")


def escape(text: str) -> str:
    """``text`` with HTML and Markdown syntax neutralised: shown exactly as written."""
    return WWW_RE.sub(r"\1&#46;", "".join(ENTITIES.get(c, c) for c in text))


def highlight(text: str, terms: list[str] | tuple[str, ...], tag: str = "mark") -> str:
    """``text`` escaped, with every occurrence of ``terms`` wrapped in ``<mark>``.

    Terms are matched on the NFKC form, so 黑臭水体 marks a full-width or half-width match alike;
    the original characters are what is shown.
    """
    spans = []
    for a, b in _spans(text, terms):  # touching matches become one mark
        if spans and spans[-1][1] == a:
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    out, pos = [], 0
    for a, b in spans:
        out.append(escape(text[pos:a]))
        out.append(f"<{tag}>{escape(text[a:b])}</{tag}>")
        pos = b
    out.append(escape(text[pos:]))
    return "".join(out)


def _spans(text: str, terms) -> list[tuple[int, int]]:
    folded = fold(text).lower()
    spans = []
    for term in sorted({t for t in terms if t}, key=len, reverse=True):
        for m in re.finditer(re.escape(term.lower()), folded):
            if not any(a < m.end() and m.start() < b for a, b in spans):
                spans.append((m.start(), m.end()))
    return sorted(spans)


# A spreadsheet reads a cell opening with one of these as a formula (=HYPERLINK(...), +cmd|…, @SUM);
# clause text and titles written by uploaders are data, never formulas (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A CSV cell that no spreadsheet runs: a leading formula character is quoted with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def append_row(ws, values) -> None:
    """Append a row to an openpyxl sheet with every string stored as text, never as a formula."""
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


def shape_sheet(ws, header_row: int, widths, freeze_columns: int = 1) -> None:
    """What an office expects of an exported table: a bold header, wrapped top-aligned cells,
    column ``widths`` (characters, in order), the header and the first ``freeze_columns``
    columns frozen, and a filter on every column."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = ws.cell(header_row + 1, freeze_columns + 1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(widths))}{max(ws.max_row, header_row)}"
