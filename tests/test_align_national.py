"""对标对表 of the Fuxin plan against the national air plan and the Liaoning plan (the shipped
texts, the bundled e5 model): the issue's examples and agreement with the hand-read golds."""

import pytest

from bench.align_agreement import GOLD_DIR, agreement, read_gold
from kb.compare.align import Aligner
from kb.store import open_store

from .conftest import CORPUS

pytestmark = [pytest.mark.slow, pytest.mark.model]
FILES = (
    "fuxin_14th_fyp_eco_env_plan.txt",
    "sc_air_quality_continuous_improvement_action_plan_2023.txt",
    "liaoning_14th_fyp_eco_env_plan.txt",
    "sc_carbon_peaking_action_plan_before_2030.txt",
)


@pytest.fixture(scope="module")
def aligner(tmp_path_factory):
    from ingest.pipeline import ingest

    corpus = tmp_path_factory.mktemp("corpus")
    for name in (*FILES, "catalog.tsv"):
        (corpus / name).write_bytes((CORPUS / name).read_bytes())
    path = tmp_path_factory.mktemp("ix") / "index"
    ingest([corpus], path, encoder_spec="e5")
    return Aligner(open_store(path))


@pytest.fixture(scope="module")
def air(aligner):
    return aligner.align("fuxin", ["sc_air"])


def _row(rows, words):
    return next(r for r in rows if words in r.commitment.text)


@pytest.mark.parametrize(
    "words,status,counterpart",
    [
        ("全国秸秆综合利用率稳定在86%以上", "weaker", "秸秆综合利用"),
        ("PM2.5未达标城市基本淘汰10蒸吨", "covered", "全面淘汰10蒸吨及以下燃煤锅炉"),
        ("京津冀及周边地区、汾渭平原PM2.5浓度分别下降", "not_applicable", None),
        ("京津冀及周边地区、长三角地区煤炭消费量", "not_applicable", None),
        ("重点区域和粤港澳大湾区沿海主要港口", "not_applicable", None),
        ("年旅客吞吐量500万人次以上的机场", "not_applicable", None),
        ("重度及以上污染天数比率控制在1%以内", "covered", "控制在0.3%以内"),
    ],
)
def test_the_issues_examples(air, words, status, counterpart):
    row = _row(air, words)
    assert row.status == status, row.reason
    assert row.reason if status != "covered" or "十三五" in row.lower.section_titles[1] else True
    if counterpart:
        assert counterpart in row.lower.text.replace(",", "，")


def test_a_sentence_with_two_targets_is_two_rows(air):
    pm = _row(air, "PM2.5浓度比2020年下降10%")
    days = _row(air, "重度及以上污染天数比率控制在1%以内")
    assert pm is not days and pm.upper.clause_id == days.upper.clause_id
    assert pm.commitment.due_basis == "text" and pm.commitment.due.isoformat() == "2025-12-31"


def test_a_missing_row_shows_the_nearest_lower_clauses(air):
    missing = [r for r in air if r.status == "missing"]
    assert missing and all(len(r.nearest) == 3 and r.nearest[0][1] >= r.nearest[2][1] for r in missing)


@pytest.mark.parametrize(
    "gold,against,least",
    [
        ("fuxin_vs_sc_air.tsv", "sc_air", 26),
        ("fuxin_vs_liaoning.tsv", "liaoning", 27),
        ("fuxin_vs_sc_carbon.tsv", "sc_carbon", 26),
    ],
)
def test_agreement_with_the_hand_read_golds(aligner, gold, against, least):
    rows = [r.to_dict() for r in aligner.align("fuxin", [against])]
    agreed, misses = agreement(rows, read_gold(GOLD_DIR / gold))
    assert agreed >= least, "\n".join(misses)


@pytest.fixture(scope="module")
def carbon(aligner):
    return aligner.align("fuxin", ["sc_carbon"])


@pytest.mark.parametrize(
    "words,status,counterpart",
    [
        # a national target the city names in other words, without a figure (kb.policy.indicators)
        ("单位国内生产总值能源消耗比2020年下降13.5%", "weaker", "能耗“双控”"),
        ("单位国内生产总值二氧化碳排放比2020年下降18%", "weaker", "碳排放强度"),
        # tasks only the nation can do (kb.policy.commitments.national_only)
        ("推动能源法、节约能源法", "not_applicable", None),
        ("修订一批能耗限额、产品设备能效强制性国家标准", "not_applicable", None),
        ("国家铁路单位换算周转量综合能耗", "not_applicable", None),
    ],
)
def test_the_carbon_plans_examples(carbon, words, status, counterpart):
    row = _row(carbon, words)
    assert row.status == status, row.reason
    assert row.reason
    if counterpart:
        assert counterpart in row.lower.text
