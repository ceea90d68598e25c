"""One document, one result: the same text kept in several files (a web page and its PDF).

Files whose metadata agree (title, 文号, issuer) are one *family*. Search ranks the clauses of
the family's best text source only, and cites the page from its paged copy, so a clause of the
Liaoning plan is one hit carrying the PDF's page, not two hits of which only one has a page.
A search filtered to one file by name still searches that file.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Callable

from kb.model import Clause, Document
from kb.text import normalize

# Which file of a family supplies the text: born-digital text first, a PDF's text layer next, OCR last.
SOURCE_RANK = {"txt": 0, "docx": 0, "doc": 1, "wps": 1, "html": 1, "ofd": 2, "pdf": 2, "ocr": 3}
PAGE_GRAM = 8  # characters in the shingles that locate a clause on its twin's pages


def unique_clauses(clauses: list[Clause]) -> list[Clause]:
    """Clauses minus repeats of the same text in the same-titled document (a txt and its PDF);
    of two copies, the one from a text file (no page) is kept over the PDF's."""
    seen, out = set(), []
    for c in sorted(clauses, key=lambda c: c.page is not None):  # stable: document order otherwise
        key = (c.title, normalize(c.text))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def family_key(doc: Document) -> tuple[str, str, str]:
    return normalize(doc.title), normalize(doc.doc_number), normalize(doc.issuer)


class Families:
    """The families of an index's documents, and the page of a clause in its paged twin.

    Args:
        docs: the documents by id.
        clauses_of: a document's clauses (read only for paged twins, when a page is asked for).
    """

    def __init__(self, docs: dict[str, Document], clauses_of: Callable[[str], list[Clause]]):
        groups: dict[tuple, list[Document]] = defaultdict(list)
        for d in docs.values():
            groups[family_key(d)].append(d)
        self.primary: dict[str, str] = {}  # doc_id → the family's text source
        self.paged: dict[str, str] = {}  # doc_id → the family's paged file
        for members in groups.values():
            best = min(members, key=lambda d: (SOURCE_RANK.get(d.format, 1), d.doc_id))
            paged = [d for d in members if d.pages]
            for d in members:
                self.primary[d.doc_id] = best.doc_id
                if paged:
                    self.paged[d.doc_id] = min(paged, key=lambda d: d.doc_id).doc_id
        self._clauses_of = clauses_of
        self._grams: dict[str, dict[str, int]] = {}
        self._duplicates: frozenset[str] | None = None

    def duplicates(self) -> frozenset[str]:
        """Clauses of a family's second copies whose text its first copy has: never proposed, so the
        rows only a PDF has (its tables, its OCR pages) are searched and shown once."""
        if self._duplicates is None:
            out = set()
            for d, head in self.primary.items():
                if d != head:
                    texts = {normalize(c.text) for c in self._clauses_of(head)}
                    out.update(c.clause_id for c in self._clauses_of(d) if normalize(c.text) in texts)
            self._duplicates = frozenset(out)
        return self._duplicates

    def is_secondary(self, doc_id: str) -> bool:
        return self.primary.get(doc_id, doc_id) != doc_id

    def members(self, doc_id: str) -> list[str]:
        head = self.primary.get(doc_id, doc_id)
        return sorted(d for d, p in self.primary.items() if p == head)

    def with_page(self, clause: Clause) -> Clause:
        """The clause with the page of its text in the family's paged file (unchanged if none)."""
        twin = self.paged.get(clause.doc_id)
        if clause.page is not None or not twin or twin == clause.doc_id:
            return clause
        grams = self._page_grams(twin)
        text = normalize(clause.text)
        votes = Counter(grams[g] for g in _shingles(text) if g in grams)
        if not votes:
            return clause
        return dataclasses.replace(clause, page=votes.most_common(1)[0][0])

    def _page_grams(self, doc_id: str) -> dict[str, int]:
        if doc_id not in self._grams:
            table: dict[str, int] = {}
            for c in self._clauses_of(doc_id):
                if c.page is not None:
                    for g in _shingles(normalize(c.text)):
                        table.setdefault(g, c.page)
            self._grams[doc_id] = table
        return self._grams[doc_id]


def _shingles(text: str) -> list[str]:
    if len(text) <= PAGE_GRAM:
        return [text] if text else []
    return [text[i : i + PAGE_GRAM] for i in range(len(text) - PAGE_GRAM + 1)]
