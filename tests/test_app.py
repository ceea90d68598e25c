"""The Streamlit app, driven page by page with AppTest against a small fixture index."""

import io
import os
import re
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from kb.compare.align import STATUS_HELP, STATUS_NAMES
from kb.reports.cite import citation
from kb.reports.memo import memo_docx, memo_markdown
from kb.store import folder

from .conftest import ROOT

APP = str(ROOT / "app.py")
CITY_CLAUSE = "2025年底前,市、县建成区基本消除黑臭水体。"


@pytest.fixture
def app_index(tmp_path, fake_index):
    """A private copy of the fixture index: some tests add and remove documents."""
    dst = tmp_path / "index"
    shutil.copytree(fake_index, dst)
    return dst


def start(index_dir) -> AppTest:
    os.environ["KB_INDEX"] = str(index_dir)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def go(at: AppTest, page: str) -> AppTest:
    label = next(o for o in at.sidebar.radio(key="page").options if page in o)
    at.sidebar.radio(key="page").set_value(label).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_search_shows_the_clause_first_with_highlight_badge_and_citation(app_index):
    at = start(app_index)
    at.text_input(key="query").input("市、县建成区基本消除黑臭水体").run()
    clauses = [m.value for m in at.markdown if "class='clause'" in m.value]
    assert re.search("<mark>[^<]*建成区[^<]*黑臭水体</mark>", clauses[0])
    assert any("完成时限 2025-12-31" in m.value for m in at.markdown)
    expected = citation(next(c for c in folder.load(app_index).clauses if c.text == CITY_CLAUSE))
    assert at.code[0].value == expected  # the copy-button block holds exactly the CLI's citation


def test_filters_restrict_results(app_index):
    at = start(app_index)
    at.multiselect(key="f_docs").set_value(["province_plan.txt"]).run()
    at.text_input(key="query").input("黑臭水体").run()
    assert at.code and all(c.value.startswith("《辽宁省") for c in at.code)


def test_basket_collects_reorders_and_exports(app_index):
    at = start(app_index)
    at.text_input(key="query").input("黑臭水体").run()
    adds = [b.key for b in at.button if b.key and b.key.startswith("add-")][:2]
    for key in adds:
        at.button(key=key).click().run()
    ids = [k[len("add-") :] for k in adds]
    assert at.session_state["basket"] == ids
    at.button(key=f"down-{ids[0]}").click().run()
    assert at.session_state["basket"] == ids[::-1]
    at.button(key=f"rm-{ids[0]}").click().run()
    assert at.session_state["basket"] == [ids[1]]
    # what the download buttons serve: built from the basket by kb.memo
    ix = folder.load(app_index)
    clauses = [ix.clause(i) for i in ids]
    import docx

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(memo_docx(clauses))).paragraphs)
    for c in clauses:
        assert citation(c) in text
    assert citation(clauses[0]) in memo_markdown(clauses)


def test_deadlines_page_filters_and_cross_references(app_index):
    at = go(start(app_index), "期限")
    table = at.dataframe[0].value
    assert len(table) > 3 and list(table["期限"]) == sorted(table["期限"])
    assert set(table["状态"]) <= {"已逾期", "已到期", "即将到期", "未到期", "已开始执行"}
    pairs = at.dataframe[1].value
    assert any(
        "环境应急预案备案率" in a and "环境应急预案备案率" in b for a, b in zip(pairs["上级条款"], pairs["下级条款"])
    )
    assert all("（省）" in a or "（国家）" in a for a in pairs["上级文件"])  # the higher level first
    at.multiselect(key="d_titles").set_value(["辽宁·十四五生态环境保护规划"]).run()
    filtered = at.dataframe[0].value
    assert 0 < len(filtered) < len(table) and set(filtered["文件"]) == {"辽宁省“十四五”生态环境保护规划"}
    narrowed = at.dataframe[1].value  # the cross-references follow the page's filters
    assert all("辽宁" in a or "辽宁" in b for a, b in zip(narrowed["上级文件"], narrowed["下级文件"]))


def test_deadline_status_counts_from_the_reference_date(app_index):
    import datetime as dt

    at = go(start(app_index), "期限")
    at.date_input(key="d_as_of").set_value(dt.date(2022, 1, 1)).run()
    early = at.dataframe[0].value
    assert "未到期" in set(early["状态"]) and "已逾期" not in set(early["状态"])
    at.date_input(key="d_as_of").set_value(dt.date(2026, 11, 29)).run()
    at.multiselect(key="d_status").set_value(["overdue"]).run()
    assert set(at.dataframe[0].value["状态"]) == {"已逾期"}


