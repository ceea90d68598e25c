"""The HTTP API and the MCP server, as other tools use them: a real uvicorn started by the test,
real HTTP requests, the official MCP client over stdio and over streamable HTTP. No mocks."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from kb.office.accounts import Accounts
from kb.office.audit import entries
from kb.office.tokens import Tokens
from kb.reports.cite import memo_text

from .conftest import ROOT, child_server, free_port, run_cli

pytestmark = pytest.mark.server  # each test talks to a server in a child process
QUERY = "城市黑臭水体什么时候消除"
NEW_DOC = "某县农村环境整治方案\n一、重点任务\n2025年底前，完成全县农村生活垃圾收运处置体系建设，实现行政村全覆盖。\n"


def api_server(index: Path, *extra: str, env: dict | None = None):
    """``python -m kb api`` on a free port; yields its base URL once /v1/health answers."""
    return child_server(["kb", "api", "--index", str(index), *extra], "/v1/health", env)


def call(
    base: str,
    path: str,
    token: str | None = None,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict | None = None,
) -> tuple[int, bytes, dict]:
    req = urllib.request.Request(base + path, data=data, method=method, headers=dict(headers or {}))
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def multipart(files: list[tuple[str, bytes]], field: str = "files") -> tuple[bytes, dict]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, data in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def q(params: dict) -> str:
    return urllib.parse.urlencode(params, doseq=True)


@pytest.fixture(scope="module")
def accounts_index(tmp_path_factory, fake_index) -> tuple[Path, dict[str, str]]:
    """A writable copy of the fake index with an admin and a viewer, and a token each."""
    index = tmp_path_factory.mktemp("api") / "index"
    shutil.copytree(fake_index, index)
    accounts = Accounts(index)
    accounts.add_user("guanli", "guanli-2026", "admin")
    accounts.add_user("chakan", "chakan-2026", "viewer")
    tokens = {name: Tokens(index).make(name)[1] for name in ("guanli", "chakan")}
    return index, tokens


@pytest.fixture(scope="module")
def server(accounts_index):
    index, tokens = accounts_index
    with api_server(index, env={"KB_API_RATE": "1000", "KB_API_BURST": "1000"}) as base:
        yield base, index, tokens


def test_search_is_the_cli_json_byte_for_byte(server, fake_index):
    base, index, tokens = server
    status, body, headers = call(base, "/v1/search?" + q({"q": QUERY, "top": 5}), tokens["chakan"])
    assert status == 200 and headers["content-type"].startswith("application/json")
    cli = run_cli("kb", "search", QUERY, "--json", "--index", str(index))
    assert body.decode() == cli.stdout
    assert json.loads(body)["hits"][0]["text"] == json.loads(cli.stdout)["hits"][0]["text"]


@pytest.mark.parametrize(
    "path,cli",
    [
        (
            "/v1/deadlines?as_of=2024-01-01&status=open",
            ["deadlines", "--json", "--as-of", "2024-01-01", "--status", "open"],
        ),
        ("/v1/crossrefs", ["deadlines", "--crossref", "--json"]),
        ("/v1/docs?as_of=2026-12-01", ["docs", "--json", "--as-of", "2026-12-01"]),
        ("/v1/align?lower=city", ["align", "--doc", "city", "--json"]),
        (
            "/v1/search?" + q({"q": "黑臭水体", "level": "省", "has_deadline": "true", "top": 3}),
            ["search", "黑臭水体", "--level", "省", "--has-deadline", "--top", "3", "--json"],
        ),
    ],
)
def test_every_listing_is_the_cli_json(server, path, cli):
    base, index, tokens = server
    status, body, _ = call(base, path, tokens["chakan"])
    assert status == 200
    assert body.decode() == run_cli("kb", *cli, "--index", str(index)).stdout


def test_a_clause_with_context_and_its_citation(server):
    base, index, tokens = server
    hit = json.loads(call(base, "/v1/search?" + q({"q": QUERY, "top": 1}), tokens["chakan"])[1])["hits"][0]
    status, body, _ = call(base, f"/v1/clauses/{hit['clause_id']}?context=1", tokens["chakan"])
    got = json.loads(body)
    assert status == 200 and got["clause"]["text"] == hit["text"] and len(got["context"]) == 3
    cite = run_cli("kb", "cite", hit["clause_id"], "--index", str(index)).stdout.strip()
    assert got["citation"] == cite and cite.startswith("《")
    raw = json.loads(call(base, f"/v1/clauses/{hit['clause_id']}?raw=true", tokens["chakan"])[1])
    assert raw["citation"].endswith(f"“{hit['text']}”")


@pytest.mark.parametrize(
    "path,status,error",
    [
        ("/v1/clauses/nope-0001", 404, "no clause"),
        ("/v1/search?q=", 400, "empty query"),
        ("/v1/search?" + q({"q": "水", "from": "2023-13"}), 400, "no such date"),
        ("/v1/search?q=x&top=many", 422, "top"),
        ("/v1/search?q=x&top=500", 400, "top must be"),
        ("/v1/align?lower=nothing", 404, "no document"),
        ("/v1/align?lower=city&format=pdf", 400, "unknown format"),
    ],
)
def test_errors_are_json_with_a_fix_and_the_right_status(server, path, status, error):
    base, _, tokens = server
    got_status, body, _ = call(base, path, tokens["chakan"])
    got = json.loads(body)
    assert got_status == status and error in got["error"] and got["fix"]


def test_a_token_is_needed_once_accounts_exist(server):
    base, _, tokens = server
    assert call(base, "/v1/health")[0] == 200  # no authentication
    for path in ("/v1/search?q=x", "/v1/docs", "/mcp"):
        status, body, headers = call(base, path)
        assert status == 401 and json.loads(body)["fix"] and headers["www-authenticate"] == "Bearer"
    assert call(base, "/v1/docs", "kb_not-a-real-token")[0] == 401


def test_viewer_cannot_write_admin_upload_is_searchable_and_audited(server):
    base, index, tokens = server
    body, headers = multipart([("county_rubbish.txt", NEW_DOC.encode())])
    status, got, _ = call(base, "/v1/documents", tokens["chakan"], "POST", body, headers)
    assert status == 403 and "viewer" in json.loads(got)["error"]
    status, got, _ = call(base, "/v1/documents", tokens["guanli"], "POST", body, headers)
    assert status == 200 and json.loads(got)["added"] == ["county_rubbish.txt"]
    hits = json.loads(call(base, "/v1/search?" + q({"q": "农村生活垃圾收运处置", "top": 1}), tokens["chakan"])[1])[
        "hits"
    ]
    assert hits[0]["doc_id"] == "county_rubbish.txt"
    line = [e for e in entries(index) if e["file"] == "county_rubbish.txt"][-1]
    assert line["user"] == "guanli" and line["action"] == "add" and line["via"] == "api"
    status, got, _ = call(
        base,
        "/v1/documents/county_rubbish.txt",
        tokens["guanli"],
        "PATCH",
        json.dumps({"title": "某县农村环境整治方案（修订）"}).encode(),
        {"Content-Type": "application/json"},
    )
    assert status == 200 and json.loads(got)["changed"] == ["title"]
    assert call(base, "/v1/documents/county_rubbish.txt", tokens["chakan"], "DELETE")[0] == 403
    status, got, _ = call(base, "/v1/documents/county_rubbish.txt", tokens["guanli"], "DELETE")
    assert status == 200 and json.loads(got)["removed"] == ["county_rubbish.txt"]
    assert call(base, "/v1/documents/county_rubbish.txt", tokens["guanli"], "DELETE")[0] == 404
    assert [e["action"] for e in entries(index) if e["file"] == "county_rubbish.txt"] == [
        "add",
        "edit",
        "write_refused",
        "remove",
    ]


def test_an_unreadable_upload_is_refused_with_its_reason(server):
    base, _, tokens = server
    body, headers = multipart([("empty.txt", b"   \n"), ("tool.exe", b"MZ")])
    status, got, _ = call(base, "/v1/documents", tokens["guanli"], "POST", body, headers)
    refused = {r["file"]: r["reason"] for r in json.loads(got)["refused"]}
    assert status == 422 and set(refused) == {"empty.txt", "tool.exe"} and all(refused.values())


def test_a_document_ingested_elsewhere_is_searchable_at_once(server, tmp_path):
    base, index, tokens = server
    doc = tmp_path / "elsewhere.txt"
    doc.write_text(NEW_DOC.replace("农村生活垃圾收运处置体系", "畜禽粪污资源化利用设施"), encoding="utf-8")
    assert run_cli("ingest", str(doc), "--index", str(index), "--quiet").returncode == 0  # as the app or a CLI would
    hits = json.loads(call(base, "/v1/search?" + q({"q": "畜禽粪污资源化利用", "top": 1}), tokens["chakan"])[1])["hits"]
    assert hits[0]["doc_id"] == "elsewhere.txt"


def test_tokens_are_listed_revoked_and_end_with_their_account(accounts_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(accounts_index[0], index)
    made = run_cli("kb", "users", "token", "chakan", "--index", str(index))
    token = made.stdout.strip().splitlines()[-1]
    assert made.returncode == 0 and token.startswith("kb_")
    listed = run_cli("kb", "users", "tokens", "chakan", "--index", str(index)).stdout
    token_id = [ln.split("\t")[0] for ln in listed.splitlines() if "active" in ln][-1]
    assert token not in listed  # stored hashed, never shown again
    with api_server(index) as base:
        assert call(base, "/v1/docs", token)[0] == 200
        assert run_cli("kb", "users", "tokens", "chakan", "--revoke", token_id, "--index", str(index)).returncode == 0
        assert call(base, "/v1/docs", token)[0] == 401
        other = Tokens(index).make("guanli")[1]
        assert call(base, "/v1/docs", other)[0] == 200
        Accounts(index).remove_user("guanli")  # a removed account's tokens stop at their next use
        assert call(base, "/v1/docs", other)[0] == 401
    assert "no user 'nobody'" in run_cli("kb", "users", "token", "nobody", "--index", str(index)).stderr


def test_the_rate_limit_answers_429(accounts_index):
    index, tokens = accounts_index
    with api_server(index, env={"KB_API_RATE": "0.5", "KB_API_BURST": "3"}) as base:
        statuses = [call(base, "/v1/docs", tokens["chakan"])[0] for _ in range(5)]
        assert statuses[:3] == [200, 200, 200] and statuses[-1] == 429
        status, body, headers = call(base, "/v1/docs", tokens["chakan"])
        assert status == 429 and json.loads(body)["fix"] and headers["retry-after"]
        assert call(base, "/v1/docs", tokens["guanli"])[0] == 200  # another token is not slowed


def test_loopback_without_accounts_needs_no_token(fake_index):
    with api_server(fake_index) as base:
        assert call(base, "/v1/search?" + q({"q": QUERY}))[0] == 200


def test_another_address_without_accounts_is_refused_and_nothing_listens(fake_index):
    port = free_port()
    r = run_cli("kb", "api", "--index", str(fake_index), "--address", "0.0.0.0", "--port", str(port), timeout=60)
    assert r.returncode == 1 and r.stderr.startswith("Error: no user accounts") and "users add" in r.stderr
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_the_docs_page_needs_no_internet(server):
    base, _, _ = server
    status, page, _ = call(base, "/docs")
    assert status == 200 and b"swagger" in page.lower()
    assert b"cdn." not in page and b"https://" not in page
    spec = json.loads(call(base, "/openapi.json")[1])
    assert "/v1/search" in spec["paths"] and "/v1/documents" in spec["paths"]
    asset = [ln for ln in page.decode().split('"') if ln.endswith(".js")][0]
    assert call(base, asset)[0] == 200


# ----------------------------------------------------------------------------- MCP
TOOLS = {
    "search_clauses",
    "get_clause",
    "list_deadlines",
    "align_documents",
    "list_documents",
    "check_quotes",
    "compare_versions",
    "ledger",
    "cross_references",
}


async def _use(session) -> dict:
    await session.initialize()
    tools = {t.name: t for t in (await session.list_tools()).tools}
    found = await session.call_tool("search_clauses", {"query": QUERY, "top": 3})
    first = found.structured_content["hits"][0]
    clause = await session.call_tool("get_clause", {"clause_id": first["clause_id"], "context": 1})
    missing = await session.call_tool("get_clause", {"clause_id": "nope-0001"})
    deadlines = await session.call_tool("list_deadlines", {"document": "city", "before": "2025"})
    aligned = await session.call_tool("align_documents", {"lower": "city"})
    documents = await session.call_tool("list_documents", {})
    by_place = await session.call_tool("search_clauses", {"query": QUERY, "top": 3, "document": "阜新"})
    by_title = await session.call_tool("list_deadlines", {"document": "阜新市“十四五”生态环境保护规划", "limit": 2})
    unknown = await session.call_tool("search_clauses", {"query": QUERY, "document": "北京"})
    book = await session.call_tool("ledger", {"document": "阜新", "limit": 3})
    crossed = await session.call_tool("cross_references", {"limit": 2})
    return dict(
        by_place=by_place,
        by_title=by_title,
        unknown=unknown,
        book=book,
        crossed=crossed,
        tools=tools,
        found=found,
        clause=clause,
        missing=missing,
        deadlines=deadlines,
        aligned=aligned,
        documents=documents,
    )


def test_an_admin_marks_an_align_row_and_the_listing_carries_it(server):
    base, index, tokens = server
    rows = json.loads(call(base, "/v1/align?lower=city", tokens["chakan"])[1])
    assert rows and all({"commitment", "due_basis", "reason", "key", "note"} <= set(r) for r in rows)
    mark = {"lower": "city", "key": rows[0]["key"], "applicability": "not_applicable", "note": "本市不涉及"}
    body, json_type = json.dumps(mark).encode(), {"Content-Type": "application/json"}
    assert call(base, "/v1/align/marks", tokens["chakan"], "POST", body, json_type)[0] == 403
    status, got, _ = call(base, "/v1/align/marks", tokens["guanli"], "POST", body, json_type)
    assert status == 200 and json.loads(got)["status"] == "not_applicable" and json.loads(got)["note"] == "本市不涉及"
    again = json.loads(call(base, "/v1/align?lower=city", tokens["chakan"])[1])
    first = next(r for r in again if r["key"] == rows[0]["key"])
    assert (first["status"], first["note"]) == ("not_applicable", "本市不涉及")
    bad = dict(mark, key="K-0000000000")
    assert call(base, "/v1/align/marks", tokens["guanli"], "POST", json.dumps(bad).encode(), json_type)[0] == 404
    assert any(e["action"] == "align_mark" and e["user"] == "guanli" for e in entries(index))


def _check(got: dict, cli_first: str) -> None:
    assert set(got["tools"]) == TOOLS
    for t in got["tools"].values():  # Chinese and English, for an assistant to choose by
        assert any("\u4e00" <= ch <= "\u9fff" for ch in t.description) and any(
            ch.isascii() and ch.isalpha() for ch in t.description
        )
    found = got["found"]
    assert found.structured_content["hits"][0]["text"] == cli_first
    text = found.content[0].text
    assert text.startswith("1. 《") and memo_text(cli_first) in text  # the citation, punctuation folded as kb cite does
    assert (
        got["clause"].structured_content["citation"].startswith("《")
        and len(got["clause"].structured_content["context"]) == 3
    )
    assert got["missing"].is_error and "no clause" in got["missing"].content[0].text
    assert got["deadlines"].structured_content["items"] and "《" in got["deadlines"].content[0].text
    assert got["aligned"].structured_content["items"] and "出自：《" in got["aligned"].content[0].text
    assert {d["doc_id"] for d in got["documents"].structured_content["items"]} >= {"city_plan.txt"}
    # documents by place and title; an unknown name is an error naming the fix
    assert {h["doc_id"] for h in got["by_place"].structured_content["hits"]} == {"city_plan.txt"}
    page = got["by_title"].structured_content["items"]
    assert len(page) == 2 and all(r["doc_id"] == "city_plan.txt" and r["citation"].startswith("《") for r in page)
    assert "cursor=2" in got["by_title"].content[0].text  # how to get the next page
    assert got["unknown"].is_error and "no document '北京'" in got["unknown"].content[0].text
    assert len(got["book"].structured_content["items"]) == 3 and "item_id:" in got["book"].content[0].text
    assert not got["crossed"].is_error
    definitions = sum(len(t.model_dump_json()) for t in got["tools"].values())
    assert definitions < 12000  # the tool list stays short (README, "MCP")


def test_mcp_over_stdio_with_the_official_client(fake_index):
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "kb", "mcp", "--index", str(fake_index)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )

    async def session() -> dict:
        async with stdio_client(params) as (r, w), ClientSession(r, w) as s:
            return await _use(s)

    cli = json.loads(run_cli("kb", "search", QUERY, "--json", "--index", str(fake_index)).stdout)
    _check(asyncio.run(session()), cli["hits"][0]["text"])


def test_mcp_over_http_with_a_token(server):
    from mcp import ClientSession
    from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

    base, index, tokens = server

    async def session() -> dict:
        http = create_mcp_http_client(headers={"Authorization": f"Bearer {tokens['chakan']}"})
        async with http, streamable_http_client(base + "/mcp", http_client=http) as (r, w), ClientSession(r, w) as s:
            return await _use(s)

    cli = json.loads(run_cli("kb", "search", QUERY, "--json", "--index", str(index)).stdout)
    _check(asyncio.run(session()), cli["hits"][0]["text"])
