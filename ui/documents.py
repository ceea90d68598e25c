"""文件管理: the documents, uploads and removal."""

from __future__ import annotations

import os

import streamlit as st

from ingest.read import MAX_BINARY_MB, MAX_TEXT_MB, SUPPORTED
from ingest.reasons import in_chinese
from kb import service
from kb.errors import KBError
from kb.office.audit import ACTION_NAMES, beijing_time, tail
from kb.office.audit import count as audit_count
from kb.office.audit import summary as audit_summary
from kb.policy.scope import LEVEL_NAMES, UNKNOWN
from kb.policy.validity import STATUS_NAMES as VALIDITY_NAMES
from kb.policy.validity import validities
from kb.reports.render import escape

from .common import show_table, today

UNKNOWN_LEVEL = LEVEL_NAMES[UNKNOWN]  # 未知: offered only for a document whose level is unknown
FORMAT_NAMES = {
    "txt": "文本",
    "pdf": "PDF",
    "docx": "Word",
    "doc": "Word 97",
    "wps": "WPS",
    "ofd": "OFD",
    "html": "网页",
    "image": "图片",
}


def period_text(v) -> str:
    if not (v.period.start or v.period.end):
        return f"未写明（{v.period.basis}）"
    return f"{v.period.start or '…'} 至 {v.period.end or '…'}（{v.period.basis}）"


def documents_page(index, path: str, user) -> None:
    import pandas as pd

    message = st.session_state.pop("doc_message", None)
    if message:
        getattr(st, message[0])(message[1])
    for kind, text in st.session_state.pop("upload_problems", []):
        getattr(st, kind)(text)
    if user.is_admin:
        fill_missing(index, path, user)
    valid = validities(index.docs.values(), today())
    focus = st.query_params.get("doc")
    rows = [
        {  # what tells a document's txt and PDF copies apart (格式, 文件名) right after its title
            "标题": d.title,
            "格式": FORMAT_NAMES.get(d.format, d.format),
            "文件名": d.doc_id,
            "层级": LEVEL_NAMES.get(d.level, "未知"),
            "时效": VALIDITY_NAMES[valid[d.doc_id].status],
            "成文日期": d.date,
            "发文机关": d.issuer,
            "文号": d.doc_number,
            "施行期限": period_text(valid[d.doc_id]),
            "替代文件": index.docs[valid[d.doc_id].successor].title if valid[d.doc_id].successor else "",
            "条款数": d.n_clauses,
            "页数": str(d.pages or ""),
        }
        for d in index.docs.values()
        if not focus or d.doc_id == focus
    ]
    if focus:
        st.caption(escape(f"只显示：{focus}"))
    show_table(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        key="docs_table",
        column_config={"标题": st.column_config.TextColumn(width="large")},
    )
    citations_section(index, focus)
    if user.is_admin:
        home_section(index, path, user)
        upload_section(index, path, user)
        edit_section(index, path, user)
        remove_section(index, path, user)
    else:
        st.caption(
            "查阅账号可以检索、引用、整理备忘录、查看期限和对标对表；添加、删除和修改文件、设置本级需要管理账号。"
        )
    audit_section(path)


def home_section(index, path: str, user) -> None:
    """The deployment's home jurisdiction (本级): set by an admin, audited; users may choose their own."""
    st.subheader("本级（默认优先显示的地区）")
    places = service.homes(index)
    current = service.home_for(path) or ""
    options = ["（按文件自动判断）", *places]
    chosen = st.selectbox(
        "本单位所在地区",
        options,
        index=options.index(current) if current in options else 0,
        key="deployment_home",
        help="检索时同分条款优先显示本级文件；对标对表和台账默认打开本级规划。上传其他地区的文件不会改变它。",
    )
    if st.button("保存本级设置", key="save_home"):
        service.set_deployment_home(path, "" if chosen == options[0] else chosen, user)
        st.session_state["doc_message"] = ("success", f"本级已设为：{chosen}")
        st.rerun()


