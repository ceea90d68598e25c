"""The dataclasses that flow from ingest through the index to the CLI and the app."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Deadline:
    """A dated commitment found in a clause.

    Attributes:
        text: the time expression as written (e.g. ``2025年底前``).
        char_start: offset of ``text`` in the string it was extracted from (for a stored
            clause: in the document's text, so a deadline inherited from the head of the
            sentence points before the clause).
        char_end: end offset, exclusive.
        due: the date it falls due (``by``), applies from (``start``), or the period ends (``during``).
        kind: ``by``, ``start`` or ``during``.
        start: first day of the period for spans (``"十四五"期间`` → 2021-01-01), else None.
        inherited: True when the expression heads the sentence and this clause follows it.
    """

    text: str
    char_start: int
    char_end: int
    due: dt.date
    kind: str
    start: dt.date | None = None
    inherited: bool = False

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["due"] = self.due.isoformat()
        d["start"] = self.start.isoformat() if self.start else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Deadline:
        d = dict(d)
        d["due"] = dt.date.fromisoformat(d["due"])
        d["start"] = dt.date.fromisoformat(d["start"]) if d.get("start") else None
        return cls(**d)


@dataclass(frozen=True)
class Target:
    """A quantified target in a clause: 农村生活污水治理率达到35%.

    Attributes:
        indicator: what is measured (农村生活污水治理率, PM2.5浓度).
        comparator: ``>=``, ``<=``, ``=``, ``down`` (下降/降低/减少 by value), ``up`` (提高 by value).
        value: the number (35.0); for a range the bound that matters.
        unit: ``%``, ``万吨``, ``个百分点``… ("" when none).
        text: the target as written.
        base_year: the year a change is measured from (比2020年下降10% → 2020), else None.
        lower_is_better: whether a smaller value of the indicator is better (浓度, 排放量, 能耗…).
        char_start, char_end: offsets of ``text`` in the clause's text.
    """

    indicator: str
    comparator: str
    value: float
    unit: str
    text: str
    base_year: int | None = None
    lower_is_better: bool = False
    char_start: int = 0
    char_end: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Target:
        return cls(**d)


@dataclass(frozen=True)
class Clause:
    """A sentence-level unit inside one outline item of one document.

    Attributes:
        clause_id: stable id, ``<doc content hash prefix>-<ordinal>``.
        doc_id: the document's id (its file name).
        title, doc_number, issuer, doc_date: the document's metadata (doc_date ISO or "").
        section: the outline position as markers, e.g. ``六、（一）5.`` ("" before any heading).
        section_titles: the titles of the outline items on the path, outermost first.
        lead: the paragraph's lead phrase when the paragraph opens with a short topic sentence.
        text: the verbatim clause.
        paragraph: index of the paragraph in the document.
        sentence: index of the sentence (split at 。！？) the clause belongs to, document-wide.
        char_start, char_end: offsets of ``text`` in the document's text.
        page: 1-based page of ``char_start`` for paged formats, else None.
        deadlines: dated commitments that govern this clause.
        targets: quantified targets the clause sets.
        lead_units, partner_units: who leads and who takes part (牵头/按职责分工负责).
        source: where the text came from: ``text`` (a text file or text layer) or ``ocr``.
        table_header, table_cells: for a table row, the column headers and the row's cells
            (``text`` is the cells joined by " | "); empty for prose.
        role: what the clause is (条款性质, kb.policy.roles): ``task``, ``target``, ``review``,
            ``problem``, ``vision`` or ``safeguard``; "" in an index written before roles.
    """

    clause_id: str
    doc_id: str
    title: str
    doc_number: str
    issuer: str
    doc_date: str
    section: str
    section_titles: tuple[str, ...]
    lead: str
    text: str
    paragraph: int
    sentence: int
    char_start: int
    char_end: int
    page: int | None = None
    deadlines: tuple[Deadline, ...] = ()
    targets: tuple[Target, ...] = ()
    lead_units: tuple[str, ...] = ()
    partner_units: tuple[str, ...] = ()
    source: str = "text"
    table_header: tuple[str, ...] = ()
    table_cells: tuple[str, ...] = ()
    role: str = ""

    @property
    def units(self) -> tuple[str, ...]:
        """Every unit the clause names, leading or taking part."""
        return self.lead_units + self.partner_units

    @property
    def context(self) -> str:
        """Headings and lead phrase that situate the clause, for embedding and display."""
        parts = [t for t in self.section_titles if t]
        if self.lead:
            parts.append(self.lead)
        return " > ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["section_titles"] = list(self.section_titles)
        d["deadlines"] = [x.to_dict() for x in self.deadlines]
        d["targets"] = [x.to_dict() for x in self.targets]
        for key in ("lead_units", "partner_units", "table_header", "table_cells"):
            d[key] = list(getattr(self, key))
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Clause:
        d = dict(d)
        d["section_titles"] = tuple(d["section_titles"])
        d["deadlines"] = tuple(Deadline.from_dict(x) for x in d.get("deadlines", ()))
        d["targets"] = tuple(Target.from_dict(x) for x in d.get("targets", ()))
        for key in ("lead_units", "partner_units", "table_header", "table_cells"):
            d[key] = tuple(d.get(key, ()))
        return cls(**d)


@dataclass(frozen=True)
class Document:
    """One ingested file and its metadata."""

    doc_id: str
    path: str
    sha256: str
    format: str
    encoding: str
    title: str
    issuer: str
    doc_number: str
    date: str
    level: int
    pages: int | None = None
    n_clauses: int = 0
    period_start: str = ""  # ISO; the period the document applies for (kb.policy.validity), "" unknown
    period_end: str = ""
    period_basis: str = ""  # how the period was found, in words shown to the user
    repeals: tuple[str, ...] = ()  # titles and 文号 of documents it repeals or replaces

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["repeals"] = list(self.repeals)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        d = dict(d)
        d["repeals"] = tuple(d.get("repeals", ()))
        return cls(**d)


@dataclass(frozen=True)
class Hit:
    """A ranked search result.

    Attributes:
        clause: the clause.
        score: the fused score (higher is better).
        rank: 1-based rank in the result list.
        dense_rank, bm25_rank: 1-based rank in each retriever (None: not among its candidates).
        dense_score, bm25_score: the raw retriever scores.
        matched_terms: query terms found in the clause, for highlighting.
        relevant: whether the clause clears the relevance floor (kb.search.relevance).
        doc_status: the validity of the clause's document on the search's day (kb.policy.validity).
    """

    clause: Clause
    score: float
    rank: int = 0
    dense_rank: int | None = None
    bm25_rank: int | None = None
    dense_score: float | None = None
    bm25_score: float | None = None
    matched_terms: tuple[str, ...] = field(default_factory=tuple)
    relevant: bool = True
    doc_status: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Flat dict: the clause's fields, then the hit's own (the CLI's JSON contract)."""
        d = dataclasses.asdict(self)
        d.pop("clause")
        d["matched_terms"] = list(self.matched_terms)
        return {**self.clause.to_dict(), **d}
