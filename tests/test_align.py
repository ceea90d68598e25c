"""对标对表 on the fixture corpus: statuses, the CLI contract, the XLSX and DOCX reports, the timeline."""

import datetime as dt
import io
import json

import pytest

from kb.compare.align import STATUS_HELP, STATUS_NAMES, Aligner, status_of
from kb.model import Clause, Deadline
from kb.policy.commitments import commitments_of
from kb.policy.targets import extract_targets
from kb.reports.align_report import to_docx, to_xlsx
from kb.reports.cite import citation
from kb.store import folder
from kb.tracking.timeline import deadline_rows, deadline_status

from .conftest import run_cli


@pytest.fixture(scope="module")
def rows(fake_index):
    return Aligner(folder.load(fake_index)).align("city")


def _clause(text, due=None, doc="u.txt"):
    deadlines = (Deadline("x", 0, 1, dt.date.fromisoformat(due), "by"),) if due else ()
    return Clause(
        "c-" + text[:4],
        doc,
        "t",
        "",
        "",
        "",
        "",
        (),
        "",
        text,
        0,
        0,
        0,
        len(text),
        deadlines=deadlines,
        targets=extract_targets(text, 2022),
    )


@pytest.mark.parametrize(
    "upper,lower,status",
    [
        (
            ("2025年底前，城市生活污水集中收集率达到70%以上。", "2025-12-31"),
            ("到2025年，城市生活污水集中收集率达到70%以上。", "2025-12-31"),
            "covered",
        ),
        (
            ("2025年底前，农村自来水普及率达到88%。", "2025-12-31"),
            ("2025年底前，农村自来水普及率达到80%。", "2025-12-31"),
            "weaker",
        ),
        (("2025年底前，城镇清洁取暖率达到80%以上。", "2025-12-31"), ("持续推进清洁取暖。", None), "weaker"),
        (
            ("2022年底前，完成城镇生活污水直排、雨污混排等问题排查。", "2022-12-31"),
            ("按省要求，完成城镇生活污水直排、雨污混排等问题排查。", None),
            "undated",
        ),
        (
            ("2023年底前，完成主要河流排污口整治。", "2023-12-31"),
            ("2024年底前，完成主要河流排污口整治。", "2024-12-31"),
            "later",
        ),
        (
            ("2022年底前，建立卫星遥感监测火点信息1小时推送机制。", "2022-12-31"),
            ("2022年底前，建立卫星遥感监测火点信息推送机制。", "2022-12-31"),
            "weaker",
        ),
    ],
)
def test_statuses(upper, lower, status):
    (k,) = commitments_of(_clause(*upper), dt.date(2025, 12, 31))
    assert status_of(k, _clause(*lower, doc="l.txt"), 0.9, 1.0, dt.date(2025, 12, 31))[0] == status


def test_no_counterpart_is_missing():
    (k,) = commitments_of(_clause("2025年底前，完成入海排污口分类整治工作。", "2025-12-31"), None)
    assert status_of(k, None, 0.0, 0.0)[0] == "missing"


def test_align_on_the_fixture_corpus(rows):
    assert rows and {r.upper.doc_id for r in rows} <= {"province_plan.txt", "national_opinions.txt"}
    pair = next(r for r in rows if "环境应急预案备案率" in r.upper.text)
    assert pair.lower and "环境应急预案备案率" in pair.lower.text and pair.status == "covered"
    assert all(r.lower is None for r in rows if r.status == "missing")


