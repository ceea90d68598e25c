"""Deadlines across documents: each one's status as of a day, and the sorted, filtered list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kb.model import Clause, Deadline
from kb.policy.units import matches_unit
from kb.store.base import Store
from kb.text import normalize

DUE_SOON_DAYS = 90
STATUS_NAMES = {"overdue": "已逾期", "due_soon": "即将到期", "open": "未到期", "started": "已开始执行"}


def deadline_status(deadline: Deadline, as_of: dt.date) -> str:
    """``overdue`` (passed), ``due_soon`` (within ``DUE_SOON_DAYS``) or ``open``, as of a day.

    A ``start`` date (2022年起…) that has passed is ``started``: the rule applies, nothing is late.
    """
    if deadline.due < as_of:
        return "started" if deadline.kind == "start" else "overdue"
    return "due_soon" if (deadline.due - as_of).days <= DUE_SOON_DAYS else "open"


@dataclass(frozen=True)
class DeadlineRow:
    """One deadline of one clause, with its status as of a day."""

    clause: Clause
    deadline: Deadline
    status: str = "open"

    def to_dict(self) -> dict:
        c, d = self.clause, self.deadline
        return {
            **{k: v for k, v in c.to_dict().items() if k != "deadlines"},
            "raw": d.text,
            "due": d.due.isoformat(),
            "kind": d.kind,
            "status": self.status,
            "start": d.start.isoformat() if d.start else None,
            "inherited": d.inherited,
        }


def unique_clauses(clauses: list[Clause]) -> list[Clause]:
    """Clauses minus repeats of the same text in the same-titled document (a txt and its PDF);
    of two copies, the one from a text file (no page) is kept over the PDF's."""
    seen, out = set(), []
    for c in sorted(clauses, key=lambda c: c.page is not None):  # stable: document order otherwise
        key = (c.title, normalize(c.text))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def deadline_rows(
    index: Store,
    doc: str | None = None,
    after: dt.date | None = None,
    before: dt.date | None = None,
    kinds: tuple[str, ...] = (),
    unit: str = "",
    as_of: dt.date | None = None,
    statuses: tuple[str, ...] = (),
) -> list[DeadlineRow]:
    """Every deadline, sorted by due date, with its status as of ``as_of`` (default today).

    Filtered by document (id or prefix), due range, kind, lead or partner unit and status.
    """
    as_of = as_of or dt.date.today()
    rows = [
        DeadlineRow(c, d, deadline_status(d, as_of))
        for c in unique_clauses(index.dated_clauses())
        if (not doc or c.doc_id == doc or c.doc_id.startswith(doc)) and (not unit or matches_unit(unit, c.units))
        for d in c.deadlines
        if (after is None or d.due >= after) and (before is None or d.due <= before) and (not kinds or d.kind in kinds)
    ]
    rows = [r for r in rows if not statuses or r.status in statuses]
    return sorted(rows, key=lambda r: (r.deadline.due, r.clause.doc_id))  # stable: document order within a day
