"""Lead and partner units, from real brackets of the national texts."""

import pytest

from kb.policy.units import matches_unit, parse_units, units_in_text


@pytest.mark.parametrize(
    "bracket,lead,partners",
    [
        ("生态环境部负责", ["生态环境部"], []),
        ("生态环境部等负责", ["生态环境部"], []),
        ("生态环境部牵头负责", ["生态环境部"], []),
        ("生态环境部、农业农村部等按职责分工负责", ["生态环境部", "农业农村部"], []),
        ("发展改革委、生态环境部等按职责分工负责", ["发展改革委", "生态环境部"], []),
        ("生态环境部牵头，国家发展改革委等按职责分工负责", ["生态环境部"], ["国家发展改革委"]),
        (
            "国家发展改革委、生态环境部牵头，工业和信息化部、财政部等按职责分工负责",
            ["国家发展改革委", "生态环境部"],
            ["工业和信息化部", "财政部"],
        ),
        (
            "工业和信息化部、国家发展改革委、生态环境部、市场监管总局、国家能源局等按职责分工负责，地方各级人民政府负责落实。"
            "以下均需地方各级人民政府落实，不再列出",
            ["工业和信息化部", "国家发展改革委", "生态环境部", "市场监管总局", "国家能源局"],
            ["地方各级人民政府"],
        ),
        ("住房和城乡建设部牵头，生态环境部参与", ["住房和城乡建设部"], ["生态环境部"]),
        (
            "生态环境部、农业农村部、粮食和储备局等按职责分工负责，地方各级人民政府负责落实",
            ["生态环境部", "农业农村部", "粮食和储备局"],
            ["地方各级人民政府"],
        ),
        ("交通运输部牵头，公安部、生态环境部配合", ["交通运输部"], ["公安部", "生态环境部"]),
        # the carbon-footprint 实施方案 (2024): "等部门" is not part of a unit's name
        (
            "市场监管总局牵头，生态环境部、国家发展改革委、工业和信息化部等部门参与",
            ["市场监管总局"],
            ["生态环境部", "国家发展改革委", "工业和信息化部"],
        ),
        ("生态环境部、市场监管总局等相关部门按职责分工负责", ["生态环境部", "市场监管总局"], []),
    ],
)
def test_brackets(bracket, lead, partners):
    assert parse_units(bracket) == (tuple(lead), tuple(partners))


def test_units_named_in_the_sentence():
    assert units_in_text("由市生态环境局牵头，建立联防联控机制。")[0] == ("市生态环境局",)
    assert units_in_text("由各县区政府负责组织实施。")[0] == ("各县区政府",)


def test_unit_filter_matches_part_of_a_name():
    assert matches_unit("发展改革委", ("国家发展改革委",))
    assert not matches_unit("财政部", ("国家发展改革委",))
