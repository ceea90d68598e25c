"""Title, issuer, 文号 and date from a document's first lines; the catalog fills and overrides."""

import pytest

from ingest.metadata import Metadata, catalog_entry, find_catalog, issuer_level, merge, parse_metadata
from ingest.read import read_file

from .conftest import CORPUS, DATA


@pytest.mark.parametrize(
    "name,title,issuer,number,date",
    [
        (
            "fuxin_14th_fyp_eco_env_plan.txt",
            "阜新市“十四五”生态环境保护规划",
            "阜新市人民政府办公室",
            "阜政办发〔2023〕8号",
            "2023-08-08",
        ),
        (
            "sc_carbon_peaking_action_plan_before_2030.txt",
            "2030年前碳达峰行动方案",
            "国务院",
            "国发〔2021〕23号",
            "2021-10-24",
        ),
        (
            "sc_air_quality_continuous_improvement_action_plan_2023.txt",
            "空气质量持续改善行动计划",
            "国务院",
            "国发〔2023〕24号",
            "2023-11-30",
        ),
        (
            "mee_pollution_carbon_reduction_synergy_plan_2022.txt",
            "减污降碳协同增效实施方案",
            "生态环境部等七部门",
            "环综合〔2022〕42号",
            "2022-06-10",
        ),
        (
            "cpc_sc_opinions_deepen_pollution_prevention_2021.txt",
            "中共中央、国务院关于深入打好污染防治攻坚战的意见",
            "中共中央、国务院",
            "",
            "2021-11-02",
        ),
    ],
)
def test_parsed_from_text(name, title, issuer, number, date):
    meta = parse_metadata(read_file(CORPUS / name).text)
    assert (meta.title, meta.issuer, meta.doc_number, meta.date) == (title, issuer, number, date)


def test_scraped_page_date_is_a_fallback():
    meta = parse_metadata("某市规划\n日期: 2023-08-15 浏览量:2154\n一、总体要求\n")
    assert meta.date == "2023-08-15"


def test_catalog_overrides_and_fills(tmp_path):
    cat = find_catalog(DATA / "province_plan.txt")
    entry = catalog_entry(DATA / "province_plan.txt", cat)
    assert entry.issuer == "辽宁省人民政府办公厅" and entry.date == "2022-02-08" and entry.doc_number == ""
    merged = merge(Metadata(title="辽宁省规划", issuer="", doc_number="辽政办发〔2022〕1号", date=""), entry)
    assert merged.title == "辽宁省“十四五”生态环境保护规划"  # catalog wins
    assert merged.doc_number == "辽政办发〔2022〕1号"  # text fills what the catalog lacks


def test_catalog_matched_by_path_relative_to_it():
    cat = find_catalog(CORPUS / "pdf" / "liaoning_14th_fyp_eco_env_plan.pdf", CORPUS)
    assert cat == CORPUS / "catalog.tsv"
    assert (
        catalog_entry(CORPUS / "pdf" / "liaoning_14th_fyp_eco_env_plan.pdf", cat).title
        == "辽宁省“十四五”生态环境保护规划"
    )


@pytest.mark.parametrize(
    "issuer,level",
    [
        ("国务院", 0),
        ("中共中央 国务院", 0),
        ("生态环境部等七部门", 0),
        ("辽宁省人民政府办公厅", 1),
        ("阜新市人民政府办公室", 2),
        ("彰武县人民政府", 3),
        ("", 9),
    ],
)
def test_issuer_levels(issuer, level):
    assert issuer_level(issuer) == level
