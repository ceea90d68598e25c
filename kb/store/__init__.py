"""Where the clauses live: the index folder (default) or Milvus, chosen by a store URI.

- ``""`` or ``files``: the index folder given by ``--index`` (plain files, ``kb.store.folder``).
- ``milvus:./kb.db``: a milvus-lite file (tests, trials; one process at a time).
- ``milvus:http://host:19530``: a Milvus server; its token from ``MILVUS_TOKEN``.

``--store`` on the command line wins over ``KB_STORE``, which wins over the store the index
folder records (``store.json``, written by an ingest into Milvus, removed by one into the folder):
after ``python -m ingest corpus --store milvus:…`` the other commands find the clauses without
being told again. With Milvus the index folder still holds what is local to one deployment: the
audit log, accounts and uploaded files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kb.errors import KBError
from kb.store import common
from kb.store.base import Change, Store

STORE_ENV = "KB_STORE"
STORE_FILE = "store.json"
MILVUS = "milvus:"


def store_uri(store: str | None, index_dir: str | Path | None = None) -> str:
    """The store URI in force: the argument, else ``KB_STORE``, else the one ``index_dir``
    records, else "" (the index folder itself)."""
    uri = store if store is not None else os.environ.get(STORE_ENV)
    if uri is None and index_dir is not None:
        uri = recorded(index_dir)
    uri = (uri or "").strip()
    if uri in ("", "files"):
        return ""
    if not uri.startswith(MILVUS) or not uri[len(MILVUS) :]:
        raise KBError(f"unknown store {uri!r}; use milvus:./kb.db (milvus-lite) or milvus:http://host:19530 (a server)")
    return uri


def recorded(index_dir: str | Path) -> str | None:
    """The store the index folder says its clauses are in (None: the folder itself)."""
    try:
        return json.loads((Path(index_dir) / STORE_FILE).read_text(encoding="utf-8"))["store"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _record(index_dir: str | Path, uri: str) -> None:
    path = Path(index_dir) / STORE_FILE
    if not uri:
        path.unlink(missing_ok=True)
        return
    from kb.store.milvus.common import is_server

    target = uri[len(MILVUS) :]
    if not is_server(target):
        uri = MILVUS + str(Path(target).resolve())  # a lite file, wherever the next command runs
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"store": uri}, ensure_ascii=False) + "\n", encoding="utf-8")


def label(index_dir: str | Path, store: str | None) -> str:
    """How messages name the store: its folder or its URI."""
    return store_uri(store, index_dir) or str(index_dir)


def rebuild_hint(index_dir: str | Path, store: str | None) -> str:
    """The command that rebuilds the store in force."""
    return common.rebuild_hint(index_dir, store_uri(store, index_dir))


@dataclass(frozen=True)
class Backend:
    """What a kind of store does, each taking its target (the index folder, or the URI after its prefix).

    Attributes:
        exists: whether anything has been written there.
        open: the store, opened for reading.
        generation: the committed generation, cheaply, or None.
        apply: write a ``Change`` over the store as opened (None: a new or rebuilt store).
        check: raise ``KBError`` unless the store can be read, and hold nothing open afterwards
            (the folder reads its manifest; milvus-lite admits one process, so it is closed again).
    """

    exists: Callable[[str], bool]
    open: Callable[[str], Store]
    generation: Callable[[str], int | None]
    apply: Callable[[str, Store | None, Change], None]
    check: Callable[[str], object]


def _folder() -> Backend:
    from kb.store import folder

    return Backend(folder.exists, folder.load, folder.current_generation, folder.apply, folder.read_manifest)


def _milvus() -> Backend:
    from kb.store import milvus  # pymilvus: only when a Milvus URI is in force

    def check(target: str) -> None:
        milvus.MilvusStore.open(target)
        milvus.close(target)

    return Backend(
        milvus.exists,
        milvus.MilvusStore.open,
        milvus.current_generation,
        lambda target, old, change: milvus.apply(target, change, fresh=old is None),
        check,
    )


# A store URI's prefix → its backend, loaded on first use ("": the index folder itself).
BACKENDS: dict[str, Callable[[], Backend]] = {"": _folder, MILVUS: _milvus}


def backend(index_dir: str | Path, store: str | None) -> tuple[Backend, str]:
    """The backend of the store in force and its target (the folder, or the URI after its prefix)."""
    uri = store_uri(store, index_dir)
    prefix = next(p for p in sorted(BACKENDS, key=len, reverse=True) if uri.startswith(p))
    return BACKENDS[prefix](), (uri[len(prefix) :] if prefix else str(index_dir))


def exists(index_dir: str | Path, store: str | None = None) -> bool:
    """Whether anything has been written to the store."""
    b, target = backend(index_dir, store)
    return b.exists(target)


def open_store(index_dir: str | Path, store: str | None = None) -> Store:
    """Open the store for reading.

    Raises:
        KBError: nothing there yet, damaged, or of another schema; the message names the fix.
    """
    b, target = backend(index_dir, store)
    return b.open(target)


def generation(index_dir: str | Path, store: str | None = None) -> int | None:
    """The committed generation, cheaply (a reader checks it on every query), or None."""
    b, target = backend(index_dir, store)
    return b.generation(target)


def check(index_dir: str | Path, store: str | None = None) -> None:
    """Fail now, with the fix, if the store cannot be read; hold nothing open (a server checks before it starts).

    Raises:
        KBError: nothing there yet, damaged, or of another schema.
    """
    b, target = backend(index_dir, store)
    b.check(target)


def apply(index_dir: str | Path, store: str | None, old: Store | None, change: Change) -> None:
    """Write ``change`` (``old``: the store as it was opened, None for a new or rebuilt one).
    Call under the index folder's writer lock (``kb.store.common.writer_lock``). The folder
    records where the clauses went."""
    b, target = backend(index_dir, store)
    b.apply(target, old, change)
    _record(index_dir, store_uri(store, index_dir))
