"""对标对表: the higher levels' commitments, the lower document's answer, and the report."""

from __future__ import annotations

import streamlit as st

from kb import service
from kb.compare.align import SCORE_HELP, STATUS_HELP, STATUS_NAMES, STATUSES, Aligner, summary
from kb.errors import KBError
from kb.policy.scope import LEVEL_NAMES
from kb.policy.units import units_of
from kb.policy.validity import validities
from kb.reports.align_report import NO_COUNTERPART, STATUS_COLOURS, table_row, to_docx, to_xlsx
from kb.reports.cite import citation, location, memo_text, short_name
from kb.reports.render import escape
from kb.tracking.align_marks import APPLICABILITY, AlignMarks

from .common import DOCX_MIME, XLSX_MIME, show_table, today
from .copy import copy_button
from .messages import chinese_refusal
from .session import valid_choice

ALL = "（全部）"
# What the page's table shows (the files carry every column of table_row).
# What a reader scans first stands first: the status, the upper task and the lower clause (its text,
# not its citation: the title would take the cell), the reason and the score; the citations are in
# the row's detail below and in the Excel and Word reports.
PAGE_COLUMNS = ("序号", "状态", "上级任务", "本级条款", "原因", "匹配度", "上级期限", "本级期限", "期限依据", "备注")
METRIC_COLUMNS = 3  # the six counts in two rows: at 1024 px six in one row clip their labels
APPLICABILITY_NAMES = {"auto": "由系统判断", "not_applicable": "不适用", "applicable": "适用"}


def page_row(n: int, r) -> dict:
    """A row as the page shows it: the report's row, the lower clause as its section and text."""
    row = table_row(n, r)
    row["本级条款"] = f"{r.lower.section or '正文前部'}：{memo_text(r.lower.text)}" if r.lower else NO_COUNTERPART
    return {k: row[k] for k in PAGE_COLUMNS}


@st.cache_data(show_spinner="正在对标…", max_entries=16)
def aligned(_index, generation: int, lower: str, uppers: tuple[str, ...], unit: str):
    """The alignment of one choice, computed once per index generation (marks are applied after)."""
    return service.aligned_rows(_index, lower, list(uppers), unit)


@st.cache_data(max_entries=4)
def _choices(_index, generation: int):
    aligner = Aligner(_index)
    lowers = aligner.documents()
    return (
        lowers,
        {d: aligner.higher(d) for d in lowers},
        {d: aligner.nearest_higher(d) for d in lowers},
        {d: aligner.level(d) for d in _index.docs},
    )


