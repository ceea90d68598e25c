"""引文核验: a draft's quotations and references against the knowledge base, through the code, the
CLI, the API, MCP and the page; citation links between the corpus's documents."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.check_agreement import DRAFT, GOLD, evaluate, read_gold, scores
from kb import service
from kb.store import open_store
from kb.verify.passages import quotations, references

from .conftest import ROOT, run_cli


@pytest.mark.parametrize(
    "text,found",
    [
        ("要求“统筹好上下游、左右岸、干支流”。", ["统筹好上下游、左右岸、干支流"]),
        ("「逐步完成县级及以上政府预案修编」", ["逐步完成县级及以上政府预案修编"]),
        ('ASCII "统筹好上下游,左右岸,干支流,城市和乡村" 也算', ["统筹好上下游,左右岸,干支流,城市和乡村"]),
        ("“认真落实‘党政同责、一岗双责’要求”", ["认真落实‘党政同责、一岗双责’要求"]),  # nested: one quotation
        ("“认真落实“党政同责、一岗双责”的工作要求”", ["认真落实“党政同责、一岗双责”的工作要求"]),
        ("术语“十四五”和“三线一单”不是引文", []),  # terms are not quotations
    ],
)
def test_quotations_as_drafts_write_them(text, found):
    assert [q.text for q in quotations(text)] == found


def test_an_ellipsis_joins_the_parts_of_one_quotation():
    (q,) = quotations("“加强重金属污染防控……全国重点行业重点重金属污染物排放量比2020年下降5%”")
    assert q.parts == ["加强重金属污染防控", "全国重点行业重点重金属污染物排放量比2020年下降5%"]


def test_references_with_their_numbers():
    refs = references("根据《空气质量持续改善行动计划》（国发〔2023〕24号）和《意见》，按照阜政办发〔2023〕8号要求")
    assert [(r.title, r.number) for r in refs] == [
        ("空气质量持续改善行动计划", "国发〔2023〕24号"),
        ("意见", ""),
        ("", "按照阜政办发〔2023〕8号"),
    ]


def _report(index: Path):
    data = DRAFT.read_bytes()
    return service.check_draft(open_store(index), DRAFT.name, data)


@pytest.mark.model
def test_every_verdict_of_the_hand_read_draft(e5_index):
    """31 quotations and 12 references of our own draft (tests/check_data): exact, differs (figures,
    words), elsewhere, not_found (invented); ok, title_differs, number_wrong, unverifiable, not_in_kb."""
    text, report = _report(e5_index)
    pairs, misses = evaluate(report, text, read_gold(GOLD))
    assert misses == []
    assert {g for g, _ in pairs} >= {"exact", "differs", "elsewhere", "not_found", "ok", "title_differs"}
    assert scores(pairs, "differs") == (1.0, 1.0) and scores(pairs, "not_found") == (1.0, 1.0)
    assert not any(t == "exact" and g == "not_found" for g, t in pairs)  # nothing invented is exact


def test_verbatim_is_never_wrong_and_invented_is_never_exact(fake_index):
    """With the fake encoder (lexical candidates only) the two promises still hold."""
    text, report = _report(fake_index)
    pairs, _ = evaluate(report, text, read_gold(GOLD))
    assert not any(g == "exact" and t != "exact" for g, t in pairs)
    assert not any(g == "not_found" and t == "exact" for g, t in pairs)
    differs = next(q for q in report.quotes if "比2020年下降10%" in q.quote.text)
    assert (
        differs.status == "differs"
        and {"op": "figures", "draft": "10%", "source": "5%", "kind": "figure"} in differs.diff
    )
    assert "重点重金属污染物排放量比2020年下降5%" in differs.true_text and differs.citation.startswith("《中共中央")


@pytest.mark.cli
def test_the_cli_prints_json_and_writes_a_commented_docx(fake_index, tmp_path):
    import docx

    out = tmp_path / "核验.docx"
    r = run_cli("kb", "check", str(DRAFT), "--json", "--docx", str(out), "--index", str(fake_index))
    assert r.returncode == 0, r.stderr
    body = json.loads(r.stdout)
    assert set(body) == {"quotes", "references"}
    assert {"text", "status", "doc_id", "clause_id", "citation", "true_text", "diff", "claimed_doc", "validity"} <= set(
        body["quotes"][0]
    )
    assert {"text", "status", "doc_id", "title", "doc_number", "suggestion"} <= set(body["references"][0])
    text = DRAFT.read_text(encoding="utf-8")
    assert all(text[q["start"] : q["end"]] == q["text"] for q in body["quotes"])  # the draft's own words
    comments = list(docx.Document(out).comments)
    wrong = [q for q in body["quotes"] if q["status"] != "exact"] + [
        r for r in body["references"] if r["status"] != "ok"
    ]
    assert len(comments) >= len(wrong) and any("应为《" in c.text for c in comments)
    if shutil.which("soffice"):  # LibreOffice opens it where installed
        done = subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
            capture_output=True,
            timeout=120,
        )
        assert done.returncode == 0 and (tmp_path / "核验.pdf").exists()
    r = run_cli("kb", "check", "-", "--index", str(fake_index), input="要求“到2030年全面建成智慧生态环境大脑平台”。")
    assert r.returncode == 0 and "not_found" in r.stdout


@pytest.mark.server
def test_the_api_and_mcp_check_a_draft(fake_index, tmp_path):
    import asyncio

    from .test_api import api_server, call

    index = tmp_path / "index"
    shutil.copytree(fake_index, index)
    draft = DRAFT.read_text(encoding="utf-8")
    with api_server(index) as base:
        status, body, _ = call(
            base, "/v1/check", None, "POST", json.dumps({"text": draft}).encode(), {"Content-Type": "application/json"}
        )
        cli = json.loads(run_cli("kb", "check", str(DRAFT), "--json", "--index", str(index)).stdout)
        assert status == 200 and json.loads(body) == cli  # the CLI's JSON
        boundary = "kbcheck"
        form = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="draft.txt"\r\n'
                "Content-Type: text/plain\r\n\r\n"
            ).encode()
            + DRAFT.read_bytes()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        status, body, _ = call(
            base, "/v1/check", None, "POST", form, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        assert status == 200 and json.loads(body)["quotes"] == cli["quotes"]

        from mcp import ClientSession
        from mcp.client.streamable_http import streamable_http_client

        async def tool():
            async with streamable_http_client(base + "/mcp") as (r, w, *_), ClientSession(r, w) as s:
                await s.initialize()
                tools = {t.name: t for t in (await s.list_tools()).tools}
                assert "BEFORE answering" in tools["check_quotes"].description
                return await s.call_tool(
                    "check_quotes", {"text": "要求“2025年底前，涉危涉重企业和化工园区环境应急预案备案率达到90%”"}
                )

        got = asyncio.run(tool())
        said = got.content[0].text
        assert "differs" in said and "100%" in said and len(said) < 2000


def test_the_page_checks_a_pasted_draft_and_offers_the_commented_docx(fake_index, tmp_path):
    import os

    from streamlit.testing.v1 import AppTest

    index = tmp_path / "index"
    shutil.copytree(fake_index, index)
    os.environ["KB_INDEX"] = str(index)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.sidebar.radio(key="page").set_value("引文核验").run()
    at.text_area(key="c_text").set_value(DRAFT.read_text(encoding="utf-8")).run()
    next(b for b in at.button if b.label == "开始核验").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [m.value for m in at.markdown]
    first = next(k for k, m in enumerate(shown) if "badge[" in m)
    assert "未找到原文" in shown[first]  # the most serious first
    assert any("与原文不一致" in m for m in shown) and any("文件名称有误" in m for m in shown)


def test_the_corpus_cites_itself_and_docs_json_says_so(fake_index):
    docs = {d["doc_id"]: d for d in service.documents(open_store(fake_index))}
    assert all({"cites", "cited_by", "unresolved"} <= set(d) for d in docs.values())
    city = docs["city_plan.txt"]
    assert any(u["title"] == "水污染防治工作方案" for u in city["unresolved"])  # a title the KB does not hold
    assert io  # (io is used by the DOCX tests above)
