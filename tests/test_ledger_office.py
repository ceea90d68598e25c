"""The 台账 as an office runs it: units set in the app, reporters importing their rows, forgiving
input, evidence files, the plan's indicator table, and an evaluation an office can send."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat

import pytest

from kb import service
from kb.errors import KBError
from kb.office.accounts import User
from kb.reports import ledger_report
from kb.store import folder
from kb.tracking.ledger import Ledger, parse_actual, read_date

from .conftest import ROOT
from .test_ledger import ADMIN, AS_OF, open_page

REPORTER = User("tianbao", "reporter", ("市生态环境局",))
DOC = "city_plan.txt"


@pytest.mark.parametrize(
    "text,indicators,expected",
    [
        ("82.5%", ("农村生活污水治理率",), ("农村生活污水治理率", 82.5, None)),
        ("82.5", ("农村生活污水治理率",), ("农村生活污水治理率", 82.5, None)),
        ("８２．５％", ("农村生活污水治理率",), ("农村生活污水治理率", 82.5, None)),  # full width
        ("36.2（2025年）", ("PM2.5浓度",), ("PM2.5浓度", 36.2, 2025)),
        ("农村生活污水治理率：38", (), ("农村生活污水治理率", 38.0, None)),
        ("农村生活污水治理率=40@2025", (), ("农村生活污水治理率", 40.0, 2025)),
    ],
)
def test_actual_values_as_offices_write_them(text, indicators, expected):
    assert parse_actual(text, indicators) == expected


def test_unreadable_values_are_refused_in_chinese_with_the_form_to_use():
    with pytest.raises(KBError, match="无法读取实际值.*指标=值@年份"):
        parse_actual("七十二", ("农村生活污水治理率",))
    with pytest.raises(KBError, match="无法读取实际值"):
        parse_actual("82.5", ("甲", "乙"))  # two indicators: the value must name one
    assert read_date("2025年10月20日") == read_date("２０２５.10.20") == "2025-10-20"
    with pytest.raises(KBError, match="无法读取日期"):
        read_date("十月")


def _sheet(items, fill) -> bytes:
    """The exported 台账 sheet, filled by ``fill(ws, rows_by_item_id)`` with openpyxl."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(ledger_report.to_xlsx(items, "阜新规划")))
    ws = wb["台账"]
    header = {c.value: c.column for c in ws[2]}
    rows = {ws.cell(r, header["台账编号"]).value: r for r in range(3, ws.max_row + 1)}
    fill(ws, header, rows)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_filled_sheet_with_real_office_input_imports(ledger_index):
    """82.5% as Excel stores it (0.825, formatted %), full-width digits, a date cell, an empty row, a merged header."""
    ix = folder.load(ledger_index)
    book = Ledger(ledger_index)
    items = book.items(ix, DOC)
    targeted = [i for i in items if len(i.targets) == 1][:2]
    first, second = targeted

    def fill(ws, h, rows):
        ws.cell(rows[first.item_id], h["实际值"]).value = 0.825
        ws.cell(rows[first.item_id], h["实际值"]).number_format = "0.0%"
        ws.cell(rows[first.item_id], h["完成状态"]).value = "已完成"
        ws.cell(rows[first.item_id], h["完成日期"]).value = dt.datetime(2025, 10, 20)
        ws.cell(rows[second.item_id], h["实际值"]).value = "３６．２（２０２５年）"
        ws.insert_rows(rows[second.item_id])  # an empty row between
        ws.merge_cells("A1:F1")  # the title merged over the header's first columns

    sheet = _sheet(items, fill)
    plan = ledger_report.plan_import(items, ledger_report.read_xlsx(sheet), lambda i: True)
    assert plan.refused == [] and plan.unmatched == []
    assert plan.changes[first.item_id]["actuals"] == {first.targets[0].indicator: {"value": 82.5, "year": None}}
    assert plan.changes[first.item_id]["done_on"] == "2025-10-20" and plan.changes[first.item_id]["status"] == "done"
    assert plan.changes[second.item_id]["actuals"][second.targets[0].indicator] == {"value": 36.2, "year": 2025}
    for item_id, changes in plan.changes.items():
        book.update(ix, item_id, ADMIN, changes)
    assert book.item(ix, first.item_id).met()[first.targets[0].indicator] is not None


