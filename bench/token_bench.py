"""One default service token behind an assistant host: 8 clients at once, refused or not (issue 34).

Usage: python -m bench.token_bench INDEX [--workers N] [--queries FILE.tsv]

Copies INDEX, adds an account and one token with the server's default rate, serves a real
``python -m kb api`` on loopback, and runs 192 searches over 8 client threads with that token.
Prints the statuses (200, 429) and requests a second.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 8
SEARCHES = 192


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    from kb.office.accounts import Accounts
    from kb.office.tokens import Tokens

    ap = argparse.ArgumentParser()
    ap.add_argument("index")
    ap.add_argument("--workers", default="1")
    ap.add_argument("--queries", default=str(ROOT / "bench" / "forms_queries.tsv"))
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp()) / "index"
    shutil.copytree(args.index, work)
    Accounts(work).add_user("zhushou", "zhushou-2026", "viewer")
    token = Tokens(work).make("zhushou")[1]
    port = _port()
    cmd = [sys.executable, "-m", "kb", "api", "--port", str(port), "--index", str(work), "--workers", args.workers]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(180):
            try:
                urllib.request.urlopen(base + "/v1/health", timeout=2)
                break
            except OSError:
                time.sleep(1)
        rows = [line.split("\t")[0] for line in open(args.queries, encoding="utf-8") if line.strip()]
        queries = [q for q in rows if not q.startswith("#")]

        def search(q: str) -> int:
            url = base + "/v1/search?" + urllib.parse.urlencode({"q": q})
            req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
            try:
                with urllib.request.urlopen(req, timeout=120) as r:
                    return r.status
            except urllib.error.HTTPError as e:
                return e.code

        asked = (queries * (SEARCHES // len(queries) + 1))[:SEARCHES]
        start = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            statuses = list(pool.map(search, asked))
        wall = time.perf_counter() - start
        counts = {str(s): statuses.count(s) for s in sorted(set(statuses))}
        print(json.dumps({"workers": args.workers, "clients": CLIENTS, "per_s": round(len(asked) / wall, 1), **counts}))
    finally:
        proc.terminate()
        proc.wait(20)
        shutil.rmtree(work.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
