"""Who is using the app, and what their session remembers: sign-in, saved work, the URL.

- On loopback with no accounts, one person on their own machine: no sign-in, every right.
- With accounts (and always on any other address), a sign-in form; sessions expire after
  ``SESSION_TTL`` without use. Served on another address with no account, the app refuses.
- The URL carries the page, the query and the filters, so a copied link reproduces a search;
  ``?clause=ID`` opens a clause in its context.
"""

from __future__ import annotations

import datetime as dt
import os

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from kb.errors import KBError
from kb.office.accounts import LOCAL_USER, ROLES, SESSION_TTL, Accounts, User, is_loopback, open_to_anyone
from kb.office.saved import SavedWork
from kb.office.sessions import COOKIE, FRONT_DOOR_ENV, SERVE_ADDRESS_ENV, Sessions, own
from kb.reports.render import escape
from kb.search.searcher import MAX_QUERY_CHARS

from .messages import chinese_refusal

# URL parameter → session key of the widget it sets (lists are comma-joined).
URL_KEYS = {
    "q": "query",
    "scope": "f_scope",
    "valid": "f_validity",
    "docs": "f_docs",
    "unit": "f_unit",
    "issuer": "f_issuer",
    "dstatus": "d_status",
    "dunit": "d_unit",
    "lower": "a_lower",
    "uppers": "a_uppers",
    "astatus": "a_status",
    "ldoc": "l_doc",
}
MAX_URL_VALUE = MAX_QUERY_CHARS
LIST_KEYS = {"docs", "dstatus", "uppers", "astatus"}
# Every page's query and filters: Streamlit forgets a widget's value when its page is not drawn,
# so each run re-saves these (its documented way to keep them), and a page switch keeps them.
KEPT_KEYS = (
    *("query", "top", "raw_punct", "home"),
    *("f_scope", "f_validity", "f_docs", "f_unit", "f_issuer", "f_from", "f_to", "f_due_from", "f_due_to"),
    "f_has_deadline",
    "f_roles",
    *("v_old", "v_new", "v_kinds", "v_changes"),
    *("d_after", "d_before", "d_as_of", "d_hide_expired", "d_kinds", "d_status", "d_titles", "d_unit", "only_late"),
    *("a_lower", "a_hide_expired", "a_uppers", "a_unit", "a_status", "a_pick"),
    *("l_doc", "l_unit", "l_status", "l_overdue", "l_met", "l_item"),
)


def state() -> SavedWork:
    """The signed-in user's saved work (basket, recent searches)."""
    return SavedWork(st.session_state["index_path"])


def user() -> User:
    return st.session_state["user"]


def serving_address() -> str:
    return os.environ.get(SERVE_ADDRESS_ENV) or str(st.get_option("server.address") or "127.0.0.1")


def behind_door() -> bool:
    """Served by ``python -m kb serve``: the front door has signed the browser in (server.door)."""
    return bool(os.environ.get(FRONT_DOOR_ENV))


def door_user(index_path: str) -> User:
    """The account of this browser's session, read again on every run: a removed or demoted account
    loses its rights at its next action. Stops the run, with a link to sign in, when there is none."""
    if open_to_anyone(index_path, serving_address()):
        st.session_state["user"] = User(LOCAL_USER, "admin")
        return st.session_state["user"]
    cookie = st.context.cookies.get(COOKIE)
    found = Sessions(index_path).user_of(cookie)
    ctx = get_script_run_ctx()
    if found is None or (ctx is not None and not own(ctx.session_id, cookie)):
        for key in list(st.session_state):
            del st.session_state[key]
        st.warning("登录已失效，或账号已被停用或更改，请重新登录。")
        st.markdown(SIGN_IN_LINK, unsafe_allow_html=True)
        st.stop()
    previous = st.session_state.get("user")
    if previous is not None and previous.name != found.name:  # another person on this tab: nothing carries over
        for key in list(st.session_state):
            del st.session_state[key]
    st.session_state["index_path"] = index_path
    st.session_state["user"] = found
    return found


