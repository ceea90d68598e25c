"""How alike two clauses are as tasks: shared wording and meaning, with their dates left out.

The same task at two levels of government is usually worded alike (a city plan copies the
province's sentence and changes the numbers), so a pair is scored half on shared wording (Dice
over Chinese character bigrams, numbers and time words dropped) and half on the dense cosine,
rescaled from [DENSE_FLOOR, 1] to [0, 1] (e5 cosines of unrelated Chinese clauses sit near 0.9).
Deadline cross-references and 对标对表 both score pairs this way.
"""

from __future__ import annotations

import re

import numpy as np

from kb.policy.dates import TIME_WORDS_RE
from kb.text import normalize

DENSE_FLOOR = 0.9
CJK_RUN_RE = re.compile(r"[\u4e00-\u9fff]+")


def bigram_matrix(texts: list[str]) -> np.ndarray:
    """Binary (text × Chinese character bigram) matrix; numbers, punctuation and time words
    (2025年底前, 到“十四五”末) are left out: sharing a deadline does not make two tasks alike."""
    grams = [
        {
            run[i : i + 2]
            for run in CJK_RUN_RE.findall(TIME_WORDS_RE.sub("，", normalize(t)))
            for i in range(len(run) - 1)
        }
        for t in texts
    ]
    vocab = {g: k for k, g in enumerate(sorted(set().union(*grams)))}
    m = np.zeros((len(texts), max(len(vocab), 1)), dtype=np.float32)
    for row, gs in enumerate(grams):
        m[row, [vocab[g] for g in gs]] = 1.0
    return m


def pair_scores(
    texts: list[str], vectors: np.ndarray, other_texts: list[str] | None = None, other_vectors: np.ndarray | None = None
) -> np.ndarray:
    """The cross-reference score of every pair: 0.5 × bigram Dice + 0.5 × rescaled cosine.

    With ``other_texts``/``other_vectors``: rows are ``texts``, columns the others; else every
    pair of ``texts``.
    """
    if other_texts is None:
        other_texts, other_vectors = texts, vectors
    b = bigram_matrix(texts + other_texts)
    x, y = b[: len(texts)], b[len(texts) :]
    dice = 2 * (x @ y.T) / np.maximum(x.sum(axis=1)[:, None] + y.sum(axis=1)[None, :], 1)
    dense = np.clip((vectors @ other_vectors.T - DENSE_FLOOR) / (1 - DENSE_FLOOR), 0, 1)
    return 0.5 * dice + 0.5 * dense
