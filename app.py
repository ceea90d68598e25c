"""政策条款知识库 — the browser app. UI only: every rule lives in kb/ and ingest/.

Run: streamlit run app.py -- --index DIR   (or KB_INDEX=DIR; default index/)
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

import kb  # noqa: F401  (thread settings before numpy/faiss)
import streamlit as st

from kb.cite import citation, location
from kb.errors import KBError
from kb.live import LiveIndex
from kb.memo import memo_docx, memo_markdown
from kb.render import escape, highlight
from kb.scope import LEVEL_BY_NAME, LEVEL_NAMES
from kb.search import MAX_QUERY_CHARS, Filters
from kb.timeline import crossref, deadline_rows

KIND_NAMES = {"by": "完成时限", "start": "起始日期", "during": "期间截止"}
PAGES = ("条款检索", "期限跟踪", "文件管理")
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def index_path() -> str:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--index", default=os.environ.get("KB_INDEX", "index"))
    return parser.parse_known_args(sys.argv[1:])[0].index


@st.cache_resource(show_spinner="正在加载索引和模型…")
def live_index(path: str) -> LiveIndex:
    live = LiveIndex(path)
    _ = live.searcher.index.encoder  # load the model once per process, not on the first query
    return live


def basket() -> list[str]:
    return st.session_state.setdefault("basket", [])


def deadline_badges(clause) -> str:
    return " ".join(f":blue-badge[{KIND_NAMES[d.kind]} {d.due.isoformat()}]" for d in clause.deadlines)


# ---------------------------------------------------------------- search page
SCOPE_CHOICES = ("全部", "国家", "省", "市", "县区")
FILTER_KEYS = ("f_docs", "f_issuer", "f_from", "f_to", "f_has_deadline", "f_due_from", "f_due_to", "f_unit")
NO_HOME_LABEL = "（不设本级优先）"


def reset_filters() -> None:
    for key in FILTER_KEYS:
        st.session_state.pop(key, None)
    st.session_state["f_scope"] = SCOPE_CHOICES[0]


def units_of(index) -> list[str]:
    return sorted({u for c in index.clauses for u in c.lead_units + c.partner_units})


def search_filters(index) -> Filters:
    scope = st.segmented_control("范围", SCOPE_CHOICES, default=SCOPE_CHOICES[0], key="f_scope")
    with st.expander("筛选条件", expanded=False):
        titles = {d.doc_id: f"{d.title}（{d.format}）" for d in index.docs.values()}
        docs = st.multiselect("文件", list(titles), format_func=titles.get, key="f_docs", placeholder="全部文件")
        issuers = sorted({d.issuer for d in index.docs.values() if d.issuer})
        issuer = st.selectbox("发文机关", ["（全部）", *issuers], key="f_issuer")
        col1, col2 = st.columns(2)
        date_from = col1.date_input("成文日期自", value=None, key="f_from")
        date_to = col2.date_input("成文日期至", value=None, key="f_to")
        has_deadline = st.checkbox("只看有期限的条款", key="f_has_deadline")
        col3, col4 = st.columns(2)
        due_from = col3.date_input("期限自", value=None, key="f_due_from")
        due_to = col4.date_input("期限至", value=None, key="f_due_to")
        unit = st.selectbox("牵头或参与单位", ["（全部）", *units_of(index)], key="f_unit")
    levels = (LEVEL_BY_NAME[scope],) if scope and scope != SCOPE_CHOICES[0] else ()
    return Filters(doc_ids=tuple(docs), issuer="" if issuer == "（全部）" else issuer, date_from=date_from,
                   date_to=date_to, has_deadline=has_deadline, due_from=due_from, due_to=due_to,
                   unit="" if unit == "（全部）" else unit, levels=levels)


def home_choice(searcher) -> str:
    """The home jurisdiction for this session: the deployment's default, switchable."""
    homes = searcher.scopes.homes()
    options = [*homes, NO_HOME_LABEL]
    default = options.index(searcher.home) if searcher.home in options else len(options) - 1
    chosen = st.sidebar.selectbox("本级（优先显示）", options, index=default, key="home")
    return "" if chosen == NO_HOME_LABEL else chosen


def filter_chips(filters: Filters, scope) -> list[str]:
    """A label for every active filter and preference."""
    chips = list(scope.chips())
    if filters.levels:
        chips.append("范围：" + "、".join(LEVEL_NAMES[lv] for lv in filters.levels))
    named = {"doc_ids": "文件", "issuer": "发文机关", "date_from": "成文日期自", "date_to": "成文日期至",
             "due_from": "期限自", "due_to": "期限至", "unit": "单位"}
    for field, label in named.items():
        value = getattr(filters, field)
        if value:
            shown = "、".join(value) if isinstance(value, tuple) else str(value)
            chips.append(f"{label}：{shown}")
    if filters.has_deadline:
        chips.append("只看有期限的条款")
    return chips


