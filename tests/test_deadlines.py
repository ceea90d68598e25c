"""Deadline extraction: real sentences of the corpus, every kind and every non-deadline case."""

import datetime as dt

import pytest

from kb.policy.dates import parse_cn_int, parse_year
from kb.policy.deadlines import extract_deadlines, sentence_deadlines

FUXIN = dt.date(2023, 8, 8)
LIAONING = dt.date(2022, 2, 8)
NATIONAL_2021 = dt.date(2021, 10, 24)


def got(text, doc_date):
    return [(d.due.isoformat(), d.kind) for d in extract_deadlines(text, doc_date=doc_date)]


@pytest.mark.parametrize(
    "text,doc_date,expected",
    [
        # by
        ("2025年底前,市、县建成区基本消除黑臭水体。", FUXIN, [("2025-12-31", "by")]),
        ("到2025年,农村生活污水治理率达到35%。", FUXIN, [("2025-12-31", "by")]),
        ("力争2030年前实现碳达峰。", FUXIN, [("2030-12-31", "by")]),
        ("2023年下半年开展规划实施情况中期评估。", FUXIN, [("2023-12-31", "by")]),
        ("2025年上半年完成项目验收。", FUXIN, [("2025-06-30", "by")]),
        ("2024年三季度末前完成设施建设。", FUXIN, [("2024-09-30", "by")]),
        ("2022年6月底前，县级政府完成建成区内黑臭水体排查并制定整治方案。", LIAONING, [("2022-06-30", "by")]),
        (
            "重点区域石化、化工行业集中的城市和重点工业园区，2024年年底前建立统一的泄漏检测与修复信息管理平台。",
            dt.date(2023, 11, 30),
            [("2024-12-31", "by")],
        ),
        ("2024年12月31日前完成污染地块清单更新。", FUXIN, [("2024-12-31", "by")]),
        ("2023年,实现排污许可证发放企业和登记管理企业复核全覆盖。", FUXIN, [("2023-12-31", "by")]),
        ("到“十四五”末年,我市生态环境持续改善。", FUXIN, [("2025-12-31", "by")]),
        ("“十五五”末,基本建成美丽城市。", FUXIN, [("2030-12-31", "by")]),
        ("展望二〇三五年,广泛形成绿色生产生活方式。", FUXIN, [("2035-12-31", "by")]),
        ("二○二五年底前，全面完成清洁取暖改造。", FUXIN, [("2025-12-31", "by")]),
        ("２０２５年底前，全面完成清洁取暖改造。", FUXIN, [("2025-12-31", "by")]),  # full-width digits
        # relative to the document's date
        ("今年底前完成排查整治任务。", FUXIN, [("2023-12-31", "by")]),
        ("明年6月底前完成全部改造。", FUXIN, [("2024-06-30", "by")]),
        ("年内完成首轮排查。", FUXIN, [("2023-12-31", "by")]),
        # several in one sentence
        (
            "在2023年下半年和2025年底,分别对本规划执行情况开展中期评估和总结评估。",
            FUXIN,
            [("2023-12-31", "by"), ("2025-12-31", "by")],
        ),
        # start
        (
            "2022年起，化学品生产企业、危险废物处置场、垃圾填埋场应在排污许可证中载明地下水污染防治要求。",
            LIAONING,
            [("2022-01-01", "start")],
        ),
        ("本办法自2022年1月1日起施行。", dt.date(2021, 11, 30), [("2022-01-01", "start")]),
        ("2026年起,新建燃煤锅炉全部执行特别排放限值。", FUXIN, [("2026-01-01", "start")]),
        # a rule in force before the document's date is still a commitment
        (
            "加强地下水污染防治,2022年起,化学品生产企业、危险废物处置场、垃圾填埋场应在排污许可证中载明地下水污染防渗和水质监测义务。",
            FUXIN,
            [("2022-01-01", "start")],
        ),
        # during
        ("“十四五”期间,新增细河杨家荒、东沙河八道河桥等7个国控断面。", FUXIN, [("2025-12-31", "during")]),
        ("加快煤炭减量步伐，“十四五”时期严格合理控制煤炭消费增长。", NATIONAL_2021, [("2025-12-31", "during")]),
        (
            "“十四五”、“十五五”期间分别新增水电装机容量4000万千瓦左右。",
            NATIONAL_2021,
            [("2025-12-31", "during"), ("2030-12-31", "during")],
        ),
        ("2021—2025年，累计完成农村环境整治。", NATIONAL_2021, [("2025-12-31", "during")]),
    ],
)
def test_deadlines(text, doc_date, expected):
    assert got(text, doc_date) == expected


