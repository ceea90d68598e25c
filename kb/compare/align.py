"""对标对表: every commitment of the higher levels, and the lower document's answer to it.

A *commitment* is a clause of an upper document with a deadline or a quantified target. Its
counterpart is the lower document's clause most like it, scored as the cross-references are
(half shared wording, half dense cosine; kb.compare.similarity.pair_scores). The status says whether the
lower plan keeps up:

- ``covered``: the same task, due the same day or earlier, target equal or stronger;
- ``later``: the lower date is later than the upper one;
- ``weaker``: the same indicator with a numerically weaker target, no figure where the upper
  sets one, or less than half of the upper's dated task (the words after its deadline);
- ``missing``: no clause scores ``MATCH_THRESHOLD`` or more.

A lower clause with no date of its own is due when its plan's period ends (a 十四五 plan: by
2025-12-31); with no period either, it is not judged later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from kb.compare.similarity import pair_scores
from kb.errors import KBError, NotFound
from kb.model import Clause, Target
from kb.policy.dates import TIME_WORDS_RE
from kb.policy.scope import UNKNOWN, doc_jurisdiction
from kb.policy.targets import stronger_or_equal
from kb.policy.units import matches_unit
from kb.search.families import Families
from kb.store.base import Store
from kb.text import CJK_RE, char_bigrams

# Chosen by reading Liaoning commitments against the Fuxin plan (README, "对标对表"): at 0.4 and
# above the city clause is mostly the same task; below, mostly a shared topic at most.
MATCH_THRESHOLD = 0.4
INDICATOR_MATCH = 0.5  # Dice over character bigrams for two indicators to be the same one
DATED_PART_COVERED = 0.5  # share of the upper's dated task's bigrams the lower clause must have
MIN_TASK_CJK = 8  # a commitment says what is to be done ("2022—2025年按计划实施。" does not)
MIN_DATED_BIGRAMS = 6  # a shorter dated part ("2024年底前，基本完成建设") says too little to compare
STATUSES = ("covered", "later", "weaker", "missing")
STATUS_NAMES = {"covered": "已覆盖", "later": "时限晚于上级", "weaker": "目标弱于上级", "missing": "未找到对应条款"}


@dataclass(frozen=True)
class AlignRow:
    """One upper commitment, its counterpart in the lower document (or None), and the status."""

    upper: Clause
    lower: Clause | None
    status: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "upper": side(self.upper),
            "lower": side(self.lower) if self.lower else None,
            "status": self.status,
            "score": round(self.score, 4),
        }


def due_of(c: Clause) -> dt.date | None:
    """A clause's final date (with several milestones, the last); None without one."""
    return max((d.due for d in c.deadlines), default=None)


def side(c: Clause) -> dict[str, Any]:
    due = due_of(c)
    return {
        "clause_id": c.clause_id,
        "doc_id": c.doc_id,
        "title": c.title,
        "doc_number": c.doc_number,
        "section": c.section,
        "text": c.text,
        "page": c.page,
        "due": due.isoformat() if due else None,
        "targets": [t.to_dict() for t in c.targets],
        "lead_units": list(c.lead_units),
    }


def _dice(a: str, b: str) -> float:
    x, y = set(char_bigrams(a)), set(char_bigrams(b))
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def same_indicator(a: Target, b: Target) -> bool:
    return (
        a.indicator == b.indicator
        or a.indicator in b.indicator
        or b.indicator in a.indicator
        or _dice(a.indicator, b.indicator) >= INDICATOR_MATCH
    )


def dated_part(c: Clause) -> str:
    """The words a clause's own deadline governs: from the deadline on (the whole clause when
    the deadline heads its sentence or there is none)."""
    own = [d for d in c.deadlines if not d.inherited and c.char_start <= d.char_start < c.char_end]
    return c.text[min(d.char_start for d in own) - c.char_start :] if own else c.text


def _task_bigrams(text: str) -> set[str]:
    return set(char_bigrams(TIME_WORDS_RE.sub("，", text))) - {g for g in char_bigrams(text) if not CJK_RE.match(g)}


def is_commitment(c: Clause) -> bool:
    """A clause with a deadline or a target that says what is to be done."""
    return bool(c.deadlines or c.targets) and len(CJK_RE.findall(TIME_WORDS_RE.sub("", c.text))) >= MIN_TASK_CJK


