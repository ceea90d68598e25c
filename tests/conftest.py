"""Shared fixtures: the tiny Chinese corpus in tests/data, indexes built from it."""

from __future__ import annotations

import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
CORPUS = ROOT / "corpus"
sys.path.insert(0, str(ROOT))
# What a search hit carries at least: the contract others build on (README, "The contract").
HIT_KEYS = (
    "clause_id",
    "doc_id",
    "title",
    "doc_number",
    "section",
    "section_titles",
    "text",
    "page",
    "char_start",
    "char_end",
    "score",
    "relevant",
    "deadlines",
    "targets",
    "lead_units",
    "partner_units",
    "doc_status",
)


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of tests/data."""
    dst = tmp_path / "corpus"
    shutil.copytree(DATA, dst)
    return dst


@pytest.fixture
def ledger_index(tmp_path, corpus_copy) -> Path:
    """A private index of a copy of tests/data (a test rewords the city plan and ingests it again)."""
    from ingest.pipeline import ingest

    index = tmp_path / "index"
    ingest([corpus_copy], index, encoder_spec="fake")
    return index


@pytest.fixture(scope="session")
def fake_index(tmp_path_factory) -> Path:
    """tests/data ingested with the deterministic fake encoder (do not modify: shared)."""
    from ingest.pipeline import ingest

    path = tmp_path_factory.mktemp("fake") / "index"
    ingest([DATA], path, encoder_spec="fake")
    return path


@pytest.fixture(scope="session")
def e5_index(tmp_path_factory) -> Path:
    """tests/data ingested with the real bundled e5 model (shared, read-only)."""
    from ingest.pipeline import ingest

    path = tmp_path_factory.mktemp("e5") / "index"
    ingest([DATA], path, encoder_spec="e5")
    return path


def run_cli(*args: str, env: dict | None = None, timeout: int = 300, input: str | None = None):
    """Run ``python -m …`` in the project root (``input`` on its stdin); returns the CompletedProcess."""
    import subprocess

    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        input=input,
    )


def free_port() -> int:
    """A port nothing listens on now, on loopback."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def child_server(args: list[str], health: str, env: dict | None = None):
    """``python -m ARGS --port P`` in a process group of its own; yields its base URL (over loopback)
    once ``health`` answers, and stops the group afterwards."""
    import signal
    import subprocess
    import time
    import urllib.error
    import urllib.request

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", *args, "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(base + health, timeout=2)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None:
                    raise AssertionError(proc.stdout.read().decode()) from None
                time.sleep(0.25)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
