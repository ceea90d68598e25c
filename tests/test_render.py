"""Escaping and highlighting of document text, memo export, safe upload names."""
import html

import pytest

from ingest.uploads import safe_filename
from kb.errors import KBError
from kb.render import escape, highlight


def test_escape_shows_text_exactly():
    text = "加强<script>alert('x')</script>治理*重点* [链接](http://x) & $1$ # 标题"
    out = escape(text)
    assert "<" not in out and "*" not in out and "[" not in out and "$" not in out
    assert html.unescape(out) == text


def test_highlight_marks_terms_on_the_normalised_form():
    out = highlight("到２０２５年，消除黑臭水体。", ["2025", "黑臭水体", "消除"])
    assert out == "到<mark>２０２５</mark>年，<mark>消除黑臭水体</mark>。"


def test_highlight_escapes_inside_and_outside_marks():
    assert highlight("<b>黑臭水体</b>", ["黑臭水体"]) == "&#60;b&#62;<mark>黑臭水体</mark>&#60;/b&#62;"


@pytest.mark.parametrize("name,safe", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("/abs/path/规划.PDF", "规划.pdf"),
    ("C:\\docs\\方案.docx", "方案.docx"),
    ("规划 (1).html", "规划_(1).html"),
    ("..\\..\\x.txt", "x.txt"),
])
def test_safe_filenames(name, safe):
    assert safe_filename(name) == safe


@pytest.mark.parametrize("name", ["", "..", "../", "x.exe", ".txt", "noext"])
def test_unsafe_or_unsupported_names_are_refused(name):
    with pytest.raises(KBError):
        safe_filename(name)
