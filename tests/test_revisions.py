"""修订对照: two versions of a plan compared clause by clause, through the code, the CLI, the API,
MCP and the page; the hand-edited pairs of tests/diff_data and the Liaoning plan's PDF and text."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from bench.revision_agreement import evaluate, read_gold, revisions_of
from bench.revision_edits import OUT
from kb import service
from kb.compare.revisions import compare, note
from kb.policy.strength import strength_change
from kb.store import folder

from .conftest import CORPUS, ROOT, run_cli


@pytest.mark.parametrize(
    "old,new,expected",
    [
        ("到2025年，基本消除黑臭水体", "到2025年，全面消除黑臭水体", [("基本", "全面", "stronger")]),
        (
            "鼓励小规模、渐进式更新，推进建筑废弃物再生利用",
            "推动小规模、渐进式更新，推进建筑废弃物再生利用",
            [("鼓励", "推动", "stronger")],
        ),
        ("淘汰国Ⅳ及以下柴油货车", "淘汰国Ⅲ及以下柴油货车", [("国Ⅳ", "国Ⅲ", "weaker")]),
        ("严禁新建燃煤锅炉", "原则上不鼓励新建燃煤锅炉", [("严禁", "鼓励", "weaker")]),
    ],
)
def test_stronger_and_weaker_words(old, new, expected):
    assert strength_change(old, new) == expected


@pytest.mark.slow
def test_the_hand_edited_pairs_are_found_whole():
    """44 edits of two real plans (targets, dates, words, strength, added, deleted, split sentences, a
    paragraph moved to another chapter, a chapter renumbered), each found and nothing else reported."""
    from ingest.parse import parse

    revisions = revisions_of(parse)
    precision, recall, misses = evaluate(revisions, read_gold())
    assert len(read_gold()) >= 40 and precision == recall == 1.0, "\n".join(misses)
    rows = revisions["fuxin"].rows
    raised = next(r for r in rows if "75%以上" in r.new_text)
    assert note(raised) == "城市生活污水集中收集率目标值由70%提高到75%" and raised.changes[0]["direction"] == "raised"
    later = next(r for r in rows if "到2027年,农村生活污水治理率" in r.new_text)
    assert "时限由2025年调整为2027年" in note(later)
    renumbered = [r for r in rows if r.new and r.new[0].section.startswith("十三、")]
    assert renumbered and {r.kind for r in renumbered} == {"same"}  # the chapter kept its name


@pytest.mark.slow
def test_the_liaoning_pdf_and_its_text_compare_as_the_same_plan():
    from ingest.parse import parse

    (da, ca), (db, cb) = (
        parse(CORPUS / "pdf" / "liaoning_14th_fyp_eco_env_plan.pdf"),
        parse(CORPUS / "liaoning_14th_fyp_eco_env_plan.txt"),
    )
    counts = compare(da, ca, db, cb).counts()
    rows = sum(v for k, v in counts.items() if k != "tables_left_out")
    assert counts["same"] / rows >= 0.98 and counts["moved"] == 0, counts


@pytest.fixture
def versions(tmp_path, corpus_copy):
    """An index with the city plan and its next draft: a dated task deleted, a target raised."""
    from ingest.pipeline import ingest

    text = (corpus_copy / "city_plan.txt").read_text(encoding="utf-8")
    draft = text.replace("2025年底前,基本消除较大面积的农村黑臭水体。", "").replace(
        "城市生活污水集中收集率达到70%以上", "城市生活污水集中收集率达到80%以上"
    )
    assert draft != text
    (corpus_copy / "city_plan_v2.txt").write_text(draft, encoding="utf-8")
    (tmp_path / "draft.txt").write_text(draft, encoding="utf-8")  # the same draft, not in the index
    index = tmp_path / "index"
    ingest([corpus_copy], index, encoder_spec="fake")
    return index


def test_deleted_unfinished_tasks_are_flagged_with_the_ledger(versions):
    ix = folder.load(versions)
    rev, body, flags = service.revision(ix, "city_plan.txt", "city_plan_v2.txt", versions)
    dropped = [r for r in body["rows"] if "dropped_unfinished" in r["flags"]]
    assert [r["old"]["text"] for r in dropped] == ["2025年底前,基本消除较大面积的农村黑臭水体。"]
    assert dropped[0]["kind"] == "deleted" and dropped[0]["ledger_status"] == "not_started"
    raised = next(r for r in body["rows"] if r["kind"] == "modified")
    assert raised["changes"][0] == {
        "what": "target",
        "indicator": "城市生活污水集中收集率",
        "old": "70%",
        "new": "80%",
        "direction": "raised",
        "stricter": True,
    }
    assert list(body) == ["old", "new", "rows", "counts"] and body["counts"]["deleted"] == 1


@pytest.mark.cli
def test_the_cli_writes_json_and_both_files(versions, tmp_path):
    import docx
    from openpyxl import load_workbook

    out, sheet = tmp_path / "对照表.docx", tmp_path / "对照表.xlsx"
    r = run_cli(
        "kb", "diff", str(OUT / "synergy_v1.txt"), str(OUT / "synergy_v2.txt"), "--json",
        "--docx", str(out), "--xlsx", str(sheet), "--index", str(versions),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    body = json.loads(r.stdout)
    assert body["counts"]["modified"] >= 10 and body["counts"]["moved"] >= 5
    document = docx.Document(out)
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "原文", "修改后", "修改说明"]
    runs = [run for row in table.rows[1:] for cell in row.cells[1:3] for p in cell.paragraphs for run in p.runs]
    assert any(run.font.strike for run in runs) and any(run.font.underline for run in runs)
    assert document.sections[-1].page_width > document.sections[-1].page_height  # landscape
    assert any("目标值由60%提高到65%" in row.cells[3].text for row in table.rows)
    ws = load_workbook(sheet).active
    assert [c.value for c in ws[2]][:4] == ["序号", "原文", "修改后", "修改说明"]
    r = run_cli("kb", "diff", "nothing.txt", "city_plan", "--index", str(versions))
    assert r.returncode == 1 and r.stderr.startswith("Error:")


@pytest.mark.server
def test_the_api_and_mcp_compare_versions(versions):
    import asyncio

    from .test_api import api_server, call

    with api_server(versions) as base:
        status, body, _ = call(base, "/v1/diff?old=city_plan.txt&new=city_plan_v2.txt")
        cli = run_cli("kb", "diff", "city_plan.txt", "city_plan_v2.txt", "--json", "--index", str(versions))
        assert status == 200 and json.loads(body) == json.loads(cli.stdout)
        status, data, headers = call(base, "/v1/diff?old=city_plan.txt&new=city_plan_v2.txt&format=docx")
        assert status == 200 and data[:2] == b"PK"
        boundary = "kbdiff"
        form = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="draft.txt"\r\n\r\n'.encode()
            + (versions.parent / "draft.txt").read_bytes()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        status, body, _ = call(
            base, "/v1/diff?old=city_plan.txt", None, "POST", form,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )  # fmt: skip
        assert status == 200 and json.loads(body)["counts"]["deleted"] == 1  # a draft read on the fly
        from mcp import ClientSession
        from mcp.client.streamable_http import streamable_http_client

        async def tool():
            async with streamable_http_client(base + "/mcp") as (r, w, *_), ClientSession(r, w) as s:
                await s.initialize()
                return await s.call_tool("compare_versions", {"old": "city_plan.txt", "new": "city_plan_v2.txt"})

        said = asyncio.run(tool()).content[0].text
        assert "删除" in said and "目标值由70%提高到80%" in said


def test_the_page_compares_two_documents(versions):
    from streamlit.testing.v1 import AppTest

    os.environ["KB_INDEX"] = str(versions)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.sidebar.radio(key="page").set_value("版本对照").run()
    at.selectbox(key="v_old").set_value("city_plan.txt").run()
    at.selectbox(key="v_new").set_value("city_plan_v2.txt").run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics["删除"] == 1 and metrics["修改"] == 1
    assert any("目标值由70%提高到80%" in c.value for c in at.caption)
    assert io and shutil and Path