def test_align_page_counts_colours_opens_both_clauses(app_index):
    at = go(start(app_index), "对标")
    assert at.selectbox(key="a_lower").value == "city_plan.txt"  # the most local document
    assert at.multiselect(key="a_uppers").value == ["province_plan.txt"]  # the nearest higher level
    at.multiselect(key="a_uppers").set_value(["province_plan.txt", "national_opinions.txt"]).run()
    metrics = {m.label: int(m.value) for m in at.metric}
    assert set(metrics) == {STATUS_NAMES[s] for s in STATUS_NAMES} and sum(metrics.values()) > 0
    assert all(any(STATUS_HELP[s] in m.value for m in at.markdown) for s in STATUS_HELP)  # the legend
    table = at.dataframe[0].value
    assert len(table) == sum(metrics.values())
    assert list(table.columns[1:4]) == ["状态", "上级任务", "本级条款"]  # the status, then both texts
    found = [t for t in table["本级条款"] if not t.startswith("（")]
    assert found and not any(t.startswith("《") for t in found)  # the clause's text, not its title
    row = next(i for i, t in enumerate(table["上级任务"], 1) if "环境应急预案备案率" in t)
    at.selectbox(key="a_pick").set_value(row).run()
    assert "环境应急预案备案率" in at.code[0].value and "环境应急预案备案率" in at.code[1].value
    assert at.code[0].value.startswith("《辽宁省") and at.code[1].value.startswith("《阜新市")
    at.multiselect(key="a_status").set_value(["missing"]).run()
    assert set(at.dataframe[0].value["状态"]) == {"未找到对应条款"}
    go(go(at, "期限"), "对标")  # away and back: the choices are as left
    assert at.multiselect(key="a_status").value == ["missing"]
    assert set(at.multiselect(key="a_uppers").value) == {"province_plan.txt", "national_opinions.txt"}


def test_an_admin_marks_a_row_not_applicable_with_a_note(app_index):
    at = go(start(app_index), "对标")
    first = at.dataframe[0].value["上级任务"][0]
    next(r for r in at.radio if r.key.startswith("a_mark_choice")).set_value("not_applicable")
    next(t for t in at.text_area if t.key.startswith("a_mark_note")).input("本市无此类设施")
    next(b for b in at.button if b.label == "保存复核").click().run()
    again = go(start(app_index), "对标")  # a new session reads the mark from state.db
    table = again.dataframe[0].value
    hit = table[table["上级任务"] == first].iloc[0]
    assert (hit["状态"], hit["备注"]) == ("不适用", "本市无此类设施")
    assert "align_mark" in (app_index / "audit.jsonl").read_text(encoding="utf-8")


def test_search_filters_are_kept_across_pages(app_index):
    at = start(app_index)
    at.session_state["f_scope"] = "省"  # the 范围 buttons
    at.text_input(key="query").input("危险废物").run()
    go(go(at, "期限"), "条款")
    assert at.text_input(key="query").value == "危险废物" and at.session_state["f_scope"] == "省"
    assert at.query_params["q"] == "危险废物" and at.query_params["scope"] == "省"


def test_documents_page_lists_and_a_bad_upload_changes_nothing(app_index):
    at = go(start(app_index), "文件")
    assert set(at.dataframe[0].value["文件名"]) == {"city_plan.txt", "province_plan.txt", "national_opinions.txt"}
    before = folder.read_manifest(app_index)
    at.file_uploader(key="uploads-0").set_value(
        [
            ("../../evil.pdf", b"PK\x03\x04 a word file", "application/pdf"),
            ("empty.txt", b"", "text/plain"),
        ]
    ).run()
    at.button(key="do-upload").click().run()
    errors = [e.value for e in at.error]
    assert "跳过 evil.pdf：不是 PDF 文件（实为改了扩展名的 Word/zip 文件）" in errors
    assert "跳过 empty.txt：空文件" in errors
    assert folder.read_manifest(app_index) == before
    assert not (app_index.parent / "evil.pdf").exists() and not list((app_index / "sources").glob("*.pdf"))


def test_upload_and_remove_a_document(app_index):
    text = "某县生态环境保护方案\n一、总体要求\n到2026年，全县建成区消除黑臭水体。\n"
    at = go(start(app_index), "文件")
    at.file_uploader(key="uploads-0").set_value(("county.txt", text.encode("gb18030"), "text/plain")).run()
    at.button(key="do-upload").click().run()
    assert not at.error and "已导入 1 份文件" in at.success[0].value
    assert not at.file_uploader(key="uploads-1").value  # the uploader is empty again: no second import
    prompt = next(w.value for w in at.warning if "没有读到" in w.value)  # asked at once for what the text lacks
    assert "发文机关" in prompt and "成文日期" in prompt
    at.text_input[1].input("某县人民政府")
    at.text_input[3].input("2023-05-01")
    next(b for b in at.button if b.label == "保存并继续").click().run()
    doc = folder.load(app_index).docs["county.txt"]
    assert (doc.issuer, doc.date) == ("某县人民政府", "2023-05-01")
    at = go(start(app_index), "文件")  # a fresh session sees the new document
    assert "county.txt" in set(at.dataframe[0].value["文件名"])
    at.selectbox(key="rm_doc").set_value("county.txt").run()
    at.button(key="do-remove").click().run()
    assert "county.txt" not in folder.load(app_index).docs


