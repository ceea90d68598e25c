"""Deadlines across documents: the sorted list, and cross-references between levels of government."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from .index import Index
from .model import Clause, Deadline
from .scope import LEVEL_NAMES
from .text import normalize
from .units import matches_unit

# The same task at two levels of government is usually worded alike (a city plan copies the
# province's sentence and changes the numbers), so pairs are scored half on shared wording
# (Dice over Chinese character bigrams, numbers dropped) and half on the dense cosine, rescaled
# from [DENSE_FLOOR, 1] to [0, 1] (e5 cosines of unrelated Chinese clauses sit near 0.9).
# The threshold was chosen by reading pairs in score bands on the shipped corpus (README).
CROSSREF_THRESHOLD = 0.5
DENSE_FLOOR = 0.9
CJK_RUN_RE = re.compile(r"[\u4e00-\u9fff]+")
DUE_SOON_DAYS = 90
STATUS_NAMES = {"overdue": "已逾期", "due_soon": "即将到期", "open": "未到期", "started": "已开始执行"}


def deadline_status(deadline: Deadline, as_of: dt.date) -> str:
    """``overdue`` (passed), ``due_soon`` (within ``DUE_SOON_DAYS``) or ``open``, as of a day.

    A ``start`` date (2022年起…) that has passed is ``started``: the rule applies, nothing is late.
    """
    if deadline.due < as_of:
        return "started" if deadline.kind == "start" else "overdue"
    return "due_soon" if (deadline.due - as_of).days <= DUE_SOON_DAYS else "open"


@dataclass(frozen=True)
class DeadlineRow:
    """One deadline of one clause, with its status as of a day."""

    clause: Clause
    deadline: Deadline
    status: str = "open"

    def to_dict(self) -> dict:
        c, d = self.clause, self.deadline
        return {
            **{k: v for k, v in c.to_dict().items() if k != "deadlines"},
            "raw": d.text, "due": d.due.isoformat(), "kind": d.kind, "status": self.status,
            "start": d.start.isoformat() if d.start else None, "inherited": d.inherited,
        }


def unique_clauses(clauses: list[Clause]) -> list[Clause]:
    """Clauses minus repeats of the same text in the same-titled document (a txt and its PDF)."""
    seen, out = set(), []
    for c in clauses:
        key = (c.title, normalize(c.text))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def deadline_rows(
    index: Index, doc: str | None = None, after: dt.date | None = None, before: dt.date | None = None,
    kinds: tuple[str, ...] = (), unit: str = "", as_of: dt.date | None = None, statuses: tuple[str, ...] = (),
) -> list[DeadlineRow]:
    """Every deadline, sorted by due date, with its status as of ``as_of`` (default today).

    Filtered by document (id or prefix), due range, kind, lead or partner unit and status.
    """
    as_of = as_of or dt.date.today()
    rows = [
        DeadlineRow(c, d, deadline_status(d, as_of))
        for c in unique_clauses(index.clauses)
        if (not doc or c.doc_id == doc or c.doc_id.startswith(doc))
        and (not unit or matches_unit(unit, c.lead_units + c.partner_units))
        for d in c.deadlines
        if (after is None or d.due >= after) and (before is None or d.due <= before) and (not kinds or d.kind in kinds)
    ]
    rows = [r for r in rows if not statuses or r.status in statuses]
    return sorted(rows, key=lambda r: (r.deadline.due, r.clause.doc_id, index.position(r.clause.clause_id)))


@dataclass(frozen=True)
class CrossRef:
    """Two clauses on the same task in documents of different issuers, with their dates."""

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
        side = lambda c, due, lvl: {  # noqa: E731
            "clause_id": c.clause_id, "doc_id": c.doc_id, "title": c.title, "section": c.section,
            "text": c.text, "due": due.isoformat(), "level": LEVEL_NAMES.get(lvl, str(lvl)),
        }
        return {
            "similarity": round(self.similarity, 4), "days": self.days, "lower_is_later": self.lower_is_later,
            "a": side(self.a, self.a_due, self.a_level), "b": side(self.b, self.b_due, self.b_level),
        }


def _due(c: Clause) -> dt.date:
    """A clause's final date: with several (2023年底前…30%，2025年底前…35%) the last one."""
    return max(d.due for d in c.deadlines)


def bigram_matrix(texts: list[str]) -> np.ndarray:
    """Binary (text × Chinese character bigram) matrix; numbers and punctuation are left out."""
    grams = [{run[i : i + 2] for run in CJK_RUN_RE.findall(normalize(t)) for i in range(len(run) - 1)} for t in texts]
    vocab = {g: k for k, g in enumerate(sorted(set().union(*grams)))}
    m = np.zeros((len(texts), max(len(vocab), 1)), dtype=np.float32)
    for row, gs in enumerate(grams):
        m[row, [vocab[g] for g in gs]] = 1.0
    return m


def pair_scores(texts: list[str], vectors: np.ndarray) -> np.ndarray:
    """The cross-reference score of every pair: 0.5 × bigram Dice + 0.5 × rescaled cosine."""
    b = bigram_matrix(texts)
    sizes = b.sum(axis=1)
    dice = 2 * (b @ b.T) / np.maximum(sizes[:, None] + sizes[None, :], 1)
    dense = np.clip((vectors @ vectors.T - DENSE_FLOOR) / (1 - DENSE_FLOOR), 0, 1)
    return 0.5 * dice + 0.5 * dense


def crossref(index: Index, threshold: float = CROSSREF_THRESHOLD, per_clause: int = 1) -> list[CrossRef]:
    """For each clause with a deadline, its most similar dated clauses in other documents.

    Documents with the same title (one text as txt and as PDF) count as one. Pairs are listed
    once, best first; ``similarity`` is the score of ``pair_scores``.
    """
    dated = [c for c in unique_clauses(index.clauses) if c.deadlines]
    if len(dated) < 2:
        return []
    vectors = index.faiss_index.reconstruct_batch(np.array([index.position(c.clause_id) for c in dated], dtype=np.int64))
    sims = pair_scores([c.text for c in dated], vectors)
    titles = np.array([c.title for c in dated])
    sims[titles[:, None] == titles[None, :]] = -1.0
    level = {d.doc_id: d.level for d in index.docs.values()}
    pairs, seen = [], set()
    for i, c in enumerate(dated):
        for j in np.argsort(-sims[i])[:per_clause]:
            j = int(j)
            key = tuple(sorted((i, j)))
            if sims[i, j] < threshold or key in seen:
                continue
            seen.add(key)
            b = dated[j]
            pairs.append(CrossRef(c, b, float(sims[i, j]), _due(c), _due(b), level.get(c.doc_id, 9), level.get(b.doc_id, 9)))
    return sorted(pairs, key=lambda p: -p.similarity)
