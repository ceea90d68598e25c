"""A clause in its place: its neighbours within the item, the item's full text, a linked clause."""

from __future__ import annotations

import streamlit as st

from kb.reports.cite import citation, location
from kb.reports.render import escape


def neighbours_view(index, clause, before: int = 2, after: int = 2) -> None:
    """The clauses around ``clause``; where a neighbour lies in another outline item, a line says so."""
    for n in index.neighbours(clause, before, after):
        if n.section != clause.section:
            st.caption(
                f"—— 以下属于 {escape(n.section or '正文前部')}（另一条目）——"
                if n.char_start > clause.char_start
                else f"—— 以上属于 {escape(n.section or '正文前部')}（另一条目）——"
            )
        text = escape(n.text)
        st.markdown(f"**▶ {text}**" if n.clause_id == clause.clause_id else text, unsafe_allow_html=True)


def item_text(index, clause) -> list[list]:
    """The clauses of ``clause``'s outline item, paragraph by paragraph, in document order."""
    paragraphs: dict[int, list] = {}
    for c in index.clauses_of(clause.doc_id):
        if c.section == clause.section:
            paragraphs.setdefault(c.paragraph, []).append(c)
    return list(paragraphs.values())


def full_item_view(index, clause) -> None:
    """全文: the headings of the item, then its paragraphs, the clause highlighted."""
    titles = [t for t in clause.section_titles if t]
    st.markdown(f"**{escape(clause.section)} {escape(' / '.join(titles))}**")
    for paragraph in item_text(index, clause):
        parts = [
            f"<mark>{escape(c.text)}</mark>" if c.clause_id == clause.clause_id else escape(c.text) for c in paragraph
        ]
        st.markdown(f"<p class='clause'>{''.join(parts)}</p>", unsafe_allow_html=True)


def linked_clause(index, clause_id: str, raw: bool = False) -> None:
    """A clause opened from a link (``?clause=ID``): citation, context and the item's full text."""
    if not index.has_clause(clause_id):
        st.warning("链接中的条款在当前索引中不存在（文件可能已删除或更新）。")
        return
    clause = index.clause(clause_id)
    with st.container(border=True):
        st.markdown(f"**链接条款** 《{escape(clause.title)}》 {escape(location(clause))}")
        st.code(citation(clause, raw=raw), language=None, wrap_lines=True)
        full_item_view(index, clause)
