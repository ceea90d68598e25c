"""How a question is asked (kb.search.query_forms) and the articles it names (kb.policy.articles).

The examples are our own, in the forms officials and exam stems use; none is from a dev set.
"""

import pytest

from kb.policy.articles import article_ref, cn_number
from kb.policy.dates import parse_cn_int
from kb.search.query_forms import read_form


@pytest.mark.parametrize("n", [1, 9, 10, 11, 16, 20, 32, 99, 100, 105, 110, 116, 999])
def test_article_numerals_round_trip(n):
    assert parse_cn_int(cn_number(n)) == n


@pytest.mark.parametrize(
    "query,label",
    [
        ("危险废物转移管理办法第二十条", "第二十条"),
        ("第16条", "第十六条"),
        ("《办法》第十一条第（一）项", "第十一条第（一）项"),
        ("第十一条第一项的内容", "第十一条第（一）项"),
        ("第三章第十八条第二款", "第三章第十八条第二款"),
        ("第一百一十六条", "第一百一十六条"),
    ],
)
def test_an_article_named_in_a_query(query, label):
    assert article_ref(query).label == label


def test_an_article_covers_its_own_section_only():
    ref = article_ref("第十六条")
    assert ref.covers("第三章第十六条第二款")
    assert not ref.covers("第一百一十六条")
    assert not ref.covers("第二十六条")
    assert article_ref("第十一条第（一）项").covers("第二章第十一条第（一）项")
    assert not article_ref("第十一条第（一）项").covers("第二章第十一条第（二）项")
    assert article_ref("大气污染防治条例") is None


@pytest.mark.parametrize(
    "query,kind,absent,present",
    [
        # a blank is a wildcard; the stem's 根据 is not content
        (
            "根据《排污许可管理办法》，排污单位应当在______日内提交执行报告。",
            "blank",
            ["___", "根据"],
            ["提交执行报告"],
        ),
        ("本条例自（ ）起施行。", "blank", ["（ ）"], ["施行"]),
        # exam-stem words are not content
        ("下列哪项属于重点排污单位的义务？", "question", ["下列哪项", "属于"], ["重点排污单位的义务"]),
        ("关于固定污染源监测，以下说法正确的是：", "question", ["以下说法正确的是"], ["固定污染源监测"]),
        # a statement's verdict words and figures other than years do not steer
        ("企业必须在3个工作日内上报，无需经过审核。", "statement", ["必须", "无需", "3"], ["工作日内上报"]),
        ("到2025年，城市污水处理率达到99%。", "statement", ["99"], ["2025年", "城市污水处理率"]),
        ("到2025年，PM2.5浓度必须下降到30微克。", "statement", ["30", "必须"], ["PM2.5浓度"]),
        # a case is searched by what it is about, not by its setting
        (
            "大连市某化工企业在例行检查中被发现未建立危险废物台账，应如何处罚？",
            "case",
            ["大连市", "例行检查中", "如何"],
            ["危险废物台账"],
        ),
        # who is in charge
        ("农村黑臭水体治理由哪个部门牵头？", "who", [], ["农村黑臭水体治理"]),
        ("谁负责建设信息系统", "who", [], ["建设信息系统"]),
        # an article
        ("《条例》第十二条是怎么规定的", "article", [], ["第十二条"]),
        # a plain topic is left alone
        ("城市黑臭水体什么时候消除", "question", [], ["城市黑臭水体什么时候消除"]),
    ],
)
def test_query_forms(query, kind, absent, present):
    form = read_form(query)
    assert form.kind == kind
    for word in absent:
        assert word not in form.content
    for word in present:
        assert word in form.content


def test_a_case_s_places_are_its_setting_but_a_named_place_is_not():
    assert read_form("宁波市某企业计划将废液跨省转移，应当向哪一级部门提出申请？").setting == ("宁波市",)
    assert read_form("阜新市的规划对散煤治理有什么要求").setting == ()
    assert read_form("主管部门应当建立协作机制").asks_units is False  # 主管部门 is not a "who" question
