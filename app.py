"""政策条款知识库 — the browser app. UI only: every rule lives in kb/ and ingest/; pages in ui/.

Run: streamlit run app.py -- --index DIR [--store milvus:URI]   (or KB_INDEX=DIR, KB_STORE=URI; default index/)
"""

from __future__ import annotations

import argparse
import os
import sys

import streamlit as st

import kb  # noqa: F401  (thread settings before numpy/faiss)
from kb.errors import KBError
from kb.search.live import LiveIndex, shared
from kb.store import STORE_ENV
from ui.align import align_page
from ui.basket import basket_sidebar, print_view
from ui.check import check_page
from ui.chinese import speak_chinese
from ui.copy import HIDE_BUILTIN_COPY
from ui.deadlines import deadlines_page
from ui.documents import documents_page
from ui.ledger import ledger_page
from ui.messages import chinese_refusal
from ui.revisions import revisions_page
from ui.search import search_page
from ui.session import keep_state, restore_from_url, sign_in, sign_out_button, write_to_url

PAGES = ("条款检索", "期限跟踪", "对标对表", "台账", "引文核验", "版本对照", "文件管理")


def index_path() -> str:
    """The index folder; a ``--store`` given to the app is put in ``KB_STORE``, which every
    reader and writer of this process (search, uploads, edits) then uses."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--index", default=os.environ.get("KB_INDEX", "index"))
    parser.add_argument("--store", default=None)
    args = parser.parse_known_args(sys.argv[1:])[0]
    if args.store is not None:
        os.environ[STORE_ENV] = args.store
    return args.index


@st.cache_resource(show_spinner="正在加载索引和模型…")
def live_index(path: str, store: str | None) -> LiveIndex:
    live = shared(path, store)  # loaded ahead by the server as it starts (kb.search.live.warm)
    _ = live.searcher.index.encoder  # load the model once per process, not on the first query
    return live


def main() -> None:
    st.set_page_config(page_title="政策条款知识库", layout="wide")
    st.markdown(
        "<style>.clause{font-size:1.05rem;line-height:1.7} mark{background:#fde68a;padding:0 .1em}"
        # less empty space above the page: at 1024×768 the first hit shows without scrolling
        "[data-testid='stMainBlockContainer']{padding-top:2.2rem} h1{font-size:1.9rem !important;padding-top:0}</style>"
        + HIDE_BUILTIN_COPY,
        unsafe_allow_html=True,
    )
    path = index_path()
    user = sign_in(path)
    try:
        # one index generation for the whole run; a new one is picked up
        searcher = live_index(path, os.environ.get(STORE_ENV)).searcher
    except KBError as exc:
        st.error(translate_error(str(exc)))
        st.stop()
    restore_from_url()
    keep_state()
    if "page" not in st.session_state:
        wanted = st.query_params.get("page")
        st.session_state["page"] = wanted if wanted in PAGES else "文件管理" if "doc" in st.query_params else PAGES[0]
    with st.sidebar:
        speak_chinese()  # first in the sidebar: drawn at the same place every run, never remounted
    page = st.sidebar.radio("功能", PAGES, key="page", label_visibility="collapsed")
    sign_out_button()
    if st.session_state.get("print_view"):
        print_view(searcher.index)
    else:
        st.title(page)
        if page == PAGES[0]:
            search_page(searcher)
        elif page == PAGES[1]:
            deadlines_page(searcher.index, path)
        elif page == PAGES[2]:
            align_page(searcher.index, path, user)
        elif page == "台账":
            ledger_page(searcher.index, path, user)
        elif page == "引文核验":
            check_page(searcher.index, user)
        elif page == "版本对照":
            revisions_page(searcher.index, user)
        else:
            documents_page(searcher.index, path, user)
    basket_sidebar(searcher.index)
    write_to_url(page)


def translate_error(message: str) -> str:
    """The index's load errors in Chinese, with the command kept as it is."""
    if message.startswith(("no index at", "no index in")):
        return f"还没有索引。请先建立索引：{message.split('build it with: ', 1)[-1]}"
    if "rebuild it with:" in message:
        return f"索引无法读取，需要重建：{message.split('rebuild it with: ', 1)[-1]}"
    return chinese_refusal(message)


main()
