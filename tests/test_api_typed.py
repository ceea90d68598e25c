"""The API as the bureau's other tools drive it (issue 34): documents by name, paging, outline and
sections, ready citations, errors always {error, fix}, service tokens with their own rate, expiry
and scope, rate-limit headers (and MCP's tool error), request ids, metrics, and no server path in
any answer. A real uvicorn; no mocks."""

from __future__ import annotations

import asyncio
import json
import shutil
import urllib.parse

import pytest

from kb.office.accounts import Accounts
from kb.office.audit import entries
from kb.office.tokens import Tokens

from .test_api import api_server, call

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def typed(tmp_path_factory, fake_index):
    index = tmp_path_factory.mktemp("typed") / "index"
    shutil.copytree(fake_index, index)
    accounts = Accounts(index)
    accounts.add_user("guanli", "guanli-2026", "admin")
    accounts.add_user("chakan", "chakan-2026", "viewer")
    book = Tokens(index)
    tokens = {
        "admin": book.make("guanli")[1],
        "viewer": book.make("chakan")[1],
        "slow": book.make("chakan", rate=1)[1],  # a burst of 2, then one a second
        "read": book.make("guanli", scope="read")[1],
        "expired": book.make("chakan", expires="2020-01-01")[1],
    }
    with api_server(index) as base:
        yield base, index, tokens


def get(base, path, token, method="GET", headers=None):
    """``call``, its headers' names in lower case (as HTTP/1.1 servers send them)."""
    status, body, got = call(base, path, token, method, headers=headers)
    return status, body, {k.lower(): v for k, v in got.items()}


def test_documents_by_name_and_unknown_ones_named(typed):
    base, _, t = typed
    for name in ("city", "阜新", "阜政办发〔2023〕8号", "阜新市“十四五”生态环境保护规划"):
        status, body, _ = get(base, "/v1/search?" + urllib.parse.urlencode({"q": "黑臭水体", "doc": name}), t["viewer"])
        assert status == 200 and {h["doc_id"] for h in json.loads(body)["hits"]} == {"city_plan.txt"}
    status, body, _ = get(base, "/v1/search?" + urllib.parse.urlencode({"q": "黑臭水体", "doc": "广州"}), t["viewer"])
    assert status == 404 and set(json.loads(body)) == {"error", "fix"} and "广州" in json.loads(body)["error"]
    status, body, _ = get(base, "/v1/deadlines?" + urllib.parse.urlencode({"doc": "不存在的规划"}), t["viewer"])
    assert status == 404


def test_hits_and_deadline_rows_carry_a_ready_citation(typed):
    base, _, t = typed
    hit = json.loads(get(base, "/v1/search?q=%E9%BB%91%E8%87%AD%E6%B0%B4%E4%BD%93", t["viewer"])[1])["hits"][0]
    assert hit["citation"].startswith(f"《{hit['title']}》") and hit["citation"].endswith("”")
    row = json.loads(get(base, "/v1/deadlines", t["viewer"])[1])[0]
    assert row["citation"].startswith("《")


def test_paging_with_a_cursor(typed):
    base, _, t = typed
    everything = json.loads(get(base, "/v1/deadlines", t["viewer"])[1])
    status, body, headers = get(base, "/v1/deadlines?limit=3", t["viewer"])
    first = json.loads(body)
    assert status == 200 and first == everything[:3] and headers["total-count"] == str(len(everything))
    nxt = headers["next-cursor"]
    second = json.loads(get(base, f"/v1/deadlines?limit=3&cursor={nxt}", t["viewer"])[1])
    assert second == everything[3:6]
    for path in ("/v1/docs?limit=1", "/v1/crossrefs?limit=1", "/v1/align?lower=%E9%98%9C%E6%96%B0&limit=2"):
        status, body, _ = get(base, path, t["viewer"])
        assert status == 200 and len(json.loads(body)) <= 2
    status, body, _ = get(base, "/v1/deadlines?cursor=abc", t["viewer"])
    assert status == 400 and set(json.loads(body)) == {"error", "fix"}


