"""台账: every commitment of a document, its status, progress, actual values and evidence; the
evaluation report; a filled sheet imported back. Browsing needs no query."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kb import service
from kb.compare.align import Aligner
from kb.errors import KBError
from kb.office.accounts import ROLES
from kb.reports import ledger_report
from kb.reports.cite import citation
from kb.reports.render import escape
from kb.tracking.ledger import FIELD_NAMES, STATUSES, Ledger, can_update, successors

from .common import DOCX_MIME, XLSX_MIME, show_table, today
from .session import valid_choice

ALL = "（全部）"
MET_FILTER = {"全部": None, "有目标已达标": True, "有目标未达标": False}


def ledger_page(index, path: str, user) -> None:
    book = Ledger(path)
    aligner = Aligner(index)
    docs = aligner.documents()
    valid_choice("l_doc", docs)
    doc = st.selectbox("文件", docs, format_func=lambda d: index.docs[d].title, key="l_doc")
    try:
        items = book.items(index, doc)
    except KBError as exc:
        st.error(escape(str(exc)))
        return
    as_of = today()
    filtered = ledger_filters(items, as_of)
    counts = {s: sum(i.status == s for i in items) for s in STATUSES}
    cols = st.columns(len(STATUSES) + 1)
    for col, (status, n) in zip(cols, counts.items()):
        col.metric(STATUSES[status], n)
    cols[-1].metric("逾期未完成", sum(i.overdue(as_of) for i in items))
    if not items:
        st.info("这份文件中没有带期限或目标的任务。")
        return
    completion_charts(items)
    show_table(
        ledger_table(filtered, as_of),
        hide_index=True,
        width="stretch",
        key="ledger_table",
        column_config={"任务内容": st.column_config.TextColumn(width="large")},
    )
    if filtered:
        carried = successors(index, doc, filtered, as_of)
        item_view(index, book, filtered, user, as_of, carried)
    title = index.docs[doc].title
    col1, col2 = st.columns(2)
    col1.download_button(
        "下载台账 Excel", lambda: ledger_report.to_xlsx(items, title), "台账.xlsx", XLSX_MIME, key="dl-ledger-xlsx"
    )
    if col2.button("生成实施评估报告（Word）", key="make-eval"):
        carried = successors(index, doc, items, as_of)
        st.session_state["eval_docx"] = ledger_report.evaluation_docx(items, title, as_of, carried)
    if st.session_state.get("eval_docx"):
        col2.download_button(
            "下载实施评估报告", st.session_state["eval_docx"], "实施评估.docx", DOCX_MIME, key="dl-ledger-docx"
        )
    if user.is_admin:  # the door takes uploads from admins only; the others are told so, not refused
        import_section(index, book, items, user)
    else:
        st.caption(f"{ROLES.get(user.role, user.role)}账号在本页逐项填报；整表导入请交管理员。")


def ledger_filters(items, as_of: dt.date):
    units = sorted({u for i in items for u in (*i.lead_units, *i.partner_units)})
    col1, col2, col3, col4 = st.columns(4)
    valid_choice("l_unit", [ALL, *units])
    unit = col1.selectbox("牵头或配合单位", [ALL, *units], key="l_unit")
    statuses = col2.multiselect(
        "完成状态", list(STATUSES), format_func=STATUSES.get, key="l_status", placeholder="全部状态"
    )
    met = col3.selectbox("目标达成", list(MET_FILTER), key="l_met")
    overdue = col4.checkbox("只看逾期未完成", key="l_overdue")
    return service.ledger_rows(items, "" if unit == ALL else unit, statuses, overdue, as_of, MET_FILTER[met])


def ledger_table(items, as_of: dt.date):
    import pandas as pd

    rows = []
    for n, i in enumerate(items, 1):
        row = ledger_report.table_row(n, i)
        rows.append(
            {
                "逾期": "逾期" if i.overdue(as_of) else "",
                **{
                    k: row[k]
                    for k in ("完成状态", "任务内容", "牵头单位", "配合单位", "完成时限", "进展情况", "实际值")
                },
                "提示": "；".join(i.flags),
                "台账编号": i.item_id,
            }
        )
    return pd.DataFrame(rows)


def completion_charts(items) -> None:
    """Completion rate per lead unit and per chapter (finished = 已完成 or 不再适用)."""
    import altair as alt
    import pandas as pd

    def rates(key):
        groups: dict[str, list] = {}
        for i in items:
            for name in key(i) or ("（未写明）",):
                groups.setdefault(name, []).append(i.status in ("done", "not_applicable"))
        return pd.DataFrame([{"名称": k, "完成率": sum(v) / len(v), "任务数": len(v)} for k, v in groups.items()])

    col1, col2 = st.columns(2)
    for col, frame, label in (
        (col1, rates(lambda i: i.lead_units), "牵头单位"),
        (col2, rates(lambda i: (i.chapter,)), "章节"),
    ):
        chart = (
            alt.Chart(frame)
            .mark_bar()
            .encode(
                x=alt.X("完成率:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
                y=alt.Y("名称:N", sort="-x", title=label),
                tooltip=["名称", alt.Tooltip("完成率:Q", format=".0%"), "任务数"],
            )
        )
        col.altair_chart(chart, width="stretch")


def item_view(index, book: Ledger, items, user, as_of: dt.date, carried: dict) -> None:
    valid_choice("l_item", [i.item_id for i in items])
    pick = st.selectbox(
        "查看任务",
        [i.item_id for i in items],
        key="l_item",
        format_func=lambda k: next(f"{i.item_id} · {i.text[:36]}" for i in items if i.item_id == k),
    )
    item = next(i for i in items if i.item_id == pick)
    if item.flags:
        st.warning(escape("；".join(item.flags)))
    if item.clause is not None:
        st.code(citation(item.clause), language=None, wrap_lines=True)
        context = index.neighbours(item.clause, 1, 1)
        st.caption(escape(" … ".join(c.text for c in context if c.clause_id != item.clause_id)))
    else:
        st.code(item.text, language=None, wrap_lines=True)
    if item.item_id in carried:
        st.info(escape(f"接续规划中的对应条款：{citation(carried[item.item_id])}"))
    with st.expander(f"修改记录（{len(item.history)}）"):
        for h in reversed(item.history):
            st.caption(
                escape(
                    f"{h['at']} {h['user']}：{FIELD_NAMES.get(h['field'], h['field'])} "
                    f"{h['old'] or '（空）'} → {h['new']}"
                )
            )
    for e in item.evidence:
        st.caption(escape("佐证材料：" + (e.get("url") or f"{e.get('name', '')}（SHA-256 {e['sha256'][:16]}…）")))
    if not can_update(user, item):
        st.caption(f"{ROLES.get(user.role, user.role)}账号只能查看这项任务。")
        return
    with st.form(f"ledger_form_{item.item_id}"):
        status = st.selectbox(
            "完成状态", list(STATUSES), index=list(STATUSES).index(item.status), format_func=STATUSES.get
        )
        progress = st.text_area("进展情况", item.record.get("progress", ""))
        done_on = st.date_input(
            "完成日期",
            value=dt.date.fromisoformat(item.record["done_on"]) if item.record.get("done_on") else None,
            format="YYYY-MM-DD",
        )
        actuals = {}
        for t in item.targets:
            current = item.actuals.get(t.indicator, {})
            c1, c2 = st.columns(2)
            value = c1.text_input(f"实际值：{t.indicator}（目标 {t.text}）", str(current.get("value", "")))
            year = c2.text_input(
                "年份", str(current.get("year") or as_of.year - 1), key=f"y-{item.item_id}-{t.indicator}"
            )
            if value.strip():
                actuals[t.indicator] = (value, year)
        link = st.text_input("佐证材料链接（可选）")
        saved = st.form_submit_button("保存")
    if saved:
        changes = {"status": status, "progress": progress}
        if done_on:
            changes["done_on"] = done_on.isoformat()
        try:
            if actuals:
                changes["actuals"] = {k: {"value": v, "year": y.strip() or None} for k, (v, y) in actuals.items()}
            if link.strip():
                changes["evidence"] = [{"url": link.strip()}]
            book.update(index, item.item_id, user, changes)
        except (KBError, ValueError) as exc:
            st.error(escape(f"未保存：{exc}"))
            return
        st.rerun()


def import_section(index, book: Ledger, items, user) -> None:
    st.subheader("导入各单位填报的台账")
    uploaded = st.file_uploader("选择填好的台账 Excel", type=["xlsx"], key="l_import")
    if not uploaded:
        return
    try:
        plan = ledger_report.plan_import(
            items, ledger_report.read_xlsx(uploaded.getvalue()), lambda i: can_update(user, i)
        )
    except KBError as exc:
        st.error(escape(str(exc)))
        return
    for row, text in plan.unmatched:
        st.warning(escape(f"第 {row} 行没有对应的任务：{text}"))
    for row, reason in plan.refused:
        st.error(escape(f"第 {row} 行未导入：{reason}"))
    if not plan.changes:
        st.info("没有需要更新的内容。")
        return
    import pandas as pd

    show_table(
        pd.DataFrame(
            [
                {"台账编号": i, "字段": FIELD_NAMES.get(f, f), "原值": str(o or ""), "新值": str(n)}
                for i, f, o, n in plan.shown
            ]
        ),
        hide_index=True,
        width="stretch",
        key="l_preview",
    )
    if st.button(f"确认导入 {len(plan.changes)} 项", key="l_apply", type="primary"):
        for item_id, changes in plan.changes.items():
            book.update(index, item_id, user, changes)
        st.success(f"已导入 {len(plan.changes)} 项。")
