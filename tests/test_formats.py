"""Office formats: OCR of scans, OFD, .doc/.wps, tables, limits. Samples in ../shared/formats."""

import io
import re
import subprocess
import sys
import unicodedata
from collections import Counter

import pytest

from ingest.pipeline import ingest
from ingest.read import read_file
from kb.errors import ReadError
from kb.search.searcher import Searcher
from kb.store import folder

from .conftest import ROOT

FORMATS = ROOT.parent / "shared" / "formats"
needs_formats = pytest.mark.skipif(not FORMATS.exists(), reason="../shared/formats is not beside the project")


def cjk(text: str) -> Counter:
    return Counter(re.findall(r"[\u4e00-\u9fff]", unicodedata.normalize("NFKC", text)))


def recall(got: str, truth: str) -> float:
    want = cjk(truth)
    return sum((cjk(got) & want).values()) / sum(want.values())


def squeeze(text: str) -> str:
    return re.sub(r"[\s|]", "", unicodedata.normalize("NFKC", text))


@pytest.mark.ocr
@needs_formats
@pytest.mark.parametrize("name", ["scanned_notice_3p.pdf", "scanned_notice_p1.jpg"])
def test_ocr_reads_98_percent_of_the_notice(name):
    doc = read_file(FORMATS / name)
    truth = (FORMATS / "scanned_notice_p1.gt.txt").read_text(encoding="utf-8")
    page1 = doc.text[: doc.page_starts[1]] if doc.page_starts else doc.text
    assert recall(page1, truth) >= 0.98
    assert doc.source == "ocr" and doc.ocr_pages[0] == 1


@pytest.mark.ocr
@needs_formats
def test_scanned_notice_metadata_parses_like_a_text_one(tmp_path):
    from ingest.pipeline import build_document

    doc, clauses, _ = build_document(FORMATS / "scanned_notice_p1.jpg", FORMATS, "0" * 64)
    assert doc.issuer == "辽宁省生态环境厅" and doc.doc_number == "辽环发〔2021〕18号"
    assert doc.title == "辽宁省“十四五”生态环境保护规划" and doc.date == "2021-12-30"
    assert clauses and all(c.source == "ocr" for c in clauses)


@needs_formats
@pytest.mark.parametrize("name", ["word97_notice.doc", "word_notice.docx"])
def test_word_files_read_as_the_ground_truth(name):
    doc = read_file(FORMATS / name)
    assert squeeze(doc.text) == squeeze((FORMATS / "word_notice.gt.txt").read_text(encoding="utf-8"))
    assert [r.cells for r in doc.table_rows if not r.is_header] == [
        ("地下水质量Ⅴ类水比例（%）", "—", "≤47.37", "预期性"),
        ("森林覆盖率（%）", "42", "42.5", "约束性"),
    ]


@needs_formats
@pytest.mark.parametrize("name", ["wps_authored.doc", "wps_authored.wps"])
def test_wps_files_keep_their_list_numbers(name):
    text = read_file(FORMATS / name).text
    assert "一、活动筹备清单" in text and "1.必备露营装备" in text.replace(" ", "")
    assert "1.提前处理分装生食" in text.replace(" ", "")


@needs_formats
def test_ofd_yields_its_number_and_refuses_vector_outlines():
    from ingest.metadata import parse_metadata

    doc = read_file(FORMATS / "gov_reply_notice.ofd")
    assert parse_metadata(doc.text).doc_number == "路卫发〔2011〕76号"
    with pytest.raises(ReadError, match="OFD with no text"):
        read_file(FORMATS / "vector_only_no_text.ofd")
    plan = read_file(FORMATS / "liaoning_plan_p1-10.ofd")
    assert "为深入打好污染防治攻坚战，持续改善生态环境质量" in plan.text and len(plan.page_starts) == 10


@pytest.mark.ocr
@needs_formats
def test_every_sample_ingests_or_is_refused_with_its_reason(tmp_path):
    report = ingest([FORMATS], tmp_path / "ix", encoder_spec="fake")
    assert [(p.rsplit("/", 1)[-1], r) for p, r in report.skipped] == [
        ("vector_only_no_text.ofd", "OFD with no text (its pages hold only outlines or images)")
    ]
    assert len(report.added) == len([f for f in FORMATS.iterdir() if f.name != "README.md"]) - 1


