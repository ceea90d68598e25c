"""What the command line, the HTTP API and the MCP server answer: one function per request.

Each takes plain values (strings as a user types them, lists, booleans), checks them, and returns
the JSON-able object the CLI prints with ``--json``; ``dumps`` is the one serialisation, so an
API body is the CLI's output byte for byte. A user's mistake is a ``KBError`` naming the fix.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from kb.cli import parse_date
from kb.compare.align import STATUSES as ALIGN_STATUSES
from kb.compare.align import Aligner, AlignRow
from kb.compare.crossref import crossref
from kb.errors import KBError, NotFound
from kb.office.accounts import User
from kb.office.saved import Homes
from kb.policy.outline import in_section, markers
from kb.policy.outline import outline as outline_tree
from kb.policy.roles import ROLES, role_key
from kb.policy.scope import LEVEL_BY_NAME
from kb.policy.validity import validities
from kb.reports.cite import citation
from kb.search.searcher import Filters, Fusion, Results, Searcher
from kb.store.base import Store
from kb.tracking.align_marks import AlignMarks, apply_marks
from kb.tracking.ledger import FINISHED, Ledger, can_update
from kb.tracking.timeline import STATUS_NAMES, DeadlineRow, deadline_rows

HOME_ENV = "KB_HOME"  # the deployment's home jurisdiction, e.g. 阜新市
MAX_TOP = 50
MAX_CONTEXT = 10
KINDS = ("by", "start", "during")


def dumps(obj: Any) -> str:
    """The one JSON serialisation of every answer (UTF-8 Chinese, no escapes)."""
    return json.dumps(obj, ensure_ascii=False)


def date_or_none(text: str | dt.date | None, end: bool = False) -> dt.date | None:
    """``2025``, ``2025-06`` or ``2025-06-30`` (``end``: the last day of a year or month), or a date
    as a page's date field gives it; None when empty."""
    if isinstance(text, dt.date):
        return text
    return parse_date(text, end=end) if text else None


def make_filters(
    doc: list[str] = (),
    issuer: str = "",
    date_from: str | None = None,
    date_to: str | None = None,
    has_deadline: bool = False,
    unit: str = "",
    level: list[str] = (),
    in_force: bool = False,
    as_of: str | None = None,
    role: list[str] = (),
) -> Filters:
    """Search filters from a user's values (see ``python -m kb search --help``).

    Raises:
        KBError: a date that cannot be read, an unknown level or role.
    """
    unknown = [x for x in level if x not in LEVEL_BY_NAME]
    if unknown:
        raise KBError(f"unknown level {unknown[0]!r}; use one of {', '.join(LEVEL_BY_NAME)}")
    bad = [x for x in role if not role_key(x)]
    if bad:
        raise KBError(f"unknown role {bad[0]!r}; use one of {', '.join(ROLES)} (or {', '.join(ROLES.values())})")
    return Filters(
        doc_ids=tuple(doc),
        issuer=issuer or "",
        date_from=date_or_none(date_from),
        date_to=date_or_none(date_to, end=True),
        has_deadline=has_deadline,
        unit=unit or "",
        levels=tuple(LEVEL_BY_NAME[x] for x in level),
        in_force=in_force,
        as_of=date_or_none(as_of),
        roles=tuple(role_key(x) for x in role),
    )


def home_of(home: str | None) -> str | None:
    """The home jurisdiction asked for, else ``KB_HOME``, else None (the most local in the index)."""
    return home if home is not None else os.environ.get(HOME_ENV)


def home_for(state_dir: str | Path, user: str = "") -> str | None:
    """A user's home: their own choice, else ``KB_HOME``, else the one an admin set in 文件管理,
    else None (the searcher's default: never a single upload's)."""
    homes = Homes(state_dir)
    return homes.own(user) or os.environ.get(HOME_ENV) or homes.deployment()


def later_version(index: Store, doc_id: str) -> str | None:
    """The later version of a document, for 修订对照 to compare it with: its successor in its series
    (kb.policy.validity: the next 五年规划 of the same title, or a text that repeals it), else None."""
    valid = validities(index.docs.values(), dt.date.max)
    return valid[doc_id].successor or None if doc_id in valid else None


