"""The memo basket in the sidebar: collect, reorder, remove, download."""
from __future__ import annotations

import streamlit as st

from kb.memo import memo_docx, memo_markdown
from kb.render import escape

from .common import DOCX_MIME, today


def basket() -> list[str]:
    return st.session_state.setdefault("basket", [])


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
    day = today()
    st.sidebar.download_button("下载 Word 备忘录", memo_docx(clauses, day), "备忘录.docx", DOCX_MIME, key="dl-docx")
    st.sidebar.download_button("下载 Markdown", memo_markdown(clauses, day).encode("utf-8"), "备忘录.md",
                               "text/markdown", key="dl-md")


