"""The Milvus client, the collections' names, and helpers both the reader and the writer use."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from kb.errors import KBError

SCHEMA = 5  # 2: single characters beside the bigrams in the character field; 3: no cover-letter sentences; 4: roles;
# 5: inline titles and responsibility brackets kept on their clauses, 款 and 项 of articles
CLAUSES = "kb_clauses"
META = "kb_meta"
MANIFEST_KEY = "manifest"
TOKEN_ENV = "MILVUS_TOKEN"
BATCH = 500  # rows per insert, get or delete
FIELDS = ("w", "c")  # the sparse fields' df prefixes: jieba words, character n-grams
SPARSE_FIELD = {"w": "words", "c": "chars"}
_clients: dict[str, object] = {}  # one client per database per process (milvus-lite admits one process)


def client(uri: str):
    """The client for ``uri``: a milvus-lite file or ``http(s)://host:port`` (token from ``MILVUS_TOKEN``)."""
    if uri in _clients:
        return _clients[uri]
    os.environ.setdefault("GRPC_VERBOSITY", "NONE")  # gRPC's keep-alive chatter on stderr while a long encode runs
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise KBError(
            "the Milvus store needs pymilvus and milvus-lite: .venv/bin/pip install -r requirements-milvus.txt"
        ) from None
    remote = is_server(uri)
    if not remote and not uri.endswith(".db"):
        raise KBError(f"a milvus-lite store is a file ending in .db (e.g. milvus:./kb.db), not {uri!r}")
    if not remote:
        Path(uri).resolve().parent.mkdir(parents=True, exist_ok=True)
        # milvus-lite serves in this process and logs, with a traceback, each call it leaves to the
        # client's fallback (the query iterator's AllocTimestamp): not an error of ours.
        logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
        logging.getLogger("pymilvus.client.iterator.query_iterator").setLevel(logging.ERROR)  # ditto (mvccTs)
    try:
        c = (
            MilvusClient(uri=uri, token=os.environ.get(TOKEN_ENV, ""))
            if remote
            else MilvusClient(str(Path(uri).resolve()))
        )
    except Exception as exc:  # pymilvus raises its own types; lite a lock error when another process has the file
        raise KBError(
            f"cannot open the Milvus store {uri} ({str(exc).splitlines()[0][:160]}); "
            "milvus-lite serves one process at a time: stop the other one, or use a Milvus server"
        ) from None
    load_collections(c)
    _clients[uri] = c
    return c


def is_server(uri: str) -> bool:
    """A Milvus server's address, not a milvus-lite file."""
    return uri.startswith(("http://", "https://", "tcp://"))


def load_collections(c) -> None:
    """Load the collections for search (a reopened database starts with them released)."""
    for name in (CLAUSES, META):
        if c.has_collection(name):
            c.load_collection(name)


def close(uri: str) -> None:
    """Close and forget the client of ``uri``; a milvus-lite file is released for another process."""
    c = _clients.pop(uri, None)
    if c is not None:
        c.close()
    if not is_server(uri):
        try:
            from milvus_lite.server_manager import server_manager_instance
        except ImportError:
            return
        server_manager_instance.release_server(str(Path(uri).resolve()))


def read_manifest(c) -> dict | None:
    if not c.has_collection(META):
        return None
    rows = c.get(META, ids=[MANIFEST_KEY], output_fields=["body"])
    return dict(rows[0]["body"]) if rows else None


def exists(uri: str) -> bool:
    return read_manifest(client(uri)) is not None


def current_generation(uri: str) -> int | None:
    try:
        m = read_manifest(client(uri))
    except KBError:
        return None
    return int(m["generation"]) if m else None


def get_rows(c, collection: str, ids: list[str], fields: list[str]) -> list[dict]:
    out = []
    for start in range(0, len(ids), BATCH):
        out += c.get(collection, ids=ids[start : start + BATCH], output_fields=fields)
    return out


def iterate(c, expr: str, fields: list[str]) -> list[dict]:
    it = c.query_iterator(CLAUSES, batch_size=BATCH, filter=expr, output_fields=fields)
    out = []
    while batch := it.next():
        out += batch
    it.close()
    return out


def sparse_keys(v) -> list[int]:
    """The dimensions a stored sparse vector uses (an empty clause stores one zero)."""
    return [k for k, x in as_sparse(v).items() if x]


def as_sparse(v) -> dict[int, float]:
    return {int(k): float(x) for k, x in v.items()} if isinstance(v, dict) else dict(v)


def committed_expr(manifest: dict) -> str:
    """The rows a manifest commits, without listing them: rows of its generation or older, less
    the ones its write replaced (kept for readers of the manifest before). A killed write's rows
    carry a later generation; rows of earlier replacements are gone (each write deletes them)."""
    superseded = manifest.get("superseded", [])
    expr = f"gen <= {int(manifest['generation'])}"
    return f"{expr} and not (doc_gen in {expr_list(superseded)})" if superseded else expr


def doc_key(generation_of_doc: str) -> str:
    """The key in ``kb_meta`` of a document's row, from its ``doc_gen`` value."""
    return f"doc:{generation_of_doc}"


def df_key(field: str, dim: int) -> str:
    """The key in ``kb_meta`` of a hashed token's document frequency in one sparse field."""
    return f"{field}:{dim}"


def doc_gen(doc_id: str, gen: int) -> str:
    return f"{doc_id}@{gen}"


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def expr_list(items: list[str]) -> str:
    return json.dumps(items, ensure_ascii=False)


def day_number(d) -> int:
    return d.year * 10000 + d.month * 100 + d.day
