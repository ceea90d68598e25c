"""The memo basket in the sidebar: collect, reorder, remove, download."""

from __future__ import annotations

import streamlit as st

from kb.reports.cite import citation, short_name
from kb.reports.memo import MEMO_TITLE, memo_docx, memo_markdown
from kb.reports.render import escape

from .common import DOCX_MIME, today
from .session import state, user

PRINT_CSS = """<style>
.memo{font-family:'仿宋_GB2312','FangSong','仿宋',serif;font-size:16pt;line-height:28pt;max-width:160mm;margin:auto}
.memo h1{font-family:'方正小标宋简体','华文中宋','SimSun',serif;font-size:22pt;text-align:center;font-weight:normal}
.memo .date{text-align:center}.memo .item{text-indent:2em}
@media print{@page{size:A4;margin:37mm 26mm 35mm 28mm}[data-testid="stSidebar"],header,iframe{display:none}}
</style>"""


def basket() -> list[str]:
    """This user's basket, loaded from the state database on the session's first use."""
    if "basket" not in st.session_state:
        st.session_state["basket"] = state().basket(user().name)
    return st.session_state["basket"]


def save_basket(ids: list[str]) -> None:
    """Keep the basket in the session and in the state database (it survives a refresh)."""
    st.session_state["basket"] = list(ids)
    state().save_basket(user().name, list(ids))


def set_basket(ids: list[str]) -> None:
    save_basket(ids)
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
    names = {d: short_name(doc) for d, doc in index.docs.items()}
    for pos, cid in enumerate(ids):
        c = index.clause(cid)
        st.sidebar.markdown(
            f"{pos + 1}. **{escape(names[c.doc_id])}** {escape(c.section)}<br>"
            f"{escape(c.text[:40])}{'…' if len(c.text) > 40 else ''}",
            unsafe_allow_html=True,
        )
        up, down, remove = st.sidebar.columns(3)
        if up.button("↑", key=f"up-{cid}", disabled=pos == 0):
            set_basket(moved(ids, pos, -1))
        if down.button("↓", key=f"down-{cid}", disabled=pos == len(ids) - 1):
            set_basket(moved(ids, pos, 1))
        if remove.button("移除", key=f"rm-{cid}"):
            set_basket([i for i in ids if i != cid])
    clauses = [index.clause(i) for i in ids]
    day = today()
    st.sidebar.download_button(
        "下载 Word 备忘录（公文格式）", lambda: memo_docx(clauses, day, names), "备忘录.docx", DOCX_MIME, key="dl-docx"
    )
    st.sidebar.download_button(
        "下载 Markdown", lambda: memo_markdown(clauses, day).encode("utf-8"), "备忘录.md", "text/markdown", key="dl-md"
    )
    st.sidebar.toggle("打印视图", key="print_view")


def print_view(index) -> None:
    """The memo as a printable page (A4, 仿宋): the browser's print prints just this."""
    ids = [i for i in basket() if index.has_clause(i)]
    names = {d: short_name(doc) for d, doc in index.docs.items()}
    items = "".join(
        f"<p class='item'>{n}. 【{escape(names[c.doc_id])}】{escape(citation(c))}</p>"
        for n, c in enumerate((index.clause(i) for i in ids), 1)
    )
    st.markdown(
        PRINT_CSS + f"<div class='memo'><h1>{MEMO_TITLE}</h1><p class='date'>整理日期：{today().isoformat()}</p>"
        f"{items or '<p>备忘录为空。</p>'}</div>",
        unsafe_allow_html=True,
    )
    print_button()


PRINT_BUTTON = """<button onclick="window.parent.print()" style="padding:.3em 1.2em;border:1px solid #bbb;
border-radius:6px;background:#fff;cursor:pointer;font-size:15px">打印备忘录</button>"""


def print_button() -> None:
    """打印: the browser's print dialog for the page (the styles above print the memo alone)."""
    st.iframe(PRINT_BUTTON, height=44)
