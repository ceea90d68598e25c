"""Helpers every page uses."""

from __future__ import annotations

import datetime as dt
import os

from kb.policy.deadlines import KIND_NAMES
from kb.policy.roles import ROLES
from kb.reports.render import csv_cell, escape
from kb.tracking.timeline import STATUS_NAMES, deadline_status

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_BADGE = {
    "overdue": "red",
    "due_passed": "violet",
    "due_soon": "orange",
    "open": "green",
    "started": "gray",
    "done": "blue",
    "not_applicable": "gray",
}


def deadline_badges(clause, as_of: dt.date, finished: dict | None = None, unknown: bool = False) -> str:
    """A badge per deadline: kind, date, status (what the 台账 records when it is finished;
    ``unknown``: an ended plan's item the 台账 records nothing of, whose passed dates are 已到期)."""
    status, done_on = (finished or {}).get(clause.clause_id, ("", None))
    return " ".join(
        f":{STATUS_BADGE[s]}-badge[{KIND_NAMES[d.kind]} {d.due.isoformat()} · {STATUS_NAMES[s]}"
        f"{' ' + done_on if s == 'done' and done_on else ''}]"
        for d in clause.deadlines
        for s in [deadline_status(d, as_of, status, unknown)]
    )


def role_badge(clause) -> str:
    """The clause's role (条款性质) as a small tag."""
    if not clause.role:
        return ""
    return f":gray-badge[{ROLES[clause.role]}]"


def target_badges(clause) -> str:
    arrows = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜", "=": "≈", "down": "↓", "up": "↑"}
    return " ".join(
        f":violet-badge[{escape(t.indicator)} {arrows.get(t.comparator, t.comparator)}{t.value:g}{escape(t.unit)}]"
        for t in clause.targets
    )


def unit_line(clause, terms=()) -> str:
    """牵头：…；参与：…, the units a "who" question matched (in ``terms``) highlighted."""

    def names(units) -> str:
        return "、".join(f":orange-background[{escape(u)}]" if u in terms else escape(u) for u in units)

    parts = []
    if clause.lead_units:
        parts.append("牵头：" + names(clause.lead_units))
    if clause.partner_units:
        parts.append("参与：" + names(clause.partner_units))
    return "；".join(parts)


TODAY_ENV = "KB_TODAY"  # the reference date for statuses, for tests and demonstrations (ISO)


def today() -> dt.date:
    """Today, or the date ``KB_TODAY`` names."""
    fixed = os.environ.get(TODAY_ENV)
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()


def text_only(frame):
    """A table whose string cells no spreadsheet runs as a formula: Streamlit's own 下载为 CSV offers
    the cells as they are, so a cell opening with = + - @ is quoted with ``'`` as the exports do."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(csv_cell)
    return out


def show_table(frame, colours: dict[str, str] | None = None, column: str = "状态", **options):
    """``st.dataframe`` of ``text_only(frame)``; with ``colours`` (a status's shown name → its legend
    colour, ``#rrggbb`` or ``rrggbb``), ``column``'s cells filled as the legend and the exports fill them."""
    import pandas as pd
    import streamlit as st

    if colours and isinstance(frame, pd.DataFrame) and column in frame.columns:
        styles = {name: cell_style(colour) for name, colour in colours.items()}
        return st.dataframe(text_only(frame).style.map(lambda v: styles.get(v, ""), subset=[column]), **options)
    return st.dataframe(text_only(frame) if isinstance(frame, pd.DataFrame) else frame, **options)


def cell_style(colour: str) -> str:
    """A cell filled with ``colour``, its text white on a dark fill and black on a light one."""
    hex6 = colour.lstrip("#")[-6:]
    r, g, b = (int(hex6[k : k + 2], 16) for k in (0, 2, 4))
    text = "#000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#fff"
    return f"background-color: #{hex6}; color: {text}"
