"""时效: the period a document is in force for, and what replaced it.

The period comes from the document itself, the catalog able to override it:

- a five-year plan named in the title ("十四五" → 2021-01-01 to 2025-12-31);
- a span of years in the title ("2021—2025年"), or a horizon ("2030年前…行动方案" → to 2030);
- explicit terms in the text: "自印发之日起施行", "自2022年1月1日起施行", "有效期5年";
- nothing, when the text says nothing: the period stays unknown (no guess), and the document
  counts as in force from its date until something replaces it.

A document is *superseded* when a later one of the same issuer and series is in the index
(辽宁省“十五五”… after 辽宁省“十四五”…), or when a document names its title or 文号 as 废止/
修订/替代.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kb.model import Document
from kb.policy.dates import CN_DATE, PLAN_NUMBER_RE, YEAR_DASH, parse_cn_date, parse_cn_int, plan_years
from kb.text import normalize

SPAN_IN_TITLE_RE = re.compile(rf"((?:19|20)\d{{2}})\s*{YEAR_DASH}\s*((?:19|20)\d{{2}})年")
HORIZON_IN_TITLE_RE = re.compile(r"(?:到|至)?((?:19|20)\d{2})年(?:前|以前)")
FROM_DATE_RE = re.compile(rf"自{CN_DATE}起(?:施行|实施|执行|生效)")
FROM_ISSUE_RE = re.compile(r"自(?:印发|发布|公布)之日起(?:施行|实施|执行|生效)")
TERM_RE = re.compile(r"有效期(?:为|至)?\s*([\d一二三四五六七八九十]{1,3})\s*年")
UNTIL_RE = re.compile(rf"有效期至{CN_DATE}")
# Another document named as repealed or replaced: 《X》同时废止 / 原《X》（文号）废止 / 替代《X》.
REPEALS_RE = re.compile(
    r"《(?P<title>[^《》]{4,80})》(?:[（(](?P<number>[^（）()]{4,30})[）)])?(?:同时|即行|自行)?(?:废止|停止执行|不再执行)"
)
REPLACES_RE = re.compile(r"(?:替代|取代|修订)(?:原|了)?《(?P<title>[^《》]{4,80})》")
# An action plan runs to the last target year its goals name (到2025年…到2030年 → 2030).
ACTION_PLAN_RE = re.compile(r"(行动计划|行动方案|实施方案|工作方案)$")
TARGET_YEAR_RE = re.compile(r"到((?:19|20)\d{2})年")
GOALS_SHARE = 0.25  # the goals of a plan stand in its first quarter
MAX_HORIZON_YEARS = 15
# ``ended``: the period a plan or programme was written for is over; nothing repealed it, so it
# is not 失效 (the word for a repealed or replaced text, or one whose 有效期 ran out): 实施期已结束.
STATUS_NAMES = {
    "in_force": "现行有效",
    "not_yet": "尚未施行",
    "ended": "实施期已结束",
    "expired": "已失效（有效期届满）",
    "superseded": "已被替代",
}
TERM_BASIS = "有效期"  # a period found from 有效期…: running out of it is 失效
PERIOD_MARK = "〔期〕"  # what a series title has in place of its period


@dataclass(frozen=True)
class Period:
    """When a document applies, and how that was found (``basis``, shown to the user)."""

    start: str = ""  # ISO, "" when unknown
    end: str = ""
    basis: str = "文中未写明施行期限"


def parse_period(title: str, text: str, doc_date: str = "") -> Period:
    """The period of a document from its title, else its text (see the module's docstring)."""
    issued = dt.date.fromisoformat(doc_date) if doc_date else None
    m = PLAN_NUMBER_RE.search(title)
    if m and (years := plan_years(m.group(1))):
        first, last = years
        return Period(f"{first}-01-01", f"{last}-12-31", f"标题中的“十{m.group(1)}五”")
    m = SPAN_IN_TITLE_RE.search(title)
    if m:
        return Period(f"{m.group(1)}-01-01", f"{m.group(2)}-12-31", f"标题中的“{m.group(0)}”")
    m = HORIZON_IN_TITLE_RE.search(title)
    if m:
        return Period(issued.isoformat() if issued else "", f"{m.group(1)}-12-31", f"标题中的“{m.group(0)}”")
    if ACTION_PLAN_RE.search(title) and issued:
        head = text[: max(3000, int(len(text) * GOALS_SHARE))]
        years = [
            int(y)
            for y in TARGET_YEAR_RE.findall(normalize(head))
            if issued.year <= int(y) <= issued.year + MAX_HORIZON_YEARS
        ]
        if years:
            return Period(issued.isoformat(), f"{max(years)}-12-31", f"文中目标年“到{max(years)}年”（行动方案）")
    folded = normalize(text[-3000:]) + normalize(text[:3000])
    start, basis = "", ""
    m = FROM_DATE_RE.search(folded)
    if m:
        try:
            start, basis = parse_cn_date(*m.groups()).isoformat(), f"文中“{m.group(0)}”"
        except ValueError:
            pass
    elif FROM_ISSUE_RE.search(folded) and issued:
        start, basis = issued.isoformat(), f"文中“{FROM_ISSUE_RE.search(folded).group(0)}”"
    end = ""
    m = UNTIL_RE.search(folded)
    if m:
        end, basis = parse_cn_date(*m.groups()).isoformat(), (basis + "，" if basis else "") + f"“{m.group(0)}”"
    else:
        m = TERM_RE.search(folded)
        base = start or (issued.isoformat() if issued else "")
        if m and base:
            b = dt.date.fromisoformat(base)
            years = parse_cn_int(m.group(1))
            end = (dt.date(b.year + years, b.month, b.day) - dt.timedelta(days=1)).isoformat()
            basis = (basis + "，" if basis else "") + f"“{m.group(0)}”"
    if start or end:
        return Period(start, end, basis)
    return Period()


def repealed_names(text: str) -> tuple[str, ...]:
    """Titles and 文号 a document repeals or replaces."""
    out = []
    for pattern in (REPEALS_RE, REPLACES_RE):
        for m in pattern.finditer(text):
            out.append(m.group("title"))
            if m.groupdict().get("number"):
                out.append(m.group("number"))
    return tuple(dict.fromkeys(out))


def series_key(doc: Document) -> tuple[str, str] | None:
    """(issuer, title with its period replaced) for documents of a series; None for one-offs."""
    title = normalize(doc.title)
    replaced = SPAN_IN_TITLE_RE.sub(PERIOD_MARK, PLAN_NUMBER_RE.sub(PERIOD_MARK, title))
    if replaced == title:
        return None
    return normalize(doc.issuer), replaced


@dataclass(frozen=True)
class Validity:
    """A document's period, status as of a day, and its neighbours in time."""

    doc_id: str
    period: Period
    status: str
    successor: str = ""  # doc_id
    predecessor: str = ""

    @property
    def lapsed(self) -> bool:
        """Ended, expired or superseded: what "hide documents no longer in force" hides."""
        return self.status in ("ended", "expired", "superseded")

    def label(self, docs: dict[str, Document]) -> str:
        """The badge a hit shows: "" while in force."""
        if self.status == "superseded" and self.successor in docs:
            return f"已被《{docs[self.successor].title}》替代"
        if self.status == "ended":
            years = (
                f"（{self.period.start[:4]}–{self.period.end[:4]}）"
                if self.period.start
                else f"（至{self.period.end}）"
            )
            return f"实施期已结束{years}"
        if self.status == "expired":
            return f"已于{self.period.end}失效（有效期届满）"
        if self.status == "not_yet":
            return f"尚未施行（{self.period.start}起）"
        return ""

    def to_dict(self, docs: dict[str, Document] | None = None) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "start": self.period.start or None,
            "end": self.period.end or None,
            "basis": self.period.basis,
            "status": self.status,
            "successor": self.successor or None,
            "predecessor": self.predecessor or None,
            "label": self.label(docs or {}),
        }