def default_home(index: Store) -> str:
    """The home until one is set: the place most corpus documents of the most local level share
    (kb.policy.scope), never an upload's; once per index generation."""
    from kb.policy.scope import ScopeResolver
    from kb.store.common import corpus_docs

    return once_per_generation(
        "home", index, lambda: ScopeResolver(index.docs.values()).default_home(corpus_docs(index.docs))
    )


def homes(index: Store) -> list[str]:
    """The places a home may be, most local first."""
    from kb.policy.scope import ScopeResolver

    return ScopeResolver(index.docs.values()).homes()


def set_deployment_home(state_dir: str | Path, place: str, user: User) -> None:
    """An admin sets the deployment's home (audited); "" clears it.

    Raises:
        KBError: the user is not an admin.
    """
    if not user.is_admin:
        raise KBError(f"{user.name} may not set the home; only an admin (管理) does this")
    Homes(state_dir).set_deployment(place, user.name)


def home_plan(index: Store, home: str | None) -> str | None:
    """The home's own plan: the newest document (one per family) of that place, for 对标对表 and 台账
    to open on; None when the home has none."""
    if not home:
        return None
    aligner = Aligner(index)
    own = [d for d in aligner.documents() if aligner.jurisdictions[d].place == home]
    return max(own, key=lambda d: index.docs[d].date or "", default=None)


def opening_plan(index: Store, state_dir: str | Path, user: str) -> str | None:
    """The plan 对标对表 and 台账 open on for ``user``: their home's own plan (their own home, else
    the deployment's, else the default), None when that home has none."""
    return home_plan(index, home_for(state_dir, user) or default_home(index))


def check_top(top: int) -> int:
    if not 1 <= top <= MAX_TOP:
        raise KBError(f"top must be from 1 to {MAX_TOP}")
    return top


def search_results(
    searcher: Searcher, query: str, top: int = 5, filters: Filters | None = None, home: str | None = None
) -> Results:
    """One search, as the page shows it and the CLI and the API print it (``search``).

    Raises:
        KBError: an empty or overlong query, or ``top`` out of range.
    """
    return searcher.run(query, top=check_top(top), filters=filters or Filters(), home=home)


def search(searcher: Searcher, query: str, top: int = 5, filters: Filters | None = None) -> dict:
    """``{"query", "scope", "relevant", "hits"}`` for one query (``python -m kb search --json``)."""
    return search_results(searcher, query, top, filters).to_dict()


def known_units(index: Store, state_dir: str | Path | None = None) -> list[str]:
    """Every unit a clause names or the 台账 assigns: what unit pickers offer."""
    from_ledger = {u for units in Ledger(state_dir).units_by_clause().values() for u in units} if state_dir else set()
    return sorted(set(index.units()) | from_ledger)


def assign_units(
    index: Store, state_dir: str | Path, item_ids: list[str], lead: list[str], partner: list[str] | None, user: User
) -> int:
    """Set the lead (and partner) units of several 台账 items at once, e.g. a whole chapter (admins);
    each item is one audited version. Returns how many items changed.

    Raises:
        KBError: not an admin, no item chosen, or a unit name too long.
    """
    if not user.is_admin:
        raise KBError("只有管理员可以批量分配牵头和配合单位；请联系管理员")
    if not item_ids:
        raise KBError("请先选择要分配单位的任务")
    book, changed = Ledger(state_dir), 0
    changes = {"lead_units": list(lead)} | ({"partner_units": list(partner)} if partner is not None else {})
    for item_id in item_ids:
        before = book.item(index, item_id)
        after = book.update(index, item_id, user, changes)
        changed += after.record != before.record
    return changed


def attach_evidence(index: Store, state_dir: str | Path, item_id: str, name: str, data: bytes, user: User, via=""):
    """Store an evidence file (a 验收报告) and list it on the item, for whoever may update the item.

    Raises:
        NotFound: no such item. KBError: the user may not update it, or the file is refused.
    """
    book = Ledger(state_dir)
    item = book.item(index, item_id)
    if not can_update(user, item):
        raise KBError(f"{user.name} 不能为 {item_id} 上传佐证材料：只有牵头或配合单位的填报账号和管理员可以")
    return book.update(index, item_id, user, {"evidence": [book.add_evidence(name, data)]}, via=via)


