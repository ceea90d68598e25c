"""期限跟踪: every dated commitment with its status, a timeline, the table and cross-references."""

from __future__ import annotations

import streamlit as st

from kb import service
from kb.compare.crossref import crossref
from kb.policy.deadlines import KIND_NAMES
from kb.policy.scope import LEVEL_NAMES
from kb.policy.units import units_of
from kb.policy.validity import validities
from kb.reports import deadline_report
from kb.reports.cite import short_name
from kb.reports.timeline_chart import STATUS_COLOURS, timeline_chart
from kb.tracking.timeline import STATUS_NAMES

from .common import XLSX_MIME, show_table, today
from .session import valid_choice

ALL = "（全部）"


def deadline_filters(index, path: str):
    """The page's filters; returns the rows they keep and the reference date."""
    names = {d.doc_id: short_name(d) for d in index.docs.values()}
    col1, col2, col3 = st.columns(3)
    valid_choice("d_titles", set(names.values()), multi=True)
    chosen = col1.multiselect("文件", sorted(set(names.values())), key="d_titles", placeholder="全部文件")
    kinds = col2.multiselect(
        "类型", list(KIND_NAMES), format_func=KIND_NAMES.get, key="d_kinds", placeholder="全部类型"
    )
    statuses = col3.multiselect(
        "状态", list(STATUS_NAMES), format_func=STATUS_NAMES.get, key="d_status", placeholder="全部状态"
    )
    col4, col5, col6, col7 = st.columns(4)
    after = col4.date_input("期限自", value=None, key="d_after")
    before = col5.date_input("期限至", value=None, key="d_before")
    as_of = col6.date_input("参照日期", value=today(), key="d_as_of")
    units = [ALL, *units_of(index.dated_clauses())]
    valid_choice("d_unit", units)
    unit = col7.selectbox("牵头或参与单位", units, key="d_unit")
    hide_expired = st.checkbox("隐藏实施期已结束、已失效或被替代文件的期限", key="d_hide_expired")
    valid = validities(index.docs.values(), as_of)
    rows = [
        r
        for r in service.deadline_list(
            index,
            after=after,
            before=before,
            kinds=list(kinds),
            as_of=as_of,
            unit="" if unit == ALL else unit,
            statuses=list(statuses),
            state_dir=path,
        )
        if (not chosen or names.get(r.clause.doc_id) in chosen) and not (hide_expired and valid[r.clause.doc_id].lapsed)
    ]
    return rows, as_of


def deadline_table(rows):
    import pandas as pd

    return pd.DataFrame([deadline_report.table_row(r) for r in rows], columns=deadline_report.HEADERS)


def deadlines_page(index, path: str) -> None:
    import pandas as pd

    rows, as_of = deadline_filters(index, path)
    counts = {s: sum(r.status == s for r in rows) for s in STATUS_NAMES}
    st.caption(
        f"共 {len(rows)} 项期限承诺（参照日期 {as_of.isoformat()}）："
        + "，".join(f"{STATUS_NAMES[s]} {n}" for s, n in counts.items() if n)
    )
    if not rows:
        st.info("没有符合条件的期限。")
    else:
        st.altair_chart(timeline_chart(rows, index.docs, as_of), width="stretch")
        table = deadline_table(rows)
        show_table(
            table,
            {STATUS_NAMES[s]: STATUS_COLOURS[s] for s in STATUS_COLOURS},
            hide_index=True,
            width="stretch",
            key="deadline_table",
            column_config={"条款": st.column_config.TextColumn(width="large")},
        )
        col1, col2 = st.columns(2)
        col1.download_button("下载 CSV", lambda: deadline_report.to_csv(rows), "期限.csv", "text/csv", key="dl-csv")
        col2.download_button("下载 Excel", lambda: deadline_report.to_xlsx(rows), "期限.xlsx", XLSX_MIME, key="dl-xlsx")
    st.subheader("上下级文件对照")
    pairs = crossref(index, clauses=[r.clause for r in rows])
    if not pairs:
        st.caption("在当前筛选范围内没有找到上下级文件中的同类任务。")
        return
    only_late = st.checkbox("只看下级期限晚于上级的", key="only_late")
    show_table(
        pd.DataFrame(
            [
                {  # the dates beside the texts: at 1024 px the documents' names scroll, not the dates
                    "⚠": "下级晚于上级" if p.lower_is_later else "",
                    "上级期限": p.a_due,
                    "下级期限": p.b_due,
                    "上级条款": p.a.text,
                    "下级条款": p.b.text,
                    "相差天数": -p.days,
                    "上级文件": f"{short_name(index.docs[p.a.doc_id])}（{LEVEL_NAMES.get(p.a_level)}）",
                    "下级文件": f"{short_name(index.docs[p.b.doc_id])}（{LEVEL_NAMES.get(p.b_level)}）",
                    "相似度": round(p.similarity, 3),
                }
                for p in pairs
                if p.lower_is_later or not only_late
            ]
        ),
        hide_index=True,
        width="stretch",
        key="crossref_table",
        column_config={
            "上级条款": st.column_config.TextColumn(width="medium"),
            "下级条款": st.column_config.TextColumn(width="medium"),
        },
    )
