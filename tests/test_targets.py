"""Quantified targets, from real sentences of the shipped corpus (and the issue's examples)."""

import pytest

from kb.policy.targets import extract_targets, stronger_or_equal

# sentence, document year, expected [(indicator, comparator, value, unit, base year, lower is better)]
CASES = [
    ("到2025年，农村生活污水治理率达到35%。", 2023, [("农村生活污水治理率", ">=", 35, "%", None, False)]),
    (
        "到2025年，全国地级及以上城市PM2.5浓度比2020年下降10%，重度及以上污染天数比率控制在1%以内；",
        2023,
        [
            ("地级及以上城市PM2.5浓度", "down", 10, "%", 2020, True),
            ("重度及以上污染天数比率", "<=", 1, "%", None, True),
        ],
    ),
    ("到2025年，原油一次加工能力控制在10亿吨以内。", 2021, [("原油一次加工能力", "<=", 10, "亿吨", None, False)]),
    (
        "到2025年，重点海域水质优良比例比2020年提升2个百分点左右。",
        2021,
        [("重点海域水质优良比例", "up", 2, "个百分点", 2020, False)],
    ),
    (
        "2025年底前，涉危涉重企业和化工园区环境应急预案备案率达到100%。",
        2022,
        [("涉危涉重企业和化工园区环境应急预案备案率", ">=", 100, "%", None, False)],
    ),
    ("主要车（机）型系族年度抽检率达到80%以上。", 2022, [("主要车（机）型系族年度抽检率", ">=", 80, "%", None, False)]),
    (
        "到2025年，全国县级及以上城市集中式饮用水水源水质达到或优于Ⅲ类比例总体高于93%。",
        2021,
        [("县级及以上城市集中式饮用水水源水质达到或优于Ⅲ类比例", ">", 93, "%", None, False)],
    ),
    (
        "重点区域公共领域新增或更新公交、出租、城市物流配送、轻型环卫等车辆中，新能源汽车比例不低于80%；",
        2023,
        [("新能源汽车比例", ">=", 80, "%", None, False)],
    ),
    ("全国声环境功能区夜间达标率达到85%。", 2021, [("声环境功能区夜间达标率", ">=", 85, "%", None, False)]),
    ("到2025年，新型储能装机容量达到3000万千瓦以上。", 2021, [("新型储能装机容量", ">=", 3000, "万千瓦", None, False)]),
    ("72小时级别预报准确率达到70%以上。", 2021, [("72小时级别预报准确率", ">=", 70, "%", None, False)]),
    (
        "规模养殖场粪污处理设施装备配套率达到97%。",
        2021,
        [("规模养殖场粪污处理设施装备配套率", ">=", 97, "%", None, False)],
    ),
    ("到2025年,建筑垃圾综合利用率达到60%。", 2023, [("建筑垃圾综合利用率", ">=", 60, "%", None, False)]),
    (
        "到2030年，风电、太阳能发电总装机容量达到12亿千瓦以上。",
        2021,
        [("风电、太阳能发电总装机容量", ">=", 12, "亿千瓦", None, False)],
    ),
    (
        "到2030年，城区常住人口100万以上的城市绿色出行比例不低于70%。",
        2021,
        [("城区常住人口100万以上的城市绿色出行比例", ">=", 70, "%", None, False)],
    ),
    (
        "2025年底前，水土保持率达到77%，湿地保护率提高到40.8%。",
        2022,
        [("水土保持率", ">=", 77, "%", None, False), ("湿地保护率", ">=", 40.8, "%", None, False)],
    ),
    (
        "2025年底前，全省重度及以上污染天数比率控制在0.7%以内，基本消除重污染天气。",
        2022,
        [("重度及以上污染天数比率", "<=", 0.7, "%", None, True)],
    ),
    (
        "到2030年，全国森林覆盖率达到25%左右，森林蓄积量达到190亿立方米。",
        2021,
        [("森林覆盖率", "=", 25, "%", None, False), ("森林蓄积量", ">=", 190, "亿立方米", None, False)],
    ),
    (
        "到2030年，非化石能源消费比重达到25%左右，单位国内生产总值二氧化碳排放比2005年下降65%以上。",
        2021,
        [
            ("非化石能源消费比重", "=", 25, "%", None, False),
            ("单位国内生产总值二氧化碳排放", "down", 65, "%", 2005, True),
        ],
    ),
    (
        "到2025年，全国单位国内生产总值能源消耗比2020年下降13.5%。",
        2021,
        [("单位国内生产总值能源消耗", "down", 13.5, "%", 2020, True)],
    ),
    (
        "到2025年，全国重点行业重点重金属污染物排放量比2020年下降5%。",
        2021,
        [("重点行业重点重金属污染物排放量", "down", 5, "%", 2020, True)],
    ),
    ("2025年底前，城市公共供水管网漏损率低于10%。", 2022, [("城市公共供水管网漏损率", "<", 10, "%", None, False)]),
    ("地下水质量Ⅴ类水比例≤47.37", 2022, [("地下水质量Ⅴ类水比例", "<=", 47.37, "", None, True)]),
    (
        "地级及以上城市建成区道路机械化清扫率达80%左右。",
        2023,
        [("地级及以上城市建成区道路机械化清扫率", "=", 80, "%", None, False)],
    ),
    (
        "2025年底前，全省城市空气质量优良天数比率达到88.3%。",
        2022,
        [("城市空气质量优良天数比率", ">=", 88.3, "%", None, False)],
    ),
    ("到2025年，地表水劣Ⅴ类水体比例控制在1%以内。", 2022, [("地表水劣Ⅴ类水体比例", "<=", 1, "%", None, True)]),
    # not targets: results already achieved, comparisons with the past
    ("空气质量优良天数比率比2015年改善29.1%。", 2022, []),
    ("2020年，化学需氧量、氨氮排放总量较2015年累计分别下降16.5%、15.76%；", 2022, []),
    ("达标天数由2015年的273天增加到296天,PM2.5浓度由2015年的49μg/m3下降到36μg/m3。", 2023, []),
    ("2020年，受污染耕地安全利用率达到96%左右，污染地块安全利用率达到100%。", 2022, []),
    ("截至2020年末,全市污染地块安全利用率为100%。", 2023, []),
    ("陆路交通运输石油消费力争2030年前达到峰值。", 2021, []),
    ("推进农村黑臭水体治理。", 2023, []),
]


