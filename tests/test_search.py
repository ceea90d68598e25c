"""Hybrid search: ranking, filters, matched terms, de-duplication; with the fake and the real model."""

import datetime as dt
import shutil

import pytest

from ingest.pipeline import ingest
from kb.errors import KBError, NotFound
from kb.reports.cite import citation
from kb.search.searcher import Filters, Fusion, Searcher
from kb.store import folder
from kb.text import char_ngrams

from .conftest import DATA, HIT_KEYS, ROOT


@pytest.fixture(scope="module")
def searcher(fake_index):
    return Searcher(folder.load(fake_index))


def test_search_ranks_the_clause_that_matches(searcher):
    hits = searcher.search("市、县建成区基本消除黑臭水体")
    assert hits[0].clause.text == "2025年底前,市、县建成区基本消除黑臭水体。"
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert hits[0].bm25_rank is not None and hits[0].dense_rank is not None
    assert {"黑臭水体", "建成区", "消除"} <= set(hits[0].matched_terms)


def test_hit_dict_is_flat_and_carries_the_contract_fields(searcher):
    d = searcher.search("黑臭水体")[0].to_dict()
    assert set(HIT_KEYS) <= set(d)


@pytest.mark.parametrize("method", ["weighted", "rrf", "dense", "bm25", "chars"])
def test_every_fusion_method_answers(searcher, method):
    assert searcher.search("黑臭水体", fusion=Fusion(method=method))


def test_the_character_field_holds_single_characters_and_bigrams():
    assert char_ngrams("恶臭异味，VOCs、PM2.5") == ["恶", "臭", "异", "味", "恶臭", "臭异", "异味", "vocs", "pm2.5"]


def test_a_paraphrase_that_keeps_only_a_character_is_found_by_the_character_field(searcher):
    # 臭味 is in no clause, as a word or a bigram; 臭 is (黑臭水体, 返黑返臭).
    hits = searcher.search("臭味", top=3, fusion=Fusion(method="chars"))
    assert hits and all("臭" in h.clause.text for h in hits)


def test_filters(searcher):
    prov = searcher.search("黑臭水体", top=20, filters=Filters(doc_ids=("province",)))
    assert prov and all(h.clause.doc_id == "province_plan.txt" for h in prov)
    city = searcher.search("黑臭水体", top=20, filters=Filters(issuer="阜新市"))
    assert city and all(h.clause.doc_id == "city_plan.txt" for h in city)
    dated = searcher.search("黑臭水体", top=20, filters=Filters(has_deadline=True))
    assert dated and all(h.clause.deadlines for h in dated)
    early = searcher.search("黑臭水体", top=20, filters=Filters(date_to=dt.date(2022, 12, 31)))
    assert early and all(h.clause.doc_date <= "2022-12-31" for h in early)
    due = searcher.search("排污口", top=20, filters=Filters(due_from=dt.date(2023, 1, 1), due_to=dt.date(2023, 12, 31)))
    assert due and all(any(d.due.year == 2023 for d in h.clause.deadlines) for h in due)
    with pytest.raises(NotFound, match="no document 'nothing'"):  # an unknown document is named, not silently empty
        searcher.search("黑臭水体", filters=Filters(doc_ids=("nothing",)))


@pytest.mark.parametrize(
    "name",
    ["city", "阜新", "阜新市", "阜政办发〔2023〕8号", "阜新市“十四五”生态环境保护规划", "生态环境保护规划》阜新"],
)
def test_a_document_filter_takes_a_name(searcher, name):
    if name == "生态环境保护规划》阜新":  # a part of the title that fits two documents' titles: both searched
        hits = searcher.search("黑臭水体", top=20, filters=Filters(doc_ids=("生态环境保护规划",)))
        assert {h.clause.doc_id for h in hits} >= {"city_plan.txt", "province_plan.txt"}
        return
    hits = searcher.search("黑臭水体", top=10, filters=Filters(doc_ids=(name,)))
    assert hits and {h.clause.doc_id for h in hits} == {"city_plan.txt"}


def test_the_home_jurisdiction_comes_first_on_a_tie_and_is_reported(searcher):
    query = "涉危涉重企业和化工园区环境应急预案备案率"
    res = searcher.run(query, top=2)
    assert [h.clause.doc_id for h in res.hits] == ["city_plan.txt", "province_plan.txt"]
    assert res.scope.home == "阜新市" and res.scope.home_applied
    assert res.scope.chips() == ["本级优先：阜新市"]
    assert res.hits[0].score - res.hits[1].score == pytest.approx(Fusion().home_boost, abs=0.05)
    off = searcher.run(query, top=2, home="")
    assert not off.scope.home_applied and off.scope.chips() == []
    assert abs(off.hits[0].score - off.hits[1].score) < 0.05