def validities(docs: Iterable[Document], as_of: dt.date) -> dict[str, Validity]:
    """Each document's validity as of ``as_of``; successors must be issued by then to count."""
    docs = list(docs)
    successor: dict[str, str] = {}
    by_series: dict[tuple, list[Document]] = {}
    for d in docs:
        key = series_key(d)
        if key:
            by_series.setdefault(key, []).append(d)
    for members in by_series.values():
        members.sort(key=lambda d: (d.period_start or d.date, d.date))
        for older, newer in zip(members, members[1:]):
            if (newer.period_start or newer.date) > (older.period_start or older.date) and _issued(newer, as_of):
                successor[older.doc_id] = newer.doc_id
    for d in docs:
        if not _issued(d, as_of):
            continue
        for name in d.repeals:
            n = normalize(name)
            for old in docs:
                if old.doc_id != d.doc_id and n in (normalize(old.title), normalize(old.doc_number)):
                    successor.setdefault(old.doc_id, d.doc_id)
    predecessor = {new: old for old, new in successor.items()}
    out = {}
    for d in docs:
        period = Period(d.period_start, d.period_end, d.period_basis)
        out[d.doc_id] = Validity(
            d.doc_id,
            period,
            _status(d, period, successor.get(d.doc_id, ""), as_of),
            successor.get(d.doc_id, ""),
            predecessor.get(d.doc_id, ""),
        )
    return out


def _issued(d: Document, as_of: dt.date) -> bool:
    return not d.date or d.date <= as_of.isoformat()


def _status(d: Document, period: Period, successor: str, as_of: dt.date) -> str:
    day = as_of.isoformat()
    if successor:
        return "superseded"
    if period.start and period.start > day:
        return "not_yet"
    if period.end and period.end < day:
        return "expired" if TERM_BASIS in period.basis else "ended"
    return "in_force"
