"""Commitments of an upper clause, what does not apply where, and reviewers' marks (对标对表)."""

import dataclasses
import datetime as dt

import pytest

from kb.compare.align import AlignRow
from kb.model import Clause, Deadline, Document
from kb.office.accounts import User
from kb.policy.commitments import commitments_of, goal_end
from kb.policy.deadlines import extract_deadlines
from kb.policy.geography import Place, out_of_scope, place_of
from kb.policy.targets import extract_targets
from kb.tracking.align_marks import AlignMarks, apply_marks

END = dt.date(2025, 12, 31)


def _clause(text: str, doc_date=dt.date(2023, 11, 30)) -> Clause:
    deadlines = tuple(extract_deadlines(text, doc_date))
    return Clause(
        "c-1", "sc_air.txt", "空气质量持续改善行动计划", "", "国务院", "2023-11-30", "三、（十）", (), "", text,
        0, 0, 0, len(text), deadlines=deadlines, targets=extract_targets(text, doc_date.year),
    )  # fmt: skip


# Real sentences of the national and provincial texts: how many commitments, and how each falls due.
@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "到2025年，全国地级及以上城市PM2.5浓度比2020年下降10%，重度及以上污染天数比率控制在1%以内；",
            [("PM2.5浓度比2020年下降10%", "text"), ("重度及以上污染天数比率控制在1%以内", "text")],
        ),
        (
            "到2025年，非化石能源消费比重达20%左右，电能占终端能源消费比重达30%左右。",
            [("非化石能源消费比重达20%左右", "text"), ("电能占终端能源消费比重达30%左右", "text")],
        ),
        (
            "到2025年，全国80%以上的钢铁产能完成超低排放改造任务；",
            [("全国80%以上的钢铁产能完成超低排放改造任务", "text")],
        ),
        (
            "县级及以上城市建成区原则上不再新建35蒸吨/小时及以下燃煤锅炉，重点区域原则上不再新建除集中供暖外的燃煤锅炉。",
            [("县级及以上城市建成区原则上不再新建35蒸吨", "period"), ("重点区域原则上不再新建除集中供暖外", "period")],
        ),
        ("完善城市空气质量监测网络，基本实现县城全覆盖，加强数据联网共享。", [("基本实现县城全覆盖", "period")]),
        ("加大民用、农用散煤替代力度，逐步推进山区散煤清洁能源替代。", []),  # efforts, no outcome to check
        ("2025年底前，在具备条件的城乡结合部等地区实施天然气入户工程。", [("实施天然气入户工程", "text")]),
    ],
)
def test_a_clause_holds_one_commitment_per_task_or_target(text, expected):
    found = commitments_of(_clause(text), END)
    assert [(k.due_basis, any(w in k.text for w in [words])) for k, (words, _) in zip(found, expected)] == [
        (basis, True) for _, basis in expected
    ]
    assert len(found) == len(expected)
    assert all(k.due == END for k in found)  # 到2025年 in the text, or the period's end
    assert all(k.text in k.clause.text and k.key.startswith("K-") for k in found)


def test_no_period_and_no_date_leaves_a_target_undated():
    (k,) = commitments_of(_clause("全国秸秆综合利用率稳定在86%以上。"), None)
    assert (k.due, k.due_basis) == (None, "")
    assert commitments_of(_clause("全面推行排污许可“一证式”管理。"), None) == []


def test_an_opinion_without_a_period_is_due_by_its_nearest_goal_year():
    doc = Document(
        "o.txt",
        "o.txt",
        "x",
        "txt",
        "utf-8",
        "关于深入打好污染防治攻坚战的意见",
        "中共中央 国务院",
        "",
        "2021-11-02",
        0,
    )
    goals = _clause("到2025年，生态环境持续改善。", dt.date(2021, 11, 2))
    vision = _clause("到2035年，广泛形成绿色生产生活方式。", dt.date(2021, 11, 2))
    assert goal_end(doc, [goals, vision, goals, goals]) == END
    assert goal_end(dataclasses.replace(doc, period_end="2030-12-31"), []) == dt.date(2030, 12, 31)


FUXIN = place_of("阜新市")


@pytest.mark.parametrize(
    "head,text,place,reason",
    [
        ("京津冀及周边地区、汾渭平原PM2.5浓度", "", FUXIN, "京津冀及周边地区、汾渭平原"),
        ("重点区域公共领域新增或更新公交", "", FUXIN, "重点区域"),
        ("晋陕蒙新煤炭主产区中长距离运输", "", FUXIN, "晋陕蒙新煤炭主产区"),
        ("北京市控制在32微克/立方米以内", "", FUXIN, "北京"),
        ("沿海各市编制印发入海排污口", "", FUXIN, "不沿海"),
        ("", "持续实施入海河流消劣行动，国控入海河流断面达到国家考核目标要求", FUXIN, "不沿海"),
        ("", "基本完成全省流域主要河流、湖库、海湾入河排污口整治", FUXIN, ""),  # its rivers bind Fuxin
        ("沿海各市编制印发入海排污口", "", place_of("辽宁省"), ""),  # Liaoning has a coast
        ("沿海各市编制印发入海排污口", "", place_of("大连市"), ""),
        ("全国秸秆综合利用率", "", FUXIN, ""),
        ("东北地区", "", FUXIN, ""),
        ("朝阳产业", "", FUXIN, ""),  # a word, not the city of 朝阳
        ("京津冀及周边地区", "", Place(), ""),  # a place not known: nothing is out of scope
    ],
)
def test_what_does_not_apply_comes_from_geography(head, text, place, reason):
    got = out_of_scope(head, place, True, text)
    assert (reason in got and bool(got)) if reason else got == ""