def test_home_preference_changes_nothing_when_all_documents_are_one_level(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(DATA / "city_plan.txt", corpus)
    ingest([corpus], tmp_path / "ix", encoder_spec="fake")
    s = Searcher(folder.load(tmp_path / "ix"))
    ids = lambda home: [h.clause.clause_id for h in s.search("黑臭水体 排污口", top=10, home=home)]
    assert ids(None) == ids("")


@pytest.mark.parametrize(
    "query,doc_id,words",
    [
        ("省里对危险废物处置有什么期限", "province_plan.txt", ["省里"]),
        ("辽宁的黑臭水体什么时候消除", "province_plan.txt", ["辽宁"]),
        ("国家对危险废物处置有什么要求", "national_opinions.txt", ["国家"]),
        ("全国黑臭水体治理", "national_opinions.txt", ["全国"]),
        ("我国对危险废物处置有什么要求", "national_opinions.txt", ["我国"]),
        ("我市黑臭水体什么时候消除", "city_plan.txt", ["我市"]),
    ],
)
def test_a_scope_named_in_the_query_wins_over_home(searcher, query, doc_id, words):
    res = searcher.run(query, top=3)
    assert res.hits[0].clause.doc_id == doc_id
    assert list(res.scope.words) == words and not res.scope.home_applied
    assert res.to_dict()["scope"]["docs"] == [doc_id]


@pytest.mark.parametrize(
    "query", ["城市黑臭水体什么时候消除", "省界两侧项目环评会商", "节省能源", "国家级自然保护区", "借鉴国内外先进经验"]
)
def test_words_that_only_look_like_a_scope_do_not_steer(searcher, query):
    assert not searcher.run(query).scope.from_query


def test_level_filter(searcher):
    hits = searcher.search("黑臭水体", top=20, filters=Filters(levels=(0,)))
    assert hits and {h.clause.doc_id for h in hits} == {"national_opinions.txt"}


def test_the_same_document_in_two_formats_is_shown_once(tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(DATA, corpus)
    shutil.copy(corpus / "city_plan.txt", corpus / "city_plan_copy.txt")
    with open(corpus / "catalog.tsv", "a", encoding="utf-8") as f:
        f.write(
            "city_plan_copy.txt\t阜新市“十四五”生态环境保护规划\t阜新市人民政府办公室\t阜政办发〔2023〕8号\t2023-08-08\n"
        )
    ingest([corpus], tmp_path / "ix", encoder_spec="fake")
    hits = Searcher(folder.load(tmp_path / "ix")).search("市、县建成区基本消除黑臭水体", top=10)
    texts = [h.clause.text for h in hits]
    assert len(texts) == len(set(texts))


@pytest.mark.parametrize("query,message", [("", "empty query"), ("   ", "empty query"), ("水" * 201, "too long")])
def test_bad_queries(searcher, query, message):
    with pytest.raises(KBError, match=message):
        searcher.search(query)


def test_a_query_with_no_known_word_still_answers_from_vectors(searcher):
    assert searcher.search("zzzz qqqq")  # dense retrieval proposes candidates


def test_citation_is_exact(searcher):
    c = searcher.search("市、县建成区基本消除黑臭水体")[0].clause
    assert (
        citation(c) == "《阜新市“十四五”生态环境保护规划》（阜政办发〔2023〕8号）六、（一）5.："
        "“2025年底前，市、县建成区基本消除黑臭水体。”"
    )
    assert citation(c, raw=True).endswith("“2025年底前,市、县建成区基本消除黑臭水体。”")
    prov = searcher.search("涉危涉重企业 应急预案 备案率", filters=Filters(doc_ids=("province",)))[0].clause
    assert citation(prov).startswith(
        "《辽宁省“十四五”生态环境保护规划》第七章第五节：“2025年底前，涉危涉重企业"
    )  # no 文号: no brackets


@pytest.mark.model
def test_everyday_words_find_the_clause_with_the_real_model(e5_index):
    s = Searcher(folder.load(e5_index))
    assert s.index.encoder_info.backend == "e5"
    top3 = [h.clause.text for h in s.search("城里的臭水沟什么时候治理完", top=3)]
    assert "2025年底前,市、县建成区基本消除黑臭水体。" in top3
    first = s.search("城市黑臭水体什么时候消除")[0].clause
    assert first.text == "2025年底前,市、县建成区基本消除黑臭水体。"  # the city's own plan first
    top = s.search("企业的环境应急预案备案", top=3)
    assert any("备案率达到100%" in h.clause.text for h in top)


@pytest.mark.model
@pytest.mark.parametrize(
    "query", ["周末去哪里看足球比赛", "双十一买手机有什么优惠", "asdfqwer", "<script>alert(1)</script>"]
)
def test_off_topic_queries_are_not_relevant_with_the_real_model(e5_index, query):
    res = Searcher(folder.load(e5_index)).run(query)
    assert res.hits and not res.relevant


@pytest.mark.model
def test_an_everyday_question_is_relevant_with_the_real_model(e5_index):
    res = Searcher(folder.load(e5_index)).run("城里的臭水沟什么时候治理完")
    assert res.relevant and res.hits[0].relevant


@pytest.mark.slow
def test_a_text_and_its_pdf_are_one_hit_with_the_pdf_page(tmp_path):
    from ingest.pipeline import build_document  # noqa: F401  (the PDF comes from the real corpus)

    corpus = tmp_path / "c"
    (corpus / "pdf").mkdir(parents=True)
    shutil.copy(ROOT / "corpus" / "liaoning_14th_fyp_eco_env_plan.txt", corpus)
    shutil.copy(ROOT / "corpus" / "pdf" / "liaoning_14th_fyp_eco_env_plan.pdf", corpus / "pdf")
    shutil.copy(ROOT / "corpus" / "catalog.tsv", corpus)
    ingest([corpus], tmp_path / "ix", encoder_spec="fake")
    s = Searcher(folder.load(tmp_path / "ix"))
    hits = s.search("涉危涉重企业和化工园区环境应急预案备案率达到100%", top=5)
    assert hits[0].clause.doc_id == "liaoning_14th_fyp_eco_env_plan.txt" and hits[0].clause.page == 61
    assert len({h.clause.text for h in hits}) == len(hits)
    assert all(h.clause.doc_id.endswith(".txt") for h in hits)
    pdf_only = s.search("应急预案备案率", filters=Filters(doc_ids=("liaoning_14th_fyp_eco_env_plan.pdf",)))
    assert pdf_only and all(h.clause.doc_id.endswith(".pdf") for h in pdf_only)


@pytest.mark.cli
@pytest.mark.parametrize("seed", ["1", "2", "3"])
def test_matched_terms_are_the_same_in_every_process(seed):
    """A search's JSON is the same bytes from the CLI and the API (two processes, two string hash seeds)."""
    import subprocess
    import sys

    code = (
        "from kb.text import tokenizer_for; t = tokenizer_for(()); "
        "print(t.matched_terms(['城市', '消除', '建成', '黑臭水体'], '市、县建成区基本消除城市黑臭水体'))"
    )
    env = {**__import__("os").environ, "PYTHONHASHSEED": seed}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.strip() == "['黑臭水体', '建成', '消除', '城市']"


REVIEWED = "完成塔子沟河、三家子河2处黑臭水体治理"  # the city plan's review of the 十三五 period
REQUIRED = "2025年底前,市、县建成区基本消除黑臭水体"  # its task for the 十四五 period


def _rank(hits, words: str) -> int:
    return next((h.rank for h in hits if words in h.clause.text), 99)


@pytest.mark.model
@pytest.mark.parametrize(
    "query,first,second",
    [
        ("黑臭水体要在什么时候治理完", REQUIRED, REVIEWED),  # what must be done, by when: the commitment
        ("黑臭水体治理完成了多少处", REVIEWED, REQUIRED),  # what was achieved: the review
    ],
)
def test_a_question_ranks_the_role_it_asks_about_first(e5_index, query, first, second):
    from kb.store import open_store

    hits = Searcher(open_store(e5_index)).search(query, top=20)
    assert _rank(hits, first) < _rank(hits, second) <= 20
    by_text = {h.clause.text: h.clause.role for h in hits}
    assert by_text[next(t for t in by_text if REVIEWED in t)] == "review"


def test_a_role_filter_keeps_that_role(fake_index):
    from kb.store import open_store

    hits = Searcher(open_store(fake_index)).search("黑臭水体", top=10, filters=Filters(roles=("review",)))
    assert hits and {h.clause.role for h in hits} == {"review"}