def import_indicator_table(index: Store, state_dir: str | Path, doc: str, data: bytes | str, user: User) -> list[str]:
    """Import a plan's indicator table (XLSX bytes or a pasted table) as its targets; the reasons
    rows were refused (a review period's figures), in Chinese.

    Raises:
        KBError: not an admin, no header, no usable row. NotFound: no such document.
    """
    from kb.tracking.indicator_table import IndicatorTables, read_table

    doc_id = ledger_doc(index, doc)
    d = index.docs[doc_id]
    start = d.period_start or d.date
    first_year = int(start[:4]) if start[:4].isdigit() else None
    return IndicatorTables(state_dir).replace(doc_id, read_table(data), user, first_year)


_per_generation: dict[str, tuple[tuple[int, int], Any]] = {}


def once_per_generation(what: str, index: Store, build):
    """``build()``, kept until the index (or its generation) changes: one value per ``what``."""
    key = (id(index), index.generation)
    held = _per_generation.get(what)
    if held is None or held[0] != key:
        held = _per_generation[what] = (key, build())
    return held[1]


def library_of(index: Store):
    """The knowledge base's texts as 引文核验 compares with them, built once per index generation."""
    from kb.verify.library import Library

    return once_per_generation("library", index, lambda: Library(index))


def check_draft(index: Store, name: str, data: bytes, as_of: str | None = None, searcher: Searcher | None = None):
    """引文核验 of a draft file (``kb check``, ``POST /v1/check``, the page): (its text, the report).

    Raises:
        KBError: the draft cannot be read, or a date cannot be read.
    """
    from kb.verify.drafts import draft_text
    from kb.verify.verdicts import check

    text = draft_text(name, data)
    return text, check(text, library_of(index), searcher or searcher_for(index), date_or_none(as_of))


def revision(
    index: Store,
    old: str | tuple,
    new: str | tuple,
    state_dir: str | Path | None = None,
    against: str | None = None,
) -> tuple:
    """修订对照 of two versions (``kb diff``): each a document of the index (an id, a prefix) or a
    draft read on the fly (``(Document, clauses)``). With ``state_dir`` (``--ledger``), rows of the old
    plan carry their 台账 status, and a deleted unfinished task is flagged 未完成即删除; with
    ``against`` an upper document, new rows that fall below it (对标对表) are flagged.

    Returns:
        (the ``Revision``, its JSON ``{"old", "new", "rows", "counts"}`` with each row's
        ``ledger_status`` and ``flags``, the flags by row for the 对照表 files).

    Raises:
        KBError: an unknown document.
    """
    from kb.compare.revisions import compare

    aligner = Aligner(index)

    def side(x):
        if isinstance(x, tuple):
            return x[0], x[1], None, None
        doc_id = x if x in index.docs else aligner.resolve(x)  # a file id names that file, not its family
        clauses = index.clauses_of(doc_id)
        return index.docs[doc_id], clauses, index.vectors_of(clauses), doc_id

    old_doc, old_clauses, old_vec, old_id = side(old)
    new_doc, new_clauses, new_vec, new_id = side(new)
    rev = compare(old_doc, old_clauses, new_doc, new_clauses, old_vec, new_vec)
    body = rev.to_dict()
    statuses = {}
    if state_dir is not None and old_id is not None:
        statuses = {i.clause_id: i for i in Ledger(state_dir).items(index, old_id)}
    below = set()
    if against and new_id is not None:
        below = {
            r.lower.clause_id
            for r in aligner.align(new_id, [against])
            if r.lower is not None and r.status in ("weaker", "later", "undated")
        }
    flags: dict[int, list[str]] = {}
    for n, (row, out) in enumerate(zip(rev.rows, body["rows"])):
        item = next((statuses[c.clause_id] for c in row.old if c.clause_id in statuses), None)
        out["ledger_status"] = item.status if item else None
        out["flags"] = []
        if item and row.kind == "deleted" and item.status not in FINISHED:
            out["flags"].append("dropped_unfinished")
        if any(c.clause_id in below for c in row.new):
            out["flags"].append("below_upper")
        if out["flags"]:
            flags[n] = out["flags"]
    return rev, body, flags


def searcher_for(index: Store, home: str | None = None, fusion: str | None = None) -> Searcher:
    return Searcher(index, Fusion(method=fusion) if fusion else Fusion(), home=home_of(home))