@pytest.mark.cli
def test_align_cli_json_contract(fake_index, tmp_path):
    xlsx, docx_path = tmp_path / "a.xlsx", tmp_path / "a.docx"
    r = run_cli(
        "kb",
        "align",
        "--doc",
        "city",
        "--against",
        "province",
        "--json",
        "--index",
        str(fake_index),
        "--xlsx",
        str(xlsx),
        "--docx",
        str(docx_path),
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out and all(
        {"upper", "lower", "status", "score", "commitment", "due_basis", "reason"} <= set(x) for x in out
    )
    assert all(x["upper"]["doc_id"] == "province_plan.txt" for x in out)
    for key in ("clause_id", "doc_id", "title", "section", "text", "due", "targets"):
        assert key in out[0]["upper"]
    assert {x["status"] for x in out} <= {"covered", "later", "undated", "weaker", "missing", "not_applicable"}
    assert all(x["commitment"] in x["upper"]["text"] and x["due_basis"] in ("text", "period", "") for x in out)
    assert xlsx.stat().st_size > 0 and docx_path.stat().st_size > 0
    bad = run_cli("kb", "align", "--doc", "nothing", "--index", str(fake_index))
    assert bad.returncode == 1 and bad.stderr.startswith("Error: no document 'nothing'")


def test_xlsx_and_docx_reports_carry_a_row_with_both_citations_and_status(rows):
    import docx
    from openpyxl import load_workbook

    pair = next(r for r in rows if r.lower is not None)
    sheet = load_workbook(io.BytesIO(to_xlsx(rows, "阜新市规划", dt.date(2026, 11, 29)))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(
        citation(pair.upper) in row and citation(pair.lower) in row and STATUS_NAMES[pair.status] in row
        for row in values
    )
    document = docx.Document(io.BytesIO(to_docx(rows, "阜新市规划", dt.date(2026, 11, 29))))
    cells = ["\n".join(c.text for c in row.cells) for row in document.tables[0].rows]
    assert any(
        citation(pair.upper) in row and citation(pair.lower) in row and STATUS_NAMES[pair.status] in row
        for row in cells
    )
    text = "\n".join(p.text for p in document.paragraphs)
    assert all(STATUS_HELP[s] in text for s in STATUS_HELP)  # the legend
    assert not any(p.style.name.startswith("Heading") for p in document.paragraphs)  # 公文 headings, not Word's
    assert document.sections[-1].page_width > document.sections[-1].page_height  # the table is landscape


@pytest.mark.parametrize(
    "due,kind,as_of,status",
    [
        ("2025-12-31", "by", "2026-11-29", "overdue"),
        ("2025-12-31", "by", "2025-11-01", "due_soon"),
        ("2025-12-31", "by", "2025-06-30", "open"),
        ("2022-01-01", "start", "2026-11-29", "started"),
        ("2030-12-31", "by", "2026-11-29", "open"),
    ],
)
def test_deadline_status_as_of(due, kind, as_of, status):
    d = Deadline("x", 0, 1, dt.date.fromisoformat(due), kind)
    assert deadline_status(d, dt.date.fromisoformat(as_of)) == status


@pytest.mark.cli
def test_deadlines_cli_as_of_and_status_filter(fake_index):
    rows = json.loads(run_cli("kb", "deadlines", "--json", "--as-of", "2024-01-01", "--index", str(fake_index)).stdout)
    assert {"overdue", "open"} <= {r["status"] for r in rows}
    late = json.loads(
        run_cli(
            "kb", "deadlines", "--json", "--as-of", "2024-01-01", "--status", "overdue", "--index", str(fake_index)
        ).stdout
    )
    assert late and all(r["status"] == "overdue" and r["due"] < "2024-01-01" for r in late)


def test_a_2025_12_31_point_is_drawn_within_2025(fake_index):
    from kb.reports.timeline_chart import timeline_chart

    ix = folder.load(fake_index)
    chart = timeline_chart(deadline_rows(ix, as_of=dt.date(2026, 11, 29)), ix.docs, dt.date(2026, 11, 29)).to_dict()
    datasets = chart["datasets"]
    bands = next(v for v in datasets.values() if v and "带" in v[0])
    points = next(v for v in datasets.values() if v and "数量" in v[0])
    band_2025 = next(b for b in bands if b["年"] == "2025")
    point = next(p for p in points if p["期限"] == "2025-12-31")
    assert band_2025["起"] <= point["期限"] <= band_2025["止"]
    # drawn inside the band, a margin from the line between 2025 and 2026, the date itself in the tooltip
    assert "2025-11-20" < point["位置"] < "2025-12-15" and point["期限"] == "2025-12-31"
    dots = next(layer for layer in chart["layer"] if layer["encoding"]["x"]["field"] == "位置")
    assert "期限" in [t["field"] for t in dots["encoding"]["tooltip"]]
    assert all(layer["encoding"]["x"]["scale"]["type"] == "utc" for layer in chart["layer"])  # no time-zone shift
    assert point["数量"] >= 1 and len(point["文件"]) <= 18 and point["全称"]  # short name, full title in the tooltip


@pytest.mark.cli
def test_align_cli_marks_a_row_and_keeps_the_mark(tmp_path, fake_index):
    import shutil

    index = tmp_path / "index"
    shutil.copytree(fake_index, index)
    rows = json.loads(run_cli("kb", "align", "--doc", "city", "--json", "--index", str(index)).stdout)
    key = rows[0]["key"]
    mark = ["--mark", key, "--set", "not_applicable", "--note", "本市不涉及"]
    r = run_cli("kb", "align", "--doc", "city", *mark, "--index", str(index))
    assert r.returncode == 0 and r.stdout.startswith(f"marked {key}: 不适用"), r.stderr
    again = json.loads(run_cli("kb", "align", "--doc", "city", "--json", "--index", str(index)).stdout)
    assert next(x for x in again if x["key"] == key)["note"] == "本市不涉及"
    bad = run_cli("kb", "align", "--doc", "city", "--mark", "K-nothing", "--index", str(index))
    assert bad.returncode == 1 and bad.stderr.startswith("Error: no commitment 'K-nothing'")


def test_the_align_word_table_gives_the_clauses_the_room(fake_index):
    import datetime as dt
    import io

    from docx import Document as Docx

    from kb.compare.align import Aligner
    from kb.reports.align_report import DOCX_COLUMNS, to_docx
    from kb.store import folder

    index = folder.load(fake_index)
    rows = Aligner(index).align("city_plan.txt")
    table = Docx(io.BytesIO(to_docx(rows, "阜新", dt.date(2026, 12, 5)))).tables[-1]
    widths = [c.width for c in table.rows[1].cells]
    wide = widths[DOCX_COLUMNS.index("本级条款（引用）")]
    assert wide > 3 * widths[DOCX_COLUMNS.index("序号")] and len(set(widths)) > 2  # not 8 equal columns
