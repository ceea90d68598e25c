"""The relevance floor: when no clause is about the query, say so.

e5's cosine similarities sit in a narrow band (0.79–0.88 for queries about sport, shopping or
gibberish against this corpus), so cosine alone cannot tell an answer from the nearest noise. A
clause is relevant when its cosine clears ``MIN_COSINE``, or clears ``MIN_COSINE_WITH_WORDS``
while sharing at least ``MIN_SHARED`` of the query's character bigrams. Both floors were chosen
on 30 off-topic queries of our own (bench/offtopic_queries.txt) against every right answer of
both dev sets that ranks in the top 5 (README, "Relevance floor").
"""

from __future__ import annotations

from kb.model import Clause
from kb.text import char_bigrams

MIN_COSINE = 0.88
MIN_COSINE_WITH_WORDS = 0.85
MIN_SHARED = 0.3
# Cosine floors by encoder backend; another encoder's scale is unknown, so its hits must share words.
COSINE_FLOORS = {"e5": (MIN_COSINE, MIN_COSINE_WITH_WORDS)}
NO_FLOOR = (float("inf"), float("-inf"))


def shared_bigrams(query: str, clause: Clause) -> float:
    """Share of the query's distinct character bigrams found in the clause or its heading."""
    q = set(char_bigrams(query))
    if not q:
        return 0.0
    near = clause.lead or next((t for t in reversed(clause.section_titles) if t), "")
    return len(q & set(char_bigrams(clause.text + near))) / len(q)


def is_relevant(query: str, clause: Clause, cosine: float, backend: str = "e5") -> bool:
    """Whether ``clause`` (at dense cosine ``cosine`` to the query) is about ``query``."""
    alone, with_words = COSINE_FLOORS.get(backend, NO_FLOOR)
    if cosine >= alone:
        return True
    return cosine >= with_words and shared_bigrams(query, clause) >= MIN_SHARED
