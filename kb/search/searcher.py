"""Hybrid search over many documents: dense vectors and two lexical fields, fused, scoped.

Three retrievers propose their ``depth`` best clauses: e5 vectors, BM25 over jieba words and
BM25 over single characters and character bigrams. Every candidate is scored by all three (a
clause one retriever missed is not scored zero by it); dense scores are min-max normalised over
the candidates, BM25 scores divided by their maximum, and the three mixed by weight. Weights and
depth were chosen on both dev sets together (README, "Search across levels of government");
plain RRF and each retriever alone are kept as options for comparison.

Two preferences can change a ranking, and both are reported in ``Results.scope``: a scope the
query names (省里, 全国, 阜新…), and the user's home jurisdiction where the query names none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from kb.errors import KBError
from kb.model import Clause, Document, Hit
from kb.policy.commitments import commits
from kb.policy.deadlines import mentions_date
from kb.policy.indicators import other_names
from kb.policy.roles import asked_role
from kb.policy.scope import Scope, ScopeResolver, short_place
from kb.policy.units import matches_unit
from kb.policy.validity import Validity, validities
from kb.search.families import Families
from kb.search.relevance import is_relevant
from kb.store.base import RETRIEVERS, Candidates, Store, Where
from kb.text import char_bigrams, char_ngrams, normalize

MAX_QUERY_CHARS = 200
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
        unit: a lead or partner unit the clause names (or part of its name).
        levels: levels of government of the document (0 national … 3 county).
        in_force: only documents in force on ``as_of`` (not expired, superseded or not yet in force).
        as_of: the day validity is judged on (default today).
        roles: clause roles to keep (kb.policy.roles: ``task``, ``target``, ``review``…).
    """

    doc_ids: tuple[str, ...] = ()
    issuer: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    has_deadline: bool = False
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    unit: str = ""
    levels: tuple[int, ...] = ()
    in_force: bool = False
    as_of: dt.date | None = None
    roles: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any(getattr(self, f) for f in self.__dataclass_fields__ if f != "as_of")

    def accepts_doc(self, doc: Document) -> bool:
        """Whether a document passes the document-level filters (file, issuer, date)."""
        if self.doc_ids and not self.names_file(doc.doc_id):
            return False
        if self.issuer and self.issuer not in doc.issuer:
            return False
        return not (self.date_from or self.date_to) or _in_range(doc.date, self.date_from, self.date_to)

    def names_file(self, doc_id: str) -> bool:
        """Whether the filter names this file itself (then it is searched even as a second copy)."""
        return any(doc_id.startswith(d) for d in self.doc_ids)  # an id or its prefix


def _in_range(iso: str, lo: dt.date | None, hi: dt.date | None) -> bool:
    if not iso:
        return False
    day = dt.date.fromisoformat(iso)
    return (lo is None or day >= lo) and (hi is None or day <= hi)


@dataclass(frozen=True)
class Fusion:
    """How the retrievers are combined, and how much each preference weighs.

    Attributes:
        method: ``weighted`` (default), ``rrf``, ``dense``, ``bm25`` (jieba words) or ``chars``
            (characters and character bigrams); the plain methods take no boosts (for comparison).
        dense_weight, words_weight, chars_weight: shares of the three normalised scores.
        depth: candidates taken from each retriever.
        rrf_k: the constant of reciprocal-rank fusion.
        when_boost: added for clauses that name a date when the query asks "when" (什么时候…).
        scope_boost: added for clauses of the documents a query's scope names (省里 → the
            provincial documents).
        home_boost: added for clauses of the home jurisdiction when the query names no scope;
            small, so it decides near ties only.
        section_boost: added for clauses under a heading the query names (指导思想, 主要目标…).
        figure_boost: added for clauses carrying the query's year or figure (到2025年…, 35%).
        target_boost: added, when the query asks for a target (要求, 目标, 多少…), for clauses whose
            target's indicator shares words with it (重污染天数 → 重度及以上污染天数比率).
        role_boost: added for the role a question asks about (kb.policy.roles): a task or target
            for what must be done, by when or how much (要, 什么时候, 多少, 目标); a review of the
            last period for what was achieved (成效, 完成了, 取得).
        dated_boost: added, when the query asks for a 期限 (什么时候, 期限, 时限), for clauses that
            commit to a date: the dated clauses come first.
    """

    method: str = "weighted"
    dense_weight: float = 0.8
    words_weight: float = 0.05
    chars_weight: float = 0.3
    depth: int = 50
    rrf_k: int = 60
    when_boost: float = 0.15
    scope_boost: float = 0.3
    home_boost: float = 0.16
    section_boost: float = 0.2
    figure_boost: float = 0.05
    target_boost: float = 0.1
    role_boost: float = 0.06
    dated_boost: float = 0.1


