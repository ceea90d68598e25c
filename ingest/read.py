"""Read .txt, .pdf, .docx, .html, .doc/.wps, .ofd and scanned images into text, a paragraph a line.

Every failure becomes a ``ReadError`` with a reason in plain words, so that a batch can skip
the file and go on. The text returned is what clauses quote and what offsets index.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from kb.errors import ReadError
from kb.office import limits
from kb.text import CJK

from .ocr import IMAGE_SUFFIXES, ocr_image_file
from .office import read_ofd, read_word97
from .pdf import pdf_text
from .tables import Table, TableRow, table_lines

SUPPORTED = (".txt", ".pdf", ".docx", ".html", ".htm", ".doc", ".wps", ".ofd", *IMAGE_SUFFIXES)
TEXT_SUFFIXES = (".txt", ".html", ".htm")
MAX_TEXT_MB = 5  # a long plan is well under 1 MB of text
MAX_BINARY_MB = 50
MIN_TEXT_LAYER_CHARS = 20  # a page with less text than this in its text layer is read by OCR
MAX_PAGES = 1000
TEXT_ENCODINGS = ("utf-8", "gb18030")
# Page furniture of scraped government pages: image names, the view-count bar, share buttons.
IMAGE_PLACEHOLDER_RE = re.compile(r"^\S+\.(png|jpe?g|gif|bmp|webp)$", re.I)
PAGE_META_RE = re.compile(r"(浏览量|浏览次数|阅读次数|点击数|访问量|责任编辑|文字大小|字号[:：]\s*[大中小])")
SHARE_BAR_RE = re.compile(r"^(【?(打印|分享|返回列表|关闭窗口|返回顶部|打印本页|关闭本页|收藏)】?[\s|｜]*)+$")
NAV_RE = re.compile(r"^(上一篇|下一篇|当前位置|您的位置)[:：]")
RELATED_RE = re.compile(r"^(图解|解读|相关链接|相关文件|相关阅读)[—\-:：]|^《[^》]+》(政策)?解读$")
READABLE_RE = re.compile(rf"[{CJK}\u3000-\u303f\uff00-\uffef\x20-\x7e\s“”‘’—…·•※①-⑳Ⅰ-Ⅻ]")


@dataclass(frozen=True)
class RawDoc:
    """A file's text and where it came from.

    Attributes:
        text: the document text, one paragraph a line.
        format: ``txt``, ``pdf``, ``docx`` or ``html``.
        encoding: the encoding of a text file (``utf-8-sig`` when it had a BOM), else "".
        page_starts: for PDFs, the offset where each page begins; else None.
        pdf_info: title/date from the PDF's own metadata (may be placeholders).
        source: ``text`` (a text file or a text layer) or ``ocr`` (every page read from images).
        table_rows: the table rows written into ``text``, one line each, with their headers.
        ocr_pages: 1-based pages read by OCR.
    """

    text: str
    format: str
    encoding: str = ""
    page_starts: tuple[int, ...] | None = None
    pdf_info: tuple[tuple[str, str], ...] = ()
    source: str = "text"
    table_rows: tuple[TableRow, ...] = ()
    ocr_pages: tuple[int, ...] = ()


def assemble(blocks: list, format: str, **kwargs) -> RawDoc:
    """A ``RawDoc`` from lines and ``Table``s in reading order; each table row becomes a line."""
    lines, rows, pos = [], [], 0
    for block in blocks:
        if isinstance(block, Table):
            table_text, spans = table_lines(block, pos)
            lines += table_text
            rows += spans
            pos = spans[-1].end + 1 if spans else pos
        elif block.strip():
            lines.append(block.strip())
            pos += len(lines[-1]) + 1
    return RawDoc(text="\n".join(lines), format=format, table_rows=tuple(rows), **kwargs)


def is_furniture(line: str) -> bool:
    """True for lines a scraped page adds around the document (never document text)."""
    s = line.strip()
    return bool(
        IMAGE_PLACEHOLDER_RE.match(s)
        or PAGE_META_RE.search(s)
        or SHARE_BAR_RE.match(s)
        or NAV_RE.match(s)
        or RELATED_RE.match(s)
    )


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes of a text file: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030.

    Returns:
        (text, encoding name).

    Raises:
        ReadError: when no encoding gives readable text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", data)]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", data)]
    else:
        candidates = [(enc, data) for enc in TEXT_ENCODINGS]
    for enc, raw in candidates:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if looks_readable(text):
            return text, enc
    raise ReadError("", "unreadable encoding (not UTF-8 or GB18030 text)")


def looks_readable(text: str, threshold: float = 0.9) -> bool:
    """Whether almost every character is Chinese, ASCII or common punctuation."""
    sample = text[:20000]
    if not sample.strip() or "\x00" in sample:
        return False
    return len(READABLE_RE.findall(sample)) >= threshold * len(sample)


class _TextExtractor(HTMLParser):
    BLOCK = {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "table",
        "td",
        "th",
    }
    SKIP = {"script", "style", "noscript", "head", "nav", "footer", "header", "button", "select", "iframe"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(re.sub(r"[\r\n]+", " ", data))


HTML_CHARSET_RE = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", re.I)


def read_html(data: bytes) -> RawDoc:
    """Visible text of an HTML page, a block a line; scripts, styles and navigation dropped."""
    m = HTML_CHARSET_RE.search(data[:4096])
    declared = m.group(1).decode().lower() if m else ""
    enc = "gb18030" if declared in ("gb2312", "gbk", "gb18030") else ""
    text, enc = (data.decode(enc, errors="replace"), enc) if enc else decode_text(data)
    parser = _TextExtractor()
    parser.feed(text)
    lines = [ln.strip() for ln in "".join(parser.parts).split("\n")]
    return RawDoc(text="\n".join(ln for ln in lines if ln), format="html", encoding=enc)


def check_zip(data: bytes, not_one: str) -> None:
    """``kb.office.limits.check_zip`` as a reading error (the file's reason for being skipped).

    Raises:
        ReadError: not a zip package, or one that unpacks too large (a zip bomb).
    """
    try:
        limits.check_zip(data, not_one)
    except limits.ZipBomb as exc:
        raise ReadError("", str(exc)) from None


def read_docx(data: bytes) -> RawDoc:
    """Paragraphs and tables of a Word file in document order; tables of 3+ columns as rows."""
    check_zip(data, "not a Word .docx file")
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    from .tables import docx_table

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError("", f"not a Word .docx file ({exc.__class__.__name__})") from None
    blocks = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            blocks.append(Paragraph(child, document).text)
        elif child.tag.endswith("}tbl"):
            table = DocxTable(child, document)
            parsed = docx_table(table)
            blocks += [parsed] if parsed else [" ".join(c.text for c in row.cells) for row in table.rows]
    return assemble(blocks, "docx")


def _opens_without_password(reader) -> bool:
    """True for a PDF protected only by an owner password (it opens for reading)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False


def read_pdf(data: bytes, max_pages: int = MAX_PAGES, progress=None) -> RawDoc:
    """Text of a PDF, repaired, with each page's start offset; pages without a text layer are
    read by OCR, and tables of 3+ columns are added as rows at the end of their page."""
    import pypdf
    from pypdf.errors import PdfReadError

    if not data.lstrip()[:5].startswith(b"%PDF"):
        kind = "a Word/zip file" if data.startswith(b"PK") else "something else"
        raise ReadError("", f"not a PDF (the file is {kind} named .pdf)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise ReadError("", "encrypted PDF: save an unprotected copy and add that")
        if len(reader.pages) > max_pages:
            raise ReadError("", f"too many pages ({len(reader.pages)} > {max_pages})")
        raw_pages = [(p.extract_text() or "") for p in reader.pages]
        meta = reader.metadata or {}
    except ReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise ReadError("", f"corrupt PDF ({exc.__class__.__name__}: {str(exc)[:80]})") from None
    blank = [i for i, t in enumerate(raw_pages) if len(re.sub(r"\s", "", t)) < MIN_TEXT_LAYER_CHARS]
    ocr = _ocr_pdf(data, blank, progress) if blank else {}
    if ocr:
        from .ocr import check_document_text

        if len(blank) == len(raw_pages):
            check_document_text(list(ocr.values()))
        raw_pages = [ocr.get(i, t) for i, t in enumerate(raw_pages)]
    tables = _pdf_tables(data) if len(blank) < len(raw_pages) else []
    text, starts, rows = pdf_text(raw_pages, tables)
    if len(re.sub(r"\s", "", text)) < MIN_TEXT_LAYER_CHARS:
        raise ReadError("", "no text layer (a scanned PDF): it needs OCR, which found no text")
    info = tuple((k.lstrip("/"), str(v)) for k, v in meta.items() if k in ("/Title", "/CreationDate"))
    ocr_pages = tuple(sorted(i + 1 for i, t in ocr.items() if t))
    return RawDoc(
        text=text,
        format="pdf",
        page_starts=tuple(starts),
        pdf_info=info,
        table_rows=tuple(rows),
        ocr_pages=ocr_pages,
        source="ocr" if len(ocr_pages) == len(raw_pages) else "text",
    )


def _ocr_pdf(data: bytes, pages: list[int], progress) -> dict[int, str]:
    """OCR text of the given pages; {} when the OCR packages are not installed."""
    try:
        from .ocr import ocr_pdf_pages

        return ocr_pdf_pages(data, pages, progress)
    except ImportError:
        return {}


def _pdf_tables(data: bytes) -> list[Table]:
    try:
        from .tables import pdf_tables

        return pdf_tables(data)
    except ImportError:
        return []
    except Exception:
        return []


def read_file(
    path: str | Path, max_text_mb: float = MAX_TEXT_MB, max_binary_mb: float = MAX_BINARY_MB, progress=None
) -> RawDoc:
    """Read one file into a ``RawDoc``.

    Raises:
        ReadError: the file is empty, too large, of an unsupported kind, or unreadable;
            ``reason`` says which in words a user can act on.
    """
    path = Path(path)
    ext = path.suffix.lower()
    try:
        if ext not in SUPPORTED:
            raise ReadError(str(path), f"unsupported file type {ext or '(none)'}; use {', '.join(SUPPORTED)}")
        size = path.stat().st_size
        limit = max_text_mb if ext in TEXT_SUFFIXES else max_binary_mb
        if size == 0:
            raise ReadError(str(path), "empty file")
        if size > limit * 1024 * 1024:
            raise ReadError(str(path), f"too large ({size / 1048576:.1f} MB > {limit:g} MB limit)")
        data = path.read_bytes()
        if ext == ".pdf":
            doc = read_pdf(data, progress=progress)
        elif ext == ".docx":
            doc = read_docx(data)
        elif ext in (".doc", ".wps"):
            doc = assemble(read_word97(data, ext), ext.lstrip("."))
        elif ext == ".ofd":
            check_zip(data, "corrupt OFD")
            text, starts, _ = pdf_text(read_ofd(data))
            doc = RawDoc(text=text, format="ofd", page_starts=tuple(starts))
        elif ext in IMAGE_SUFFIXES:
            doc = RawDoc(text=ocr_image_file(data, progress), format="image", source="ocr", ocr_pages=(1,))
        elif ext in (".html", ".htm"):
            doc = read_html(data)
        else:
            text, enc = decode_text(data)
            doc = RawDoc(text=text.replace("\r\n", "\n").replace("\r", "\n"), format="txt", encoding=enc)
    except ReadError as exc:
        raise ReadError(str(path), exc.reason) from None
    except OSError as exc:
        raise ReadError(str(path), f"cannot open ({exc.strerror})") from None
    except Exception as exc:  # a parser's own failure on a damaged or hostile file: a refusal, not a crash
        raise ReadError(str(path), f"damaged or not a {ext.lstrip('.')} file ({exc.__class__.__name__})") from None
    if not doc.text.strip():
        raise ReadError(str(path), "empty file (no text)")
    return doc