def test_the_sheet_explains_itself(ledger_index):
    from openpyxl import load_workbook

    ix = folder.load(ledger_index)
    wb = load_workbook(io.BytesIO(ledger_report.to_xlsx(Ledger(ledger_index).items(ix, DOC), "阜新规划")))
    assert wb.sheetnames == ["台账", "填写说明"]
    header = {c.value: c for c in wb["台账"][2]}
    assert "指标=值@年份" in header["实际值"].comment.text and "顿号" in header["牵头单位"].comment.text
    guide = "\n".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
    assert "实际值" in guide and "完成状态" in guide and "已完成" in guide


def test_a_reporter_imports_its_units_rows_and_the_others_are_refused_with_reasons(ledger_index):
    ix = folder.load(ledger_index)
    book = Ledger(ledger_index)
    ours, theirs = book.items(ix, DOC)[:2]
    service.assign_units(ix, ledger_index, [ours.item_id], ["市生态环境局"], [], ADMIN)
    service.assign_units(ix, ledger_index, [theirs.item_id], ["市住房和城乡建设局"], [], ADMIN)
    items = book.items(ix, DOC)

    def fill(ws, h, rows):
        for item in (ours, theirs):
            ws.cell(rows[item.item_id], h["进展情况"]).value = "已开工建设"

    plan = ledger_report.plan_import(
        items, ledger_report.read_xlsx(_sheet(items, fill)), lambda i: service.can_update(REPORTER, i)
    )
    assert list(plan.changes) == [ours.item_id]
    ((row, reason),) = plan.refused
    assert "市住房和城乡建设局" in reason and "不是本单位" in reason


def test_a_division_of_tasks_sheet_fills_units_by_shortened_task_text(ledger_index):
    """任务分工: only 任务内容 (as the office shortened it) and 牵头单位."""
    from openpyxl import Workbook

    ix = folder.load(ledger_index)
    items = Ledger(ledger_index).items(ix, DOC)
    target = next(i for i in items if len(i.text) > 30)
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "任务内容", "牵头单位", "配合单位"])
    ws.append([1, target.text[:20], "市生态环境局", "各县区政府、市财政局"])
    out = io.BytesIO()
    wb.save(out)
    plan = ledger_report.plan_import(items, ledger_report.read_xlsx(out.getvalue()), lambda i: True)
    units = {"lead_units": ["市生态环境局"], "partner_units": ["各县区政府", "市财政局"]}
    assert plan.changes == {target.item_id: units}


def test_units_set_in_the_app_for_a_whole_chapter(ledger_index):
    """An admin picks a chapter, types a new lead unit, saves: every item of the chapter has it;
    期限跟踪 then offers and filters by it."""
    try:
        at = open_page(ledger_index, "台账")
        at.selectbox(key="l_doc").set_value(DOC).run()
        chapter = at.selectbox(key="u_chapter").options[1]
        at.selectbox(key="u_chapter").set_value(chapter).run()
        at.text_input(key="u_lead_new").set_value("市生态环境局").run()
        next(b for b in at.button if b.label == "保存单位").click().run()
        assert not at.exception, [e.value for e in at.exception]
    finally:
        os.environ.pop("KB_TODAY", None)
    ix = folder.load(ledger_index)
    items = Ledger(ledger_index).items(ix, DOC)
    assigned = [i for i in items if ledger_report.chapter_name(i) == chapter]
    assert assigned and all(i.lead_units == ("市生态环境局",) for i in assigned)
    assert "市生态环境局" in service.known_units(ix, ledger_index)
    rows = service.deadline_list(ix, unit="市生态环境局", state_dir=ledger_index)
    assert rows and {r.clause.clause_id for r in rows} <= {i.clause_id for i in assigned}