DEFAULT_FUSION = Fusion()
PLAIN_METHODS = ("rrf", "dense", "bm25", "chars")


@dataclass(frozen=True)
class Results:
    """One search: the query, the scope that steered it, whether anything is relevant, the hits."""

    query: str
    scope: Scope
    hits: list[Hit]

    @property
    def relevant(self) -> bool:
        return any(h.relevant for h in self.hits)

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "scope": self.scope.to_dict(),
            "relevant": self.relevant,
            "hits": [h.to_dict() for h in self.hits],
        }


def check_query(query: str) -> str:
    """The query stripped; ``KBError`` when empty or longer than ``MAX_QUERY_CHARS``."""
    q = (query or "").strip()
    if not q:
        raise KBError("empty query; type a topic or a question, e.g. 城市黑臭水体什么时候消除")
    if len(q) > MAX_QUERY_CHARS:
        raise KBError(f"query too long ({len(q)} characters > {MAX_QUERY_CHARS}); shorten it to the topic")
    return q


class Searcher:
    """Searches one loaded index; keeps the query embeddings of recent queries.

    Args:
        index: the opened store (the index folder or Milvus).
        fusion: the default fusion.
        home: the home jurisdiction (a place, e.g. 阜新市); None: the most local one among the
            documents; "" or "无": no home preference.
    """

    def __init__(self, index: Store, fusion: Fusion = DEFAULT_FUSION, home: str | None = None):
        self.index = index
        self.fusion = fusion
        self._query_cache: dict[str, np.ndarray] = {}
        self.scopes = ScopeResolver(index.docs.values())
        self.families = Families(index.docs, index.clauses_of)
        self.home = self.scopes.default_home() if home is None else home
        self._validity: tuple[dt.date, dict[str, Validity]] | None = None

    def validity(self, as_of: dt.date | None = None) -> dict[str, Validity]:
        """Each document's validity on ``as_of`` (default today)."""
        day = as_of or dt.date.today()
        if self._validity is None or self._validity[0] != day:
            self._validity = (day, validities(self.index.docs.values(), day))
        return self._validity[1]

    def embed(self, query: str) -> np.ndarray:
        vec = self._query_cache.get(query)
        if vec is None:
            vec = self.index.encoder.queries([query])[0]
            if len(self._query_cache) > 256:
                self._query_cache.clear()
            self._query_cache[query] = vec
        return vec

    def search(
        self,
        query: str,
        top: int = 5,
        filters: Filters | None = None,
        fusion: Fusion | None = None,
        home: str | None = None,
    ) -> list[Hit]:
        """The ``top`` best clauses for ``query``, best first (see ``run``)."""
        return self.run(query, top, filters, fusion, home).hits

    def run(
        self,
        query: str,
        top: int = 5,
        filters: Filters | None = None,
        fusion: Fusion | None = None,
        home: str | None = None,
    ) -> Results:
        """Search: the ``top`` best clauses for ``query`` with the scope that steered them.

        Args:
            query: a topic or a question.
            top: how many hits.
            filters: restrictions.
            fusion: overrides the searcher's fusion.
            home: overrides the searcher's home jurisdiction ("" turns the preference off).

        Raises:
            KBError: empty or overlong query.
        """
        query = check_query(query)
        filters = filters or Filters()
        fusion = fusion or self.fusion
        scope = self.scopes.read(query, self.home if home is None else home)
        where = self._where(filters)
        if where is NOTHING:
            return Results(query, scope, [])
        asked = query
        if scope.named_docs and fusion.method not in PLAIN_METHODS:
            named = self._named(scope, where)
            if named is not None:  # the query names a document: search it, for what the rest asks
                where, asked = named, scope.rest or query
                if len(CJK_CHAR_RE.findall(asked)) < 2:
                    asked = query
        used = RETRIEVERS if fusion.method in ("weighted", "rrf") else (fusion.method,)
        tokens = self.index.tokenizer.tokens(asked)
        # An indicator named in other words (能耗强度 → 单位国内生产总值能源消耗) is looked up by all its names.
        lexical = asked if fusion.method in PLAIN_METHODS else " ".join([asked, *other_names(asked)])
        words = tokens if lexical == asked else self.index.tokenizer.tokens(lexical)  # jieba once when nothing is added
        query_vec, chars = self.embed(asked), char_ngrams(lexical)
        depth = max(fusion.depth, top * 3)
        cands = self.index.candidates(query_vec, words, chars, depth, where, used)
        if fusion.dated_boost and fusion.method not in PLAIN_METHODS and WHEN_QUESTION_RE.search(query):
            # A question about a 期限 also hears the dated clauses, which another text's sentences
            # on time limits in general (有效期, 工作日内) may have kept out of the candidates.
            dated = dataclasses.replace(where or Where(), has_deadline=True)
            cands = cands.merge(self.index.candidates(query_vec, words, chars, depth, dated, used))
        if not cands.clauses:
            return Results(query, scope, [])
        fused = _fuse(fusion, cands)
        if fusion.method not in PLAIN_METHODS:
            fused = fused + self._preferences(fusion, query, scope, cands.clauses)
            scope = dataclasses.replace(
                scope, home_applied=bool(scope.home) and not scope.from_query and fusion.home_boost > 0
            )
        else:
            scope = dataclasses.replace(
                scope,
                doc_ids=frozenset(),
                levels=(),
                places=(),
                words=(),
                named_docs=frozenset(),
                titles=(),
                outside=(),
            )
        status = {d: v.status for d, v in self.validity(filters.as_of).items()}
        return Results(query, scope, self._hits(query, tokens, cands, fused, top, status))

    def _where(self, filters: Filters) -> Where | None:
        """The filters in the store's terms: document-level ones resolved to document ids (a
        family's second copy left out unless named), a unit resolved to the names it matches.
        ``NOTHING`` when no clause can pass."""
        docs = self.index.docs
        keep = {d for d, doc in docs.items() if filters.accepts_doc(doc)}
        if filters.levels:
            keep &= {d for d, j in self.scopes.jurisdictions.items() if j.level in filters.levels}
        if filters.in_force:
            keep &= {d for d, v in self.validity(filters.as_of).items() if v.status == "in_force"}
        units = tuple(u for u in self.index.units() if matches_unit(filters.unit, (u,))) if filters.unit else ()
        if not keep or (filters.unit and not units):
            return NOTHING
        named_files = {d for d in keep if filters.names_file(d)}
        exclude = frozenset() if named_files else self.families.duplicates()
        if filters.roles:  # other roles' clauses are never proposed
            exclude = exclude | self._other_roles(filters.roles, keep)
        where = Where(
            doc_ids=None if len(keep) == len(docs) else frozenset(keep),
            exclude=exclude,
            units=units,
            has_deadline=filters.has_deadline,
            due_from=filters.due_from,
            due_to=filters.due_to,
        )
        return None if where == Where() else where

    def _other_roles(self, roles: tuple[str, ...], docs: set[str]) -> frozenset[str]:
        """The clauses of ``docs`` whose role is not among ``roles``."""
        return frozenset(c.clause_id for d in docs for c in self.index.clauses_of(d) if c.role not in roles)

    def _named(self, scope: Scope, where: Where | None) -> Where | None:
        """``where`` narrowed to the documents the query names (every copy in their families); None
        when the filters leave none of them."""
        members = {m for d in scope.named_docs for m in self.families.members(d)}
        allowed = members if where is None or where.doc_ids is None else members & set(where.doc_ids)
        if not allowed:
            return None
        return dataclasses.replace(where or Where(), doc_ids=frozenset(allowed))

    def _preferences(self, fusion: Fusion, query: str, scope: Scope, clauses: list[Clause]) -> np.ndarray:
        """The boosts: a date for a "when" question, a heading the query names, its year or figure,
        the query's scope (levels, places, or the national documents for a place outside the
        corpus), else the home jurisdiction."""
        out = np.zeros(len(clauses))
        plain = normalize(query)
        if fusion.when_boost and WHEN_QUESTION_RE.search(query):
            out += fusion.when_boost * np.array([mentions_date(c.text) for c in clauses])
            out += fusion.dated_boost * np.array([bool(c.deadlines) and commits(c) for c in clauses])
        asks = asked_role(query)
        if fusion.role_boost and asks:
            wanted = (lambda c: c.role == "review") if asks == "review" else commits
            out += fusion.role_boost * np.array([wanted(c) for c in clauses])
        if fusion.section_boost:
            out += fusion.section_boost * np.array(
                [any(len(t) >= MIN_HEADING_CHARS and normalize(t) in plain for t in c.section_titles) for c in clauses]
            )
        if fusion.target_boost and TARGET_QUESTION_RE.search(plain):
            grams = set(char_bigrams(plain))
            out += fusion.target_boost * np.array(
                [
                    any(len(grams & set(char_bigrams(t.indicator))) >= MIN_INDICATOR_BIGRAMS for t in c.targets)
                    for c in clauses
                ]
            )
        figures = FIGURE_RE.findall(plain)
        if fusion.figure_boost and figures:
            out += fusion.figure_boost * np.array([any(f in normalize(c.text) for f in figures) for c in clauses])
        if scope.doc_ids or scope.outside:
            national = self.scopes.national_docs() if scope.outside else frozenset()
            named = [short_place(p) for p in scope.places] + list(scope.outside)
            out += fusion.scope_boost * np.array(
                [c.doc_id in scope.doc_ids or c.doc_id in national or any(p in c.text for p in named) for c in clauses]
            )
        elif scope.home and not scope.named_docs:
            home = set(self.scopes.home_docs(scope.home))
            out += fusion.home_boost * np.array([c.doc_id in home for c in clauses])
        return out

    def _hits(
        self, query: str, tokens: list[str], cands: Candidates, fused: np.ndarray, top: int, status: dict[str, str]
    ) -> list[Hit]:
        """The best ``top`` candidates as hits, each clause text once per family, with its page,
        the query's ``tokens`` it matches and its document's validity (``status`` by doc_id)."""
        ranks = {k: {i: r + 1 for r, i in enumerate(v)} for k, v in cands.ranked.items()}
        hits, seen = [], set()
        for k in np.argsort(-fused, kind="stable").tolist():
            c = cands.clauses[k]
            key = (self.families.primary.get(c.doc_id, c.doc_id), normalize(c.text))
            if key in seen:
                continue
            seen.add(key)
            hits.append(
                Hit(
                    clause=self.families.with_page(c),
                    score=round(float(fused[k]), 6),
                    rank=len(hits) + 1,
                    dense_rank=ranks["dense"].get(k),
                    bm25_rank=ranks["bm25"].get(k),
                    dense_score=round(float(cands.dense[k]), 6),
                    bm25_score=round(float(cands.words[k]), 6),
                    matched_terms=tuple(self.index.tokenizer.matched_terms(tokens, c.text)),
                    relevant=is_relevant(query, c, float(cands.dense[k]), self.index.encoder_info.backend),
                    doc_status=status.get(c.doc_id, ""),
                )
            )
            if len(hits) == top:
                break
        return hits


