"""Deadlines across documents: the sorted list, and cross-references between levels of government."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from .store.base import Store
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
TIME_WORDS_RE = re.compile(r"(到|至|在)?(\d{4}|[〇○零一二三四五六七八九]{4})年(底|末|上半年|下半年)?(前|以前)?|“?十[一二三四五六]?五”?(期间|时期|末年?)?")
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
    """Clauses minus repeats of the same text in the same-titled document (a txt and its PDF);
    of two copies, the one from a text file (no page) is kept over the PDF's."""
    seen, out = set(), []
    for c in sorted(clauses, key=lambda c: c.page is not None):  # stable: document order otherwise
        key = (c.title, normalize(c.text))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def deadline_rows(
    index: Store, doc: str | None = None, after: dt.date | None = None, before: dt.date | None = None,
    kinds: tuple[str, ...] = (), unit: str = "", as_of: dt.date | None = None, statuses: tuple[str, ...] = (),
) -> list[DeadlineRow]:
    """Every deadline, sorted by due date, with its status as of ``as_of`` (default today).

    Filtered by document (id or prefix), due range, kind, lead or partner unit and status.
    """
    as_of = as_of or dt.date.today()
    rows = [
        DeadlineRow(c, d, deadline_status(d, as_of))
        for c in unique_clauses(index.dated_clauses())
        if (not doc or c.doc_id == doc or c.doc_id.startswith(doc))
        and (not unit or matches_unit(unit, c.units))
        for d in c.deadlines
        if (after is None or d.due >= after) and (before is None or d.due <= before) and (not kinds or d.kind in kinds)
    ]
    rows = [r for r in rows if not statuses or r.status in statuses]
    return sorted(rows, key=lambda r: (r.deadline.due, r.clause.doc_id))  # stable: document order within a day


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
    """Binary (text × Chinese character bigram) matrix; numbers, punctuation and time words
    (2025年底前, 到“十四五”末) are left out: sharing a deadline does not make two tasks alike."""
    grams = [{run[i : i + 2] for run in CJK_RUN_RE.findall(TIME_WORDS_RE.sub("，", normalize(t)))
              for i in range(len(run) - 1)} for t in texts]
    vocab = {g: k for k, g in enumerate(sorted(set().union(*grams)))}
    m = np.zeros((len(texts), max(len(vocab), 1)), dtype=np.float32)
    for row, gs in enumerate(grams):
        m[row, [vocab[g] for g in gs]] = 1.0
    return m


def pair_scores(texts: list[str], vectors: np.ndarray, other_texts: list[str] | None = None,
                other_vectors: np.ndarray | None = None) -> np.ndarray:
    """The cross-reference score of every pair: 0.5 × bigram Dice + 0.5 × rescaled cosine.

    With ``other_texts``/``other_vectors``: rows are ``texts``, columns the others; else every
    pair of ``texts``.
    """
    if other_texts is None:
        other_texts, other_vectors = texts, vectors
    b = bigram_matrix(texts + other_texts)
    x, y = b[: len(texts)], b[len(texts) :]
    dice = 2 * (x @ y.T) / np.maximum(x.sum(axis=1)[:, None] + y.sum(axis=1)[None, :], 1)
    dense = np.clip((vectors @ other_vectors.T - DENSE_FLOOR) / (1 - DENSE_FLOOR), 0, 1)
    return 0.5 * dice + 0.5 * dense


def crossref(index: Store, threshold: float = CROSSREF_THRESHOLD, per_clause: int = 1,
             clauses: list[Clause] | None = None) -> list[CrossRef]:
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
    levels = np.array([level.get(c.doc_id, 9) for c in dated])
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
            pairs.append(CrossRef(high, low, float(sims[i, j]), _due(high), _due(low),
                                  level.get(high.doc_id, 9), level.get(low.doc_id, 9)))
    return sorted(pairs, key=lambda p: -p.similarity)
