"""One server for the app, the HTTP API and MCP, behind the front door: ``python -m kb serve``.

Streamlit runs as an ASGI app (``st.App``) under uvicorn; the API's paths (``/v1/``, ``/mcp``,
``/docs``, ``/openapi.json``) go to the FastAPI app, with its own bearer tokens; everything else
goes through the front door (``server.door``) to Streamlit. ``--no-api`` serves the app alone.
"""

from __future__ import annotations

import contextlib
import http
import json
import logging
import os
from pathlib import Path

from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Match, NoMatchFound

from ingest.read import MAX_BINARY_MB
from kb.office.sessions import FRONT_DOOR_ENV, SERVE_ADDRESS_ENV
from kb.search.live import warm
from kb.store import STORE_ENV
from server.door import FrontDoor

ROOT = Path(__file__).resolve().parents[1]
API_PREFIXES = ("/v1/", "/mcp", "/docs", "/openapi.json", "/static-offline-docs")
JSON_PREFIXES = ("/v1/", "/mcp")  # paths whose every answer, refusals included, is JSON
# Streamlit's own settings for an office server: no usage statistics, no file watcher (the index
# folder changes on every ingest), no developer menu, no tracebacks for users, the upload limit.
STREAMLIT_OPTIONS = {
    "browser.gatherUsageStats": False,
    "server.fileWatcherType": "none",
    "server.runOnSave": False,
    "client.toolbarMode": "viewer",
    "client.showErrorDetails": "none",
    "server.maxUploadSize": MAX_BINARY_MB,
}


class ApiRoute(BaseRoute):
    """Sends the API's paths, whole, to the FastAPI app (a Mount would strip the prefix)."""

    def __init__(self, app):
        self.app = app

    def matches(self, scope):
        if scope["type"] == "http" and scope["path"].startswith(API_PREFIXES):
            return Match.FULL, {}
        return Match.NONE, {}

    def url_path_for(self, name, /, **params):
        raise NoMatchFound(name, params)

    async def handle(self, scope, receive, send):
        await self.app(scope, receive, send)


class JsonRefusals:
    """The site's outermost layer: an API path refused in plain text by a layer in front of the API
    (Streamlit's path guard answers "Bad Request" to ``%2F``, ``%00`` or ``..``) answers ``{error,
    fix}`` as the API itself does, its status and other headers kept."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(JSON_PREFIXES):
            return await self.app(scope, receive, send)
        held = None

        async def answer(message):
            nonlocal held
            if message["type"] == "http.response.start":
                kind = dict(message.get("headers", [])).get(b"content-type", b"")
                if message["status"] >= 400 and not kind.startswith(b"application/json"):
                    held = message
                    return None
            elif held is not None:
                if message.get("more_body"):
                    return None  # the plain text is dropped; the JSON goes with its last part
                return await _send_refusal(send, held)
            return await send(message)

        await self.app(scope, receive, answer)


async def _send_refusal(send, start: dict) -> None:
    status = start["status"]
    if status == 400:
        body = {
            "error": "the path cannot be read: an encoded slash (%2F), a NUL byte (%00) or '..' is refused",
            "fix": "send the path as /docs names the routes, each part percent-encoded as UTF-8",
        }
    else:
        try:
            phrase = http.HTTPStatus(status).phrase.lower()
        except ValueError:
            phrase = "refused"
        body = {"error": phrase, "fix": "see /docs for the routes"}
    data = json.dumps(body, ensure_ascii=False).encode()
    kept = [(k, v) for k, v in start.get("headers", []) if k not in (b"content-type", b"content-length")]
    headers = [*kept, (b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def create_site(
    index_dir: str | Path = "index", store: str | None = None, address: str = "127.0.0.1", api: bool = True
):
    """The ASGI app serving ``app.py`` behind the front door, and the API beside it."""
    import streamlit as st
    from streamlit import config

    for key, value in STREAMLIT_OPTIONS.items():
        config.set_option(key, value)
    os.environ.update({"KB_INDEX": str(index_dir), FRONT_DOOR_ENV: "1", SERVE_ADDRESS_ENV: address})
    if store is not None:
        os.environ[STORE_ENV] = store
    warm(index_dir, store)  # the index and the model load while the server starts, not on the first page
    routes, api_app = [], None
    if api:
        from server.api import create_app

        api_app = create_app(index_dir, store, address)
        routes.append(ApiRoute(api_app))

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        # Streamlit gives uvicorn's access logger a handler at startup; request lines would hold
        # query strings (what people searched for), so it stays silent.
        logging.getLogger("uvicorn.access").disabled = True
        async with api_app.router.lifespan_context(api_app) if api_app else contextlib.nullcontext():
            yield None

    door = Middleware(
        FrontDoor,
        index_dir=index_dir,
        address=address,
        max_upload_mb=MAX_BINARY_MB,
        passthrough=API_PREFIXES if api else (),
    )
    site = st.App(str(ROOT / "app.py"), routes=routes, middleware=[door], lifespan=lifespan)
    return JsonRefusals(site) if api else site


def site_from_env():
    """The site for ``uvicorn --factory``: the folder, store, address and API switch from the environment."""
    from server.api import ADDRESS_ENV, INDEX_ENV

    return create_site(
        os.environ.get(INDEX_ENV, "index"),
        os.environ.get(STORE_ENV),
        os.environ.get(ADDRESS_ENV, "127.0.0.1"),
        os.environ.get("KB_SERVE_API", "1") != "0",
    )
