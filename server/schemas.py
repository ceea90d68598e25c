"""The API's answers as pydantic models, built from the same dataclasses the CLI's JSON comes from.

A clause, a hit, a deadline row and a document are the frozen dataclasses of ``kb.model`` (and the
row shapes of ``kb.tracking``), written by their ``to_dict``; the models below are derived from
those dataclasses' fields, so ``/openapi.json`` types every field a client reads and a field
added to a dataclass appears in the schema without a second list to keep. Every model forbids
extra fields: ``tests/test_api_schema.py`` validates real answers of every endpoint against them.
The answers themselves stay the CLI's bytes; the models describe them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from typing import Any, Union

from pydantic import BaseModel, ConfigDict, create_model

from kb.model import Clause, Deadline, Document, Hit, Target

STRICT = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    """Every refusal: what went wrong and what to do about it."""

    model_config = STRICT
    error: str
    fix: str


def _json_type(t: Any, models: dict[type, type[BaseModel]]) -> Any:
    """The JSON form of a dataclass field's type: tuples are lists, dates ISO strings, nested
    dataclasses their models."""
    origin = typing.get_origin(t)
    if t is dt.date:
        return str
    if t in models:
        return models[t]
    if origin is tuple:
        return list[_json_type(typing.get_args(t)[0], models)]
    if origin in (Union, types.UnionType):
        return typing.Optional[tuple(_json_type(a, models) for a in typing.get_args(t) if a is not type(None))[0]]  # noqa: UP045
    return t


def from_dataclass(
    cls: type, name: str, models: dict[type, type[BaseModel]], drop: tuple[str, ...] = (), **extra: Any
) -> type[BaseModel]:
    """A strict model of ``cls.to_dict()``: every field required, ``drop`` left out, ``extra`` added."""
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {
        f.name: (_json_type(hints[f.name], models), ...) for f in dataclasses.fields(cls) if f.name not in drop
    }
    fields.update({k: (v, ...) for k, v in extra.items()})
    return create_model(name, __config__=STRICT, __doc__=(cls.__doc__ or "").split("\n")[0], **fields)


_NESTED: dict[type, type[BaseModel]] = {}
DeadlineOut = from_dataclass(Deadline, "Deadline", _NESTED)
TargetOut = from_dataclass(Target, "Target", _NESTED)
_NESTED.update({Deadline: DeadlineOut, Target: TargetOut})
ClauseOut = from_dataclass(Clause, "Clause", _NESTED)
_HIT_OWN = {
    f.name: (_json_type(h, _NESTED))
    for f, h in ((f, typing.get_type_hints(Hit)[f.name]) for f in dataclasses.fields(Hit))
}
_HIT_OWN.pop("clause")
HitOut = from_dataclass(Clause, "Hit", _NESTED, **_HIT_OWN, citation=str)


class SearchAnswer(BaseModel):
    """``python -m kb search --json``: the query, the scope that steered it, the hits."""

    model_config = STRICT
    query: str
    scope: dict[str, Any]
    relevant: bool
    hits: list[HitOut]  # type: ignore[valid-type]


class ClauseAnswer(BaseModel):
    """``python -m kb cite ID --json``: a clause, its citation and its neighbours."""

    model_config = STRICT
    clause: ClauseOut  # type: ignore[valid-type]
    citation: str
    context: list[ClauseOut]  # type: ignore[valid-type]


DeadlineRow = from_dataclass(
    Clause,
    "DeadlineRow",
    _NESTED,
    drop=("deadlines",),
    raw=str,
    due=str,
    kind=str,
    status=str,
    start=typing.Optional[str],  # noqa: UP045
    inherited=bool,
    done_on=typing.Optional[str],  # noqa: UP045
    citation=str,
)


class Linked(BaseModel):
    model_config = STRICT
    doc_id: str
    title: str
    clause_ids: list[str]


class Unresolved(BaseModel):
    model_config = STRICT
    title: str
    count: int


DocumentOut = from_dataclass(
    Document,
    "Document",
    _NESTED,
    validity=dict[str, Any],
    cites=list[Linked],
    cited_by=list[Linked],
    unresolved=list[Unresolved],
)


class Health(BaseModel):
    """``GET /v1/health``: the index this worker serves."""

    model_config = STRICT
    status: str
    generation: int
    documents: int
    clauses: int


class Heading(BaseModel):
    """One heading of a document's outline, with the clauses at or under it."""

    model_config = STRICT
    section: str
    title: str
    clauses: int
    children: list[Heading]


class Outline(BaseModel):
    model_config = STRICT
    doc_id: str
    title: str
    doc_number: str
    clauses: int
    outline: list[Heading]


SectionClause = from_dataclass(Clause, "SectionClause", _NESTED, citation=str)


class Section(BaseModel):
    model_config = STRICT
    doc_id: str
    title: str
    section: str
    section_titles: list[str]
    clauses: list[SectionClause]  # type: ignore[valid-type]


class AlignSide(BaseModel):
    """A clause as a 对标对表 row names it (the upper one, or the lower counterpart)."""

    model_config = STRICT
    clause_id: str
    doc_id: str
    title: str
    doc_number: str
    section: str
    text: str
    page: int | None
    due: str | None
    targets: list[TargetOut]  # type: ignore[valid-type]
    lead_units: list[str]


class NearestSide(AlignSide):
    """A lower clause near a commitment that found no counterpart, with its score."""

    score: float


class AlignRow(BaseModel):
    """``python -m kb align --json``: one upper commitment, its lower counterpart and its status."""

    model_config = STRICT
    key: str
    commitment: str
    due: str | None
    due_basis: str
    targets: list[TargetOut]  # type: ignore[valid-type]
    upper: AlignSide
    lower: AlignSide | None
    status: str
    status_name: str
    reason: str
    score: float
    nearest: list[NearestSide]
    note: str


