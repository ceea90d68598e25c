"""The knowledge base as quotations are compared with it: each document's text, whole, in one form.

Punctuation width and spaces are not wording: both sides are compared NFKC-folded, lower case,
without whitespace (``kb.text.normalize``). Each document's clauses are joined in order, so a
quotation that spans two sentences is found too, and every position maps back to its clause.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property

from kb.model import Clause, Document
from kb.search.families import Families
from kb.store.base import Store
from kb.text import dice, normalize

NUMBER_PARTS_RE = re.compile(r"(?P<who>[\u4e00-\u9fff]{1,12})\W*(?P<year>(?:19|20)\d{2})\W*(?P<no>\d{1,4})\s*号")
QUOTES_RE = re.compile(r"[“”\"‘’'「」『』《》]")
NOTICE_RE = re.compile(r"^关于印发|的通知$")
SHORT_TITLE_RE = re.compile(r"^[\u4e00-\u9fff]{1,6}$")  # 《意见》, 《方案》, 《规划》: a short name


def compared(text: str) -> str:
    """The form texts are compared in: NFKC, lower case, no whitespace, no quotation marks (a
    draft nests “…” as ‘…’ or 「…」 where the source writes “…”)."""
    return normalize(QUOTES_RE.sub("", text))


@dataclass
class DocText:
    """One document's clauses joined in compared form, with where each clause starts."""

    doc_id: str
    clauses: list[Clause]
    text: str = ""
    starts: list[int] = field(default_factory=list)

    def __post_init__(self):
        parts, at = [], 0
        for c in self.clauses:
            self.starts.append(at)
            flat = compared(c.text)
            parts.append(flat)
            at += len(flat)
        self.text = "".join(parts)

    def clause_at(self, position: int) -> Clause:
        return self.clauses[max(0, bisect.bisect_right(self.starts, position) - 1)]


def number_key(number: str) -> tuple[str, str, str] | None:
    """A 文号 as (issuer's abbreviation, year, number): 国发〔2023〕24号 → (国发, 2023, 24)."""
    m = NUMBER_PARTS_RE.search(normalize(number))
    return (m.group("who"), m.group("year"), str(int(m.group("no")))) if m else None


def same_number(written: str, recorded: str) -> bool:
    """Whether a 文号 as written names the recorded one (the written may carry words before it)."""
    a, b = number_key(written), number_key(recorded)
    return bool(a and b and a[1:] == b[1:] and (a[0].endswith(b[0]) or b[0].endswith(a[0])))


def title_key(title: str) -> str:
    return compared(NOTICE_RE.sub("", title.strip()))


class Library:
    """The documents of one loaded index (one text per family), as ``verdicts`` compares with them."""

    def __init__(self, index: Store):
        self.index = index
        self.families = Families(index.docs, index.clauses_of)
        self.primaries = sorted(set(self.families.primary.values()))

    @cached_property
    def texts(self) -> dict[str, DocText]:
        return {d: DocText(d, self.index.clauses_of(d)) for d in self.primaries}

    def doc(self, doc_id: str) -> Document:
        return self.index.docs[doc_id]

    def by_title(self, title: str) -> str | None:
        """The document whose title this is (punctuation, quotes and 关于印发…的通知 aside)."""
        key = title_key(title)
        return next((d for d in self.primaries if title_key(self.doc(d).title) == key), None)

    def closest_title(self, title: str) -> tuple[str | None, float]:
        """The document whose title is nearest to ``title`` (bigram Dice), and how near."""
        key = title_key(title)
        scored = [(dice(key, title_key(self.doc(d).title)), d) for d in self.primaries]
        best = max(scored, default=(0.0, None))
        return best[1], best[0]

    @staticmethod
    def full_title(title: str, earlier: list[str]) -> str | None:
        """For a short name (《意见》, 《方案》), the latest of the ``earlier`` titles cited in full
        that ends with it; None for a full title, or a short name of nothing cited before."""
        key = title_key(title)
        if not SHORT_TITLE_RE.match(key):
            return None
        return next((t for t in reversed(earlier) if title_key(t).endswith(key)), None)

    def by_number(self, number: str) -> str | None:
        return next(
            (d for d in self.primaries if self.doc(d).doc_number and same_number(number, self.doc(d).doc_number)), None
        )

    def family(self, doc_id: str) -> str:
        return self.families.primary.get(doc_id, doc_id)
