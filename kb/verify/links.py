"""Which documents of the knowledge base cite which: every 《title》 (with its 文号) in a clause,
resolved to a document when one matches — its exact title, its 文号, or a short name the citing
document uses after the full title (《意见》, 《方案》). What no document matches is listed per
document: the documents an office might add next.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.verify.library import SHORT_TITLE_RE, Library, title_key
from kb.verify.passages import references


@dataclass
class Links:
    """For each document: whom it cites and who cites it (clause ids), and the titles nothing matches."""

    cites: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # doc → cited doc → citing clause ids
    cited_by: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # doc → citing doc → clause ids
    unresolved: dict[str, dict[str, int]] = field(default_factory=dict)  # doc → title → times cited
    resolved_by_clause: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # clause → [(title, doc)]

    def counts(self) -> tuple[int, int]:
        """(references resolved, references no document matches) over the whole knowledge base."""
        resolved = sum(len(ids) for by in self.cites.values() for ids in by.values())
        return resolved, sum(n for titles in self.unresolved.values() for n in titles.values())


def links(library: Library) -> Links:
    """Every reference of every clause, resolved (see the module's docstring)."""
    out = Links()
    for doc_id, text in library.texts.items():
        own = title_key(library.doc(doc_id).title)
        full_titles: list[str] = []
        for c in text.clauses:
            for r in references(c.text):
                if not r.title:
                    continue
                key = title_key(r.title)
                target = library.by_title(r.title) or (library.by_number(r.number) if r.number else None)
                if target is None and SHORT_TITLE_RE.match(key):
                    full = library.full_title(r.title, full_titles)
                    if full is None:
                        continue  # a short name of nothing cited in full: no reference to resolve
                    target = library.by_title(full)
                if key == own or target == doc_id:
                    continue  # the document names itself
                full_titles.append(r.title)
                if target is None:
                    titles = out.unresolved.setdefault(doc_id, {})
                    titles[r.title] = titles.get(r.title, 0) + 1
                    continue
                out.cites.setdefault(doc_id, {}).setdefault(target, []).append(c.clause_id)
                out.cited_by.setdefault(target, {}).setdefault(doc_id, []).append(c.clause_id)
                out.resolved_by_clause.setdefault(c.clause_id, []).append((r.title, target))
    return out
