"""Quantified targets in a clause: indicator, comparator, value, unit (and base year).

"农村生活污水治理率达到35%" → 农村生活污水治理率 ``>=`` 35 %; "PM2.5浓度比2020年下降10%" →
PM2.5浓度 ``down`` 10 % from 2020; "原油一次加工能力控制在10亿吨以内" → ``<=`` 10 亿吨. A
result already achieved ("比2015年改善29.1%", "累计下降16.5%") is not a target.
"""

from __future__ import annotations

import re

from kb.model import Target
from kb.text import fold

NUM = r"\d+(?:\.\d+)?"
UNIT = (
    r"个百分点|%|万千瓦|亿千瓦|千瓦|亿吨标准煤|万吨标准煤|吨标准煤|亿吨|万吨|吨|万辆|辆|万亩|亩|"
    r"万公顷|公顷|平方公里|公里|亿立方米|万立方米|立方米|微克/立方米|μg/m3|mg/L|万个|个|家|座|处|天|小时|次|倍|项|条"
)
# The indicator: the run of words just before the comparator, after the last punctuation.
INDICATOR = r"(?P<ind>[\u4e00-\u9fffA-Za-z0-9.ⅠⅡⅢⅣⅤ（）()、]{2,40}?)"
BASE = r"(?:比|较)(?P<base>\d{4})年(?:底|末)?(?:分别)?(?:累计)?"
CHANGE_RE = re.compile(
    INDICATOR
    + BASE
    + rf"(?P<cmp>下降|降低|减少|削减|提高|提升|增加|增长|改善)(?P<val>{NUM})(?P<unit>{UNIT})(?P<mod>以上|左右|以内)?"
)
LEVEL_RE = re.compile(
    INDICATOR + r"(?:要|应|须|必须|力争|确保|基本|全面|稳定|分别|总体)?"
    r"(?P<cmp>达到|达(?=\d)|不低于|不少于|不高于|不超过|控制在|保持在|稳定在|提高到|提高至|提升到|提升至|降至|降低到|降低至|下降到|下降至|低于|高于|超过|≥|≤|＜|＞|<|>)"
    rf"(?P<val>{NUM})(?P<unit>{UNIT})?(?P<mod>以上|以下|以内|左右)?"
)
COMPARATORS = {
    "达到": ">=",
    "达": ">=",
    "不低于": ">=",
    "不少于": ">=",
    "提高到": ">=",
    "提高至": ">=",
    "提升到": ">=",
    "提升至": ">=",
    "高于": ">",
    "超过": ">",
    "≥": ">=",
    ">": ">",
    "＞": ">",
    "不高于": "<=",
    "不超过": "<=",
    "控制在": "<=",
    "降至": "<=",
    "降低到": "<=",
    "降低至": "<=",
    "下降到": "<=",
    "下降至": "<=",
    "低于": "<",
    "≤": "<=",
    "<": "<",
    "＜": "<",
    "保持在": "=",
    "稳定在": "=",
    "下降": "down",
    "降低": "down",
    "减少": "down",
    "削减": "down",
    "提高": "up",
    "提升": "up",
    "增加": "up",
    "增长": "up",
    "改善": "up",
}
MODIFIERS = {"以上": ">=", "以下": "<=", "以内": "<=", "左右": "="}
# Indicators where less is better: concentrations, emissions, energy use, bad-water shares…
LOWER_BETTER_RE = re.compile(
    r"浓度|排放|能耗|消耗|煤炭消费|用水量|劣[ⅤV５5]类|[ⅤV]类水|重污染|污染天|超标|事故|发生率|强度|"
    r"黑臭|噪声|PM2\.5|PM10|二氧化硫|氮氧化物|化学需氧量|氨氮|挥发性有机物|损失|死亡|比重.*煤|燃煤|散煤|使用量|填埋"
)
# Leading words that belong to the sentence, not to the indicator.
INDICATOR_HEAD_RE = re.compile(
    r"^(?:到|至|在)?\d{4}年(?:底|末)?(?:前)?|^(?:全国|全省|全市|全县|我市|我省|其中|力争|确保|使|将|推动|实现)+"
)
PAST_RE = re.compile(r"累计|已经|已|了|实现了|完成了|分别为|同比")
# A clause that opens with a year before the document's ("2020年，受污染耕地安全利用率达到96%") reports.
PAST_HEAD_RE = re.compile(r"^\s*(?:截至|截止)?((?:19|20)\d{2})年(?:末|底)?[，,]")
PAST_BASE_GAP = 5
FROM_YEAR_RE = re.compile(r"由((?:19|20)\d{2})年")  # 由2015年的49μg/m3下降到36: a change already made
# "A、B和C…分别下降x、y、z": one target per listed indicator, each with its own value.
RESPECTIVE = "分别"
RESPECTIVE_CMP = (
    r"达到|达(?=\d)|不低于|不少于|不高于|不超过|控制在|保持在|稳定在|提高到|提高至|提升到|提升至|降至|降低到|降低至|"
    r"下降到|下降至|低于|高于|超过|下降|降低|减少|削减|提高|提升|增加|增长|改善"
)
RESPECTIVE_VALUE = rf"{NUM}(?:{UNIT})?(?:以上|以下|以内|左右)?"
RESPECTIVE_AFTER_RE = re.compile(
    rf"(?:累计)?(?:(?:比|较)(?P<base>\d{{4}})年(?:底|末)?)?(?P<cmp>{RESPECTIVE_CMP})"
    rf"(?P<vals>{RESPECTIVE_VALUE}(?:[、，,和及与]{RESPECTIVE_VALUE})*)"
)
RESPECTIVE_VALUE_RE = re.compile(rf"(?P<val>{NUM})(?P<unit>{UNIT})?(?P<mod>以上|以下|以内|左右)?")
BASE_TAIL_RE = re.compile(r"(?:比|较)(?P<base>\d{4})年(?:底|末)?(?:累计)?$")
LIST_SPLIT_RE = re.compile(r"、")
PAIR_SPLIT_RE = re.compile(r"和|及|与")  # also splits items when 、 alone gives fewer than the values
HEAD_YEAR_RE = re.compile(r"^(?:截至|截止)?((?:19|20)\d{2})年")
HEAD_STOP_RE = re.compile(r"[，,。；;：:！？]")
# A listed item that names a place or kind of place, not an indicator: the indicator follows the last item.
PLACE_ITEM_RE = re.compile(r"^(?P<place>.*?(?:地区|平原|城市|县城|建制镇|乡镇|省|市|县|区|流域|海域))(?P<rest>.+)$")
# What an indicator measures, at its end: shared by the items before it (氮氧化物、VOCs排放总量).
MEASURE_RE = re.compile(
    r"(?:重点工程减排量|排放总量|排放量|平均浓度|浓度|消费总量|消费量|使用量|货运量|用水量|用量|总量|产量|"
    r"使用比例|比例|比重|占比|比率|[\u4e00-\u9fff]{1,4}率|强度)$"
)
YEAR_ITEM_RE = re.compile(r"\d{4}年|十[一二三四五六七八九]五|期间|时期")
FUTURE_YEAR_RE = re.compile(
    r"(?:到|至|于|力争)((?:19|20)\d{2})年|((?:19|20)\d{2})年(?:底|末)?前"
)  # a change measured from a year more than five years before the document is a past result


