"""时效: periods from titles and closing clauses, status by date, supersession, the search badge."""

import dataclasses
import datetime as dt
import json

import pytest

from kb.model import Document
from kb.policy.validity import STATUS_NAMES, parse_period, repealed_names, validities
from kb.search.searcher import Filters, Searcher
from kb.store import folder

from .conftest import ROOT, run_cli

VALIDITY_DATA = ROOT / "tests" / "validity_data"


@pytest.mark.parametrize(
    "title,text,date,start,end",
    [
        # the shipped corpus's titles
        ("阜新市“十四五”生态环境保护规划", "", "2023-08-08", "2021-01-01", "2025-12-31"),
        ("辽宁省“十四五”生态环境保护规划", "", "2022-02-08", "2021-01-01", "2025-12-31"),
        ("“十四五”节能减排综合工作方案", "", "2021-12-28", "2021-01-01", "2025-12-31"),
        ("“十四五”生态环境监测规划", "", "2021-12-31", "2021-01-01", "2025-12-31"),
        ("2030年前碳达峰行动方案", "", "2021-10-24", "2021-10-24", "2030-12-31"),
        (
            "减污降碳协同增效实施方案",
            "二、主要目标\n到2025年，减污降碳协同推进的工作格局基本形成。到2030年，减污降碳协同能力显著提升。",
            "2022-06-10",
            "2022-06-10",
            "2030-12-31",
        ),
        (
            "中共中央 国务院关于深入打好污染防治攻坚战的意见",
            "各地区各部门要结合实际认真贯彻落实。",
            "2021-11-02",
            "",
            "",
        ),
        ("辽宁省生态环境保护2021—2025年行动计划", "", "2021-03-01", "2021-01-01", "2025-12-31"),
        # closing clauses written for the test
        (
            "阜新市扬尘污染防治管理办法",
            "第三十条 本办法自2022年1月1日起施行，有效期5年。",
            "2021-12-01",
            "2022-01-01",
            "2026-12-31",
        ),
        ("关于加强秸秆禁烧工作的通知", "本通知自印发之日起施行。", "2023-04-01", "2023-04-01", ""),
        ("阜新市排污许可管理细则", "本细则自印发之日起施行，有效期三年。", "2023-05-10", "2023-05-10", "2026-05-09"),
        ("某市机动车排气污染防治办法", "本办法有效期至2027年12月31日。", "2022-12-01", "", "2027-12-31"),
    ],
)
def test_periods(title, text, date, start, end):
    p = parse_period(title, text, date)
    assert (p.start, p.end) == (start, end)
    assert p.basis


def test_repealed_documents_are_named():
    text = "本办法自2022年1月1日起施行，《阜新市大气污染防治管理办法》（阜政发〔2015〕3号）同时废止。"
    assert repealed_names(text) == ("阜新市大气污染防治管理办法", "阜政发〔2015〕3号")


def _doc(doc_id, title, date, start="", end="", repeals=()):
    return Document(
        doc_id,
        doc_id,
        "",
        "txt",
        "",
        title,
        "阜新市人民政府",
        "",
        date,
        2,
        period_start=start,
        period_end=end,
        repeals=repeals,
    )


PLAN14 = _doc("p14", "阜新市“十四五”生态环境保护规划", "2023-08-08", "2021-01-01", "2025-12-31")
PLAN15 = _doc("p15", "阜新市“十五五”生态环境保护规划", "2026-06-01", "2026-01-01", "2030-12-31")
OLD_RULE = _doc("old", "阜新市扬尘污染防治办法", "2015-03-01", "2015-03-01")
NEW_RULE = _doc("new", "阜新市扬尘污染防治管理办法", "2022-01-01", "2022-01-01", repeals=("阜新市扬尘污染防治办法",))


@pytest.mark.parametrize(
    "as_of,statuses",
    [
        ("2020-06-01", {"p14": "not_yet", "p15": "not_yet", "old": "in_force", "new": "not_yet"}),
        ("2023-09-01", {"p14": "in_force", "p15": "not_yet", "old": "superseded", "new": "in_force"}),
        ("2026-01-15", {"p14": "ended", "p15": "in_force", "old": "superseded", "new": "in_force"}),
        ("2026-11-29", {"p14": "superseded", "p15": "in_force", "old": "superseded", "new": "in_force"}),
    ],
)
def test_status_by_date(as_of, statuses):  # a plan whose period is over has ended (实施期已结束), not 失效
    valid = validities([PLAN14, PLAN15, OLD_RULE, NEW_RULE], dt.date.fromisoformat(as_of))
    assert {d: v.status for d, v in valid.items()} == statuses


