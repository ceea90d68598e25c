"""文件管理: the documents, uploads and removal."""
from __future__ import annotations

import os

import streamlit as st

from ingest.read import MAX_BINARY_MB, MAX_TEXT_MB, SUPPORTED
from kb.errors import KBError
from kb.render import escape
from kb.validity import STATUS_NAMES as VALIDITY_NAMES
from kb.validity import validities

from .common import today


def period_text(v) -> str:
    if not (v.period.start or v.period.end):
        return f"未写明（{v.period.basis}）"
    return f"{v.period.start or '…'} 至 {v.period.end or '…'}（{v.period.basis}）"


def documents_page(index, path: str) -> None:
    import pandas as pd

    from ingest.pipeline import ingest
    from ingest.uploads import add_uploads

    valid = validities(index.docs.values(), today())
    focus = st.query_params.get("doc")
    rows = [{
        "文件名": d.doc_id, "标题": d.title, "发文机关": d.issuer, "文号": d.doc_number, "成文日期": d.date,
        "施行期限": period_text(valid[d.doc_id]), "时效": VALIDITY_NAMES[valid[d.doc_id].status],
        "替代文件": index.docs[valid[d.doc_id].successor].title if valid[d.doc_id].successor else "",
        "格式": d.format, "页数": d.pages or "", "条款数": d.n_clauses,
    } for d in index.docs.values() if not focus or d.doc_id == focus]
    if focus:
        st.caption(f"只显示：{focus}")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="docs_table")
    st.subheader("添加文件")
    st.caption(f"文本文件（txt、html）每个不超过 {MAX_TEXT_MB} MB；PDF、Word、WPS、OFD 和扫描图片每个不超过 "
               f"{MAX_BINARY_MB} MB。扫描件和图片会自动识别文字（OCR），每页约 2–3 秒。")
    uploads = st.file_uploader("选择文件", type=[s.lstrip(".") for s in SUPPORTED], accept_multiple_files=True,
                               key="uploads")
    if st.button("导入", key="do-upload", disabled=not uploads):
        bar = st.progress(0.0, text="正在导入…")
        stages = {"read": "读取", "ocr": "文字识别（页）", "encode": "编码"}
        progress = lambda stage, done, total: bar.progress(min(1.0, done / max(total, 1)), text=f"{stages.get(stage, stage)} {done}/{total}")  # noqa: E731
        try:
            report, refused = add_uploads(path, [(f.name, f.getvalue()) for f in uploads], progress)
        except KBError as exc:
            st.error(str(exc))
            return
        bar.empty()
        for name, reason in refused + (report.skipped if report else []):
            st.error(f"跳过 {escape(os.path.basename(name))}：{reason}")
        if report and (report.added or report.updated):
            st.success(f"已导入 {len(report.added) + len(report.updated)} 份文件，共 {report.clauses} 条条款。")
        elif report and report.unchanged:
            st.info("文件未变化，无需重新导入。")
    st.subheader("删除文件")
    doc = st.selectbox("选择文件", ["", *index.docs], key="rm_doc", format_func=lambda d: d or "（请选择）")
    if st.button("删除", key="do-remove", disabled=not doc):
        ingest([], path, remove=[doc])
        st.success(f"已删除 {doc}")
        st.rerun()


