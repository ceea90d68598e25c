"""Indicator names: one national indicator under the names plans give it (kb.policy.indicators)."""

import pytest

from kb.policy.indicators import indicator_ids, national_name, other_names


@pytest.mark.parametrize(
    "upper,lower",
    [
        ("单位国内生产总值能源消耗", "强力推进能耗“双控”"),
        ("单位国内生产总值能源消耗", "能耗强度"),
        ("万元国内生产总值用水量", "用水强度"),
        ("空气质量优良天数比率", "城市空气质量优良天数比例达到85%"),
        ("单位国内生产总值二氧化碳排放", "碳排放强度持续降低"),
        ("细颗粒物浓度", "推动城市PM2.5浓度持续下降"),
        ("全国地级及以上城市PM2.5浓度", "细颗粒物年均浓度"),
        ("地表水达到或好于Ⅲ类水体比例", "国控断面水质优良比例"),
    ],
)
def test_two_names_of_one_indicator(upper, lower):
    assert indicator_ids(upper) & indicator_ids(lower)


def test_different_indicators_stay_apart():
    assert not indicator_ids("森林覆盖率") & indicator_ids("森林蓄积量")
    assert not indicator_ids("单位国内生产总值能源消耗") & indicator_ids("单位国内生产总值二氧化碳排放")
    assert indicator_ids("加强生态保护修复") == set()


def test_a_longer_name_holds_its_place():
    """细颗粒物年均浓度 is one name, not 浓度 of something else; 重度及以上污染天数比率 one indicator."""
    assert len(indicator_ids("重度及以上污染天数比率控制在1%以内")) == 1


def test_a_search_adds_the_other_names():
    added = other_names("能耗强度要下降多少")
    assert "单位国内生产总值能源消耗" in added and "能耗强度" not in added
    (i,) = indicator_ids("能耗强度")
    assert national_name(i) == "单位国内生产总值能源消耗"