def clause(index: Store, clause_id: str, context: int = 0, raw: bool = False) -> dict:
    """A clause, its citation (``python -m kb cite``) and ``context`` neighbours each side.

    Raises:
        KBError: no such clause, or a context out of range.
    """
    if not 0 <= context <= MAX_CONTEXT:
        raise KBError(f"context must be from 0 to {MAX_CONTEXT}")
    c = index.clause(clause_id)
    return {
        "clause": c.to_dict(),
        "citation": citation(c, raw=raw),
        "context": [n.to_dict() for n in index.neighbours(c, context, context)] if context else [],
    }


def ledger_marks(state_dir: str | Path) -> tuple[dict[str, tuple[str, str | None]], frozenset[str]]:
    """What the 台账 records for a page of clauses, read once for the page: the finished items by
    clause id (status, date done) and the clause ids it records anything of."""
    book = Ledger(state_dir)
    return book.finished(), book.tracked()


def deadline_list(
    index: Store,
    doc: str | None = None,
    after: str | None = None,
    before: str | None = None,
    kinds: list[str] = (),
    unit: str = "",
    as_of: str | None = None,
    statuses: list[str] = (),
    state_dir: str | Path | None = None,
) -> list[DeadlineRow]:
    """The deadline rows a user's values ask for (``python -m kb deadlines``), each showing what the
    台账 of ``state_dir`` records (已完成 with its date, not 已逾期, for a finished item).

    Raises:
        KBError: a date that cannot be read, an unknown kind or status.
    """
    for value, allowed, what in ((kinds, KINDS, "kind"), (statuses, tuple(STATUS_NAMES), "status")):
        bad = [v for v in value if v not in allowed]
        if bad:
            raise KBError(f"unknown {what} {bad[0]!r}; use one of {', '.join(allowed)}")
    day = date_or_none(as_of)
    finished, tracked = ledger_marks(state_dir) if state_dir is not None else (None, frozenset())
    return deadline_rows(
        index,
        doc=doc,
        after=date_or_none(after),
        before=date_or_none(before, end=True),
        kinds=tuple(kinds),
        unit=unit,
        as_of=day,
        statuses=tuple(statuses),
        finished=finished,
        ledger_units=Ledger(state_dir).units_by_clause() if state_dir is not None else None,
        ended=ended_documents(index, day),
        tracked=tracked,
    )


def unknown_fate(searcher: Searcher, tracked: frozenset[str], clause, as_of: dt.date) -> bool:
    """Whether a clause's passed dates are 已到期 rather than 已逾期: its plan's period has ended and
    the 台账 records nothing of it (``tracked``: ``ledger_marks``' clause ids)."""
    validity = searcher.validity(as_of).get(clause.doc_id)
    if validity is None or validity.status != "ended":
        return False
    return clause.clause_id not in tracked


def ended_documents(index: Store, as_of: dt.date | None = None) -> frozenset[str]:
    """The documents whose period has ended by ``as_of`` (实施期已结束), not repealed or replaced."""
    valid = validities(index.docs.values(), as_of or dt.date.today())
    return frozenset(d for d, v in valid.items() if v.status == "ended")


def deadlines(index: Store, **values) -> list[dict]:
    """``python -m kb deadlines --json``: every deadline, sorted by due date, with its status and
    its clause's ready citation (with 第N页 where the source is a PDF)."""
    return deadline_json(deadline_list(index, **values))


def deadline_json(rows: list[DeadlineRow]) -> list[dict]:
    """Deadline rows as the CLI, the API and MCP print them: each with its clause's citation."""
    return [{**r.to_dict(), "citation": citation(r.clause, page=True)} for r in rows]


def crossrefs(index: Store) -> list[dict]:
    """``python -m kb deadlines --crossref --json``: the same task at two levels, the higher first."""
    return [p.to_dict() for p in crossref(index)]


def align_rows(
    index: Store,
    lower: str,
    against: list[str] = (),
    unit: str = "",
    statuses: list[str] = (),
    state_dir: str | Path | None = None,
) -> tuple[list[AlignRow], str]:
    """对标对表 rows and the lower document's title (``python -m kb align``), with the reviewers'
    不适用 and 备注 marks of ``state_dir``'s state database when given.

    Raises:
        KBError: no lower document, an unknown status, a document of unknown level.
    """
    if not lower:
        raise KBError("name the lower document, e.g. --doc fuxin (list them with: python -m kb docs)")
    bad = [s for s in statuses if s not in ALIGN_STATUSES]
    if bad:
        raise KBError(f"unknown status {bad[0]!r}; use one of {', '.join(ALIGN_STATUSES)}")
    lower_id = Aligner(index).resolve(lower)
    rows = aligned_rows(index, lower_id, list(against), unit)
    if state_dir is not None:
        rows = with_marks(rows, state_dir, lower_id)
    return [r for r in rows if not statuses or r.status in statuses], index.docs[lower_id].title