NOTHING = Where(doc_ids=frozenset())  # a filter no clause passes
CJK_CHAR_RE = re.compile(r"[\u4e00-\u9fff]")
MIN_HEADING_CHARS = 4  # 指导思想, 主要目标, 工作原则: shorter headings are words of the topic itself
TARGET_QUESTION_RE = re.compile(r"要求|目标|指标|多少|达到|控制在|比例|比率|占比")
MIN_INDICATOR_BIGRAMS = 3
FIGURE_RE = re.compile(r"(?:19|20)\d{2}(?=年)|\d+(?:\.\d+)?%")  # a year, or a percentage


def _fuse(f: Fusion, cands: Candidates) -> np.ndarray:
    scores = {"dense": cands.dense, "bm25": cands.words, "chars": cands.chars}
    if f.method in scores:
        return scores[f.method].astype(np.float64)
    if f.method == "rrf":
        out = np.zeros(len(cands.clauses))
        for positions in cands.ranked.values():
            for r, k in enumerate(positions):
                out[k] += 1 / (f.rrf_k + r + 1)
        return out
    d = scores["dense"]
    span = d.max() - d.min()
    out = f.dense_weight * ((d - d.min()) / span if span > 0 else np.zeros_like(d))
    for key, weight in (("bm25", f.words_weight), ("chars", f.chars_weight)):
        s = scores[key]
        if weight and s.max() > 0:
            out = out + weight * s / s.max()
    return out
