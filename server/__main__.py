"""``python -m server http|mcp|site``: what ``python -m kb api|mcp|serve`` run once they have
checked the index and the address (the core does not import this package; it starts it)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from kb.cli import run
from kb.store import STORE_ENV

MAX_HEADER_BYTES = 64 * 1024  # a request's line and headers
LIMIT_CONCURRENCY = 400  # connections and tasks: an office of 50, four tabs each, and the API beside them
TRUSTED_PROXIES_ENV = "KB_TRUSTED_PROXIES"  # comma-separated addresses of the reverse proxies in front


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m server")
    p.add_argument("what", choices=["http", "mcp", "site"])
    p.add_argument("--index", default="index")
    p.add_argument("--store", default=None)
    p.add_argument("--address", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8502)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--no-api", action="store_true", help="site: serve the app alone")
    args = p.parse_args(argv)
    if args.what == "mcp":
        from kb.search.live import LiveIndex
        from kb.service import home_of
        from server import mcp_tools

        server = mcp_tools.build(LiveIndex(args.index, args.store, home=home_of(None)))
        asyncio.run(server.run_stdio_async())
        return 0
    import uvicorn

    from server.api import ADDRESS_ENV, INDEX_ENV

    os.environ[INDEX_ENV], os.environ[ADDRESS_ENV] = str(args.index), args.address
    os.environ["KB_SERVE_API"] = "0" if args.no_api else "1"
    if args.store is not None:
        os.environ[STORE_ENV] = args.store
    # The site is one process (Streamlit's sessions live in it); the API alone may have several.
    site = args.what == "site"
    trusted = os.environ.get(TRUSTED_PROXIES_ENV, "").strip()
    uvicorn.run(
        "server.site:site_from_env" if site else "server.api:app_from_env",
        factory=True,
        host=args.address,
        port=args.port,
        workers=1 if site else args.workers,
        log_level="warning",
        access_log=False,
        server_header=False,
        # h11 keeps an incomplete request (a header line that never ends) under a bound, where
        # httptools buffers it whole; at most LIMIT_CONCURRENCY connections and tasks at once.
        http="h11",
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        limit_concurrency=LIMIT_CONCURRENCY,
        # X-Forwarded-For is believed only from the proxies named (never from loopback by default):
        # the address a lockout counts against is the real caller's.
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
    )
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
