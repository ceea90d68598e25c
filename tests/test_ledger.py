"""The commitments ledger (台账) and the end-of-plan evaluation: items, judgments, roles, history,
the sheet's round trip, and the page."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from ingest.pipeline import ingest
from kb.errors import KBError
from kb.office.accounts import Accounts, User
from kb.office.audit import entries
from kb.policy.commitments import commitments_of, goal_end
from kb.policy.targets import extract_targets, target_met
from kb.store import folder
from kb.tracking.ledger import CHANGED, DELETED, Ledger, can_update

from .conftest import ROOT, run_cli

ADMIN = User("guanli", "admin")
AS_OF = dt.date(2026, 12, 1)


def first_with_targets(index: Path):
    ix = folder.load(index)
    return ix, next(i for i in Ledger(index).items(ix, "city_plan.txt") if i.targets)


@pytest.mark.parametrize(
    "sentence,year,actual,base,met",
    [
        ("到2025年，农村生活污水治理率达到35%。", 2021, 40, None, True),
        ("到2025年，农村生活污水治理率达到35%。", 2021, 30, None, False),
        ("到2025年，地表水劣Ⅴ类水体比例控制在1%以内。", 2022, 1.5, None, False),  # better lower: above is not met
        ("到2025年，地表水劣Ⅴ类水体比例控制在1%以内。", 2022, 0.5, None, True),
        ("到2025年，全国单位国内生产总值能源消耗比2020年下降13.5%。", 2021, 0.88, 1.0, False),  # 12 % down
        ("到2025年，全国单位国内生产总值能源消耗比2020年下降13.5%。", 2021, 0.86, 1.0, True),
        ("到2025年，全国单位国内生产总值能源消耗比2020年下降13.5%。", 2021, 0.86, None, None),  # no base value
        ("到2025年，重点海域水质优良比例比2020年提升2个百分点左右。", 2021, 80.5, 78, True),
        ("地级及以上城市建成区道路机械化清扫率达80%左右。", 2023, 80, None, True),
    ],
)
def test_a_target_is_judged_by_its_comparator(sentence, year, actual, base, met):
    (target,) = extract_targets(sentence, year)
    assert target_met(target, actual, base) is met


def test_every_commitment_is_an_item_and_an_update_is_a_version(ledger_index):
    ix, item = first_with_targets(ledger_index)
    book = Ledger(ledger_index)
    items = book.items(ix, "city_plan.txt")
    clauses = ix.clauses_of("city_plan.txt")
    end = goal_end(ix.docs["city_plan.txt"], clauses)
    assert [i.clause_id for i in items] == [c.clause_id for c in clauses if commitments_of(c, end)]
    assert {i.clause.role for i in items} <= {"task", "target", "safeguard"}  # no review, problem or vision
    undated = [i for i in items if not i.clause.deadlines]
    assert undated and all(i.due_basis == "period" and i.due == (dt.date(2025, 12, 31),) for i in undated)
    indicator = item.targets[0].indicator
    changed = book.update(
        ix,
        item.item_id,
        ADMIN,
        {"status": "推进中", "progress": "已完成管网建设", "actuals": {indicator: {"value": 72, "year": 2025}}},
    )
    assert changed.status == "in_progress" and changed.met() == {indicator: True}
    assert {h["field"] for h in changed.history} == {"status", "progress", "actuals"}
    assert all(h["user"] == "guanli" for h in changed.history)
    line = entries(ledger_index)[-1]
    assert line["action"] == "ledger_update" and line["item"] == item.item_id and line["user"] == "guanli"
    with pytest.raises(KBError, match="unknown status"):
        book.update(ix, item.item_id, ADMIN, {"status": "差不多"})


def two_units(index: Path):
    """Two city items whose lead units an admin corrected (the fixture plan names none): (ours, theirs)."""
    ix = folder.load(index)
    book = Ledger(index)
    ours, theirs = book.items(ix, "city_plan.txt")[:2]
    book.update(ix, ours.item_id, ADMIN, {"lead_units": ["市生态环境局"], "partner_units": ["各县区政府"]})
    book.update(ix, theirs.item_id, ADMIN, {"lead_units": ["市住房和城乡建设局"]})
    return ix, book, book.item(ix, ours.item_id), book.item(ix, theirs.item_id)


def test_a_reporter_updates_only_its_units_items(ledger_index):
    ix, book, led, other = two_units(ledger_index)
    assert led.lead_units == ("市生态环境局",) and led.partner_units == ("各县区政府",)  # corrected per item
    reporter = User("tianbao", "reporter", ("生态环境局",))
    assert can_update(reporter, led) and not can_update(reporter, other)
    assert not can_update(User("chakan", "viewer"), led)
    book.update(ix, led.item_id, reporter, {"progress": "按期推进"})
    with pytest.raises(KBError, match="may not update"):
        book.update(ix, other.item_id, reporter, {"progress": "越权填报"})


def test_rewording_a_clause_keeps_its_item_and_history_and_flags_it(ledger_index, corpus_copy):
    ix, item = first_with_targets(ledger_index)
    book = Ledger(ledger_index)
    book.update(ix, item.item_id, ADMIN, {"status": "done", "progress": "已完成"})
    city = corpus_copy / "city_plan.txt"
    gone = next(i for i in book.items(ix, "city_plan.txt") if i.item_id != item.item_id)
    text = city.read_text(encoding="utf-8")
    city.write_text(
        text.replace(item.text, item.text.replace("达到", "提高到")).replace(gone.text, ""), encoding="utf-8"
    )
    ingest([corpus_copy], ledger_index)
    ix = folder.load(ledger_index)
    after = {i.item_id: i for i in book.items(ix, "city_plan.txt")}
    kept = after[item.item_id]
    assert kept.flags == (CHANGED,) and kept.status == "done" and "提高到" in kept.text
    assert [h["field"] for h in kept.history].count("text") == 1 and kept.record["progress"] == "已完成"
    assert after[gone.item_id].flags == (DELETED,)
    book.update(ix, item.item_id, ADMIN, {"progress": "已核对新表述"})  # whoever updates it has checked it
    assert book.item(ix, item.item_id).flags == ()


@pytest.mark.cli
def test_the_sheet_round_trip_through_the_cli(ledger_index, tmp_path):
    """Export the 台账, fill row 3 with openpyxl, import it (preview, then --apply), list it."""
    from openpyxl import load_workbook

    sheet = tmp_path / "台账.xlsx"
    r = run_cli("kb", "ledger", "export", "--doc", "city", "--xlsx", str(sheet), "--index", str(ledger_index))
    assert r.returncode == 0, r.stderr
    wb = load_workbook(sheet)
    ws = wb.active
    headers = [c.value for c in ws[2]]
    assert headers[:8] == ["序号", "任务内容", "牵头单位", "配合单位", "完成时限", "进展情况", "完成状态", "佐证材料"]
    assert ws.freeze_panes == "B3" and ws.auto_filter.ref
    col = {h: i + 1 for i, h in enumerate(headers)}
    item_id = ws.cell(3, col["台账编号"]).value
    ws.cell(3, col["完成状态"]).value = "已完成"
    ws.cell(3, col["进展情况"]).value = "2025年11月全部完成并通过验收"
    ws.append(["99", "一项台账里没有的任务"])
    wb.save(sheet)
    preview = json.loads(run_cli("kb", "ledger", "import", str(sheet), "--json", "--index", str(ledger_index)).stdout)
    assert not preview["applied"] and {c["field"] for c in preview["changes"]} == {"status", "progress"}
    assert preview["unmatched"][0]["text"] == "一项台账里没有的任务"
    listed = json.loads(run_cli("kb", "ledger", "list", "--doc", "city", "--json", "--index", str(ledger_index)).stdout)
    assert next(i for i in listed if i["item_id"] == item_id)["status"] == "not_started"  # a preview writes nothing
    r = run_cli("kb", "ledger", "import", str(sheet), "--apply", "--index", str(ledger_index))
    assert r.returncode == 0 and "applied" in r.stdout
    listed = json.loads(run_cli("kb", "ledger", "list", "--doc", "city", "--json", "--index", str(ledger_index)).stdout)
    got = next(i for i in listed if i["item_id"] == item_id)
    assert (
        got["status"] == "done"
        and got["progress"] == "2025年11月全部完成并通过验收"
        and got["citation"].startswith("《")
    )
    assert {
        "item_id",
        "clause_id",
        "text",
        "citation",
        "lead_units",
        "partner_units",
        "due",
        "targets",
        "status",
        "progress",
        "actuals",
        "met",
        "flags",
        "history",
    } <= set(got)
    assert any(e["action"] == "ledger_update" and e["item"] == item_id for e in entries(ledger_index))


@pytest.mark.cli
def test_a_reporter_imports_only_its_own_items(ledger_index, tmp_path):
    from openpyxl import load_workbook

    Accounts(ledger_index).add_user("tianbao", "tianbao-2026", "reporter", units=("不存在的局",))
    sheet = tmp_path / "台账.xlsx"
    run_cli("kb", "ledger", "export", "--doc", "city", "--xlsx", str(sheet), "--index", str(ledger_index))
    wb = load_workbook(sheet)
    wb.active.cell(3, 7).value = "已完成"
    wb.save(sheet)
    out = json.loads(
        run_cli(
            "kb", "ledger", "import", str(sheet), "--apply", "--as", "tianbao", "--json", "--index", str(ledger_index)
        ).stdout
    )
    assert out["changes"] == [] and out["refused"] and "不是本单位" in out["refused"][0]["reason"]


@pytest.mark.cli
def test_cli_update_and_its_errors(ledger_index):
    ix, item = first_with_targets(ledger_index)
    indicator = item.targets[0].indicator
    r = run_cli(
        "kb",
        "ledger",
        "update",
        item.item_id,
        "--status",
        "已完成",
        "--actual",
        f"{indicator}=72@2025",
        "--done-on",
        "2025-11-30",
        "--evidence",
        "https://oa.example.gov/doc/1",
        "--json",
        "--index",
        str(ledger_index),
    )
    got = json.loads(r.stdout)
    assert got["status"] == "done" and got["met"] == {indicator: True} and got["done_on"] == "2025-11-30"
    assert got["evidence"] == [{"url": "https://oa.example.gov/doc/1"}]
    for args, message in (
        (["--actual", "七十二"], "无法读取实际值"),
        (["--status", "差不多"], "unknown status"),
        ([], "nothing to change"),
    ):
        r = run_cli("kb", "ledger", "update", item.item_id, *args, "--index", str(ledger_index))
        assert r.returncode == 1 and r.stderr.startswith("Error:") and message in r.stderr
    r = run_cli("kb", "ledger", "update", "L-nothing", "--status", "done", "--index", str(ledger_index))
    assert r.returncode == 1 and "no ledger item" in r.stderr


def test_the_evaluation_report_is_a_gongwen_with_the_targets_table(ledger_index):
    import docx

    from kb.reports.ledger_report import evaluation_docx

    ix, item = first_with_targets(ledger_index)
    book = Ledger(ledger_index)
    indicator = item.targets[0].indicator
    book.update(ix, item.item_id, ADMIN, {"status": "done", "actuals": {indicator: {"value": 72, "year": 2025}}})
    doc = evaluation_docx(book.items(ix, "city_plan.txt"), "某规划", AS_OF, signer="阜新市生态环境局")
    document = docx.Document(io.BytesIO(doc))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "《某规划》实施情况总结评估" in text
    parts = ["一、总体进展", "二、主要成效", "三、存在问题", "四、下一步工作及“十五五”衔接"]
    positions = [next(k for k, p in enumerate(document.paragraphs) if p.text == part) for part in parts]
    assert positions == sorted(positions)  # the four parts, in order, then the table and the 落款
    assert "【指标达标】" in text and "【已完成】" in text  # what was achieved is shown
    assert document.paragraphs[-2].text == "阜新市生态环境局" and document.paragraphs[-1].text == "2026年12月1日"
    assert any(p.text.startswith("六、“三水统筹”") and "：共" in p.text for p in document.paragraphs)  # chapter names
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["指标", "基期值", "目标值", "实际值", "完成情况"]
    assert any(r.cells[0].text == indicator and r.cells[4].text == "已达标" for r in table.rows)
    heading = next(p for p in document.paragraphs if p.text == "一、总体进展")
    assert heading.style.name == "Normal" and heading.runs[0].font.name == "黑体"  # not Word's blue heading


@pytest.mark.server
def test_the_api_applies_the_role_rules(ledger_index):
    from .test_api import api_server, call

    Accounts(ledger_index).add_user("guanli", "guanli-2026", "admin")
    _, _, led, other = two_units(ledger_index)
    Accounts(ledger_index).add_user("tianbao", "tianbao-2026", "reporter", units=("市生态环境局",))
    from kb.office.tokens import Tokens

    token = Tokens(ledger_index).make("tianbao")[1]
    body = json.dumps({"status": "in_progress", "progress": "推进中"}).encode()
    headers = {"Content-Type": "application/json"}
    with api_server(ledger_index) as base:
        status, got, _ = call(base, f"/v1/ledger/{led.item_id}", token, "PATCH", body, headers)
        assert status == 200 and json.loads(got)["status"] == "in_progress"
        status, got, _ = call(base, f"/v1/ledger/{other.item_id}", token, "PATCH", body, headers)
        assert status == 403 and json.loads(got)["fix"]
        listed = json.loads(call(base, "/v1/ledger?doc=city", token)[1])
        assert next(i for i in listed if i["item_id"] == led.item_id)["progress"] == "推进中"


def open_page(index: Path, name: str):
    """The app on ``index`` (today = ``AS_OF``), on the page whose label holds ``name``."""
    from streamlit.testing.v1 import AppTest

    os.environ["KB_INDEX"] = str(index)
    os.environ["KB_TODAY"] = AS_OF.isoformat()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    label = next(o for o in at.sidebar.radio(key="page").options if name in o)
    at.sidebar.radio(key="page").set_value(label).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_ledger_page_browses_filters_and_updates(ledger_index):
    try:
        at = open_page(ledger_index, "台账")
        at.selectbox(key="l_doc").set_value("city_plan.txt").run()
        metrics = {m.label: int(m.value) for m in at.metric}
        # every 2025 deadline has passed by December 2026, in a plan whose period has ended and whose
        # 台账 records nothing: 已到期, not known to be late (逾期)
        assert metrics["未启动"] == len(at.dataframe[0].value) and metrics["逾期"] == 0
        assert set(at.dataframe[0].value["逾期"]) == {"已到期"}
        assert any(f"另有 {metrics['未启动']} 项已到期" in c.value for c in at.caption)
        next(s for s in at.selectbox if s.label == "完成状态").set_value("in_progress")
        next(b for b in at.button if b.label == "保存").click().run()
        assert {m.label: int(m.value) for m in at.metric}["逾期"] == 1  # recorded, still open: late
        next(s for s in at.selectbox if s.label == "完成状态").set_value("done")
        next(b for b in at.button if b.label == "保存").click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert {m.label: int(m.value) for m in at.metric}["已完成"] == 1
        at.multiselect(key="l_status").set_value(["done"]).run()
        assert len(at.dataframe[0].value) == 1
    finally:
        os.environ.pop("KB_TODAY", None)


def test_unfinished_items_carry_forward_to_the_successor_plan(tmp_path):
    """Once the 十五五 plan is in, an unfinished 十四五 item shows its counterpart there."""
    from kb.reports.cite import citation
    from kb.tracking.ledger import successors

    from .conftest import ROOT as root

    corpus = tmp_path / "plans"
    shutil.copytree(root / "tests" / "validity_data", corpus)
    later = corpus / "province_15th.txt"  # the successor keeps one task in the same words
    kept = "2030年底前，县级城市建成区基本消除黑臭水体。\n"
    later.write_text(later.read_text(encoding="utf-8") + kept, encoding="utf-8")
    index = tmp_path / "index"
    ingest([corpus], index, encoder_spec="fake")
    ix = folder.load(index)
    book = Ledger(index)
    items = book.items(ix, "province_14th.txt")
    black = next(i for i in items if "县级城市建成区基本消除黑臭水体" in i.text)
    carried = successors(ix, "province_14th.txt", items, AS_OF)
    cited = citation(carried[black.item_id])
    assert "黑臭水体" in cited and cited.startswith("《辽宁省“十五五”")
    book.update(ix, black.item_id, ADMIN, {"status": "done"})
    assert black.item_id not in successors(ix, "province_14th.txt", book.items(ix, "province_14th.txt"), AS_OF)


def _done_dated_item(index: Path):
    """An item with a written date, marked 已完成 on 2025-10-20 by an admin: (index, item)."""
    ix = folder.load(index)
    book = Ledger(index)
    item = next(i for i in book.items(ix, "city_plan.txt") if i.clause.deadlines)
    book.update(ix, item.item_id, ADMIN, {"status": "done", "done_on": "2025-10-20"})
    return ix, item


def test_deadlines_read_the_ledger(ledger_index):
    """期限跟踪 shows a finished item as 已完成 with its date, not 已逾期; without the 台账, as before."""
    from kb import service

    ix, item = _done_dated_item(ledger_index)
    rows = [r for r in service.deadline_list(ix, as_of="2026-12-01", state_dir=ledger_index)]
    mine = [r for r in rows if r.clause.clause_id == item.clause_id]
    assert mine and all(r.status == "done" and r.to_dict()["done_on"] == "2025-10-20" for r in mine)
    # the others: the plan's period has ended and the 台账 says nothing of them: 已到期, not 已逾期
    city = [r for r in rows if r.clause.doc_id == "city_plan.txt" and r.clause.clause_id != item.clause_id]
    assert any(r.status == "due_passed" for r in city) and not any(r.status == "overdue" for r in city)
    before = [r for r in service.deadline_list(ix, as_of="2026-12-01") if r.clause.clause_id == item.clause_id]
    assert {r.status for r in before} == {"due_passed"}
    # an item the 台账 tracks (in progress) past its date is 已逾期
    book = Ledger(ledger_index)
    late = next(i for i in book.items(ix, "city_plan.txt") if i.clause.deadlines and i.item_id != item.item_id)
    book.update(ix, late.item_id, ADMIN, {"status": "in_progress", "progress": "完成60%"})
    again = service.deadline_list(ix, as_of="2026-12-01", state_dir=ledger_index)
    assert {r.status for r in again if r.clause.clause_id == late.clause_id} <= {"overdue", "started"}
    assert service.STATUS_NAMES["due_passed"] == "已到期"
    assert [r.clause.clause_id for r in service.deadline_list(ix, statuses=["done"], state_dir=ledger_index)] == [
        r.clause.clause_id for r in mine
    ]


def test_the_deadlines_page_shows_a_finished_item_as_done(ledger_index):
    _, item = _done_dated_item(ledger_index)
    try:
        at = open_page(ledger_index, "期限")
        table = at.dataframe[0].value
        done = table[table["状态"] == "已完成"]
        assert len(done) >= 1 and all(item.clause.text[:10] in t for t in done["条款"])
        assert "已逾期" in set(table["状态"])
    finally:
        os.environ.pop("KB_TODAY", None)


@pytest.mark.server
def test_the_api_shows_a_finished_item_as_done(ledger_index):
    from kb.office.tokens import Tokens

    from .test_api import api_server, call

    _, item = _done_dated_item(ledger_index)
    Accounts(ledger_index).add_user("chakan", "chakan-2026", "viewer")
    token = Tokens(ledger_index).make("chakan")[1]
    with api_server(ledger_index) as base:
        status, body, _ = call(base, "/v1/deadlines?doc=city&as_of=2026-12-01", token)
        rows = [r for r in json.loads(body) if r["clause_id"] == item.clause_id]
        assert status == 200 and rows and all(r["status"] == "done" and r["done_on"] == "2025-10-20" for r in rows)
