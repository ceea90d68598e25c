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
from kb.policy.articles import ARTICLE_REF_RE
from kb.policy.commitments import commits
from kb.policy.deadlines import mentions_date
from kb.policy.indicators import other_names
from kb.policy.roles import asked_role
from kb.policy.scope import Scope, ScopeResolver, short_place
from kb.policy.units import UNITS_TAIL_RE, matches_unit
from kb.policy.validity import Validity, validities
from kb.reports.cite import citation
from kb.search import names
from kb.search.families import Families
from kb.search.query_forms import QueryForm, read_form
from kb.search.relevance import is_relevant
from kb.store.base import RETRIEVERS, Candidates, Store, Where
from kb.store.common import corpus_docs
from kb.text import char_bigrams, char_ngrams, normalize

MAX_QUERY_CHARS = 200
# A question about *when* ("什么时候治理完") is answered by a clause that names a date.
WHEN_QUESTION_RE = re.compile(r"什么时候|啥时候|何时|什么时间|几时|期限|时限|截止|到期|哪年前|多久完成")


@dataclass(frozen=True)
class Filters:
    """Restrict a search. Empty fields do not restrict.

    Attributes:
        doc_ids: documents to search, each by name (kb.search.names: an id or its prefix, a title or
            part of one, a 文号, a place).
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
        article_boost: added for the clauses of an article the query names (办法第十六条), or of a
            heading it asks for as a whole (《方案》的总体要求是什么), which then come first, in order.
        opening_boost: added for the first clause under a heading the query names (总体要求是什么:
            the paragraph that opens 总体要求, not the principles after it).
        who_boost: added, when the query asks who is in charge (哪个部门, 牵头), for clauses that name
            their units; and, by the share of them, for clauses whose units the query names.
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
    article_boost: float = 1.0
    opening_boost: float = 0.05
    who_boost: float = 0.1


DEFAULT_FUSION = Fusion()
PLAIN_METHODS = ("rrf", "dense", "bm25", "chars")


@dataclass(frozen=True)
class Results:
    """One search: the query, the scope that steered it, whether anything is relevant, the hits
    (each with its ready ``citation``, 第N页 where the source has pages)."""

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
            "hits": [{**h.to_dict(), "citation": citation(h.clause, page=True)} for h in self.hits],
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
        home: the home jurisdiction (a place, e.g. 阜新市); None: the place most documents of the
            most local level share, among those the deployment was built from (never an upload's);
            "" or "无": no home preference.
    """

    def __init__(self, index: Store, fusion: Fusion = DEFAULT_FUSION, home: str | None = None):
        self.index = index
        self.fusion = fusion
        self._query_cache: dict[str, np.ndarray] = {}
        self.scopes = ScopeResolver(index.docs.values())
        self.families = Families(index.docs, index.clauses_of)
        self.home = self.scopes.default_home(corpus_docs(index.docs)) if home is None else home
        self._validity: tuple[dt.date, dict[str, Validity]] | None = None
        self._heads: dict[tuple[str, int], str] | None = None
        self._heading_index: tuple[dict[str, list[str]], frozenset[str]] | None = None

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
        form = read_form(query)
        told = query
        for place in form.setting:  # a case's places are its story, not a scope
            told = told.replace(place, " ")
        scope = self.scopes.read(told, self.home if home is None else home)
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
        if fusion.method not in PLAIN_METHODS:
            asked = read_form(asked).content  # without blanks, stem words, a case's story…
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
        if fusion.method not in PLAIN_METHODS:
            named = self._named_clauses(query, form, where)
            if named:  # an article or a heading the query names: its clauses are heard whatever they say
                only = dataclasses.replace(where or Where(), only=frozenset(named))
                cands = cands.merge(self.index.candidates(query_vec, words, chars, len(named), only, used))
        if not cands.clauses:
            return Results(query, scope, [])
        fused = _fuse(fusion, cands)
        if fusion.method not in PLAIN_METHODS:
            fused = fused + self._preferences(fusion, query, scope, cands.clauses, form)
            if fusion.article_boost:
                fused = self._named_first(fused, fusion, cands.clauses, form, asked, where)
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
        return Results(query, scope, self._hits(query, tokens, cands, fused, top, status, form))

    def _where(self, filters: Filters) -> Where | None:
        """The filters in the store's terms: document-level ones resolved to document ids (a
        family's second copy left out unless named), a unit resolved to the names it matches.
        ``NOTHING`` when no clause can pass."""
        docs = self.index.docs
        if filters.doc_ids:  # 阜新, a title, a 文号: each name read into ids, an unknown one refused
            ids = [names.named(docs, n) or _raise(names.unknown(docs, n)) for n in filters.doc_ids]
            filters = dataclasses.replace(filters, doc_ids=tuple(d for group in ids for d in group))
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

    def _headings(self) -> tuple[dict[str, list[str]], frozenset[str]]:
        """Every heading (normalised) → the ids of the clauses under it; and the ids of the clauses
        that open a heading (the first one under it). Built once per searcher."""
        if self._heading_index is None:
            under: dict[str, list[str]] = {}
            opening: set[str] = set()
            seen: set[tuple] = set()
            for c in self.index.clauses:
                for depth, title in enumerate(c.section_titles):
                    if len(title) < MIN_HEADING_CHARS:
                        continue
                    under.setdefault(normalize(title), []).append(c.clause_id)
                    key = (c.doc_id, c.section_titles[: depth + 1])
                    if key not in seen:
                        seen.add(key)
                        opening.add(c.clause_id)
            self._heading_index = (under, frozenset(opening))
        return self._heading_index

    def _paragraph_head(self, clause: Clause) -> str:
        """The year that opens the clause's paragraph (到2027年，…。制定出台100个…: the year governs
        the paragraph's later sentences too), or ""."""
        if self._heads is None:
            heads: dict[tuple[str, int], str] = {}
            for c in self.index.clauses:
                key = (c.doc_id, c.paragraph)
                if key not in heads:
                    m = OPENING_YEAR_RE.match(normalize(c.text))
                    heads[key] = m.group(1) if m else ""
            self._heads = heads
        return self._heads.get((clause.doc_id, clause.paragraph), "")

    def _named_clauses(self, query: str, form: QueryForm, where: Where | None) -> list[str]:
        """Ids of the clauses the query names: an article's (办法第十六条), else those under a heading
        it quotes (主要任务之一是发布产品碳足迹核算通则标准), at most ``MAX_NAMED`` of them."""
        if form.article:
            docs = self.index.docs if where is None or where.doc_ids is None else where.doc_ids
            return [c.clause_id for d in docs for c in self.index.clauses_of(d) if form.article.covers(c.section)][
                :MAX_NAMED
            ]
        plain = normalize(query)
        under, _ = self._headings()
        named = [ids for title, ids in under.items() if title in plain and len(ids) <= MAX_NAMED]
        out = list(dict.fromkeys(i for ids in named for i in ids))
        if where is not None:
            out = [i for i in out if where.accepts(self.index.clause(i))]
        return out[:MAX_NAMED]

    def _named_first(
        self, fused: np.ndarray, fusion: Fusion, clauses: list[Clause], form: QueryForm, asked: str, where: Where | None
    ) -> np.ndarray:
        """What the query names comes first. An article (办法第十条): in its order when the query asks
        for the article itself, by relevance when it asks something of it (第十条 鉴别). A heading
        asked for as a whole (《方案》的总体要求是什么): its section in order, when one document has it."""
        if form.article:
            inside = np.array([form.article.covers(c.section) for c in clauses])
            topic = read_form(ARTICLE_REF_RE.sub(" ", asked)).content
            if inside.any() and len(CJK_CHAR_RE.findall(topic)) >= 2:
                return fused + fusion.article_boost * inside
        else:
            section = self._whole_section(asked, where)
            inside = np.array([c.clause_id in section for c in clauses])
        if not inside.any():
            return fused
        order = np.array([self.index.position(c.clause_id) for c in clauses], dtype=np.float64)
        in_order = fused.max() + fusion.article_boost - ARTICLE_ORDER_STEP * (order - order.min())
        return np.where(inside, in_order, fused)

    def _whole_section(self, asked: str, where: Where | None) -> frozenset[str]:
        """The clauses under the heading ``asked`` consists of (指导思想, 总体要求), when one document
        has that heading among those ``where`` allows; else none."""
        plain = normalize(asked)
        under, _ = self._headings()
        for title, ids in under.items():
            if title in plain and len(CJK_CHAR_RE.findall(plain.replace(title, ""))) < 2:
                ids = [i for i in ids if where is None or where.accepts(self.index.clause(i))]
                if len({self.index.clause(i).doc_id for i in ids}) == 1:
                    return frozenset(ids)
        return frozenset()

    def _preferences(
        self, fusion: Fusion, query: str, scope: Scope, clauses: list[Clause], form: QueryForm
    ) -> np.ndarray:
        """The boosts: a date for a "when" question, a heading the
        query names (its opening clause most), units for a "who" question, its year or figure, the
        query's scope (levels, places, or the national documents for a place outside the corpus),
        else the home jurisdiction."""
        out = np.zeros(len(clauses))
        plain = normalize(query)
        printed = np.array([1 + PRINTED_UNITS_SHARE * bool(UNITS_TAIL_RE.search(c.text)) for c in clauses])
        if fusion.who_boost and form.asks_units:  # a task with its units; most, the clause that prints them
            out += fusion.who_boost * printed * np.array([bool(c.units) for c in clauses])
        named_units = [u for u in self.index.units() if len(u) >= MIN_UNIT_CHARS and u in plain]
        if fusion.who_boost and len(named_units) >= MIN_NAMED_UNITS:  # the task these units share
            out += (
                fusion.who_boost
                * printed
                * np.array([len(set(named_units) & set(c.units)) / len(named_units) for c in clauses])
            )
        if fusion.when_boost and WHEN_QUESTION_RE.search(query):
            out += fusion.when_boost * np.array([mentions_date(c.text) for c in clauses])
            out += fusion.dated_boost * np.array([bool(c.deadlines) and commits(c) for c in clauses])
        asks = asked_role(query)
        if fusion.role_boost and asks:
            wanted = (lambda c: c.role == "review") if asks == "review" else commits
            out += fusion.role_boost * np.array([wanted(c) for c in clauses])
        if fusion.section_boost:
            named = np.array(
                [any(len(t) >= MIN_HEADING_CHARS and normalize(t) in plain for t in c.section_titles) for c in clauses]
            )
            out += fusion.section_boost * named
            if fusion.opening_boost and named.any():
                opening = self._headings()[1]
                out += fusion.opening_boost * (named & np.array([c.clause_id in opening for c in clauses]))
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
            out += fusion.figure_boost * np.array(
                [any(f in normalize(c.text) or f in self._paragraph_head(c) for f in figures) for c in clauses]
            )
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
        self,
        query: str,
        tokens: list[str],
        cands: Candidates,
        fused: np.ndarray,
        top: int,
        status: dict[str, str],
        form: QueryForm,
    ) -> list[Hit]:
        """The best ``top`` candidates as hits, each clause text once per family, with its page,
        the query's ``tokens`` it matches (and, for a "who" question, its units, which answer it)
        and its document's validity (``status`` by doc_id)."""
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
                    matched_terms=tuple(
                        dict.fromkeys(
                            [*self.index.tokenizer.matched_terms(tokens, c.text)]
                            + ([u for u in c.units if u in c.text] if form.asks_units else [])
                        )
                    ),
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
MAX_NAMED = 60  # clauses a named heading or article may add to the candidates (a chapter's are too many)
ARTICLE_ORDER_STEP = 1e-4  # an article's clauses keep their order
MIN_UNIT_CHARS = 3  # 生态环境部, 海关总署: a unit the query names
MIN_NAMED_UNITS = 2  # a query listing units asks which task they share
PRINTED_UNITS_SHARE = 0.5  # of who_boost, again for the clause that prints its units (…。（X牵头）)
OPENING_YEAR_RE = re.compile(r"^(?:\S{0,6}?[。.])?(?:到|至|在)?((?:19|20)\d{2})年")  # 到2027年，… / 二、到2027年
FIGURE_RE = re.compile(r"(?:19|20)\d{2}(?=年)|\d+(?:\.\d+)?%")  # a year, or a percentage


def _raise(error: Exception):
    raise error


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
