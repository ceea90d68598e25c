"""Test pairs for 修订对照: copies of real plans edited by hand-written rules, and the gold of each edit.

    python -m bench.revision_edits                 # writes tests/diff_data/*_v2.txt and gold.tsv
    python -m bench.revision_agreement --index I   # (tests/test_revisions.py) precision and recall

Each edit names text of the old version and what it becomes; the gold says which row kind (and
which change) a careful reader expects. The edits were written by reading the plans, before the
comparison was run on them.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "diff_data"

# (old fragment, new fragment or None to delete it; a fragment "+X" after an old one adds X), kind, change
FUXIN = [
    ("城市生活污水集中收集率达到70%以上", "城市生活污水集中收集率达到75%以上", "modified", "target"),
    ("重度及以上污染天数比率控制在0.3%以内", "重度及以上污染天数比率控制在0.5%以内", "modified", "target"),
    ("到2025年,农村生活污水治理率达到35%", "到2027年,农村生活污水治理率达到35%", "modified", "date"),
    ("2025年底前,基本消除较大面积的农村黑臭水体", "2025年底前,全面消除较大面积的农村黑臭水体", "modified", "strength"),
    ("2023年底前,完成一批化工园区", "2024年底前,完成一批化工园区", "modified", "date"),
    ("开展阜新市LXB替代水源附属工程。", "", "deleted", ""),
    ("加强农村垃圾粪污分类处理,实现农业生产废弃物资源化利用。", "", "deleted", ""),
    ("积极争取国家园区循环化改造试点示范", "积极申报国家园区循环化改造试点示范", "modified", "wording"),
    ("鼓励引导农民增施有机肥", "要求农民增施有机肥", "modified", "strength"),
    ("建筑垃圾综合利用率达到60%", "建筑垃圾综合利用率达到70%", "modified", "target"),
    ("农村自来水普及率达到80%", "农村自来水普及率达到85%", "modified", "target"),
    (
        "新建矿山100%达到绿色矿山建设要求。",
        "新建矿山100%达到绿色矿山建设要求。2026年底前,建成全市矿山生态修复监管平台。",
        "added",
        "",
    ),
    ("推进园区循环化发展,", "推进园区循环化发展,2026年底前建成3个循环化改造示范园区。", "added", ""),
    (
        "2025年底前,涉危涉重企业和化工园区环境应急预案备案率达到100%",
        "2024年底前,涉危涉重企业和化工园区环境应急预案备案率达到100%",
        "modified",
        "date",
    ),
    ("积极推进氢能产业发展,加快实施能源消费结构调整,强力推进能耗“双控”。", "", "deleted", ""),
    ("加强新能源汽车推广,引导市民绿色出行。", "加强新能源汽车推广,倡导市民绿色出行。", "modified", "wording"),
    ("城镇新建建筑中绿色建筑面积占比达到100%", "城镇新建建筑中绿色建筑面积占比达到90%", "modified", "target"),
    ("推进城镇生活垃圾分类。", "推进城镇生活垃圾分类。2025年底前,城市生活垃圾回收利用率达到35%以上。", "added", ""),
    (
        "全面实施清洁能源采暖,实施电能替代、天然气替代、集中供热替代、新能源替代等散煤替代、棚户区改造。",
        "",
        "deleted",
        "",
    ),
    ("探索实施以二氧化碳排放强度控制为主", "全面实施以二氧化碳排放强度控制为主", "modified", "strength"),
    (
        "开展阜新市温室气体清单编制,夯实温室气体排放控制基础。",
        "编制阜新市温室气体排放清单,夯实温室气体排放控制基础。",
        "modified",
        "wording",
    ),
    ("十二、规划实施保障措施", "十三、规划实施保障措施", "same", ""),  # a renumbered chapter: its clauses stay the same
]
SYNERGY = [
    ("新增大宗固废综合利用率达到60%", "新增大宗固废综合利用率达到65%", "modified", "target"),
    ("全国短流程炼钢占比分别提升至15%、20%以上", "全国短流程炼钢占比分别提升至18%、25%以上", "modified", "target"),
    ("2025年再生铝产量达到1150万吨，", "2025年再生铝产量达到1200万吨，", "modified", "target"),
    (
        "新能源汽车新车销售量达到汽车新车销售量的50%左右",
        "新能源汽车新车销售量达到汽车新车销售量的60%左右",
        "modified",
        "target",
    ),
    ("稳步发展装配式建筑，推广使用绿色建材。", "", "deleted", ""),
    ("合理控制城市照明能耗。", "", "deleted", ""),
    ("推动碳捕集、利用与封存技术在工业领域应用。", "", "deleted", ""),
    ("探索建立“碳普惠”等公众参与机制。", "全面推行“碳普惠”等公众参与机制。", "modified", "strength"),
    ("鼓励小规模、渐进式更新和微改造", "推动小规模、渐进式更新和微改造", "modified", "strength"),
    ("加快淘汰老旧船舶，", "加快淘汰老旧船舶和老旧渔船，", "modified", "wording"),
    (
        "开展绿色社区等建设，深入开展全社会反对浪费行动。",
        "开展绿色社区等建设，深入开展全社会反对浪费行动。2024年底前，建成一批绿色低碳示范社区。",
        "added",
        "",
    ),
    (
        "推广绿色包装，推动包装印刷减量化，减少印刷面积和颜色种类。",
        "推广绿色包装，推动包装印刷减量化。减少印刷面积和颜色种类。",
        "modified",
        "split",
    ),
    (
        "发展城市绿色配送体系，加强城市慢行交通系统建设。",
        "发展城市绿色配送体系并加强城市慢行交通系统建设。",
        "modified",
        "wording",
    ),
    (
        "优化城镇布局，合理控制城镇建筑总规模，加强建筑拆建管理，",
        "优化城镇布局，严格控制城镇建筑总规模，加强建筑拆建管理，",
        "modified",
        "strength",
    ),
    (
        "推广高效低碳技术，加快再生有色金属产业发展。",
        "推广高效低碳技术。加快再生有色金属产业发展。",
        "modified",
        "split",
    ),
    ("严控煤电项目，", "严控煤电项目，2025年底前完成燃煤电厂节能降碳改造，", "modified", "wording"),
]
# A paragraph moved to another chapter: its clauses are ``moved``.
MOVES = {
    "synergy": (
        "（二十一）加强协同技术研发应用。",
        "七、强化支撑保障",
    ),
}


def apply(text: str, edits, doc: str) -> tuple[str, list[tuple[str, str, str, str]]]:
    gold = []
    for old, new, kind, change in edits:
        if text.count(old) != 1:
            raise SystemExit(f"{doc}: the fragment must stand once: {old}")
        text = text.replace(old, new)
        fragment = (
            old if kind == "deleted" else (new.replace(old, "") if kind == "added" and new.startswith(old) else new)
        )
        if kind == "added" and not new.startswith(old):
            fragment = new[new.index(old.rstrip("，,")) + len(old.rstrip("，,")) :] if old.rstrip("，,") in new else new
        gold.append((doc, kind, change, fragment.strip("，,")))
    return text, gold


def move_paragraph(text: str, head: str, before: str) -> tuple[str, list[str]]:
    """The paragraph that opens with ``head`` cut out and put before the line ``before``."""
    lines = text.split("\n")
    k = next(i for i, line in enumerate(lines) if line.startswith(head))
    para = lines.pop(k)
    j = next(i for i, line in enumerate(lines) if line.startswith(before))
    lines.insert(j, para)
    # the heading and the closing (X、Y按职责分工负责) are no clauses
    return "\n".join(lines), [s for s in para.split("。")[1:] if len(s) > 12 and not s.startswith("（")]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    fuxin = (ROOT / "corpus" / "fuxin_14th_fyp_eco_env_plan.txt").read_text(encoding="utf-8")
    synergy = (ROOT / "corpus" / "mee_pollution_carbon_reduction_synergy_plan_2022.txt").read_text(encoding="utf-8")
    fuxin2, gold = apply(fuxin, FUXIN, "fuxin")
    synergy2, more = apply(synergy, SYNERGY, "synergy")
    gold += more
    synergy2, moved = move_paragraph(synergy2, *MOVES["synergy"])
    gold += [("synergy", "moved", "", s) for s in moved]
    (OUT / "fuxin_v1.txt").write_text(fuxin, encoding="utf-8")
    (OUT / "fuxin_v2.txt").write_text(fuxin2, encoding="utf-8")
    (OUT / "synergy_v1.txt").write_text(synergy, encoding="utf-8")
    (OUT / "synergy_v2.txt").write_text(synergy2, encoding="utf-8")
    lines = ["# doc\tkind\tchange\tfragment (of the new text; of the old for a deletion)"]
    lines += ["\t".join(g) for g in gold if g[1] != "same"]
    (OUT / "gold.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 1} edits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
