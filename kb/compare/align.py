"""对标对表: every commitment of the higher levels, and the lower document's answer to it.

A *commitment* is one task or target of an upper clause (kb.policy.commitments): "到2025年，A
达到x，B下降y" is two. Its counterpart is the lower document's clause that best covers it:
half how much of the commitment's wording the clause holds (bigrams weighted by how rare they
are in the lower document, time words left out), half the dense cosine of the two clauses,
plus ``INDICATOR_BONUS`` when the clause names the commitment's indicator. The status:

- ``not_applicable``: the commitment binds a region or place that does not contain the lower
  document's jurisdiction (京津冀及周边地区 for 阜新市; the coast for an inland city; kb.policy.geography),
  facilities the lower document never mentions (机场, 港口), or only the nation (a law, a national
  standard, national rules: kb.policy.commitments.national_only);
- ``missing``: no clause scores ``MATCH_THRESHOLD`` or more (the nearest are still shown);
- ``covered``: the same task, due the same day or earlier, target equal or stronger; or a
  task the lower document reports as done already (its review of the last period);
- ``weaker``: a numerically weaker target, the indicator named without a figure (in any of its
  names, kb.policy.indicators: 能耗强度 for 单位国内生产总值能源消耗), or less than half of the
  commitment's task;
- ``later``: the lower date is later than the upper one;
- ``undated``: the lower clause sets no date of its own where the upper one sets an earlier
  date than the lower plan's end ("按省要求，完成…").

A target whose indicator the lower document names (in a clause that commits, not in its review)
takes the best such clause as counterpart, whatever its score. A commitment of several targets
(a compound goal) is covered when each target is met by some clause of the lower document.

A lower clause with no date of its own is due when its plan's period ends (a 十四五 plan: by
2025-12-31).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kb.compare.similarity import DENSE_FLOOR
from kb.errors import KBError
from kb.model import Clause, Target
from kb.policy.commitments import Commitment, document_commitments, national_only
from kb.policy.dates import TIME_WORDS_RE
from kb.policy.geography import ANY_PLACE_RE, out_of_scope, place_of
from kb.policy.indicators import indicator_ids
from kb.policy.roles import COMMITTING
from kb.policy.scope import NATIONAL, UNKNOWN, doc_jurisdiction
from kb.policy.targets import stronger_or_equal
from kb.policy.units import matches_unit
from kb.search import names
from kb.search.families import Families
from kb.store.base import Store
from kb.text import body_of, char_bigrams, dice, normalize, pollutant_names

# Chosen by reading commitments against their best lower clause (README, "对标对表").
MATCH_THRESHOLD = 0.4
INDICATOR_BONUS = 0.15  # the lower clause names the commitment's indicator
MIN_STEM_CHARS = 4  # an indicator shorter than this names nothing in particular (比例, 总量)
REVIEW_WEIGHT = 0.8  # a review clause's score for a target, against the plan's own clauses
INDICATOR_MATCH = 0.5  # Dice over character bigrams for two indicators to be the same one
TASK_COVERED = 0.4  # share of the commitment's words (weighted by rarity) the lower clause must hold
MIN_TASK_BIGRAMS = 6  # a shorter task ("基本完成建设") says too little to compare
NEAREST = 3  # lower clauses shown for a missing commitment
STATUSES = ("covered", "later", "undated", "weaker", "missing", "not_applicable")
STATUS_NAMES = {
    "covered": "已覆盖",
    "later": "时限晚于上级",
    "undated": "本级未写时限",
    "weaker": "目标弱于上级",
    "missing": "未找到对应条款",
    "not_applicable": "不适用",
}
# What each status means, for the page's legend and the reports' notes.
STATUS_HELP = {
    "covered": "本级有同一任务，时限不晚于上级、指标不低于上级；或本级文件记载该任务已完成",
    "later": "本级有同一任务，但完成时限晚于上级要求",
    "undated": "本级有同一任务，但未写完成时限，而上级要求在本级规划期末之前完成",
    "weaker": "本级有相关条款，但指标值低于上级、只提指标未写数值，或只覆盖上级任务的一部分",
    "missing": "本级文件中没有足够相近的条款；表中列出最相近的条款供核对",
    "not_applicable": "上级任务限定的地区、设施不含本级（如京津冀、沿海、机场），或由管理员标为不适用",
}
SCORE_HELP = (
    "匹配度（0–1）：上级任务的用词在本级条款中出现的比例（按稀有程度加权）与两条语义相似度各占一半，"
    f"本级条款写出同一指标时加 {INDICATOR_BONUS}；不低于 {MATCH_THRESHOLD} 视为同一任务。"
)
# Sections of a lower plan that review the last period: a task found there is done already.
REVIEW_SECTION_RE = re.compile(r"成效|成就|回顾|进展情况|工作基础|基础与|现状")
# Facilities a task may be for; a lower document that never names one has none to act on.
FACILITY_RE = re.compile(r"机场|港口|码头|船舶|渔港|内河")
STEM_SUFFIX_RE = re.compile(r"(?:率|比例|比重|占比|总量|水平|指数)$")
INDICATOR_TRIM_RE = re.compile(r"^(?:全国|全省|全市|各地|地级及以上城市|县级及以上城市|城市|重点区域)+|比$|较$")
BARE_NUMBER_RE = re.compile(r"[\d.]+%?")
# A prohibition holds for the whole period: it is never "done already".
PROHIBITION_RE = re.compile(r"不再新建|不得|禁止|严禁|不再新增|严控")
# The kind of place a target is for: 城市污水处理率 and 县城污水处理率 are two targets.
AREA_KIND_RE = re.compile(r"^(?:城市|县城|重点建制镇|建制镇|乡镇|农村|城镇)")
REVIEW_HELD = TASK_COVERED  # share of a task's words a review clause must hold to report that task done
NUMBER_UNIT_RE = re.compile(
    r"\d+(?:\.\d+)?(?:蒸吨|万千瓦|千瓦|万吨|吨|公里|平方米|立方米|米|%|个百分点|小时|万人次|微克|亩|公顷|台|辆)"
)


@dataclass(frozen=True)
class AlignRow:
    """One upper commitment, its counterpart in the lower document (or None), and the status.

    Attributes:
        commitment: the upper task or target (its clause is ``upper``).
        lower: the counterpart, or None.
        status: one of ``STATUSES``.
        score: the counterpart's match score (the best one's for a missing row).
        reason: why, in words for the reader ("适用于京津冀及周边地区，不含阜新市（辽宁）").
        nearest: for a missing row, the closest lower clauses and their scores.
        note: a reviewer's 备注 (kb.tracking.align_marks), "" without one.
        judged: for a row the tool finds not applicable, the status and reason it would have
            were it applicable (what a reviewer's 适用 restores).
    """

    commitment: Commitment
    lower: Clause | None
    status: str
    score: float
    reason: str = ""
    nearest: tuple[tuple[Clause, float], ...] = field(default=())
    note: str = ""
    judged: tuple[str, str] = ()

    @property
    def upper(self) -> Clause:
        return self.commitment.clause

    def to_dict(self) -> dict[str, Any]:
        k = self.commitment
        return {
            "key": k.key,
            "commitment": k.text,
            "due": k.due.isoformat() if k.due else None,
            "due_basis": k.due_basis,
            "targets": [t.to_dict() for t in k.targets],
            "upper": side(self.upper),
            "lower": side(self.lower) if self.lower else None,
            "status": self.status,
            "status_name": STATUS_NAMES[self.status],
            "reason": self.reason,
            "score": round(self.score, 4),
            "nearest": [dict(side(c), score=round(s, 4)) for c, s in self.nearest],
            "note": self.note,
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


def same_indicator(a: Target, b: Target) -> bool:
    """The same indicator: one name holds the other, they are names of one national indicator
    (kb.policy.indicators), or they share most bigrams; never for two kinds of place (城市 / 县城)."""
    kinds = (AREA_KIND_RE.match(a.indicator), AREA_KIND_RE.match(b.indicator))
    if all(kinds) and kinds[0].group(0) != kinds[1].group(0):
        return False
    return (
        a.indicator == b.indicator
        or a.indicator in b.indicator
        or b.indicator in a.indicator
        or bool(indicator_ids(a.indicator) & indicator_ids(b.indicator))
        or dice(a.indicator, b.indicator) >= INDICATOR_MATCH
    )


def task_terms(text: str, words: Callable[[str], list[str]]) -> set[str]:
    """What a text asks, as terms: its words (``words``: the index's jieba tokenizer) with time
    words, places and bare numbers left out, and figures with their units (10蒸吨): two tasks
    due 2025年底前, or in 沈阳 and in 阜新, are not alike for that."""
    folded = pollutant_names(normalize(ANY_PLACE_RE.sub("，", TIME_WORDS_RE.sub("，", text))))
    kept = {w for w in words(folded) if len(w) > 1 and not BARE_NUMBER_RE.fullmatch(w)}
    return kept | set(NUMBER_UNIT_RE.findall(folded))


def indicator_core(t: Target) -> str:
    return INDICATOR_TRIM_RE.sub("", t.indicator)


def indicator_stem(t: Target) -> str:
    """The indicator as a lower plan names it without a figure: 秸秆综合利用率 → 秸秆综合利用."""
    return pollutant_names(normalize(STEM_SUFFIX_RE.sub("", indicator_core(t))))


def undated_words(k: Commitment) -> str:
    """The commitment's words without its dates (2025年 is not a figure of the task)."""
    return TIME_WORDS_RE.sub("，", k.text)


def is_review(c: Clause) -> bool:
    """Whether a clause reviews the last period (done, not planned): its role (kb.policy.roles), or
    for an index written before roles, a review section."""
    if c.role:
        return c.role == "review"
    return any(REVIEW_SECTION_RE.search(s) for s in c.section_titles[:2])


class _Terms:
    """Weighted term overlap of commitments with the lower clauses: weights are the terms'
    inverse document frequency over the lower document, so 推进 and 建设 count for little."""

    def __init__(self, low: list[Clause], words: Callable[[str], list[str]]):
        self.words = words
        self.sets = [task_terms(body_of(c), words) for c in low]
        df: dict[str, int] = {}
        for s in self.sets:
            for g in s:
                df[g] = df.get(g, 0) + 1
        n = len(low)
        self.vocab = {g: i for i, g in enumerate(df)}
        self.idf = np.array([math.log((n + 1) / (df[g] + 0.5)) for g in df], dtype=np.float32)
        self.unseen = math.log((n + 1) / 0.5)
        self.matrix = np.zeros((n, max(len(self.vocab), 1)), dtype=np.float32)
        for row, s in enumerate(self.sets):
            self.matrix[row, [self.vocab[g] for g in s]] = 1.0

    def held(self, terms: set[str]) -> np.ndarray:
        """For each lower clause, the weighted share of ``terms`` it holds (0 for no terms)."""
        known = [self.vocab[g] for g in terms if g in self.vocab]
        total = float(self.idf[known].sum()) + self.unseen * (len(terms) - len(known))
        if not total:
            return np.zeros(self.matrix.shape[0], dtype=np.float32)
        return self.matrix[:, known] @ self.idf[known] / total


def status_of(
    k: Commitment,
    lower: Clause | None,
    score: float,
    held: float,
    lower_period_end: dt.date | None = None,
    elsewhere: tuple[Target, ...] = (),
) -> tuple[str, str]:
    """The status of a commitment and its counterpart, and the reason in words.

    Args:
        k: the commitment.
        lower: its counterpart (None: nothing scores the threshold).
        score: the counterpart's match score.
        held: the weighted share of the commitment's task the counterpart holds.
        lower_period_end: the end of the lower document's period (its undated clauses' due date).
        elsewhere: the targets the lower document's other committing clauses set (a compound
            goal's parts may stand in several clauses).
    """
    if lower is None or score < MATCH_THRESHOLD:
        return "missing", "本级文件中未找到足够相近的条款"
    if is_review(lower) and not k.targets and not PROHIBITION_RE.search(k.text):
        return "covered", "本级文件记载该任务已完成（" + "·".join(lower.section_titles[:2]) + "）"
    for t in k.targets:
        matching = [u for u in lower.targets if same_indicator(t, u)] or [u for u in elsewhere if same_indicator(t, u)]
        if not matching:
            return "weaker", f"本级未写“{indicator_core(t) or t.indicator}”的目标值（上级：{t.text}）"
        weak = [u for u in matching if stronger_or_equal(t, u) is False]
        if weak:
            return "weaker", f"本级目标“{weak[0].text}”弱于上级“{t.text}”"
    figures = set(NUMBER_UNIT_RE.findall(normalize(undated_words(k)))) - set(
        NUMBER_UNIT_RE.findall(normalize(lower.text))
    )
    if not k.targets and figures:
        return "weaker", f"本级未写上级任务中的“{'、'.join(sorted(figures))}”"
    if not k.targets and len(set(char_bigrams(undated_words(k)))) >= MIN_TASK_BIGRAMS and held < TASK_COVERED:
        return "weaker", "本级条款只覆盖上级任务的一部分"
    up, own = k.due, due_of(lower)
    if up and own and own > up:
        return "later", f"本级时限 {own.isoformat()} 晚于上级 {up.isoformat()}"
    if up and not own and k.due_basis == "text" and lower_period_end and lower_period_end > up:
        return (
            "undated",
            f"本级未写时限（上级要求 {up.isoformat()} 前完成，本级规划期至 {lower_period_end.isoformat()}）",
        )
    return "covered", ""


class Aligner:
    """Aligns a lower document against upper ones in one loaded index."""

    def __init__(self, index: Store):
        self.index = index
        self.families = Families(index.docs, index.clauses_of)
        self.jurisdictions = {d: doc_jurisdiction(doc) for d, doc in index.docs.items()}

    def resolve(self, name: str) -> str:
        """The document (its family's text source) a name names: an id or its prefix, a title or a
        part of one, a 文号 or a place (kb.search.names).

        Raises:
            KBError: no document, or more than one family, matches.
        """
        return names.resolve(self.index.docs, name, self.families.primary)

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

    def nearest_higher(self, lower: str) -> list[str]:
        """The documents of the nearest higher level that has any (a city's: its province's)."""
        higher = self.higher(lower)
        if not higher:
            return []
        level = max(self.level(d) for d in higher)
        return [d for d in higher if self.level(d) == level]

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
        commitments = [
            k
            for d in self.index.docs
            if d in uppers
            for k in self._commitments(d)
            if not unit or matches_unit(unit, k.clause.units)
        ]
        if not commitments:
            return []
        low = self.index.clauses_of(lower)
        place = place_of(self.jurisdictions[lower].place)
        end = self.index.docs[lower].period_end
        period_end = dt.date.fromisoformat(end) if end else None
        mentions = "".join(c.text for c in low)
        rows = []
        scores, held, naming = self._scores(commitments, low) if low else (None, None, None)
        review = [is_review(c) for c in low]
        elsewhere = tuple(
            t for c, r in zip(low, review) if not r and (not c.role or c.role in COMMITTING) for t in c.targets
        )
        below_nation = self.level(lower) != NATIONAL
        for i, k in enumerate(commitments):
            national = self.level(k.clause.doc_id) == NATIONAL
            why = (
                out_of_scope(k.head, place, national, k.text)
                or _facility_absent(k, mentions)
                or (national_only(k) if below_nation else "")
            )
            if scores is None:
                missing = ("missing", "本级文件中没有条款")
                rows.append(
                    AlignRow(k, None, "not_applicable", 0.0, why, judged=missing)
                    if why
                    else AlignRow(k, None, *missing[:1], 0.0, missing[1])
                )
                continue
            order = np.argsort(-scores[i])
            j = _counterpart(int(order[0]), scores[i], held[i], naming[i], review, bool(k.targets))
            score = float(scores[i, j])
            named = bool(naming[i, j])  # the lower clause names the target's indicator: its counterpart
            counterpart = low[j] if score >= MATCH_THRESHOLD or named else None
            status, reason = status_of(
                k,
                counterpart,
                max(score, MATCH_THRESHOLD) if named else score,
                float(held[i, j]),
                period_end,
                elsewhere,
            )
            if why:
                rows.append(AlignRow(k, counterpart, "not_applicable", score, why, judged=(status, reason)))
                continue
            nearest = (
                tuple((low[int(n)], float(scores[i, int(n)])) for n in order[:NEAREST]) if status == "missing" else ()
            )
            rows.append(AlignRow(k, counterpart, status, score, reason, nearest))
        return rows

    def _commitments(self, doc_id: str) -> list[Commitment]:
        return document_commitments(self.index.docs[doc_id], self.index.clauses_of(doc_id))

    def _scores(self, ks: list[Commitment], low: list[Clause]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Match scores (commitment × lower clause), the weighted share of each commitment's task
        each clause holds, and whether a clause that commits names a target's indicator in any of
        its names (kb.policy.indicators; see the module's docstring)."""
        terms = _Terms(low, self.index.tokenizer.tokens)
        held = np.stack([terms.held(task_terms(k.text, terms.words)) for k in ks])
        clauses = list({k.clause.clause_id: k.clause for k in ks}.values())
        row = {c.clause_id: n for n, c in enumerate(clauses)}
        vec = self.index.vectors_of
        cos = vec(clauses) @ vec(low).T
        dense = np.clip((cos - DENSE_FLOOR) / (1 - DENSE_FLOOR), 0, 1)[[row[k.clause.clause_id] for k in ks]]
        flat = [pollutant_names(normalize(body_of(c))) for c in low]
        named = np.zeros_like(held)
        for i, k in enumerate(ks):
            stems = [s for s in (indicator_stem(t) for t in k.targets) if len(s) >= MIN_STEM_CHARS]
            if stems:
                named[i] = [any(s in text for s in stems) for text in flat]
        kinds = [indicator_ids(body_of(c)) if not c.role or c.role in COMMITTING else set() for c in low]
        naming = np.zeros(held.shape, dtype=bool)
        for i, k in enumerate(ks):
            wanted = {n for t in k.targets for n in indicator_ids(t.indicator)}
            if wanted:
                naming[i] = [bool(wanted & ids) for ids in kinds]
        named = np.maximum(named, naming)
        scores = 0.5 * held + 0.5 * dense + INDICATOR_BONUS * named
        review = np.array([is_review(c) for c in low])
        for i, k in enumerate(ks):
            # The review of the last period answers a task done already, never a ban (kept, not
            # done); for a target it reports where things stood, the plan's own clause is the answer.
            if PROHIBITION_RE.search(k.text):
                scores[i, review] = 0.0
            elif k.targets:
                scores[i, review] *= REVIEW_WEIGHT
        naming[:, review] = False
        return scores, held, naming


def _counterpart(
    best: int, scores: np.ndarray, held: np.ndarray, naming: np.ndarray, review: list[bool], target: bool
) -> int:
    """The lower clause to judge a commitment against.

    When the best falls short of the threshold: the best one naming its target's indicator, if any
    does. Else the best, unless it is a review of something else (a review clause must hold
    ``REVIEW_HELD`` of a task's words to report it done): then the best clause that is no review.
    A review clause answering a target only shows where things stood; it is never covered.
    """
    if naming.any() and not naming[best] and scores[best] < MATCH_THRESHOLD:
        named = np.flatnonzero(naming)
        return int(named[np.argmax(scores[named])])
    if review[best] and not target and held[best] < REVIEW_HELD:
        others = [n for n in np.argsort(-scores).tolist() if not review[n]]
        return others[0] if others else best
    return best


def _facility_absent(k: Commitment, lower_text: str) -> str:
    """Why a commitment for facilities the lower document never mentions (机场, 港口) does not bind it."""
    m = FACILITY_RE.search(k.head)
    return f"上级任务针对{m.group(0)}，本级文件未涉及{m.group(0)}" if m and m.group(0) not in lower_text else ""


def summary(rows: list[AlignRow]) -> dict[str, int]:
    return {s: sum(r.status == s for r in rows) for s in STATUSES}
