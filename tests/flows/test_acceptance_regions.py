"""The acceptance's postal region table and picker (flows/acceptance_regions.py) on the shipped
table: what it offers level by level, an address's region found at its start, a changed level
clearing those below it, and a place the table does not list left to be typed."""

from __future__ import annotations

from flows.acceptance_regions import RegionChoice, load_regions

TABLE = load_regions()


def test_the_table_covers_the_demo_provinces_down_to_the_districts_of_the_demo_cities():
    assert {"湖南省", "新疆维吾尔自治区", "北京市", "广东省"} <= set(TABLE.choices("province", {}))
    assert len(TABLE.choices("city", {"province": "湖南省"})) == 14
    for city, district in (("长沙市", "芙蓉区"), ("郴州市", "北湖区"), ("邵阳市", "大祥区"), ("常德市", "武陵区")):
        assert district in TABLE.choices("district", {"province": "湖南省", "city": city})


def test_an_address_names_its_region_at_its_start_and_the_rest_is_the_street():
    assert TABLE.split("湖南省长沙市岳麓区麓山南路932号") == (
        {"province": "湖南省", "city": "长沙市", "district": "岳麓区"}, "麓山南路932号")
    assert TABLE.split("北京市北京市海淀区中关村大街1号") == (
        {"province": "北京市", "city": "北京市", "district": "海淀区"}, "中关村大街1号")
    assert TABLE.split("湖南省株洲市天元区某路1号") == ({"province": "湖南省", "city": "株洲市"}, "天元区某路1号")
    assert TABLE.split("五一大道100号") == ({}, "五一大道100号")


def test_a_changed_level_clears_the_levels_below_and_an_unlisted_place_is_typed():
    choice = RegionChoice(TABLE, {"province": "湖南省", "city": "长沙市", "district": "芙蓉区"})
    assert choice.set("city", "株洲市")
    assert choice.values == {"province": "湖南省", "city": "株洲市"} and choice.missing() == ["district"]
    district = choice.view()[2]
    assert district == {"name": "district", "value": "", "choices": []}  # not listed: typed
    assert not choice.set("district", "  ") and not choice.set("street", "x")
    assert choice.set("district", "天元区") and choice.missing() == []
