"""Levels of government and places: which documents a query is about, and the user's home.

Each document's jurisdiction (level and place) comes from its metadata: the issuer, else the
title ("辽宁省人民政府办公厅" → 省, 辽宁省). A query steers toward a level or a place when it names
one (国家/全国/我国/国务院…, 省里/全省/辽宁…, 市里/我市/阜新…, 县里/全区…); where it names none, the
deployment's *home* jurisdiction (the place the bureau serves) may be preferred on near ties.
Both are reported with every search: no preference that changes a ranking is hidden.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kb.model import Document
from kb.policy.geography import PROVINCES

NATIONAL, PROVINCE, CITY, COUNTY, UNKNOWN = 0, 1, 2, 3, 9
LEVEL_NAMES = {NATIONAL: "国家", PROVINCE: "省", CITY: "市", COUNTY: "县区", UNKNOWN: "未知"}
LEVEL_BY_NAME = {"国家": NATIONAL, "省": PROVINCE, "市": CITY, "县区": COUNTY, "县": COUNTY, "区": COUNTY}
# Words that name a level in a question. Bare 省/市/县 are not enough (节省, 城市, 市场, 县级以上),
# nor 省级/市级/县级, which qualify things (省级以上工业园区).
LEVEL_WORD_RES = (
    (NATIONAL, re.compile(r"国家(?!级)|全国|中央|国务院|部委|部里|我国|国内(?!外)")),
    (PROVINCE, re.compile(r"省里|全省|我省|本省|省内|省政府|省委")),
    (CITY, re.compile(r"市里|我市|全市(?!场)|本市|市政府|市委")),
    (COUNTY, re.compile(r"县里|全县|我县|本县|区里|全区(?!域)|我区|本区|区县|县区")),
)
# A place in an issuer or title: 辽宁省, 阜新市, 彰武县, 新疆维吾尔自治区; the shortest run before the suffix.
PLACE_RE = re.compile(r"([\u4e00-\u9fff]{2,8}?)(自治区|特别行政区|省|自治州|市|地区|盟|自治县|县|区|旗)")
PLACE_LEVEL = {
    "省": PROVINCE,
    "自治区": PROVINCE,
    "特别行政区": PROVINCE,
    "市": CITY,
    "自治州": CITY,
    "地区": CITY,
    "盟": CITY,
    "县": COUNTY,
    "自治县": COUNTY,
    "区": COUNTY,
    "旗": COUNTY,
}
# Issuers of the centre, for which no place is named.
NATIONAL_ISSUER_RE = re.compile(r"国务院|中共中央|^国家|部$|部等|部门$|委员会$|总局")
NATIONAL_PLACE = "全国"
NO_HOME = ("", "无", "none", "off")
# A query naming a province (kb.policy.geography.PROVINCES) that no document speaks for is about
# somewhere else, where this city's and province's plans do not bind, but the national ones do.
# A document is named by a part of its title that ends with the title (its kind: 规划, 方案, 计划,
# 意见…), has at least MIN_TITLE_CHARS characters, at least two of them outside these generic
# words, and belongs to one document (family) only: 碳达峰行动方案, 节能减排综合工作方案, never 规划.
MIN_TITLE_CHARS = 5
GENERIC_TITLE_RE = re.compile(
    r"十[一二三四五六]?五|规划|方案|计划|意见|通知|办法|纲要|实施|行动|工作|生态环境|保护|关于|的"
)
TITLE_NOISE_RE = re.compile(r"[《》“”\"‘’「」、，,\s（）()·]")


@dataclass(frozen=True)
class Jurisdiction:
    """A level of government and its place (``全国`` for the centre; "" when unknown)."""

    level: int
    place: str = ""

    @property
    def label(self) -> str:
        return self.place or LEVEL_NAMES[self.level]

    def to_dict(self) -> dict[str, Any]:
        return {"level": LEVEL_NAMES[self.level], "place": self.place}


def jurisdiction_of(issuer: str, title: str = "") -> Jurisdiction:
    """The jurisdiction a document speaks for, from the start of its issuer, else of its title."""
    for text in (issuer, title):
        m = PLACE_RE.match(text or "")
        if m:
            return Jurisdiction(PLACE_LEVEL[m.group(2)], m.group(0))
        if text and NATIONAL_ISSUER_RE.search(text):
            return Jurisdiction(NATIONAL, NATIONAL_PLACE)
    return Jurisdiction(UNKNOWN)


def doc_jurisdiction(doc: Document) -> Jurisdiction:
    """A document's jurisdiction: its recorded level, with the place from its metadata."""
    j = jurisdiction_of(doc.issuer, doc.title)
    if doc.level != UNKNOWN and doc.level != j.level:
        return Jurisdiction(doc.level, j.place if j.level == doc.level else "")
    return j


