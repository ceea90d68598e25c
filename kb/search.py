"""Hybrid search: BM25 over jieba tokens and dense vectors, fused by weighted, normalised scores.

Each retriever proposes its ``depth`` best clauses; every candidate is then scored by both
(so a clause one retriever missed is not scored zero by it), the dense scores are min-max
normalised over the candidates and BM25 scores divided by their maximum, and the two are
mixed with ``dense_weight``. The weight and depth were chosen on the dev set (see README);
plain reciprocal-rank fusion is kept as an option for comparison.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from .deadlines import mentions_date
from .errors import KBError
from .index import Index
from .model import Clause, Hit
from .text import normalize

MAX_QUERY_CHARS = 200
UNKNOWN_LEVEL = 9  # ingest.metadata.issuer_level's answer for an issuer it cannot place
# A question about *when* ("什么时候治理完") is answered by a clause that names a date.
WHEN_QUESTION_RE = re.compile(r"什么时候|啥时候|何时|什么时间|几时|期限|时限|截止|到期|哪年前|多久完成")


@dataclass(frozen=True)
class Filters:
    """Restrict a search. Empty fields do not restrict.

    Attributes:
        doc_ids: documents to search (a prefix of the id is enough, e.g. ``fuxin``).
        issuer: text the issuer must contain.
        date_from, date_to: the document's date range.
        has_deadline: only clauses with a deadline.
        due_from, due_to: only clauses with a deadline due in this range.
    """

    doc_ids: tuple[str, ...] = ()
    issuer: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    has_deadline: bool = False
    due_from: dt.date | None = None
    due_to: dt.date | None = None

    def __bool__(self) -> bool:
        return any(getattr(self, f) for f in self.__dataclass_fields__)

    def accepts(self, c: Clause) -> bool:
        """Whether a clause passes every filter."""
        if self.doc_ids and not any(c.doc_id == d or c.doc_id.startswith(d) for d in self.doc_ids):
            return False
        if self.issuer and self.issuer not in c.issuer:
            return False
        if (self.date_from or self.date_to) and not _in_range(c.doc_date, self.date_from, self.date_to):
            return False
        if self.has_deadline or self.due_from or self.due_to:
            return any(_in_range(d.due.isoformat(), self.due_from, self.due_to) for d in c.deadlines)
        return True


def _in_range(iso: str, lo: dt.date | None, hi: dt.date | None) -> bool:
    if not iso:
        return False
    day = dt.date.fromisoformat(iso)
    return (lo is None or day >= lo) and (hi is None or day <= hi)


@dataclass(frozen=True)
class Fusion:
    """How the two retrievers are combined.

    Attributes:
        method: ``weighted`` (default), ``rrf``, ``dense`` or ``bm25``; the last three are the
            plain methods, without the boosts below (for comparison).
        dense_weight: share of the dense score in ``weighted``.
        depth: candidates taken from each retriever.
        rrf_k: the constant of reciprocal-rank fusion.
        when_boost: added for clauses that name a date when the query asks "when" (什么时候…).
        local_boost: added for clauses of the most local level of government in the index (the
            city's own plan over the province's and the nation's); no effect when all documents
            are of one level.
    """

    method: str = "weighted"
    dense_weight: float = 0.8
    depth: int = 50
    rrf_k: int = 60
    when_boost: float = 0.15
    local_boost: float = 0.2


DEFAULT_FUSION = Fusion()


def check_query(query: str) -> str:
    """The query stripped; ``KBError`` when empty or longer than ``MAX_QUERY_CHARS``."""
    q = (query or "").strip()
    if not q:
        raise KBError("empty query; type a topic or a question, e.g. 城市黑臭水体什么时候消除")
    if len(q) > MAX_QUERY_CHARS:
        raise KBError(f"query too long ({len(q)} characters > {MAX_QUERY_CHARS}); shorten it to the topic")
    return q


class Searcher:
    """Searches one loaded index; keeps the query embeddings of recent queries."""

    def __init__(self, index: Index, fusion: Fusion = DEFAULT_FUSION):
        self.index = index
        self.fusion = fusion
        self._query_cache: dict[str, np.ndarray] = {}
        levels = {d.doc_id: d.level for d in index.docs.values()}
        known = [lvl for lvl in levels.values() if lvl < UNKNOWN_LEVEL]
        most_local = max(known, default=None)
        self._local = np.array([levels.get(c.doc_id) == most_local for c in index.clauses], dtype=np.float64)

    def embed(self, query: str) -> np.ndarray:
        vec = self._query_cache.get(query)
        if vec is None:
            vec = self.index.encoder.queries([query])[0]
            if len(self._query_cache) > 256:
                self._query_cache.clear()
            self._query_cache[query] = vec
        return vec

    def search(self, query: str, top: int = 5, filters: Filters = Filters(), fusion: Fusion | None = None) -> list[Hit]:
        """The ``top`` best clauses for ``query``, best first.

        Raises:
            KBError: empty or overlong query.
        """
        query = check_query(query)
        fusion = fusion or self.fusion
        n = len(self.index.clauses)
        if n == 0:
            return []
        allowed = np.array([filters.accepts(c) for c in self.index.clauses]) if filters else None
        if allowed is not None and not allowed.any():
            return []
        tokens = self.index.tokenizer.tokens(query)
        bm25_all = self._bm25_scores(tokens, allowed)
        depth = max(fusion.depth, top * 3)
        bm25_ids = _top_ids(bm25_all, depth, positive_only=True)
        dense_ids = self._dense_top(query, depth, allowed) if fusion.method != "bm25" else np.array([], np.int64)
        cand = np.array(sorted(set(bm25_ids.tolist()) | set(dense_ids.tolist())), dtype=np.int64)
        if not len(cand):
            return []
        dense = self._dense_scores(query, cand) if fusion.method != "bm25" else np.zeros(len(cand))
        bm25 = bm25_all[cand]
        fused = _fuse(fusion, dense, bm25, cand, dense_ids, bm25_ids)
        if fusion.method == "weighted":  # the boosts are sized for its 0–1 scale
            fused = fused + fusion.local_boost * self._local[cand]
            if fusion.when_boost and WHEN_QUESTION_RE.search(query):
                fused = fused + fusion.when_boost * np.array([mentions_date(self.index.clauses[i].text) for i in cand])
        ranks = ({int(i): r + 1 for r, i in enumerate(dense_ids)}, {int(i): r + 1 for r, i in enumerate(bm25_ids)})
        return self._hits(cand, fused, dense, bm25, ranks, tokens, top)

    def _hits(self, cand, fused, dense, bm25, ranks, tokens, top) -> list[Hit]:
        """The best ``top`` candidates as hits, each clause text shown once per document title."""
        hits, seen = [], set()
        for k in np.argsort(-fused, kind="stable"):
            i = int(cand[k])
            c = self.index.clauses[i]
            key = (c.title, normalize(c.text))
            if key in seen:
                continue  # the same clause of the same document in another format (txt and pdf)
            seen.add(key)
            hits.append(Hit(
                clause=c, score=round(float(fused[k]), 6), rank=len(hits) + 1,
                dense_rank=ranks[0].get(i), bm25_rank=ranks[1].get(i),
                dense_score=round(float(dense[k]), 6), bm25_score=round(float(bm25[k]), 6),
                matched_terms=tuple(self.index.tokenizer.matched_terms(tokens, c.text)),
            ))
            if len(hits) == top:
                break
        return hits

    def _bm25_scores(self, tokens: list[str], allowed: np.ndarray | None) -> np.ndarray:
        vocab = self.index.bm25.vocab_dict
        known = [t for t in tokens if t in vocab]
        if not known:
            return np.zeros(len(self.index.clauses), dtype=np.float32)
        mask = allowed.astype(np.float32) if allowed is not None else None
        return np.asarray(self.index.bm25.get_scores(known, weight_mask=mask), dtype=np.float32)

    def _dense_top(self, query: str, depth: int, allowed: np.ndarray | None) -> np.ndarray:
        """Ids of the ``depth`` nearest clauses (among the allowed ones), nearest first."""
        import faiss

        q = self.embed(query)[None, :]
        k = min(depth, self.index.faiss_index.ntotal)
        params = None
        if allowed is not None:
            ids = np.flatnonzero(allowed).astype(np.int64)
            k = min(k, len(ids))
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(ids))
        _, ids = self.index.faiss_index.search(q, k, params=params)
        return ids[0][ids[0] >= 0]

    def _dense_scores(self, query: str, ids: np.ndarray) -> np.ndarray:
        vectors = self.index.faiss_index.reconstruct_batch(ids)
        return vectors @ self.embed(query)


def _top_ids(scores: np.ndarray, k: int, positive_only: bool = False) -> np.ndarray:
    k = min(k, len(scores))
    ids = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    ids = ids[np.argsort(-scores[ids], kind="stable")]
    return ids[scores[ids] > 0] if positive_only else ids


def _fuse(f: Fusion, dense, bm25, cand, dense_ids, bm25_ids) -> np.ndarray:
    if f.method == "dense":
        return dense.astype(np.float64)
    if f.method == "bm25":
        return bm25.astype(np.float64)
    if f.method == "rrf":
        d_rank = {int(i): r for r, i in enumerate(dense_ids)}
        b_rank = {int(i): r for r, i in enumerate(bm25_ids)}
        return np.array([
            (1 / (f.rrf_k + d_rank[i] + 1) if i in d_rank else 0) + (1 / (f.rrf_k + b_rank[i] + 1) if i in b_rank else 0)
            for i in cand.tolist()
        ])
    span = dense.max() - dense.min()
    d = (dense - dense.min()) / span if span > 0 else np.zeros_like(dense)
    b = bm25 / bm25.max() if bm25.max() > 0 else np.zeros_like(bm25)
    return f.dense_weight * d + (1 - f.dense_weight) * b