def test_successor_and_predecessor_are_recorded():
    valid = validities([PLAN14, PLAN15], dt.date(2026, 11, 29))
    assert valid["p14"].successor == "p15" and valid["p15"].predecessor == "p14"
    assert valid["p14"].label({"p15": PLAN15}) == "已被《阜新市“十五五”生态环境保护规划》替代"


@pytest.fixture(scope="module")
def validity_index(tmp_path_factory):
    from ingest.pipeline import ingest

    path = tmp_path_factory.mktemp("validity") / "index"
    ingest([VALIDITY_DATA], path, encoder_spec="fake")
    return path


def test_the_15th_plan_supersedes_the_14th_and_search_reports_it(validity_index):
    s = Searcher(folder.load(validity_index))
    res = s.run("黑臭水体", top=10, filters=Filters(as_of=dt.date(2026, 11, 29)))
    by_doc = {h.clause.doc_id: h.doc_status for h in res.hits}
    assert by_doc == {"province_14th.txt": "superseded", "province_15th.txt": "in_force"}
    current = s.run("黑臭水体", top=10, filters=Filters(in_force=True, as_of=dt.date(2026, 11, 29)))
    assert {h.clause.doc_id for h in current.hits} == {"province_15th.txt"}
    earlier = s.run("黑臭水体", top=10, filters=Filters(in_force=True, as_of=dt.date(2023, 1, 1)))
    assert {h.clause.doc_id for h in earlier.hits} == {"province_14th.txt"}


@pytest.mark.cli
def test_docs_cli_lists_period_status_and_successor(validity_index):
    r = run_cli("kb", "docs", "--index", str(validity_index), "--as-of", "2026-11-29", "--json")
    docs = {d["doc_id"]: d["validity"] for d in json.loads(r.stdout)}
    assert docs["province_14th.txt"]["status"] == "superseded"
    assert docs["province_14th.txt"]["successor"] == "province_15th.txt"
    assert docs["province_15th.txt"]["start"] == "2026-01-01" and docs["province_15th.txt"]["status"] == "in_force"
    r = run_cli(
        "kb", "search", "黑臭水体", "--index", str(validity_index), "--json", "--in-force", "--as-of", "2026-11-29"
    )
    hits = json.loads(r.stdout)["hits"]
    assert hits and all(h["doc_id"] == "province_15th.txt" and h["doc_status"] == "in_force" for h in hits)


def test_shipped_14th_plans_are_expired_on_2026_11_29():
    from ingest.metadata import catalog_entry, find_catalog

    corpus = ROOT / "corpus"
    for f in sorted(corpus.glob("*.txt")):
        meta = catalog_entry(f, find_catalog(f, corpus))
        p = parse_period(meta.title, f.read_text(encoding="utf-8"), meta.date)
        if "十四五" in meta.title:
            assert p.end == "2025-12-31" and p.end < "2026-11-29"


def test_app_badge_names_the_successor_and_the_filter_keeps_documents_in_force(validity_index, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KB_INDEX", str(validity_index))
    monkeypatch.setenv("KB_TODAY", "2026-11-29")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.text_input(key="query").input("黑臭水体").run()
    assert not at.exception
    badges = [m.value for m in at.markdown if "⚠" in m.value]
    assert any("已被《辽宁省“十五五”生态环境保护规划》替代" in b and "?doc=province_15th.txt" in b for b in badges)
    assert len(at.code) > len(badges)  # clauses of the plan in force carry no badge
    at.segmented_control(key="f_validity").set_value("现行有效").run()
    assert at.code and all(c.value.startswith("《辽宁省“十五五”") for c in at.code)
    assert not any("⚠" in m.value for m in at.markdown)
    assert any("时效：现行有效" in m.value for m in at.markdown)


def test_ended_is_not_expired_and_the_words_say_which():
    """实施期已结束 for a plan whose period is over (nothing repealed it); 失效 for a text whose
    有效期 ran out, or one repealed or replaced."""
    day = dt.date(2026, 12, 5)
    plan = _doc("plan", "阜新市“十四五”生态环境保护规划", "2023-08-08", "2021-01-01", "2025-12-31")
    rule = dataclasses.replace(
        _doc("rule", "阜新市排污许可管理细则", "2023-05-10", "2023-05-10", "2026-05-09"),
        period_basis="文中“自印发之日起施行”，“有效期三年”",
    )
    valid = validities([plan, rule], day)
    assert valid["plan"].status == "ended" and valid["plan"].lapsed
    assert valid["plan"].label({}) == "实施期已结束（2021–2025）" and "失效" not in valid["plan"].label({})
    assert valid["rule"].status == "expired" and valid["rule"].label({}) == "已于2026-05-09失效（有效期届满）"
    assert STATUS_NAMES["ended"] == "实施期已结束"
