"""对标对表 marks: an admin's 不适用 and 备注 on a commitment, kept across re-runs.

The tool decides what does not apply from geography (kb.policy.geography); a reviewer who
knows better marks a commitment 不适用 (or 适用, overruling the tool) and writes a 备注. Marks
live in ``state.db`` keyed by the lower document and the commitment's key (its upper document
and words, kb.policy.commitments.Commitment.key), so they survive a re-run, a re-ingest and a
restart, and every report carries them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from kb.compare.align import STATUS_NAMES, AlignRow
from kb.errors import KBError
from kb.office import audit
from kb.office.accounts import User
from kb.office.db import StateDB, now

APPLICABILITY = {"auto": None, "not_applicable": False, "applicable": True}
MAX_NOTE_CHARS = 500


@dataclass(frozen=True)
class Mark:
    """A reviewer's decision on one commitment: ``applicable`` None (the tool decides), False
    (不适用) or True (applies, whatever the tool says); ``note`` the 备注."""

    applicable: bool | None
    note: str
    user: str
    updated: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class AlignMarks(StateDB):
    """The marks of one index folder's state database."""

    def marks(self, lower_doc: str) -> dict[str, Mark]:
        if not self.exists:
            return {}
        with self.connect() as con:
            found = con.execute(
                "SELECT key, applicable, note, user, updated FROM align_marks WHERE lower_doc = ?", (lower_doc,)
            ).fetchall()
        return {k: Mark(None if a is None else bool(a), n, u, t) for k, a, n, u, t in found}

    def set(
        self, lower_doc: str, row: AlignRow, user: User, applicability: str, note: str | None = None, via: str = ""
    ) -> Mark:
        """Mark a commitment (admins only). ``applicability``: auto, not_applicable or applicable;
        ``note`` None keeps the 备注 there is; ``via``: the channel (``api``), on the audit line.

        Raises:
            KBError: not an admin, an unknown applicability or a note too long.
        """
        if user.role != "admin":
            audit.append(
                self.path.parent, user.name, "write_refused", lower_doc, key=row.commitment.key, **audit.via_field(via)
            )
            raise KBError(f"{user.name} may not mark 对标对表 rows: ask an admin (管理)")
        if applicability not in APPLICABILITY:
            raise KBError(f"unknown applicability {applicability!r}; use one of {', '.join(APPLICABILITY)}")
        old = self.marks(lower_doc).get(row.commitment.key)
        text = (old.note if old else "") if note is None else note.strip()
        if len(text) > MAX_NOTE_CHARS:
            raise KBError(f"the note has {len(text)} characters; keep it under {MAX_NOTE_CHARS}")
        mark = Mark(APPLICABILITY[applicability], text, user.name, now().isoformat(timespec="seconds"))
        with self.connect() as con:
            con.execute(
                "INSERT OR REPLACE INTO align_marks VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    lower_doc,
                    row.commitment.key,
                    row.commitment.text,
                    None if mark.applicable is None else int(mark.applicable),
                    mark.note,
                    mark.user,
                    mark.updated,
                ),
            )
        audit.append(
            self.path.parent,
            user.name,
            "align_mark",
            lower_doc,
            key=row.commitment.key,
            commitment=row.commitment.text,
            applicability=applicability,
            note=mark.note,
            **audit.via_field(via),
        )
        return mark


def apply_marks(rows: list[AlignRow], marks: dict[str, Mark]) -> list[AlignRow]:
    """Rows with the reviewers' marks: 不适用 by hand overrides the status, 适用 by hand undoes
    the tool's 不适用 (the row is judged on its counterpart again), and every row carries its 备注."""
    out = []
    for r in rows:
        m = marks.get(r.commitment.key)
        if m is None:
            out.append(r)
            continue
        if m.applicable is False:
            r = dataclasses.replace(r, status="not_applicable", reason=f"{m.user}标为{STATUS_NAMES['not_applicable']}")
        elif m.applicable is True and r.status == "not_applicable" and r.judged:
            r = dataclasses.replace(r, status=r.judged[0], reason=r.judged[1])
        out.append(dataclasses.replace(r, note=m.note))
    return out
