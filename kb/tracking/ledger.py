"""The commitments ledger (台账): every commitment of a document, and what became of it.

An item is a clause (or table row) that holds a commitment (kb.policy.commitments: a target, or a
task with a date, a checkable outcome, a named project or a binding rule; never a review, a
problem or a vision). An undated task is due at the plan period's end. Its item records a status
(未启动 … 不再适用), the date it was done, progress in words, the actual value of each target
(met or not, judged by ``kb.policy.targets.target_met``), base values, evidence (files by
SHA-256, or links) and corrected lead and partner units. Every change is a version: who, when,
each field from old to new (``history``), and a line in the audit log.

Items live in ``state.db`` beside the accounts, keyed by the commitment's *anchor*: its document,
its outline position and its rank among the commitments there. So an item survives a re-ingest;
when the clause at its anchor is reworded it keeps its history and is flagged 原文已变更，请核对;
when the clause is gone it stays, flagged 原文已删除.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.errors import KBError, NotFound
from kb.model import Clause, Target
from kb.office import audit
from kb.office.accounts import User
from kb.office.audit import via_field
from kb.office.db import StateDB, now, private
from kb.office.limits import MAX_EVIDENCE, MAX_UNITS, capped
from kb.policy.commitments import Commitment, document_commitments
from kb.policy.targets import target_met
from kb.policy.units import matches_unit
from kb.store.base import Store
from kb.text import fold, normalize

STATUSES = {
    "not_started": "未启动",
    "in_progress": "推进中",
    "done": "已完成",
    "partly_done": "部分完成",
    "not_done": "未完成",
    "not_applicable": "不再适用",
}
FINISHED = ("done", "not_applicable")
CHANGED, DELETED = "原文已变更，请核对", "原文已删除"
TABLE_ANCHOR = "指标表"  # the section of an imported indicator row's anchor (kb.tracking.indicator_table)
EVIDENCE = "evidence"  # uploaded evidence files, beside the index (index/evidence/<sha256><suffix>)
EVIDENCE_SUFFIXES = (".pdf", ".docx", ".doc", ".wps", ".ofd", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".xlsx")
MAX_EVIDENCE_MB = 50
FIELD_NAMES = {
    "status": "完成状态",
    "progress": "进展情况",
    "done_on": "完成日期",
    "actuals": "实际值",
    "bases": "基期值",
    "evidence": "佐证材料",
    "lead_units": "牵头单位",
    "partner_units": "配合单位",
    "remove_evidence": "删除佐证材料",
    "text": "原文",
}


def status_key(value: str) -> str:
    """A status from its key (``done``) or its Chinese name (已完成).

    Raises:
        KBError: neither.
    """
    value = (value or "").strip()
    if value in STATUSES:
        return value
    by_name = {v: k for k, v in STATUSES.items()}
    if value in by_name:
        return by_name[value]
    raise KBError(
        f"无法识别的完成状态“{value[:20]}”（unknown status）；请填写 {'、'.join(STATUSES.values())} 之一"
        f"（or {', '.join(STATUSES)}）"
    )


def commitments_by_clause(index: Store, doc_id: str) -> dict[str, tuple[Commitment, ...]]:
    """A document's commitments by clause id, in document order (kb.policy.commitments)."""
    out: dict[str, tuple[Commitment, ...]] = {}
    for k in document_commitments(index.docs[doc_id], index.clauses_of(doc_id)):
        out[k.clause.clause_id] = (*out.get(k.clause.clause_id, ()), k)
    return out


def commitments(index: Store, doc_id: str) -> list[Clause]:
    """The clauses and table rows of a document that hold a commitment, in order."""
    held = commitments_by_clause(index, doc_id)
    return [c for c in index.clauses_of(doc_id) if c.clause_id in held]


