"""BM25 as sparse vectors, from the project's own tokens, for a store that searches by inner product.

A clause's vector holds, for each of its tokens, BM25's term-frequency part (Lucene variant,
as bm25s computes it); the query's holds each token's IDF times its count. Their inner product is
the clause's BM25 score. Dimensions are CRC-32 hashes of the token, one space per field.

IDF comes from document frequencies the store keeps per hashed token; the clause side uses the
average length at the time it was written (an incremental write does not rewrite old rows, as
Lucene does not; a ``--rebuild`` brings every row to the same statistics).
"""

from __future__ import annotations

import math
import zlib
from collections import Counter

K1 = 1.5  # bm25s's defaults, so both stores score alike
B = 0.75
DIM = 2**32 - 1  # sparse dimensions are uint32 below this


def token_id(token: str) -> int:
    return zlib.crc32(token.encode("utf-8")) % DIM


def clause_vector(tokens: list[str], avgdl: float) -> dict[int, float]:
    """BM25's term-frequency part of each token of one clause."""
    norm = K1 * (1 - B + B * len(tokens) / max(avgdl, 1e-9))
    out: dict[int, float] = {}
    for tok, tf in Counter(tokens).items():
        key = token_id(tok)
        out[key] = out.get(key, 0.0) + tf / (norm + tf)
    return out


def idf(df: int, n: int) -> float:
    """Lucene's IDF (always positive)."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def query_vector(tokens: list[str], df: dict[int, int], n: int) -> dict[int, float]:
    """IDF × count for each query token the clauses contain (unknown tokens are dropped)."""
    out: dict[int, float] = {}
    for tok, count in Counter(tokens).items():
        key = token_id(tok)
        if df.get(key, 0) > 0:
            out[key] = out.get(key, 0.0) + count * idf(df[key], n)
    return out


def dot(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())
