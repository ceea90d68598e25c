"""How the index folder searches: FAISS and bm25s over a row mask, in memory.

``kb.index.Index`` (the folder's loading and writing) inherits this; the Milvus store does the
same work with server-side searches (``kb.store.milvus``).
"""
from __future__ import annotations

import numpy as np

from .base import RETRIEVERS, Candidates, Store, Where


class FilesSearch(Store):
    """``candidates`` for a store holding ``clauses``, ``docs``, ``faiss_index``, ``bm25`` and ``bm25_chars``."""

    kind = "files"
    _doc_rows: dict[str, np.ndarray] | None = None

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
            clauses=[self.clauses[i] for i in cand], dense=self.faiss_index.reconstruct_batch(cand) @ query_vec,
            words=word_scores[cand], chars=char_scores[cand],
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