def anchors(clauses: list[Clause]) -> list[str]:
    """Each commitment's anchor: document, outline position, and its rank there (``doc|六、（一）5.|2``)."""
    seen: dict[str, int] = {}
    out = []
    for c in clauses:
        seen[c.section] = seen.get(c.section, 0) + 1
        out.append(f"{c.doc_id}|{c.section}|{seen[c.section]}")
    return out


def item_id_of(anchor: str) -> str:
    return "L-" + hashlib.sha256(anchor.encode()).hexdigest()[:8]


def recorded(record: dict) -> bool:
    """Whether a 台账 record holds anything an office wrote (a status past 未启动, progress, a date)."""
    written = record.get("status") not in (None, "", "not_started")
    return written or bool(record.get("progress") or record.get("done_on"))


@dataclass(frozen=True)
class Item:
    """One ledger item as stored, with its clause when the clause is still there."""

    item_id: str
    doc_id: str
    anchor: str
    clause_id: str
    text: str
    record: dict[str, Any]
    flags: tuple[str, ...] = ()
    clause: Clause | None = None
    history: tuple[dict, ...] = field(default=())
    commitments: tuple[Commitment, ...] = field(default=())
    own_targets: tuple[Target, ...] = field(default=())  # a row of the plan's imported indicator table
    own_due: tuple[dt.date, ...] = field(default=())

    @property
    def status(self) -> str:
        return self.record.get("status", "not_started")

    @property
    def lead_units(self) -> tuple[str, ...]:
        units = self.record.get("lead_units")
        return tuple(units) if units is not None else (self.clause.lead_units if self.clause else ())

    @property
    def partner_units(self) -> tuple[str, ...]:
        units = self.record.get("partner_units")
        return tuple(units) if units is not None else (self.clause.partner_units if self.clause else ())

    @property
    def actuals(self) -> dict[str, dict]:
        """Actual values ``{indicator: {value, year}}``; an old row's bad value reads as None."""
        return _clean_actuals(self.record.get("actuals", {}))

    @property
    def bases(self) -> dict[str, float | None]:
        return {k: _num(v) for k, v in _dict(self.record.get("bases")).items()}

    @property
    def evidence(self) -> list[dict]:
        """Evidence entries that are a link or a stored file (an old row's malformed entry is left out)."""
        return [e for e in self.record.get("evidence", []) if isinstance(e, dict) and (e.get("url") or e.get("sha256"))]

    @property
    def targets(self) -> tuple[Target, ...]:
        return self.clause.targets if self.clause else self.own_targets

    @property
    def from_table(self) -> bool:
        """Whether the item is a row of the plan's indicator table, imported by hand."""
        return f"|{TABLE_ANCHOR}|" in self.anchor

    @property
    def due(self) -> tuple[dt.date, ...]:
        """When its commitments fall due: their own dates, or the plan period's end."""
        dates = {k.due for k in self.commitments if k.due} | set(self.own_due)
        if self.clause and not dates:
            dates = {d.due for d in self.clause.deadlines}
        return tuple(sorted(dates))

    @property
    def due_basis(self) -> str:
        """``text`` when a date is written, ``period`` when the item is due at the period's end."""
        return "text" if any(k.due_basis == "text" for k in self.commitments) or not self.commitments else "period"

    @property
    def section(self) -> str:
        return self.anchor.split("|")[1]

    @property
    def chapter(self) -> str:
        """The first level of the outline position (六、 of 六、（一）5.): what a report groups by."""
        sec = self.section
        for mark in ("、", "章", "）"):
            if mark in sec:
                return sec[: sec.index(mark) + 1]
        return sec or "正文"

    def overdue(self, as_of: dt.date) -> bool:
        """Past its last date and not finished."""
        return bool(self.due) and self.due[-1] < as_of and self.status not in FINISHED

    @property
    def recorded(self) -> bool:
        """Whether the 台账 records anything of the item: a status past 未启动, progress, a date done."""
        return recorded(self.record)

    def due_passed(self, as_of: dt.date, ended: bool) -> bool:
        """已到期 rather than 逾期: past its last date in a plan whose period has ended (``ended``), and
        the 台账 records nothing of it: not known to be late, as 期限跟踪 says of such a date."""
        return ended and self.overdue(as_of) and not self.recorded

    def met(self) -> dict[str, bool | None]:
        """Each target's judgment from the recorded actual value (and base value)."""
        actuals, bases = self.actuals, self.bases
        out = {}
        for t in self.targets:
            value = actuals.get(t.indicator, {}).get("value")  # an old bad row reads as not judged
            out[t.indicator] = None if value is None else target_met(t, value, bases.get(t.indicator))
        return out

    def to_dict(self, as_of: dt.date | None = None, citation: str = "") -> dict[str, Any]:
        """The item as the CLI, the API and the sheet show it (``citation``: the clause's, from
        kb.reports.cite, which state does not import)."""
        as_of = as_of or dt.date.today()
        return {
            "item_id": self.item_id,
            "clause_id": self.clause_id,
            "doc_id": self.doc_id,
            "section": self.section,
            "text": self.text,
            "citation": citation,
            "role": self.clause.role if self.clause else "",
            "lead_units": list(self.lead_units),
            "partner_units": list(self.partner_units),
            "due": [d.isoformat() for d in self.due],
            "due_basis": self.due_basis,
            "targets": [t.to_dict() for t in self.targets],
            "status": self.status,
            "status_name": STATUSES[self.status],
            "progress": self.record.get("progress", ""),
            "done_on": self.record.get("done_on"),
            "actuals": self.actuals,
            "bases": self.bases,
            "met": self.met(),
            "evidence": self.evidence,
            "overdue": self.overdue(as_of),
            "flags": list(self.flags),
            "history": list(self.history),
        }


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _clean_actuals(actuals) -> dict:
    """Actual values as JSON can carry them: an old row's text or NaN reads as null (never invalid JSON)."""
    return {
        k: {"value": _num(v.get("value")), "year": v.get("year")}
        if isinstance(v, dict)
        else {"value": None, "year": None}
        for k, v in _dict(actuals).items()
    }