@pytest.mark.parametrize("sentence,year,expected", CASES)
def test_targets(sentence, year, expected):
    got = [
        (t.indicator, t.comparator, t.value, t.unit, t.base_year, t.lower_is_better)
        for t in extract_targets(sentence, year)
    ]
    assert got == [(i, c, float(v), u, b, lb) for i, c, v, u, b, lb in expected]


def test_target_text_is_a_verbatim_span():
    s = "到2025年，农村生活污水治理率达到35%。"
    t = extract_targets(s, 2023)[0]
    assert s[t.char_start : t.char_end] == t.text == "农村生活污水治理率达到35%"


@pytest.mark.parametrize(
    "upper,lower,ok",
    [
        ("农村生活污水治理率达到35%", "农村生活污水治理率达到40%", True),
        ("农村自来水普及率达到88%", "农村自来水普及率达到80%", False),
        ("重度及以上污染天数比率控制在1%以内", "重度及以上污染天数比率控制在0.7%以内", True),
        ("PM2.5浓度比2020年下降10%", "PM2.5浓度比2020年下降8%", False),
        ("PM2.5浓度比2020年下降10%", "PM2.5浓度比2020年下降12%", True),
    ],
)
def test_stronger_or_equal(upper, lower, ok):
    assert stronger_or_equal(extract_targets(upper, 2022)[0], extract_targets(lower, 2022)[0]) is ok


