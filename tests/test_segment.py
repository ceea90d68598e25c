"""Outline parsing and clause splitting, on real lines of the corpus (both punctuation widths)."""

import pytest

from ingest.segment import canonical_marker, is_clause_text, match_outline, segment, sentence_spans, split_heading


@pytest.mark.parametrize(
    "para,level,marker",
    [
        ("一、生态环境保护基础与环境", 3, "一、"),
        ("(一)“十三五”时期主要成效", 4, "(一)"),
        ("（三）目标指标。到2025年，全国地级及以上城市PM2.5浓度比2020年下降10%", 4, "（三）"),
        ("（二十六）加强组织领导。各地区各有关部门要认真贯彻落实", 4, "（二十六）"),
        ("1.党政主体责任有效落实", 5, "1."),
        ("1．推进煤炭消费替代和转型升级。加快煤炭减量步伐", 5, "1．"),
        ("(1)强化饮用水安全保障。在用县级以上水源地保护区划定、勘界、立标全部完成。", 6, "(1)"),
        ("（2）提升流域水环境管理能力。", 6, "（2）"),
        ("第一章 发展基础和面临的形势", 1, "第一章"),
        ("第二节 面临的形势", 2, "第二节"),
        ("第十二条 本办法自2022年1月1日起施行。", 3, "第十二条"),
        ("①实施燃煤锅炉改造", 7, "①"),
    ],
)
def test_outline_markers(para, level, marker):
    assert match_outline(para) == (level, marker)


@pytest.mark.parametrize(
    "para",
    [
        "92.3（改善",  # a table cell of the Liaoning plan, not 92. + 3
        "2020年,我市环境空气综合指数全省排名第4位。",
        "——坚持方向不变、力度不减。",
        "“十三五”期间,全市上下认真贯彻落实习近平生态文明思想",
    ],
)
def test_not_outline_markers(para):
    assert match_outline(para) is None


@pytest.mark.parametrize(
    "marker,canonical",
    [("(一)", "（一）"), ("1．", "1."), ("1、", "1."), ("(1)", "（1）"), ("一、", "一、"), ("（２）", "（2）")],
)
def test_canonical_markers(marker, canonical):
    assert canonical_marker(marker) == canonical


@pytest.mark.parametrize(
    "marker,body,title,rest",
    [
        ("一、", "生态环境保护基础与环境", "生态环境保护基础与环境", ""),
        ("（二）", "工作原则", "工作原则", ""),
        ("（二）", "工作原则。", "工作原则", ""),
        (
            "(1)",
            "强化饮用水安全保障。在用县级以上水源地保护区划定、勘界、立标全部完成。",
            "强化饮用水安全保障",
            "在用县级以上水源地保护区划定、勘界、立标全部完成。",
        ),
        (
            "（一）",
            "指导思想。以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神。",
            "指导思想",
            "以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神。",
        ),
    ],
)
def test_headings_become_the_path(marker, body, title, rest):
    got_title, start = split_heading(3, marker, body)
    assert got_title == title
    assert body[start:].strip() == rest


def test_a_long_first_sentence_is_not_a_title():
    assert (
        split_heading(
            4,
            "（三）",
            "目标指标到2025年，全国地级及以上城市PM2.5浓度比2020年下降10%，重度及以上污染天数比率控制在1%以内。",
        )
        is None
    )


@pytest.mark.parametrize(
    "text,parts",
    [
        # full width
        (
            "2025年底前，基本消除黑臭水体。推进农村黑臭水体治理。",
            ["2025年底前，基本消除黑臭水体。", "推进农村黑臭水体治理。"],
        ),
        # ASCII, as scraped: ; ends a clause
        (
            "开展细河流域氟化物溯源排查行动,取得显著效果,经验在全省推广;建成了细河流域水环境监测智慧化管理系统,监管能力进一步提升。",
            [
                "开展细河流域氟化物溯源排查行动,取得显著效果,经验在全省推广;",
                "建成了细河流域水环境监测智慧化管理系统,监管能力进一步提升。",
            ],
        ),
        # a 。 inside quotation marks or brackets does not split
        (
            "牢固树立“绿水青山就是金山银山。冰天雪地也是金山银山”理念，推动转型。下一句。",
            ["牢固树立“绿水青山就是金山银山。冰天雪地也是金山银山”理念，推动转型。", "下一句。"],
        ),
        (
            "印发《关于加强管理的通知（试行；2022年）》，规范管理。完成。",
            ["印发《关于加强管理的通知（试行；2022年）》，规范管理。", "完成。"],
        ),
        # a lone opening quote does not swallow the rest
        ("他说“开始。然后。", ["他说“开始。", "然后。"]),
        # no final punctuation: still a clause
        ("专栏1“十三五”主要指标完成情况", ["专栏1“十三五”主要指标完成情况"]),
        ("真的吗？是的！", ["真的吗？", "是的！"]),
    ],
)
def test_sentence_splitting(text, parts):
    assert [text[a:b] for a, b, _ in sentence_spans(text)] == parts