def show_hit(searcher, hit) -> None:
    c = hit.clause
    with st.container(border=True):
        number = f"（{escape(c.doc_number)}）" if c.doc_number else ""
        st.markdown(f"**{hit.rank}.** 《{escape(c.title)}》{number} &nbsp; {escape(location(c))}")
        st.markdown(f"<div class='clause'>{highlight(c.text, hit.matched_terms)}</div>", unsafe_allow_html=True)
        if c.deadlines:
            st.markdown(deadline_badges(c))
        st.code(citation(c), language=None, wrap_lines=True)
        col1, col2 = st.columns([1, 3])
        in_basket = c.clause_id in basket()
        if col1.button("已加入备忘录" if in_basket else "加入备忘录", key=f"add-{c.clause_id}", disabled=in_basket):
            basket().append(c.clause_id)
            st.rerun()
        with col2.expander("上下文"):
            for n in searcher.index.neighbours(c, 2, 2):
                text = escape(n.text)
                st.markdown(f"**▶ {text}**" if n.clause_id == c.clause_id else text, unsafe_allow_html=True)


def search_page(searcher) -> None:
    index = searcher.index
    query = st.text_input("输入主题或问题", placeholder="例如：城里的臭水沟什么时候治理完", max_chars=MAX_QUERY_CHARS, key="query")
    filters = search_filters(index)
    top = st.slider("结果数", 3, 30, 8, key="top")
    if not query.strip():
        st.caption(f"已收录 {len(index.docs)} 份文件、{len(index.clauses)} 条条款。")
        return
    try:
        results = searcher.run(query, top=top, filters=filters, home=home_choice(searcher))
    except KBError as exc:
        st.error(str(exc))
        return
    chips = filter_chips(filters, results.scope)
    if chips:
        cols = st.columns([5, 1])
        cols[0].markdown(" ".join(f":gray-badge[{escape(c)}]" for c in chips))
        cols[1].button("清除筛选", key="reset_filters", on_click=reset_filters)
    if not results.hits:
        st.info("没有找到相关条款，请换个说法或放宽筛选条件。")
        return
    if not results.relevant:
        st.warning("没有找到直接相关的条款。以下是最接近的结果，仅供参考：")
    for hit in results.hits:
        show_hit(searcher, hit)


# ---------------------------------------------------------------- memo basket (sidebar)
def set_basket(ids: list[str]) -> None:
    st.session_state["basket"] = ids
    st.rerun()


def moved(ids: list[str], pos: int, step: int) -> list[str]:
    """``ids`` with the item at ``pos`` swapped with its neighbour ``step`` away."""
    ids = list(ids)
    ids[pos], ids[pos + step] = ids[pos + step], ids[pos]
    return ids


def basket_sidebar(index) -> None:
    ids = [i for i in basket() if index.has_clause(i)]
    st.sidebar.subheader(f"备忘录（{len(ids)}）")
    if not ids:
        st.sidebar.caption("在检索结果中点“加入备忘录”。")
        return
    for pos, cid in enumerate(ids):
        c = index.clause(cid)
        st.sidebar.markdown(f"{pos + 1}. {escape(c.text[:40])}{'…' if len(c.text) > 40 else ''}", unsafe_allow_html=True)
        up, down, remove = st.sidebar.columns(3)
        if up.button("↑", key=f"up-{cid}", disabled=pos == 0):
            set_basket(moved(ids, pos, -1))
        if down.button("↓", key=f"down-{cid}", disabled=pos == len(ids) - 1):
            set_basket(moved(ids, pos, 1))
        if remove.button("移除", key=f"rm-{cid}"):
            set_basket([i for i in ids if i != cid])
    clauses = [index.clause(i) for i in ids]
    today = dt.date.today()
    st.sidebar.download_button("下载 Word 备忘录", memo_docx(clauses, today), "备忘录.docx", DOCX_MIME, key="dl-docx")
    st.sidebar.download_button("下载 Markdown", memo_markdown(clauses, today).encode("utf-8"), "备忘录.md",
                               "text/markdown", key="dl-md")


