"""条款检索: the query, scope and filters, and the hits with citations."""

from __future__ import annotations

import os
from urllib.parse import quote

import streamlit as st

from kb import service
from kb.errors import KBError
from kb.office.saved import NO_HOME, Homes
from kb.policy.roles import ROLES
from kb.policy.scope import LEVEL_BY_NAME, LEVEL_NAMES
from kb.reports.cite import citation, location, memo_text
from kb.reports.render import escape, highlight
from kb.search.searcher import MAX_QUERY_CHARS, Filters

from .basket import basket, save_basket
from .clause_view import full_item_view, neighbours_view
from .common import deadline_badges, role_badge, target_badges, today, unit_line
from .copy import copy_button, copy_link_button
from .messages import chinese_refusal
from .session import state, user, valid_choice

RECENT_SHOWN = 5
SCOPE_CHOICES = ("全部", "国家", "省", "市", "县区")
VALIDITY_CHOICES = ("全部", "现行有效")
FILTER_KEYS = ("f_docs", "f_issuer", "f_from", "f_to", "f_has_deadline", "f_due_from", "f_due_to", "f_unit")
NO_HOME_LABEL = "（不设本级优先）"


def reset_filters() -> None:
    for key in FILTER_KEYS:
        st.session_state.pop(key, None)
    st.session_state["f_scope"] = SCOPE_CHOICES[0]
    st.session_state["f_validity"] = VALIDITY_CHOICES[0]


def document_choices(searcher) -> dict[str, str]:
    """One choice per document, not per file: a plan's text and PDF copies are one entry
    (keyed by its text source), named by its title and its files' formats."""
    index, primary = searcher.index, searcher.families.primary
    formats: dict[str, list[str]] = {}
    for d in index.docs.values():
        formats.setdefault(primary.get(d.doc_id, d.doc_id), []).append(d.format)
    return {p: f"{index.docs[p].title}（{'/'.join(sorted(set(f)))}）" for p, f in formats.items()}


DEFAULT_TOP = 8
INTRO = """输入主题或问题，找到原文条款，逐字引用并注明出处（文件、文号、条目）。
- **条款检索**：哪一条写了这件事；复制引用、加入备忘录、导出公文格式的摘录。
- **期限跟踪**：哪些任务何时到期、是否已逾期；上下级文件的同类期限对照。
- **对标对表**：上级文件的每项任务，本级规划有没有对应、时限和指标是否跟上。
- **台账**：本级规划的每项任务和指标的完成情况，规划期末的实施评估报告。
- **引文核验**、**版本对照**：核对稿件中的引文和文件名，比较规划的两个版本。
- **文件管理**：知识库中的文件及其时效，上传、修改、删除文件，设置本级（管理账号）。"""


def search_filters(searcher) -> Filters:
    index = searcher.index
    col_scope, col_valid = st.columns([3, 2])
    st.session_state.setdefault("f_scope", SCOPE_CHOICES[0])  # a link may have set it (ui.session)
    st.session_state.setdefault("f_validity", VALIDITY_CHOICES[0])
    scope = col_scope.segmented_control("范围", SCOPE_CHOICES, key="f_scope")
    validity = col_valid.segmented_control("时效", VALIDITY_CHOICES, key="f_validity")
    with st.expander("筛选条件与显示", expanded=False):
        titles = document_choices(searcher)
        valid_choice("f_docs", titles, multi=True)
        docs = st.multiselect("文件", list(titles), format_func=titles.get, key="f_docs", placeholder="全部文件")
        issuers = sorted({d.issuer for d in index.docs.values() if d.issuer})
        valid_choice("f_issuer", ["（全部）", *issuers])
        issuer = st.selectbox("发文机关", ["（全部）", *issuers], key="f_issuer")
        col1, col2 = st.columns(2)
        date_from = col1.date_input("成文日期自", value=None, key="f_from")
        date_to = col2.date_input("成文日期至", value=None, key="f_to")
        col_dl, col_role = st.columns([1, 2])
        has_deadline = col_dl.checkbox("只看有期限的条款", key="f_has_deadline")
        roles = col_role.multiselect(
            "条款性质", list(ROLES), format_func=ROLES.get, key="f_roles", placeholder="全部性质"
        )
        col3, col4 = st.columns(2)
        due_from = col3.date_input("期限自", value=None, key="f_due_from")
        due_to = col4.date_input("期限至", value=None, key="f_due_to")
        valid_choice("f_unit", ["（全部）", *index.units()])
        unit = st.selectbox("牵头或参与单位", ["（全部）", *index.units()], key="f_unit")
        # How results show, beside the filters: at 1024×768 the first hit then starts above the fold.
        col_top, col_raw = st.columns([3, 1])
        st.session_state.setdefault("top", DEFAULT_TOP)  # its value through Session State only: no warning
        col_top.slider("结果数", 3, 30, key="top")
        col_raw.toggle(
            "引用保留原样标点",
            key="raw_punct",
            help="默认在显示和引用中将中文之间的半角标点改为全角，文字不变；打开则保留原样",
        )
    levels = (LEVEL_BY_NAME[scope],) if scope and scope != SCOPE_CHOICES[0] else ()
    family = searcher.families.primary
    return Filters(
        doc_ids=tuple(d for d in index.docs if family.get(d, d) in docs),
        issuer="" if issuer == "（全部）" else issuer,
        date_from=date_from,
        date_to=date_to,
        has_deadline=has_deadline,
        due_from=due_from,
        due_to=due_to,
        unit="" if unit == "（全部）" else unit,
        levels=levels,
        in_force=validity == VALIDITY_CHOICES[1],
        as_of=today(),
        roles=tuple(roles),
    )


