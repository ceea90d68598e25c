"""The command-line contract others build on: JSON shapes, --queries, cite, deadlines, errors."""

import json

import pytest

from .conftest import DATA, HIT_KEYS, run_cli

pytestmark = pytest.mark.cli  # each test runs python -m kb / python -m ingest in a fresh process


def test_search_json_contract(fake_index):
    r = run_cli("kb", "search", "市、县建成区基本消除黑臭水体", "--index", str(fake_index), "--json", "--top", "3")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["query"] == "市、县建成区基本消除黑臭水体" and len(out["hits"]) == 3
    assert out["relevant"] is True and out["scope"]["home"] == "阜新市" and out["scope"]["home_applied"] is True
    hit = out["hits"][0]
    assert set(HIT_KEYS) <= set(hit)
    assert hit["deadlines"][0]["due"] == "2025-12-31"


@pytest.mark.parametrize("query", ["asdfqwer", "？？？", "<script>alert(1)</script>", "qwertyuiop zxcvbnm"])
def test_nonsense_is_not_relevant(fake_index, query):
    out = json.loads(run_cli("kb", "search", query, "--index", str(fake_index), "--json").stdout)
    assert out["relevant"] is False and not any(h["relevant"] for h in out["hits"])


def test_query_scope_and_home_are_reported_and_can_be_switched_off(fake_index):
    out = json.loads(run_cli("kb", "search", "省里排污口整治什么时候完成", "--index", str(fake_index), "--json").stdout)
    assert out["scope"]["words"] == ["省里"] and out["scope"]["docs"] == ["province_plan.txt"]
    assert out["hits"][0]["doc_id"] == "province_plan.txt"
    out = json.loads(run_cli("kb", "search", "黑臭水体", "--index", str(fake_index), "--json", "--home", "无").stdout)
    assert out["scope"]["home"] is None and out["scope"]["home_applied"] is False
    out = json.loads(
        run_cli("kb", "search", "黑臭水体", "--index", str(fake_index), "--json", env={"KB_HOME": "辽宁省"}).stdout
    )
    assert out["scope"]["home"] == "辽宁省"


def test_queries_file_prints_one_object_a_line(fake_index, tmp_path):
    qfile = tmp_path / "q.txt"
    qfile.write_text("黑臭水体\n\n排污口整治\n应急预案\n", encoding="utf-8")
    r = run_cli("kb", "search", "--queries", str(qfile), "--index", str(fake_index), "--json")
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert [x["query"] for x in lines] == ["黑臭水体", "排污口整治", "应急预案"]


def test_cite_prints_the_citation(fake_index):
    r = run_cli("kb", "search", "市、县建成区基本消除黑臭水体", "--index", str(fake_index), "--json", "--top", "1")
    cid = json.loads(r.stdout)["hits"][0]["clause_id"]
    r = run_cli("kb", "cite", cid, "--index", str(fake_index))
    assert (
        r.stdout.strip() == "《阜新市“十四五”生态环境保护规划》（阜政办发〔2023〕8号）六、（一）5.："
        "“2025年底前，市、县建成区基本消除黑臭水体。”"
    )
    raw = run_cli("kb", "cite", cid, "--raw", "--index", str(fake_index))
    assert (
        raw.stdout.strip() == "《阜新市“十四五”生态环境保护规划》（阜政办发〔2023〕8号）六、（一）5.："
        "“2025年底前,市、县建成区基本消除黑臭水体。”"
    )


def test_deadlines_sorted_and_filtered(fake_index):
    r = run_cli("kb", "deadlines", "--index", str(fake_index), "--json")
    rows = json.loads(r.stdout)
    assert rows and [x["due"] for x in rows] == sorted(x["due"] for x in rows)
    for key in (
        "clause_id",
        "doc_id",
        "title",
        "section",
        "text",
        "raw",
        "due",
        "kind",
        "status",
        "targets",
        "lead_units",
        "partner_units",
    ):
        assert key in rows[0]
    r = run_cli(
        "kb",
        "deadlines",
        "--index",
        str(fake_index),
        "--json",
        "--doc",
        "city",
        "--after",
        "2025-01-01",
        "--before",
        "2025-12",
    )
    rows = json.loads(r.stdout)
    assert rows and all(x["doc_id"] == "city_plan.txt" and x["due"].startswith("2025") for x in rows)


def test_crossref_pairs_city_and_province_on_the_same_task(fake_index):
    r = run_cli("kb", "deadlines", "--crossref", "--json", "--index", str(fake_index))
    pairs = json.loads(r.stdout)
    assert any("环境应急预案备案率" in p["a"]["text"] and "环境应急预案备案率" in p["b"]["text"] for p in pairs)
    assert all(p["a"]["doc_id"] != p["b"]["doc_id"] for p in pairs)


@pytest.mark.parametrize(
    "args,message",
    [
        (
            ("kb", "search", "黑臭水体", "--index", "/nonexistent/ix"),
            "no index at /nonexistent/ix; build it with: python -m ingest",
        ),
        (("kb", "search", "--index", "{ix}"), "give a query"),
        (("kb", "search", "水" * 300, "--index", "{ix}"), "query too long"),
        (("kb", "cite", "nope-0001", "--index", "{ix}"), "no clause 'nope-0001'"),
        (("kb", "deadlines", "--after", "2025-13-45", "--index", "{ix}"), "no such date"),
        (("kb", "deadlines", "--after", "soon", "--index", "{ix}"), "cannot read the date"),
        (("kb", "frobnicate"), "invalid choice"),
        (("ingest", "--index", "{ix}"), "name files or folders"),
        (("ingest", "--remove", "nope.txt", "--index", "{ix}"), "no document 'nope.txt'"),
    ],
)
def test_user_errors_are_one_line_and_exit_1(fake_index, args, message):
    r = run_cli(*[a.replace("{ix}", str(fake_index)) for a in args])
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_ingest_cli_reports_and_is_idempotent(tmp_path):
    ix = tmp_path / "ix"
    r = run_cli("ingest", str(DATA), "--index", str(ix), "--encoder", "fake", "--quiet")
    assert r.returncode == 0, r.stderr
    assert "3 added" in r.stdout
    r = run_cli("ingest", str(DATA), "--index", str(ix), "--quiet")
    assert r.returncode == 0 and "3 unchanged" in r.stdout and "nothing to write" in r.stdout


def test_skipped_files_are_named_and_exit_3(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "fake.pdf").write_bytes(b"PK\x03\x04 not a pdf")
    (tmp_path / "ok.txt").write_text("某市规划\n一、总体要求\n到2025年，完成任务。\n", encoding="utf-8")
    r = run_cli("ingest", str(tmp_path), "--index", str(tmp_path / "ix"), "--encoder", "fake", "--quiet")
    assert r.returncode == 3
    assert f"Skipped {tmp_path / 'empty.txt'}: empty file" in r.stderr
    assert f"Skipped {tmp_path / 'fake.pdf'}: not a PDF" in r.stderr
    assert "1 added" in r.stdout
