"""Indicator names: the national indicator systems' names and the words plans use for them.

A national plan writes 单位国内生产总值能源消耗, a province 单位地区生产总值能源消耗, a city
能耗强度 or 能耗“双控”; 空气质量优良天数比率 is 优良天数比例 elsewhere. Written once, as the
geography is (kb.policy.geography), from the indicator tables of the 十四五 规划纲要, the
生态环境保护规划 and the energy and carbon plans: each line is one indicator, its national name
first. 对标对表 uses them to find the lower clause that names an upper target (kb.compare.align),
search to find a clause that names the indicator a question asks about in other words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kb.text import normalize, pollutant_names

INDICATORS = (
    "单位国内生产总值能源消耗|能耗强度|能源消耗强度|单位GDP能耗|单位GDP能源消耗|单位地区生产总值能源消耗|单位地区生产总值能耗|万元GDP能耗|万元地区生产总值能耗|能耗双控",
    "单位国内生产总值二氧化碳排放|碳排放强度|二氧化碳排放强度|碳强度|单位GDP二氧化碳排放|单位GDP碳排放|单位地区生产总值二氧化碳排放",
    "非化石能源消费比重|非化石能源占能源消费总量比重|非化石能源占一次能源消费比重|非化石能源消费占比",
    "煤炭消费比重|煤炭占能源消费总量比重|煤炭消费总量|煤炭总量|煤炭消费量|煤炭消费",
    "万元国内生产总值用水量|用水强度|万元GDP用水量|万元地区生产总值用水量|单位GDP用水量",
    "万元工业增加值用水量|工业用水强度",
    "空气质量优良天数比率|优良天数比率|优良天数比例|空气质量优良天数比例|环境空气质量优良天数比例|空气质量优良率|达标天数比例",
    "细颗粒物浓度|细颗粒物平均浓度|细颗粒物年均浓度|PM2.5浓度|PM2.5平均浓度|PM2.5年均浓度",
    "可吸入颗粒物浓度|PM10浓度",
    "臭氧浓度|O3浓度",
    "重度及以上污染天数比率|重污染天数比率|重度及以上污染天数|重污染天数|重污染天气",
    "地表水达到或好于Ⅲ类水体比例|地表水优良水质断面比例|地表水水质优良比例|断面水质优良比例|优良水体比例|Ⅲ类水体比例|水质优良比例",
    "地表水劣Ⅴ类水体比例|劣Ⅴ类水体比例|劣Ⅴ类断面|劣Ⅴ类水体",
    "城市黑臭水体比例|黑臭水体消除比例|城市黑臭水体|黑臭水体",
    "近岸海域水质优良比例|近岸海域水质优良（一、二类）比例",
    "集中式饮用水水源水质达到或优于Ⅲ类比例|饮用水水源水质达标率|饮用水水源地水质优良比例|饮用水水源水质优良比例",
    "地下水质量Ⅴ类水比例|地下水Ⅴ类水比例",
    "受污染耕地安全利用率",
    "重点建设用地安全利用率|污染地块安全利用率|建设用地安全利用率",
    "森林覆盖率",
    "森林蓄积量",
    "草原综合植被盖度",
    "湿地保护率",
    "自然岸线保有率",
    "生态保护红线面积",
    "化学需氧量排放总量|化学需氧量排放量|化学需氧量重点工程减排量|化学需氧量排放",
    "氨氮排放总量|氨氮排放量|氨氮重点工程减排量|氨氮排放",
    "氮氧化物排放总量|氮氧化物排放量|氮氧化物重点工程减排量|氮氧化物排放",
    "挥发性有机物排放总量|挥发性有机物排放量|挥发性有机物重点工程减排量|挥发性有机物排放",
    "二氧化硫排放总量|二氧化硫排放量|二氧化硫排放",
    "城市生活垃圾资源化利用率|生活垃圾资源化利用比例|生活垃圾资源化利用率|城市生活垃圾回收利用率|生活垃圾回收利用率|生活垃圾资源化利用",
    "城市生活污水集中收集率|生活污水集中收集率",
    "城市污水处理率|污水处理率",
    "农村生活污水治理率",
    "秸秆综合利用率|秸秆综合利用",
    "农膜回收率",
    "畜禽粪污综合利用率|畜禽粪污资源化利用率|粪污综合利用",
    "一般工业固体废物综合利用率|工业固体废物综合利用率|工业固废综合利用率",
    "大宗固废综合利用率|大宗固体废物综合利用率|大宗固废年利用量|大宗固废利用|大宗固体废弃物综合利用|大宗固废",
    "主要再生资源循环利用量|再生资源循环利用量|再生资源回收利用|再生资源化回收|再生资源回收",
    "城镇新建建筑中绿色建筑面积占比|绿色建筑面积占比|绿色建筑占比|绿色建筑标准|绿色建筑",
    "城镇建筑可再生能源替代率|可再生能源建筑应用|可再生能源替代率",
    "新增新能源、清洁能源动力的交通工具比例|新能源汽车新车销售量占比|新能源汽车|新能源车辆|清洁能源车辆",
    "风电、太阳能发电总装机容量|风电和太阳能发电|风电、太阳能发电|风电、光伏",
    "清洁取暖率|清洁取暖",
    "城市绿色出行比例|绿色出行比例|绿色出行",
    "放射源辐射事故年发生率|辐射事故",
)
QUOTES_RE = re.compile(r"[“”\"‘’'「」]")
# The end of a name that measures something (a rate, a share, an intensity, a concentration, an amount).
MEASURE_RE = re.compile(
    r"(?:率|比例|比率|比重|占比|强度|浓度|总量|用水量|消耗|排放|盖度|面积|天数|蓄积量|利用量|装机容量)$"
)


def _form(text: str) -> str:
    """The form names are compared in: normalised, quotes gone, formulas written as names."""
    return pollutant_names(normalize(QUOTES_RE.sub("", text)))


@lru_cache(maxsize=1)
def _names() -> tuple[tuple[str, int], ...]:
    """Every name in the compared form with its indicator's number, longest first."""
    pairs = {(_form(n), i) for i, line in enumerate(INDICATORS) for n in line.split("|")}
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def indicator_ids(text: str) -> set[int]:
    """The indicators ``text`` names (an indicator's own text, a clause or a query), by number."""
    flat = _form(text)
    found, taken = set(), []
    for name, i in _names():
        at = flat.find(name)
        while at >= 0:
            if not any(s <= at < e for s, e in taken):  # a longer name already holds this place
                found.add(i)
                taken.append((at, at + len(name)))
            at = flat.find(name, at + 1)
    return found