def _indicator(raw: str) -> str:
    ind = INDICATOR_HEAD_RE.sub("", raw).strip("（(")
    ind = INDICATOR_HEAD_RE.sub("", ind)
    return ind


def _comparator(cmp: str, mod: str | None) -> str:
    base = COMPARATORS[cmp]
    if mod and base in (">=", "<=", "=") and cmp in ("达到", "达", "保持在", "稳定在"):
        return MODIFIERS[mod]
    if mod == "以内" and base in ("<=", "="):
        return "<="
    return base


def extract_targets(text: str, doc_year: int | None = None) -> tuple[Target, ...]:
    """Targets in ``text`` (a clause), in order of appearance.

    Args:
        text: the clause.
        doc_year: the document's year; a change from a base year long before it is a past result.
    """
    if reports_past(text, doc_year):
        return ()
    folded = fold(text)
    found: list[Target] = respective_targets(text, doc_year)
    taken: list[tuple[int, int]] = [(t.char_start, t.char_end) for t in found]
    for pattern in (CHANGE_RE, LEVEL_RE):
        for m in pattern.finditer(folded):
            if any(m.start("val") < e and m.end("val") > s for s, e in taken):
                continue
            if _is_past(folded, m, doc_year):
                continue
            ind = _indicator(text[m.start("ind") : m.end("ind")]).strip("、")
            if len(ind) < 2 or ind.isdigit():
                continue
            base = int(m.group("base")) if "base" in m.groupdict() and m.group("base") else None
            cmp = _comparator(m.group("cmp"), m.group("mod"))
            start = m.start("ind") + text[m.start("ind") : m.end("ind")].find(ind)
            found.append(
                Target(
                    indicator=ind,
                    comparator=cmp,
                    value=float(m.group("val")),
                    unit=m.group("unit") or "",
                    text=text[start : m.end()],
                    base_year=base,
                    lower_is_better=bool(LOWER_BETTER_RE.search(ind)) or cmp == "down",
                    char_start=start,
                    char_end=m.end(),
                )
            )
            taken.append((m.start("val"), m.end("val")))
    return tuple(sorted(found, key=lambda t: t.char_start))


