"""The store seam: the index folder and Milvus (milvus-lite) answer alike, write alike, survive alike."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys

import numpy as np
import pytest

from ingest.pipeline import ingest
from kb import store as stores
from kb.compare.align import Aligner
from kb.compare.crossref import crossref
from kb.search.searcher import Filters, Searcher
from kb.store import common, folder, milvus
from kb.tracking.timeline import deadline_rows

from .conftest import DATA, ROOT, run_cli

pytestmark = pytest.mark.milvus  # every test here runs milvus-lite beside the index folder
STORES = ("files", "milvus")
AS_OF = dt.date(2024, 6, 30)
# A small county document naming units, so the unit filter has something to find.
UNITS_DOC = """某县水污染防治实施方案

一、重点任务
（一）整治入河排污口
2024年底前，完成全县入河排污口排查整治，建立排污口名录。（县生态环境分局牵头，县水利局、各乡镇按职责分工负责）
（二）治理农村黑臭水体
2025年6月底前，基本消除较大面积农村黑臭水体。（县农业农村局牵头，县生态环境分局配合）
"""


def uri_for(tmp_path, kind: str) -> str:
    return f"milvus:{tmp_path / 'kb.db'}" if kind == "milvus" else ""


def build(tmp_path, kind: str, folder=DATA):
    ix, uri = tmp_path / f"ix-{kind}", uri_for(tmp_path, kind)
    ingest([folder], ix, encoder_spec="fake", store=uri)
    return ix, uri


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """tests/data and a county document in both stores (fake encoder; read-only)."""
    base = tmp_path_factory.mktemp("stores")
    corpus = base / "corpus"
    shutil.copytree(DATA, corpus)
    (corpus / "county_units.txt").write_text(UNITS_DOC, encoding="utf-8")
    out = {kind: build(base, kind, corpus) for kind in STORES}
    yield out
    milvus.close(out["milvus"][1][len(stores.MILVUS) :])


def opened(built, kind):
    return stores.open_store(*built[kind])


QUERIES = [
    ("城市黑臭水体什么时候消除", Filters()),
    ("省里对危险废物处置有什么期限", Filters()),
    ("大气污染防治", Filters(doc_ids=("city",))),
    ("排污口", Filters(issuer="辽宁")),
    ("治理", Filters(has_deadline=True)),
    ("黑臭水体", Filters(due_from=dt.date(2025, 1, 1), due_to=dt.date(2025, 12, 31))),
    ("排污口", Filters(unit="生态环境")),
    ("水体", Filters(unit="农业农村局")),
    ("规划目标", Filters(levels=(1,))),
    ("污染治理", Filters(in_force=True, as_of=AS_OF)),
    ("污染治理", Filters(date_from=dt.date(2022, 1, 1), date_to=dt.date(2022, 12, 31))),
    ("水", Filters(unit="没有这个单位")),
]


@pytest.mark.parametrize("query,filters", QUERIES)
def test_both_stores_return_the_same_hits(built, query, filters):
    hits = {k: Searcher(opened(built, k)).search(query, top=8, filters=filters) for k in STORES}
    assert [(h.clause.clause_id, h.clause.page) for h in hits["files"]] == [
        (h.clause.clause_id, h.clause.page) for h in hits["milvus"]
    ]
    # float32 BM25 in bm25s against float64 inner products: equal to float precision
    assert [h.score for h in hits["files"]] == pytest.approx([h.score for h in hits["milvus"]], abs=1e-5)
    for h in hits["milvus"]:  # and the filter holds
        c = h.clause
        assert not filters.unit or any(filters.unit in u for u in c.units)
        assert not filters.has_deadline or c.deadlines
        assert not filters.due_from or any(filters.due_from <= d.due <= filters.due_to for d in c.deadlines)
        assert not filters.issuer or filters.issuer in c.issuer
    if filters.unit == "没有这个单位":
        assert hits["milvus"] == []
    elif filters != Filters():
        assert hits["milvus"], "a filter this table uses should leave something to find"


def test_deadlines_and_alignment_on_milvus_read_only_what_they_need(built):
    m = opened(built, "milvus")
    assert deadline_rows(m, as_of=AS_OF) and crossref(m) and Aligner(m).align("city")
    assert m._clauses is None  # dated clauses by expression, documents by id: never the whole collection


def test_listings_deadlines_and_cross_document_features_agree(built):
    f, m = opened(built, "files"), opened(built, "milvus")
    assert f.docs == m.docs and f.units() == m.units() and f.generation == m.generation == 1
    assert [c.clause_id for c in f.clauses] == [c.clause_id for c in m.clauses]
    some = f.clauses[7]
    assert m.clause(some.clause_id) == some and m.has_clause(some.clause_id) and not m.has_clause("nope-0001")
    assert m.neighbours(some, 2, 2) == f.neighbours(some, 2, 2)
    assert np.allclose(m.vectors_of(f.clauses[:20]), f.vectors_of(f.clauses[:20]), atol=1e-6)
    rows = lambda s, **kw: [r.to_dict() for r in deadline_rows(s, as_of=AS_OF, **kw)]
    assert rows(f) == rows(m) and rows(f, unit="生态环境分局") == rows(m, unit="生态环境分局") != []
    assert [p.to_dict() for p in crossref(f)] == [p.to_dict() for p in crossref(m)] != []
    aligned = lambda s: [r.to_dict() for r in Aligner(s).align("city")]
    assert aligned(f) == aligned(m) != []


@pytest.mark.parametrize("kind", STORES)
def test_incremental_ingest_replace_and_remove(tmp_path, corpus_copy, kind):
    ix, uri = tmp_path / "ix", uri_for(tmp_path, kind)
    first = ingest([corpus_copy], ix, encoder_spec="fake", store=uri)
    again = ingest([corpus_copy], ix, store=uri)
    assert first.written and not again.written and len(again.unchanged) == 3  # an unchanged file costs nothing
    assert stores.generation(ix, uri) == 1
    city = corpus_copy / "city_plan.txt"
    city.write_text(city.read_text(encoding="utf-8").replace("黑臭水体", "黑臭河道"), encoding="utf-8")
    updated = ingest([corpus_copy], ix, store=uri)
    s = stores.open_store(ix, uri)
    assert [os.path.basename(p) for p in updated.updated] == ["city_plan.txt"] and s.generation == 2
    city_text = [c.text for c in s.clauses_of("city_plan.txt")]
    assert any("黑臭河道" in t for t in city_text) and not any("黑臭水体" in t for t in city_text)  # wholly new
    assert len(s.clauses) == sum(d.n_clauses for d in s.docs.values()) == first.clauses
    hit = Searcher(s).search("黑臭河道", top=1, filters=Filters(doc_ids=("city",)))[0]
    assert "黑臭河道" in hit.clause.text
    ingest([], ix, remove=["national_opinions.txt"], store=uri)
    s = stores.open_store(ix, uri)
    assert "national_opinions.txt" not in s.docs and all(c.doc_id != "national_opinions.txt" for c in s.clauses)
    assert all(h.clause.doc_id != "national_opinions.txt" for h in Searcher(s).search("污染防治攻坚战", top=10))


def test_a_document_is_never_half_old_half_new(tmp_path, corpus_copy):
    """A reader holding the previous manifest keeps answering from the previous rows after a write."""
    ix, uri = tmp_path / "ix", uri_for(tmp_path, "milvus")
    ingest([corpus_copy], ix, encoder_spec="fake", store=uri)
    reader = stores.open_store(ix, uri)
    before = [h.clause.text for h in Searcher(reader).search("黑臭水体", top=5)]
    city = corpus_copy / "city_plan.txt"
    city.write_text(city.read_text(encoding="utf-8").replace("黑臭水体", "黑臭河道"), encoding="utf-8")
    ingest([corpus_copy], ix, store=uri)
    assert [h.clause.text for h in Searcher(reader).search("黑臭水体", top=5)] == before
    fresh = [h.clause.text for h in Searcher(stores.open_store(ix, uri)).search("黑臭河道", top=5)]
    assert any("黑臭河道" in t for t in fresh)


def _answers(ix, uri) -> list[str]:
    return [h.clause.clause_id for h in Searcher(stores.open_store(ix, uri)).search("黑臭水体 排污口", top=5)]


@pytest.mark.parametrize("step", ["encode", "clauses", "manifest", "committed"])
def test_sigkill_during_a_milvus_write_leaves_the_previous_state(tmp_path, corpus_copy, step):
    ix, uri = tmp_path / "ix", uri_for(tmp_path, "milvus")
    ingest([corpus_copy], ix, encoder_spec="fake", store=uri)
    before, gen = _answers(ix, uri), stores.generation(ix, uri)
    milvus.close(uri[len(stores.MILVUS) :])  # milvus-lite: one process at a time
    city = corpus_copy / "city_plan.txt"
    city.write_text(city.read_text(encoding="utf-8").replace("黑臭水体", "黑臭水体（已修订）"), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), common.CRASH_ENV: step}
    r = subprocess.run(
        [sys.executable, "-m", "ingest", str(corpus_copy), "--index", str(ix), "--store", uri, "--quiet"],
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert r.returncode == -signal.SIGKILL, r.stderr.decode()[-800:]
    s = stores.open_store(ix, uri)
    if step == "committed":
        assert s.generation == gen + 1 and any("已修订" in c.text for c in s.clauses_of("city_plan.txt"))
    else:
        assert s.generation == gen and _answers(ix, uri) == before
        assert not any("已修订" in c.text for c in s.clauses)
    ingest([corpus_copy], ix, store=uri)  # the next write finishes the job and clears what was left
    s = stores.open_store(ix, uri)
    assert any("已修订" in c.text for c in s.clauses_of("city_plan.txt"))
    assert s.manifest["stats_generation"] == s.generation
    files_ix = tmp_path / "files"
    ingest([corpus_copy], files_ix, encoder_spec="fake")
    assert _answers(ix, uri) == _answers(files_ix, "")  # statistics repaired: the same ranking as a clean build


def test_cli_on_milvus_puts_the_same_clause_first(tmp_path, fake_index):
    uri = uri_for(tmp_path, "milvus")
    r = run_cli("ingest", str(DATA), "--index", str(tmp_path / "ix"), "--store", uri, "--encoder", "fake", "--quiet")
    assert r.returncode == 0, r.stderr
    query = "城市黑臭水体什么时候消除"
    r = run_cli("kb", "search", query, "--index", str(tmp_path / "ix"), "--store", uri, "--json")
    assert r.returncode == 0, r.stderr
    import json

    hits = json.loads(r.stdout)["hits"]
    expected = Searcher(folder.load(fake_index)).search(query, top=5)
    assert [h["clause_id"] for h in hits] == [h.clause.clause_id for h in expected]
    r = run_cli("kb", "cite", hits[0]["clause_id"], "--store", uri, env={"KB_STORE": "files"})
    assert r.returncode == 0 and hits[0]["title"] in r.stdout
    r = run_cli("kb", "deadlines", "--json", "--as-of", "2024-01-01", env={stores.STORE_ENV: uri})
    assert r.returncode == 0 and json.loads(r.stdout)


@pytest.mark.parametrize(
    "uri,message",
    [
        ("redis:x", "unknown store"),
        ("milvus:", "unknown store"),
        ("milvus:./kb.sqlite", "ending in .db"),
    ],
)
def test_a_wrong_store_is_one_line_naming_the_fix(tmp_path, uri, message):
    r = run_cli("kb", "search", "水", "--store", uri, "--index", str(tmp_path / "none"))
    assert r.returncode == 1 and r.stderr.startswith("Error: ") and message in r.stderr
    assert "Traceback" not in r.stderr


def test_an_empty_milvus_store_names_the_command_that_builds_it(tmp_path):
    r = run_cli("kb", "search", "水", "--store", uri_for(tmp_path, "milvus"))
    assert r.returncode == 1 and "python -m ingest corpus --store milvus:" in r.stderr


def test_the_index_folder_records_the_store_its_clauses_went_to(tmp_path, monkeypatch):
    monkeypatch.delenv(stores.STORE_ENV, raising=False)
    ix, uri = tmp_path / "ix", uri_for(tmp_path, "milvus")
    ingest([DATA], ix, encoder_spec="fake", store=uri)
    assert stores.store_uri(None, ix) == uri and stores.open_store(ix).kind == "milvus"  # no --store needed again
    monkeypatch.setenv(stores.STORE_ENV, "files")
    assert stores.store_uri(None, ix) == ""  # KB_STORE wins over the record, --store over both
    assert stores.store_uri(uri, ix) == uri
    monkeypatch.delenv(stores.STORE_ENV)
    ingest([DATA], ix, store="files")  # an ingest into the folder itself drops the record
    assert stores.store_uri(None, ix) == "" and stores.open_store(ix).kind == "files"
    milvus.close(uri[len(stores.MILVUS) :])
