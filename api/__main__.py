"""``python -m api http|mcp``: what ``python -m kb api`` and ``python -m kb mcp`` run once they have
checked the index and the address (the core does not import this package; it starts it)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from kb.cli import run
from kb.store import STORE_ENV


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m api")
    p.add_argument("what", choices=["http", "mcp"])
    p.add_argument("--index", default="index")
    p.add_argument("--store", default=None)
    p.add_argument("--address", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8502)
    p.add_argument("--workers", type=int, default=1)
    args = p.parse_args(argv)
    if args.what == "mcp":
        from api import mcp_tools
        from kb.search.live import LiveIndex
        from kb.service import home_of

        server = mcp_tools.build(LiveIndex(args.index, args.store, home=home_of(None)))
        asyncio.run(server.run_stdio_async())
        return 0
    import uvicorn

    from api.http import ADDRESS_ENV, INDEX_ENV

    os.environ[INDEX_ENV], os.environ[ADDRESS_ENV] = str(args.index), args.address
    if args.store is not None:
        os.environ[STORE_ENV] = args.store
    uvicorn.run(
        "api.http:app_from_env",
        factory=True,
        host=args.address,
        port=args.port,
        workers=args.workers,
        log_level="warning",
        access_log=False,
        server_header=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
