"""A clause in its place: its neighbours within the item, the item's full text."""

from __future__ import annotations

import streamlit as st

from kb.reports.render import escape


def neighbours_view(index, clause, before: int = 2, after: int = 2) -> None:
    """The clauses around ``clause``; where a neighbour lies in another outline item, a line says so."""
    shown = None  # the section last announced: one marker per change of item, not per neighbour
    for n in index.neighbours(clause, before, after):
        if n.section != clause.section and n.section != shown:
            st.caption(f"—— {escape(n.section or '正文前部')}（另一条目）——")
        shown = n.section
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
