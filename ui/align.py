"""对标对表: the higher levels' commitments, the lower document's answer, and the report."""

from __future__ import annotations

import streamlit as st

from kb.compare.align import STATUS_NAMES, STATUSES, Aligner, summary
from kb.policy.scope import LEVEL_NAMES
from kb.policy.units import units_of
from kb.policy.validity import validities
from kb.reports.align_report import STATUS_COLOURS, table_row, to_docx, to_xlsx
from kb.reports.cite import citation, short_name
from kb.reports.render import escape

from .common import DOCX_MIME, XLSX_MIME, today

ALL = "（全部）"


@st.cache_data(show_spinner="正在对标…", max_entries=8)
def aligned(_index, generation: int, lower: str, uppers: tuple[str, ...], unit: str):
    return Aligner(_index).align(lower, list(uppers), unit=unit)


def align_page(index) -> None:
    import pandas as pd

    aligner = Aligner(index)

    def name(d: str) -> str:
        return f"{short_name(index.docs[d])}（{LEVEL_NAMES[aligner.level(d)]}）"

    lower = st.selectbox("本级文件", aligner.documents(), format_func=name, key="a_lower")
    valid = validities(index.docs.values(), today())
    hide = st.checkbox("不含已失效或被替代的上级文件", key="a_hide_expired")
    offered = [d for d in aligner.higher(lower) if not (hide and valid[d].lapsed)]
    uppers = st.multiselect("上级文件", offered, default=offered, format_func=name, key="a_uppers")
    col1, col2 = st.columns(2)
    unit = col1.selectbox(
        "牵头或参与单位", [ALL, *units_of(c for d in uppers for c in index.clauses_of(d))], key="a_unit"
    )
    statuses = col2.multiselect(
        "状态", list(STATUSES), format_func=STATUS_NAMES.get, key="a_status", placeholder="全部状态"
    )
    if not uppers:
        st.info("没有上级文件可以对照：请选择本级文件和上级文件。")
        return
    rows = aligned(index, index.generation, lower, tuple(uppers), "" if unit == ALL else unit)
    counts = summary(rows)
    for col, (status, n) in zip(st.columns(len(counts)), counts.items()):
        col.metric(STATUS_NAMES[status], n)
    shown = [r for r in rows if not statuses or r.status in statuses]
    table = pd.DataFrame([table_row(i, r) for i, r in enumerate(shown, 1)])
    if table.empty:
        st.info("没有符合条件的条目。")
        return
    colour = {STATUS_NAMES[s]: f"background-color: #{STATUS_COLOURS[s]}" for s in STATUSES}
    st.dataframe(
        table.style.map(lambda v: colour.get(v, ""), subset=["状态"]),
        hide_index=True,
        width="stretch",
        key="align_table",
        column_config={
            "上级条款（引用）": st.column_config.TextColumn(width="large"),
            "本级条款（引用）": st.column_config.TextColumn(width="large"),
        },
    )
    pick = st.selectbox(
        "查看条目全文",
        range(1, len(shown) + 1),
        key="a_pick",
        format_func=lambda i: f"{i}. {STATUS_NAMES[shown[i - 1].status]} · {shown[i - 1].upper.text[:30]}…",
    )
    row = shown[pick - 1]
    left, right = st.columns(2)
    left.markdown("**上级条款**")
    left.code(citation(row.upper), language=None, wrap_lines=True)
    right.markdown("**本级条款**")
    if row.lower:
        right.code(citation(row.lower), language=None, wrap_lines=True)
    else:
        right.info("本级文件中未找到对应条款。")
    st.caption(escape(f"状态：{STATUS_NAMES[row.status]}；匹配度 {row.score:.3f}"))
    title = index.docs[lower].title
    col3, col4 = st.columns(2)
    col3.download_button(
        "下载 Excel 对标表", to_xlsx(shown, title, today()), "对标对表.xlsx", XLSX_MIME, key="dl-align-xlsx"
    )
    col4.download_button(
        "下载 Word 对标表", to_docx(shown, title, today()), "对标对表.docx", DOCX_MIME, key="dl-align-docx"
    )