def home_choice(searcher) -> str:
    """The home jurisdiction for this session: the user's own (kept with their saved work), else the
    deployment's; a change is kept as the user's own."""
    path, name = st.session_state["index_path"], user().name
    homes = searcher.scopes.homes()
    options = [*homes, NO_HOME_LABEL]
    stored = service.home_for(path, name)
    start = NO_HOME_LABEL if stored == NO_HOME else (stored or searcher.home)
    default = options.index(start) if start in options else len(options) - 1
    if st.session_state.get("home") not in options:  # set through Session State only: no second default
        st.session_state["home"] = options[default]
    chosen = st.sidebar.selectbox("本级（优先显示）", options, key="home")
    if chosen != start:  # the user's own home, kept with their saved work
        Homes(path).set_own(name, NO_HOME if chosen == NO_HOME_LABEL else chosen)
    return "" if chosen == NO_HOME_LABEL else chosen


def filter_chips(filters: Filters, scope, titles: dict[str, str] | None = None) -> list[str]:
    """A label for every active filter and preference (documents by their titles, not file names)."""
    chips = list(scope.chips())
    if filters.levels:
        chips.append("范围：" + "、".join(LEVEL_NAMES[lv] for lv in filters.levels))
    named = {
        "doc_ids": "文件",
        "issuer": "发文机关",
        "date_from": "成文日期自",
        "date_to": "成文日期至",
        "due_from": "期限自",
        "due_to": "期限至",
        "unit": "单位",
        "roles": "条款性质",
    }
    for field, label in named.items():
        value = getattr(filters, field)
        if value:
            if field == "doc_ids" and titles:
                value = tuple(dict.fromkeys(titles.get(d, d) for d in value))
            if field == "roles":
                value = tuple(ROLES.get(r, r) for r in value)
            shown = "、".join(value) if isinstance(value, tuple) else str(value)
            chips.append(f"{label}：{shown}")
    if filters.has_deadline:
        chips.append("只看有期限的条款")
    if filters.in_force:
        chips.append("时效：现行有效")
    return chips


def validity_warning(searcher, clause) -> str:
    """A badge when the clause's document has expired or been replaced, naming and linking the successor."""
    v = searcher.validity(today()).get(clause.doc_id)
    if v is None or v.status == "in_force":
        return ""
    label = escape(v.label(searcher.index.docs))
    if v.successor:
        return f":orange-badge[⚠ {label}] [查看替代文件](?doc={quote(v.successor)})"
    return f":orange-badge[⚠ {label}]"


def show_hit(searcher, hit, marks) -> None:
    show_clause(searcher, hit.clause, f"**{hit.rank}.**", hit.matched_terms, marks=marks)


