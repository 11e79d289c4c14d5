"""GB/T 2260 regions and their parent chain."""

import pytest

from skillsubsidy.regions import UnknownRegion, ancestry, resolve_region


@pytest.mark.parametrize("ref", ["320600", "南通", "南通市", "Nantong", "nantong"])
def test_a_region_resolves_by_code_name_or_english(ref):
    assert resolve_region(ref).code == "320600"


def test_nantong_inherits_from_jiangsu():
    assert [r.code for r in ancestry(resolve_region("南通"))] == ["320600", "320000"]


@pytest.mark.parametrize(("city", "province"), [("370100", "370000"), ("440100", "440000")])
def test_each_city_has_its_province_as_parent(city, province):
    assert resolve_region(city).parent == province


def test_shanghai_is_a_province_level_region_without_parent():
    sh = resolve_region("上海")
    assert (sh.code, sh.parent, sh.level) == ("310000", None, "province")


def test_an_unknown_region_names_the_value_and_the_nearest_matches():
    with pytest.raises(UnknownRegion) as err:
        resolve_region("南通县")
    assert "'南通县'" in str(err.value)
    assert any("南通市 320600" in s for s in err.value.suggestions)
