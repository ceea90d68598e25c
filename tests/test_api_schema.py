"""/openapi.json types every answer: real answers of every read endpoint validate against the
models (server/schemas.py), which forbid extra fields and require every field. A real uvicorn."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from pydantic import TypeAdapter

from server.schemas import (
    AlignRow,
    CheckAnswer,
    ClauseAnswer,
    CrossRef,
    DeadlineRow,
    DocumentOut,
    Edited,
    ErrorBody,
    Health,
    LedgerItem,
    Outline,
    Removed,
    RevisionAnswer,
    SearchAnswer,
    Section,
    UploadAnswer,
)

from .conftest import DATA
from .test_api import call, multipart

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def served(fake_index):
    from .test_api import api_server

    with api_server(fake_index) as base:  # loopback, no account: no token needed
        yield base


def answer(base: str, path: str) -> tuple[int, bytes]:
    status, body, _ = call(base, path)
    return status, body


def test_the_openapi_document_names_every_model_the_bearer_scheme_and_every_error(served):
    doc = json.loads(answer(served, "/openapi.json")[1])
    names = set(doc["components"]["schemas"])
    assert {"Hit", "Clause", "Deadline", "Target", "DeadlineRow", "Document", "ErrorBody", "SearchAnswer"} <= names
    assert {"AlignRow", "CrossRef", "LedgerItem", "Outline", "Section"} <= names
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    hit = doc["components"]["schemas"]["Hit"]
    assert {"clause_id", "text", "citation", "lead_units", "deadlines", "score"} <= set(hit["properties"])
    assert hit["additionalProperties"] is False
    for path, operations in doc["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, op in operations.items():
            for status in ("400", "401", "403", "404", "422", "429"):
                schema = op["responses"][status]["content"]["application/json"]["schema"]
                refs = [schema.get("$ref", "")] + [s.get("$ref", "") for s in schema.get("anyOf", [])]
                assert any(r.endswith("/ErrorBody") for r in refs), (method, path, status)
            if path != "/v1/health":
                assert op["security"] == [{"bearer": []}], (method, path)
    search = doc["paths"]["/v1/search"]["get"]
    params = {p["name"]: p for p in search["parameters"]}
    assert all(p.get("description") for p in params.values())
    assert "市" in params["level"]["schema"]["items"]["enum"] and "task" in params["role"]["schema"]["items"]["enum"]


def test_real_answers_validate_against_the_models(served):
    q = urllib.parse.quote
    search = json.loads(answer(served, f"/v1/search?q={q('黑臭水体什么时候消除')}")[1])
    SearchAnswer.model_validate(search)
    clause_id = search["hits"][0]["clause_id"]
    ClauseAnswer.model_validate_json(answer(served, f"/v1/clauses/{clause_id}?context=1")[1])
    TypeAdapter(list[DeadlineRow]).validate_json(answer(served, "/v1/deadlines")[1])
    TypeAdapter(list[DocumentOut]).validate_json(answer(served, "/v1/docs")[1])
    Health.model_validate_json(answer(served, "/v1/health")[1])
    aligned = TypeAdapter(list[AlignRow]).validate_json(answer(served, f"/v1/align?lower={q('阜新')}")[1])
    assert any(r.lower is None for r in aligned) and any(r.lower for r in aligned)  # both shapes validated
    TypeAdapter(list[CrossRef]).validate_json(answer(served, "/v1/crossrefs")[1])
    TypeAdapter(list[LedgerItem]).validate_json(answer(served, f"/v1/ledger?doc={q('阜新')}")[1])
    outline = Outline.model_validate_json(answer(served, f"/v1/documents/{q('阜新')}/outline")[1])
    first = next(h for h in outline.outline if h.section)
    Section.model_validate_json(answer(served, f"/v1/documents/city/sections/{q(first.section)}")[1])
    for path in ("/v1/clauses/nope-0001", "/v1/nowhere", f"/v1/search?q={q('x')}&top=0", "/v1/search"):
        status, body = answer(served, path)
        assert status >= 400
        ErrorBody.model_validate_json(body)


def test_a_model_refuses_an_extra_or_a_missing_field(served):
    from pydantic import ValidationError

    search = json.loads(answer(served, f"/v1/search?q={urllib.parse.quote('黑臭水体')}")[1])
    extra = dict(search, hits=[dict(search["hits"][0], surprise=1)])
    missing = dict(search, hits=[{k: v for k, v in search["hits"][0].items() if k != "citation"}])
    for bad in (extra, missing):
        with pytest.raises(ValidationError):
            SearchAnswer.model_validate(bad)


def test_every_route_types_its_answer_and_describes_every_parameter(served):
    """No 200 is the empty schema, no parameter or body field goes without a description."""
    doc = json.loads(answer(served, "/openapi.json")[1])
    schemas = doc["components"]["schemas"]
    for path, operations in doc["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, op in operations.items():
            content = op["responses"]["200"].get("content", {})
            assert content and all(c.get("schema") for c in content.values()), (method, path)
            for p in op.get("parameters", []):
                assert p.get("description"), (method, path, p["name"])
            for body in op.get("requestBody", {}).get("content", {}).values():
                name = body["schema"].get("$ref", "").rsplit("/", 1)[-1]
                for field, spec in schemas.get(name, {}).get("properties", {}).items():
                    assert spec.get("description"), (method, path, field)
    for path in ("/v1/diff", "/v1/align"):
        formats = doc["paths"][path]["get"]["responses"]["200"]["content"]
        assert formats["application/json"]["schema"] and len(formats) == 3  # json, xlsx, docx


@pytest.fixture(scope="module")
def writable(tmp_path_factory, fake_index):
    import shutil

    from .test_api import api_server

    index = tmp_path_factory.mktemp("schema-writes") / "index"
    shutil.copytree(fake_index, index)
    with api_server(index) as base:  # loopback, no account: the one person may write
        yield base


def test_the_answers_of_diff_check_and_every_write_validate(writable):
    base = writable
    q = urllib.parse.quote
    JSON = {"Content-Type": "application/json"}

    def send(path, method, data=b"", headers=None):
        status, body, _ = call(base, path, None, method, data, headers or JSON)
        assert status == 200, (path, body[:300])
        return body

    RevisionAnswer.model_validate_json(answer(base, "/v1/diff?old=city&new=province&ledger=true")[1])
    draft = "《阜新市“十四五”生态环境保护规划》要求“全面消除黑臭水体”，并“到2030年全部完成”。"
    CheckAnswer.model_validate_json(send("/v1/check", "POST", json.dumps({"text": draft}).encode()))
    item = json.loads(answer(base, f"/v1/ledger?doc={q('阜新')}&limit=1")[1])[0]
    change = json.dumps({"status": "in_progress", "progress": "已开工"}).encode()
    LedgerItem.model_validate_json(send(f"/v1/ledger/{item['item_id']}", "PATCH", change))
    pdf, headers = multipart([("验收报告.pdf", b"%PDF-1.4\n%%EOF\n")], field="file")
    LedgerItem.model_validate_json(send(f"/v1/ledger/evidence/{item['item_id']}", "POST", pdf, headers))
    row = json.loads(answer(base, f"/v1/align?lower={q('阜新')}&limit=1")[1])[0]
    mark = json.dumps({"lower": "阜新", "key": row["key"], "applicability": "not_applicable", "note": "不涉及"})
    AlignRow.model_validate_json(send("/v1/align/marks", "POST", mark.encode()))
    text = (DATA / "city_plan.txt").read_bytes().replace("阜新".encode(), "彰武".encode())
    files, headers = multipart([("zhangwu_plan.txt", text)])
    added = UploadAnswer.model_validate_json(send("/v1/documents", "POST", files, headers))
    (doc_id,) = added.added
    edit = json.dumps({"doc_number": "彰政发〔2021〕9号"}).encode()
    Edited.model_validate_json(send(f"/v1/documents/{doc_id}", "PATCH", edit))
    Removed.model_validate_json(send(f"/v1/documents/{doc_id}", "DELETE"))
    empty, headers = multipart([("empty.txt", b"")])
    status, body, _ = call(base, "/v1/documents", None, "POST", empty, headers)
    assert status == 422 and UploadAnswer.model_validate_json(body).refused  # every file refused, with its reason
