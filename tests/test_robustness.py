"""Bad input, crashes and concurrent use lose nothing (the matrix of issue 5)."""

import io
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from ingest.pipeline import ingest
from ingest.read import read_pdf
from kb.errors import KBError, ReadError
from kb.search.live import LiveIndex
from kb.store import common, folder

from .conftest import CORPUS, DATA, ROOT

CITY = (DATA / "city_plan.txt").read_text(encoding="utf-8")
CPC_PDF = CORPUS / "pdf" / "cpc_sc_opinions_deepen_pollution_prevention_2021.pdf"


def _pdf(build) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    build(writer, PdfReader(CPC_PDF))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def encrypted_pdf() -> bytes:
    def build(w, r):
        w.add_page(r.pages[0])
        w.encrypt(user_password="secret", owner_password="owner")

    return _pdf(build)


def blank_pdf() -> bytes:
    return _pdf(lambda w, r: w.add_blank_page(595, 842))


def docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("某市规划")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# name, bytes (a callable, so the table stays cheap to collect), expected: "ok" or a reason fragment
MATRIX = [
    ("empty.txt", lambda: b"", "empty file"),
    ("garbage.txt", lambda: os.urandom(4096) + bytes(range(32)) * 64, "unreadable encoding"),
    ("gb18030.txt", lambda: CITY.encode("gb18030"), "ok"),
    ("bom.txt", lambda: CITY.encode("utf-8-sig"), "ok"),
    ("corrupt.pdf", lambda: CPC_PDF.read_bytes()[:2000], "corrupt PDF"),
    ("encrypted.pdf", encrypted_pdf, "encrypted PDF"),
    ("scanned.pdf", blank_pdf, "no text found: a blank page"),
    ("word.pdf", docx_bytes, "not a PDF"),
    ("huge.txt", lambda: (CITY.encode("utf-8") * 2000)[: 10 * 1024 * 1024], "too large (10.0 MB > 5 MB limit)"),
    ("notes.doc", lambda: b"\xd0\xcf\x11\xe0 old word", "unreadable Word/WPS file"),
    ("notes.xls", lambda: b"\xd0\xcf\x11\xe0 a sheet", "unsupported file type"),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,make,expected", MATRIX, ids=[m[0] for m in MATRIX])
def test_each_bad_file_is_skipped_with_its_reason_and_the_batch_goes_on(tmp_path, name, make, expected):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_bytes(make())
    (folder / "good.txt").write_text("某市规划\n一、总体要求\n到2025年，基本消除黑臭水体。\n", encoding="utf-8")
    report = ingest([folder], tmp_path / "ix", encoder_spec="fake")
    added = {os.path.basename(p) for p in report.added}
    if expected == "ok":
        assert added == {name, "good.txt"} and not report.skipped
    else:
        assert added == {"good.txt"}
        assert [(os.path.basename(p), r) for p, r in report.skipped if expected in r] and len(report.skipped) == 1


def test_page_limit():
    with pytest.raises(ReadError, match="too many pages"):
        read_pdf(CPC_PDF.read_bytes(), max_pages=3)


def test_same_file_twice_in_one_batch_and_again(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "plan.txt").write_text(CITY, encoding="utf-8")
    (b / "plan.txt").write_text(CITY, encoding="utf-8")
    report = ingest([a, b], tmp_path / "ix", encoder_spec="fake")
    assert len(report.added) == 1 and "same file name" in report.skipped[0][1]
    again = ingest([a], tmp_path / "ix")
    assert len(again.unchanged) == 1 and not again.written


def test_upload_name_with_dotdot_stays_inside_sources(tmp_path, fake_index):
    import shutil

    from ingest.uploads import add_uploads

    ix = tmp_path / "index"
    shutil.copytree(fake_index, ix)
    report, refused = add_uploads(ix, [("../../../outside.txt", CITY.encode("utf-8"))])
    assert not refused and [os.path.basename(p) for p in report.added] == ["outside.txt"]
    assert (ix / "sources" / "outside.txt").exists() and not (tmp_path / "outside.txt").exists()


def _ingest_cmd(folder, ix, *extra):
    return [sys.executable, "-m", "ingest", str(folder), "--index", str(ix), "--quiet", *extra]


def _answers(ix) -> list[str]:
    from kb.search.searcher import Searcher

    return [h.clause.clause_id for h in Searcher(folder.load(ix)).search("黑臭水体 排污口", top=5)]


@pytest.mark.slow
@pytest.mark.parametrize("step", ["encode", "clauses", "vectors", "manifest", "replace", "committed"])
def test_sigkill_during_ingest_leaves_a_whole_index(tmp_path, corpus_copy, step):
    ix = tmp_path / "ix"
    ingest([corpus_copy], ix, encoder_spec="fake")
    before, gen = _answers(ix), folder.read_manifest(ix)["generation"]
    (corpus_copy / "city_plan.txt").write_text(CITY.replace("黑臭水体", "黑臭水体（已修订）"), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), common.CRASH_ENV: step}
    r = subprocess.run(_ingest_cmd(corpus_copy, ix), env=env, capture_output=True, timeout=120)
    assert r.returncode == -signal.SIGKILL
    loaded = folder.load(ix)  # never a half-written index
    if step == "committed":
        assert loaded.generation == gen + 1 and any("已修订" in c.text for c in loaded.clauses)
    else:
        assert loaded.generation == gen and _answers(ix) == before
    # the next ingest finishes the job and clears what the killed one left behind
    ingest([corpus_copy], ix)
    assert any("已修订" in c.text for c in folder.load(ix).clauses)
    assert not [p for p in ix.iterdir() if p.name.startswith(".manifest-")]