def _num(value) -> float | None:
    """A finite number, or None (empty, text, NaN or infinity stored before values were checked)."""
    try:
        number = None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None
    return number if number is not None and math.isfinite(number) else None


# What offices write in 实际值: "指标=40@2025", "指标：40", "82.5%", "36.2（2025年）", full-width digits.
ACTUAL_RE = re.compile(
    r"^\s*(?:(?P<name>[^=:：@]+?)\s*[=:：]\s*)?(?P<value>[-+]?\d+(?:\.\d+)?)\s*(?:%|％|[^\d\s（(@]{0,8})?\s*"
    r"(?:@\s*(?P<year>\d{4})|[（(]\s*(?P<year2>\d{4})\s*年?\s*[）)]|(?P<year3>\d{4})\s*年)?\s*$"
)


def parse_actual(text: str, indicators: tuple[str, ...] = ()) -> tuple[str, float, int | None]:
    """An actual value as offices write it → (indicator, value, year).

    ``指标=40@2025``, ``指标：40``, ``指标=40（2025年）``; with the item's ``indicators`` known and
    only one, a bare ``82.5%``, ``82.5`` or ``36.2（2025年）`` is that indicator's. Full-width digits
    and signs count as ASCII.

    Raises:
        KBError: not readable, in Chinese, naming the form to use.
    """
    folded = fold(str(text)).strip()
    m = ACTUAL_RE.match(folded)
    name = (m.group("name") or "").strip() if m else ""
    if not name and m and len(indicators) == 1:
        name = indicators[0]
    if not m or not name:
        example = f"{indicators[0]}=40@2025" if indicators else "农村生活污水治理率=40@2025"
        raise KBError(f"无法读取实际值“{str(text)[:40]}”；请写成 指标=值@年份，例如 {example}")
    year = m.group("year") or m.group("year2") or m.group("year3")
    return name, float(m.group("value")), int(year) if year else None


