"""GB/T 2260 regions: resolution by code and name, the parent chain, and what the shipped tree holds."""

import pytest

from skillsubsidy.regions import (
    AmbiguousRegion,
    UnknownRegion,
    all_regions,
    ancestry,
    children,
    descendants,
    resolve_region,
    with_ancestors,
)


@pytest.mark.parametrize("ref", ["320600", "南通", "南通市", "Nantong", "nantong"])
def test_a_region_resolves_by_code_name_or_english(ref):
    assert resolve_region(ref).code == "320600"


@pytest.mark.parametrize("ref", ["440106", "天河区", "天河", "Tianhe", "tianhe", " 天河区 "])
def test_a_district_resolves_by_code_full_short_or_english_name(ref):
    r = resolve_region(ref)
    assert (r.code, r.name, r.short, r.en, r.parent, r.level) == (
        "440106",
        "天河区",
        "天河",
        "Tianhe",
        "440100",
        "district",
    )


def test_tianhe_inherits_from_guangzhou_then_guangdong():
    assert [r.name for r in ancestry(resolve_region("天河区"))] == ["天河区", "广州市", "广东省"]


def test_nantong_inherits_from_jiangsu():
    assert [r.code for r in ancestry(resolve_region("南通"))] == ["320600", "320000"]


@pytest.mark.parametrize(("city", "province"), [("370100", "370000"), ("440100", "440000")])
def test_each_city_has_its_province_as_parent(city, province):
    assert resolve_region(city).parent == province


def test_shanghai_is_a_province_level_region_without_parent():
    sh = resolve_region("上海")
    assert (sh.code, sh.parent, sh.level) == ("310000", None, "province")


def test_shanghais_districts_hang_directly_under_the_municipality():
    # 310100 市辖区 is a grouping code in GB/T 2260, not a government anyone acts for.
    assert "310100" not in all_regions()
    assert [r.name for r in ancestry(resolve_region("Pudong New Area"))] == ["浦东新区", "上海市"]


def test_a_county_level_city_is_a_district_by_level():
    qidong = resolve_region("启东市")
    assert (qidong.code, qidong.level, qidong.parent) == ("320681", "district", "320600")


def test_the_seven_regions_of_the_documents_are_unchanged():
    got = {c: (r.name, r.short, r.en, r.parent) for c, r in all_regions().items() if c in SEVEN}
    assert got == SEVEN


SEVEN = {
    "310000": ("上海市", "上海", "Shanghai", None),
    "320000": ("江苏省", "江苏", "Jiangsu", None),
    "320600": ("南通市", "南通", "Nantong", "320000"),
    "370000": ("山东省", "山东", "Shandong", None),
    "370100": ("济南市", "济南", "Jinan", "370000"),
    "440000": ("广东省", "广东", "Guangdong", None),
    "440100": ("广州市", "广州", "Guangzhou", "440000"),
}


def test_the_shipped_tree_holds_34_provincial_divisions_50_cities_and_369_districts():
    levels = [r.level for r in all_regions().values()]
    assert (levels.count("province"), levels.count("city"), levels.count("district")) == (34, 50, 369)


def test_hong_kong_macao_and_taiwan_are_provincial_level():
    got = [(r.code, r.name, r.en, r.level) for r in map(resolve_region, ["香港", "澳门", "台湾"])]
    assert got == [
        ("810000", "香港特别行政区", "Hong Kong", "province"),
        ("820000", "澳门特别行政区", "Macao", "province"),
        ("710000", "台湾省", "Taiwan", "province"),
    ]


@pytest.mark.parametrize(("province", "cities"), [("320000", 13), ("370000", 16), ("440000", 21)])
def test_every_prefecture_level_city_of_the_three_provinces_is_there(province, cities):
    assert len(children(province)) == cities
    assert all(r.level == "city" for r in children(province))


# The four cities of the documents, every district and county (民政部 list; 崇川区 is 320613 since the
# 2020 merger with 港闸区, not the older 320602).
DISTRICTS = {
    "南通市": {"320612": "通州区", "320613": "崇川区", "320614": "海门区", "320623": "如东县",
               "320681": "启东市", "320682": "如皋市", "320685": "海安市"},
    "济南市": {"370102": "历下区", "370103": "市中区", "370104": "槐荫区", "370105": "天桥区",
               "370112": "历城区", "370113": "长清区", "370114": "章丘区", "370115": "济阳区",
               "370116": "莱芜区", "370117": "钢城区", "370124": "平阴县", "370126": "商河县"},
    "广州市": {"440103": "荔湾区", "440104": "越秀区", "440105": "海珠区", "440106": "天河区",
               "440111": "白云区", "440112": "黄埔区", "440113": "番禺区", "440114": "花都区",
               "440115": "南沙区", "440117": "从化区", "440118": "增城区"},
    "上海市": {"310101": "黄浦区", "310104": "徐汇区", "310105": "长宁区", "310106": "静安区",
               "310107": "普陀区", "310109": "虹口区", "310110": "杨浦区", "310112": "闵行区",
               "310113": "宝山区", "310114": "嘉定区", "310115": "浦东新区", "310116": "金山区",
               "310117": "松江区", "310118": "青浦区", "310120": "奉贤区", "310151": "崇明区"},
}  # fmt: skip