def respective_targets(text: str, doc_year: int | None = None) -> list[Target]:
    """One target per indicator of a "分别" list, each with its own value, in order.

    "化学需氧量、氨氮、氮氧化物、挥发性有机物排放总量比2020年分别下降8%、8%、10%以上、10%以上" gives
    four targets, the shared measure (排放总量) added to each; "京津冀及周边地区、汾渭平原PM2.5浓度
    分别下降20%、15%" gives the indicator per place; "A和B分别较2020年下降x和y" and "分别降低20个
    百分点、10个百分点" likewise. A list of years or periods ("2025年和2030年…分别") is left to the
    ordinary patterns, and so is a list whose length differs from the values'. Each target's
    ``char_start`` is its item's offset, ``char_end`` its value's end.
    """
    folded = fold(text)
    out: list[Target] = []
    for at in (m.start() for m in re.finditer(RESPECTIVE, folded)):
        after = RESPECTIVE_AFTER_RE.match(folded, at + len(RESPECTIVE))
        if not after:
            continue
        head_start = max((m.end() for m in HEAD_STOP_RE.finditer(folded, 0, at)), default=0)
        head = folded[head_start:at]
        base = after.group("base")
        tail = BASE_TAIL_RE.search(head)
        if tail:
            base = base or tail.group("base")
            head = head[: tail.start()]
        values = list(RESPECTIVE_VALUE_RE.finditer(folded, after.start("vals"), after.end("vals")))
        items = _items(head, head_start, LIST_SPLIT_RE)
        if len(items) < len(values) or len(items) == 1:
            items = _items(head, head_start, re.compile(f"{LIST_SPLIT_RE.pattern}|{PAIR_SPLIT_RE.pattern}"))
        if len(values) == 1:  # one value for every item: "A、B排放总量分别下降10%以上"
            values = values * len(items)
        if len(items) < 2 or len(items) != len(values) or any(YEAR_ITEM_RE.search(i) for i, _ in items):
            continue
        year = HEAD_YEAR_RE.match(head)
        if doc_year and year and int(year.group(1)) < doc_year:  # "2020年全市…分别下降": a report
            continue
        window = folded[max(0, after.start("cmp") - 4) : after.end("vals") + 2]
        base_year = int(base) if base else None
        ahead = doc_year and any(int(a or b) >= doc_year for a, b in FUTURE_YEAR_RE.findall(folded))
        if PAST_RE.search(window) or (
            doc_year and base_year and base_year < doc_year - PAST_BASE_GAP and not ahead
        ):  # a result already achieved
            continue
        units = [v.group("unit") for v in values]
        for k, ((indicator, start), v) in enumerate(zip(_with_measure(items), values)):
            unit = v.group("unit") or next((u for u in units[k:] if u), "")
            cmp = _comparator(after.group("cmp"), v.group("mod"))
            base_words = f"比{base_year}年" if base_year else ""
            out.append(
                Target(
                    indicator=indicator,
                    comparator=cmp,
                    value=float(v.group("val")),
                    unit=unit,
                    text=f"{indicator}{base_words}{after.group('cmp')}{text[v.start() : v.end()]}",
                    base_year=base_year,
                    lower_is_better=bool(LOWER_BETTER_RE.search(indicator)) or cmp == "down",
                    char_start=start,
                    char_end=v.end(),
                )
            )
    return out


def _items(head: str, offset: int, split: re.Pattern) -> list[tuple[str, int]]:
    """The listed items of a "分别" head with their offsets, leading words (到2025年, 全国) dropped."""
    items, pos = [], 0
    for part in split.split(head):
        start = head.index(part, pos)
        pos = start + len(part)
        name = _indicator(part).strip("（(、 ")
        if name:
            items.append((name, offset + start + part.find(name)))
    return items