def aligned_rows(index: Store, lower: str, against: list[str] = (), unit: str = "") -> list[AlignRow]:
    """对标对表 rows before the reviewers' marks (what the page caches per index generation)."""
    aligner = Aligner(index)
    return aligner.align(aligner.resolve(lower), list(against) or None, unit=unit)


def with_marks(rows: list[AlignRow], state_dir: str | Path, lower: str) -> list[AlignRow]:
    """Rows with the reviewers' 不适用/适用 and 备注 of ``state_dir`` applied."""
    return apply_marks(rows, AlignMarks(state_dir).marks(lower))


def mark_align_row(
    index: Store,
    state_dir: str | Path,
    lower: str,
    key: str,
    user: User,
    applicability: str,
    note: str | None,
    via: str = "",
) -> dict:
    """Mark one 对标对表 row 不适用/适用/auto with a 备注 (admins), and return the row as it now reads.

    Raises:
        NotFound: no commitment with that key against ``lower``'s higher levels. KBError: see AlignMarks.set.
    """
    aligner = Aligner(index)
    lower_id = aligner.resolve(lower)
    rows = aligner.align(lower_id, aligner.higher(lower_id) or None)
    row = next((r for r in rows if r.commitment.key == key), None)
    if row is None:
        raise NotFound(
            f"no commitment {key!r} against {lower_id}; the keys are in: python -m kb align --doc {lower} --json"
        )
    marks = AlignMarks(state_dir)
    marks.set(lower_id, row, user, applicability, note, via)
    return apply_marks([row], marks.marks(lower_id))[0].to_dict()


def documents(index: Store, as_of: str | None = None) -> list[dict]:
    """``python -m kb docs --json``: every document with its period, validity and successor; its
    ``path`` is the file's name, never where it lives on the ingest host; ``cites`` and ``cited_by``
    (documents with the citing clause ids) and ``unresolved`` (titles it cites that no document of
    the knowledge base matches)."""
    valid = validities(index.docs.values(), date_or_none(as_of) or dt.date.today())
    cited = citation_links(index)
    family = library_of(index).family

    def linked(by: dict[str, list[str]]) -> list[dict]:
        return [{"doc_id": d, "title": index.docs[d].title, "clause_ids": ids} for d, ids in by.items()]

    return [
        {
            **d.to_dict(),
            "path": Path(d.path).name,
            "validity": valid[d.doc_id].to_dict(index.docs),
            "cites": linked(cited.cites.get(family(d.doc_id), {})),
            "cited_by": linked(cited.cited_by.get(family(d.doc_id), {})),
            "unresolved": [{"title": t, "count": n} for t, n in cited.unresolved.get(family(d.doc_id), {}).items()],
        }
        for d in index.docs.values()
    ]


def citation_links(index: Store):
    """Which documents cite which (kb.verify.links), once per index generation."""
    from kb.verify.links import links

    return once_per_generation("links", index, lambda: links(library_of(index)))


def ledger_doc(index: Store, doc: str | None) -> str:
    """The document a ledger request names (an id or a prefix; a family's text source).

    Raises:
        KBError: none named; NotFound: no such document.
    """
    if not doc:
        raise KBError("name the document, e.g. --doc fuxin (list them with: python -m kb docs)")
    return Aligner(index).resolve(doc)


def ledger_rows(
    items: list,
    unit: str = "",
    statuses: list[str] = (),
    overdue: bool = False,
    as_of: dt.date | None = None,
    met: bool | None = None,
) -> list:
    """Items filtered by unit, statuses (keys or 已完成…), overdue-and-not-done, and a target met (or
    not); overdue ones first, then in document order. The CLI, the API and the 台账 page list with it."""
    from kb.policy.units import matches_unit
    from kb.tracking.ledger import status_key

    as_of = as_of or dt.date.today()
    wanted = {status_key(s) for s in statuses if s}
    rows = [
        i
        for i in items
        if (not unit or matches_unit(unit, (*i.lead_units, *i.partner_units)))
        and (not wanted or i.status in wanted)
        and (not overdue or i.overdue(as_of))
        and (met is None or met in i.met().values())
    ]
    return sorted(rows, key=lambda i: not i.overdue(as_of))  # stable: document order within each