def test_semicolon_parts_belong_to_one_sentence():
    spans = sentence_spans(
        "到2025年，装配式建筑占新建建筑面积比例达30%；地级及以上城市建成区道路机械化清扫率达80%左右。"
    )
    assert [end for _, _, end in spans] == [False, True]


CITY = """阜新市“十四五”生态环境保护规划
阜政办发〔2023〕8号
2023年8月8日
  为深入打好污染防治攻坚战,编制本规划。
  六、“三水统筹”,巩固提升水生态环境质量
  (一)加强水资源、水生态、水环境系统治理
  5.基本消除黑臭水体。统筹上下游、左右岸。2025年底前,市、县建成区基本消除黑臭水体。
1693376357404.jpg
  蓝天保卫战取得新成效。以强化治理为重点;统筹实施压煤。
  (二)持续深化水污染治理
  (1)强化饮用水安全保障。在用县级以上水源地保护区划定、勘界、立标全部完成。
"""


def test_segment_paths_offsets_and_leads():
    pieces = segment(CITY)
    texts = [p.text for p in pieces]
    assert texts == [
        "为深入打好污染防治攻坚战,编制本规划。",
        "5.基本消除黑臭水体。统筹上下游、左右岸。",  # the inline title, printed with the first clause
        "2025年底前,市、县建成区基本消除黑臭水体。",
        "蓝天保卫战取得新成效。",
        "以强化治理为重点;",
        "统筹实施压煤。",
        "(1)强化饮用水安全保障。在用县级以上水源地保护区划定、勘界、立标全部完成。",
    ]
    for p in pieces:
        assert CITY[p.char_start : p.char_end] == p.text  # offsets index the original text
    p = pieces[2]
    assert p.section == ("六、", "（一）", "5.")
    assert p.titles == ("“三水统筹”,巩固提升水生态环境质量", "加强水资源、水生态、水环境系统治理", "基本消除黑臭水体")
    assert pieces[4].lead == "蓝天保卫战取得新成效"
    assert pieces[4].sentence == pieces[5].sentence  # split at ; but one sentence
    assert pieces[0].section == ()  # before the first heading; title/文号/date lines skipped
    assert pieces[-1].section == ("六、", "（二）", "（1）")
    assert all("jpg" not in t for t in texts)


@pytest.mark.parametrize(
    "text",
    [
        "例。",
        "质量",
        "3",
        "率 （%）",
        "专栏2 规划指标体系",
        "专栏7水污染防治重点工程",
        "表1“十四五”土壤、地下水和农业农村生态环境保护主要指标",
        "7地级及以上城市可吸入颗粒物浓度 （μg/m3） ≤85 64",
        "16受污染耕地安全利用率 （%）96左右93左右预期性17重点建设用地安全利用率",
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
        "抄送：省委各部委，省人大常委会办公厅，省政协办公厅，北部战",
        "辽宁省人民政府办公厅2022年2月8日印发",
        "完成国家",
        "—100约束性",
    ],
)
def test_residue_is_not_a_clause(text):
    assert not is_clause_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "全面禁止进口“洋垃圾”。",
        "汾渭平原。",
        "加强规划宣传。",
        "2025年底前,市、县建成区基本消除黑臭水体。",
        "推动煤矸石、粉煤灰、尾矿、冶炼渣等工业固废资源利用或替代建材生产原料",  # a long sentence whose 。 was lost
    ],
)
def test_short_and_unended_sentences_stay_clauses(text):
    assert is_clause_text(text)


@pytest.mark.slow
def test_no_clause_of_four_characters_or_fewer_in_the_shipped_corpus():
    from pathlib import Path

    from ingest.read import read_file

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    short = [
        (f.name, p.text)
        for f in sorted(corpus.rglob("*"))
        if f.suffix in (".txt", ".pdf") and f.name != "README.md"
        for p in segment(read_file(f).text)
        if len(p.text) <= 4
    ]
    assert short == []


