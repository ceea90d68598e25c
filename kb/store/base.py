"""The store seam: what ingest, search, the CLI and the app need of wherever the clauses live.

Two stores implement it: the index folder (``kb.store.folder.FolderStore``, the default) and Milvus
(``kb.store.milvus.MilvusStore``). A store lists documents and clauses, proposes search
candidates under a filter, and takes a ``Change`` (documents written whole or removed).
Document-level filters (issuer, dates, level, validity, families) are resolved to document ids
by the caller; a store sees only ``Where``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from kb.encoders import Encoder, EncoderInfo, encoder_for
from kb.errors import KBError, NotFound
from kb.model import Clause, Document
from kb.policy.units import units_of
from kb.text import Tokenizer

# e5 vectors, BM25 over jieba words, BM25 over single characters and character bigrams
RETRIEVERS = ("dense", "bm25", "chars")


@dataclass(frozen=True)
class Where:
    """A filter in the store's terms; empty fields do not restrict.

    Attributes:
        doc_ids: the documents that may answer (None: every document).
        units: the clause must name one of these units (exact names, resolved from the user's text).
        has_deadline: the clause must carry a deadline.
        due_from, due_to: one of its deadlines must fall due in this range.
        exclude: clauses never proposed (a family's second copy of text its first copy has).
        only: the clauses that may answer (None: any); the clauses a query names by heading or
            article, proposed whatever the retrievers think of them.
    """

    doc_ids: frozenset[str] | None = None
    units: tuple[str, ...] = ()
    has_deadline: bool = False
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    exclude: frozenset[str] = frozenset()
    only: frozenset[str] | None = None

    @property
    def by_deadline(self) -> bool:
        return self.has_deadline or self.due_from is not None or self.due_to is not None

    def accepts(self, c: Clause) -> bool:
        """Whether a clause passes (the in-memory form of the filter)."""
        if self.doc_ids is not None and c.doc_id not in self.doc_ids:
            return False
        if c.clause_id in self.exclude or (self.only is not None and c.clause_id not in self.only):
            return False
        if self.units and not set(self.units) & set(c.units):
            return False
        if self.by_deadline:
            return any(
                (self.due_from is None or d.due >= self.due_from) and (self.due_to is None or d.due <= self.due_to)
                for d in c.deadlines
            )
        return True


@dataclass
class Candidates:
    """What the retrievers proposed for one query, each candidate scored by all three.

    Attributes:
        clauses: the candidates (the union of every retriever's ``depth`` best).
        dense: cosine of the query and each candidate.
        words, chars: BM25 scores over jieba words and character n-grams.
        ranked: per retriever, positions into ``clauses``, best first.
    """

    clauses: list[Clause]
    dense: np.ndarray
    words: np.ndarray
    chars: np.ndarray
    ranked: dict[str, list[int]]

    @classmethod
    def empty(cls) -> Candidates:
        z = np.zeros(0)
        return cls([], z, z, z, {k: [] for k in RETRIEVERS})

    def merge(self, other: Candidates) -> Candidates:
        """These candidates and those of ``other`` not already here (the same query under another
        filter: every score is the clause's own, so the two sets compare)."""
        have = {c.clause_id: k for k, c in enumerate(self.clauses)}
        new = [k for k, c in enumerate(other.clauses) if c.clause_id not in have]
        if not new:
            return self
        pos = {k: len(self.clauses) + n for n, k in enumerate(new)}
        pos.update({k: have[c.clause_id] for k, c in enumerate(other.clauses) if c.clause_id in have})
        return Candidates(
            clauses=self.clauses + [other.clauses[k] for k in new],
            dense=np.concatenate([self.dense, other.dense[new]]),
            words=np.concatenate([self.words, other.words[new]]),
            chars=np.concatenate([self.chars, other.chars[new]]),
            ranked={
                r: list(dict.fromkeys(self.ranked.get(r, []) + [pos[k] for k in other.ranked.get(r, [])]))
                for r in set(self.ranked) | set(other.ranked)
            },
        )


@dataclass
class Change:
    """One write: documents added or replaced whole, and documents removed.

    Attributes:
        docs: every document after the change.
        clauses: the clauses of the written documents (all of them, in order).
        vectors: their vectors, row i for clause i.
        written: ids of the documents written (added, updated or edited).
        removed: ids of the documents removed.
        terms: the tokenizer's extra terms after the change.
        encoder: the encoder the vectors come from.
    """

    docs: dict[str, Document]
    clauses: list[Clause]
    vectors: np.ndarray
    written: set[str]
    removed: set[str]
    terms: list[str]
    encoder: EncoderInfo


class Store:
    """The interface, with what both stores share (clause look-ups over ``clauses``).

    A subclass provides ``manifest`` (with ``encoder`` and ``generation``), ``docs``, ``clauses``,
    ``tokenizer``, ``label`` (its folder or URI), ``candidates`` and ``vectors_of``.
    """

    kind = ""  # "files" or "milvus"
    manifest: dict
    docs: dict[str, Document]
    clauses: list[Clause]
    tokenizer: Tokenizer
    _encoder: Encoder | None = None
    _positions: dict[str, int] | None = None
    _by_doc: dict[str, list[Clause]] | None = None
    _units: list[str] | None = None

    @property
    def encoder_info(self) -> EncoderInfo:
        """The encoder the store was built with, as its manifest records it."""
        return EncoderInfo(**self.manifest["encoder"])

    @property
    def generation(self) -> int:
        return int(self.manifest["generation"])

    @property
    def label(self) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    @property
    def encoder(self) -> Encoder:
        """The query encoder, built on first use (listings don't need it)."""
        if self._encoder is None:
            self._encoder = encoder_for(self.encoder_info)
        return self._encoder

    def candidates(
        self,
        query_vec: np.ndarray,
        words: list[str],
        chars: list[str],
        depth: int,
        where: Where | None,
        retrievers: tuple[str, ...] = RETRIEVERS,
    ) -> Candidates:  # pragma: no cover
        """Each retriever's ``depth`` best clauses passing ``where``, the union scored by all three."""
        raise NotImplementedError

    def vectors_of(self, clauses: list[Clause]) -> np.ndarray:  # pragma: no cover - interface
        """The stored vectors of these clauses, row i for clause i."""
        raise NotImplementedError

    @property
    def needs_repair(self) -> bool:
        """Whether a killed write left something for the next write to finish, even with nothing new."""
        return False

    def units(self) -> list[str]:
        """Every unit the clauses name, sorted (the vocabulary a unit filter is resolved against;
        read once: every search with a unit filter and every run of the search page asks)."""
        if self._units is None:
            self._units = units_of(self.clauses)
        return self._units

    def dated_clauses(self) -> list[Clause]:
        """Every clause with a deadline, in document order (what the deadline listings read)."""
        return [c for c in self.clauses if c.deadlines]

    def clauses_of(self, doc_id: str) -> list[Clause]:
        """The clauses of one document, in order."""
        if self._by_doc is None:
            by_doc: dict[str, list[Clause]] = {}
            for c in self.clauses:
                by_doc.setdefault(c.doc_id, []).append(c)
            self._by_doc = by_doc
        return self._by_doc.get(doc_id, [])

    def position(self, clause_id: str) -> int:
        """Row of a clause in ``clauses``.

        Raises:
            KBError: no such clause.
        """
        if self._positions is None:
            self._positions = {c.clause_id: i for i, c in enumerate(self.clauses)}
        try:
            return self._positions[clause_id]
        except KeyError:
            raise NotFound(f"no clause {clause_id!r}; find ids with: python -m kb search QUERY") from None

    def has_clause(self, clause_id: str) -> bool:
        try:
            self.clause(clause_id)
        except KBError:
            return False
        return True

    def clause(self, clause_id: str) -> Clause:
        return self.clauses[self.position(clause_id)]

    def neighbours(self, clause: Clause, before: int = 2, after: int = 2) -> list[Clause]:
        """The clauses around ``clause`` in its document, itself included."""
        own = self.clauses_of(clause.doc_id)
        i = next(k for k, c in enumerate(own) if c.clause_id == clause.clause_id)
        return own[max(0, i - before) : i + after + 1]
