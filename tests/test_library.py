"""A bureau's library beyond plans: a 管理办法 with articles and an 实施方案 with department brackets.

tests/library_data holds excerpts of two real texts (../shared/external): the 危险废物转移管理办法
(章, 条, 款, 项) and the 关于建立碳足迹管理体系的实施方案 (numbered tasks closing with the units in
charge). Indexed with the fake encoder, so the rankings below come from the rules, not the model.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.reports.cite import citation
from kb.reports.memo import memo_markdown

LIBRARY = Path(__file__).resolve().parent / "library_data"


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    from ingest.pipeline import ingest
    from kb.search.searcher import Searcher
    from kb.store import open_store

    index = tmp_path_factory.mktemp("library") / "index"
    ingest([LIBRARY], index, encoder_spec="fake")
    store = open_store(index)
    return store, Searcher(store, home="")


def _clause(store, start: str):
    return next(c for c in store.clauses if c.text.startswith(start))


@pytest.mark.parametrize(
    "start,section",
    [
        ("本办法适用于在中华人民共和国境内", "第一章第二条第一款"),
        ("在海洋转移危险废物的", "第一章第二条第三款"),
        ("危险废物转移应当遵循就近原则", "第一章第三条第一款"),
        ("核实危险废物转移联单，没有转移联单的", "第二章第十一条第（一）项"),
        ("移出人应当按照国家有关要求开展危险废物鉴别", "第二章第十条第二款"),
        ("危险废物转移联单实行全国统一编号", "第三章第十五条"),
    ],
)
def test_articles_cite_as_tiao_kuan_xiang(library, start, section):
    store, _ = library
    c = _clause(store, start)
    assert c.section == section
    assert citation(c).startswith(f"《危险废物转移管理办法》（生态环境部 公安部 交通运输部令 第23号）{section}：“")
    assert f"{section}：“" in memo_markdown([c])


@pytest.mark.parametrize(
    "query,section",
    [
        ("危险废物转移管理办法第十五条", "第三章第十五条"),
        ("《危险废物转移管理办法》第十一条第（一）项", "第二章第十一条第（一）项"),
        ("第十一条第一项", "第二章第十一条第（一）项"),
        ("办法第二条第三款", "第一章第二条第三款"),
        ("第3条", "第一章第三条第一款"),
    ],
)
def test_an_article_number_returns_the_article(library, query, section):
    _, searcher = library
    hits = searcher.search(query, top=3)
    assert hits[0].clause.section == section


def test_an_article_comes_whole_and_in_order(library):
    store, searcher = library
    hits = searcher.search("危险废物转移管理办法第十条", top=8)
    article = [c for c in store.clauses if "第十条" in c.section]
    assert [h.clause.clause_id for h in hits[: len(article)]] == [c.clause_id for c in article]


def test_a_department_bracket_gives_units_to_every_task_of_its_paragraph(library):
    store, _ = library
    first = [c for c in store.clauses if c.section == "三、（一）1."]
    assert first[0].text.startswith("1.发布产品碳足迹核算通则标准。")  # the title as printed
    assert first[-1].text.endswith("（生态环境部、国家发展改革委、市场监管总局负责）")  # the bracket as printed
    assert first[0].lead_units == ("生态环境部", "国家发展改革委", "市场监管总局")
    item = [c for c in store.clauses if c.section == "三、（一）2."]
    assert len(item) >= 3
    assert len({(c.lead_units, c.partner_units) for c in item}) == 1  # every task of the paragraph
    assert item[0].lead_units and "（" in item[-1].text and "负责）" in item[-1].text
    led = _clause(store, "研究制定产品碳足迹认证目录和实施规则")
    assert led.lead_units == ("市场监管总局",)
    assert set(led.partner_units) == {"生态环境部", "国家发展改革委", "工业和信息化部"}


def test_who_is_in_charge_ranks_a_task_with_its_units_and_highlights_them(library):
    _, searcher = library
    hits = searcher.search("发布产品碳足迹核算通则标准由哪些部门负责？", top=3)
    top = hits[0]
    assert top.clause.section == "三、（一）1."
    assert top.clause.lead_units
    if top.clause.text.endswith("负责）"):
        assert "市场监管总局" in top.matched_terms


def test_a_blank_and_a_stem_do_not_steer(library):
    _, searcher = library
    hits = searcher.search("根据《危险废物转移管理办法》，危险废物转移应当遵循______原则。", top=3)
    assert hits[0].clause.text.startswith("危险废物转移应当遵循就近原则")