@pytest.mark.slow
def test_sigkill_at_timed_moments(tmp_path, corpus_copy):
    """Kills at set delays, without the hook: wherever the ingest is then, nothing is lost."""
    ix = tmp_path / "ix"
    ingest([corpus_copy], ix, encoder_spec="fake")
    before = _answers(ix)
    (corpus_copy / "extra.txt").write_text(CITY.replace("阜新", "某"), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for delay in (0.3, 0.8, 1.5, 2.5):
        proc = subprocess.Popen(
            _ingest_cmd(corpus_copy, ix), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        loaded = folder.load(ix)
        assert loaded.faiss_index.ntotal == len(loaded.clauses)
        if "extra.txt" not in loaded.docs:
            assert _answers(ix) == before


def test_a_second_writer_waits_for_the_lock(tmp_path, corpus_copy):
    ix = tmp_path / "ix"
    ingest([corpus_copy], ix, encoder_spec="fake")
    (corpus_copy / "more.txt").write_text("某市规划\n一、总体要求\n到2025年，完成任务。\n", encoding="utf-8")
    done = threading.Event()
    with common.writer_lock(ix):
        worker = threading.Thread(target=lambda: (ingest([corpus_copy], ix), done.set()))
        worker.start()
        time.sleep(1.0)
        assert not done.is_set() and "more.txt" not in folder.load(ix).docs
        with pytest.raises(KBError, match="another ingest"):
            with common.writer_lock(ix, wait=False):
                pass
    worker.join(60)
    assert done.is_set() and "more.txt" in folder.load(ix).docs


def test_searches_in_threads_always_answer_from_a_whole_index(tmp_path, corpus_copy):
    ix = tmp_path / "ix"
    ingest([corpus_copy], ix, encoder_spec="fake")
    live = LiveIndex(ix)
    errors, answered, generations = [], [], set()
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                s = live.searcher
                idx = s.index
                hits = s.search("黑臭水体", top=5)
                ids = {c.clause_id for c in idx.clauses}
                assert hits and all(h.clause.clause_id in ids for h in hits)
                assert idx.faiss_index.ntotal == len(idx.clauses) == idx.manifest["counts"]["clauses"]
                generations.add(idx.generation)
                answered.append(1)
            except Exception as exc:
                errors.append(repr(exc))

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(4):  # each ingest replaces the index under the readers
        (corpus_copy / "city_plan.txt").write_text(CITY.replace("黑臭水体", f"黑臭水体{i}"), encoding="utf-8")
        ingest([corpus_copy], ix)
        time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join(30)
    assert not errors, errors[:3]
    assert len(answered) > 20
    assert len(generations) >= 2  # readers picked up new generations without a restart