def short_place(place: str) -> str:
    """辽宁省 → 辽宁, 阜新市 → 阜新 (the name a speaker uses); 全国 stays."""
    m = PLACE_RE.fullmatch(place)
    return m.group(1) if m else place


@dataclass(frozen=True)
class Scope:
    """What steers a search toward some documents, as reported to the user.

    Attributes:
        levels: levels named in the query (empty: none).
        places: places named in the query (full names, e.g. 辽宁省).
        words: the query's words that named them.
        home: the home jurisdiction preferred when the query names no scope ("" when off).
        home_applied: whether the home preference took part in this ranking.
        doc_ids: the documents the query's scope selects (empty when it selects none).
        named_docs: the documents the query names by title (a family's members), preferred strongly.
        titles: the titles as the query named them (for the chip).
        outside: places the query names that no document speaks for (广东): no home preference,
            the national documents preferred.
        rest: with ``named_docs``, the query without the title that named them (what to search for there).
    """

    levels: tuple[int, ...] = ()
    places: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    home: str = ""
    home_applied: bool = False
    doc_ids: frozenset[str] = field(default_factory=frozenset)
    named_docs: frozenset[str] = field(default_factory=frozenset)
    titles: tuple[str, ...] = ()
    outside: tuple[str, ...] = ()
    rest: str = ""

    @property
    def from_query(self) -> bool:
        """Whether the query itself scopes the search (a document, a level or a place): no home preference."""
        return bool(self.doc_ids or self.named_docs or self.outside)

    def chips(self) -> list[str]:
        """Short labels for the app: one per active preference."""
        out = [f"文件：《{t}》" for t in self.titles]
        if self.outside:
            out.append(f"范围：国家（“{'、'.join(self.outside)}”不在本库文件所属地域，适用国家文件）")
        if self.doc_ids:
            named = "、".join(self.places or tuple(LEVEL_NAMES[lv] + "级" for lv in self.levels))
            out.append(f"范围：{named}（查询中的“{'、'.join(self.words)}”）")
        if self.home_applied:
            out.append(f"本级优先：{self.home}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "levels": [LEVEL_NAMES[lv] for lv in self.levels],
            "places": list(self.places),
            "words": list(self.words),
            "docs": sorted(self.named_docs or self.doc_ids),
            "named_docs": sorted(self.named_docs),
            "outside_places": list(self.outside),
            "home": self.home or None,
            "home_applied": self.home_applied,
            "chips": self.chips(),
        }


