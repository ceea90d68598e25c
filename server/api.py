"""The HTTP API (FastAPI on uvicorn): ``/v1/...`` answers are the CLI's JSON, byte for byte.

Reads follow new index generations as the app does (a document uploaded in the app is searchable
here at once, and the reverse); writes go through the same ingest pipeline, limits and audit log
as the app, with ``"via": "api"`` on their audit lines. Errors are ``{"error", "fix"}`` with the
right status. MCP (streamable HTTP, stateless) is served at ``/mcp`` with the same tokens.
The documentation page (``/docs``) serves Swagger UI from the installed package: no CDN.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import secrets
import urllib.parse
from pathlib import Path

from fastapi import File, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

import kb
from ingest.edit import edit_metadata
from ingest.pipeline import ingest
from ingest.read import MAX_BINARY_MB
from ingest.uploads import add_uploads
from kb import service
from kb.errors import KBError, NotFound
from kb.office import audit
from kb.office.accounts import User
from kb.policy.roles import ROLES
from kb.reports.align_report import to_docx, to_xlsx
from kb.search.live import LiveIndex
from kb.store import STORE_ENV
from kb.tracking.align_marks import APPLICABILITY
from kb.tracking.ledger import STATUSES as LEDGER_STATUSES
from kb.tracking.ledger import Ledger, can_update
from server import mcp_tools, metrics
from server.gate import Gate, GateError, require_admin
from server.limits import BodyLimit
from server.schemas import (
    FILE_FORMATS,
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
    bytes_answer,
    ok,
    ok_or_files,
)

INDEX_ENV, ADDRESS_ENV = "KB_INDEX", "KB_API_ADDRESS"
LEVEL_VALUES = list(service.LEVEL_BY_NAME)
ROLE_VALUES = [*ROLES, *ROLES.values()]
DEADLINE_STATUSES = tuple(service.STATUS_NAMES)
CORS_ENV = "KB_API_CORS_ORIGINS"  # comma-separated origins allowed to call from a browser page
PUBLIC = ("/v1/health", "/docs", "/openapi.json", "/static-offline-docs")
MAX_FILES = 20
MAX_UPLOAD_BYTES = MAX_FILES * MAX_BINARY_MB * 1024 * 1024
ONE_FILE_BYTES = MAX_BINARY_MB * 1024 * 1024 + 64 * 1024  # one file and its multipart framing
XLSX, DOCX = FILE_FORMATS


def error_body(message: str) -> dict[str, str]:
    """``{"error", "fix"}`` from a ``KBError`` message, whose last ``;``-part names the fix."""
    error, sep, fix = message.rpartition("; ")
    return {"error": error, "fix": fix} if sep else {"error": message, "fix": "see /docs for this request's parameters"}


def json_body(obj) -> Response:
    """The CLI's ``--json`` output as the body, byte for byte (``print`` adds the newline)."""
    return Response(service.dumps(obj) + "\n", media_type="application/json")


LIMIT = Query(default=None, ge=1, description="rows a page (default: all); the next page's cursor is in Next-Cursor")
CURSOR = Query(default=None, description="the Next-Cursor header of the previous page")
DOC_NAME = "a document: file id or its prefix, 文号, title or a distinctive part of it, or a place (阜新)"
AS_OF = "the day statuses and validity are judged on, YYYY-MM-DD (default today)"
UNIT = "a lead or partner unit, or part of its name"
FORMAT = Query(
    default="json",
    description="json (the CLI's answer), or xlsx/docx for the office file",
    json_schema_extra={"enum": ["json", "xlsx", "docx"]},
)
ITEM_ID = PathParam(description="a 台账 item (its item_id from /v1/ledger)")
DOC_ID = PathParam(description="the document's file id (doc_id from /v1/docs)")
# An upload that takes no file answers 422 with every file's refusal, as a 200 lists them.
UPLOAD_RESPONSES = {
    **ok(UploadAnswer),
    422: {
        "model": UploadAnswer | ErrorBody,
        "description": "no file taken (each refused with its reason), or no file sent",
    },
}


def paged(rows: list, limit: int | None, cursor: str | None) -> Response:
    """A listing's page as the CLI's JSON list, the next page's cursor in ``Next-Cursor`` (send it
    back as ``cursor`` with the same filters and limit) and the listing's size in ``Total-Count``."""
    part, after = service.page(rows, limit, cursor)
    response = json_body(part)
    if after is not None:
        response.headers["Next-Cursor"] = after
    response.headers["Total-Count"] = str(len(rows))
    return response


