"""Reading a committed state of the Milvus store: search candidates, listings, look-ups."""

from __future__ import annotations

import numpy as np

from kb.errors import KBError, NotFound
from kb.model import Clause, Document
from kb.store import sparse
from kb.store.base import RETRIEVERS, Candidates, Store, Where
from kb.store.milvus.common import (
    BATCH,
    CLAUSES,
    META,
    SCHEMA,
    SPARSE_FIELD,
    as_sparse,
    client,
    committed_expr,
    day_number,
    df_key,
    doc_gen,
    doc_key,
    expr_list,
    get_rows,
    iterate,
    quoted,
    read_manifest,
)
from kb.text import tokenizer_for


class MilvusStore(Store):
    """A committed state of a Milvus database: the manifest and documents in memory, clauses on demand."""

    kind = "milvus"

    def __init__(self, uri: str, manifest: dict, docs: dict[str, Document]):
        self.uri = uri
        self.manifest = manifest
        self.docs = docs
        self.committed: dict[str, int] = dict(manifest["docs"])
        self.tokenizer = tokenizer_for(tuple(manifest["terms"]))
        self._order = {d: i for i, d in enumerate(self.committed)}
        self._clauses: list[Clause] | None = None
        self._by_doc = None
        self._of_doc: dict[str, list[Clause]] = {}
        self._dated: list[Clause] | None = None

    @classmethod
    def open(cls, uri: str) -> MilvusStore:
        """Raises ``KBError`` when the database is empty or of another schema."""
        c = client(uri)
        m = read_manifest(c)
        if m is None:
            raise KBError(
                f"no index in the Milvus store {uri}; build it with: python -m ingest corpus --store milvus:{uri}"
            )
        if m.get("schema") != SCHEMA:
            raise KBError(
                f"the Milvus store {uri} has schema {m.get('schema')}, this program reads {SCHEMA}; "
                f"rebuild it with: python -m ingest corpus --store milvus:{uri} --rebuild"
            )
        keys = {d: doc_key(doc_gen(d, g)) for d, g in m["docs"].items()}
        found = {
            r["key"]: Document.from_dict(r["body"]) for r in get_rows(c, META, list(keys.values()), ["key", "body"])
        }
        if len(found) != len(keys):
            raise KBError(
                f"the Milvus store {uri} is incomplete (documents missing); rebuild it with: "
                f"python -m ingest corpus --store milvus:{uri} --rebuild"
            )
        return cls(uri, m, {d: found[k] for d, k in keys.items()})

    @property
    def c(self):
        return client(self.uri)

    @property
    def label(self) -> str:
        return f"milvus:{self.uri}"

    @property
    def needs_repair(self) -> bool:
        return self.manifest.get("stats_generation") != self.generation  # killed between manifest and counts

    @property
    def clauses(self) -> list[Clause]:
        """Every committed clause, in document order (read once, for the listings that need them all)."""
        if self._clauses is None:
            self._clauses = self._read(self._expr(None) or "gen < 0")
        return self._clauses

    def _read(self, expr: str) -> list[Clause]:
        """The clauses an expression selects, in document order."""
        rows = iterate(self.c, expr, ["doc_id", "seq", "body"])
        rows.sort(key=self._position)
        return [Clause.from_dict(r["body"]) for r in rows]

    def dated_clauses(self) -> list[Clause]:
        """Read by the expression ``array_length(due) > 0``, not by listing every clause."""
        if self._clauses is not None:
            return super().dated_clauses()
        if self._dated is None:
            expr = self._expr(None)
            self._dated = self._read(f"{expr} and array_length(due) > 0") if expr else []
        return self._dated

    def clauses_of(self, doc_id: str) -> list[Clause]:
        if self._clauses is not None:
            return super().clauses_of(doc_id)
        if doc_id not in self._of_doc:
            if doc_id not in self.committed:
                return []
            self._of_doc[doc_id] = self._read(self._doc_expr(doc_id))
        return self._of_doc[doc_id]

    def clause(self, clause_id: str) -> Clause:
        rows = self.c.query(
            CLAUSES, filter=f"clause_id == {quoted(clause_id)} and {self._expr(None)}", output_fields=["body"], limit=1
        )
        if not rows:
            raise NotFound(f"no clause {clause_id!r}; find ids with: python -m kb search QUERY")
        return Clause.from_dict(rows[0]["body"])

    def units(self) -> list[str]:
        return list(self.manifest["units"])

    def vectors_of(self, clauses: list[Clause]) -> np.ndarray:
        if not clauses:
            return np.zeros((0, self.encoder_info.dim), np.float32)
        found = {}
        for doc_id in {c.doc_id for c in clauses}:
            ids = sorted({c.clause_id for c in clauses if c.doc_id == doc_id})
            for start in range(0, len(ids), BATCH):
                expr = f"{self._doc_expr(doc_id)} and clause_id in {expr_list(ids[start : start + BATCH])}"
                for r in self.c.query(CLAUSES, filter=expr, output_fields=["clause_id", "dense"], limit=BATCH):
                    found[(doc_id, r["clause_id"])] = r["dense"]
        return np.array([found[(c.doc_id, c.clause_id)] for c in clauses], dtype=np.float32)

    def candidates(self, query_vec, words, chars, depth, where, retrievers=RETRIEVERS) -> Candidates:
        """Three searches under one expression, then the union's rows scored by all three."""
        expr = self._expr(where)
        if expr is None:
            return Candidates.empty()
        queries = self._query_vectors({"w": words, "c": chars})
        ranked: dict[str, list[str]] = {k: [] for k in RETRIEVERS}
        if "dense" in retrievers:
            ranked["dense"] = self._search("dense", [float(x) for x in query_vec], depth, expr)
        for key, field in (("bm25", "w"), ("chars", "c")):
            if key in retrievers and queries[field]:
                ranked[key] = self._search(SPARSE_FIELD[field], queries[field], depth, expr)
        pks = sorted({pk for v in ranked.values() for pk in v})
        if not pks:
            return Candidates.empty()
        fields = ["pk", "doc_id", "seq", "body", "dense", "words", "chars"]
        rows = {r["pk"]: r for r in get_rows(self.c, CLAUSES, pks, fields)}
        pks = sorted(rows, key=lambda pk: self._position(rows[pk]))
        pos = {pk: k for k, pk in enumerate(pks)}
        vectors = np.array([rows[pk]["dense"] for pk in pks], dtype=np.float32)
        return Candidates(
            clauses=[Clause.from_dict(rows[pk]["body"]) for pk in pks],
            dense=vectors @ query_vec,
            words=np.array([sparse.dot(queries["w"], as_sparse(rows[pk]["words"])) for pk in pks], dtype=np.float32),
            chars=np.array([sparse.dot(queries["c"], as_sparse(rows[pk]["chars"])) for pk in pks], dtype=np.float32),
            ranked={k: [pos[pk] for pk in v if pk in pos] for k, v in ranked.items()},
        )

    def _position(self, row: dict) -> tuple[int, int]:
        """Where a clause row sorts: its document's place among the committed ones, then its own."""
        return self._order.get(row["doc_id"], 1 << 30), row["seq"]

    def _search(self, field: str, data, depth: int, expr: str) -> list[str]:
        res = self.c.search(
            CLAUSES,
            data=[data],
            anns_field=field,
            limit=depth,
            filter=expr,
            search_params={"metric_type": "IP"},
            output_fields=["pk"],
        )
        return [h["id"] if "id" in h else h["pk"] for h in res[0]]

    def _query_vectors(self, tokens: dict[str, list[str]]) -> dict[str, dict[int, float]]:
        """The query's sparse vector for each field, with IDF from the stored document frequencies."""
        ids = {f: {sparse.token_id(t) for t in toks} for f, toks in tokens.items()}
        keys = sorted(df_key(f, i) for f, group in ids.items() for i in group)
        df = {r["key"]: r["df"] for r in get_rows(self.c, META, keys, ["key", "df"])}
        return {
            f: sparse.query_vector(
                toks, {i: df[df_key(f, i)] for i in ids[f] if df_key(f, i) in df}, self.manifest["stats"][f]["n"]
            )
            for f, toks in tokens.items()
        }

    def _doc_expr(self, doc_id: str) -> str:
        return f"doc_gen == {quoted(doc_gen(doc_id, self.committed[doc_id]))}"

    def _expr(self, where: Where | None) -> str | None:
        """The filter expression: the committed rows, the allowed documents, then clause fields
        (given with each request: a top-level filter is ignored by hybrid search). None: nothing passes."""
        parts = [committed_expr(self.manifest)]
        if where is not None and where.doc_ids is not None:
            docs = sorted(d for d in where.doc_ids if d in self.committed)
            if not docs:
                return None
            parts.append(f"doc_id in {expr_list(docs)}")
        elif not self.committed:
            return None
        if where is not None and where.exclude:
            parts.append(f"not (clause_id in {expr_list(sorted(where.exclude))})")
        if where is not None and where.only is not None:
            parts.append(f"clause_id in {expr_list(sorted(where.only))}")
        if where is not None and where.units:
            parts.append(f"array_contains_any(units, {expr_list(list(where.units))})")
        if where is not None and where.by_deadline:
            lo = day_number(where.due_from) if where.due_from else 0
            hi = day_number(where.due_to) if where.due_to else 99991231
            slots = max(1, int(self.manifest.get("max_deadlines", 1)))
            parts.append("(" + " or ".join(f"(due[{i}] >= {lo} and due[{i}] <= {hi})" for i in range(slots)) + ")")
        return " and ".join(parts)