@pytest.mark.parametrize(
    "paragraph,units",
    [
        ("强化重点监管单位监管。动态更新土壤污染重点监管单位名录。（生态环境部负责）", "生态环境部负责"),
        (
            "开展耕地土壤重金属污染成因排查。选择一批县开展源头追溯。（生态环境部、农业农村部等按职责分工负责）",
            "生态环境部、农业农村部等按职责分工负责",
        ),
    ],
)
def test_a_closing_responsibility_bracket_is_units_and_stays_on_the_last_clause(paragraph, units):
    pieces = segment("一、任务\n" + paragraph)
    assert all(p.units == units for p in pieces)
    assert len(pieces) == 2  # the bracket is never a clause of its own
    assert not any("负责" in p.text for p in pieces[:-1])
    assert pieces[-1].text.endswith(f"（{units}）")  # verbatim: the task as printed, with who carries it out


def test_a_bracket_on_its_own_line_belongs_to_the_paragraph_above():
    pieces = segment(
        "一、任务\n推进清洁生产审核。\n（工业和信息化部、生态环境部等按职责分工负责，地方各级人民政府负责落实）\n"
    )
    assert [p.text for p in pieces] == ["推进清洁生产审核。"]
    assert pieces[0].units.startswith("工业和信息化部")


MEASURES = """危险废物转移管理办法
第二章　相关方责任
第十条　移出人应当履行以下义务：
（一）对承运人或者接受人的主体资格和技术能力进行核实，依法签订书面合同；
（二）制定危险废物管理计划，明确拟转移危险废物的种类、重量（数量）和流向等信息；
移出人应当按照国家有关要求开展危险废物鉴别。
第三章　危险废物转移联单的运行和管理
第十七条　采用联运方式转移危险废物的，前一承运人和后一承运人应当明确运输交接的时间和地点。
第十八条　接受人应当对运抵的危险废物进行核实验收，并在接受之日起五个工作日内通过信息系统确认接受。
运抵的危险废物的名称、数量、特性、形态、包装方式与危险废物转移联单填写内容不符的，接受人应当及时告知移出人。
"""


@pytest.mark.parametrize(
    "start,section",
    [
        ("对承运人或者接受人的主体资格", "第二章第十条第一款第（一）项"),
        ("制定危险废物管理计划", "第二章第十条第一款第（二）项"),
        ("移出人应当按照国家有关要求", "第二章第十条第二款"),  # after its items: the article's next 款
        ("采用联运方式", "第三章第十七条"),  # one paragraph: no 款 named
        ("接受人应当对运抵的危险废物", "第三章第十八条第一款"),
        ("运抵的危险废物的名称", "第三章第十八条第二款"),
    ],
)
def test_an_article_s_paragraphs_and_items_cite_as_kuan_and_xiang(start, section):
    piece = next(p for p in segment(MEASURES) if p.text.startswith(start))
    assert "".join(piece.section) == section


CARBON_TASK = (
    "三、主要任务\n（三）推动产品碳足迹规则国际互信\n"
    "15.积极参与国际标准规则制定。加强与联合国经济及社会理事会、国际标准组织、世界贸易组织等国际机构对话交流，"
    "积极参与国际产品碳足迹相关标准规则的制修订。指导行业协会、企业主动参与具体产品碳足迹国际规则制定，提升中国"
    "贡献度。（生态环境部、市场监管总局、工业和信息化部、交通运输部、商务部、海关总署按职责分工负责）\n"
)


def test_a_numbered_task_keeps_its_title_and_its_bracket_as_printed():
    pieces = segment(CARBON_TASK)
    assert pieces[0].text.startswith("15.积极参与国际标准规则制定。加强与联合国")
    assert pieces[0].titles[-1] == "积极参与国际标准规则制定"
    assert pieces[-1].text.endswith(
        "（生态环境部、市场监管总局、工业和信息化部、交通运输部、商务部、海关总署按职责分工负责）"
    )
    assert all(CARBON_TASK[p.char_start : p.char_end] == p.text for p in pieces)
    assert {p.units for p in pieces} == {
        "生态环境部、市场监管总局、工业和信息化部、交通运输部、商务部、海关总署按职责分工负责"
    }
