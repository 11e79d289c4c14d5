"""Codes, levels and names as the seeds print them."""

from decimal import Decimal

import pytest

from skillsubsidy.occupations import (
    CodeKind,
    Level,
    Marker,
    is_known_medium_group,
    parse_code,
    parse_level,
    parse_levels,
    split_name,
)


def test_a_dadian_code_parses_with_its_major_and_medium_group():
    code = parse_code("6-18-02-04")  # 焊工, 000 · 附件3 · 序号18
    assert code is not None
    assert (code.text, code.kind, code.major, code.medium) == ("6-18-02-04", CodeKind.DADIAN, 6, "6-18")


def test_special_ability_codes_of_both_shapes_parse():
    jiangsu = parse_code("100000001")
    shanghai = parse_code("4-04-05-Z1")
    assert jiangsu is not None and jiangsu.kind is CodeKind.SPECIAL_JIANGSU
    assert shanghai is not None and shanghai.kind is CodeKind.SPECIAL_SHANGHAI


def test_full_width_dashes_and_spaces_in_a_code_are_cleaned():
    code = parse_code(" 6－18－02－04 ")
    assert code is not None and code.text == "6-18-02-04"


@pytest.mark.parametrize("raw", ["", "6-18-2-04", "9-01-01-01", "焊工", "6-18-02"])
def test_text_that_is_not_a_code_is_rejected(raw):
    assert parse_code(raw) is None


def test_code_in_a_medium_group_the_dadian_lacks_is_flagged():
    # DOMAIN.md names 4-18-10-01 (002 · 附件5) as invalid: 大典 major group 4 ends at 4-14.
    bad = parse_code("4-18-10-01")
    good = parse_code("4-14-01-03")
    assert bad is not None and good is not None
    assert not is_known_medium_group(bad)
    assert is_known_medium_group(good)


@pytest.mark.parametrize(
    ("raw", "level"),
    [
        ("高级技师（一级）、特级技师、首席技师", 1),
        ("技师（二级）", 2),
        ("高级（三级）", 3),
        ("中级（四级）", 4),
        ("初级（五级）", 5),
        ("3", 3),
        ("高级工", 3),
        ("初级工", 5),
    ],
)
def test_levels_parse_from_the_labels_of_000_attachment_1(raw, level):
    assert parse_level(raw) == Level(level)


def test_high_skill_means_levels_one_to_three():
    assert [lv.is_high_skill for lv in Level] == [True, True, True, False, False]


def test_a_level_list_from_seed_003_sorts_high_to_low():
    assert parse_levels("5、4、3、2") == (2, 3, 4, 5)  # 003 · 序号6


def test_an_unknown_level_names_the_value():
    with pytest.raises(ValueError, match="'七级'"):
        parse_level("七级")


def test_a_work_type_is_kept_apart_from_its_occupation():
    parts = split_name("电子商务师（跨境电子商务师）")  # 003 · 序号6
    assert (parts.occupation, parts.work_type, parts.name) == (
        "电子商务师",
        "跨境电子商务师",
        "电子商务师（跨境电子商务师）",
    )


@pytest.mark.parametrize(
    ("raw", "name", "markers"),
    [
        ("化工总控工S", "化工总控工", {Marker.DIGITAL}),  # 000 · 附件3 · 序号16
        ("生活垃圾清运工L", "生活垃圾清运工", {Marker.GREEN}),  # 000 · 附件2 · 序号3
        ("保洁员 L", "保洁员", {Marker.GREEN}),  # 001 · (一) · 序号55
        ("*电子商务师L/S", "电子商务师", {Marker.ONLINE_OVER_40, Marker.GREEN, Marker.DIGITAL}),
        ("航天电池生产工★", "航天电池生产工", {Marker.STAR}),  # 004
        ("AIGC人工智能应用工具师", "AIGC人工智能应用工具师", set()),  # 000 · 附件2: ASCII is part of the name
    ],
)
def test_markers_are_separated_from_names(raw, name, markers):
    parts = split_name(raw)
    assert parts.name == name
    assert parts.markers == frozenset(markers)


def test_an_edition_note_is_recorded_not_kept_in_the_name():
    parts = split_name("无人机驾驶员（2022年版）")  # 002 · 附件5 · 序号179
    assert (parts.name, parts.edition) == ("无人机驾驶员", "2022")


def test_half_width_brackets_and_spaces_normalise_to_the_printed_full_width_form():
    assert split_name("健康照护师 (长期照护师)").name == "健康照护师（长期照护师）"


def test_decimal_is_what_uplifts_are_compared_in():
    # Guard for the dataset round trip: uplifts are Decimal, never float.
    assert Decimal("30") == Decimal("30.0")
