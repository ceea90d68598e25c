"""Readers for the formats offices keep besides text, PDF and docx: OFD, Word 97 .doc, WPS .wps
and scanned images. Each returns the pieces read.py assembles into a ``RawDoc``.

- OFD (GB/T 33190) with ofdkit, text in reading order; an OFD of vector outlines only has no
  text and is refused, as a scanned PDF without OCR would be.
- .doc and .wps with wps2md; its Markdown keeps list numbering (1. 2. …) that the outline
  parser needs, and tables as rows. LibreOffice, where installed, is the fallback.
- .png/.jpg/.tif through OCR (ingest/ocr.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from kb.errors import ReadError
from kb.text import CJK_RE

from .tables import split_header

MD_HEADING_RE = re.compile(r"^#{1,6}\s+")
MD_BULLET_RE = re.compile(r"^[-*+]\s+")
MD_TABLE_RULE_RE = re.compile(r"^\|?\s*:?-{3,}")
LIBREOFFICE_TIMEOUT = 120


PAGE_BREAK = "\f"


def read_ofd(data: bytes) -> list[str]:
    """The text of each page of an OFD file, lines in reading order (laid out like a PDF's
    text layer: read.py repairs and joins them the same way).

    Raises:
        ReadError: not an OFD package, damaged, or holding no text.
    """
    import io
    import zipfile

    import ofdkit

    try:
        text = ofdkit.extract_text(io.BytesIO(data), page_separator=PAGE_BREAK)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, ofdkit.OFDError) as exc:
        raise ReadError("", f"corrupt OFD ({exc.__class__.__name__}: {str(exc)[:80]})") from None
    if len(re.sub(r"\s", "", text)) < 5:
        raise ReadError("", "OFD with no text (its pages hold only outlines or images)")
    return text.split(PAGE_BREAK)


def markdown_blocks(markdown: str) -> list:
    """wps2md's Markdown as plain lines and ``Table``s: headings and bullets lose their marks,
    numbered items keep their numbers."""
    blocks, table_rows = [], []

    def flush():
        if table_rows:
            table = split_header(table_rows)
            if table:
                blocks.append(table)
            table_rows.clear()

    for raw in markdown.splitlines():
        line = raw.strip()
        if line.startswith("|"):
            if not MD_TABLE_RULE_RE.match(line):
                table_rows.append(tuple(c.strip() for c in line.strip("|").split("|")))
            continue
        flush()
        line = MD_BULLET_RE.sub("", MD_HEADING_RE.sub("", line)).replace("\\", "")
        if line:
            blocks.append(line)
    flush()
    return blocks


MIN_FALLBACK_CJK = 10  # LibreOffice turns any bytes into "text": a document has Chinese in it


def read_word97(data: bytes, suffix: str) -> list:
    """Blocks (lines and tables) of a Word 97–2003 .doc or a WPS .wps file.

    Raises:
        ReadError: password-protected, or not readable by wps2md nor LibreOffice.
    """
    import wps2md

    if _is_encrypted_doc(data):
        raise ReadError("", "password-protected Word file: save an unprotected copy and add that")
    try:
        document = wps2md.parse(data)
        return markdown_blocks(wps2md.to_markdown(document.paragraphs))
    except (wps2md.WpsParseError, ValueError, KeyError, IndexError, OSError) as exc:
        fallback = _libreoffice_text(data, suffix)
        if not fallback or len(CJK_RE.findall("".join(fallback))) < MIN_FALLBACK_CJK:
            # no LibreOffice, or what it made of the bytes is no Chinese document either
            raise ReadError("", f"unreadable Word/WPS file ({exc.__class__.__name__}: {str(exc)[:80]})") from None
        return fallback


def _is_encrypted_doc(data: bytes) -> bool:
    """The fEncrypted bit of a Word binary file's FIB (0x000B, bit 0x0100)."""
    import io

    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if not ole.exists("WordDocument"):
                return False
            fib = ole.openstream("WordDocument").read(12)
    except (OSError, ValueError):
        return False
    return len(fib) >= 12 and bool(int.from_bytes(fib[10:12], "little") & 0x0100)


def _libreoffice_text(data: bytes, suffix: str) -> list | None:
    """LibreOffice's plain-text conversion, when it is installed (one output folder per file)."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if not office:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"in{suffix}"
        src.write_bytes(data)
        out = Path(tmp) / "out"
        try:
            subprocess.run(
                [office, "--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(out), str(src)],
                capture_output=True,
                timeout=LIBREOFFICE_TIMEOUT,
                check=True,
            )
            text = (out / "in.txt").read_text(encoding="utf-8-sig")
        except (subprocess.SubprocessError, OSError):
            return None
    return [ln.strip() for ln in text.splitlines() if ln.strip()]