def test_outline_and_a_whole_section(typed):
    base, _, t = typed
    status, body, _ = get(base, "/v1/documents/%E9%98%9C%E6%96%B0/outline", t["viewer"])  # 阜新
    tree = json.loads(body)
    assert status == 200 and tree["doc_id"] == "city_plan.txt"
    top = [h for h in tree["outline"] if h["section"]]
    assert top and sum(h["clauses"] for h in tree["outline"]) == tree["clauses"]
    child = next(h for h in top if h["children"])["children"][0]
    status, body, _ = get(base, f"/v1/documents/city/sections/{urllib.parse.quote(child['section'])}", t["viewer"])
    part = json.loads(body)
    assert status == 200 and len(part["clauses"]) == child["clauses"]
    assert all(c["section"].startswith(child["section"]) and c["citation"].startswith("《") for c in part["clauses"])
    status, body, _ = get(base, "/v1/documents/city/sections/%E4%B9%9D%E5%8D%81%E3%80%81", t["viewer"])  # 九十、
    assert status == 404 and "outline" in json.loads(body)["fix"]


@pytest.mark.parametrize(
    "method,path",
    [("GET", "/v1/nowhere"), ("DELETE", "/v1/search"), ("GET", "/v1/search"), ("PUT", "/v1/docs")],
)
def test_every_error_is_error_and_fix(typed, method, path):
    base, _, t = typed
    status, body, _ = call(base, path, t["viewer"], method)
    assert status in (400, 404, 405, 422) and set(json.loads(body)) == {"error", "fix"}


def test_service_tokens_rate_expiry_and_scope(typed):
    base, index, t = typed
    status, _, headers = get(base, "/v1/docs", t["viewer"])
    assert status == 200 and float(headers["ratelimit-limit"]) >= 100 and int(headers["ratelimit-remaining"]) >= 0
    statuses = [get(base, "/v1/health?x", t["slow"])[0] for _ in range(1)]  # public: not counted
    answers = [get(base, "/v1/docs", t["slow"]) for _ in range(4)]
    refused = [a for a in answers if a[0] == 429]
    assert statuses == [200] and refused, "a token made with --rate 1 is limited"
    status, body, headers = refused[0]
    assert int(headers["retry-after"]) >= 1 and "retry after" in json.loads(body)["error"]
    assert get(base, "/v1/docs", t["expired"])[0] == 401
    # a read-scoped token of an admin may read, not write
    assert get(base, "/v1/docs", t["read"])[0] == 200
    status, body, _ = get(base, "/v1/documents/city_plan.txt", t["read"], "DELETE")
    assert status == 403 and "viewer" in json.loads(body)["error"]


def test_a_rate_limited_mcp_call_is_a_tool_error_that_says_when_to_retry(typed):
    from mcp import ClientSession
    from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

    base, _, t = typed
    token = Tokens(typed[1]).make("chakan", rate=0.5)[1]  # a burst of 1

    async def use() -> list:
        client = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
        async with client, streamable_http_client(f"{base}/mcp", http_client=client) as (r, w, *_):
            async with ClientSession(r, w) as s:
                try:
                    await s.initialize()
                except Exception as exc:  # the initialize itself may be the refused call
                    return [str(exc)]
                return [await s.call_tool("list_documents", {}) for _ in range(3)]

    got = asyncio.run(use())
    texts = [g if isinstance(g, str) else g.content[0].text for g in got]
    assert any("rate limited, retry after" in x for x in texts)


def test_request_ids_metrics_and_health(typed):
    base, index, t = typed
    status, body, headers = get(base, "/v1/docs", t["viewer"], headers={"X-Request-ID": "req-abc-123"})
    assert headers["x-request-id"] == "req-abc-123"
    assert get(base, "/v1/docs", t["viewer"])[2]["x-request-id"]  # made when none is sent
    get(base, "/v1/documents/nothing.txt", t["viewer"], "DELETE", headers={"X-Request-ID": "req-refused-1"})
    assert any(e.get("request_id") == "req-refused-1" and e["action"] == "write_refused" for e in entries(index))
    health = json.loads(call(base, "/v1/health")[1])
    assert health["generation"] >= 1
    assert call(base, "/v1/metrics", t["viewer"])[0] == 403
    status, body, headers = call(base, "/v1/metrics", t["admin"])
    text = body.decode()
    assert status == 200 and "kb_requests_total{" in text and f"kb_index_generation {health['generation']}" in text


