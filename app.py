"""政策条款知识库 — the browser app. UI only: every rule lives in kb/ and ingest/; pages in ui/.

Run: streamlit run app.py -- --index DIR   (or KB_INDEX=DIR; default index/)
"""
from __future__ import annotations

import argparse
import os
import sys

import kb  # noqa: F401  (thread settings before numpy/faiss)
import streamlit as st

from kb.errors import KBError
from kb.live import LiveIndex
from ui.align import align_page
from ui.basket import basket_sidebar
from ui.deadlines import deadlines_page
from ui.documents import documents_page
from ui.search import search_page

PAGES = ("条款检索", "期限跟踪", "对标对表", "文件管理")


def index_path() -> str:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--index", default=os.environ.get("KB_INDEX", "index"))
    return parser.parse_known_args(sys.argv[1:])[0].index


@st.cache_resource(show_spinner="正在加载索引和模型…")
def live_index(path: str) -> LiveIndex:
    live = LiveIndex(path)
    _ = live.searcher.index.encoder  # load the model once per process, not on the first query
    return live


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
    if "doc" in st.query_params and "page" not in st.session_state:
        st.session_state["page"] = PAGES[3]  # a link to a document opens the document list
    page = st.sidebar.radio("功能", PAGES, key="page", label_visibility="collapsed")
    st.title(page)
    if page == PAGES[0]:
        search_page(searcher)
    elif page == PAGES[1]:
        deadlines_page(searcher.index)
    elif page == PAGES[2]:
        align_page(searcher.index)
    else:
        documents_page(searcher.index, path)
    basket_sidebar(searcher.index)


main()
