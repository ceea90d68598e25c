"""Escaping and highlighting of document text, memo export, safe upload names."""

import html
import re

import pytest

from ingest.uploads import safe_filename
from kb.errors import KBError
from kb.reports.render import escape, highlight


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


@pytest.mark.parametrize(
    "name,safe",
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("/abs/path/规划.PDF", "规划.pdf"),
        ("C:\\docs\\方案.docx", "方案.docx"),
        ("规划 (1).html", "规划_(1).html"),
        ("..\\..\\x.txt", "x.txt"),
    ],
)
def test_safe_filenames(name, safe):
    assert safe_filename(name) == safe


@pytest.mark.parametrize("name", ["", "..", "../", "x.exe", ".txt", "noext"])
def test_unsafe_or_unsupported_names_are_refused(name):
    with pytest.raises(KBError):
        safe_filename(name)


@pytest.mark.parametrize(
    "text,memo",
    [
        ("2025年底前,市、县建成区基本消除黑臭水体。", "2025年底前，市、县建成区基本消除黑臭水体。"),
        ("达标天数(含沙尘)296天;PM2.5浓度36μg/m3,下降", "达标天数（含沙尘）296天；PM2.5浓度36μg/m3，下降"),
        ("标准(GB3095-2012)", "标准（GB3095-2012）"),
        ("PM2.5、NOx, SO2 and VOCs", "PM2.5、NOx, SO2 and VOCs"),
        ("到2025年，基本消除黑臭水体。", "到2025年，基本消除黑臭水体。"),
    ],
)
def test_memo_text_folds_punctuation_between_chinese_only(text, memo):
    from kb.reports.cite import memo_text

    assert memo_text(text) == memo
    assert re.sub(r"[^\w]", "", memo_text(text)) == re.sub(r"[^\w]", "", text)  # every word verbatim


def test_a_quotation_inside_a_citation_takes_single_quotes():
    """A 公文 writes ‘坝上草原’ inside “…”: the citation quotes the clause, so its own quotes turn."""
    from kb.model import Clause
    from kb.reports.cite import citation

    c = Clause("x-0001", "d.txt", "河北省“十四五”规划", "", "", "", "三、", (), "", "保护“坝上草原”生态。", 0, 0, 0, 10)
    assert citation(c).endswith("：“保护‘坝上草原’生态。”")
    assert citation(c).startswith("《河北省“十四五”规划》")  # a title keeps its own marks
    assert citation(c, raw=True).endswith("：“保护“坝上草原”生态。”")  # raw: character for character