def sign_in(index_path: str) -> User:
    """The signed-in user; shows the sign-in form and stops the run until there is one."""
    st.session_state["index_path"] = index_path
    if behind_door():
        return door_user(index_path)
    if not is_loopback(serving_address()):  # `streamlit run` on the network would bypass the front door
        st.error("错误：对外提供服务请使用 python -m kb serve（带登录前门）；streamlit run 只用于本机。")
        st.stop()
    accounts = Accounts(index_path)
    address = serving_address()
    if not accounts.has_users():
        if is_loopback(address):
            st.session_state["user"] = User(LOCAL_USER, "admin")
            return st.session_state["user"]
        st.error(
            f"错误：本应用在 {address} 上对外提供服务，但还没有任何账号。"
            "请先添加管理员：python -m kb users add 用户名 "
            f"--role admin --index {index_path}"
        )
        st.stop()
    now = dt.datetime.now(dt.UTC)
    current, since = st.session_state.get("user"), st.session_state.get("active_at")
    if current and current.name != LOCAL_USER and since and now - since < SESSION_TTL:
        st.session_state["active_at"] = now
        return current
    if current and current.name != LOCAL_USER:
        st.info("登录已过期，请重新登录。")
    st.session_state.pop("user", None)
    with st.form("sign_in"):
        st.subheader("登录")
        name = st.text_input("用户名", key="login_name")
        password = st.text_input("密码", type="password", key="login_password")
        submitted = st.form_submit_button("登录")
    if submitted:
        try:
            st.session_state["user"] = accounts.sign_in(name.strip(), password)
            st.session_state["active_at"] = now
            st.session_state.pop("basket", None)  # load this user's saved basket
            st.rerun()
        except KBError as exc:
            st.error(escape(chinese_refusal(exc)))
    st.stop()


# Same tab (target=_self): the old tab must not keep the last user's query and results.
SIGN_OUT_LINK = '<a href="/logout" target="_self" style="text-decoration:none">退出登录</a>'
SIGN_IN_LINK = '<a href="/login" target="_self">重新登录</a>'


def sign_out_button() -> None:
    current = st.session_state.get("user")
    if current and current.name != LOCAL_USER:
        role = ROLES.get(current.role, current.role)
        st.sidebar.caption(f"{current.name}（{role}）")
        if behind_door():  # a full page load in this tab: the next person here starts from nothing
            st.sidebar.markdown(SIGN_OUT_LINK, unsafe_allow_html=True)
        elif st.sidebar.button("退出登录", key="sign_out"):
            for key in ("user", "active_at", "basket"):
                st.session_state.pop(key, None)
            st.rerun()


def keep_state() -> None:
    """Re-save every page's query and filters, so switching pages and back finds them as left."""
    for key in KEPT_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def valid_choice(key: str, options, multi: bool = False) -> None:
    """Drop a kept or linked value that the widget's current options no longer hold (another
    document chosen, a document removed), before the widget is drawn."""
    if key not in st.session_state:
        return
    value = st.session_state[key]
    allowed = list(options)
    if multi:
        st.session_state[key] = [v for v in (value or []) if v in allowed]
    elif value not in allowed:
        del st.session_state[key]


def restore_from_url() -> None:
    """Once per session: put the URL's page, query and filters into the widgets' state."""
    if st.session_state.get("url_restored"):
        return
    st.session_state["url_restored"] = True
    params = st.query_params
    for param, key in URL_KEYS.items():
        if param in params and params[param]:
            value = params[param][:MAX_URL_VALUE]  # a link cannot carry more than the text box takes
            st.session_state[key] = value.split(",") if param in LIST_KEYS else value


def write_to_url(page: str) -> None:
    """The current page, query and filters into the URL (defaults left out)."""
    params = {"page": page}
    for param, key in URL_KEYS.items():
        value = st.session_state.get(key)
        if isinstance(value, list):
            value = ",".join(value)
        if value and value not in ("全部", "（全部）"):
            params[param] = str(value)
    clause = st.query_params.get("clause")
    if clause:
        params["clause"] = clause
    if dict(st.query_params) != params:
        st.query_params.clear()
        st.query_params.update(params)
