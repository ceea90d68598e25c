"""A document's pieces and table rows → the ``Clause`` objects the index stores.

Each prose piece gets its deadlines (a sentence head governs the whole sentence), its targets
(none in a sentence that reports the past: "2020年，…达到96%"), its units and its page. Each
table row becomes a clause of its own, placed after the prose it follows, carrying its column
headers; an indicator row (指标 | 2020年 | 2025年 | 属性) also carries the target for its
target year and that year as its deadline.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import re

from kb.model import Clause, Deadline, Target
from kb.policy.deadlines import sentence_deadlines
from kb.policy.roles import COMMITTING, clause_role
from kb.policy.targets import cell_target, extract_targets, reports_past
from kb.policy.units import clause_units

from .read import RawDoc
from .segment import Piece
from .tables import TableRow

HEADER_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
UNIT_IN_INDICATOR_RE = re.compile(r"[（(]\s*(?P<unit>%|％|[^（）()]{1,12})\s*[）)]\s*\S*$")


def _page(page_starts: tuple[int, ...] | None, offset: int) -> int | None:
    return bisect.bisect_right(page_starts, offset) if page_starts else None


def _deadlines_by_piece(text: str, pieces: list[Piece], doc_date: dt.date | None) -> list[tuple]:
    """Deadlines for each piece, sentence by sentence, so a sentence head governs all its clauses."""
    out: list[tuple] = []
    i = 0
    while i < len(pieces):
        j = i
        while j + 1 < len(pieces) and pieces[j + 1].sentence == pieces[i].sentence:
            j += 1
        out += sentence_deadlines(text, [(p.char_start, p.char_end) for p in pieces[i : j + 1]], doc_date)
        i = j + 1
    return out


def indicator_row(row: TableRow) -> tuple[tuple[Target, ...], tuple[Deadline, ...]]:
    """The target and deadline of an indicator row: the last year column holds the target."""
    years = [(k, int(m.group(1))) for k, h in enumerate(row.header) if (m := HEADER_YEAR_RE.search(h))]
    if len(years) < 1 or len(row.cells) != len(row.header):
        return (), ()
    col, year = years[-1]
    base = years[0][1] if len(years) > 1 else None
    named = [
        c
        for k, c in enumerate(row.cells)
        if k != col and re.search(r"[\u4e00-\u9fff]", c) and not HEADER_YEAR_RE.search(row.header[k])
    ]
    if not named:
        return (), ()
    indicator = max(named, key=len)
    unit = UNIT_IN_INDICATOR_RE.search(indicator)
    name = re.sub(r"\s*[（(][^（）()]*[）)]\s*$", "", indicator)
    target = cell_target(name, row.cells[col], unit.group("unit").replace("％", "%") if unit else "", base)
    if target is None:
        return (), ()
    line = " | ".join(row.cells)  # the row is the target's text
    target = dataclasses.replace(target, text=line, char_start=0, char_end=len(line))
    deadline = Deadline(row.header[col], row.start, row.end, dt.date(year, 12, 31), "by")
    return (target,), (deadline,)


def make_clauses(
    raw: RawDoc, pieces: list[Piece], sha: str, doc_id: str, title: str, doc_number: str, issuer: str, doc_date: str
) -> list[Clause]:
    """The clauses of one document: prose pieces and table rows, in reading order."""
    date = dt.date.fromisoformat(doc_date) if doc_date else None
    year = date.year if date else None
    deadlines = _deadlines_by_piece(raw.text, pieces, date)
    heads: dict[int, str] = {}
    for p in pieces:
        heads.setdefault(p.sentence, p.text)
    ocr = set(raw.ocr_pages)
    common = dict(doc_id=doc_id, title=title, doc_number=doc_number, issuer=issuer, doc_date=doc_date)
    prose = []
    outlined = any(any(p.titles) for p in pieces)  # a text without headings has no preamble
    for i, p in enumerate(pieces):
        page = _page(raw.page_starts, p.char_start)
        lead, partners = clause_units(p.units, p.text)
        targets = () if reports_past(heads[p.sentence], year) else extract_targets(p.text, year)
        role = clause_role(p.text, p.titles, bool(targets), year, heads[p.sentence], outlined)
        prose.append(
            Clause(
                clause_id="",
                section="".join(p.section),
                section_titles=p.titles,
                lead=p.lead,
                text=p.text,
                paragraph=p.paragraph,
                sentence=p.sentence,
                char_start=p.char_start,
                char_end=p.char_end,
                page=page,
                deadlines=deadlines[i],
                targets=targets if role in COMMITTING else (),  # a review's figures are history
                lead_units=lead,
                partner_units=partners,
                source="ocr" if page in ocr or raw.source == "ocr" else "text",
                role=role,
                **common,
            )
        )
    ordered = _with_rows(prose, raw, common, ocr, year)
    return [_with_id(c, f"{sha[:10]}-{i:04d}") for i, c in enumerate(ordered)]


def _with_id(c: Clause, clause_id: str) -> Clause:
    import dataclasses

    return dataclasses.replace(c, clause_id=clause_id)


def _with_rows(prose: list[Clause], raw: RawDoc, common: dict, ocr: set[int], year: int | None) -> list[Clause]:
    """Prose and table rows in reading order: each row after the last prose clause before it
    (by page for a PDF, where rows are written after the text; by offset otherwise)."""
    if not any(not r.is_header for r in raw.table_rows):
        return prose
    after: dict[int, list[Clause]] = {}
    for row in raw.table_rows:
        if row.is_header:
            continue
        if row.page is not None:
            anchor = max((k for k, c in enumerate(prose) if (c.page or 0) <= row.page), default=-1)
        else:
            anchor = max((k for k, c in enumerate(prose) if c.char_start < row.start), default=-1)
        near = prose[anchor] if anchor >= 0 else None
        targets, deadlines = indicator_row(row)
        titles = near.section_titles if near else ()
        role = clause_role(" | ".join(row.cells), titles, bool(targets), year) if titles else "task"
        if role not in COMMITTING:  # a row of the last period's table (完成值) is history
            targets, deadlines = (), ()
        after.setdefault(anchor, []).append(
            Clause(
                clause_id="",
                section=near.section if near else "",
                section_titles=near.section_titles if near else (),
                lead="",
                text=" | ".join(row.cells),
                paragraph=near.paragraph if near else 0,
                sentence=near.sentence if near else 0,
                char_start=row.start,
                char_end=row.end,
                page=row.page or _page(raw.page_starts, row.start),
                deadlines=deadlines,
                targets=targets,
                source="ocr" if row.page in ocr else "text",
                table_header=row.header,
                table_cells=row.cells,
                role=role,
                **common,
            )
        )
    out = list(after.get(-1, []))
    for k, c in enumerate(prose):
        out.append(c)
        out += after.get(k, [])
    return out