def test_document_text_is_rendered_escaped(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "x.txt").write_text(
        "某市规划\n一、总则\n加强<script>alert('x')</script>黑臭水体治理*重点*。\n", encoding="utf-8"
    )
    from ingest.pipeline import ingest

    ingest([corpus], tmp_path / "ix", encoder_spec="fake")
    at = start(tmp_path / "ix")
    at.text_input(key="query").input("黑臭水体治理").run()
    html = next(m.value for m in at.markdown if "class='clause'" in m.value)
    assert "<script>" not in html and "&#60;script&#62;" in html and "&#42;重点&#42;" in html


def test_missing_index_shows_the_command_that_builds_it(tmp_path):
    os.environ["KB_INDEX"] = str(tmp_path / "none")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert "python -m ingest" in at.error[0].value


FORMATS = ROOT.parent / "shared" / "formats"


@pytest.mark.ocr
@pytest.mark.skipif(not FORMATS.exists(), reason="../shared/formats is not beside the project")
def test_upload_of_office_formats_with_progress(app_index):
    names = ["gov_reply_notice.ofd", "word97_notice.doc", "wps_authored.wps", "scanned_notice_p1.jpg"]
    at = go(start(app_index), "文件")
    at.file_uploader(key="uploads-0").set_value(
        [(n, (FORMATS / n).read_bytes(), "application/octet-stream") for n in names]
    ).run()
    at.button(key="do-upload").click().run()
    assert not at.error, [e.value for e in at.error]
    assert "已导入 4 份文件" in at.success[0].value
    assert set(names) <= set(folder.load(app_index).docs)


def test_page_preview_for_a_pdf_hit(tmp_path):
    from ingest.pipeline import ingest

    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "pdf" / "cpc_sc_opinions_deepen_pollution_prevention_2021.pdf", corpus)
    ingest([corpus], tmp_path / "ix", encoder_spec="fake")
    at = start(tmp_path / "ix")
    at.text_input(key="query").input("县级城市建成区基本消除黑臭水体").run()
    toggle = next(t for t in at.toggle if t.key and t.key.startswith("page-"))
    assert toggle.label.startswith("查看原文第")
    toggle.set_value(True).run()
    assert not at.exception and at.get("image")  # the page image is shown


@pytest.mark.milvus
def test_the_app_serves_search_deadlines_and_documents_from_milvus(tmp_path, monkeypatch, fake_index):
    from ingest.pipeline import ingest
    from kb import store as stores
    from kb.store import milvus

    from .conftest import DATA

    uri = f"milvus:{tmp_path / 'kb.db'}"
    ingest([DATA], tmp_path / "index", encoder_spec="fake", store="files")  # the folder holds an index of its own…
    ingest([DATA], tmp_path / "other", encoder_spec="fake", store=uri)
    monkeypatch.setenv(stores.STORE_ENV, "")  # restored after the test (the app sets it from --store)
    monkeypatch.setattr("sys.argv", ["app.py", "--index", str(tmp_path / "index"), "--store", uri])  # …--store wins
    try:
        at = start(tmp_path / "index")
        at.text_input(key="query").input("市、县建成区基本消除黑臭水体").run()
        expected = citation(next(c for c in folder.load(fake_index).clauses if c.text == CITY_CLAUSE))
        assert at.code[0].value == expected  # the same clause and citation as from the index folder
        table = go(at, "期限").dataframe[0].value
        assert len(table) > 3 and list(table["期限"]) == sorted(table["期限"])
        at = go(at, "文件")
        assert set(at.dataframe[0].value["文件名"]) == {"city_plan.txt", "province_plan.txt", "national_opinions.txt"}
        text = "某县生态环境保护方案\n一、总体要求\n到2026年，全县建成区消除黑臭水体。\n"
        at.file_uploader(key="uploads-0").set_value(("county.txt", text.encode("utf-8"), "text/plain")).run()
        at.button(key="do-upload").click().run()
        assert not at.error and "county.txt" in stores.open_store(tmp_path / "index", uri).docs  # written to Milvus
        assert "county.txt" not in folder.load(tmp_path / "index").docs  # not to the index folder
    finally:
        milvus.close(uri[len(stores.MILVUS) :])


def test_a_link_brings_the_align_choices(app_index):
    os.environ["KB_INDEX"] = str(app_index)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(
        {"page": "对标对表", "uppers": "province_plan.txt,national_opinions.txt", "astatus": "missing"}
    )
    at.run()
    assert set(at.multiselect(key="a_uppers").value) == {"province_plan.txt", "national_opinions.txt"}
    assert at.multiselect(key="a_status").value == ["missing"]


def test_a_page_of_hits_reads_the_ledger_once_not_once_a_hit(app_index, monkeypatch):
    """The deadline badges' 台账 facts are read once for the page, however many hits it shows."""
    from kb.tracking.ledger import Ledger

    reads = []
    real = Ledger._records
    monkeypatch.setattr(Ledger, "_records", lambda self: reads.append(1) or real(self))
    counts = {}
    for top in (3, 12):
        at = start(app_index)
        at.slider(key="top").set_value(top).run()
        reads.clear()
        at.text_input(key="query").input("黑臭水体").run()
        assert not at.exception
        assert sum("class='clause'" in m.value for m in at.markdown) >= min(top, 6)
        counts[top] = len(reads)
    assert counts[3] == counts[12] <= 2, counts