def test_a_provinces_key_areas_are_its_own():
    assert out_of_scope("重点区域", FUXIN, national=False) == ""
    assert place_of("阜新市") == Place("辽宁", "阜新") and place_of("辽宁省") == Place("辽宁")


def _row(status="not_applicable"):
    (k,) = commitments_of(_clause("到2025年，京津冀及周边地区原则上不再新建露天矿山。"), END)
    return AlignRow(
        k, None, status, 0.1, "适用于京津冀及周边地区", judged=("missing", "本级文件中未找到足够相近的条款")
    )


def test_an_admin_marks_a_row_and_the_mark_survives_a_rerun(tmp_path):
    marks = AlignMarks(tmp_path)
    row = _row()
    marks.set("fuxin.txt", row, User("wang", "admin"), "applicable", "阜新有露天矿，按本市实际执行")
    again = apply_marks([_row()], AlignMarks(tmp_path).marks("fuxin.txt"))[0]  # a new run, a new object
    assert (again.status, again.note) == ("missing", "阜新有露天矿，按本市实际执行")
    marks.set("fuxin.txt", row, User("wang", "admin"), "not_applicable", None)  # the note is kept
    marked = apply_marks([dataclasses.replace(row, status="covered")], marks.marks("fuxin.txt"))[0]
    assert marked.status == "not_applicable" and marked.note.startswith("阜新有露天矿") and "wang" in marked.reason
    assert apply_marks([row], marks.marks("other.txt")) == [row]


def test_only_an_admin_marks(tmp_path):
    from kb.errors import KBError

    with pytest.raises(KBError, match="ask an admin"):
        AlignMarks(tmp_path).set("fuxin.txt", _row(), User("li", "reporter"), "not_applicable")
    with pytest.raises(KBError, match="unknown applicability"):
        AlignMarks(tmp_path).set("fuxin.txt", _row(), User("wang", "admin"), "maybe")


def test_a_deadline_in_the_sentence_before_the_commitment_governs_it():
    c = _clause("到2025年，地级及以上城市完成排放清单编制，重点区域城市实现逐年更新。")
    assert [k.due_basis for k in commitments_of(c, None)] == ["text", "text"]
    assert isinstance(c.deadlines[0], Deadline)


# A task without a date commits when it names a project or a rule; efforts do not (the plan's end is its date).
@pytest.mark.parametrize(
    "text,commits",
    [
        ("新建阜新市第二污水处理厂，配套建设污水管网。", True),  # a named project
        ("建设全市生态环境监测大数据平台。", True),
        ("钢铁企业执行大气污染物特别排放限值。", True),  # a binding rule
        ("县级及以上城市建成区不再新建35蒸吨/小时及以下燃煤锅炉。", True),
        ("加强重点行业挥发性有机物综合治理。", False),  # an effort
        ("鼓励企业开展清洁生产审核。", False),
    ],
)
def test_projects_and_rules_commit_efforts_do_not(text, commits):
    assert bool(commitments_of(_clause(text), END)) is commits


def test_a_review_a_problem_or_a_vision_never_commits():
    text = "到2025年，城市生活污水集中收集率达到70%以上。"
    assert commitments_of(_clause(text), END)
    for role in ("review", "problem", "vision"):
        assert commitments_of(dataclasses.replace(_clause(text), role=role), END) == []
    for role in ("task", "target", "safeguard", ""):
        assert commitments_of(dataclasses.replace(_clause(text), role=role), END)


@pytest.mark.parametrize(
    "text,national",
    [
        ("构建有利于绿色低碳发展的法律体系，推动能源法、节约能源法、电力法、煤炭法制定修订。", True),
        ("加快节能标准更新，修订一批能耗限额、产品设备能效强制性国家标准和工程建设标准。", True),
        ("建立健全能够体现碳汇价值的生态保护补偿机制，研究制定碳汇项目参与全国碳排放权交易相关规则。", True),
        ("制定实施《碳排放权交易管理暂行条例》。", True),
        ("到2025年，国内原油一次加工能力控制在10亿吨以内。", True),
        ("到2030年，国家铁路单位换算周转量综合能耗比2020年下降10%。", True),
        ("到2025年，全国地级及以上城市PM2.5浓度比2020年下降10%。", False),  # every city's air
        ("到2030年，全国森林覆盖率达到25%左右。", False),
        ("按照国家、省统一部署，积极推进重点排放行业进入全国碳排放交易市场。", False),
        ("出台钢铁、焦化行业大气污染物超低排放地方标准。", False),
        ("2025年底前,制定全市危险废物规范化环境管理办法和考核方法、评分细则。", False),  # 办法 and 方法 are no laws
        ("严格执行国家排放标准，推动重点行业完成超低排放改造。", False),  # applying a national standard
        ("贯彻落实《中华人民共和国长江保护法》，制定实施方案。", False),
    ],
)
def test_tasks_only_the_nation_can_do(text, national):
    from kb.policy.commitments import national_only

    found = [national_only(k) for k in commitments_of(_clause(text), END)] or [national_only_words(text)]
    assert any(found) is national


def national_only_words(text: str) -> str:
    """``national_only`` of the whole text, for a sentence the cutter keeps no commitment of."""
    from kb.policy.commitments import Commitment, national_only

    c = _clause(text)
    return national_only(Commitment(c, 0, len(text), c.targets, END, "period"))
