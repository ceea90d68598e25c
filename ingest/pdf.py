"""Text from PDFs with pypdf, with the usual layout damage undone.

Damage seen in government PDFs (see corpus/README.md): full-width punctuation mapped to ASCII
(。 → ``.``), full-width digits, a private-use glyph for the decimal point, spaces between the
characters of justified lines, line breaks inside words and sentences, running headers, and
page numbers such as ``—１２—``.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import replace

from .repair import punctuation_is_mapped, repair_line
from .tables import table_lines

PAGE_NUMBER_RE = re.compile(r"^[—\-–－\s]*\d{1,4}[—\-–－\s]*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$")
TERMINAL_RE = re.compile(r"[。！？：；]$")
OUTLINE_START_RE = re.compile(
    r"^(第[一二三四五六七八九十百零〇]+[章节条编]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|专栏\s*\d)"
)
MAX_HEADING_CHARS = 30
SHORT_LINE = 0.7  # of the typical full line: shorter lines end a paragraph
FULL_LINE = 0.9  # a line ending in 。 and shorter than this ends its paragraph too
INDENT_RE = re.compile(r"^[ \u3000]{2,}")


def running_headers(pages: list[list[str]]) -> set[str]:
    """Lines standing first on at least half of the pages (and on at least two)."""
    firsts = Counter(p[0] for p in pages if p)
    return {line for line, n in firsts.items() if n >= 2 and n >= len(pages) / 2}


def _strip_page(lines: list[str], headers: set[str]) -> list[str]:
    lines = [ln for ln in lines if ln and not PAGE_NUMBER_RE.match(ln)]
    lines = [ln for i, ln in enumerate(lines) if i == 0 or ln != lines[i - 1]]  # doubled title lines
    if lines and lines[0] in headers:
        lines = lines[1:]
    return lines


def _breaks_after(line: str, nxt: str | None, full_width: int, indented_next: bool) -> bool:
    """Whether a paragraph ends after ``line`` (lines of one paragraph are joined with nothing)."""
    if nxt is None or indented_next or OUTLINE_START_RE.match(nxt):
        return True
    if OUTLINE_START_RE.match(line) and len(line) <= MAX_HEADING_CHARS and not TERMINAL_RE.search(line):
        return True
    if len(line) < SHORT_LINE * full_width:  # a title, a heading or a table row
        return True
    return bool(TERMINAL_RE.search(line)) and len(line) < FULL_LINE * full_width


def _page_lines(raw_pages: list[str], mapped: bool) -> tuple[list[list[str]], list[set[str]]]:
    """Each page's repaired, non-empty lines, and which of them were indented (a new paragraph)."""
    pages, indents = [], []
    for raw in raw_pages:
        kept = [(bool(INDENT_RE.match(r)), repair_line(r, mapped)) for r in raw.split("\n")]
        pages.append([ln for _, ln in kept if ln])
        indents.append({ln for indented, ln in kept if indented and ln})
    return pages, indents


def _join(pages: list[list[str]], indents: list[set[str]]) -> tuple[str, list[int]]:
    """Lines joined into paragraphs (one a line), and the offset where each page begins."""
    lengths = [len(ln) for p in pages for ln in p]
    full_width = statistics.quantiles(lengths, n=10)[-1] if len(lengths) >= 10 else max(lengths or [1])
    flat = [(i, ln) for i, p in enumerate(pages) for ln in p]
    out, page_starts, pos, seen_page = [], [0] * len(pages), 0, -1
    for k, (page, line) in enumerate(flat):
        while seen_page < page:
            seen_page += 1
            page_starts[seen_page] = pos
        nxt = flat[k + 1] if k + 1 < len(flat) else None
        indented_next = bool(nxt) and nxt[1] in indents[nxt[0]]
        sep = "\n" if _breaks_after(line, nxt[1] if nxt else None, full_width, indented_next) else ""
        out.append(line + sep)
        pos += len(line) + len(sep)
    for rest in range(seen_page + 1, len(pages)):
        page_starts[rest] = pos
    return "".join(out), page_starts


def pdf_text(raw_pages: list[str], tables: list = ()) -> tuple[str, list[int], list]:
    """The repaired text of a PDF, one paragraph a line, each page's start offset, table rows.

    Args:
        raw_pages: each page's text as extracted (text layer, or OCR for pages in ``ocr_pages``).
        tables: ``ingest.tables.Table`` objects found on the pages; their body rows are written
            after the text, one line each, so they have offsets (their page is the table's).

    Returns:
        (text, page_starts, table_rows): ``page_starts[i]`` is the offset where page i+1's text begins.
    """
    pages, indents = _page_lines(raw_pages, punctuation_is_mapped("".join(raw_pages)))
    headers = running_headers(pages)
    text, starts = _join([_strip_page(p, headers) for p in pages], indents)
    rows = []
    for table in tables:
        start = len(text) + 1
        lines, spans = table_lines(table, start)
        text += "\n" + "\n".join(lines)
        rows += [replace(r, page=table.page) for r in spans]
    return text, starts, rows
