"""The verdict on each quotation and reference of a draft.

A quotation is ``exact`` when it stands verbatim in a document of the knowledge base (each part
joined by an ellipsis verbatim, in order, in one document); ``elsewhere`` when it does, but not in
the document the draft names just before it; ``differs`` when a clause says nearly this — at least
``DIFFERS_SHARE`` of it, with a common run of ``MIN_RUN`` characters — but words or figures differ;
``not_found`` otherwise (likely invented). A reference is ``ok``, ``title_differs`` (the right
title given), ``number_wrong`` (the right 文号 given), ``unverifiable`` (the document is here but
has no 文号 on record) or ``not_in_kb``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from kb.policy.validity import validities
from kb.reports.cite import citation
from kb.verify.library import Library, compared, same_number
from kb.verify.passages import Quotation, Reference, quotations, references

DIFFERS_SHARE = 0.7  # share of the quotation a clause must hold for "says nearly this"
MIN_RUN = 6  # and one run in common at least this long
CLAIM_WINDOW = 160  # characters before a quotation in which a 《title》 names its source
TITLE_NEAR = 0.6  # bigram Dice for "the draft means this title"
FIGURE_RE = re.compile(r"\d+(?:\.\d+)?(?:%|个百分点|万吨|吨|万千瓦|亿吨|公顷|万亩|天|年|项|个|家|座|处)?")
SEVERITY = {"not_found": 0, "differs": 1, "elsewhere": 2, "exact": 3}
REF_SEVERITY = {"not_in_kb": 0, "title_differs": 1, "number_wrong": 1, "unverifiable": 2, "ok": 3}


@dataclass
class QuoteVerdict:
    quote: Quotation
    status: str
    doc_id: str = ""
    clause_id: str = ""
    citation: str = ""
    true_text: str = ""
    diff: list[dict] = field(default_factory=list)
    claimed_doc: str = ""
    validity: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.quote.text,
            "status": self.status,
            "doc_id": self.doc_id,
            "clause_id": self.clause_id,
            "citation": self.citation,
            "true_text": self.true_text,
            "diff": self.diff,
            "claimed_doc": self.claimed_doc,
            "validity": self.validity,
            "start": self.quote.start,
            "end": self.quote.end,
        }


@dataclass
class RefVerdict:
    ref: Reference
    status: str
    doc_id: str = ""
    title: str = ""
    doc_number: str = ""
    suggestion: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.ref.text,
            "status": self.status,
            "doc_id": self.doc_id,
            "title": self.title,
            "doc_number": self.doc_number,
            "suggestion": self.suggestion,
            "start": self.ref.start,
            "end": self.ref.end,
        }


@dataclass
class CheckReport:
    quotes: list[QuoteVerdict]
    references: list[RefVerdict]

    def to_dict(self) -> dict[str, Any]:
        return {"quotes": [q.to_dict() for q in self.quotes], "references": [r.to_dict() for r in self.references]}

    def problems(self) -> list[QuoteVerdict | RefVerdict]:
        """Everything not right, the most serious first."""
        quotes = [q for q in self.quotes if q.status != "exact"]
        refs = [r for r in self.references if r.status != "ok"]
        return sorted(quotes, key=lambda q: SEVERITY[q.status]) + sorted(refs, key=lambda r: REF_SEVERITY[r.status])


def check(text: str, library: Library, searcher, as_of: dt.date | None = None) -> CheckReport:
    """Every quotation and reference of a draft's ``text``, judged against ``library``.

    Args:
        text: the draft.
        library: the knowledge base's texts (kb.verify.library).
        searcher: finds the clauses a quotation that is not verbatim may come from (kb.search).
        as_of: the day validity is judged on (default today).
    """
    valid = validities(library.index.docs.values(), as_of or dt.date.today())
    refs = [_reference(r, library, prior) for prior, r in _with_prior(references(text))]
    resolved = [(v.ref.start, v.doc_id) for v in refs if v.doc_id]
    quotes = []
    for q in quotations(text):
        claimed = next((d for at, d in reversed(resolved) if at < q.start and q.start - at <= CLAIM_WINDOW), "")
        verdict = _quotation(q, library, searcher, claimed)
        if verdict.doc_id:
            v = valid.get(verdict.doc_id)
            verdict.validity = v.status if v else ""
        quotes.append(verdict)
    return CheckReport(quotes, refs)


def _with_prior(refs: list[Reference]):
    for k, r in enumerate(refs):
        yield refs[:k], r


def _found(parts: list[str], text: str) -> int | None:
    """Where the first part starts when every part stands in ``text`` in order; None otherwise."""
    at, first = 0, None
    for p in parts:
        k = text.find(p, at)
        if k < 0:
            return None
        first = k if first is None else first
        at = k + len(p)
    return first


def _quotation(q: Quotation, library: Library, searcher, claimed: str) -> QuoteVerdict:
    parts = [compared(p) for p in q.parts if compared(p)]
    hits = {}
    for d, t in library.texts.items():
        k = _found(parts, t.text)
        if k is not None:
            hits[d] = t.clause_at(k)
    if hits:
        doc = claimed if claimed in hits else next(iter(hits))
        clause = hits[doc]
        status = "elsewhere" if claimed and claimed not in hits else "exact"
        return QuoteVerdict(q, status, doc, clause.clause_id, citation(clause), clause.text, claimed_doc=claimed)
    best = _nearest(q, parts, library, searcher, claimed)
    if best is None:
        return QuoteVerdict(q, "not_found", claimed_doc=claimed)
    clause, diff = best
    return QuoteVerdict(
        q, "differs", clause.doc_id, clause.clause_id, citation(clause), clause.text, diff, claimed_doc=claimed
    )


def _nearest(q: Quotation, parts: list[str], library: Library, searcher, claimed: str):
    """The clause that says nearly what the quotation says, and how they differ; None when none does."""
    whole = "".join(parts)
    candidates = [h.clause for h in searcher.search(q.text[:200], top=10)]
    if claimed:
        candidates += [h.clause for h in searcher.search(q.text[:200], top=5, filters=_only(claimed))]
    best = None
    for c in {c.clause_id: c for c in candidates}.values():
        source = compared(c.text)
        sm = SequenceMatcher(None, whole, source, autojunk=False)
        blocks = [b for b in sm.get_matching_blocks() if b.size]
        held = sum(b.size for b in blocks) / max(len(whole), 1)
        if not blocks or held < DIFFERS_SHARE or max(b.size for b in blocks) < MIN_RUN:
            continue
        if best is None or held > best[0]:
            best = (held, c, source[blocks[0].b : blocks[-1].b + blocks[-1].size])
    if best is None:
        return None
    _, clause, window = best
    return clause, _diff(whole, window)


def _only(doc_id: str):
    from kb.search.searcher import Filters

    return Filters(doc_ids=(doc_id,))


def _diff(draft: str, source: str) -> list[dict]:
    """What differs, in the compared form: each replaced, left-out or added run, and which of them are
    figures ("65%" → "60%") or words (全面 → 基本)."""
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, draft, source, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        a, b = draft[i1:i2], source[j1:j2]
        kind = "figure" if FIGURE_RE.search(a) or FIGURE_RE.search(b) else "word"
        out.append(
            {
                "op": {"replace": "changed", "delete": "added_in_draft", "insert": "left_out"}[tag],
                "draft": a,
                "source": b,
                "kind": kind,
            }
        )
    return _whole_figures(out, draft, source)


def _whole_figures(ops: list[dict], draft: str, source: str) -> list[dict]:
    """A changed digit shown as the whole figure on each side ("65%" → "60%", not "5" → "0")."""
    a_figs, b_figs = FIGURE_RE.findall(draft), FIGURE_RE.findall(source)
    changed = [x for x in a_figs if x not in b_figs]
    into = [x for x in b_figs if x not in a_figs]
    if changed or into:
        ops.append({"op": "figures", "draft": "、".join(changed), "source": "、".join(into), "kind": "figure"})
    return ops


def _reference(r: Reference, library: Library, prior: list[Reference]) -> RefVerdict:
    if not r.title:  # a bare 文号
        d = library.by_number(r.number)
        return _ref(r, "ok", library, d) if d else RefVerdict(r, "not_in_kb")
    d = library.by_title(r.title)
    if d is None:  # 《意见》 after the full title: the latest full title of the draft that ends with it
        full = library.full_title(r.title, [p.title for p in prior if p.title])
        d = library.by_title(full) if full else None
        if d:
            return _ref(r, "ok", library, d)
    if d is None:
        near, score = library.closest_title(r.title)
        if near and score >= TITLE_NEAR:
            v = _ref(r, "title_differs", library, near)
            v.suggestion = f"《{library.doc(near).title}》"
            return v
        by_number = library.by_number(r.number) if r.number else None
        if by_number:
            v = _ref(r, "title_differs", library, by_number)
            v.suggestion = f"《{library.doc(by_number).title}》"
            return v
        return RefVerdict(r, "not_in_kb")
    doc = library.doc(d)
    if r.number and not doc.doc_number:
        return _ref(r, "unverifiable", library, d)
    if r.number and not same_number(r.number, doc.doc_number):
        v = _ref(r, "number_wrong", library, d)
        v.suggestion = doc.doc_number
        return v
    return _ref(r, "ok", library, d)


def _ref(r: Reference, status: str, library: Library, doc_id: str) -> RefVerdict:
    doc = library.doc(doc_id)
    return RefVerdict(r, status, doc_id, doc.title, doc.doc_number)
