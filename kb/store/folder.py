"""The index folder, the default store: plain files, one manifest that commits them, in-memory search.

Layout of ``index/``::

    manifest.json             schema, encoder, counts, corpus hash, package versions, file names
    clauses-000007.jsonl      line i = vector i
    vectors-000007.faiss      IndexFlatIP over L2-normalised vectors
    bm25-000007/              bm25s files over jieba words
    chars-000007/             bm25s files over characters and character bigrams
    docs-000007.json          the documents and their metadata
    terms-000007.txt          the tokenizer's extra terms (mined from the corpus)
    .lock                     held by the writer (``kb.store.common.writer_lock``)

A write puts a new generation's files beside the old ones and then replaces ``manifest.json``
with ``os.replace``: a reader sees the old index or the new one, never a mix. The previous
generation stays on disk for readers still loading it; older ones are removed. A search is FAISS
and bm25s over a row mask, in memory; the Milvus store does the same work server-side.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kb.encoders import Encoder, EncoderInfo
from kb.errors import KBError
from kb.model import Clause, Document
from kb.store.base import RETRIEVERS, Candidates, Change, Store, Where
from kb.store.common import checkpoint, corpus_hash, package_versions, rebuild_hint
from kb.text import Tokenizer, lexical_fields, retrieval_text, term_set, tokenizer_for

SCHEMA_VERSION = 6  # 2: character bigrams, units; 3: single characters; 4: no cover-letter sentences; 5: roles;
# 6: inline titles and responsibility brackets kept on their clauses, 款 and 项 of articles
MANIFEST = "manifest.json"


@dataclass
class FolderStore(Store):
    """A loaded index folder. ``encoder`` is built on first use."""

    path: Path
    manifest: dict
    docs: dict[str, Document]
    clauses: list[Clause]
    faiss_index: object
    bm25: object
    tokenizer: Tokenizer
    bm25_chars: object = None
    _encoder: Encoder | None = field(default=None, repr=False)
    _positions: dict[str, int] | None = field(default=None, repr=False)
    _by_doc: dict[str, list[Clause]] | None = field(default=None, repr=False)
    _doc_rows: dict[str, np.ndarray] | None = field(default=None, repr=False)
    _excluded: tuple | None = field(default=None, repr=False)  # (the exclude set, its row mask)
    kind = "files"

    @property
    def label(self) -> str:
        return str(self.path)

    def vectors(self) -> np.ndarray:
        """All clause vectors, row i for clause i."""
        n = self.faiss_index.ntotal
        return self.faiss_index.reconstruct_n(0, n) if n else np.zeros((0, self.encoder_info.dim), np.float32)

    def vectors_of(self, clauses: list[Clause]) -> np.ndarray:
        if not clauses:
            return np.zeros((0, self.encoder_info.dim), np.float32)
        return self.faiss_index.reconstruct_batch(
            np.array([self.position(c.clause_id) for c in clauses], dtype=np.int64)
        )

    def candidates(self, query_vec, words, chars, depth, where, retrievers=RETRIEVERS) -> Candidates:
        """FAISS and bm25s under a row mask; every candidate scored by all three."""
        allowed = self._mask(where)
        if allowed is not None and not allowed.any():
            return Candidates.empty()
        word_scores = _lexical(self.bm25, words, allowed, len(self.clauses))
        char_scores = _lexical(self.bm25_chars, chars, allowed, len(self.clauses))
        ranked = {
            "dense": self._dense_top(query_vec, depth, allowed) if "dense" in retrievers else _NONE,
            "bm25": _top_ids(word_scores, depth) if "bm25" in retrievers else _NONE,
            "chars": _top_ids(char_scores, depth) if "chars" in retrievers else _NONE,
        }
        cand = np.unique(np.concatenate(list(ranked.values()))).astype(np.int64)
        if not len(cand):
            return Candidates.empty()
        pos = {int(i): k for k, i in enumerate(cand)}
        return Candidates(
            clauses=[self.clauses[i] for i in cand],
            dense=self.faiss_index.reconstruct_batch(cand) @ query_vec,
            words=word_scores[cand],
            chars=char_scores[cand],
            ranked={k: [pos[int(i)] for i in v] for k, v in ranked.items()},
        )

    def _mask(self, where: Where | None) -> np.ndarray | None:
        """Rows passing ``where`` (None: every row)."""
        if where is None:
            return None
        if self._doc_rows is None:
            doc_ids = np.array([c.doc_id for c in self.clauses], dtype=object)
            self._doc_rows = {d: np.flatnonzero(doc_ids == d) for d in self.docs}
        mask = np.ones(len(self.clauses), dtype=bool)
        if where.doc_ids is not None:
            mask[:] = False
            for d in where.doc_ids:
                mask[self._doc_rows.get(d, [])] = True
        if where.exclude:
            if self._excluded is None or self._excluded[0] is not where.exclude:
                ids = np.array([c.clause_id for c in self.clauses], dtype=object)
                self._excluded = (where.exclude, np.isin(ids, list(where.exclude)))
            mask &= ~self._excluded[1]
        if where.only is not None:
            rows = np.zeros(len(self.clauses), dtype=bool)
            rows[[self.position(c) for c in where.only if self.has_clause(c)]] = True
            mask &= rows
        if where.units or where.by_deadline:
            mask &= np.array([where.accepts(c) for c in self.clauses], dtype=bool)
        return mask

    def _dense_top(self, q: np.ndarray, depth: int, allowed: np.ndarray | None) -> np.ndarray:
        """Ids of the ``depth`` nearest clauses (among the allowed ones), nearest first."""
        import faiss

        k = min(depth, self.faiss_index.ntotal)
        params = None
        if allowed is not None:
            ids = np.flatnonzero(allowed).astype(np.int64)
            k = min(k, len(ids))
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(ids))
        if k < 1:
            return _NONE
        _, ids = self.faiss_index.search(q[None, :], k, params=params)
        return ids[0][ids[0] >= 0]


def read_manifest(index_dir: str | Path) -> dict:
    """The manifest, or ``KBError`` naming the command that builds the index."""
    path = Path(index_dir) / MANIFEST
    if not path.exists():
        raise KBError(f"no index at {index_dir}; build it with: python -m ingest corpus --index {index_dir}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise KBError(
            f"the index at {index_dir} is damaged (manifest.json); rebuild it with: {rebuild_hint(index_dir)}"
        ) from None
    if manifest.get("schema") != SCHEMA_VERSION:
        raise KBError(
            f"the index at {index_dir} has schema {manifest.get('schema')}, this program reads {SCHEMA_VERSION}; "
            f"rebuild it with: {rebuild_hint(index_dir)}"
        )
    return manifest


def load(index_dir: str | Path, encoder: EncoderInfo | None = None) -> FolderStore:
    """Load an index and check it is whole.

    Args:
        index_dir: the index folder.
        encoder: when given, the index must have been built with this encoder.

    Raises:
        KBError: missing, damaged, of another schema or encoder; the message says how to rebuild.
    """
    import bm25s
    import faiss

    index_dir = Path(index_dir)
    manifest = read_manifest(index_dir)
    built = EncoderInfo(**manifest["encoder"])
    if encoder and encoder != built:
        raise KBError(
            f"the index at {index_dir} was built with encoder {built.spec} ({built.dim}-d), not {encoder.spec}; "
            f"rebuild it with: {rebuild_hint(index_dir)} --encoder {encoder.spec}"
        )
    files = manifest["files"]
    try:
        clauses = [Clause.from_dict(json.loads(line)) for line in _lines(index_dir / files["clauses"])]
        docs = [Document.from_dict(d) for d in json.loads((index_dir / files["docs"]).read_text(encoding="utf-8"))]
        vectors = faiss.read_index(str(index_dir / files["vectors"]))
        bm25 = bm25s.BM25.load(str(index_dir / files["bm25"]), show_progress=False) if clauses else None
        chars = bm25s.BM25.load(str(index_dir / files["chars"]), show_progress=False) if clauses else None
        terms = (index_dir / files["terms"]).read_text(encoding="utf-8").split()
    except (OSError, RuntimeError, ValueError, KeyError, TypeError) as exc:
        raise KBError(
            f"the index at {index_dir} is damaged ({exc.__class__.__name__}); "
            f"rebuild it with: {rebuild_hint(index_dir)}"
        ) from None
    counts = manifest["counts"]
    if not (len(clauses) == vectors.ntotal == counts["clauses"] and len(docs) == counts["documents"]):
        raise KBError(
            f"the index at {index_dir} is incomplete (counts differ); rebuild it with: {rebuild_hint(index_dir)}"
        )
    if vectors.d != built.dim:
        raise KBError(
            f"the index at {index_dir} has {vectors.d}-d vectors, its manifest says {built.dim}; "
            f"rebuild it with: {rebuild_hint(index_dir)}"
        )
    return FolderStore(
        index_dir, manifest, {d.doc_id: d for d in docs}, clauses, vectors, bm25, tokenizer_for(tuple(terms)), chars
    )


def _lines(path: Path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield line


def exists(index_dir: str | Path) -> bool:
    return (Path(index_dir) / MANIFEST).exists()


def write(
    index_dir: str | Path,
    docs: list[Document],
    clauses: list[Clause],
    vectors: np.ndarray,
    token_lists: list[list[str]],
    char_lists: list[list[str]],
    terms: list[str],
    encoder: EncoderInfo,
    reuse: FolderStore | None = None,
) -> dict:
    """Write a new generation and commit it by replacing the manifest. Call under ``writer_lock``.

    ``reuse``: a generation whose vectors and lexical indexes are these clauses' (``apply`` checks),
    linked instead of built.
    """
    import bm25s
    import faiss

    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    previous = current_generation(index_dir) or 0
    gen = max([previous, *_generations_on_disk(index_dir)]) + 1
    names = {
        "clauses": f"clauses-{gen:06d}.jsonl",
        "vectors": f"vectors-{gen:06d}.faiss",
        "bm25": f"bm25-{gen:06d}",
        "chars": f"chars-{gen:06d}",
        "docs": f"docs-{gen:06d}.json",
        "terms": f"terms-{gen:06d}.txt",
    }
    with open(index_dir / names["clauses"], "w", encoding="utf-8") as f:
        for i, c in enumerate(clauses):
            f.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
            if i == len(clauses) // 2:
                checkpoint("clauses")
        _sync(f)
    if reuse is not None:
        for key in ("vectors", "bm25", "chars"):
            _link(Path(reuse.path) / reuse.manifest["files"][key], index_dir / names[key])
    else:
        flat = faiss.IndexFlatIP(encoder.dim)
        if len(vectors):
            flat.add(np.ascontiguousarray(vectors, dtype=np.float32))
        faiss.write_index(flat, str(index_dir / names["vectors"]))
    checkpoint("vectors")
    for key, lists in (("bm25", token_lists), ("chars", char_lists)):
        if reuse is not None:
            continue
        if clauses:
            retriever = bm25s.BM25()
            retriever.index(lists, show_progress=False)
            retriever.save(str(index_dir / names[key]), show_progress=False)
        else:
            (index_dir / names[key]).mkdir(exist_ok=True)
    _write_text(index_dir / names["docs"], json.dumps([d.to_dict() for d in docs], ensure_ascii=False, indent=1))
    _write_text(index_dir / names["terms"], "\n".join(terms) + "\n")
    checkpoint("manifest")
    manifest = {
        "schema": SCHEMA_VERSION,
        "generation": gen,
        "encoder": {"backend": encoder.backend, "name": encoder.name, "dim": encoder.dim},
        "counts": {"documents": len(docs), "clauses": len(clauses)},
        "corpus_hash": corpus_hash(docs),
        "packages": package_versions(),
        "files": names,
    }
    _commit_manifest(index_dir, manifest)
    _remove_old(index_dir, keep={gen, previous})
    return manifest


def apply(index_dir: str | Path, old: FolderStore | None, change: Change) -> dict:
    """Write ``change`` over ``old`` as a new generation: the kept clauses keep their vectors,
    clauses in the order of ``change.docs``. Call under ``writer_lock``."""
    replaced = change.written | change.removed
    kept = [c for c in (old.clauses if old else []) if c.doc_id not in replaced]
    vectors = np.concatenate(
        [
            old.vectors_of(kept) if old else np.zeros((0, change.encoder.dim), np.float32),
            np.asarray(change.vectors, dtype=np.float32).reshape(-1, change.encoder.dim),
        ]
    )
    clauses = kept + change.clauses
    order = {d: i for i, d in enumerate(change.docs)}
    rows = sorted(range(len(clauses)), key=lambda i: order[clauses[i].doc_id])  # stable: in-document order kept
    clauses, vectors = [clauses[i] for i in rows], vectors[rows]
    docs = list(change.docs.values())
    if old is not None and _same_search_fields(old, clauses, change.terms):
        # only documents' fields changed (a metadata edit): the vectors and both lexical indexes are
        # the last generation's, linked, not rebuilt (a whole-corpus retokenisation costs seconds)
        return write(index_dir, docs, clauses, vectors, [], [], change.terms, change.encoder, reuse=old)
    words, chars = lexical_fields(clauses, change.terms)
    return write(index_dir, docs, clauses, vectors, words, chars, change.terms, change.encoder)


def _same_search_fields(old: FolderStore, clauses: list[Clause], terms: list[str]) -> bool:
    """Whether the new generation searches exactly as ``old`` does: the same clauses in the same
    order with the same retrieval text, and the same tokenizer terms."""
    return (
        len(clauses) == len(old.clauses)
        and term_set(terms) == old.tokenizer.terms
        and all(
            a.clause_id == b.clause_id and retrieval_text(a) == retrieval_text(b) for a, b in zip(clauses, old.clauses)
        )
    )


def _link(src: Path, dst: Path) -> None:
    """``dst`` as a hard link of ``src`` (a folder: of each file), copied where links are refused."""
    if src.is_dir():
        shutil.copytree(src, dst, copy_function=_link_file)
    else:
        _link_file(src, dst)


def _link_file(src, dst) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
        _sync(f)


def _sync(f) -> None:
    f.flush()
    os.fsync(f.fileno())


def _commit_manifest(index_dir: Path, manifest: dict) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".manifest-", dir=index_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
        _sync(f)
    checkpoint("replace")
    os.replace(tmp, index_dir / MANIFEST)
    checkpoint("committed")
    dirfd = os.open(index_dir, os.O_RDONLY)
    try:
        os.fsync(dirfd)
    finally:
        os.close(dirfd)


def current_generation(index_dir: str | Path) -> int | None:
    """The committed generation, from the manifest alone (cheap: a reader checks it on every query)."""
    try:
        return int(json.loads((Path(index_dir) / MANIFEST).read_text(encoding="utf-8"))["generation"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _generation_of(name: str) -> int | None:
    stem = name.split(".")[0]
    _, _, num = stem.rpartition("-")
    return int(num) if num.isdigit() and len(num) == 6 else None


def _generations_on_disk(index_dir: Path) -> list[int]:
    return [g for p in index_dir.iterdir() if (g := _generation_of(p.name)) is not None]


def _remove_old(index_dir: Path, keep: set[int]) -> None:
    """Remove generations other than ``keep``, and temp files left by a killed writer."""
    for p in index_dir.iterdir():
        g = _generation_of(p.name)
        stale_tmp = p.name.startswith(".manifest-")
        if (g is not None and g not in keep) or stale_tmp:
            shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)


_NONE = np.array([], dtype=np.int64)


def _lexical(bm25, tokens: list[str], allowed: np.ndarray | None, n: int) -> np.ndarray:
    """BM25 scores of every clause for ``tokens`` (zero where not allowed)."""
    known = [t for t in tokens if bm25 is not None and t in bm25.vocab_dict]
    if not known:
        return np.zeros(n, dtype=np.float32)
    mask = allowed.astype(np.float32) if allowed is not None else None
    return np.asarray(bm25.get_scores(known, weight_mask=mask), dtype=np.float32)


def _top_ids(scores: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` best ids with a positive score, best first."""
    k = min(k, len(scores))
    if k < 1:
        return _NONE
    ids = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    ids = ids[np.argsort(-scores[ids], kind="stable")]
    return ids[scores[ids] > 0]