class ScopeResolver:
    """Knows every document's jurisdiction; reads scopes from queries."""

    def __init__(self, docs: Iterable[Document]):
        docs = list(docs)
        self.jurisdictions = {d.doc_id: doc_jurisdiction(d) for d in docs}
        self._titles = {d.doc_id: (TITLE_NOISE_RE.sub("", d.title), d.title) for d in docs if d.title}
        places = {j.place: j for j in self.jurisdictions.values() if j.place and j.place != NATIONAL_PLACE}
        # Longest names first, so 阜新市 is tried before 阜新.
        self._place_names = sorted(
            {(name, full) for full in places for name in (full, short_place(full)) if len(name) >= 2},
            key=lambda x: -len(x[0]),
        )

    def default_home(self, counted: Iterable[str] | None = None) -> str:
        """The home until one is set: of the documents ``counted`` (the corpus the deployment was
        built from, not what users uploaded since; default all), the place that most documents of
        the most local level share; "" when none is known or two places tie. One district's 批复
        uploaded later never moves it."""
        ids = set(self.jurisdictions) if counted is None else set(counted)
        known = [j for d, j in self.jurisdictions.items() if d in ids and j.level != UNKNOWN and j.place]
        if not known:
            return ""
        deepest = max(j.level for j in known)
        counts = Counter(j.place for j in known if j.level == deepest).most_common()
        return counts[0][0] if len(counts) == 1 or counts[0][1] > counts[1][1] else ""

    def homes(self) -> list[str]:
        """Places a user can choose as home, most local first."""
        known = {j for j in self.jurisdictions.values() if j.place}
        return [j.place for j in sorted(known, key=lambda j: (-j.level, j.place))]

    def home_docs(self, home: str) -> frozenset[str]:
        return frozenset(d for d, j in self.jurisdictions.items() if home and j.place == home)

    def named_documents(self, query: str) -> tuple[frozenset[str], tuple[str, ...], str]:
        """The documents a query names by (a distinctive part of) their title: their ids, the titles,
        and the query with the named part taken out ("" parts: none named)."""
        plain = TITLE_NOISE_RE.sub("", query)
        best: dict[str, str] = {}
        for doc_id, (title, _) in self._titles.items():
            for start in range(len(title) - MIN_TITLE_CHARS + 1):  # the longest tail of the title in the query
                tail = title[start:]
                if tail in plain:
                    if len(GENERIC_TITLE_RE.sub("", tail)) >= 2:
                        best[doc_id] = tail
                    break
        named = {
            d: t
            for d, t in best.items()
            if not any(
                t in title for other, (title, _) in self._titles.items() if other != d and title != self._titles[d][0]
            )
        }
        if not named:
            return frozenset(), (), query
        titles = tuple(dict.fromkeys(self._titles[d][1] for d in named))
        rest = plain
        for t in sorted(set(named.values()), key=len, reverse=True):
            rest = rest.replace(t, " ")
        return frozenset(named), titles, rest.strip(" 的里中之")

    def read(self, query: str, home: str = "") -> Scope:
        """The scope a query names (a document, levels, places), or none; ``home`` is recorded either way."""
        named, titles, named_rest = self.named_documents(query)
        words, places, levels = [], [], []
        rest = query
        for name, full in self._place_names:
            if name in rest:
                words.append(name)
                places.append(full)
                rest = rest.replace(name, "　")
        for level, pattern in LEVEL_WORD_RES:
            for m in pattern.finditer(rest):
                words.append(m.group(0))
                levels.append(level)
        ours = {short_place(p) for p in self._place_names_full()}
        outside = tuple(p for p in PROVINCES if p in rest and p not in ours and not any(p in o for o in ours))
        if places:
            docs = frozenset(d for d, j in self.jurisdictions.items() if j.place in places)
        elif outside and not levels:
            docs = frozenset()
        else:
            docs = frozenset(d for d, j in self.jurisdictions.items() if j.level in levels)
        home = "" if home in NO_HOME else home
        if not (docs or named or outside):
            return Scope(home=home)
        return Scope(
            levels=tuple(dict.fromkeys(levels)),
            places=tuple(dict.fromkeys(places)),
            words=tuple(dict.fromkeys(words + list(outside))),
            home=home,
            doc_ids=docs,
            named_docs=named,
            titles=titles,
            outside=outside if not places else (),
            rest=named_rest if named else "",
        )

    def _place_names_full(self) -> set[str]:
        return {full for _, full in self._place_names}

    def national_docs(self) -> frozenset[str]:
        return frozenset(d for d, j in self.jurisdictions.items() if j.level == NATIONAL)