def status_of(upper: Clause, lower: Clause | None, score: float, lower_period_end: dt.date | None = None) -> str:
    """The status of a pair (see the module's docstring)."""
    if lower is None or score < MATCH_THRESHOLD:
        return "missing"
    task = _task_bigrams(dated_part(upper))
    if len(task) >= MIN_DATED_BIGRAMS and len(task & _task_bigrams(lower.text)) / len(task) < DATED_PART_COVERED:
        return "weaker"
    for t in upper.targets:
        matching = [u for u in lower.targets if same_indicator(t, u)]
        if not matching or any(stronger_or_equal(t, u) is False for u in matching):
            return "weaker"
    up, low = due_of(upper), due_of(lower) or lower_period_end
    if up and low and low > up:
        return "later"
    return "covered"


class Aligner:
    """Aligns a lower document against upper ones in one loaded index."""

    def __init__(self, index: Store):
        self.index = index
        self.families = Families(index.docs, index.clauses_of)
        self.jurisdictions = {d: doc_jurisdiction(doc) for d, doc in index.docs.items()}

    def resolve(self, name: str) -> str:
        """The document (its family's text source) an id or a prefix names.

        Raises:
            KBError: no document, or more than one family, matches.
        """
        found = sorted({self.families.primary[d] for d in self.index.docs if d == name or d.startswith(name)})
        if not found:
            raise NotFound(
                f"no document {name!r} in {self.index.label}; "
                f"list them with: python -m kb docs --index {self.index.label}"
            )
        if len(found) > 1:
            raise KBError(f"{name!r} names several documents ({', '.join(found)}); give more of the file name")
        return found[0]

    def documents(self) -> list[str]:
        """One document per family, the most local level first (unknown levels last): the lower choices."""
        primaries = sorted({self.families.primary[d] for d in self.index.docs})
        return sorted(primaries, key=lambda d: -self.level(d) if self.level(d) != UNKNOWN else 0)

    def level(self, doc_id: str) -> int:
        return self.jurisdictions[doc_id].level

    def higher(self, lower: str) -> list[str]:
        """The documents (one per family) of a higher level than ``lower``: none when its level is unknown."""
        level = self.level(lower)
        return (
            []
            if level == UNKNOWN
            else sorted({self.families.primary[d] for d, j in self.jurisdictions.items() if j.level < level})
        )

    def default_uppers(self, lower: str) -> list[str]:
        """Every document of a higher level than ``lower`` (one file per family)."""
        if self.level(lower) == UNKNOWN:
            raise KBError(f"the level of {lower} is unknown; set its issuer (catalog.tsv) or name --against documents")
        return self.higher(lower)

    def align(self, lower: str, uppers: list[str] | None = None, unit: str = "") -> list[AlignRow]:
        """Rows for every commitment of ``uppers`` (default: all higher levels), in document order.

        Args:
            lower: the lower document (id or prefix).
            uppers: upper documents (ids or prefixes); default every document of a higher level.
            unit: keep commitments whose lead or partner units include this one.
        """
        lower = self.resolve(lower)
        uppers = [self.resolve(u) for u in uppers] if uppers else self.default_uppers(lower)
        if lower in uppers:
            raise KBError(f"{lower} cannot be aligned against itself")
        up = [
            c
            for d in self.index.docs
            if d in uppers
            for c in self.index.clauses_of(d)
            if is_commitment(c) and (not unit or matches_unit(unit, c.units))
        ]
        low = self.index.clauses_of(lower)
        if not up:
            return []
        if not low:
            return [AlignRow(c, None, "missing", 0.0) for c in up]
        scores = self._scores(up, low)
        best = scores.argmax(axis=1)
        end = self.index.docs[lower].period_end
        period_end = dt.date.fromisoformat(end) if end else None
        rows = []
        for i, c in enumerate(up):
            j = int(best[i])
            score = float(scores[i, j])
            counterpart = low[j] if score >= MATCH_THRESHOLD else None
            rows.append(AlignRow(c, counterpart, status_of(c, counterpart, score, period_end), score))
        return rows

    def _scores(self, up: list[Clause], low: list[Clause]) -> np.ndarray:
        """Pair scores (upper × lower), as the cross-references score them."""
        vec = self.index.vectors_of
        return pair_scores([c.text for c in up], vec(up), [c.text for c in low], vec(low))


def summary(rows: list[AlignRow]) -> dict[str, int]:
    return {s: sum(r.status == s for r in rows) for s in STATUSES}
