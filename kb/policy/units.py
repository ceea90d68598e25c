"""Who carries a task out: lead and partner units (牵头单位, 配合单位).

National texts close a paragraph with a bracket such as "（生态环境部牵头，国家发展改革委等按职责
分工负责）"; the segmenter keeps the bracket's text for the clauses of that paragraph. Other
texts say it in the sentence: "由市生态环境局牵头", "由各县区政府负责".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.model import Clause

# A paragraph that ends in "（X牵头，Y等按职责分工负责）" names who carries it out: its units. The
# bracket stays on the paragraph's last clause, as printed, and is not what the clause is about.
UNITS_TAIL_RE = re.compile(r"[（(](?P<units>[^（）()]{2,120}?(?:牵头|负责|配合|参与)[^（）()]{0,40})[）)][。；;]?$")
SEGMENT_SPLIT_RE = re.compile(r"[，,；;。]")
UNIT_SPLIT_RE = re.compile(r"[、/]")  # not 和: 工业和信息化部, 住房和城乡建设部
LEAD_RE = re.compile(r"^(?P<units>.+?)(?:共同)?牵头(?:负责)?$")
PARTNER_RE = re.compile(r"^(?P<units>.+?)(?:按职责分工)?(?:负责落实|配合|参与|协助)$")
RESPONSIBLE_RE = re.compile(r"^(?P<units>.+?)(?:按职责分工|按职责|分别)?负责$")
BY_UNIT_RE = re.compile(r"由(?P<units>[\u4e00-\u9fff、（）()]{2,40}?)(?P<role>牵头|负责)")
# Words around unit names that are not part of them.
UNIT_NOISE_RE = re.compile(r"^(各有关部门|有关部门|各相关部门|相关部门)$|等$|^其他")
MAX_UNIT_CHARS = 30
UNIT_TAIL_RE = re.compile(r"等(?:有关|相关)?(?:部门|单位)?$")  # 工业和信息化部等部门 → 工业和信息化部


def _units(text: str) -> list[str]:
    out = []
    for part in UNIT_SPLIT_RE.split(text):
        name = UNIT_NOISE_RE.sub("", part.strip()).strip()
        name = UNIT_TAIL_RE.sub("", name)
        if 2 <= len(name) <= MAX_UNIT_CHARS and not UNIT_NOISE_RE.search(name):
            out.append(name)
    return out


def parse_units(bracket: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(lead units, partner units) of a responsibility bracket, without its brackets.

    ``生态环境部牵头，国家发展改革委等按职责分工负责`` → (生态环境部,), (国家发展改革委,).
    Where no unit leads (``A、B等按职责分工负责``), the units named as responsible lead.
    """
    lead: list[str] = []
    partners: list[str] = []
    responsible: list[str] = []
    for seg in SEGMENT_SPLIT_RE.split(bracket):
        seg = seg.strip()
        if not seg:
            continue
        if m := LEAD_RE.match(seg):
            lead += _units(m.group("units"))
        elif m := PARTNER_RE.match(seg):
            partners += _units(m.group("units"))
        elif m := RESPONSIBLE_RE.match(seg):
            responsible += _units(m.group("units"))
    if lead:
        partners = responsible + partners
    else:
        lead = responsible
    return tuple(dict.fromkeys(lead)), tuple(dict.fromkeys(u for u in partners if u not in lead))


def without_units_tail(text: str) -> str:
    """A clause's text without its paragraph's closing responsibility bracket."""
    m = UNITS_TAIL_RE.search(text)
    return text[: m.start()] if m and m.start() > 0 else text


def units_in_text(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(lead, partner) units a sentence names with 由X牵头 / 由X负责."""
    lead = []
    for m in BY_UNIT_RE.finditer(text):
        lead += _units(m.group("units"))
    return tuple(dict.fromkeys(lead)), ()


def clause_units(bracket: str, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The units of a clause: its paragraph's bracket, else what its own text says."""
    if bracket:
        return parse_units(bracket)
    return units_in_text(text)


def matches_unit(query: str, units: tuple[str, ...]) -> bool:
    """Whether a unit filter (a name or part of one: 生态环境部, 发展改革委) names one of ``units``."""
    q = query.strip()
    return bool(q) and any(q in u or u in q for u in units)


def units_of(clauses: Iterable[Clause]) -> list[str]:
    """Every unit the clauses name (lead or partner), sorted: the vocabulary of a unit picker or filter."""
    return sorted({u for c in clauses for u in c.units})
