"""对标对表: the higher levels' commitments, the lower document's answer, and the report."""
from __future__ import annotations

import streamlit as st

from kb.align import STATUS_NAMES, STATUSES, Aligner, summary
from kb.align_report import STATUS_COLOURS, due_text, targets_text, to_docx, to_xlsx
from kb.cite import citation
from kb.render import escape
from kb.scope import LEVEL_NAMES
from kb.timeline_chart import short_name
from kb.validity import validities

from .common import DOCX_MIME, XLSX_MIME, today, units_of

ALL = "（全部）"


@st.cache_data(show_spinner="正在对标…", max_entries=8)
def aligned(_index, generation: int, lower: str, uppers: tuple[str, ...], unit: str):
    return Aligner(_index).align(lower, list(uppers), unit=unit)


def align_page(index) -> None:
    import pandas as pd

    aligner = Aligner(index)
    primaries = sorted({aligner.families.primary[d] for d in index.docs})
    levels = {d: aligner.jurisdictions[d].level for d in primaries}
    name = lambda d: f"{short_name(index.docs[d])}（{LEVEL_NAMES[levels[d]]}）"  # noqa: E731
    lowers = sorted(primaries, key=lambda d: -levels[d] if levels[d] < 9 else 0)
    lower = st.selectbox("本级文件", lowers, format_func=name, key="a_lower")
    higher = [d for d in primaries if levels[d] < levels[lower]]
    valid = validities(index.docs.values(), today())
    hide = st.checkbox("不含已失效或被替代的上级文件", key="a_hide_expired")
    offered = [d for d in higher if not (hide and valid[d].status in ("expired", "superseded"))]
    uppers = st.multiselect("上级文件", offered, default=offered, format_func=name, key="a_uppers")
    col1, col2 = st.columns(2)
    unit = col1.selectbox("牵头或参与单位", [ALL, *units_of(c for d in uppers for c in index.clauses_of(d))], key="a_unit")
    statuses = col2.multiselect("状态", list(STATUSES), format_func=STATUS_NAMES.get, key="a_status", placeholder="全部状态")
    if not uppers:
        st.info("没有上级文件可以对照：请选择本级文件和上级文件。")
        return
    rows = aligned(index, index.generation, lower, tuple(uppers), "" if unit == ALL else unit)
    counts = summary(rows)
    for col, (status, n) in zip(st.columns(len(counts)), counts.items()):
        col.metric(STATUS_NAMES[status], n)
    shown = [r for r in rows if not statuses or r.status in statuses]
    table = pd.DataFrame([{
        "序号": i, "状态": STATUS_NAMES[r.status], "上级文件": short_name(index.docs[r.upper.doc_id]),
        "上级条目": r.upper.section, "上级条款": r.upper.text, "上级期限": due_text(r.upper),
        "上级目标": targets_text(r.upper), "本级条目": r.lower.section if r.lower else "",
        "本级条款": r.lower.text if r.lower else "（未找到）", "本级期限": due_text(r.lower),
        "本级目标": targets_text(r.lower), "匹配度": round(r.score, 3),
    } for i, r in enumerate(shown, 1)])
    if table.empty:
        st.info("没有符合条件的条目。")
        return
    colour = {STATUS_NAMES[s]: f"background-color: #{STATUS_COLOURS[s]}" for s in STATUSES}
    st.dataframe(table.style.map(lambda v: colour.get(v, ""), subset=["状态"]), hide_index=True, width="stretch",
                 key="align_table", column_config={"上级条款": st.column_config.TextColumn(width="large"),
                                                   "本级条款": st.column_config.TextColumn(width="large")})
    pick = st.selectbox("查看条目全文", range(1, len(shown) + 1), key="a_pick",
                        format_func=lambda i: f"{i}. {STATUS_NAMES[shown[i - 1].status]} · {shown[i - 1].upper.text[:30]}…")
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
    col3.download_button("下载 Excel 对标表", to_xlsx(shown, title, today()), "对标对表.xlsx", XLSX_MIME, key="dl-align-xlsx")
    col4.download_button("下载 Word 对标表", to_docx(shown, title, today()), "对标对表.docx", DOCX_MIME, key="dl-align-docx")