@pytest.mark.ocr
def test_a_rendered_page_of_a_corpus_pdf_is_read_and_found_first(tmp_path):
    import pypdfium2 as pdfium
    from PIL import Image

    src = ROOT / "corpus" / "pdf" / "cpc_sc_opinions_deepen_pollution_prevention_2021.pdf"
    page = pdfium.PdfDocument(str(src))[3].render(scale=150 / 72, rev_byteorder=True).to_pil()
    scan = tmp_path / "c" / "scan.pdf"
    scan.parent.mkdir()
    Image.Image.save(page.convert("RGB"), scan, "PDF", resolution=150)
    text_page = read_file(src)
    lines = text_page.text[text_page.page_starts[3] : text_page.page_starts[4]]
    sentence = max(re.findall(r"[^。\n]{25,60}。", lines), key=len)
    ingest([scan.parent], tmp_path / "ix", encoder_spec="fake")
    ix = folder.load(tmp_path / "ix")
    assert ix.docs["scan.pdf"].pages == 1 and all(c.source == "ocr" for c in ix.clauses)
    hit = Searcher(ix).search(sentence, top=1)[0].clause
    assert recall(hit.text, sentence) >= 0.9


@pytest.mark.slow
def test_liaoning_indicator_table_comes_out_as_rows():
    doc = read_file(ROOT / "corpus" / "pdf" / "liaoning_14th_fyp_eco_env_plan.pdf")
    rows = {squeeze(" | ".join(r.cells)): r for r in doc.table_rows}
    row = next(r for key, r in rows.items() if squeeze("受污染耕地安全利用率 (%) | 96左右 | 93左右 | 预期性") in key)
    assert row.page == 10 and "2025年" in row.header
    assert squeeze(doc.text[row.start : row.end]) == squeeze(" | ".join(row.cells))


def test_indicator_rows_become_clauses_with_targets(tmp_path):
    from ingest.clauses import indicator_row
    from ingest.tables import TableRow

    row = TableRow(
        0, 10, ("指标", "指标", "2020年", "2025年", "指标性质"), ("3", "重污染天数比率（%）", "1.1", "≤0.7", "约束性")
    )
    (target,), (deadline,) = indicator_row(row)
    assert (target.indicator, target.comparator, target.value, target.unit, target.base_year) == (
        "重污染天数比率",
        "<=",
        0.7,
        "%",
        2020,
    )
    assert deadline.due.isoformat() == "2025-12-31"


def _png(array) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG")
    return buf.getvalue()


@pytest.mark.ocr
def test_bad_scans_and_office_files_are_refused_and_leave_nothing_written(tmp_path):
    import numpy as np

    corpus = tmp_path / "bad"
    corpus.mkdir()
    (corpus / "blank.png").write_bytes(_png(np.full((1200, 900, 3), 255, np.uint8)))
    rng = np.random.default_rng(0)
    photo = (np.linspace(0, 255, 900)[None, :, None] + rng.normal(0, 30, (600, 900, 3))).clip(0, 255).astype(np.uint8)
    (corpus / "photo.jpg").write_bytes(_png(photo))
    (corpus / "broken.ofd").write_bytes(b"PK\x03\x04 this is no zip")
    (corpus / "huge.tif").write_bytes(_png(np.zeros((1, 1, 3), np.uint8)))
    report = ingest([corpus], tmp_path / "ix", encoder_spec="fake")
    reasons = {p.rsplit("/", 1)[-1]: r for p, r in report.skipped}
    assert reasons["blank.png"].startswith("no text found: a blank page")
    assert reasons["photo.jpg"].startswith("not a document")
    assert reasons["broken.ofd"].startswith("corrupt OFD")
    assert reasons["huge.tif"].startswith("no text found")
    assert not report.added and folder.load(tmp_path / "ix").docs == {}  # nothing of them in the index


def test_an_image_over_the_pixel_limit_is_refused(monkeypatch, tmp_path):
    import numpy as np

    from ingest import ocr

    monkeypatch.setattr(ocr, "MAX_IMAGE_PIXELS", 1000)
    path = tmp_path / "big.png"
    path.write_bytes(_png(np.zeros((100, 100, 3), np.uint8)))
    with pytest.raises(ReadError, match="image too large|not a readable image"):
        read_file(path)


@needs_formats
def test_a_password_protected_doc_is_refused(tmp_path):
    import olefile

    data = bytearray((FORMATS / "word97_notice.doc").read_bytes())
    with olefile.OleFileIO(bytes(data)) as ole:
        fib = ole.openstream("WordDocument").read(32)
    at = bytes(data).find(fib)
    data[at + 11] |= 0x01  # the FIB's fEncrypted bit (0x0100 of the flags at offset 0x0A)
    path = tmp_path / "locked.doc"
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError, match="password-protected"):
        read_file(path)


@pytest.mark.slow
def test_search_never_loads_ocr():
    code = (
        "import sys; from kb.store import folder; from kb.search.searcher import Searcher; "
        "import kb.cli, kb.__main__; "
        "print(sorted(m for m in ('rapidocr', 'onnxruntime', 'pypdfium2', 'pdfplumber', 'ofdkit', 'wps2md', 'torch') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