class CrossSide(BaseModel):
    model_config = STRICT
    clause_id: str
    doc_id: str
    title: str
    section: str
    text: str
    due: str
    level: str


class CrossRef(BaseModel):
    """``python -m kb deadlines --crossref --json``: the same task at two levels, the higher first."""

    model_config = STRICT
    similarity: float
    days: int
    lower_is_later: bool
    a: CrossSide
    b: CrossSide


class LedgerItem(BaseModel):
    """``python -m kb ledger list --json``: one 台账 item and what the office recorded of it."""

    model_config = STRICT
    item_id: str
    clause_id: str
    doc_id: str
    section: str
    text: str
    citation: str
    role: str
    lead_units: list[str]
    partner_units: list[str]
    due: list[str]
    due_basis: str
    targets: list[TargetOut]  # type: ignore[valid-type]
    status: str
    status_name: str
    progress: str
    done_on: str | None
    actuals: dict[str, Any]
    bases: dict[str, Any]
    met: dict[str, Any]
    evidence: list[dict[str, Any]]
    overdue: bool
    flags: list[str]
    history: list[dict[str, Any]]


ERRORS = {
    status: {"model": ErrorBody, "description": what}
    for status, what in (
        (400, "a value that cannot be read; the fix names the right form"),
        (401, "no token, or an unknown, revoked or expired one"),
        (403, "the caller's role may not do this"),
        (404, "no such document, clause, section or route; the fix names close matches or the listing"),
        (413, "a body over the limit, refused from Content-Length before it is read"),
        (422, "a parameter of the wrong type"),
        (429, "rate limited: wait Retry-After seconds"),
    )
}


def ok(model: type[BaseModel], what: str = "") -> dict:
    """The ``responses`` of a route answering ``model``, every refusal declared as ``ErrorBody``."""
    return {200: {"model": model, "description": what or (model.__doc__ or "").strip()}, **ERRORS}


class RevisionDoc(BaseModel):
    """One version of a 修订对照: the document as the 对照表 heads it."""

    model_config = STRICT
    doc_id: str
    title: str
    doc_number: str
    issuer: str
    date: str


class RevisionSide(BaseModel):
    """The clause(s) of one version in a row, joined, with what they commit to."""

    model_config = STRICT
    clause_id: str
    section: str
    text: str
    targets: list[TargetOut]  # type: ignore[valid-type]
    deadlines: list[DeadlineOut]  # type: ignore[valid-type]


class RevisionRow(BaseModel):
    """One row of the 修订对照表: same, modified, moved, added or deleted, with its changes."""

    model_config = STRICT
    kind: str
    old: RevisionSide | None
    new: RevisionSide | None
    changes: list[dict[str, Any]]
    note: str
    ledger_status: str | None
    flags: list[str]


class RevisionAnswer(BaseModel):
    """``python -m kb diff OLD NEW --json``: the two versions, the rows in the new version's order, the counts."""

    model_config = STRICT
    old: RevisionDoc
    new: RevisionDoc
    rows: list[RevisionRow]
    counts: dict[str, int]


class QuoteVerdictOut(BaseModel):
    """A quotation of the draft: exact, elsewhere, differs or not_found, with the true text and the diff."""

    model_config = STRICT
    text: str
    status: str
    doc_id: str
    clause_id: str
    citation: str
    true_text: str
    diff: list[dict[str, Any]]
    claimed_doc: str
    validity: str
    start: int
    end: int


class RefVerdictOut(BaseModel):
    """A 《title》 (and 文号) the draft cites: ok, title_differs, number_wrong, unverifiable or not_in_kb."""

    model_config = STRICT
    text: str
    status: str
    doc_id: str
    title: str
    doc_number: str
    suggestion: str
    start: int
    end: int


class CheckAnswer(BaseModel):
    """``python -m kb check DRAFT --json``: every quotation and reference of the draft, judged."""

    model_config = STRICT
    quotes: list[QuoteVerdictOut]
    references: list[RefVerdictOut]


class Refused(BaseModel):
    model_config = STRICT
    file: str
    reason: str


class UploadAnswer(BaseModel):
    """``POST /v1/documents``: the files added, updated, unchanged and refused (422 when none was taken)."""

    model_config = STRICT
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    refused: list[Refused]


class Removed(BaseModel):
    """``DELETE /v1/documents/{doc_id}``: the documents removed."""

    model_config = STRICT
    removed: list[str]


class Edited(BaseModel):
    """``PATCH /v1/documents/{doc_id}``: the document and the fields changed."""

    model_config = STRICT
    doc_id: str
    changed: list[str]


def bytes_answer(media_type: str, what: str) -> dict:
    """The ``responses`` of a route answering bytes of ``media_type`` (a file, metrics text); its
    refusals are still ``ErrorBody`` JSON, named outright since the route's own type is not JSON."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    refusals = {status: {"description": e["description"], "content": error} for status, e in ERRORS.items()}
    return {200: {"content": {media_type: {"schema": {"type": "string"}}}, "description": what}, **refusals}


FILE_FORMATS = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "the Excel file (format=xlsx)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "the Word file (format=docx)",
}


def ok_or_files(model: type[BaseModel], what: str = "") -> dict:
    """``ok(model)`` for a route that answers a Word or Excel file when asked (``format=``)."""
    answer = ok(model, what)
    answer[200]["content"] = {m: {"schema": {"type": "string", "format": "binary"}} for m in FILE_FORMATS}
    return answer
