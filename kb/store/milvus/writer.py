"""Writing the Milvus store: a new generation for the written documents, then the manifest."""

from __future__ import annotations

from kb.encoders import EncoderInfo
from kb.model import Clause, Document
from kb.store import sparse
from kb.store.base import Change
from kb.store.common import checkpoint, corpus_hash, package_versions
from kb.store.milvus.common import (
    BATCH,
    CLAUSES,
    FIELDS,
    MANIFEST_KEY,
    META,
    SCHEMA,
    SPARSE_FIELD,
    client,
    committed_expr,
    day_number,
    df_key,
    doc_gen,
    doc_key,
    expr_list,
    get_rows,
    is_server,
    iterate,
    load_collections,
    read_manifest,
    sparse_keys,
)
from kb.text import lexical_fields

LIMITS = {
    "pk": 700,
    "doc_id": 512,
    "doc_gen": 600,
    "clause_id": 64,
    "title": 1024,
    "doc_number": 256,
    "issuer": 512,
    "doc_date": 16,
    "section": 512,
    "text": 65535,
}
LIST_CAP = 64  # array fields keep this many items (the JSON body keeps them all)
# A reader that sees the new manifest must see the rows it names: on a server, reads wait for
# every write before them (Milvus's default, Bounded, may answer from a slightly older view).
CONSISTENCY = "Strong"


