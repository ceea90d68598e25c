"""台账: every commitment of a document, its status, progress, actual values and evidence; the
evaluation report; a filled sheet imported back. Browsing needs no query."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kb import service
from kb.compare.align import Aligner
from kb.errors import KBError
from kb.office.accounts import ROLES
from kb.office.audit import beijing_time
from kb.policy.indicators import missing_indicator_table
from kb.policy.units import matches_unit
from kb.reports import ledger_report
from kb.reports.cite import citation
from kb.reports.render import escape
from kb.tracking.ledger import EVIDENCE_SUFFIXES, FIELD_NAMES, FINISHED, STATUSES, Ledger, can_update, successors

from .common import DOCX_MIME, XLSX_MIME, show_table, today
from .messages import chinese_refusal
from .session import valid_choice

ALL = "（全部）"
MET_FILTER = {"全部": None, "有目标已达标": True, "有目标未达标": False}


def ledger_page(index, path: str, user) -> None:
    book = Ledger(path)
    aligner = Aligner(index)
    docs = aligner.documents()
    valid_choice("l_doc", docs)
    home = service.opening_plan(index, path, user.name)
    if "l_doc" not in st.session_state and home in docs:  # opens on the home's own plan
        st.session_state["l_doc"] = home
    doc = st.selectbox("文件", docs, format_func=lambda d: index.docs[d].title, key="l_doc")
    try:
        items = book.items(index, doc)
    except KBError as exc:
        st.error(escape(chinese_refusal(exc)))
        return
    as_of = today()
    missing = missing_indicator_table(index.clauses_of(doc))
    if missing and not any(i.from_table for i in items):
        st.info(
            escape(f"文件写明“{missing[:60]}”，但知识库中没有这张指标表（原文中可能是图片）。")
            + (
                "管理员可在下方“导入规划指标表”中导入，导入后逐项评判。"
                if user.is_admin
                else "请管理员导入规划指标表。"
            )
        )
    filtered = ledger_filters(items, as_of, user)
    counts = {s: sum(i.status == s for i in items) for s in STATUSES}
    cols = st.columns(len(STATUSES) + 1)
    for col, (status, n) in zip(cols, counts.items()):
        col.metric(STATUSES[status], n)
    ended = doc in service.ended_documents(index, as_of)
    passed = sum(i.due_passed(as_of, ended) for i in items)
    late = sum(i.overdue(as_of) for i in items) - passed
    cols[-1].metric("逾期", late, help="逾期未完成的任务数（台账有记录的）")  # fits at 1024 px
    if passed:
        st.caption(
            f"另有 {passed} 项已到期：规划实施期已结束，台账尚无记录（未填报进展或状态），不计为逾期。"
            "填报后按实际完成情况显示。"
        )
    if not items:
        st.info("这份文件中没有带期限或目标的任务。")
        return
    completion_charts(items)
    show_table(
        ledger_table(filtered, as_of, ended),
        {STATUSES[s]: ledger_report.STATUS_COLOURS[s] for s in STATUSES},
        "完成状态",
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
    if user.is_admin or user.role == "reporter":  # the door takes uploads from these two roles
        import_section(index, book, items, user)
    if user.is_admin:
        units_section(index, path, items, user)
        indicator_section(index, path, doc, user)


def ledger_filters(items, as_of: dt.date, user=None):
    units = sorted({u for i in items for u in (*i.lead_units, *i.partner_units)})
    col1, col2, col3, col4 = st.columns(4)
    valid_choice("l_unit", [ALL, *units])
    if user is not None and user.role == "reporter" and "l_unit" not in st.session_state:
        own = [u for u in units if matches_unit(u, user.units) or any(matches_unit(r, (u,)) for r in user.units)]
        if own:  # a reporter's 台账 opens on its unit's items
            st.session_state["l_unit"] = own[0]
    unit = col1.selectbox("牵头或配合单位", [ALL, *units], key="l_unit")
    statuses = col2.multiselect(
        "完成状态", list(STATUSES), format_func=STATUSES.get, key="l_status", placeholder="全部状态"
    )
    met = col3.selectbox("目标达成", list(MET_FILTER), key="l_met")
    overdue = col4.checkbox("只看到期未完成", key="l_overdue", help="期限已过、尚未完成：逾期的和已到期未填报的")
    return service.ledger_rows(items, "" if unit == ALL else unit, statuses, overdue, as_of, MET_FILTER[met])


def ledger_table(items, as_of: dt.date, ended: bool = False):
    """The page's 台账 table; ``ended``: the plan's period has ended (an unrecorded past date is 已到期)."""
    import pandas as pd

    rows = []
    for n, i in enumerate(items, 1):
        row = ledger_report.table_row(n, i)
        rows.append(
            {
                "逾期": "已到期" if i.due_passed(as_of, ended) else "逾期" if i.overdue(as_of) else "",
                **{
                    k: row[k]
                    # status, task, lead, progress and value first: at 1024 px the rest scrolls
                    for k in ("完成状态", "任务内容", "牵头单位", "进展情况", "实际值", "完成时限", "配合单位")
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
                groups.setdefault(name, []).append(i.status in FINISHED)
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
                    f"{beijing_time(h['at'])}（北京时间） {h['user']}：{FIELD_NAMES.get(h['field'], h['field'])} "
                    f"{shown_value(h['old']) or '（空）'} → {shown_value(h['new'])}"
                )
            )
    for k, e in enumerate(item.evidence):
        if e.get("url"):
            st.caption(escape(f"佐证材料：{e['url']}"))
            continue
        try:
            name, data = book.evidence_file(item, e["sha256"])
        except KBError:
            st.caption(escape(f"佐证材料：{e.get('name', '')}（文件已不在）"))
            continue
        st.download_button(f"下载佐证材料：{name}", data, name, key=f"ev-{item.item_id}-{k}")
    if not can_update(user, item):
        lead = "、".join(item.lead_units) or "牵头单位"
        st.caption(
            escape(
                f"{ROLES.get(user.role, user.role)}账号只能查看这项任务；如需更新，请联系{lead}的填报账号或管理账号。"
            )
        )
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
        evidence = st.file_uploader(
            "上传佐证材料（验收报告等，可选）",
            type=[s.lstrip(".") for s in EVIDENCE_SUFFIXES],
            key=f"ev-up-{item.item_id}",
        )
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
            if evidence is not None:
                changes["evidence"] = [
                    *changes.get("evidence", []),
                    book.add_evidence(evidence.name, evidence.getvalue()),
                ]
            book.update(index, item.item_id, user, changes)
        except (KBError, ValueError) as exc:
            st.error(escape(f"未保存：{chinese_refusal(exc)}"))
            return
        st.rerun()


def shown_value(value) -> str:
    """A recorded value as an office reads it: status names, 指标=值@年份, units joined by 、."""
    if isinstance(value, str):
        return STATUSES.get(value, value)
    if isinstance(value, list):
        return "、".join(shown_value(v) for v in value)
    if isinstance(value, dict):
        if "value" in value:
            return f"{value['value']}" + (f"（{value['year']}年）" if value.get("year") else "")
        if "url" in value or "sha256" in value:
            return value.get("url") or value.get("name", "")
        return "；".join(f"{k}={shown_value(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def import_section(index, book: Ledger, items, user) -> None:
    st.subheader("导入各单位填报的台账")
    if st.session_state.get("l_imported"):
        st.success(st.session_state.pop("l_imported"))
    st.caption(
        "先“下载台账 Excel”，按其中“填写说明”填写后上传；先预览，确认后导入。"
        + ("" if user.is_admin else "只会导入本单位的任务。")
    )
    uploaded = st.file_uploader(
        "选择填好的台账 Excel", type=["xlsx"], key=f"l_import_{st.session_state.get('l_import_round', 0)}"
    )
    if not uploaded:
        return
    try:
        plan = ledger_report.plan_import(
            items, ledger_report.read_xlsx(uploaded.getvalue()), lambda i: can_update(user, i)
        )
    except KBError as exc:
        st.error(escape(chinese_refusal(exc)))
        return
    for row, text in plan.unmatched:
        st.warning(escape(f"第 {row} 行没有对应的任务（请勿改动台账编号和任务内容）：{text}"))
    for row, reason in plan.refused:
        st.error(escape(f"第 {row} 行未导入：{reason}"))
    if not plan.changes:
        st.info("没有需要更新的内容。")
        return
    import pandas as pd

    show_table(
        pd.DataFrame(
            [
                {"台账编号": i, "字段": FIELD_NAMES.get(f, f), "原值": shown_value(o), "新值": shown_value(n)}
                for i, f, o, n in plan.shown
            ]
        ),
        hide_index=True,
        width="stretch",
        key="l_preview",
    )
    if st.button(f"确认导入 {len(plan.changes)} 项", key="l_apply", type="primary"):
        failed = []
        for item_id, changes in plan.changes.items():
            try:
                book.update(index, item_id, user, changes)
            except KBError as exc:
                failed.append(f"{item_id}：{exc}")
        applied = len(plan.changes) - len(failed)
        st.session_state["l_imported"] = f"已导入 {applied} 项。" + ("未导入：" + "；".join(failed) if failed else "")
        st.session_state["l_import_round"] = st.session_state.get("l_import_round", 0) + 1  # an empty uploader
        st.rerun()  # the table above shows the new values at once


def units_section(index, path: str, items, user) -> None:
    """An admin sets 牵头/配合单位 of one item, several, or a whole chapter at once."""
    with st.expander("分配牵头单位和配合单位"):
        chapters = sorted(
            {ledger_report.chapter_name(i) for i in items},
            key=lambda c: [i.chapter for i in items if ledger_report.chapter_name(i) == c][0],
        )
        chapter = st.selectbox("按章节选择", ["（逐项选择）", *chapters], key="u_chapter")
        if chapter == "（逐项选择）":
            chosen = st.multiselect(
                "任务",
                [i.item_id for i in items],
                key="u_items",
                format_func=lambda k: next(f"{i.item_id} · {i.text[:30]}" for i in items if i.item_id == k),
                placeholder="选择一项或多项任务",
            )
        else:
            chosen = [i.item_id for i in items if ledger_report.chapter_name(i) == chapter]
            st.caption(f"将分配本章全部 {len(chosen)} 项任务。")
        known = service.known_units(index, path)
        lead = st.multiselect("牵头单位", known, key="u_lead", placeholder="从已有单位中选择")
        new_lead = st.text_input("或输入新的牵头单位（多个用顿号分隔）", key="u_lead_new")
        partner = st.multiselect("配合单位", known, key="u_partner", placeholder="从已有单位中选择")
        new_partner = st.text_input("或输入新的配合单位（多个用顿号分隔）", key="u_partner_new")
        if st.button("保存单位", key="u_save"):
            split = lambda text: [
                u.strip() for u in text.replace(",", "、").replace("，", "、").split("、") if u.strip()
            ]
            try:
                n = service.assign_units(
                    index, path, chosen, [*lead, *split(new_lead)], [*partner, *split(new_partner)], user
                )
            except KBError as exc:
                st.error(escape(chinese_refusal(exc)))
                return
            st.session_state["l_imported"] = f"已为 {n} 项任务分配单位。"
            st.rerun()


def indicator_section(index, path: str, doc: str, user) -> None:
    """An admin imports the plan's indicator table (XLSX or pasted) as its targets."""
    with st.expander("导入规划指标表"):
        st.caption(
            "表头：指标、单位、基期值、目标值、属性（约束性/预期性）、年份。可上传 Excel，或从 Word 复制表格粘贴。"
        )
        sheet = st.file_uploader("指标表 Excel", type=["xlsx"], key="i_sheet")
        pasted = st.text_area("或粘贴表格（每行一项，单元格之间用制表符或 | 分隔）", key="i_paste")
        if st.button("导入指标表", key="i_import"):
            data = sheet.getvalue() if sheet is not None else pasted
            try:
                refused = service.import_indicator_table(index, path, doc, data, user)
            except KBError as exc:
                st.error(escape(chinese_refusal(exc)))
                return
            for reason in refused:
                st.warning(escape(reason))
            st.session_state["l_imported"] = "已导入规划指标表。"
            st.rerun()
