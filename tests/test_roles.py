"""Clause roles (条款性质): what a clause is, from its outline and its sentence; what a question asks."""

import pytest

from kb.policy.roles import asked_role, clause_role, heading_role, role_key

TASKS = ("深入打好碧水保卫战，巩固提升水生态环境质量", "持续深化水污染治理")


# Real sentences of the corpus with the headings they stand under.
@pytest.mark.parametrize(
    "titles,text,targets,role",
    [
        (
            ("发展基础和面临的形势", "生态环境保护取得阶段性成效"),
            "治理历史遗留矿山3407公顷、生产矿山3656公顷。",
            False,
            "review",
        ),
        (
            ("生态环境保护基础与环境", "“十三五”时期主要成效"),
            "加强医疗废物收集、贮存、转移、处置等环节的环境监管责任,确保医疗废物全部无害化处置。",
            False,
            "review",
        ),
        (("发展基础和面临的形势", "面临的形势"), "生态环境质量改善成效尚不稳固。", False, "problem"),
        (
            ("生态环境保护基础与环境", "“十四五”生态环境保护面临的主要问题", "环境基础设施建设欠账较多"),
            "二是工业园区污水处理设施还有待提升。",
            False,
            "problem",
        ),
        (
            ("指导思想、遵循原则及目标", "指导思想"),
            "打造“阜新蓝”“阜新绿”,力争在全省率先实现碳达峰、碳中和,走出一条生态立市、绿色崛起之路。",
            False,
            "vision",
        ),
        (("总体要求", "工作原则"), "强化源头防控。", False, "vision"),
        (
            ("指导思想、遵循原则及目标", "规划目标"),
            "展望二〇三五年,广泛形成绿色生产生活方式,碳排放达峰后稳中有降,生态环境实现根本好转,美丽阜新基本形成。",
            False,
            "vision",
        ),
        (("总体要求", "主要目标"), "形成一批可复制、可推广的典型经验；", False, "target"),
        (("加强组织实施", "加强宣传教育"), "开展生态环境保护和应对气候变化科普活动。", False, "safeguard"),
        (("规划实施保障措施", "强化项目支撑"), "完善重大项目清单化推进机制和储备机制。", False, "safeguard"),
        (TASKS, "城镇污水处理设施补短板工程。", False, "task"),
        (TASKS, "到2025年,农村生活污水治理率达到35%。", True, "target"),
        (
            ("加强协同控制,提升环境空气质量", "持续推进涉气污染源治理"),
            "2021年,阜新发电有限责任公司等6家热电联产电厂完成超低排放改造。",
            False,
            "review",
        ),
        (
            ("强化风险防控", "推动固体废物综合利用"),
            "“十三五”期间,建成区全面淘汰10蒸吨及以下燃煤锅炉。",
            False,
            "review",
        ),
        (
            ("以新发展理念为引领", "加快绿色低碳转型升级"),
            "对冶金、石化等产业链补链、延链、强链,改变“炼”有余而“化”不足的状况。",
            False,
            "task",
        ),
        ((), "为深入打好污染防治攻坚战,持续改善生态环境质量,编制本规划。", False, "vision"),
    ],
)
def test_a_clause_knows_its_role(titles, text, targets, role):
    assert clause_role(text, titles, targets, 2023) == role


def test_a_semicolon_part_takes_its_sentences_report():
    head = "“十三五”期间,完成了中央环保督察问题整改"
    assert clause_role("生态环境保护工作全面推进。", ("污染防治", "大气"), False, 2023, head) == "review"


def test_the_innermost_telling_heading_decides():
    assert heading_role(("生态环境保护基础与环境", "“十三五”时期主要成效", "党政主体责任有效落实")) == "review"
    assert heading_role(("强化风险防控，保障环境安全", "加强风险物质环境管理")) == ""  # 保障环境安全 is a task
    assert heading_role(("总体要求", "主要目标")) == "target"


def test_roles_by_key_or_chinese_name():
    assert role_key("成效回顾") == "review" and role_key("task") == "task" and role_key("其他") == ""


@pytest.mark.parametrize(
    "query,asks",
    [
        ("高排放的旧汽车报废了多少", "review"),
        ("十三五期间取得了哪些成效", "review"),
        ("省里对危险废物有什么期限", "commitment"),
        ("重污染天数要控制在多少", "commitment"),
        ("城里的臭水沟什么时候治理完", "commitment"),
        ("我想了解碳达峰", ""),
        ("农用地土壤详查的结论", ""),
        ("重污染天气时要限产的工厂有多少家", ""),  # how many there are: either chapter
    ],
)
def test_what_a_question_asks_about(query, asks):
    assert asked_role(query) == asks


@pytest.mark.slow
def test_agreement_with_the_hand_read_gold():
    """Roles of 128 clauses of three documents, read by hand before the rules were written (bench/role_gold)."""
    from bench.role_agreement import GOLD, agreement, read_gold

    from .conftest import ROOT

    by_file, misses = agreement(ROOT / "corpus", read_gold(GOLD))
    agreed, total = sum(a for a, _ in by_file.values()), sum(n for _, n in by_file.values())
    assert total >= 100 and agreed / total >= 0.9, misses


def test_a_text_without_headings_has_no_preamble():
    """A notice with no outline at all: its sentences are what they say, not a preamble."""
    text = "2025年底前，完成全市入河排污口排查整治。"
    assert clause_role(text, (), False, 2023, outlined=False) == "task"
    assert clause_role(text, (), False, 2023) == "vision"  # before the first heading of a plan
