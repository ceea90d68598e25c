"""Ingest into the index: metadata, clauses, incremental updates, removal, manifest checks."""

import json
import shutil

import pytest

from ingest.pipeline import ingest
from kb.encoders import EncoderInfo
from kb.errors import KBError
from kb.store import folder

from .conftest import DATA


def test_index_is_plain_files_with_a_manifest(fake_index):
    manifest = json.loads((fake_index / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["schema"] == folder.SCHEMA_VERSION
    assert manifest["encoder"] == {"backend": "fake", "name": "hash-ngrams-64", "dim": 64}
    assert manifest["counts"]["documents"] == 3
    assert set(manifest["packages"]) >= {"faiss-cpu", "bm25s", "jieba"}
    files = manifest["files"]
    lines = (fake_index / files["clauses"]).read_text(encoding="utf-8").splitlines()
    assert len(lines) == manifest["counts"]["clauses"]
    assert (fake_index / files["vectors"]).exists() and (fake_index / files["bm25"]).is_dir()


def test_clauses_carry_metadata_path_and_deadlines(fake_index):
    ix = folder.load(fake_index)
    c = next(c for c in ix.clauses if c.text == "2025年底前,市、县建成区基本消除黑臭水体。")
    assert c.title == "阜新市“十四五”生态环境保护规划" and c.doc_number == "阜政办发〔2023〕8号"
    assert c.section == "六、（一）5." and c.section_titles[-1] == "基本消除黑臭水体"
    assert c.doc_date == "2023-08-08" and c.page is None
    assert [(d.due.isoformat(), d.kind) for d in c.deadlines] == [("2025-12-31", "by")]
    text = (DATA / "city_plan.txt").read_text(encoding="utf-8")
    assert text[c.char_start : c.char_end] == c.text
    assert c.clause_id.startswith(ix.docs["city_plan.txt"].sha256[:10])


def test_the_scope_of_a_sentence_head_reaches_clauses_after_semicolon(fake_index):
    ix = folder.load(fake_index)
    c = next(c for c in ix.clauses if c.text.startswith("地级及以上城市建成区道路机械化清扫率"))
    assert [(d.due.isoformat(), d.inherited) for d in c.deadlines] == [("2025-12-31", True)]


def test_achievements_section_has_no_deadlines(fake_index):
    ix = folder.load(fake_index)
    past = [c for c in ix.clauses if c.section.startswith("一、")]
    assert past and not any(c.deadlines for c in past)


def test_furniture_and_headings_are_not_clauses(fake_index):
    texts = [c.text for c in folder.load(fake_index).clauses]
    assert not any("浏览量" in t or "打印" in t or ".jpg" in t for t in texts)
    assert "强化饮用水安全保障。" not in texts
    assert "(1)强化饮用水安全保障。在用县级以上水源地保护区划定、勘界、立标全部完成。" in texts  # title as printed


def test_clause_ids_are_stable_across_rebuilds(tmp_path, fake_index):
    ingest([DATA], tmp_path / "ix", encoder_spec="fake")
    a = [c.clause_id for c in folder.load(fake_index).clauses]
    b = [c.clause_id for c in folder.load(tmp_path / "ix").clauses]
    assert sorted(a) == sorted(b)


def test_incremental_ingest(tmp_path, corpus_copy):
    ix = tmp_path / "ix"
    first = ingest([corpus_copy], ix, encoder_spec="fake")
    assert len(first.added) == 3 and first.written
    gen = folder.read_manifest(ix)["generation"]

    again = ingest([corpus_copy], ix)  # the encoder comes from the index
    assert len(again.unchanged) == 3 and not again.written
    assert folder.read_manifest(ix)["generation"] == gen  # nothing rewritten

    city = corpus_copy / "city_plan.txt"
    city.write_text(
        city.read_text(encoding="utf-8").replace("基本消除黑臭水体。", "全面消除黑臭水体。"), encoding="utf-8"
    )
    changed = ingest([corpus_copy], ix)
    assert changed.updated == [str(city)] and len(changed.unchanged) == 2
    loaded = folder.load(ix)
    assert any("全面消除黑臭水体" in c.text for c in loaded.clauses)
    assert not any(c.text == "2025年底前,市、县建成区基本消除黑臭水体。" for c in loaded.clauses)
    assert loaded.faiss_index.ntotal == len(loaded.clauses)

    removed = ingest([], ix, remove=["province_plan.txt"])
    assert removed.removed == ["province_plan.txt"]
    assert set(folder.load(ix).docs) == {"city_plan.txt", "national_opinions.txt"}


def test_unchanged_vectors_are_kept_not_recomputed(tmp_path, corpus_copy):
    ix = tmp_path / "ix"
    ingest([corpus_copy], ix, encoder_spec="fake")
    before = folder.load(ix)
    province = {c.clause_id: i for i, c in enumerate(before.clauses) if c.doc_id == "province_plan.txt"}
    (corpus_copy / "city_plan.txt").write_text("某市规划\n一、总体要求\n到2025年，完成任务。\n", encoding="utf-8")
    ingest([corpus_copy], ix)
    after = folder.load(ix)
    pos = {c.clause_id: i for i, c in enumerate(after.clauses)}
    for cid, i in province.items():
        assert (before.vectors()[i] == after.vectors()[pos[cid]]).all()


def test_prune_drops_documents_whose_file_is_gone(tmp_path, corpus_copy):
    ix = tmp_path / "ix"
    ingest([corpus_copy], ix, encoder_spec="fake")
    (corpus_copy / "province_plan.txt").unlink()
    report = ingest([corpus_copy], ix, prune=True)
    assert report.removed == ["province_plan.txt"]


def test_only_the_previous_generation_is_kept(tmp_path, corpus_copy):
    ix = tmp_path / "ix"
    for i in range(4):
        (corpus_copy / "city_plan.txt").write_text(
            f"某市规划\n一、总体要求\n到202{i + 5}年，完成任务。\n", encoding="utf-8"
        )
        ingest([corpus_copy], ix, encoder_spec="fake")
    gens = {folder._generation_of(p.name) for p in ix.iterdir()} - {None}
    assert gens == {3, 4}


def test_encoder_mismatch_is_refused_with_the_rebuild_command(tmp_path, corpus_copy):
    ix = tmp_path / "ix"
    ingest([corpus_copy], ix, encoder_spec="fake")
    with pytest.raises(KBError, match="--rebuild"):
        ingest([corpus_copy], ix, encoder_spec="fake:32")
    with pytest.raises(KBError, match="built with encoder fake"):
        folder.load(ix, encoder=EncoderInfo("e5", "multilingual-e5-small", 384))
    ingest([corpus_copy], ix, encoder_spec="fake:32", rebuild=True)
    assert folder.load(ix).encoder_info.dim == 32


@pytest.mark.parametrize(
    "damage,message",
    [
        (lambda ix: (ix / "manifest.json").unlink(), "no index"),
        (lambda ix: (ix / "manifest.json").write_text('{"schema": 1, "gen', encoding="utf-8"), "damaged"),
        (lambda ix: _edit_manifest(ix, schema=99), "schema 99"),
        (lambda ix: _edit_manifest(ix, counts={"documents": 2, "clauses": 3}), "incomplete"),
        (lambda ix: _truncate_clauses(ix), "incomplete"),
        (lambda ix: shutil.rmtree(ix / folder.read_manifest(ix)["files"]["bm25"]), "damaged"),
    ],
)
def test_a_bad_index_gives_an_error_naming_the_fix(tmp_path, corpus_copy, damage, message):
    ix = tmp_path / "ix"
    ingest([corpus_copy], ix, encoder_spec="fake")
    damage(ix)
    with pytest.raises(KBError, match=message) as err:
        folder.load(ix)
    assert "python -m ingest" in str(err.value)


def _edit_manifest(ix, **changes):
    m = json.loads((ix / "manifest.json").read_text(encoding="utf-8"))
    m.update(changes)
    (ix / "manifest.json").write_text(json.dumps(m), encoding="utf-8")


def _truncate_clauses(ix):
    path = ix / folder.read_manifest(ix)["files"]["clauses"]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
