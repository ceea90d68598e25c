"""Where the clauses live: the index folder (default) or Milvus, chosen by a store URI.

- ``""`` or ``files``: the index folder given by ``--index`` (plain files, ``kb.index``).
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
from pathlib import Path

from ..errors import KBError
from .base import Change, Store

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
    if not uri.startswith(MILVUS) or not uri[len(MILVUS):]:
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
    from .milvus.common import is_server

    target = uri[len(MILVUS):]
    if not is_server(target):
        uri = MILVUS + str(Path(target).resolve())  # a lite file, wherever the next command runs
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"store": uri}, ensure_ascii=False) + "\n", encoding="utf-8")


def label(index_dir: str | Path, store: str | None) -> str:
    """How messages name the store: its folder or its URI."""
    return store_uri(store, index_dir) or str(index_dir)


def rebuild_hint(index_dir: str | Path, store: str | None) -> str:
    uri = store_uri(store, index_dir)
    return f"python -m ingest corpus --store {uri} --rebuild" if uri else f"python -m ingest corpus --index {index_dir} --rebuild"


def exists(index_dir: str | Path, store: str | None = None) -> bool:
    """Whether anything has been written to the store."""
    uri = store_uri(store, index_dir)
    if not uri:
        from .. import index as kbindex

        return kbindex.exists(index_dir)
    from . import milvus

    return milvus.exists(uri[len(MILVUS):])


def open_store(index_dir: str | Path, store: str | None = None) -> Store:
    """Open the store for reading.

    Raises:
        KBError: nothing there yet, damaged, or of another schema; the message names the fix.
    """
    uri = store_uri(store, index_dir)
    if not uri:
        from .. import index as kbindex

        return kbindex.load(index_dir)
    from . import milvus

    return milvus.MilvusStore.open(uri[len(MILVUS):])


def generation(index_dir: str | Path, store: str | None = None) -> int | None:
    """The committed generation, cheaply (a reader checks it on every query), or None."""
    uri = store_uri(store, index_dir)
    if not uri:
        from .. import index as kbindex

        return kbindex.current_generation(index_dir)
    from . import milvus

    return milvus.current_generation(uri[len(MILVUS):])


def apply(index_dir: str | Path, store: str | None, old: Store | None, change: Change) -> None:
    """Write ``change`` (``old``: the store as it was opened, None for a new or rebuilt one).
    Call under the index folder's writer lock. The folder records where the clauses went."""
    uri = store_uri(store, index_dir)
    if not uri:
        from .. import index as kbindex

        kbindex.apply(index_dir, old, change)
    else:
        from . import milvus

        milvus.apply(uri[len(MILVUS):], change, fresh=old is None)
    _record(index_dir, uri)