class LedgerUpdate(BaseModel):
    """A ledger item's new values; omitted ones stay as they are."""

    status: str | None = Field(None, description="an item status, its code or its name (已完成)")
    progress: str | None = Field(None, description="进展: what was done, in words")
    done_on: str | None = Field(None, description="完成日期, YYYY-MM-DD")
    actuals: dict[str, dict] | None = Field(
        None, description='实际值 by indicator: {"空气优良天数比例": {"value": 88.5, "year": 2025}}'
    )
    bases: dict[str, float | str] | None = Field(None, description="基期值 by indicator, for relative targets")
    evidence: list[dict] | None = Field(None, description='佐证材料 links to add: [{"url": "…", "name": "…"}]')
    remove_evidence: int | None = Field(None, description="the position of an evidence entry to remove (管理 only)")
    lead_units: list[str] | None = Field(None, description="牵头单位, replacing the clause's own (管理 only)")
    partner_units: list[str] | None = Field(None, description="参与单位, replacing the clause's own (管理 only)")


class AlignMark(BaseModel):
    """A reviewer's mark on one 对标对表 commitment (its ``key`` from ``/v1/align``)."""

    lower: str = Field(description="the plan checked (本级): " + DOC_NAME)
    key: str = Field(description="the row's key from /v1/align")
    applicability: str = Field(
        "auto",
        description="applicable or not_applicable by hand, or auto",
        json_schema_extra={"enum": list(APPLICABILITY)},
    )
    note: str | None = Field(None, description="备注, kept across re-runs")


class MetadataEdit(BaseModel):
    """The fields 文件管理 corrects; omitted ones stay as they are."""

    title: str | None = Field(None, description="标题")
    issuer: str | None = Field(None, description="发文机关")
    doc_number: str | None = Field(None, description="文号")
    date: str | None = Field(None, description="成文日期, YYYY-MM-DD")
    level: str | None = Field(None, description="层级", json_schema_extra={"enum": LEVEL_VALUES})


