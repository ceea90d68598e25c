"""The reasons a file is skipped, in Chinese for the app (the CLI keeps its English contract).

Each reader's reason is matched by a pattern; the figures it names are carried over.
"""

from __future__ import annotations

import re

# (pattern on the English reason, Chinese template using the pattern's groups)
TRANSLATIONS = (
    (r"^empty file", "空文件"),
    (r"^too large \((?P<size>[\d.]+) MB > (?P<limit>[\d.]+) MB limit\)", "文件过大（{size} MB，上限 {limit} MB）"),
    (r"^unsupported file type (?P<ext>\S+)", "不支持的文件类型 {ext}"),
    (r"^unreadable encoding", "无法识别的文字编码（不是 UTF-8 或 GB18030 文本）"),
    (r"^not a PDF \(the file is a Word/zip file named \.pdf\)", "不是 PDF 文件（实为改了扩展名的 Word/zip 文件）"),
    (r"^not a PDF", "不是 PDF 文件"),
    (r"^encrypted PDF", "PDF 已加密：请另存一份未加密的副本再添加"),
    (r"^corrupt PDF", "PDF 文件已损坏"),
    (
        r"^too many pages to OCR \((?P<n>\d+) > (?P<limit>\d+)\)",
        "需识别的页数过多（{n} 页，上限 {limit} 页）：请拆分文件",
    ),
    (
        r"^too many pages for OCR \((?P<n>\d+) > (?P<limit>\d+)\)",
        "需识别的页数过多（{n} 页，上限 {limit} 页）：请拆分文件",
    ),
    (r"^too many pages \((?P<n>\d+) > (?P<limit>\d+)\)", "页数过多（{n} 页，上限 {limit} 页）"),
    (r"^no text layer", "扫描件中没有识别出文字"),
    (r"^OCR took longer than (?P<s>\d+) s", "文字识别超过 {s} 秒：请拆分文件后分别添加"),
    (r"^no text found: a blank page", "空白页：没有识别出文字"),
    (r"^not a document: OCR found no text", "不是文件图片：没有识别出文字"),
    (r"^not a document: OCR found too little Chinese text \((?P<n>\d+)", "不像公文：只识别出 {n} 个汉字"),
    (r"^image too large \((?P<size>[^)]*?) pixels", "图片过大（{size} 像素）"),
    (r"^not a readable image", "无法读取的图片文件"),
    (r"^corrupt OFD", "OFD 文件已损坏"),
    (r"^OFD with no text", "OFD 文件中没有文字（页面只有矢量轮廓或图片）"),
    (r"^password-protected Word file", "Word 文件有密码保护：请另存一份无密码的副本再添加"),
    (r"^unreadable Word/WPS file", "无法读取的 Word/WPS 文件"),
    (r"^not a Word \.docx file", "不是 Word .docx 文件"),
    (r"^no text to index", "文件中没有可索引的条款"),
    (r"^same file name as", "与已有文件同名：请改名后再添加"),
    (r"^another file of this batch has the same name", "同一批中有两个同名文件：请改名后再添加"),
    (r"^a document of this name is in the knowledge base", "知识库中已有同名文件：请确认替换，或改名后再添加"),
    (r"^unpacks to (?P<big>\d+) MB", "文件解压后过大（{big} MB），疑似压缩炸弹，已拒绝"),
    (r"^damaged or not a (?P<ext>\S+) file", "文件已损坏，或不是 {ext} 文件"),
    (r"^cannot open", "无法打开文件"),
    (r"^cannot read the date '(?P<date>[^']*)'", "无法识别日期“{date}”：请写成 2023-08-08 的形式"),
    (r"^unknown level '(?P<level>[^']*)'", "未知的层级“{level}”：请选择 国家、省、市 或 县区"),
    (r"^cannot add .*: use a", "不支持的文件类型"),
    (r"^no such file or folder", "文件不存在"),
)
COMPILED = tuple((re.compile(p), t) for p, t in TRANSLATIONS)


def in_chinese(reason: str) -> str:
    """The reason in Chinese; an unknown one is kept, prefixed so it still reads as a reason."""
    for pattern, template in COMPILED:
        m = pattern.search(reason)
        if m:
            return template.format(**m.groupdict())
    return f"无法读取（{reason}）"
