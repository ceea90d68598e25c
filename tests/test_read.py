"""Reading each format into text: encodings, page furniture, PDF repair."""

import io

import pytest

from ingest.read import decode_text, is_furniture, read_file
from kb.errors import ReadError

from .conftest import CORPUS, DATA

CITY = (DATA / "city_plan.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding,expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030")])
def test_text_encodings_are_detected_and_recorded(tmp_path, encoding, expected):
    path = tmp_path / "plan.txt"
    path.write_bytes(CITY.encode(encoding))
    doc = read_file(path)
    assert doc.encoding == expected
    assert doc.text == CITY  # the BOM is not part of the text
    assert "2025年底前,市、县建成区基本消除黑臭水体。" in doc.text


def test_binary_garbage_is_not_text():
    with pytest.raises(ReadError, match="encoding"):
        decode_text(bytes(range(256)) * 50)


@pytest.mark.parametrize(
    "line",
    [
        "日期: 2023-08-15 浏览量:2154 来源:阜新市人民政府办公室 责任编辑:李艳 文字大小:",
        "打印 分享 返回列表",
        "1693376357404.jpg ",
        "1.jpg",
        "上一篇：关于印发某某方案的通知",
        "《阜新市“十四五”生态环境保护规划》政策解读",
        "图解——阜新市人民政府办公室关于印发阜新市“十四五”生态环境保护规划的通知",
    ],
)
def test_scraped_page_furniture_is_recognised(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "2025年底前,市、县建成区基本消除黑臭水体。",
        "(1)强化饮用水安全保障。",
        "阜政办发〔2023〕8号",
    ],
)
def test_document_text_is_not_furniture(line):
    assert not is_furniture(line)


def test_html_saved_from_a_government_site(tmp_path):
    html = (
        "<html><head><meta charset='gb2312'><title>x</title><script>var a='<p>不要</p>';</script>"
        "<style>p{}</style></head><body><nav>首页 &gt; 政策</nav><div class='bar'>打印 分享 返回列表</div>"
        "<h1>阜新市“十四五”生态环境保护规划</h1><p>一、总体要求</p><p>到2025年，基本消除黑臭水体。</p>"
        "<p>1693376429150.png</p></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_bytes(html.encode("gb18030"))
    doc = read_file(path)
    lines = doc.text.split("\n")
    assert "到2025年，基本消除黑臭水体。" in lines
    assert "阜新市“十四五”生态环境保护规划" in lines
    assert "不要" not in doc.text and "首页" not in doc.text
    assert doc.encoding == "gb18030"


def test_docx_paragraphs_and_tables(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("某市生态环境保护规划")
    d.add_paragraph("一、总体要求")
    d.add_paragraph("到2025年，基本消除黑臭水体。")
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "指标"
    table.rows[0].cells[1].text = "目标值"
    buf = io.BytesIO()
    d.save(buf)
    path = tmp_path / "plan.docx"
    path.write_bytes(buf.getvalue())
    doc = read_file(path)
    assert doc.format == "docx"
    assert doc.text.split("\n")[:3] == ["某市生态环境保护规划", "一、总体要求", "到2025年，基本消除黑臭水体。"]
    assert "指标 目标值" in doc.text


@pytest.fixture(scope="module")
def liaoning_pdf():
    return read_file(CORPUS / "pdf" / "liaoning_14th_fyp_eco_env_plan.pdf")


@pytest.mark.slow
def test_hard_pdf_reads_as_clean_text(liaoning_pdf):
    text = liaoning_pdf.text
    assert len(liaoning_pdf.page_starts) == 75
    # ASCII punctuation of the text layer restored, justified-line spaces gone, digits half width
    assert (
        "统筹实施压煤、治企、控车、降尘、防秸秆露天焚烧。2020年，二氧化硫、氮氧化物（NOx）排放总量较2015年累计分别下降31.74%、20.11%；"
        in text
    )
    assert "稳定性有待提升" in text.replace("\n", "")
    assert "稳 定" not in text and "２" not in text and "«" not in text
    assert "《辽宁省国民经济和社会发展第十四个五年规划和二○三五年远景目标纲要》" in text
    # page numbers like —２— are gone
    assert "—2—" not in text and "—3—" not in text


def test_clean_pdf_loses_running_header_and_keeps_pages():
    doc = read_file(CORPUS / "pdf" / "cpc_sc_opinions_deepen_pollution_prevention_2021.pdf")
    assert len(doc.page_starts) == 7
    assert doc.text.count("中共中央、国务院关于深入打好污染防治攻坚战的意见") == 1
    # a sentence broken across lines (and spaces around digits) is joined
    assert (
        "到2025年，生态环境持续改善，主要污染物排放总量持续下降，单位国内生产总值二氧化碳排放比2020年下降18%"
        in doc.text
    )
    second_page = doc.text[doc.page_starts[1] : doc.page_starts[2]]
    assert "（四）深入推进碳达峰行动" in second_page