def openapi_with_bearer(app, build) -> dict:
    """The OpenAPI document with the bearer scheme (Authorize in /docs) on every route but the
    public ones, built once."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = build()
    schema.setdefault("components", {}).setdefault("securitySchemes", {})["bearer"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "a token from: python -m kb users token NAME (on loopback with no account, none is needed)",
    }
    for path, operations in schema["paths"].items():
        for op in operations.values():
            op["security"] = [] if path.startswith(PUBLIC) else [{"bearer": []}]
    app.openapi_schema = schema
    return schema


async def mcp_refusal(request: Request, exc: GateError, headers: dict) -> JSONResponse:
    """A refused MCP call answered in MCP's terms: a tool call gets a tool error an assistant shows
    ("rate limited, retry after N s"), any other message a JSON-RPC error with the same words."""
    try:
        message = json.loads(await request.body())
    except ValueError:
        message = {}
    ident = message.get("id") if isinstance(message, dict) else None
    if isinstance(message, dict) and message.get("method") == "tools/call":
        body = {
            "jsonrpc": "2.0",
            "id": ident,
            "result": {"content": [{"type": "text", "text": f"Error: {exc.error}; {exc.fix}"}], "isError": True},
        }
    else:
        body = {"jsonrpc": "2.0", "id": ident, "error": {"code": -32000, "message": f"{exc.error}; {exc.fix}"}}
    return JSONResponse(body, 200, headers=headers)


def create_app(index_dir: str | Path = "index", store: str | None = None, address: str = "127.0.0.1"):
    """The API over one index folder (and store), as served on ``address``."""
    index_dir = Path(index_dir)
    if store is not None:
        os.environ[STORE_ENV] = store  # uploads and edits in this process write where reads come from
    live = LiveIndex(index_dir, store, home=service.home_of(None))
    gate = Gate(index_dir, address)
    mcp = mcp_tools.build(live)
    mcp_app = mcp.streamable_http_app(
        streamable_http_path="/mcp", stateless_http=True, json_response=True, host=address
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        async with mcp.session_manager.run():
            yield

    app = FastAPIOffline(
        title="政策条款知识库 API",
        version=kb.__version__,
        description="Verbatim policy clauses with citations, deadlines, 对标对表. Errors are {error, fix}.",
        lifespan=lifespan,
        redoc_url=None,
    )
    app.openapi = functools.partial(openapi_with_bearer, app, app.openapi)
    app.router.routes.extend(r for r in mcp_app.routes if isinstance(r, Route))
    app.add_middleware(
        BodyLimit,
        uploads={
            "/v1/documents": MAX_UPLOAD_BYTES,
            **dict.fromkeys(("/v1/ledger/evidence/", "/v1/check", "/v1/diff"), ONE_FILE_BYTES),
        },
    )
    origins = [o.strip() for o in os.environ.get(CORS_ENV, "").split(",") if o.strip()]
    if origins:  # off unless configured: a browser page elsewhere cannot call the API with a user's token
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )

    @app.middleware("http")
    async def authenticate(request: Request, call_next):
        path = request.url.path
        request_id = request.headers.get("x-request-id", "")[:64] or secrets.token_hex(8)
        request.state.request_id = request_id
        allowance = None
        if not path.startswith(PUBLIC):
            try:
                request.state.user, allowance = gate.admit(request.headers.get("authorization"))
            except GateError as exc:
                headers = {"X-Request-ID": request_id}
                if exc.status == 401:
                    headers["WWW-Authenticate"] = "Bearer"
                if exc.status == 429:
                    headers.update({"Retry-After": str(exc.retry_after), "RateLimit-Remaining": "0"})
                    if path.startswith("/mcp"):  # an assistant sees why, as a tool error, not a bare 429
                        return await mcp_refusal(request, exc, headers)
                return JSONResponse({"error": exc.error, "fix": exc.fix}, exc.status, headers=headers)
        if path.startswith("/mcp") and request.method == "GET":
            # The server is stateless and answers every call in its response: it offers no event
            # stream (the MCP spec's 405), so no stream is held open, counted or left idle.
            return JSONResponse(
                {"error": "no event stream at /mcp", "fix": "POST each JSON-RPC message to /mcp"},
                405,
                headers={"Allow": "POST"},
            )
        with audit.request_context(request_id):
            response = await call_next(request)
        response.headers["X-Request-ID"] = request_id
        if allowance is not None:
            response.headers["RateLimit-Limit"] = f"{allowance.limit:g}"
            response.headers["RateLimit-Remaining"] = str(allowance.remaining)
        metrics.count(request.method, path, response.status_code)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def routing(request: Request, exc: StarletteHTTPException):
        """Unknown routes and wrong methods answer {error, fix} as every other error does."""
        if exc.status_code == 404:
            body = {"error": f"no route {request.url.path}", "fix": "see /docs for the routes"}
        elif exc.status_code == 405:
            body = {
                "error": f"{request.method} is not allowed on {request.url.path}",
                "fix": "see /docs for its methods",
            }
        else:
            body = {"error": str(exc.detail), "fix": "see /docs for this request"}
        return JSONResponse(body, exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(GateError)
    async def refused(_request, exc: GateError):
        return JSONResponse({"error": exc.error, "fix": exc.fix}, exc.status)

    folders = sorted({str(Path(index_dir)), str(Path(index_dir).resolve())}, key=len, reverse=True)

    def refusal(exc: Exception, status: int) -> JSONResponse:
        """A ``KBError`` as ``{error, fix}``; a server folder a message names, should one slip
        through from the core (where the CLI's user may read it), is not sent."""
        text = str(exc)
        for folder in folders:
            text = text.replace(folder, "the index")
        return JSONResponse(error_body(text), status)

    @app.exception_handler(NotFound)
    async def not_found(_request, exc: NotFound):
        return refusal(exc, 404)

    @app.exception_handler(KBError)
    async def bad_request(_request, exc: KBError):
        return refusal(exc, 400)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse(
            {
                "error": f"{where}: {first.get('msg', 'invalid value')}",
                "fix": "see /docs for this request's parameters",
            },
            422,
        )

    def user_of(request: Request) -> User:
        return request.state.user

    @app.get("/v1/health", responses=ok(Health))
    def health():
        """Whether the index loads: its generation and counts. No authentication."""
        ix = live.index
        return {"status": "ok", "generation": ix.generation, "documents": len(ix.docs), "clauses": len(ix.clauses)}

    @app.get("/v1/search", responses=ok(SearchAnswer))
    def search(
        request: Request,
        q: str = Query(description="a topic, a question, a statement to check, an article (办法第十六条)"),
        top: int = Query(default=5, description="how many hits (1–50)"),
        doc: list[str] = Query(default=[], description="documents to search: file id, title or part, 文号, place"),
        issuer: str = Query(default="", description="text the issuer must contain"),
        date_from: str | None = Query(
            default=None, alias="from", description="documents dated on or after (YYYY-MM-DD)"
        ),
        date_to: str | None = Query(default=None, alias="to", description="documents dated on or before (YYYY-MM-DD)"),
        has_deadline: bool = Query(default=False, description="only clauses with a deadline"),
        unit: str = Query(default="", description="a lead or partner unit, or part of its name"),
        level: list[str] = Query(
            default=[], description="levels of government", json_schema_extra={"items": {"enum": LEVEL_VALUES}}
        ),
        in_force: bool = Query(default=False, description="only documents in force on as_of"),
        as_of: str | None = Query(default=None, description="the day validity is judged on (default today)"),
        home: str | None = Query(default=None, description="the home jurisdiction for ties ('' for none)"),
        role: list[str] = Query(
            default=[], description="clause roles to keep", json_schema_extra={"items": {"enum": ROLE_VALUES}}
        ),
    ):
        """``python -m kb search QUERY --json``, with every filter of the command line."""
        filters = service.make_filters(
            doc, issuer, date_from, date_to, has_deadline, unit, level, in_force, as_of, role
        )
        home = home if home is not None else service.home_for(index_dir, user_of(request).name)
        return json_body(service.search_results(live.searcher, q, top, filters, home).to_dict())

    @app.get("/v1/clauses/{clause_id}", responses=ok(ClauseAnswer))
    def clause(
        clause_id: str = PathParam(description="a clause id from a hit or a row (city-0042)"),
        context: int = Query(default=0, ge=0, description="neighbouring clauses to include each side"),
        raw: bool = Query(default=False, description="the text as extracted, ASCII punctuation unfolded"),
    ):
        """``python -m kb cite CLAUSE_ID --json``: the clause, its citation and its neighbours."""
        return json_body(service.clause(live.index, clause_id, context, raw))

    @app.get("/v1/deadlines", responses=ok(list[DeadlineRow], "deadline rows, by due date"))
    def deadlines(
        doc: str | None = Query(default=None, description=DOC_NAME),
        after: str | None = Query(default=None, description="due on or after, YYYY-MM-DD"),
        before: str | None = Query(default=None, description="due on or before, YYYY-MM-DD"),
        kind: list[str] = Query(
            default=[],
            description="by (完成时限), start (起始), during (期间)",
            json_schema_extra={"items": {"enum": list(service.KINDS)}},
        ),
        unit: str = Query(default="", description=UNIT),
        as_of: str | None = Query(default=None, description=AS_OF),
        status: list[str] = Query(
            default=[],
            description="deadline statuses to keep",
            json_schema_extra={"items": {"enum": list(DEADLINE_STATUSES)}},
        ),
        limit: int | None = LIMIT,
        cursor: str | None = CURSOR,
    ):
        """``python -m kb deadlines --json``."""
        return paged(
            service.deadlines(
                live.index,
                doc=doc,
                after=after,
                before=before,
                kinds=kind,
                unit=unit,
                as_of=as_of,
                statuses=status,
                state_dir=index_dir,
            ),
            limit,
            cursor,
        )

    @app.get("/v1/crossrefs", responses=ok(list[CrossRef], "the same task at two levels"))
    def crossrefs(limit: int | None = LIMIT, cursor: str | None = CURSOR):
        """``python -m kb deadlines --crossref --json``."""
        return paged(service.crossrefs(live.index), limit, cursor)

    @app.get("/v1/align", responses=ok_or_files(list[AlignRow], "one row per upper commitment"))
    def align(
        lower: str = Query(description="the plan checked (本级): " + DOC_NAME),
        against: list[str] = Query(default=[], description="the upper documents (default: every higher level's)"),
        unit: str = Query(default="", description=UNIT),
        status: list[str] = Query(
            default=[],
            description="row statuses to keep",
            json_schema_extra={"items": {"enum": list(service.ALIGN_STATUSES)}},
        ),
        format: str = FORMAT,
        as_of: str | None = Query(default=None, description=AS_OF),
        limit: int | None = LIMIT,
        cursor: str | None = CURSOR,
    ):
        """``python -m kb align --doc LOWER --json``; ``format=xlsx|docx`` for the reports."""
        rows, title = service.align_rows(live.index, lower, against, unit, status, state_dir=index_dir)
        if format == "json":
            return paged([r.to_dict() for r in rows], limit, cursor)
        writers = {"xlsx": (to_xlsx, XLSX), "docx": (to_docx, DOCX)}
        if format not in writers:
            raise KBError(f"unknown format {format!r}; use json, xlsx or docx")
        write, mime = writers[format]
        day = service.date_or_none(as_of) or dt.date.today()
        return Response(
            write(rows, title, day),
            media_type=mime,
            headers={"Content-Disposition": f"attachment; filename=align.{format}"},
        )

    @app.post("/v1/align/marks", responses=ok(AlignRow, "the row as it now reads"))
    def align_mark(request: Request, mark: AlignMark):
        """``python -m kb align --doc LOWER --mark KEY --set … --note … --json`` (管理 only): 不适用/适用
        by hand and a 备注, kept across re-runs; answers the row as it now reads."""
        user = user_of(request)
        require_admin(user, index_dir, mark.lower)
        return json_body(
            service.mark_align_row(
                live.index, index_dir, mark.lower, mark.key, user, mark.applicability, mark.note, via="api"
            )
        )

    @app.get("/v1/docs", responses=ok(list[DocumentOut], "the documents"))
    def docs(
        as_of: str | None = Query(default=None, description=AS_OF),
        limit: int | None = LIMIT,
        cursor: str | None = CURSOR,
    ):
        """``python -m kb docs --json``: every document with its period, validity and successor."""
        return paged(service.documents(live.index, as_of), limit, cursor)

    @app.get("/v1/documents/{doc}/outline", responses=ok(Outline))
    def outline(doc: str = PathParam(description=DOC_NAME)):
        """A document's headings tree, each heading with the number of clauses at or under it. ``doc``
        is a file id, a 文号, a title or a distinctive part of it, or a place (阜新)."""
        return json_body(service.outline(live.index, doc))

    @app.get("/v1/documents/{doc}/sections/{section}", responses=ok(Section))
    def section(
        doc: str = PathParam(description=DOC_NAME),
        section: str = PathParam(description="a section as cited: 三、（一）, 第三章第十八条"),
    ):
        """A whole section (三、（一）, 第三章第十八条), its clauses in order, each with its citation."""
        return json_body(service.section(live.index, doc, section))

    @app.get(
        "/v1/metrics", responses=bytes_answer("text/plain", "Prometheus text format"), response_class=PlainTextResponse
    )
    def metrics_page(request: Request):
        """Request counts and the index generation, Prometheus text format (管理 only)."""
        require_admin(user_of(request), None, "metrics")
        ix = live.index
        return Response(
            metrics.render(ix.generation, len(ix.docs), len(ix.clauses)), media_type="text/plain; version=0.0.4"
        )

    @app.post("/v1/documents", responses=UPLOAD_RESPONSES)
    async def upload(
        request: Request,
        files: list[UploadFile] = File(..., description="up to 20 files: .txt, .docx, .pdf, .ofd, .doc/.wps"),
        replace: bool = Query(default=False, description="replace a document of the same file name"),
    ):
        """Add documents (管理 only): the app's pipeline, limits, refusals and audit lines. A file named
        as a document already there is refused unless ``replace=true``."""
        user = user_of(request)
        require_admin(user, index_dir, request.url.path.rsplit("/", 1)[-1])
        size = int(request.headers.get("content-length") or 0)
        if size > MAX_UPLOAD_BYTES or len(files) > MAX_FILES:
            return JSONResponse(
                {"error": "upload too large", "fix": f"send at most {MAX_FILES} files of {MAX_BINARY_MB} MB each"}, 413
            )
        payload = [(f.filename or "", await f.read()) for f in files]
        existing = {d.doc_id: d.sha256 for d in live.index.docs.values()}
        report, refused = add_uploads(index_dir, payload, user=user.name, via="api", existing=existing, replace=replace)
        body = {
            "added": [Path(p).name for p in report.added] if report else [],
            "updated": [Path(p).name for p in report.updated] if report else [],
            "unchanged": [Path(p).name for p in report.unchanged] if report else [],
            "refused": [{"file": n, "reason": r} for n, r in refused]
            + [{"file": Path(p).name, "reason": r} for p, r in (report.skipped if report else [])],
        }
        return JSONResponse(body, 200 if body["added"] or body["updated"] or body["unchanged"] else 422)

    @app.delete("/v1/documents/{doc_id}", responses=ok(Removed))
    def remove(request: Request, doc_id: str = DOC_ID):
        """Remove a document (管理 only); an uploaded file goes with it, its audit lines stay."""
        user = user_of(request)
        require_admin(user, index_dir, request.url.path.rsplit("/", 1)[-1])
        report = ingest([], index_dir, remove=[doc_id], user=user.name, store=store, via="api")
        return {"removed": report.removed}

    @app.patch("/v1/documents/{doc_id}", responses=ok(Edited))
    def edit(request: Request, changes: MetadataEdit, doc_id: str = DOC_ID):
        """Correct a document's metadata (管理 only), as 文件管理 does: no re-encoding."""
        user = user_of(request)
        require_admin(user, index_dir, request.url.path.rsplit("/", 1)[-1])
        fields = {k: v for k, v in changes.model_dump().items() if v is not None}
        if not fields:
            raise KBError("nothing to change; send any of title, issuer, doc_number, date, level")
        edit_metadata(index_dir, doc_id, fields, user.name, store=store, via="api")
        return {"doc_id": doc_id, "changed": sorted(fields)}

    @app.get("/v1/ledger", responses=ok(list[LedgerItem], "the 台账 items"))
    def ledger_list(
        doc: str = Query(description="the plan whose 台账 to list: " + DOC_NAME),
        unit: str = Query(default="", description=UNIT),
        status: str | None = Query(
            default=None,
            description="an item status, its code or its name",
            json_schema_extra={"enum": [*LEDGER_STATUSES, *LEDGER_STATUSES.values()]},
        ),
        overdue: bool = Query(default=False, description="only items past due and not done"),
        as_of: str | None = Query(default=None, description=AS_OF),
        limit: int | None = LIMIT,
        cursor: str | None = CURSOR,
    ):
        """``python -m kb ledger list --doc D --json``: the 台账 items, overdue-and-not-done first."""
        day = service.date_or_none(as_of) or dt.date.today()
        items = Ledger(index_dir).items(live.index, service.ledger_doc(live.index, doc))
        return paged(
            [
                service.ledger_item(i, day)
                for i in service.ledger_rows(items, unit, [status] if status else [], overdue, day)
            ],
            limit,
            cursor,
        )

    @app.patch("/v1/ledger/{item_id}", responses=ok(LedgerItem, "the item as it now reads"))
    def ledger_update(request: Request, update: LedgerUpdate, item_id: str = ITEM_ID):
        """Update an item: 管理 any, 填报 the items its units lead or take part in, 查阅 none."""
        user = user_of(request)
        book = Ledger(index_dir)
        item = book.item(live.index, item_id)
        if not can_update(user, item):
            audit.append(index_dir, user.name, "write_refused", item.doc_id, item=item_id, via="api")
            raise GateError(
                403,
                f"{user.name} may not update {item_id}",
                "a reporter (填报) updates the items its units lead or take part in; ask an admin (管理)",
            )
        changes = {k: v for k, v in update.model_dump().items() if v is not None}
        if not changes:
            raise KBError("nothing to change; send any of status, progress, done_on, actuals, bases, evidence, units")
        return json_body(service.ledger_item(book.update(live.index, item_id, user, changes, via="api")))

    @app.get("/v1/diff", responses=ok_or_files(RevisionAnswer))
    def diff(
        old: str = Query(description="the old version: " + DOC_NAME),
        new: str = Query(description="the new version: " + DOC_NAME),
        ledger: bool = Query(
            default=False, description="carry the old plan's 台账 status; flag unfinished tasks deleted"
        ),
        against: str | None = Query(default=None, description="an upper document; flag new rows that fall below it"),
        format: str = FORMAT,
    ):
        """``python -m kb diff OLD NEW --json`` for two documents of the index; ``format=docx|xlsx`` for
        the 修订对照表. (A draft not in the index: ``POST /v1/diff`` with the file.)"""
        rev, body, flags = service.revision(live.index, old, new, index_dir if ledger else None, against)
        return _revision_answer(rev, body, flags, format)

    @app.post("/v1/diff", responses=ok_or_files(RevisionAnswer))
    async def diff_draft(
        old: str = Query(description="the version in the index: " + DOC_NAME),
        file: UploadFile = File(..., description="the draft: .docx, .txt, .pdf, .ofd, .doc/.wps"),
        format: str = FORMAT,
    ):
        """A draft (a file, read on the fly as ingest reads) against a document of the index."""
        import tempfile

        from ingest.parse import parse

        data = await file.read()
        suffix = Path(file.filename or "draft.txt").suffix or ".txt"
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"draft{suffix}"
            path.write_bytes(data)
            draft = parse(path)
        rev, body, flags = service.revision(live.index, old, draft)
        return _revision_answer(rev, body, flags, format)

    def _revision_answer(rev, body, flags, format: str):
        from kb.reports import revision_report

        if format == "json":
            return json_body(body)
        writers = {"xlsx": (revision_report.to_xlsx, XLSX), "docx": (revision_report.to_docx, DOCX)}
        if format not in writers:
            raise KBError(f"unknown format {format!r}; use json, xlsx or docx")
        write, mime = writers[format]
        return Response(
            write(rev, False, flags),
            media_type=mime,
            headers={"Content-Disposition": f"attachment; filename=revision.{format}"},
        )

    @app.post("/v1/check", responses=ok(CheckAnswer))
    async def check(request: Request, as_of: str | None = Query(default=None, description=AS_OF)):
        """``python -m kb check DRAFT --json``: 引文核验 of a draft, sent as JSON ``{"text": …}`` or
        as a file (multipart ``file``: .docx, .txt, .pdf, .doc/.wps)."""
        if request.headers.get("content-type", "").startswith("multipart/"):
            form = await request.form()
            upload = form.get("file")
            if upload is None or not hasattr(upload, "read"):
                raise KBError('no draft; send a multipart field named file, or JSON {"text": …}')
            name, data = upload.filename or "draft.txt", await upload.read()
        else:
            try:
                body = await request.json()
            except ValueError:
                body = None
            if not isinstance(body, dict) or not isinstance(body.get("text"), str) or not body["text"].strip():
                raise KBError('no draft; send JSON {"text": "…the draft…"} or a file')
            name, data = "draft.txt", body["text"].encode()
        _, report = service.check_draft(live.index, name, data, as_of, live.searcher)
        return json_body(report.to_dict())

    @app.post("/v1/ledger/evidence/{item_id}", responses=ok(LedgerItem, "the item with its evidence"))
    async def evidence_add(
        request: Request,
        item_id: str = ITEM_ID,
        file: UploadFile = File(..., description="the evidence: PDF, Word, OFD or a picture"),
    ):
        """Attach an evidence file (验收报告: PDF, Word, OFD, a picture) to an item: 管理 any, 填报 its units' items."""
        user = user_of(request)
        data = await file.read()
        item = service.attach_evidence(live.index, index_dir, item_id, file.filename or "", data, user, via="api")
        return json_body(service.ledger_item(item))

    @app.get(
        "/v1/ledger/evidence/{item_id}/{sha256}",
        responses=bytes_answer("application/octet-stream", "the file"),
        response_class=Response,
    )
    def evidence_get(
        item_id: str = ITEM_ID, sha256: str = PathParam(description="the file's sha256 from the item's evidence")
    ):
        """An item's evidence file, to anyone who may read the 台账."""
        book = Ledger(index_dir)
        name, data = book.evidence_file(book.item(live.index, item_id), sha256)
        quoted = urllib.parse.quote(name)
        return Response(
            data,
            media_type="application/octet-stream",
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quoted}"},
        )

    return app


def app_from_env():
    """The app for ``uvicorn --factory`` workers: the folder, store and address from the environment."""
    return create_app(
        os.environ.get(INDEX_ENV, "index"), os.environ.get(STORE_ENV), os.environ.get(ADDRESS_ENV, "127.0.0.1")
    )
