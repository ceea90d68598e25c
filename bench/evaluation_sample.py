"""The evaluation report of the shipped Fuxin plan with some items filled in: the README's picture.

    python -m bench.evaluation_sample INDEX OUT.docx      # then: soffice --convert-to pdf; pdftoppm -png -f 1 -l 1

A copy of INDEX gets a pasted indicator table of three rows and six dated tasks with statuses
and progress, as an office would record them; the report is written as the 台账 page writes it.
"""

import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

from kb import service
from kb.office.accounts import User
from kb.reports import ledger_report
from kb.store import open_store
from kb.tracking.ledger import Ledger, successors

src, out = Path(sys.argv[1]), Path(sys.argv[2])
index = Path(tempfile.mkdtemp()) / "index"
shutil.copytree(src, index)
ix = open_store(index)
doc = "fuxin_14th_fyp_eco_env_plan.txt"
admin = User("guanli", "admin")
table = "\n".join(
    [
        "指标\t单位\t基期值\t目标值\t属性\t年份",
        "地表水达到或好于Ⅲ类水体比例\t%\t60\t≥70\t约束性\t2025",
        "细颗粒物（PM2.5）浓度\t微克/立方米\t36\t≤35\t约束性\t2025",
        "城市空气质量优良天数比率\t%\t81\t≥85\t约束性\t2025",
    ]
)
print(service.import_indicator_table(ix, index, doc, table, admin))
book = Ledger(index)
items = book.items(ix, doc)
t = [i for i in items if i.from_table]
book.update(
    ix,
    t[0].item_id,
    admin,
    {
        "status": "done",
        "actuals": {t[0].targets[0].indicator: {"value": "73.3%", "year": 2025}},
        "progress": "2025年国省考断面水质优良比例73.3%",
    },
)
book.update(
    ix,
    t[1].item_id,
    admin,
    {
        "status": "not_done",
        "actuals": {t[1].targets[0].indicator: {"value": 36, "year": 2025}},
        "progress": "受沙尘天气影响，年均浓度36微克/立方米",
    },
)
dated = [i for i in items if not i.from_table and i.clause and i.clause.deadlines][:6]
for k, i in enumerate(dated):
    status = ["done", "done", "in_progress", "partly_done", "done", "not_started"][k]
    book.update(
        ix,
        i.item_id,
        admin,
        {
            "status": status,
            "progress": [
                "已完成排查整治并验收",
                "已建成并投入运行",
                "按计划推进，完成年度任务的80%",
                "完成主要工程，配套管网尚未完工",
                "已印发实施",
                "",
            ][k],
            "lead_units": ["市生态环境局"],
        },
    )
items = book.items(ix, doc)
as_of = dt.date(2026, 12, 5)
data = ledger_report.evaluation_docx(
    items, ix.docs[doc].title, as_of, successors(ix, doc, items, as_of), signer="阜新市生态环境局"
)
out.write_bytes(data)
print(len(items))