def ledger_item(item, as_of: dt.date | None = None) -> dict:
    """One 台账 item as the CLI prints it, the API answers and the sheet lists it (with its citation)."""
    return item.to_dict(as_of, citation(item.clause) if item.clause else "")


def ledger_changes(
    status=None,
    progress=None,
    actual=(),
    base=(),
    done_on=None,
    evidence=(),
    lead=None,
    partner=None,
    remove_evidence: int | None = None,
) -> dict:
    """A ledger update's changes from a user's values (``INDICATOR=VALUE@YEAR`` actuals, ``INDICATOR=VALUE`` bases).

    Raises:
        KBError: a value that cannot be read, or nothing to change.
    """
    from kb.tracking.ledger import parse_actual

    changes: dict = {}
    if status:
        changes["status"] = status
    if progress is not None:
        changes["progress"] = progress
    if done_on:
        changes["done_on"] = done_on
    if actual:
        changes["actuals"] = {n: {"value": v, "year": y} for n, v, y in map(parse_actual, actual)}
    if base:
        changes["bases"] = {n: v for n, v, _ in map(parse_actual, base)}
    if evidence:
        changes["evidence"] = list(evidence)
    if lead is not None:
        changes["lead_units"] = lead
    if partner is not None:
        changes["partner_units"] = partner
    if remove_evidence is not None:
        changes["remove_evidence"] = remove_evidence
    if not changes:
        raise KBError(
            "nothing to change; give --status, --progress, --actual, --base, --done-on, --evidence, --remove-evidence, "
            "--lead or --partner"
        )
    return changes


def document_of(index: Store, name: str) -> str:
    """The document a name names (kb.search.names: id, 文号, title or part, place), its family's
    text source.

    Raises:
        NotFound: no document fits (with the closest names); KBError: several do.
    """
    return Aligner(index).resolve(name)


def outline(index: Store, doc: str) -> dict:
    """``GET /v1/documents/{doc}/outline``: the document's headings tree, each heading with the
    number of clauses at or under it."""
    doc_id = document_of(index, doc)
    d = index.docs[doc_id]
    clauses = index.clauses_of(doc_id)
    return {
        "doc_id": doc_id,
        "title": d.title,
        "doc_number": d.doc_number,
        "clauses": len(clauses),
        "outline": [h.to_dict() for h in outline_tree(clauses)],
    }


def section(index: Store, doc: str, section: str) -> dict:
    """``GET /v1/documents/{doc}/sections/{section}``: every clause at or under a heading (三、（一）,
    第三章第十八条), in order, each with its citation.

    Raises:
        NotFound: no such document, or no clause under that heading (the outline names them).
    """
    doc_id = document_of(index, doc)
    d = index.docs[doc_id]
    found = [c for c in index.clauses_of(doc_id) if in_section(c, section)]
    if not found:
        raise NotFound(
            f"no section {section!r} in {doc_id}; its headings are listed by GET /v1/documents/{doc_id}/outline"
        )
    return {
        "doc_id": doc_id,
        "title": d.title,
        "section": section,
        "section_titles": list(found[0].section_titles[: len(markers(section))]),
        "clauses": [{**c.to_dict(), "citation": citation(c, page=True)} for c in found],
    }


def page(rows: list, limit: int | None, cursor: str | None) -> tuple[list, str | None]:
    """One page of a listing: ``limit`` rows from the opaque ``cursor`` (a previous page's next
    cursor; none: the first), and the cursor of the next page (None: this is the last).

    Raises:
        KBError: a limit below 1 or a cursor this listing did not give.
    """
    if limit is None and not cursor:
        return rows, None
    try:
        start = int(cursor or 0)
    except ValueError:
        raise KBError(f"cannot read the cursor {cursor!r}; pass the next_cursor a previous page gave") from None
    if start < 0 or (limit is not None and limit < 1):
        raise KBError("limit and cursor start at 1 and 0; pass the next_cursor a previous page gave")
    end = len(rows) if limit is None else start + limit
    return rows[start:end], (str(end) if end < len(rows) else None)
