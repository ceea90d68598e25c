"""The deadline timeline: one point per document and day, sized by how many fall due then.

Dates are drawn on a UTC time scale (a browser in another time zone does not move 2025-12-31
into 2026), over shaded year bands labelled 2025, 2026…, so a point due on the last day of
a year sits inside that year's band. A rule marks today (the reference date).
"""

from __future__ import annotations

import datetime as dt

from kb.model import Document
from kb.reports.cite import short_name
from kb.tracking.timeline import STATUS_NAMES, DeadlineRow

STATUS_COLOURS = {
    "overdue": "#d62728",
    "due_passed": "#9467bd",
    "due_soon": "#ff7f0e",
    "open": "#2ca02c",
    "started": "#7f7f7f",
    "done": "#1f77b4",
    "not_applicable": "#bcbd22",
}


def chart_rows(rows: list[DeadlineRow], docs: dict[str, Document]) -> list[dict]:
    """One row per (document, due date, status): the count and the first clause for the tooltip."""
    groups: dict[tuple, list[DeadlineRow]] = {}
    for r in rows:
        groups.setdefault((r.clause.doc_id, r.deadline.due, r.status), []).append(r)
    out = []
    for (doc_id, due, status), members in groups.items():
        doc = docs.get(doc_id)
        first = members[0].clause
        more = f"（等 {len(members)} 项）" if len(members) > 1 else ""
        out.append(
            {
                "期限": due.isoformat(),
                "位置": placed(due),
                "文件": short_name(doc) if doc else doc_id,
                "全称": first.title,
                "数量": len(members),
                "状态": STATUS_NAMES[status],
                "状态码": status,
                "条目": first.section,
                "条款": first.text[:80] + ("…" if len(first.text) > 80 else "") + more,
            }
        )
    return out


BAND_MARGIN = 0.08  # share of a year's band left empty at each end: a 12-31 point is not on the border


def placed(day: dt.date) -> str:
    """Where a date is drawn: inside its year's band, its place in the year kept (Jan 1 at
    ``BAND_MARGIN``, Dec 31 at 1 - ``BAND_MARGIN``), so a year-end deadline sits in its year and not
    on the line between two. The tooltip gives the date itself."""
    start = dt.datetime(day.year, 1, 1)
    length = (dt.datetime(day.year + 1, 1, 1) - start).total_seconds()
    through = (day - dt.date(day.year, 1, 1)).days / (dt.date(day.year, 12, 31) - dt.date(day.year, 1, 1)).days
    at = start + dt.timedelta(seconds=length * (BAND_MARGIN + (1 - 2 * BAND_MARGIN) * through))
    return at.isoformat(timespec="seconds")


MAX_YEAR_LABELS = 8  # at 1024 px a year label needs ~60 px: past 8 years, every 2nd (or 5th) is named


def year_bands(rows: list[dict], today: dt.date) -> list[dict]:
    """One band a year; the years named sparsely enough that their labels never run together."""
    years = [int(r["期限"][:4]) for r in rows] + [today.year]
    first, last = min(years), max(years)
    span = last - first + 1
    step = 1 if span <= MAX_YEAR_LABELS else 2 if span <= 2 * MAX_YEAR_LABELS else 5
    return [
        {
            "起": f"{y}-01-01",
            "止": f"{y}-12-31T23:59:59",
            "年": str(y) if (y - first) % step == 0 else "",
            "中": f"{y}-07-01",
            "带": y % 2,
        }
        for y in range(first, last + 1)
    ]


def timeline_chart(rows: list[DeadlineRow], docs: dict[str, Document], today: dt.date):
    """The Altair chart (layered: year bands, points, today's rule)."""
    import altair as alt
    import pandas as pd

    points = pd.DataFrame(chart_rows(rows, docs))
    bands = pd.DataFrame(year_bands(points.to_dict("records") if len(points) else [], today))
    x_scale = alt.Scale(type="utc", domain=[bands["起"].min(), bands["止"].max()])
    x_axis = alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1}, labels=False, ticks=False, title=None)
    band = (
        alt.Chart(bands)
        .mark_rect(opacity=0.35)
        .encode(
            x=alt.X("起:T", scale=x_scale, axis=x_axis),
            x2="止:T",
            color=alt.Color("带:N", scale=alt.Scale(range=["#f3f4f6", "#e5e7eb"]), legend=None),
        )
    )
    label = (
        alt.Chart(bands)
        .mark_text(baseline="top", dy=2, fontSize=10, color="#374151")
        .encode(
            x=alt.X("中:T", scale=x_scale, axis=x_axis),
            text="年:N",
            y=alt.value(0),
        )
    )
    dots = (
        alt.Chart(points)
        .mark_circle(opacity=0.85)
        .encode(
            x=alt.X("位置:T", scale=x_scale, axis=x_axis),
            y=alt.Y("文件:N", title=None, axis=alt.Axis(labelLimit=260)),
            size=alt.Size("数量:Q", title="项数", scale=alt.Scale(range=[60, 600])),
            color=alt.Color(
                "状态:N",
                title="状态",
                scale=alt.Scale(domain=[STATUS_NAMES[k] for k in STATUS_COLOURS], range=list(STATUS_COLOURS.values())),
                # below the chart, in columns: every status shows however few documents set the height
                legend=alt.Legend(orient="bottom", columns=4, labelLimit=120),
            ),
            tooltip=["期限:N", "全称:N", "数量:Q", "状态:N", "条目:N", "条款:N"],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame([{"今天": placed(today), "说明": f"今天 {today.isoformat()}"}]))
        .mark_rule(color="#111827", strokeDash=[4, 3])
        .encode(x=alt.X("今天:T", scale=x_scale, axis=x_axis), tooltip=["说明:N"])
    )
    height = max(180, 36 * max(1, points["文件"].nunique() if len(points) else 1))
    # Independent colour scales: the bands' greys must not become the statuses' colours.
    chart = alt.layer(band, label, dots, rule).resolve_scale(color="independent").properties(height=height)
    return chart.properties(usermeta={"embedOptions": {"actions": False}})  # no English "Show data" menu