def _with_measure(items: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Each item as a whole indicator: places take the indicator that follows the last place
    (城市、县城、重点建制镇污水处理率 → 城市污水处理率…), bare names take the measure that ends the
    last item (氮氧化物、VOCs排放总量 → 氮氧化物排放总量)."""
    last = items[-1][0]
    place = PLACE_ITEM_RE.match(last)
    if place and all(PLACE_ITEM_RE.match(i + "x") for i, _ in items[:-1]):
        rest = place.group("rest")
        return [(i + rest, s) for i, s in items[:-1]] + [items[-1]]
    measure = MEASURE_RE.search(last)
    if not measure or measure.start() == 0:
        return items
    return [(i if MEASURE_RE.search(i) else i + measure.group(0), s) for i, s in items[:-1]] + [items[-1]]


def reports_past(sentence: str, doc_year: int | None) -> bool:
    """Whether a sentence opens with a year before the document's: a report, not a target."""
    head = PAST_HEAD_RE.match(fold(sentence))
    return bool(head and doc_year and int(head.group(1)) < doc_year)


def _is_past(text: str, m: re.Match, doc_year: int | None) -> bool:
    """A result already achieved: 累计/已/了 near the value, a change 由2015年…, or one from a
    long-past base year in a sentence that names no year ahead (比2005年下降65% 到2030年 is a target)."""
    window = text[max(0, m.start("cmp") - 4) : m.end() + 2]
    if PAST_RE.search(window):
        return True
    if not doc_year:
        return False
    since = FROM_YEAR_RE.search(text[max(0, m.start() - 30) : m.start("cmp")])
    if since and int(since.group(1)) < doc_year:
        return True
    base = m.groupdict().get("base")
    ahead = any(int(a or b) >= doc_year for a, b in FUTURE_YEAR_RE.findall(text))
    return bool(base and int(base) < doc_year - PAST_BASE_GAP and not ahead)


def stronger_or_equal(upper: Target, lower: Target) -> bool | None:
    """Whether ``lower`` asks at least as much as ``upper`` on the same indicator (None: not comparable)."""
    if upper.unit != lower.unit:
        return None
    directional = {">=": 1, ">": 1, "up": 1, "<=": -1, "<": -1, "down": 1}
    if upper.comparator in ("down", "up") or lower.comparator in ("down", "up"):
        if upper.comparator != lower.comparator:
            return None
        return lower.value >= upper.value  # a larger cut (or rise) asks more
    sign = -1 if upper.lower_is_better else 1
    if upper.comparator in directional and lower.comparator in directional:
        sign = directional[upper.comparator]
    return (lower.value - upper.value) * sign >= 0


def target_met(target: Target, actual: float, base: float | None = None) -> bool | None:
    """Whether an actual value meets a target, by the target's comparator (None: cannot be judged).

    ``>=``/``>`` and ``<=``/``<`` compare directly; ``=`` (…左右) counts as met on the better side
    (at or below for an indicator that is better lower: 浓度, 排放, 能耗…; at or above otherwise).
    ``down``/``up`` (比2020年下降13.5%) need the base year's value: a ``%`` target is a relative
    change from it, ``个百分点`` an absolute one.
    """
    v = target.value
    if target.comparator in ("down", "up"):
        if base is None or (target.unit != "个百分点" and base == 0):
            return None
        change = actual - base if target.unit == "个百分点" else (actual - base) / abs(base) * 100
        return -change >= v if target.comparator == "down" else change >= v
    if target.comparator == ">=":
        return actual >= v
    if target.comparator == ">":
        return actual > v
    if target.comparator == "<=":
        return actual <= v
    if target.comparator == "<":
        return actual < v
    if target.comparator == "=":
        return actual <= v if target.lower_is_better else actual >= v
    return None


# A target as an indicator table's cell writes it: "≤34", "35", "96左右", "不低于35", "90以上".
CELL_TARGET_RE = re.compile(
    r"^(?P<cmp>≤|≥|<|>|＜|＞|不低于|不高于|不超过|不少于)?\s*(?P<val>\d+(?:\.\d+)?)\s*(?P<unit>%|％)?\s*"
    r"(?P<mod>以上|以下|以内|左右)?$"
)
CELL_COMPARATORS = {
    "≤": "<=",
    "≥": ">=",
    "<": "<",
    ">": ">",
    "＜": "<",
    "＞": ">",
    "不低于": ">=",
    "不少于": ">=",
    "不高于": "<=",
    "不超过": "<=",
    "以上": ">=",
    "以下": "<=",
    "以内": "<=",
    "左右": "=",
}


def cell_target(indicator: str, cell: str, unit: str = "", base_year: int | None = None) -> Target | None:
    """The target an indicator table's cell sets (None for text such as 有效保障, 稳中向好)."""
    m = CELL_TARGET_RE.match(fold(str(cell)).strip())
    if not m or not indicator.strip():
        return None
    lower = bool(LOWER_BETTER_RE.search(indicator))
    cmp = CELL_COMPARATORS.get(m.group("cmp") or m.group("mod") or "", "<=" if lower else ">=")
    text = f"{indicator}{cell}{unit if unit and unit not in str(cell) else ''}"
    return Target(
        indicator=indicator.strip(),
        comparator=cmp,
        value=float(m.group("val")),
        unit=(unit or (m.group("unit") or "")).replace("％", "%"),
        text=text,
        base_year=base_year,
        lower_is_better=lower,
        char_start=0,
        char_end=len(text),
    )
