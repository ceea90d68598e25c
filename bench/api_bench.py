"""make bench, section 8: the HTTP API under concurrent clients: ``kb api`` with 1 and 2 worker
processes, and ``kb serve`` (the app and the API in one process), next to the encoder's own rate.

A fresh server per run (no query cached from a previous run), ``SEARCHES`` distinct queries (none
asked twice, none of the warm-up's) spread over 1, 8 and 32 client threads (urllib, one connection
each request), on loopback with no account (no token, no rate limit: the server's own capacity).
Queries per second, p50/p95 latency, errors, and the resident memory of each worker process. The
encoder's rate is the same queries encoded one at a time on one thread, as each worker encodes.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SERVERS = (("api", 1), ("api", 2), ("serve", 1))  # (command, worker processes)
CLIENTS = (1, 8, 32)
SEARCHES = 96
WARM_UP = ("预热", "黑臭水体")  # every worker loads its model before the clock starts
ENCODE_ALONE = """
import json, sys, time
from kb.store import folder
enc = folder.load(sys.argv[1]).encoder
queries = json.loads(sys.argv[2])
enc.queries(["预热"])
t = time.perf_counter()
for q in queries:
    enc.queries([q])
print(len(queries) / (time.perf_counter() - t))
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS:"))
    except OSError:
        return 0.0


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def _serve(index_dir: Path, command: str, workers: int) -> tuple[subprocess.Popen, str]:
    if command == "serve":  # its health answers once the index and the model are loaded
        return start_server(["serve", "--index", str(index_dir)], "/v1/health")
    return start_server(["api", "--index", str(index_dir), "--workers", str(workers)], "/v1/health")


def encoder_rate(index_dir: Path, queries: list[str]) -> float:
    """Queries a second the index's encoder manages alone, one at a time on one thread (a worker's
    setting), in a process of its own."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", ENCODE_ALONE, str(index_dir), json.dumps(queries, ensure_ascii=False)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


def start_server(kb_args: list[str], health: str) -> tuple[subprocess.Popen, str]:
    """``python -m kb KB_ARGS --port P`` on loopback, in a session of its own; (process, base URL)
    once ``health`` answers."""
    port = _port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb", *kb_args, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(base + health, timeout=5)
            return proc, base
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise SystemExit(f"python -m kb {kb_args[0]} did not start")


def _search(base: str, query: str) -> tuple[float, bool]:
    url = base + "/v1/search?" + urllib.parse.urlencode({"q": query, "top": 5})
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            ok = r.status == 200 and bool(r.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        ok = False
    return time.perf_counter() - t, ok


def distinct(queries: list[str], n: int = SEARCHES) -> list[str]:
    """At most ``n`` queries, none twice and none of the warm-up's: each is new to the server."""
    return [q for q in dict.fromkeys(queries) if q not in WARM_UP][:n]


def bench_api(index_dir: Path, queries: list[str]) -> list[dict]:
    """One row per (server, workers, clients): qps, p50/p95 ms, errors, memory per worker; and a row
    with the encoder's own rate (``server`` "encoder")."""
    asked = distinct(queries)
    rows = []
    for command, workers in SERVERS:
        for clients in CLIENTS:
            proc, base = _serve(index_dir, command, workers)
            try:
                for q in WARM_UP:
                    for _ in range(workers * 2):
                        _search(base, q)
                start = time.perf_counter()
                with ThreadPoolExecutor(clients) as pool:
                    results = list(pool.map(functools.partial(_search, base), asked))
                wall = time.perf_counter() - start
                pids = _children(proc.pid) or [proc.pid]
                if workers > 1:  # uvicorn's supervisor, then one process per worker
                    pids = [c for p in pids for c in _children(p)] or pids
                times = [t for t, _ in results]
                rows.append(
                    dict(
                        server=command,
                        workers=workers,
                        clients=clients,
                        n=len(results),
                        qps=len(results) / wall,
                        p50=float(np.percentile(times, 50) * 1000),
                        p95=float(np.percentile(times, 95) * 1000),
                        errors=sum(not ok for _, ok in results),
                        worker_mb=[round(_rss_mb(p)) for p in pids],
                    )
                )
            finally:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)
    base = {(r["server"], r["workers"]): r["qps"] for r in rows if r["clients"] == 1}
    for r in rows:
        one = base.get((r["server"], r["workers"]))
        r["ratio"] = r["qps"] / one if one else float("nan")
    rate = encoder_rate(index_dir, asked)
    rows.append(dict(server="encoder", workers=1, clients=1, n=len(asked), qps=rate, ratio=1.0))
    return rows


def report_api(rows: list[dict]) -> list[str]:
    served = [r for r in rows if r["server"] != "encoder"]
    rate = next((r["qps"] for r in rows if r["server"] == "encoder"), float("nan"))
    lines = [
        "",
        "## 8. HTTP API under concurrent clients (kb api and kb serve, whole corpus, e5)",
        "",
        f"{served[0]['n'] if served else SEARCHES} distinct searches a run (no query asked twice), a fresh "
        "server each run; ratio = queries/s against 1 client on the same server.",
        "",
        "| server | workers | clients | queries/s | ratio | p50 ms | p95 ms | errors | RSS per worker MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['server']} | {r['workers']} | {r['clients']} | {r['qps']:.1f} | {r['ratio']:.2f} | {r['p50']:.0f} | "
        f"{r['p95']:.0f} | {r['errors']} | {', '.join(map(str, r['worker_mb']))} |"
        for r in served
    ]
    cores = os.cpu_count() or 1
    at8 = {(r["server"], r["workers"]): r["qps"] for r in served if r["clients"] == 8}
    one = at8.get(("api", 1), float("nan"))
    lines += [
        "",
        f"The encoder alone, the same queries one at a time on one thread: **{rate:.1f} queries/s**. "
        f"This machine has {cores} cores; a worker encodes each request on one thread.",
        "",
        f"- With 8 clients one `kb api` worker serves {one:.1f}/s, {one / rate:.2f}× the encoder alone: "
        "the worker's threads encode several requests at once (the encoder releases the GIL), so "
        f"the ceiling is cores × the encoder's rate, {cores * rate:.0f}/s, less the search's own "
        "Python (one thread at a time) and the 8 client threads, which share the same cores.",
        f"- `kb serve` (the app and the API in one process) serves {at8.get(('serve', 1), float('nan')):.1f}/s, and "
        f"two `kb api` workers {at8.get(('api', 2), float('nan')):.1f}/s: one worker already keeps every core "
        "busy, so a second adds isolation (one may restart), not speed, on this machine. More cores "
        "are what raise the figure; a worker per core keeps the search's Python off one GIL.",
        "- One client is bound by its latency (encode, search, HTTP, one after another), below the encoder's rate.",
    ]
    return lines


if __name__ == "__main__":  # python -m bench.api_bench INDEX_DIR QUERY_FILE…: this section alone
    index = Path(sys.argv[1])
    qs = [
        ln.split("\t")[0]
        for f in sys.argv[2:]
        for ln in Path(f).read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    print("\n".join(report_api(bench_api(index, qs))))