DATE_TEXT_RE = re.compile(r"^\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?\s*$")


def read_date(value) -> str | None:
    """A date as offices write it (2025-10-20, 2025.10.20, 2025年10月20日, full width) → ISO; None when empty.

    Raises:
        KBError: not a date, in Chinese, with the form to use.
    """
    text = fold(str(value or "")).strip()
    if not text:
        return None
    m = DATE_TEXT_RE.match(text)
    try:
        return dt.date(*map(int, m.groups())).isoformat() if m else dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise KBError(f"无法读取日期“{text[:20]}”；请写成 2025-10-20 或 2025年10月20日") from None


def can_update(user: User, item: Item) -> bool:
    """管理 updates every item; 填报 the items its units lead or take part in; 查阅 none."""
    if user.is_admin:
        return True
    if user.role != "reporter":
        return False
    mine = (*item.lead_units, *item.partner_units)
    return any(matches_unit(u, mine) for u in user.units)


class Ledger(StateDB):
    """The ledger of one index folder's documents."""

    # ------------------------------------------------------------------ reading
    def items(self, index: Store, doc_id: str) -> list[Item]:
        """The document's items, in document order (deleted clauses last), in step with the index."""
        if doc_id not in index.docs:
            raise NotFound(f"no document {doc_id!r}; list them with: python -m kb docs")
        held = commitments_by_clause(index, doc_id)  # the commitment model runs once a listing
        clauses = {c.clause_id: c for c in index.clauses_of(doc_id) if c.clause_id in held}
        self.sync(index, doc_id, list(clauses.values()))
        table = self._sync_table(index, doc_id)
        with self.connect() as con:
            rows = con.execute(
                "SELECT item_id, doc_id, anchor, clause_id, text, record, flags FROM ledger WHERE doc_id = ?", (doc_id,)
            ).fetchall()
            history = {}
            for item_id, at, user, fld, old, new in con.execute(
                "SELECT h.item_id, h.at, h.user, h.field, h.old, h.new FROM ledger_history h "
                "JOIN ledger l ON l.item_id = h.item_id WHERE l.doc_id = ? ORDER BY h.at",
                (doc_id,),
            ):
                history.setdefault(item_id, []).append(
                    {"at": at, "user": user, "field": fld, "old": json.loads(old), "new": json.loads(new)}
                )
        order = {cid: i for i, cid in enumerate(clauses)}
        items = [
            Item(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                json.loads(r[5]),
                tuple(json.loads(r[6])),
                clauses.get(r[3]),
                tuple(history.get(r[0], ())),
                held.get(r[3], ()),
                *table.get(r[2], ((), ())),
            )
            for r in rows
        ]
        return sorted(
            items,
            key=lambda i: (
                not i.from_table and i.clause is None,
                not i.from_table,
                order.get(i.clause_id, 0),
                i.anchor,
            ),
        )

    def item(self, index: Store, item_id: str) -> Item:
        """One item by its id (any document).

        Raises:
            NotFound: no such item.
        """
        with self.connect() as con:
            row = con.execute("SELECT doc_id FROM ledger WHERE item_id = ?", (item_id,)).fetchone()
        if row is None or row[0] not in index.docs:
            raise NotFound(f"no ledger item {item_id!r}; list them with: python -m kb ledger list --doc DOC")
        return next(i for i in self.items(index, row[0]) if i.item_id == item_id)

    def _records(self) -> list[tuple[str, dict]]:
        """Every item's clause id and record (no document loaded, no keeping in step)."""
        if not self.exists:
            return []
        with self.connect() as con:
            return [(cid, json.loads(record)) for cid, record in con.execute("SELECT clause_id, record FROM ledger")]

    def tracked(self) -> frozenset[str]:
        """The clause ids whose item the 台账 records anything of (a status, progress, a date)."""
        return frozenset(cid for cid, r in self._records() if recorded(r))

    def units_by_clause(self) -> dict[str, tuple[str, ...]]:
        """The lead and partner units the 台账 records, by clause id (what 期限跟踪 filters by too)."""
        out = {}
        for clause_id, r in self._records():
            units = tuple(u for key in ("lead_units", "partner_units") for u in r.get(key) or () if isinstance(u, str))
            if units:
                out[clause_id] = units
        return out

    def finished(self) -> dict[str, tuple[str, str | None]]:
        """Every finished item's clause: clause id → (status, date done), what 期限跟踪 shows."""
        return {cid: (r["status"], r.get("done_on")) for cid, r in self._records() if r.get("status") in FINISHED}

    # ------------------------------------------------------------------ keeping in step
    def _sync_table(self, index: Store, doc_id: str) -> dict[str, tuple[tuple[Target, ...], tuple[dt.date, ...]]]:
        """Items for the rows of the plan's imported indicator table (kb.tracking.indicator_table): one
        per row, kept by its position; a row gone from a new table is flagged 原文已删除. Returns each
        row item's targets and due date by anchor."""
        from kb.tracking.indicator_table import IndicatorTables

        rows = IndicatorTables(self.path.parent).rows(doc_id)
        if not rows:
            return {}
        doc = index.docs[doc_id]
        end = dt.date.fromisoformat(doc.period_end) if doc.period_end else None
        out, at = {}, now().isoformat(timespec="seconds")
        with self.connect() as con:
            stored = {
                anchor: (item_id, text, flags)
                for anchor, item_id, text, flags in con.execute(
                    "SELECT anchor, item_id, text, flags FROM ledger WHERE doc_id = ? AND anchor LIKE ?",
                    (doc_id, f"%|{TABLE_ANCHOR}|%"),
                )
            }
            for pos, row in enumerate(rows):
                anchor = f"{doc_id}|{TABLE_ANCHOR}|{pos + 1}"
                if anchor in stored:
                    item_id, text, flags = stored.pop(anchor)
                    if text != row.text or flags != "[]":  # written only when the table changed
                        con.execute("UPDATE ledger SET text = ?, flags = '[]' WHERE item_id = ?", (row.text, item_id))
                else:
                    con.execute(
                        "INSERT INTO ledger VALUES (?, ?, ?, ?, ?, '{}', '[]', ?)",
                        (item_id_of(anchor), doc_id, anchor, f"{doc_id}#{TABLE_ANCHOR}{pos + 1}", row.text, at),
                    )
                target = row.as_target()
                due = dt.date(row.year, 12, 31) if row.year else end
                out[anchor] = ((target,) if target else (), (due,) if due else ())
            for item_id, _, flags in stored.values():
                if DELETED not in json.loads(flags):
                    con.execute("UPDATE ledger SET flags = ? WHERE item_id = ?", (_json([DELETED]), item_id))
        return out

    def sync(self, index: Store, doc_id: str, current: list[Clause] | None = None) -> None:
        """Create items for new commitments; follow moved, reworded and removed ones (history kept).
        ``current``: the document's committing clauses, when the caller has them already."""
        current = commitments(index, doc_id) if current is None else current
        free = dict(zip(anchors(current), current))  # anchors no item holds yet
        by_text: dict[str, list[str]] = {}
        for key, c in free.items():
            by_text.setdefault(normalize(c.text), []).append(key)
        at = now().isoformat(timespec="seconds")
        with self.connect() as con:
            stored = con.execute(
                "SELECT item_id, anchor, clause_id, text, flags FROM ledger WHERE doc_id = ? AND anchor NOT LIKE ?",
                (doc_id, f"%|{TABLE_ANCHOR}|%"),
            ).fetchall()
            pending = []
            for item_id, anchor, _clause_id, text, flags in stored:  # the same words, wherever they moved
                key = next((k for k in by_text.get(normalize(text), []) if k in free), None)
                if key is None:
                    pending.append((item_id, anchor, text, json.loads(flags)))
                    continue
                c = free.pop(key)
                kept = [f for f in json.loads(flags) if f != DELETED]
                con.execute(
                    "UPDATE ledger SET anchor = ?, clause_id = ?, flags = ? WHERE item_id = ?",
                    (key, c.clause_id, _json(kept), item_id),
                )
            for item_id, anchor, text, flags in pending:
                if anchor in free:  # the clause at its place was reworded: follow it, flag it, keep history
                    c = free.pop(anchor)
                    con.execute(
                        "UPDATE ledger SET clause_id = ?, text = ?, flags = ? WHERE item_id = ?",
                        (c.clause_id, c.text, _json(sorted({*flags, CHANGED} - {DELETED})), item_id),
                    )
                    con.execute(
                        "INSERT INTO ledger_history VALUES (?, ?, ?, ?, ?, ?)",
                        (item_id, at, "系统（重新导入）", "text", _json(text), _json(c.text)),
                    )
                elif DELETED not in flags:
                    con.execute(
                        "UPDATE ledger SET flags = ? WHERE item_id = ?", (_json(sorted({*flags, DELETED})), item_id)
                    )
            taken = {r[0] for r in stored}
            for key, c in free.items():
                item_id = item_id_of(key)
                while item_id in taken:
                    item_id = item_id_of(item_id + key)
                taken.add(item_id)
                con.execute(
                    "INSERT INTO ledger VALUES (?, ?, ?, ?, ?, '{}', '[]', ?)",
                    (item_id, doc_id, key, c.clause_id, c.text, at),
                )

    # ------------------------------------------------------------------ writing
    def update(
        self, index: Store, item_id: str, user: User, changes: dict[str, Any], actor: str = "", via: str = ""
    ) -> Item:
        """Apply ``changes`` (status, progress, done_on, actuals {indicator: {value, year}}, bases
        {indicator: value}, evidence [..] appended, remove_evidence (an index, admins), lead_units,
        partner_units) as one new version. Every value is checked here, the one place the page, the
        sheet and the API pass: finite numbers, evidence as a link or a stored file, capped texts.
        ``via``: the channel (``api``), written to the audit line.

        Raises:
            NotFound: no such item. KBError: the user may not update it, or a value cannot be read.
        """
        item = self.item(index, item_id)
        if not can_update(user, item):
            audit.append(
                self.path.parent, actor or user.name, "write_refused", item.doc_id, item=item_id, **via_field(via)
            )
            raise KBError(
                f"{user.name} may not update {item_id}: a reporter updates the items its units "
                "lead or take part in; ask an admin (管理)"
            )
        record = dict(item.record)
        new = dict(record)
        for key, value in changes.items():
            if key == "status":
                new["status"] = status_key(value)
            elif key == "done_on":
                new["done_on"] = _date(value)
            elif key == "progress":
                new["progress"] = capped(value, "progress")
            elif key == "actuals":
                new[key] = {**record.get(key, {}), **_actuals(value)}
            elif key == "bases":
                new[key] = {**record.get(key, {}), **_bases(value)}
            elif key == "evidence":
                new["evidence"] = [*record.get("evidence", []), *_evidence(value)]
                if len(new["evidence"]) > MAX_EVIDENCE:
                    raise KBError(f"at most {MAX_EVIDENCE} evidence entries an item")
            elif key == "remove_evidence":
                if not user.is_admin:
                    raise KBError("only an admin (管理) removes evidence; ask one")
                new["evidence"] = _without(record.get("evidence", []), value)
            elif key in ("lead_units", "partner_units"):
                new[key] = _units(value)
            else:
                raise KBError(f"cannot change {key!r}; change one of {', '.join(FIELD_NAMES)}")
        if not user.is_admin and (
            new.get("lead_units") != record.get("lead_units") or new.get("partner_units") != record.get("partner_units")
        ):
            _check_reporter_units(user, item, new)
        diffs = [(k, record.get(k), new.get(k)) for k in sorted(set(new) | set(record)) if record.get(k) != new.get(k)]
        if not diffs:
            return item
        at = now().isoformat(timespec="seconds")
        who = actor or user.name
        flags = [f for f in item.flags if f != CHANGED]  # whoever updates it has checked the new wording
        with self.connect() as con:
            con.execute(
                "UPDATE ledger SET record = ?, flags = ?, updated = ? WHERE item_id = ?",
                (_json(new), _json(flags), at, item_id),
            )
            con.executemany(
                "INSERT INTO ledger_history VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (item_id, at, who, k, json.dumps(old, ensure_ascii=False), json.dumps(val, ensure_ascii=False))
                    for k, old, val in diffs
                ],
            )
        audit.append(
            self.path.parent,
            who,
            "ledger_update",
            item.doc_id,
            item=item_id,
            changes={k: {"old": old, "new": val} for k, old, val in diffs},
            **via_field(via),
        )
        return self.item(index, item_id)

    def add_evidence_file(self, path: str | Path) -> dict[str, str]:
        """Store an evidence file beside the index by its SHA-256; the record to keep."""
        src = Path(path)
        if not src.is_file():
            raise KBError(f"no file {path}; give a file or a link (https://…)")
        return self.add_evidence(src.name, src.read_bytes())

    def add_evidence(self, name: str, data: bytes) -> dict[str, str]:
        """Store an evidence file's bytes (a 验收报告: PDF, Word, OFD, a picture) beside the index as
        ``evidence/<sha256><suffix>``, 0600 in a 0700 folder as uploads are; the record to keep.

        Raises:
            KBError: a kind of file evidence is not, empty, or over ``MAX_EVIDENCE_MB``.
        """
        suffix = Path(name).suffix.lower()
        if suffix not in EVIDENCE_SUFFIXES:
            raise KBError(f"佐证材料“{name[:40]}”不是可接受的文件类型；请上传 {'、'.join(EVIDENCE_SUFFIXES)} 文件")
        if not data or len(data) > MAX_EVIDENCE_MB * 1024 * 1024:
            raise KBError(f"佐证材料“{name[:40]}”为空或超过 {MAX_EVIDENCE_MB} MB")
        sha = hashlib.sha256(data).hexdigest()
        folder = self.path.parent / EVIDENCE
        folder.mkdir(parents=True, exist_ok=True)
        private(folder)
        target = folder / f"{sha}{suffix}"
        target.write_bytes(data)
        private(target)
        return {"name": capped(Path(name).name, "name"), "sha256": sha}

    def evidence_file(self, item: Item, sha256: str) -> tuple[str, bytes]:
        """An evidence file of ``item`` (its name and bytes), for whoever may read the 台账.

        Raises:
            NotFound: the item lists no such file, or it is gone from the folder.
        """
        entry = next((e for e in item.evidence if e.get("sha256") == sha256), None)
        folder = self.path.parent / EVIDENCE
        found = next(iter(folder.glob(f"{sha256}.*")), None) if entry and SHA256_RE.match(sha256) else None
        if found is None:
            raise NotFound(f"no evidence file {sha256[:16]} on {item.item_id}; the item lists its files")
        return entry["name"], found.read_bytes()


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def _finite(value, what: str) -> float:
    """A finite number from a number or its text ("82.5", "82.5%").

    Raises:
        KBError: anything else (text, NaN, infinity, a list).
    """
    if isinstance(value, bool):
        raise KBError(f"{what} must be a number")
    try:
        number = float(str(value).strip().rstrip("%")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise KBError(f"{what} must be a number, e.g. 82.5 (got {str(value)[:40]!r})") from None
    if not math.isfinite(number):
        raise KBError(f"{what} must be a finite number")
    return number


def _actuals(value) -> dict:
    """``{indicator: {"value": finite number, "year": int | None}}``."""
    if not isinstance(value, dict):
        raise KBError("actuals must be {indicator: {value, year}}")
    out = {}
    for name, v in value.items():
        name = capped(str(name).strip(), "indicator")
        if not isinstance(v, dict) or "value" not in v:
            raise KBError(f"the actual value of {name} must be {{value, year}}")
        year = v.get("year")
        if year not in (None, ""):
            if isinstance(year, bool) or not str(year).isdigit() or not 1900 <= int(year) <= 2100:
                raise KBError(f"the year of {name} must be a year such as 2025")
            year = int(year)
        out[name] = {"value": _finite(v["value"], f"the actual value of {name}"), "year": year or None}
    return out


def _bases(value) -> dict:
    if not isinstance(value, dict):
        raise KBError("bases must be {indicator: value}")
    return {capped(str(k).strip(), "indicator"): _finite(v, f"the base value of {k}") for k, v in value.items()}


def _evidence(value) -> list[dict]:
    """Evidence entries: ``{"url": http(s)…}`` or ``{"name", "sha256"}`` of a stored file."""
    if not isinstance(value, list):
        raise KBError("evidence must be a list of {url} or {name, sha256}")
    out = []
    for e in value:
        if isinstance(e, dict) and set(e) == {"url"} and str(e["url"]).startswith(("http://", "https://")):
            out.append({"url": capped(e["url"], "url")})
        elif isinstance(e, dict) and set(e) == {"name", "sha256"} and SHA256_RE.match(str(e["sha256"])):
            out.append({"name": capped(e["name"], "name"), "sha256": e["sha256"]})
        else:
            raise KBError("each evidence entry is {url: http(s)://…} or a stored file {name, sha256}")
    return out


def _without(evidence: list, position) -> list:
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position < len(evidence):
        raise KBError(f"no evidence entry {position!r}; entries are numbered from 0")
    return [e for k, e in enumerate(evidence) if k != position]


def _units(value) -> list[str]:
    if not isinstance(value, list | tuple) or len(value) > MAX_UNITS:
        raise KBError(f"units are a list of at most {MAX_UNITS} names")
    return [capped(str(u).strip(), "unit") for u in value if str(u).strip()]


def _check_reporter_units(user: User, item: Item, new: dict) -> None:
    """A reporter changes the units only of items its units lead, and never drops its own lead.

    Raises:
        KBError: it only takes part in the item, or the new lead units leave its unit out.
    """
    if not any(matches_unit(u, item.lead_units) for u in user.units):
        raise KBError(
            f"{user.name} takes part in {item.item_id} but does not lead it: "
            "only its lead unit or an admin changes its units"
        )
    lead = new.get("lead_units", list(item.lead_units))
    if not any(matches_unit(u, tuple(lead)) for u in user.units):
        raise KBError(
            f"{user.name} cannot hand {item.item_id} to another unit: keep your own unit as lead, or ask an admin"
        )


def _date(value) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise KBError(f"cannot read the date {value!r}; write it as 2025-12-31") from None


def successors(index: Store, doc_id: str, items: list[Item], as_of: dt.date) -> dict[str, Clause]:
    """For each unfinished item of a plan that a later one replaces (十四五 → 十五五, by validity): the
    successor's counterpart clause, matched as 对标对表 matches (``MATCH_THRESHOLD``)."""
    from kb.compare.align import MATCH_THRESHOLD
    from kb.compare.similarity import pair_scores
    from kb.policy.validity import validities

    successor = validities(index.docs.values(), as_of)[doc_id].successor
    open_items = [i for i in items if i.clause is not None and i.status not in FINISHED]
    if not successor or successor not in index.docs or not open_items:
        return {}
    later = commitments(index, successor) or index.clauses_of(successor)
    if not later:
        return {}
    mine = [i.clause for i in open_items]
    scores = pair_scores(
        [c.text for c in mine], index.vectors_of(mine), [c.text for c in later], index.vectors_of(later)
    )
    best = scores.argmax(axis=1)
    return {i.item_id: later[int(j)] for i, j, row in zip(open_items, best, scores) if row[int(j)] >= MATCH_THRESHOLD}