# ---------------------------------------------------------------- deadlines page
def deadlines_page(index) -> None:
    import altair as alt
    import pandas as pd

    titles = sorted({d.title for d in index.docs.values()})
    col1, col2 = st.columns(2)
    chosen = col1.multiselect("文件", titles, key="d_titles", placeholder="全部文件")
    kinds = col2.multiselect("类型", list(KIND_NAMES), format_func=KIND_NAMES.get, key="d_kinds", placeholder="全部类型")
    col3, col4 = st.columns(2)
    after = col3.date_input("期限自", value=None, key="d_after")
    before = col4.date_input("期限至", value=None, key="d_before")
    rows = [r for r in deadline_rows(index, after=after, before=before, kinds=tuple(kinds))
            if not chosen or r.clause.title in chosen]
    table = pd.DataFrame([{
        "期限": r.deadline.due, "类型": KIND_NAMES[r.deadline.kind], "原文表述": r.deadline.text,
        "文件": r.clause.title, "文号": r.clause.doc_number, "条目": r.clause.section, "条款": r.clause.text,
        "页码": r.clause.page, "条款编号": r.clause.clause_id,
    } for r in rows])
    st.caption(f"共 {len(rows)} 项期限承诺")
    if not rows:
        st.info("没有符合条件的期限。")
    else:
        chart = alt.Chart(table).mark_circle(size=80).encode(
            x=alt.X("期限:T", title="期限"), y=alt.Y("文件:N", title=None),
            color=alt.Color("文件:N", legend=None), tooltip=["期限:T", "类型:N", "原文表述:N", "条目:N", "条款:N"],
        ).properties(height=max(160, 40 * table["文件"].nunique()))
        st.altair_chart(chart, width="stretch")
        st.dataframe(table, hide_index=True, width="stretch", key="deadline_table")
        st.download_button("下载 CSV", table.to_csv(index=False).encode("utf-8-sig"), "期限.csv", "text/csv", key="dl-csv")
    st.subheader("上下级文件对照")
    pairs = crossref(index)
    if not pairs:
        st.caption("没有找到跨文件的同类任务。")
        return
    only_late = st.checkbox("只看下级期限晚于上级的", key="only_late")
    st.dataframe(pd.DataFrame([{
        "⚠": "下级晚于上级" if p.lower_is_later else "", "相似度": round(p.similarity, 3),
        "A 文件": f"{p.a.title}（{LEVEL_NAMES.get(p.a_level)}）", "A 期限": p.a_due, "A 条款": p.a.text,
        "B 文件": f"{p.b.title}（{LEVEL_NAMES.get(p.b_level)}）", "B 期限": p.b_due, "B 条款": p.b.text,
        "相差天数": p.days,
    } for p in pairs if p.lower_is_later or not only_late]), hide_index=True, width="stretch", key="crossref_table")


# ---------------------------------------------------------------- documents page
def documents_page(index, path: str) -> None:
    import pandas as pd

    from ingest.pipeline import ingest
    from ingest.uploads import add_uploads

    st.dataframe(pd.DataFrame([{
        "文件名": d.doc_id, "标题": d.title, "发文机关": d.issuer, "文号": d.doc_number, "成文日期": d.date,
        "格式": d.format, "页数": d.pages, "条款数": d.n_clauses,
    } for d in index.docs.values()]), hide_index=True, width="stretch", key="docs_table")
    st.subheader("添加文件")
    uploads = st.file_uploader("txt / pdf / docx / html", type=["txt", "pdf", "docx", "html", "htm"],
                               accept_multiple_files=True, key="uploads")
    if st.button("导入", key="do-upload", disabled=not uploads):
        bar = st.progress(0.0, text="正在导入…")
        progress = lambda stage, done, total: bar.progress(min(1.0, done / max(total, 1)), text=f"{'读取' if stage == 'read' else '编码'} {done}/{total}")  # noqa: E731
        try:
            report, refused = add_uploads(path, [(f.name, f.getvalue()) for f in uploads], progress)
        except KBError as exc:
            st.error(str(exc))
            return
        bar.empty()
        for name, reason in refused + (report.skipped if report else []):
            st.error(f"跳过 {escape(os.path.basename(name))}：{reason}")
        if report and (report.added or report.updated):
            st.success(f"已导入 {len(report.added) + len(report.updated)} 份文件，共 {report.clauses} 条条款。")
        elif report and report.unchanged:
            st.info("文件未变化，无需重新导入。")
    st.subheader("删除文件")
    doc = st.selectbox("选择文件", ["", *index.docs], key="rm_doc", format_func=lambda d: d or "（请选择）")
    if st.button("删除", key="do-remove", disabled=not doc):
        ingest([], path, remove=[doc])
        st.success(f"已删除 {doc}")
        st.rerun()


def main() -> None:
    st.set_page_config(page_title="政策条款知识库", layout="wide")
    st.markdown("<style>.clause{font-size:1.05rem;line-height:1.7} mark{background:#fde68a;padding:0 .1em}</style>",
                unsafe_allow_html=True)
    path = index_path()
    try:
        searcher = live_index(path).searcher  # one index generation for the whole run; a new one is picked up
    except KBError as exc:
        st.error(str(exc))
        st.stop()
    page = st.sidebar.radio("功能", PAGES, key="page", label_visibility="collapsed")
    st.title(page)
    if page == PAGES[0]:
        search_page(searcher)
    elif page == PAGES[1]:
        deadlines_page(searcher.index)
    else:
        documents_page(searcher.index, path)
    basket_sidebar(searcher.index)


main()
