"""版本对照: two versions of a plan, or a draft against a document, compared clause by clause; the
counts by kind, a filter by kind and change, the two texts side by side with the changes marked,
and the 修订对照表 to download."""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

import streamlit as st

from kb import service
from kb.compare.revisions import KIND_NAMES, char_diff
from kb.errors import KBError
from kb.reports import revision_report
from kb.reports.cite import short_name

from .common import DOCX_MIME, XLSX_MIME
from .messages import chinese_refusal
from .session import valid_choice

CHANGE_NAMES = {"target": "目标值", "date": "时限", "strength": "要求强弱", "wording": "文字", "section": "位置"}
DRAFT = "（上传的稿件）"


def revisions_page(index, user) -> None:
    # two versions of a plan share a title: the file name tells them apart
    names = {d: f"{short_name(index.docs[d])}（{d}）" for d in index.docs}
    col1, col2 = st.columns(2)
    valid_choice("v_old", list(index.docs))
    old = col1.selectbox("旧版本", list(index.docs), format_func=names.get, key="v_old")
    valid_choice("v_new", [DRAFT, *index.docs])
    options = [*index.docs, DRAFT]
    st.session_state.setdefault("v_new", service.later_version(index, old) or DRAFT)  # not merely the second file
    new = col2.selectbox("新版本", options, format_func=lambda d: names.get(d, d), key="v_new")
    draft = None
    if new == DRAFT:
        if user.role not in ("admin", "reporter"):
            st.info("上传稿件需要管理或填报账号；查阅账号可比较知识库中的两个版本。")
            return
        upload = st.file_uploader(
            "上传新版本稿件（Word、PDF、文本）", type=["docx", "pdf", "txt", "doc", "wps", "ofd"], key="v_file"
        )
        if upload is None:
            return
        draft = _parse(upload.name, upload.getvalue())
        if draft is None:
            return
    try:
        rev, body, flags = service.revision(index, old, draft or new)
    except KBError as exc:
        st.error(html.escape(chinese_refusal(exc)))
        return
    counts = body["counts"]
    cols = st.columns(5)
    for col, kind in zip(cols, KIND_NAMES):
        col.metric(KIND_NAMES[kind], counts[kind])
    if counts.get("tables_left_out"):
        st.caption(f"只有一个版本以表格形式保存的表格行（{counts['tables_left_out']} 行）属于版式差异，未计入。")
    c1, c2 = st.columns(2)
    kinds = c1.multiselect(
        "类型",
        [k for k in KIND_NAMES if k != "same"],
        format_func=KIND_NAMES.get,
        key="v_kinds",
        placeholder="全部修改",
    )
    changes = c2.multiselect(
        "修改内容", list(CHANGE_NAMES), format_func=CHANGE_NAMES.get, key="v_changes", placeholder="全部"
    )
    rows = [
        (row, out)
        for row, out in zip(rev.rows, body["rows"])
        if row.kind != "same"
        and (not kinds or row.kind in kinds)
        and (not changes or any(ch["what"] in changes for ch in row.changes))
    ]
    st.caption(f"显示 {len(rows)} 条。删除的文字加删除线，新增的文字加下划线。")
    for row, out in rows[:200]:
        with st.container(border=True):
            left, right = st.columns(2)
            marked_old, marked_new = _marked(row.old_text, row.new_text)
            where_old, where_new = (
                html.escape(x["section"] or "正文前部") if x else "无" for x in (out["old"], out["new"])
            )
            left.markdown(
                f"**原文**（{where_old}）<br>{marked_old}",
                unsafe_allow_html=True,
            )
            right.markdown(
                f"**修改后**（{where_new}）<br>{marked_new}",
                unsafe_allow_html=True,
            )
            st.caption(html.escape(f"{KIND_NAMES[row.kind]}：{out['note']}"))
    d1, d2 = st.columns(2)
    d1.download_button(
        "下载修订对照表（Word）",
        lambda: revision_report.to_docx(rev, False, flags),
        "修订对照表.docx",
        DOCX_MIME,
        key="v_docx",
    )
    d2.download_button(
        "下载修订对照表（Excel）",
        lambda: revision_report.to_xlsx(rev, False, flags),
        "修订对照表.xlsx",
        XLSX_MIME,
        key="v_xlsx",
    )


def _marked(old: str, new: str) -> tuple[str, str]:
    a, b = [], []
    for kind, text in char_diff(old, new):
        t = html.escape(text)
        if kind == "same":
            a.append(t)
            b.append(t)
        elif kind == "deleted":
            a.append(f"<del style='color:#b00020'>{t}</del>")
        else:
            b.append(f"<ins style='color:#1f6f2b'>{t}</ins>")
    return "".join(a) or "（无）", "".join(b) or "（无）"


@st.cache_data(max_entries=4, show_spinner="正在读取稿件…")
def _parse(name: str, data: bytes):
    from ingest.parse import parse

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"稿件{Path(name).suffix.lower()}"
        path.write_bytes(data)
        try:
            return parse(path)
        except KBError as exc:
            st.error(html.escape(chinese_refusal(exc)))
            return None