def apply(uri: str, change: Change, fresh: bool) -> None:
    """Write ``change``: a new generation for the written documents, then the manifest.

    Args:
        uri: the database.
        change: what to write.
        fresh: start the collections anew (a new store, a ``--rebuild`` or another encoder).
    """
    c = client(uri)
    man = read_manifest(c)
    if fresh or man is None or man.get("schema") != SCHEMA or man["encoder"] != _encoder_dict(change.encoder):
        for name in (CLAUSES, META):
            if c.has_collection(name):
                c.drop_collection(name)
        _create(c, change.encoder.dim, remote=is_server(uri))
        man = None
    committed: dict[str, int] = dict(man["docs"]) if man else {}
    if man:
        _delete_uncommitted(c, man)
    stats = man["stats"] if man else {f: {"n": 0, "total": 0} for f in FIELDS}
    if man and man.get("stats_generation") != man["generation"]:
        stats = _recount(c, man)  # a write was killed between the manifest and the counts
    gen = (man["generation"] if man else 0) + 1
    token_lists = dict(zip(FIELDS, lexical_fields(change.clauses, change.terms)))
    replaced = {d: committed[d] for d in change.written | change.removed if d in committed}
    df_delta = _count_out(c, replaced, token_lists, stats)
    avgdl = {f: stats[f]["total"] / max(stats[f]["n"], 1) for f in FIELDS}
    rows, seq = [], {}
    for i, cl in enumerate(change.clauses):
        seq[cl.doc_id] = seq.get(cl.doc_id, -1) + 1
        vecs = {f: sparse.clause_vector(token_lists[f][i], avgdl[f]) for f in FIELDS}
        for f in FIELDS:
            for k in vecs[f]:
                df_delta[df_key(f, k)] = df_delta.get(df_key(f, k), 0) + 1
        rows.append(
            _row(
                cl,
                gen,
                seq[cl.doc_id],
                change.docs[cl.doc_id],
                change.vectors[i],
                vecs,
                {f: len(token_lists[f][i]) for f in FIELDS},
            )
        )
    _insert(c, CLAUSES, rows, checkpoint_at=len(rows) // 2)
    _insert(
        c,
        META,
        [
            {
                "key": doc_key(doc_gen(d, gen)),
                "kind": "doc",
                "body": change.docs[d].to_dict(),
                "df": 0,
                "gen": gen,
                "vec": [0.0, 0.0],
            }
            for d in sorted(change.written)
        ],
    )
    checkpoint("manifest")
    docs = {d: (gen if d in change.written else committed[d]) for d in change.docs}
    # units and max_deadlines only grow (a removed document's names stay until --rebuild): a
    # filter on a name no clause has any more finds nothing, as it should.
    units = sorted({u for cl in change.clauses for u in cl.units} | (set(man["units"]) if man else set()))
    manifest = {
        "schema": SCHEMA,
        "generation": gen,
        "encoder": _encoder_dict(change.encoder),
        "docs": docs,
        "superseded": [doc_gen(d, g) for d, g in replaced.items()],
        "counts": {"documents": len(docs), "clauses": stats["w"]["n"]},
        "terms": list(change.terms),
        "units": units,
        "stats": stats,
        "stats_generation": (man or {}).get("stats_generation", 0),
        "max_deadlines": max([len(cl.deadlines) for cl in change.clauses] + [(man or {}).get("max_deadlines", 1)]),
        "corpus_hash": corpus_hash(list(change.docs.values())),
        "packages": package_versions(),
    }
    c.upsert(META, [_meta_row(manifest)])
    checkpoint("committed")
    _apply_df(c, df_delta)
    manifest["stats_generation"] = gen
    c.upsert(META, [_meta_row(manifest)])
    for name in (CLAUSES, META):
        c.flush(name)  # seal what was written (milvus-lite searches unsealed rows by brute force: 20× slower)


def _count_out(c, replaced: dict[str, int], token_lists: dict[str, list[list[str]]], stats: dict) -> dict[str, int]:
    """Update ``stats`` (clauses, tokens per field) for the rows replaced and the clauses written;
    return the document-frequency changes of the replaced rows (−1 per token a row has)."""
    old = _rows_of(c, replaced, ["words", "chars", "n_w", "n_c"])
    delta: dict[str, int] = {}
    for f in FIELDS:
        stats[f]["n"] += len(token_lists[f]) - len(old)
        stats[f]["total"] += sum(map(len, token_lists[f])) - sum(r[f"n_{f}"] for r in old)
        for r in old:
            for k in sparse_keys(r[SPARSE_FIELD[f]]):
                delta[df_key(f, k)] = delta.get(df_key(f, k), 0) - 1
    return delta


def _encoder_dict(e: EncoderInfo) -> dict:
    return {"backend": e.backend, "name": e.name, "dim": e.dim}


def _meta_row(manifest: dict) -> dict:
    return {"key": MANIFEST_KEY, "kind": "manifest", "body": manifest, "df": 0, "gen": 0, "vec": [0.0, 0.0]}


def _create(c, dim: int, remote: bool) -> None:
    from pymilvus import DataType

    s = c.create_schema(auto_id=False, enable_dynamic_field=False)
    for name in (
        "pk",
        "doc_id",
        "doc_gen",
        "clause_id",
        "title",
        "doc_number",
        "issuer",
        "doc_date",
        "section",
        "text",
    ):
        s.add_field(name, DataType.VARCHAR, max_length=LIMITS[name], is_primary=name == "pk")
    for name in ("gen", "seq", "level", "n_w", "n_c"):
        s.add_field(name, DataType.INT64)
    s.add_field("due", DataType.ARRAY, element_type=DataType.INT64, max_capacity=LIST_CAP)
    for name in ("units", "indicators"):
        s.add_field(name, DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=LIST_CAP, max_length=256)
    s.add_field("body", DataType.JSON)
    s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    s.add_field("words", DataType.SPARSE_FLOAT_VECTOR)
    s.add_field("chars", DataType.SPARSE_FLOAT_VECTOR)
    ip = c.prepare_index_params()
    if remote:
        ip.add_index("dense", index_type="HNSW", metric_type="IP", params={"M": 16, "efConstruction": 200})
    else:
        ip.add_index("dense", index_type="FLAT", metric_type="IP")
    for name in ("words", "chars"):
        ip.add_index(name, index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    c.create_collection(CLAUSES, schema=s, index_params=ip, consistency_level=CONSISTENCY)
    m = c.create_schema(auto_id=False, enable_dynamic_field=False)
    m.add_field("key", DataType.VARCHAR, max_length=LIMITS["pk"], is_primary=True)
    m.add_field("kind", DataType.VARCHAR, max_length=16)
    m.add_field("body", DataType.JSON)
    m.add_field("df", DataType.INT64)
    m.add_field("gen", DataType.INT64)
    m.add_field("vec", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a vector in every collection
    mp = c.prepare_index_params()
    mp.add_index("vec", index_type="FLAT", metric_type="L2")
    c.create_collection(META, schema=m, index_params=mp, consistency_level=CONSISTENCY)
    load_collections(c)


def _row(cl: Clause, gen: int, seq: int, doc: Document, vector, vecs: dict, lengths: dict[str, int]) -> dict:
    return {
        "pk": _cut(f"{doc_gen(cl.doc_id, gen)}#{seq}", "pk"),
        "doc_id": _cut(cl.doc_id, "doc_id"),
        "doc_gen": _cut(doc_gen(cl.doc_id, gen), "doc_gen"),
        "clause_id": _cut(cl.clause_id, "clause_id"),
        "title": _cut(cl.title, "title"),
        "doc_number": _cut(cl.doc_number, "doc_number"),
        "issuer": _cut(cl.issuer, "issuer"),
        "doc_date": _cut(cl.doc_date, "doc_date"),
        "section": _cut(cl.section, "section"),
        "text": _cut(cl.text, "text"),
        "gen": gen,
        "seq": seq,
        "level": int(doc.level),
        "n_w": lengths["w"],
        "n_c": lengths["c"],
        "due": [day_number(d.due) for d in cl.deadlines][:LIST_CAP],
        "units": [u[:80] for u in cl.units][:LIST_CAP],
        "indicators": [t.indicator[:80] for t in cl.targets][:LIST_CAP],
        "body": cl.to_dict(),
        "dense": [float(x) for x in vector],
        "words": vecs["w"] or {0: 0.0},
        "chars": vecs["c"] or {0: 0.0},
    }


def _cut(text: str, field: str) -> str:
    """Text within a VARCHAR's byte limit (the JSON body keeps it whole)."""
    limit = LIMITS[field]
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", "ignore")


def _insert(c, collection: str, rows: list[dict], checkpoint_at: int = -1) -> None:
    for start in range(0, len(rows), BATCH):
        c.insert(collection, rows[start : start + BATCH])
        if start <= checkpoint_at < start + BATCH:
            checkpoint("clauses")


def _delete_uncommitted(c, man: dict) -> None:
    """Delete rows the manifest does not commit: a killed write's (a later generation) and the
    ones its own write replaced (readers of the manifest before it have had their time)."""
    gen, superseded = int(man["generation"]), man.get("superseded", [])
    stale = f" or doc_gen in {expr_list(superseded)}" if superseded else ""
    c.delete(CLAUSES, filter=f"gen > {gen}{stale}")
    keys = [doc_key(p) for p in superseded]
    c.delete(META, filter=f'kind == "doc" and (gen > {gen}' + (f" or key in {expr_list(keys)})" if keys else ")"))


def _rows_of(c, docs: dict[str, int], fields: list[str]) -> list[dict]:
    if not docs:
        return []
    return iterate(c, f"doc_gen in {expr_list([doc_gen(d, g) for d, g in docs.items()])}", fields)


def _recount(c, man: dict) -> dict:
    """Statistics and document frequencies counted anew from the committed rows."""
    rows = iterate(c, committed_expr(man), ["words", "chars", "n_w", "n_c"])
    stats = {f: {"n": len(rows), "total": sum(r[f"n_{f}"] for r in rows)} for f in FIELDS}
    df: dict[str, int] = {}
    for r in rows:
        for f in FIELDS:
            for k in sparse_keys(r[SPARSE_FIELD[f]]):
                df[df_key(f, k)] = df.get(df_key(f, k), 0) + 1
    c.delete(META, filter='kind == "df"')
    _insert(c, META, [_df_row(k, n) for k, n in df.items()])
    return stats


def _apply_df(c, delta: dict[str, int]) -> None:
    keys = sorted(k for k, v in delta.items() if v)
    current = {r["key"]: r["df"] for r in get_rows(c, META, keys, ["key", "df"])}
    rows = [_df_row(k, current.get(k, 0) + delta[k]) for k in keys]
    for start in range(0, len(rows), BATCH):
        c.upsert(META, rows[start : start + BATCH])


def _df_row(key: str, df: int) -> dict:
    return {"key": key, "kind": "df", "body": {}, "df": max(df, 0), "gen": 0, "vec": [0.0, 0.0]}
