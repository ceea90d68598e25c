"""Levels of government from metadata, and the scope a query names."""

import pytest

from kb.model import Document
from kb.policy.scope import CITY, COUNTY, NATIONAL, PROVINCE, UNKNOWN, ScopeResolver, jurisdiction_of


@pytest.mark.parametrize(
    "issuer,title,level,place",
    [
        ("阜新市人民政府办公室", "", CITY, "阜新市"),
        ("辽宁省人民政府办公厅", "", PROVINCE, "辽宁省"),
        ("中共中央 国务院", "", NATIONAL, "全国"),
        ("生态环境部等七部门", "", NATIONAL, "全国"),
        ("国务院", "", NATIONAL, "全国"),
        ("彰武县人民政府", "", COUNTY, "彰武县"),
        ("新疆维吾尔自治区人民政府", "", PROVINCE, "新疆维吾尔自治区"),
        ("", "辽宁省“十五五”生态环境保护规划", PROVINCE, "辽宁省"),
        ("", "“十四五”生态环境监测规划", UNKNOWN, ""),
    ],
)
def test_jurisdiction_from_issuer_or_title(issuer, title, level, place):
    j = jurisdiction_of(issuer, title)
    assert (j.level, j.place) == (level, place)


def _doc(doc_id, issuer, level):
    return Document(doc_id, doc_id, "", "txt", "", "", issuer, "", "", level)


RESOLVER = ScopeResolver(
    [
        _doc("city", "阜新市人民政府办公室", CITY),
        _doc("prov", "辽宁省人民政府办公厅", PROVINCE),
        _doc("nat", "国务院", NATIONAL),
    ]
)


def test_the_default_home_is_the_most_local_jurisdiction():
    assert RESOLVER.default_home() == "阜新市"
    assert RESOLVER.homes() == ["阜新市", "辽宁省", "全国"]


@pytest.mark.parametrize(
    "query,docs",
    [
        ("省里对危险废物处置有什么期限", {"prov"}),
        ("全省排污口整治", {"prov"}),
        ("辽宁核电装机", {"prov"}),
        ("国家对黑臭水体的要求", {"nat"}),
        ("全国再生铝产量", {"nat"}),
        ("国务院部署的任务", {"nat"}),
        ("市里的清洁取暖", {"city"}),
        ("我市黑臭水体", {"city"}),
        ("阜新的矿山修复", {"city"}),
        ("城市黑臭水体", set()),
        ("市场化机制", set()),
        ("省界两侧项目", set()),
        ("节省能源", set()),
        ("国家级自然保护区", set()),
        ("县级以上水源地", set()),
        ("全区域统筹", set()),
    ],
)
def test_scope_words(query, docs):
    scope = RESOLVER.read(query, home="阜新市")
    assert set(scope.doc_ids) == docs
    assert scope.home == "阜新市"


def test_no_home_and_a_level_with_no_document_names_no_scope():
    assert RESOLVER.read("县里的要求").doc_ids == frozenset()
    assert RESOLVER.read("黑臭水体", home="无").home == ""