def test_no_answer_names_the_index_path(typed):
    """Every route of /openapi.json, its path filled with real values and its required parameters
    given, read and written with an admin's, a viewer's, a wrong and no token; plus unknown routes."""
    base, index, t = typed
    q = urllib.parse.quote
    hit = json.loads(call(base, f"/v1/search?q={q('黑臭水体')}", t["viewer"])[1])["hits"][0]
    item = json.loads(call(base, f"/v1/ledger?doc={q('阜新')}&limit=1", t["viewer"])[1])[0]
    values = {
        "clause_id": hit["clause_id"],
        "doc": q("阜新"),
        "section": q(hit["section"]),
        "doc_id": "nothing.txt",  # a write to a document that is not there: refused, nothing removed
        "item_id": item["item_id"],
        "sha256": "0" * 64,
        "q": q("黑臭水体"),
        "lower": q("阜新"),
        "old": "city",
        "new": "province",
    }
    spec = json.loads(call(base, "/openapi.json")[1])
    requests = [("GET", "/v1/nowhere"), ("GET", "/v1/documents/nothing/outline")]
    for route, operations in spec["paths"].items():
        if not route.startswith("/v1/"):
            continue
        path = route.format(**values)
        for method, op in operations.items():
            needed = [p["name"] for p in op.get("parameters", []) if p["in"] == "query" and p.get("required")]
            query = "&".join(f"{n}={values[n]}" for n in needed)
            requests.append((method.upper(), f"{path}?{query}" if query else path))
    assert len(requests) >= 23  # every route (21 operations) and two unknown ones
    secrets = {str(index), str(index.resolve()), str(index.parent)}
    json_headers = {"Content-Type": "application/json"}
    for token in (t["admin"], t["viewer"], "kb_wrong", None):
        for method, path in requests:
            data = b"{}" if method in ("POST", "PATCH") else None
            status, body, _ = call(base, path, token, method, data, json_headers if data else None)
            text = body.decode(errors="replace")
            assert not any(s in text for s in secrets), (method, path, status, text[:200])
    assert call(base, "/v1/docs", t["viewer"])[0] == 200  # the admin's writes removed nothing


def test_no_mcp_tool_answer_names_the_index_path(typed):
    """Every MCP tool, called over HTTP with good and bad arguments: no answer holds a server path."""
    from mcp import ClientSession
    from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

    base, index, t = typed
    calls = [
        ("search_clauses", {"query": "黑臭水体", "document": "阜新"}),
        ("search_clauses", {"query": "黑臭水体", "document": "不存在的文件"}),
        ("get_clause", {"clause_id": "nope-0001"}),
        ("list_deadlines", {"document": "阜新", "limit": 3}),
        ("align_documents", {"lower": "阜新", "limit": 3}),
        ("align_documents", {"lower": "nothing"}),
        ("list_documents", {}),
        ("check_quotes", {"text": "《阜新市“十四五”生态环境保护规划》要求“全面消除黑臭水体”。"}),
        ("compare_versions", {"old": "city", "new": "province"}),
        ("ledger", {"document": "阜新", "limit": 3}),
        ("ledger", {"document": "nothing"}),
        ("cross_references", {"limit": 3}),
    ]

    async def use() -> list[str]:
        client = create_mcp_http_client(headers={"Authorization": f"Bearer {t['admin']}"})
        async with client, streamable_http_client(f"{base}/mcp", http_client=client) as (r, w, *_):
            async with ClientSession(r, w) as s:
                await s.initialize()
                out = []
                for name, args in calls:
                    got = await s.call_tool(name, args)
                    out.append(json.dumps(got.model_dump(), ensure_ascii=False))
                return out

    secrets = {str(index), str(index.resolve()), str(index.parent)}
    answers = asyncio.run(use())
    assert len(answers) == len(calls)
    for (name, _), body in zip(calls, answers, strict=True):
        assert not any(s in body for s in secrets), (name, body[:300])
