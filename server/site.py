"""One server for the app, the HTTP API and MCP, behind the front door: ``python -m kb serve``.

Streamlit runs as an ASGI app (``st.App``) under uvicorn; the API's paths (``/v1/``, ``/mcp``,
``/docs``, ``/openapi.json``) go to the FastAPI app, with its own bearer tokens; everything else
goes through the front door (``server.door``) to Streamlit. ``--no-api`` serves the app alone.
"""

from __future__ import annotations

import contextlib
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
    return st.App(str(ROOT / "app.py"), routes=routes, middleware=[door], lifespan=lifespan)


def site_from_env():
    """The site for ``uvicorn --factory``: the folder, store, address and API switch from the environment."""
    from server.api import ADDRESS_ENV, INDEX_ENV

    return create_site(
        os.environ.get(INDEX_ENV, "index"),
        os.environ.get(STORE_ENV),
        os.environ.get(ADDRESS_ENV, "127.0.0.1"),
        os.environ.get("KB_SERVE_API", "1") != "0",
    )