def show_clause(searcher, c, mark: str, terms=(), key: str = "add", marks=None) -> None:
    """A clause as a hit shows it: source, validity, text, dates and targets, units, the citation
    with 复制引用 / 复制链接 / 加入备忘录, its context, its item and (a PDF's) page. ``marks``: what the
    台账 records (``service.ledger_marks``), read once for a page of hits; read here when not given."""
    with st.container(border=True):
        number = f"（{escape(c.doc_number)}）" if c.doc_number else ""
        raw = st.session_state.get("raw_punct", False)
        shown = (lambda t: t) if raw else memo_text  # ASCII commas between Chinese folded, as citations are
        st.markdown(f"{mark} 《{escape(c.title)}》{number} &nbsp; {escape(shown(location(c)))}")
        warning = validity_warning(searcher, c)
        if warning:
            st.markdown(warning)
        st.markdown(f"<div class='clause'>{highlight(shown(c.text), terms)}</div>", unsafe_allow_html=True)
        finished, tracked = marks or service.ledger_marks(st.session_state["index_path"])
        unknown = service.unknown_fate(searcher, tracked, c, today())
        badges = " ".join(
            b for b in (role_badge(c), deadline_badges(c, today(), finished, unknown), target_badges(c)) if b
        )
        if badges:
            st.markdown(badges)
        if c.lead_units or c.partner_units:
            st.caption(unit_line(c, terms))
        cited = service.citation_links(searcher.index).resolved_by_clause.get(c.clause_id)
        if cited:  # the documents this clause names, as links to their page in 文件管理
            st.markdown("引用：" + "，".join(f"[《{escape(t)}》](?doc={quote(d)})" for t, d in cited))
        cited = citation(c, raw=st.session_state.get("raw_punct", False))
        st.code(cited, language=None, wrap_lines=True)
        # 加入备忘录 / 复制引用 (已复制) / 复制链接 each on one line at 1024 px: room for label and feedback
        col1, col2, col3, col4 = st.columns([5, 5, 5, 7])
        with col2:
            copy_button(cited)
        with col3:
            copy_link_button(c.clause_id)
        in_basket = c.clause_id in basket()
        if col1.button("已加入备忘录" if in_basket else "加入备忘录", key=f"{key}-{c.clause_id}", disabled=in_basket):
            save_basket([*basket(), c.clause_id])
            st.rerun()
        with col4.expander("上下文"):
            neighbours_view(searcher.index, c)
        with col4.expander("全文（本条目）"):
            full_item_view(searcher.index, c)
        page_preview(searcher, c)


def page_preview(searcher, clause) -> None:
    """The page image of a PDF hit, rendered on demand from the stored source file."""
    source = page_source(searcher, clause)
    if source is None:
        return
    path, page = source
    if st.toggle(f"查看原文第{page}页", key=f"page-{clause.clause_id}"):
        from ingest.ocr import page_png

        try:
            st.image(page_png(path, page - 1), caption=f"原文第{page}页", width="stretch")
        except Exception:
            st.warning("无法显示该页：原文件已移动或损坏。")


def page_source(searcher, clause) -> tuple[str, int] | None:
    """(PDF file, 1-based page) showing the clause: its own file, or its family's PDF."""
    if not clause.page:
        return None
    docs = searcher.index.docs
    for doc_id in (clause.doc_id, searcher.families.paged.get(clause.doc_id)):
        doc = docs.get(doc_id)
        if doc and doc.format == "pdf" and os.path.exists(doc.path):
            return doc.path, clause.page
    return None


def use_recent(query: str) -> None:
    st.session_state["query"] = query


def search_page(searcher) -> None:
    index = searcher.index
    linked = st.query_params.get("clause")
    if linked:
        if index.has_clause(linked):
            show_clause(searcher, index.clause(linked), "**链接条款**", key="link-add")
        else:
            st.warning("链接中的条款在当前索引中不存在（文件可能已删除或更新）。")
    query = st.text_input(
        "输入主题或问题", placeholder="例如：城里的臭水沟什么时候治理完", max_chars=MAX_QUERY_CHARS, key="query"
    )
    filters = search_filters(searcher)
    top = st.session_state.get("top", DEFAULT_TOP)
    if not query.strip():
        st.caption(f"已收录 {len(index.docs)} 份文件、{sum(d.n_clauses for d in index.docs.values())} 条条款。")
        st.markdown(INTRO)
        recent = state().recent(user().name)[:RECENT_SHOWN]
        if recent:
            st.caption("最近检索：")
            for k, (col, q) in enumerate(zip(st.columns(len(recent)), recent)):
                col.button(q[:12], key=f"recent-{k}", on_click=use_recent, args=(q,))
        return
    state().add_recent(user().name, query.strip())
    try:
        results = service.search_results(searcher, query, top=top, filters=filters, home=home_choice(searcher))
    except KBError as exc:
        st.error(escape(chinese_refusal(exc)))
        return
    chips = filter_chips(filters, results.scope, {d.doc_id: d.title for d in index.docs.values()})
    if chips:
        cols = st.columns([5, 1])
        cols[0].markdown(" ".join(f":gray-badge[{escape(c)}]" for c in chips))
        cols[1].button("清除筛选", key="reset_filters", on_click=reset_filters)
    if not results.hits:
        st.info("没有找到相关条款，请换个说法或放宽筛选条件。")
        return
    if not results.relevant:
        st.warning("没有找到直接相关的条款。以下是最接近的结果，仅供参考：")
    marks = service.ledger_marks(st.session_state["index_path"])  # once for the page, not once a hit
    for hit in results.hits:
        show_hit(searcher, hit, marks)