def align_page(index, path: str, user) -> None:
    import pandas as pd

    lowers, higher, nearest, levels = _choices(index, index.generation)

    def name(d: str) -> str:
        return f"{short_name(index.docs[d])}（{LEVEL_NAMES[levels[d]]}）"

    valid_choice("a_lower", lowers)
    home = service.opening_plan(index, path, user.name)
    if "a_lower" not in st.session_state and home in lowers:  # opens on the home's own plan
        st.session_state["a_lower"] = home
    lower = st.selectbox("本级文件", lowers, format_func=name, key="a_lower")
    valid = validities(index.docs.values(), today())
    hide = st.checkbox("不含实施期已结束、已失效或被替代的上级文件", key="a_hide_expired")
    offered = [d for d in higher[lower] if not (hide and valid[d].lapsed)]
    valid_choice("a_uppers", offered, multi=True)
    if "a_lower_seen" not in st.session_state and st.session_state.get("a_uppers"):
        st.session_state["a_lower_seen"] = lower  # uppers a link brought: kept
    if st.session_state.get("a_lower_seen") != lower:  # a new lower document: its nearest higher level
        st.session_state["a_uppers"] = [d for d in nearest[lower] if d in offered]
        st.session_state["a_lower_seen"] = lower
    uppers = st.multiselect(
        "上级文件", offered, format_func=name, key="a_uppers", help="默认为最近的上一级；可加选更高层级的文件"
    )
    col1, col2 = st.columns(2)
    units = [ALL, *units_of(c for d in uppers for c in index.clauses_of(d))]
    valid_choice("a_unit", units)
    unit = col1.selectbox("牵头或参与单位", units, key="a_unit")
    statuses = col2.multiselect(
        "状态", list(STATUSES), format_func=STATUS_NAMES.get, key="a_status", placeholder="全部状态"
    )
    legend()
    if not uppers:
        st.info("没有上级文件可以对照：请选择本级文件和上级文件。")
        return
    rows = aligned(index, index.generation, lower, tuple(uppers), "" if unit == ALL else unit)
    rows = service.with_marks(rows, path, lower)
    marks = AlignMarks(path).marks(lower)
    counts = summary(rows)
    items = list(counts.items())
    for start in range(0, len(items), METRIC_COLUMNS):
        for col, (status, n) in zip(st.columns(METRIC_COLUMNS), items[start : start + METRIC_COLUMNS]):
            col.metric(STATUS_NAMES[status], n, help=STATUS_HELP[status])
    shown = [r for r in rows if not statuses or r.status in statuses]
    if not shown:
        st.info("没有符合条件的条目。")
        return
    table = pd.DataFrame([page_row(i, r) for i, r in enumerate(shown, 1)])
    show_table(
        table,
        {STATUS_NAMES[s]: STATUS_COLOURS[s] for s in STATUSES},
        hide_index=True,
        width="stretch",
        key="align_table",
        column_config={
            "上级任务": st.column_config.TextColumn(width="large"),
            "本级条款": st.column_config.TextColumn(width="large"),
            "原因": st.column_config.TextColumn(width="medium"),
            "匹配度": st.column_config.NumberColumn(help=SCORE_HELP, format="%.2f"),
        },
    )
    valid_choice("a_pick", range(1, len(shown) + 1))
    pick = st.selectbox(
        "查看条目全文",
        range(1, len(shown) + 1),
        key="a_pick",
        format_func=lambda i: f"{i}. {STATUS_NAMES[shown[i - 1].status]} · {shown[i - 1].commitment.text[:30]}…",
    )
    row = shown[pick - 1]
    row_view(row, lower, path, user, marks.get(row.commitment.key))
    title = index.docs[lower].title
    col3, col4 = st.columns(2)
    col3.download_button(
        "下载 Excel 对标表", lambda: to_xlsx(shown, title, today()), "对标对表.xlsx", XLSX_MIME, key="dl-align-xlsx"
    )
    col4.download_button(
        "下载 Word 对标表", lambda: to_docx(shown, title, today()), "对标对表.docx", DOCX_MIME, key="dl-align-docx"
    )


def legend() -> None:
    with st.expander("状态与匹配度说明"):
        for s in STATUSES:
            st.markdown(f":gray-badge[{STATUS_NAMES[s]}] {escape(STATUS_HELP[s])}")
        st.caption(escape(SCORE_HELP))


def row_view(row, lower: str, path: str, user, mark) -> None:
    """Both texts side by side, the reason, the nearest lower clauses of a missing row, the 备注,
    and for an admin the 不适用 / 备注 form."""
    st.markdown(f"**{escape(STATUS_NAMES[row.status])}**　{escape(row.reason)}")
    left, right = st.columns(2)
    with left:
        st.markdown(f"**上级任务**：{escape(row.commitment.text)}")
        st.caption(escape(location(row.upper)))
        st.code(citation(row.upper), language=None, wrap_lines=True)
        copy_button(citation(row.upper))
    with right:
        st.markdown("**本级条款**")
        if row.lower:
            st.caption(escape(location(row.lower)))
            st.code(citation(row.lower), language=None, wrap_lines=True)
            copy_button(citation(row.lower))
        else:
            st.info("本级文件中未找到对应条款。最相近的本级条款（供核对）：")
            for c, score in row.nearest:
                st.markdown(f"- {escape(location(c))}（匹配度 {score:.2f}）：{escape(c.text)}")
    if row.note:
        st.markdown(f"**备注**：{escape(row.note)}")
    if user.role != "admin":
        return
    with st.form(f"mark-{row.commitment.key}"):
        st.markdown("**复核（管理员）**")
        current = next(k for k, v in APPLICABILITY.items() if v == (mark.applicable if mark else None))
        choice = st.radio(
            "适用性",
            list(APPLICABILITY),
            index=list(APPLICABILITY).index(current),
            format_func=APPLICABILITY_NAMES.get,
            horizontal=True,
            key=f"a_mark_choice-{row.commitment.key}",
        )
        note = st.text_area("备注", value=row.note, max_chars=500, key=f"a_mark_note-{row.commitment.key}")
        if st.form_submit_button("保存复核"):
            try:
                AlignMarks(path).set(lower, row, user, choice, note)
            except KBError as exc:
                st.error(escape(chinese_refusal(exc)))
            else:
                st.rerun()
