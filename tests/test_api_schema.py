"""/openapi.json types every answer: real answers of every read endpoint validate against the
models (server/schemas.py), which forbid extra fields and require every field. A real uvicorn."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from pydantic import TypeAdapter

from server.schemas import (
    AlignRow,
    ClauseAnswer,
    CrossRef,
    DeadlineRow,
    DocumentOut,
    ErrorBody,
    Health,
    LedgerItem,
    Outline,
    SearchAnswer,
    Section,
)

from .test_api import call

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
                ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorBody"), (method, path, status)
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
