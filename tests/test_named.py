"""Queries that name a document, a section, a place or a year; rows only a second copy has; the
cover letter is not a clause (issue: search that understands what a query names)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.pipeline import ingest
from ingest.read import read_file
from ingest.segment import is_clause_text, segment
from kb.search.searcher import Filters, Searcher
from kb.store import folder

from .conftest import CORPUS, DATA, run_cli


@pytest.fixture(scope="module")
def searcher(fake_index):
    return Searcher(folder.load(fake_index))


@pytest.mark.parametrize(
    "query,doc",
    [
        ("《辽宁省“十四五”生态环境保护规划》对黑臭水体的要求", "province_plan.txt"),
        ("辽宁省十四五生态环境保护规划 黑臭水体", "province_plan.txt"),  # no quotes
        ("深入打好污染防治攻坚战的意见里的黑臭水体", "national_opinions.txt"),  # a distinctive part of the title
    ],
)
def test_a_named_document_is_the_scope(searcher, query, doc):
    res = searcher.run(query, top=5)
    assert {h.clause.doc_id for h in res.hits} == {doc}
    got = res.scope.to_dict()
    assert got["docs"] == [doc] and got["chips"][0].startswith("文件：《") and not got["home_applied"]


@pytest.mark.parametrize("query", ["规划里的黑臭水体", "生态环境保护规划 黑臭水体", "意见 黑臭水体治理"])
def test_a_generic_word_names_no_document(searcher, query):
    assert searcher.run(query, top=5).scope.named_docs == frozenset()


def test_a_place_outside_the_corpus_cancels_home_and_prefers_the_national_rule(searcher):
    res = searcher.run("广东的城市黑臭水体什么时候要基本消除", top=5)
    got = res.scope.to_dict()
    assert got["outside_places"] == ["广东"] and not got["home_applied"] and "广东" in got["chips"][0]
    assert res.hits[0].clause.doc_id == "national_opinions.txt"
    assert searcher.run("城市黑臭水体什么时候要基本消除", top=5).scope.home_applied  # no place: home as before


def test_a_place_named_prefers_its_documents_and_clauses_that_name_it(searcher):
    res = searcher.run("辽宁的城市黑臭水体", top=3)
    assert res.scope.places == ("辽宁省",) and res.hits[0].clause.doc_id == "province_plan.txt"


def test_a_named_heading_brings_the_clauses_under_it(searcher):
    """The words of a heading (≥ 4 characters) the query names count for the clauses under it."""
    clauses = searcher.index.clauses
    heading, doc = next((t, c.doc_id) for c in clauses for t in c.section_titles if len(t) == 4 and "目标" in t)
    under = sum(heading in c.section_titles for c in clauses if c.doc_id == doc)
    res = searcher.run(f"《{searcher.index.docs[doc].title}》的{heading}", top=under)
    assert under >= 2 and all(heading in h.clause.section_titles for h in res.hits)


def test_the_querys_year_outranks_another_year_of_the_same_document(searcher):
    dated = [c for c in searcher.index.clauses if "2025" in c.text and c.doc_id == "city_plan.txt"]
    assert dated
    res = searcher.run("阜新市十四五生态环境保护规划到2025年的目标", top=5)
    assert "2025" in res.hits[0].clause.text


@pytest.mark.parametrize(
    "text",
    [
        "《阜新市“十四五”生态环境保护规划》已经市政府同意,现印发给你们,请认真贯彻执行。",
        "现将《空气质量持续改善行动计划》印发给你们，请认真贯彻执行。",
        "现印发给你们，请结合本地实际，认真贯彻落实。",
        "请结合本地区、本部门实际，认真贯彻落实。",
    ],
)
def test_the_cover_letter_is_not_a_clause(text):
    assert not is_clause_text(text)


def test_content_that_asks_to_implement_is_still_a_clause():
    assert is_clause_text(
        "各地区各有关部门要认真贯彻落实党中央、国务院决策部署，充分认识减污降碳协同增效工作的重要性。"
    )


def test_no_cover_line_in_the_fixture_index(fake_index):
    assert not [c.text for c in folder.load(fake_index).clauses if "印发给你们" in c.text]


@pytest.mark.slow
def test_no_cover_line_in_the_shipped_corpus():
    """Segmenting every shipped text (no encoding): no 印发给你们 sentence is a clause."""
    found = [
        (f.name, p.text)
        for f in sorted(CORPUS.glob("*.txt"))
        for p in segment(read_file(f).text)
        if "印发给你们" in p.text
    ]
    assert found == []


def test_rows_only_a_second_copy_has_are_searched_and_shown_once(tmp_path):
    """A family (the text and a Word copy with the indicator table): the table's rows are found,
    the text both copies have is one hit."""
    import docx

    corpus = tmp_path / "c"
    corpus.mkdir()
    src = DATA / "national_opinions.txt"
    (corpus / "national_opinions.txt").write_bytes(src.read_bytes())
    document = docx.Document()
    for line in src.read_text(encoding="utf-8").splitlines():
        if line.strip():
            document.add_paragraph(line.strip())
    table = document.add_table(rows=3, cols=4)
    for r, cells in enumerate(
        [
            ("指标", "2020年", "2025年", "属性"),
            ("地表水劣Ⅴ类水体比例（%）", "0.6", "基本消除", "约束性"),
            ("近岸海域水质优良比例（%）", "77.4", "79左右", "约束性"),
        ]
    ):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    document.save(corpus / "national_opinions_word.docx")
    rows = (DATA / "catalog.tsv").read_text(encoding="utf-8").splitlines()
    national = next(r for r in rows if r.startswith("national_opinions.txt"))
    (corpus / "catalog.tsv").write_text(
        "\n".join([rows[0], national, national.replace(".txt", "_word.docx", 1)]) + "\n", encoding="utf-8"
    )
    ingest([corpus], tmp_path / "ix", encoder_spec="fake")
    s = Searcher(folder.load(tmp_path / "ix"))
    assert s.families.is_secondary("national_opinions_word.docx")
    hits = s.search("地表水劣Ⅴ类水体比例指标", top=5)
    assert any("地表水劣Ⅴ类水体比例" in h.clause.text and h.clause.table_header for h in hits)
    hits = s.search("黑臭水体", top=10)
    texts = [h.clause.text for h in hits]
    assert len(texts) == len(set(texts))
    only_word = s.search("黑臭水体", top=5, filters=Filters(doc_ids=("national_opinions_word",)))
    assert {h.clause.doc_id for h in only_word} == {"national_opinions_word.docx"}  # a file named is searched whole


@pytest.mark.cli
def test_the_scope_json_names_the_document(fake_index):
    r = run_cli("kb", "search", "《辽宁省“十四五”生态环境保护规划》黑臭水体", "--json", "--index", str(fake_index))
    scope = json.loads(r.stdout)["scope"]
    assert scope["docs"] == ["province_plan.txt"] and scope["named_docs"] == ["province_plan.txt"]
    assert Path(fake_index).exists()