def upload_section(index, path: str, user) -> None:
    from ingest.uploads import add_uploads, safe_filename

    st.subheader("添加文件")
    st.caption(
        f"文本文件（txt、html）每个不超过 {MAX_TEXT_MB} MB；PDF、Word、WPS、OFD 和扫描图片每个不超过 "
        f"{MAX_BINARY_MB} MB。扫描件和图片会自动识别文字（OCR），每页约 2–3 秒。"
    )
    round_ = st.session_state.get("upload_round", 0)  # a new key after each import: the uploader starts empty
    uploads = st.file_uploader(
        "选择文件", type=[s.lstrip(".") for s in SUPPORTED], accept_multiple_files=True, key=f"uploads-{round_}"
    )
    clashes = []
    for f in uploads or []:
        try:
            name = safe_filename(f.name)
        except KBError:
            continue
        if name in index.docs:
            clashes.append(f"《{index.docs[name].title}》（{name}）")
    replace = False
    if clashes:
        st.warning(escape("知识库中已有同名文件：" + "、".join(clashes) + "。导入将替换原文件及其条款。"))
        replace = st.checkbox("确认替换同名文件", key="upload_replace")
    if not st.button("导入", key="do-upload", disabled=not uploads):
        return
    bar = st.progress(0.0, text=f"正在检查 {len(uploads)} 个文件…")
    stages = {"check": "检查文件", "read": "读取", "ocr": "文字识别（页）", "encode": "编码"}
    progress = lambda stage, done, total: bar.progress(
        min(1.0, done / max(total, 1)), text=f"{stages.get(stage, stage)} {done}/{total}"
    )
    try:
        report, refused = add_uploads(
            path,
            [(f.name, f.getvalue()) for f in uploads],
            progress,
            user=user.name,
            existing={d.doc_id: d.sha256 for d in index.docs.values()},
            replace=replace,
        )
    except KBError as exc:
        st.error(in_chinese(str(exc)))
        return
    bar.empty()
    st.session_state["upload_round"] = round_ + 1
    problems = [
        ("error", f"跳过 {escape(os.path.basename(name))}：{in_chinese(reason)}")
        for name, reason in refused + (report.skipped if report else [])
    ]
    if report and report.unchanged:
        problems.append(("info", escape(f"文件未变化，无需重新导入：{'、'.join(report.unchanged)}")))
    st.session_state["upload_problems"] = problems
    if report and (report.added or report.updated):
        st.session_state["doc_message"] = (
            "success",
            f"已导入 {len(report.added) + len(report.updated)} 份文件，共 {report.new_clauses} 条条款。",
        )
        st.session_state["doc_fill"] = [str(p) for p in report.added + report.updated]
    st.rerun()  # the list shows the new document at once, the uploader is empty again


def missing_fields(d) -> list[str]:
    """What an upload's own text did not say: 发文机关, 成文日期, 层级."""
    return [
        name
        for name, empty in (("发文机关", not d.issuer), ("成文日期", not d.date), ("层级", d.level == UNKNOWN))
        if empty
    ]


def fill_missing(index, path: str, user) -> None:
    """Right after an upload: ask for the issuer, date and level its text did not give."""
    added = set(st.session_state.get("doc_fill", []))
    todo = [d for d in index.docs.values() if d.path in added and missing_fields(d)]
    if not todo:
        st.session_state.pop("doc_fill", None)
        return
    d = todo[0]
    st.warning(
        escape(f"《{d.title}》（{d.doc_id}）中没有读到：{'、'.join(missing_fields(d))}。请补充，以便按层级检索和对标。")
    )
    if metadata_form(d, path, user, key=f"fill-{d.doc_id}", submit="保存并继续"):
        return
    if st.button("暂不补充", key=f"skip-{d.doc_id}"):
        st.session_state["doc_fill"] = [p for p in added if p != d.path]
        st.rerun()


def choose_document(index, key: str) -> str:
    """A document picked by its title (its file name beside it); "" until one is picked."""
    return st.selectbox(
        "选择文件",
        ["", *index.docs],
        key=key,
        format_func=lambda d: f"{index.docs[d].title}（{d}）" if d else "（请选择）",
    )


def edit_section(index, path: str, user) -> None:
    st.subheader("修改文件信息")
    doc_id = choose_document(index, "edit_doc")
    if not doc_id:
        return
    metadata_form(index.docs[doc_id], path, user, key="edit_form", submit="保存")