@pytest.mark.parametrize("city", list(DISTRICTS))
def test_the_four_cities_list_every_district_and_county(city):
    assert {r.code: r.name for r in children(resolve_region(city).code)} == DISTRICTS[city]


def test_the_guangzhou_districts_are_those_seed_002_lists_less_luogang():
    # 002_192cf03f49fda43c.txt · 附件1 · 项目承接区域 still names 萝岗区, merged into 黄埔区 in 2014.
    listed = {"荔湾区", "越秀区", "海珠区", "天河区", "白云区", "黄埔区", "番禺区", "花都区", "萝岗区",
              "南沙区", "增城区", "从化区"}  # fmt: skip
    assert sorted(listed - {"萝岗区"}) == sorted(DISTRICTS["广州市"].values())
    with pytest.raises(UnknownRegion):
        resolve_region("萝岗区")


def test_english_names_are_pinyin_with_the_usual_exceptions():
    got = [resolve_region(c).en for c in ("320613", "310115", "310112", "440113", "371524")]
    assert got == ["Chongchuan", "Pudong New Area", "Minhang", "Panyu", "Dong'e"]


@pytest.mark.parametrize("ref", ["市中区", "市中", "Shizhong"])
def test_a_short_name_two_cities_share_is_refused_with_the_candidates(ref):
    with pytest.raises(AmbiguousRegion) as err:
        resolve_region(ref)
    assert str(err.value) == f"{ref} is ambiguous: 济南市市中区 370103, 枣庄市市中区 370402"
    assert err.value.suggestions == ["济南市市中区 370103", "枣庄市市中区 370402"]
    assert isinstance(err.value, UnknownRegion)  # every caller that reports an unknown region reports this


def test_gulou_is_ambiguous_between_nanjing_and_xuzhou():
    with pytest.raises(AmbiguousRegion) as err:
        resolve_region("鼓楼区")
    assert [r.code for r in err.value.candidates] == ["320106", "320302"]


@pytest.mark.parametrize(
    "ref",
    [
        "济南市中区",
        "济南市市中区",
        "济南 市中区",
        "济南市 市中区",
        "370103",
        "Jinan Shizhong",
        "山东济南市中区",
    ],
)
def test_a_name_qualified_by_its_city_resolves(ref):
    assert resolve_region(ref).code == "370103"


@pytest.mark.parametrize(("ref", "code"), [("广州天河", "440106"), ("广东省广州市天河区", "440106"),
                                           ("上海市黄浦区", "310101"), ("南京鼓楼", "320106"),
                                           ("徐州市鼓楼区", "320302")])  # fmt: skip
def test_other_qualified_names_resolve(ref, code):
    assert resolve_region(ref).code == code


def test_a_qualifier_that_is_not_a_parent_does_not_resolve():
    with pytest.raises(UnknownRegion):
        resolve_region("南通市中区")


CITY_OR_DISTRICT = [("淮安", "320800"), ("淮安区", "320803"), ("东营", "370500"), ("东营区", "370502"),
                    ("Huai'an", "320800"), ("huaian", "320800"), ("Zhenjiang", "321100"), ("浈江", "440204"),
                    ("Linyi", "371300"), ("临邑", "371424")]  # fmt: skip


@pytest.mark.parametrize(("ref", "code"), CITY_OR_DISTRICT)
def test_a_name_a_city_shares_only_with_districts_means_the_city(ref, code):
    assert resolve_region(ref).code == code


def test_an_unknown_region_names_the_value_and_the_nearest_matches():
    with pytest.raises(UnknownRegion) as err:
        resolve_region("南通县")
    assert "'南通县'" in str(err.value)
    assert any("南通市 320600" in s for s in err.value.suggestions)


def test_children_and_descendants_follow_the_parent_links():
    assert [r.code for r in children("310000")][:3] == ["310101", "310104", "310105"]
    assert len(descendants("320000")) == 13 + 95
    assert descendants("320613") == []


def test_with_ancestors_adds_the_regions_above_in_code_order():
    assert [r.code for r in with_ancestors(["440106", "320600"])] == [
        "320000",
        "320600",
        "440000",
        "440100",
        "440106",
    ]
