"""A draft's text, from the file an official has: .txt/.md (UTF-8 or GB18030), .docx, .pdf (its text
layer), .doc/.wps. A draft is born digital: no OCR. The core reads these itself (python-docx,
pypdf, wps2md, all in requirements.txt); ingest's readers, with OCR and repairs, are for the corpus.
"""

from __future__ import annotations

import io
from pathlib import Path

from kb.errors import KBError
from kb.office.limits import check_zip

SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".doc", ".wps")
MAX_DRAFT_MB = 50


def draft_text(name: str, data: bytes) -> str:
    """The text of a draft file called ``name``.

    Raises:
        KBError: an unknown kind of file, too large, or unreadable; in Chinese, with what to send.
    """
    suffix = Path(name).suffix.lower()
    if len(data) > MAX_DRAFT_MB * 1024 * 1024:
        raise KBError(f"稿件超过 {MAX_DRAFT_MB} MB；请只上传正文")
    if suffix in (".txt", ".md", ""):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise KBError("无法识别稿件的文字编码；请另存为 UTF-8 文本或 Word 文档")
    if suffix == ".docx":
        check_zip(data, "不是 Word .docx 文件")
        import docx

        return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    if suffix == ".pdf":
        from pypdf import PdfReader

        try:
            return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
        except Exception as exc:  # pypdf's own errors for a damaged file
            raise KBError(f"无法读取 PDF 稿件（{exc.__class__.__name__}）；请上传 Word 文档") from None
    if suffix in (".doc", ".wps"):
        import wps2md

        return wps2md.parse(data).main_text
    raise KBError(f"不支持的稿件类型 {suffix}；请上传 {'、'.join(SUFFIXES)} 文件，或直接粘贴文字")