def metadata_form(d, path: str, user, key: str, submit: str) -> bool:
    """The form that corrects one document's title, issuer, 文号, date and level; True once saved."""
    from ingest.edit import edit_metadata

    doc_id = d.doc_id
    with st.form(key):
        title = st.text_input("标题", d.title)
        issuer = st.text_input("发文机关", d.issuer)
        number = st.text_input("文号", d.doc_number)
        date = st.text_input("成文日期（如 2023-08-08）", d.date)
        levels = [LEVEL_NAMES[k] for k in range(4)] + ([] if d.level < 4 else [UNKNOWN_LEVEL])
        level = st.selectbox("层级", levels, index=d.level if d.level < 4 else 4)  # unknown stays unknown
        saved = st.form_submit_button(submit)
    if saved:
        current = {
            "title": d.title,
            "issuer": d.issuer,
            "doc_number": d.doc_number,
            "date": d.date,
            "level": LEVEL_NAMES.get(d.level, UNKNOWN_LEVEL),
        }
        edited = {"title": title, "issuer": issuer, "doc_number": number, "date": date, "level": level}
        changes = {k: v for k, v in edited.items() if v != current[k]}
        try:
            edit_metadata(path, doc_id, changes, user.name)
        except KBError as exc:
            st.error(escape(in_chinese(str(exc))))
            return False
        st.session_state["doc_message"] = ("success", escape(f"已更新《{title}》的文件信息。"))
        st.rerun()
    return False


def remove_section(index, path: str, user) -> None:
    from ingest.pipeline import ingest

    st.subheader("删除文件")
    doc = choose_document(index, "rm_doc")
    if not doc:
        return
    st.warning(
        escape(
            f"将从知识库中删除《{index.docs[doc].title}》（{doc}）及其 {index.docs[doc].n_clauses} 条条款；"
            "上传的原文件一并删除，审计记录保留。"
        )
    )
    if st.button("确认删除", key="do-remove", type="primary"):
        ingest([], path, remove=[doc], user=user.name)
        st.session_state["doc_message"] = ("success", escape(f"已删除《{index.docs[doc].title}》（{doc}）。"))
        st.session_state.pop("rm_doc", None)
        st.rerun()


AUDIT_PAGE = 200  # audit lines a page


def audit_section(path: str) -> None:
    import pandas as pd

    total = audit_count(path)
    with st.expander(f"审计记录（{total} 条）"):
        if not total:
            st.caption("还没有记录。")
            return
        pages = max(1, -(-total // AUDIT_PAGE))
        page = (
            st.number_input(f"页（每页 {AUDIT_PAGE} 条，最新在前）", 1, pages, 1, key="audit_page") if pages > 1 else 1
        )
        log = tail(path, AUDIT_PAGE, (page - 1) * AUDIT_PAGE)  # read from the file's end, never the whole log
        show_table(
            pd.DataFrame(
                [
                    {
                        "时间（北京时间）": beijing_time(e.get("time", "")),
                        "用户": e.get("user", ""),
                        "操作": ACTION_NAMES.get(e.get("action", ""), e.get("action", "")),
                        "文件": e.get("file", ""),
                        "SHA-256": e.get("sha256", "")[:16],
                        "说明": audit_summary(e),
                    }
                    for e in log
                ]
            ),
            hide_index=True,
            width="stretch",
            key="audit_table",
        )


def citations_section(index, focus: str | None) -> None:
    """Who cites a document (被引用, with the citing clauses), what it cites, and the titles it cites
    that the knowledge base does not hold: the documents an office might add next."""
    from kb import service
    from kb.reports.cite import citation

    links = service.citation_links(index)
    family = service.library_of(index).family
    docs = [family(focus)] if focus and focus in index.docs else sorted({family(d) for d in index.docs})
    resolved, unresolved = links.counts()
    with st.expander(f"文件之间的引用（已关联 {resolved} 处，知识库未收录 {unresolved} 处）", expanded=bool(focus)):
        for d in docs:
            cited_by, cites = links.cited_by.get(d, {}), links.cites.get(d, {})
            missing = links.unresolved.get(d, {})
            if not (cited_by or cites or missing):
                continue
            st.markdown(f"**《{escape(index.docs[d].title)}》**")
            for other, ids in cited_by.items():
                st.caption(escape(f"被引用：《{index.docs[other].title}》{len(ids)} 处"))
                for cid in ids[:3]:
                    st.code(citation(index.clause(cid)), language=None, wrap_lines=True)
            for other, ids in cites.items():
                st.caption(escape(f"引用：《{index.docs[other].title}》{len(ids)} 处"))
            if missing:
                st.caption(escape("引用但知识库未收录：" + "、".join(f"《{t}》" for t in missing)))
