"""Tables as rows: PDF grids found by pdfplumber and read box by box with pypdfium2; docx tables.

pdfplumber finds the grid lines well but misreads many cells of the Liaoning plan (digits in
another font sit off the line: "年\\n2020"); pypdfium2 reads each cell box cleanly
(ENVIRONMENT.md). Tables of fewer than ``MIN_COLUMNS`` columns are 专栏 boxes, not tables.

A table becomes rows: each row is a searchable unit carrying its column headers, written into
the document's text as one line (cells joined by `` | ``) so that it has offsets and a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .repair import repair_line

MIN_COLUMNS = 3
# A ruled table of 3 columns and 2 rows draws at least 7 lines; pages with fewer path objects are
# not given to pdfplumber, whose page parsing is what table finding costs (8.9 of 9 s on the Liaoning plan).
MIN_TABLE_PATHS = 7
CELL_SEP = " | "
PRIVATE_DOT = "\U001001b0"  # the Liaoning PDF's decimal point glyph


@dataclass(frozen=True)
class Table:
    """A table: its header row and body rows (cells as text); ``page`` is 1-based or None."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    page: int | None = None


@dataclass(frozen=True)
class TableRow:
    """One body row written into a document's text at [start, end)."""

    start: int
    end: int
    header: tuple[str, ...]
    cells: tuple[str, ...]
    page: int | None = None
    is_header: bool = False  # the header line, written before the body rows; not a unit of its own


def clean_cell(text: str) -> str:
    """A cell's text repaired as a PDF line is (ingest.repair.repair_line): the private-use decimal
    point, guillemets, full-width digits, justified spaces; its lines joined."""
    t = (text or "").replace(PRIVATE_DOT, ".").replace("\r", "\n")
    return "".join(repair_line(part, True) for part in t.split("\n") if part.strip())


def row_line(cells: tuple[str, ...]) -> str:
    return CELL_SEP.join(cells)


def pdf_tables(data: bytes) -> list[Table]:
    """Tables of 3 or more columns in a PDF, read cell by cell.

    Header rows are the rows before the first whose cells hold a number; merged cells repeat
    the text of the cell they continue.
    """
    import io

    import pdfplumber
    import pypdfium2 as pdfium

    out: list[Table] = []
    document = pdfium.PdfDocument(data)
    try:
        ruled = ruled_pages(document)
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for index in ruled:
                page = pdf.pages[index]
                grids = [t for t in page.find_tables() if max((len(r.cells) for r in t.rows), default=0) >= MIN_COLUMNS]
                if not grids:
                    continue
                text_page = document[index].get_textpage()
                height = page.height
                for grid in grids:
                    rows = []
                    for boxes in (row.cells for row in grid.rows):  # None for a merged cell
                        cells, last = [], ""
                        for box in boxes:
                            if box is None:
                                cells.append(last)
                                continue
                            x0, top, x1, bottom = box
                            last = clean_cell(text_page.get_text_bounded(x0, height - bottom, x1, height - top))
                            cells.append(last)
                        if any(cells):
                            rows.append(tuple(cells))
                    table = split_header(rows, index + 1)
                    if table:
                        out.append(table)
    finally:
        document.close()
    return out


NUMBER_RE = re.compile(r"\d")


def ruled_pages(document) -> list[int]:
    """0-based pages of a pypdfium2 document with enough drawn lines to hold a table."""
    import pypdfium2.raw as pdfium_c

    return [
        i
        for i in range(len(document))
        if sum(1 for _ in document[i].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH])) >= MIN_TABLE_PATHS
    ]


def split_header(rows: list[tuple[str, ...]], page: int | None = None) -> Table | None:
    """A table from its rows: the header is the first row (merged with the next while the next
    holds no number in its data columns)."""
    rows = [r for r in rows if any(r) and len(set(r)) > 1]  # a row of one merged cell is a caption or group
    if len(rows) < 2:
        return None
    header, body = rows[0], rows[1:]
    while body and not any(NUMBER_RE.search(c) for c in body[0][1:]) and len(body) > 1 and _is_header_like(body[0]):
        header = tuple(" ".join(x for x in (a, b) if x and x != a) or a for a, b in zip(header, body[0]))
        body = body[1:]
    return Table(header, tuple(body), page)


def _is_header_like(row: tuple[str, ...]) -> bool:
    return all(len(c) <= 12 for c in row)


def table_lines(table: Table, start: int) -> tuple[list[str], list[TableRow]]:
    """The lines a table is written as (header, then body rows) from offset ``start``, and their spans."""
    lines, spans, pos = [], [], start
    for k, cells in enumerate((table.header, *table.rows)):
        line = row_line(cells)
        lines.append(line)
        spans.append(TableRow(pos, pos + len(line), table.header, cells, is_header=k == 0))
        pos += len(line) + 1
    return lines, spans


def docx_table(table) -> Table | None:
    """A python-docx table as a ``Table`` (None when it has fewer than ``MIN_COLUMNS`` columns)."""
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:  # a merged cell appears once per grid column it spans
            key = id(cell._tc)
            cells.append(clean_cell(cell.text) if key not in seen else cells[-1])
            seen.add(key)
        rows.append(tuple(cells))
    if max((len(r) for r in rows), default=0) < MIN_COLUMNS:
        return None
    return split_header(rows)