def national_name(i: int) -> str:
    return INDICATORS[i].split("|")[0]


def names_of(i: int) -> tuple[str, ...]:
    """Every name of an indicator, the national one first."""
    return tuple(INDICATORS[i].split("|"))


def other_names(text: str) -> list[str]:
    """The names ``text`` does not use for the indicators it names as measures (what a search adds).

    Only a name of a measure counts, on both sides (能耗强度, 优良天数比例): a topic (黑臭水体,
    重污染天气, 绿色建筑) names no indicator in a question, and is not added to one.
    """
    flat = _form(text)
    named = {i for name, i in _names() if MEASURE_RE.search(name) and name in flat}
    return [n for i in sorted(named) for n in names_of(i) if MEASURE_RE.search(_form(n)) and _form(n) not in flat]


# A plan announcing an indicator table: "具体指标:包括…四大类20项指标", "主要指标见表1", "规划指标体系".
TABLE_ANNOUNCED_RE = re.compile(
    r"(?:\d+|[一二三四五六七八九十]+)项(?:主要|规划)?指标|指标(?:见|如)(?:下)?表|规划指标体系|主要指标表"
)


def missing_indicator_table(clauses) -> str:
    """The sentence in which a plan announces its indicator table, when the index holds no row of it
    (a web copy carries the table as an image); "" when it holds one or announces none."""
    if any(c.table_header and c.targets for c in clauses):
        return ""
    return next(
        (c.text for c in clauses if c.role in ("target", "vision", "") and TABLE_ANNOUNCED_RE.search(c.text)), ""
    )
