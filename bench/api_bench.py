"""make bench, section 8: the HTTP API under concurrent clients, with 1 and 2 worker processes.

A fresh ``python -m kb api`` per run (no query cached from a previous run), a fixed number of
searches spread over 1, 8 and 32 client threads (urllib, one connection each request), on loopback
with no account (no token, no rate limit: the server's own capacity). Queries per second, p50/p95
latency, errors, and the resident memory of each worker process.
"""

from __future__ import annotations

import functools
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
WORKERS = (1, 2)
CLIENTS = (1, 8, 32)
SEARCHES = 96


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


def _serve(index_dir: Path, workers: int) -> tuple[subprocess.Popen, str]:
    return start_server(["api", "--index", str(index_dir), "--workers", str(workers)], "/v1/health")


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


def bench_api(index_dir: Path, queries: list[str]) -> list[dict]:
    """One row per (workers, clients): qps, p50/p95 ms, errors, memory per worker."""
    asked = (queries * (SEARCHES // max(len(queries), 1) + 1))[:SEARCHES]
    rows = []
    for workers in WORKERS:
        for clients in CLIENTS:
            proc, base = _serve(index_dir, workers)
            try:
                for q in ("预热", "黑臭水体"):  # every worker loads its model before the clock starts
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
    base = {r["workers"]: r["qps"] for r in rows if r["clients"] == 1}
    for r in rows:
        r["ratio"] = r["qps"] / base[r["workers"]] if base.get(r["workers"]) else float("nan")
    return rows


def report_api(rows: list[dict]) -> list[str]:
    lines = [
        "",
        "## 8. HTTP API under concurrent clients (python -m kb api, whole corpus, e5)",
        "",
        f"{SEARCHES} searches a run, a fresh server each run; ratio = queries/s against 1 client, same workers.",
        "",
        "| workers | clients | queries/s | ratio | p50 ms | p95 ms | errors | RSS per worker MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['workers']} | {r['clients']} | {r['qps']:.1f} | {r['ratio']:.2f} | {r['p50']:.0f} | "
        f"{r['p95']:.0f} | {r['errors']} | {', '.join(map(str, r['worker_mb']))} |"
        for r in rows
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