@pytest.mark.parametrize(
    "text,doc_date",
    [
        ("截至2020年末,129个行政村完成环境综合整治。", FUXIN),  # past fact
        ("2019年8月挂牌成立阜新市生态环境保护综合行政执法队。", FUXIN),  # past event
        ("与2015年相比,2020年全市化学需氧量下降13.92%。", FUXIN),  # comparison, past
        ("比2005年下降65%以上。", NATIONAL_2021),  # comparison with a base year
        ("自2018年起,以城中村为重点,更换环保节能炉具5464套。", FUXIN),  # past start
        ("“十三五”期间,我市强力开展“碧水工程”。", FUXIN),  # past period
        ("要求企业每年开展一次土壤检测。", FUXIN),  # recurring, no date
        ("按照国发〔2021〕23号文件要求落实。", FUXIN),  # year in a document number
        ("出台了《阜新市矿山地质环境恢复与综合治理规划(2018-2022年)》。", FUXIN),  # inside a title
        ("依据《阜新市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》。", FUXIN),
        ("锚定二〇三五年远景目标,持续改善。", FUXIN),  # not a due date
        ("更换环保节能炉具5464套,淘汰燃煤锅炉759台(1458蒸吨)。", FUXIN),  # numbers with units
        ("“十四五”时期是我国全面建设社会主义现代化国家新征程的第一个五年。", LIAONING),  # describes the period
        ("编制“十四五”规划。", FUXIN),
    ],
)
def test_not_deadlines(text, doc_date):
    assert got(text, doc_date) == []


def test_that_year_is_not_this_year():
    assert got("到2030年，当年新增新能源、清洁能源动力的交通工具比例达到40%左右。", NATIONAL_2021) == [
        ("2030-12-31", "by")
    ]


def test_comparison_beside_a_deadline():
    assert got("到2025年，单位国内生产总值二氧化碳排放比2020年下降18%。", NATIONAL_2021) == [("2025-12-31", "by")]


def test_without_a_document_date_relative_dates_are_skipped():
    assert got("今年底前完成排查整治任务。", None) == []
    assert got("2019年底前完成。", None) == [("2019-12-31", "by")]


def test_full_width_text_keeps_its_characters():
    (d,) = extract_deadlines("到２０２５年，完成。", doc_date=FUXIN)
    assert d.text == "到２０２５年" and (d.char_start, d.char_end) == (0, 6)


def test_offsets_and_text_point_at_the_expression():
    text = "按照部署,2024年底前,探索建立大气氨规范化排放清单。"
    (d,) = extract_deadlines(text, doc_date=FUXIN)
    assert text[d.char_start : d.char_end] == d.text == "2024年底前"
    assert d.due == dt.date(2024, 12, 31) and d.kind == "by"


def test_period_items_carry_their_start():
    (d,) = extract_deadlines("“十四五”期间,累计完成工业炉窑改造100台。", doc_date=FUXIN)
    assert (d.start, d.due) == (dt.date(2021, 1, 1), dt.date(2025, 12, 31))


def test_sentence_head_governs_clauses_after_semicolon():
    text = "到2025年，装配式建筑占新建建筑面积比例达30%；地级及以上城市建成区道路机械化清扫率达80%左右。"
    cut = text.index("；") + 1
    first, second = sentence_deadlines(text, [(0, cut), (cut, len(text))], NATIONAL_2021)
    assert [(d.due, d.inherited) for d in first] == [(dt.date(2025, 12, 31), False)]
    assert [(d.due, d.inherited) for d in second] == [(dt.date(2025, 12, 31), True)]


def test_a_date_mid_sentence_governs_only_its_clause():
    text = "发挥天然气作用,2025年底前,实施天然气入户工程;充分发挥资源优势,加快新能源建设。"
    cut = text.index(";") + 1
    first, second = sentence_deadlines(text, [(0, cut), (cut, len(text))], FUXIN)
    assert len(first) == 1 and second == ()


def test_a_clause_with_its_own_date_does_not_inherit():
    text = "2023年底前,完成一批化工园区调查评估;2024年底前,完成一批其他污染源调查评估。"
    cut = text.index(";") + 1
    first, second = sentence_deadlines(text, [(0, cut), (cut, len(text))], FUXIN)
    assert [d.due.year for d in second] == [2024]


@pytest.mark.parametrize("s,n", [("12", 12), ("十二", 12), ("二十一", 21), ("三十", 30), ("九", 9), ("十", 10)])
def test_chinese_integers(s, n):
    assert parse_cn_int(s) == n


@pytest.mark.parametrize("s,n", [("2025", 2025), ("二〇二五", 2025), ("二○三五", 2035), ("二零三零", 2030)])
def test_years(s, n):
    assert parse_year(s) == n
