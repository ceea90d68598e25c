"""Deadlines across documents: each one's status as of a day, and the sorted, filtered list.

The rows are the dated commitments of the one commitment model (kb.policy.commitments): a date
in a review of the last period, a problem statement or the 2035 vision is no deadline. A row
whose 台账 item is finished shows that (已完成, with its date; 不再适用), not 已逾期: the caller
passes what the 台账 records (``finished``), so state does not depend on how it is stored. A
passed date of a plan whose period has ended, of which the 台账 records nothing, is 已到期
(``due_passed``), not 已逾期: nothing is known of it, and 逾期 reads as failure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kb.model import Clause, Deadline
from kb.policy.commitments import commits
from kb.policy.units import matches_unit
from kb.search import names
from kb.search.families import unique_clauses
from kb.store.base import Store
from kb.tracking.ledger import FINISHED

DUE_SOON_DAYS = 90
STATUS_NAMES = {
    "overdue": "已逾期",
    "due_passed": "已到期",
    "due_soon": "即将到期",
    "open": "未到期",
    "started": "已开始执行",
    "done": "已完成",
    "not_applicable": "不再适用",
}
Finished = dict[str, tuple[str, str | None]]  # clause id → (台账 status, date done)


def deadline_status(deadline: Deadline, as_of: dt.date, finished: str = "", unknown: bool = False) -> str:
    """``overdue`` (passed), ``due_soon`` (within ``DUE_SOON_DAYS``) or ``open``, as of a day.

    A ``start`` date (2022年起…) that has passed is ``started``: the rule applies, nothing is late.
    ``finished``: the 台账 status of the clause's item when it is ``done`` or ``not_applicable``,
    which is then the status. ``unknown``: the plan's period has ended and the 台账 records nothing
    of the item, so a passed date is ``due_passed`` (已到期), not ``overdue``.
    """
    if finished in FINISHED:  # 台账 statuses that end a deadline, whatever its date
        return finished
    if deadline.due < as_of:
        if deadline.kind == "start":
            return "started"
        return "due_passed" if unknown else "overdue"
    return "due_soon" if (deadline.due - as_of).days <= DUE_SOON_DAYS else "open"


@dataclass(frozen=True)
class DeadlineRow:
    """One deadline of one clause, with its status as of a day."""

    clause: Clause
    deadline: Deadline
    status: str = "open"
    done_on: str | None = None  # the 台账's date done, for a ``done`` row

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
            "done_on": self.done_on,
        }


def deadline_rows(
    index: Store,
    doc: str | None = None,
    after: dt.date | None = None,
    before: dt.date | None = None,
    kinds: tuple[str, ...] = (),
    unit: str = "",
    as_of: dt.date | None = None,
    statuses: tuple[str, ...] = (),
    finished: Finished | None = None,
    ledger_units: dict[str, tuple[str, ...]] | None = None,
    ended: frozenset[str] = frozenset(),
    tracked: frozenset[str] = frozenset(),
) -> list[DeadlineRow]:
    """Every deadline of a clause that commits, sorted by due date, with its status as of ``as_of``
    (default today) and what the 台账 records (``finished``).

    Filtered by document (by name, kb.search.names; an unknown one is refused), due range, kind,
    lead or partner unit (the clause's, or the ones the 台账 assigned: ``ledger_units`` by clause
    id) and status. ``ended``: documents whose period has ended; ``tracked``: clauses the 台账
    records anything of (the rest of an ended plan's passed dates are 已到期).
    """
    as_of = as_of or dt.date.today()
    finished = finished or {}
    ledger_units = ledger_units or {}
    docs = set(names.named(index.docs, doc)) if doc else set()
    if doc and not docs:
        raise names.unknown(index.docs, doc)
    rows = [
        DeadlineRow(
            c,
            d,
            deadline_status(
                d,
                as_of,
                finished.get(c.clause_id, ("", None))[0],
                c.doc_id in ended and c.clause_id not in tracked,
            ),
            _done_on(c, finished),
        )
        for c in unique_clauses(index.dated_clauses())
        if commits(c)
        and (not doc or c.doc_id in docs)
        and (not unit or matches_unit(unit, c.units + ledger_units.get(c.clause_id, ())))
        for d in c.deadlines
        if (after is None or d.due >= after) and (before is None or d.due <= before) and (not kinds or d.kind in kinds)
    ]
    rows = [r for r in rows if not statuses or r.status in statuses]
    return sorted(rows, key=lambda r: (r.deadline.due, r.clause.doc_id))  # stable: document order within a day


def _done_on(c: Clause, finished: Finished) -> str | None:
    status, day = finished.get(c.clause_id, ("", None))
    return day if status == "done" else None
