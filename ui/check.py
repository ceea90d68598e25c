"""引文核验: paste a draft or upload it; every quotation and cited document checked against the
knowledge base, the most serious first; the draft back with a Word comment on each finding."""

from __future__ import annotations

import streamlit as st

from kb import service
from kb.errors import KBError
from kb.reports.check_report import annotated_docx, message
from kb.reports.render import escape
from kb.verify.drafts import SUFFIXES
from kb.verify.verdicts import QuoteVerdict

from .common import DOCX_MIME
from .messages import chinese_refusal

STATUS_NAMES = {
    "not_found": ("未找到原文", "red"),
    "differs": ("与原文不一致", "orange"),
    "elsewhere": ("出处不符", "orange"),
    "exact": ("一致", "green"),
    "not_in_kb": ("知识库无此文件", "gray"),
    "title_differs": ("文件名称有误", "orange"),
    "number_wrong": ("文号有误", "orange"),
    "unverifiable": ("无法核对文号", "gray"),
    "ok": ("无误", "green"),
}


def check_page(index, user) -> None:
    st.caption("粘贴稿件或上传文件：逐一核对引号中的引文和《文件名》（文号）是否与知识库原文一致。")
    text = st.text_area("稿件文字", key="c_text", height=180, placeholder="把稿件全文粘贴到这里")
    upload = None
    if user.role in ("admin", "reporter"):
        upload = st.file_uploader("或上传稿件", type=[s.lstrip(".") for s in SUFFIXES], key="c_file")
    if st.button("开始核验", key="c_run", type="primary"):
        name, data = (upload.name, upload.getvalue()) if upload is not None else ("稿件.txt", text.encode())
        if not data.strip():
            st.warning("请先粘贴稿件文字或上传文件。")
            return
        try:
            st.session_state["c_result"] = (name, data, *service.check_draft(index, name, data))
        except KBError as exc:
            st.error(escape(chinese_refusal(exc)))
            return
    if "c_result" not in st.session_state:
        return
    name, data, draft, report = st.session_state["c_result"]
    problems = report.problems()
    st.markdown(
        f"共 {len(report.quotes)} 处引文、{len(report.references)} 处文件引用；"
        + (f"**{len(problems)} 处需要核改**。" if problems else "均与知识库一致。")
    )
    shown = problems + [q for q in report.quotes if q.status == "exact"]
    for v in shown:
        label, colour = STATUS_NAMES[v.status]
        passage = v.quote.text if isinstance(v, QuoteVerdict) else v.ref.text
        with st.container(border=True):
            st.markdown(f":{colour}-badge[{label}] {escape(passage[:120])}")
            words = message(v)
            if words:
                st.caption(escape(words))
            if isinstance(v, QuoteVerdict) and v.citation and v.status != "not_found":
                st.code(v.citation, language=None, wrap_lines=True)
    st.download_button(
        "下载带批注的稿件（Word）",
        lambda: annotated_docx(name, data, draft, report),
        "引文核验.docx",
        DOCX_MIME,
        key="c_docx",
    )