# "分别" lists from four documents: one target per listed indicator (or place), each with its own value.
RESPECTIVE = [
    (
        "能源消费总量得到合理控制，化学需氧量、氨氮、氮氧化物、挥发性有机物排放总量比2020年分别下降8%、8%、10%以上、10%以上。",
        2021,  # the energy-saving and emission-reduction work plan
        [
            ("化学需氧量排放总量", "down", 8, "%", 2020),
            ("氨氮排放总量", "down", 8, "%", 2020),
            ("氮氧化物排放总量", "down", 10, "%", 2020),
            ("挥发性有机物排放总量", "down", 10, "%", 2020),
        ],
    ),
    (
        "到2025年，溶剂型工业涂料、油墨使用比例分别降低20个百分点、10个百分点，溶剂型胶粘剂使用量降低20%。",
        2021,
        [
            ("溶剂型工业涂料使用比例", "down", 20, "个百分点", None),
            ("油墨使用比例", "down", 10, "个百分点", None),
        ],  # (降低20% without a base year is not read as a target, as before)
    ),
    (
        "到2025年，铁路、水路货运量比2020年分别增长10%和12%左右。",
        2023,  # the air quality action plan
        [("铁路货运量", "up", 10, "%", 2020), ("水路货运量", "up", 12, "%", 2020)],
    ),
    (
        "氮氧化物和VOCs排放总量比2020年分别下降10%以上。",
        2023,  # one value for both
        [("氮氧化物排放总量", "down", 10, "%", 2020), ("VOCs排放总量", "down", 10, "%", 2020)],
    ),
    (
        "到2025年,城市生活污水集中收集率达到70%以上,城市、县城、重点建制镇污水处理率分别达到95%、90%、75%以上。",
        2023,  # the Fuxin plan: places take the indicator after them
        [
            ("城市生活污水集中收集率", ">=", 70, "%", None),
            ("城市污水处理率", ">=", 95, "%", None),
            ("县城污水处理率", ">=", 90, "%", None),
            ("重点建制镇污水处理率", ">=", 75, "%", None),
        ],
    ),
    (
        "全国秸秆综合利用率、农膜回收率分别达到86.7%、80%。",
        2021,  # the soil, groundwater and rural plan
        [("秸秆综合利用率", ">=", 86.7, "%", None), ("农膜回收率", ">=", 80, "%", None)],
    ),
    (
        "“十四五”时期，京津冀及周边地区、长三角地区煤炭消费量分别下降10%、5%左右。",
        2021,
        [("京津冀及周边地区煤炭消费量", "down", 10, "%", None), ("长三角地区煤炭消费量", "down", 5, "%", None)],
    ),
    (
        "单位国内生产总值能源消耗和二氧化碳排放分别降低13.5%和18%。",
        2021,
        [("单位国内生产总值能源消耗", "down", 13.5, "%", None), ("二氧化碳排放", "down", 18, "%", None)],
    ),
]


@pytest.mark.parametrize("sentence,year,expected", RESPECTIVE)
def test_a_respectively_list_gives_one_target_per_indicator(sentence, year, expected):
    got = [(t.indicator, t.comparator, t.value, t.unit, t.base_year) for t in extract_targets(sentence, year)]
    assert got == expected
    for t in extract_targets(sentence, year):
        assert t.text.startswith(t.indicator) and sentence[t.char_start :].startswith(t.indicator[:2])


@pytest.mark.parametrize(
    "sentence",
    [
        "与2015年相比,2020年全市化学需氧量、氨氮、二氧化硫、氮氧化物分别下降13.92%、16.04%、35.4%和32.4%,超额完成任务。",
        "2020年，化学需氧量、氨氮排放总量较2015年累计分别下降16.5%、15.76%。",
        "在2023年下半年和2025年底,分别对本规划执行情况开展中期评估和总结评估。",
    ],
)
def test_a_respectively_list_of_the_past_or_without_values_sets_no_target(sentence):
    assert extract_targets(sentence, 2023) == ()


def test_a_list_of_years_is_not_a_list_of_indicators():
    (t,) = extract_targets("2025年和2030年，全国短流程炼钢占比分别提升至15%、20%以上。", 2022)
    assert t.indicator == "短流程炼钢占比" and t.value == 15
