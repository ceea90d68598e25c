"""Deadline cross-references: the same dated task in documents of two levels of government."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from kb.compare.similarity import pair_scores
from kb.model import Clause
from kb.policy.scope import LEVEL_NAMES, UNKNOWN
from kb.search.families import unique_clauses
from kb.store.base import Store

# Chosen by reading pairs in score bands on the shipped corpus (README, "Deadline cross-references").
CROSSREF_THRESHOLD = 0.5


@dataclass(frozen=True)
class CrossRef:
    """Two clauses on the same task at two levels of government, with their dates: ``a`` is the
    higher level (national before provincial before city)."""

    a: Clause
    b: Clause
    similarity: float
    a_due: dt.date
    b_due: dt.date
    a_level: int
    b_level: int

    @property
    def days(self) -> int:
        """``a``'s due date minus ``b``'s, in days."""
        return (self.a_due - self.b_due).days

    @property
    def lower_is_later(self) -> bool:
        """True when the lower level of government's date is later than the higher one's."""
        if self.a_level == self.b_level:
            return False
        low, high = (self.a_due, self.b_due) if self.a_level > self.b_level else (self.b_due, self.a_due)
        return low > high

    def to_dict(self) -> dict:
        side = lambda c, due, lvl: {
            "clause_id": c.clause_id,
            "doc_id": c.doc_id,
            "title": c.title,
            "section": c.section,
            "text": c.text,
            "due": due.isoformat(),
            "level": LEVEL_NAMES.get(lvl, str(lvl)),
        }
        return {
            "similarity": round(self.similarity, 4),
            "days": self.days,
            "lower_is_later": self.lower_is_later,
            "a": side(self.a, self.a_due, self.a_level),
            "b": side(self.b, self.b_due, self.b_level),
        }


def _due(c: Clause) -> dt.date:
    """A clause's final date: with several (2023年底前…30%，2025年底前…35%) the last one."""
    return max(d.due for d in c.deadlines)


def crossref(
    index: Store, threshold: float = CROSSREF_THRESHOLD, per_clause: int = 1, clauses: list[Clause] | None = None
) -> list[CrossRef]:
    """Pairs of dated clauses on the same task at two levels of government, the higher first.

    For each dated clause, its most similar dated clauses in documents of another level (one
    text as txt and as PDF counts once; two milestones of one target in one document, or in two
    documents of one level, are not the same task at another level). ``clauses`` restricts the
    pairs to those with at least one side among them (the page's filters). ``similarity`` is the
    score of ``pair_scores``; pairs are listed once, best first.
    """
    dated = unique_clauses(index.dated_clauses())
    if len(dated) < 2:
        return []
    vectors = index.vectors_of(dated)
    sims = pair_scores([c.text for c in dated], vectors)
    level = {d.doc_id: d.level for d in index.docs.values()}
    levels = np.array([level.get(c.doc_id, UNKNOWN) for c in dated])
    sims[levels[:, None] == levels[None, :]] = -1.0
    wanted = {c.clause_id for c in clauses} if clauses is not None else None
    pairs, seen = [], set()
    for i, c in enumerate(dated):
        for j in np.argsort(-sims[i])[:per_clause]:
            j = int(j)
            key = tuple(sorted((i, j)))
            if sims[i, j] < threshold or key in seen:
                continue
            seen.add(key)
            high, low = (c, dated[j]) if levels[i] < levels[j] else (dated[j], c)
            if wanted is not None and not ({high.clause_id, low.clause_id} & wanted):
                continue
            pairs.append(
                CrossRef(
                    high,
                    low,
                    float(sims[i, j]),
                    _due(high),
                    _due(low),
                    level.get(high.doc_id, UNKNOWN),
                    level.get(low.doc_id, UNKNOWN),
                )
            )
    return sorted(pairs, key=lambda p: -p.similarity)