def test_evidence_files_are_stored_privately_listed_and_read_back(ledger_index):
    ix = folder.load(ledger_index)
    book = Ledger(ledger_index)
    ours, theirs = book.items(ix, DOC)[:2]
    service.assign_units(ix, ledger_index, [ours.item_id], ["市生态环境局"], [], ADMIN)
    pdf = "%PDF-1.4 验收报告".encode()
    item = service.attach_evidence(ix, ledger_index, ours.item_id, "验收报告.pdf", pdf, REPORTER)
    (entry,) = item.evidence
    assert entry["name"] == "验收报告.pdf" and book.evidence_file(item, entry["sha256"]) == ("验收报告.pdf", pdf)
    stored = next((ledger_index / "evidence").glob(entry["sha256"] + ".pdf"))
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    with pytest.raises(KBError, match="不能为"):
        service.attach_evidence(ix, ledger_index, theirs.item_id, "x.pdf", pdf, REPORTER)
    with pytest.raises(KBError, match="不是可接受的文件类型"):
        service.attach_evidence(ix, ledger_index, ours.item_id, "x.exe", b"MZ", ADMIN)


def _indicator_sheet(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "指标", "单位", "基期值", "目标值", "属性", "年份"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_plans_indicator_table_from_xlsx_is_judged_and_reported_without_review_figures(ledger_index):
    import docx

    ix = folder.load(ledger_index)
    sheet = _indicator_sheet(
        [
            [1, "地表水达到或好于Ⅲ类水体比例", "%", "70", "≥80", "约束性", "2025"],
            [2, "细颗粒物（PM2.5）浓度", "微克/立方米", "36", "≤33", "约束性", "2025年"],
            [3, "“十三五”秸秆综合利用率", "%", "", "90", "预期性", "2020"],  # the review period's figure
        ]
    )
    refused = service.import_indicator_table(ix, ledger_index, DOC, sheet, ADMIN)
    assert len(refused) == 1 and "2020" in refused[0] and "回顾" in refused[0]
    book = Ledger(ledger_index)
    table = [i for i in book.items(ix, DOC) if i.from_table]
    assert [t.targets[0].indicator for t in table] == ["地表水达到或好于Ⅲ类水体比例", "细颗粒物（PM2.5）浓度"]
    water, pm = table
    assert water.targets[0].comparator == ">=" and pm.targets[0].comparator == "<="
    assert pm.due == (dt.date(2025, 12, 31),)
    book.update(ix, water.item_id, ADMIN, {"actuals": {water.targets[0].indicator: {"value": "82.1%", "year": 2025}}})
    book.update(ix, pm.item_id, ADMIN, {"actuals": {pm.targets[0].indicator: {"value": 35, "year": 2025}}})
    items = book.items(ix, DOC)
    assert next(i for i in items if i.item_id == water.item_id).met() == {"地表水达到或好于Ⅲ类水体比例": True}
    assert next(i for i in items if i.item_id == pm.item_id).met() == {"细颗粒物（PM2.5）浓度": False}
    report = docx.Document(io.BytesIO(ledger_report.evaluation_docx(items, "阜新规划", AS_OF)))
    text = "\n".join(p.text for p in report.paragraphs)
    for part in ("一、总体进展", "二、主要成效", "三、存在问题", "四、下一步工作及“十五五”衔接"):
        assert part in text
    assert "【指标达标】地表水" in text and "【指标未达标】细颗粒物" in text
    indicators = [r.cells[0].text for r in report.tables[0].rows[1:]]
    assert "地表水达到或好于Ⅲ类水体比例" in indicators and not any("十三五" in x or "秸秆" in x for x in indicators)
    assert all(i.clause is None or i.clause.role in ("task", "target", "safeguard") for i in items)


def test_the_page_says_when_the_plans_indicator_table_is_missing(tmp_path):
    """The Fuxin plan announces 20 indicators whose table is an image: the 台账 page says so."""
    from ingest.pipeline import ingest

    index = tmp_path / "index"
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "plan.txt").write_text(
        "某市“十四五”生态环境保护规划\n一、规划目标\n具体指标:包括环境治理、生态保护等四大类20项指标。\n"
        "二、主要任务\n2025年底前,完成全市入河排污口排查整治。\n",
        encoding="utf-8",
    )
    ingest([corpus], index, encoder_spec="fake")
    try:
        at = open_page(index, "台账")
        assert any("20项指标" in i.value and "图片" in i.value for i in at.info)
    finally:
        os.environ.pop("KB_TODAY", None)
    assert ROOT.exists()
