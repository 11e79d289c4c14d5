"""Shanghai's 2026 skill-upgrade subsidy catalog: 004_115e8c17921aa92b.txt (one table, three parts).

Splits are also counted here straight from the seed text: the 分类 cell is the only cell that is a
bare A, B or C with an optional `*`, and the parts start at the `一、` / `二、` / `三、` cells.
"""

import re
from collections import Counter

import pytest

from skillsubsidy.catalog.model import Category, CertificateType, SectionKind, Severity
from skillsubsidy.ingest.seeds import shanghai_2026
from skillsubsidy.occupations import CodeKind, Marker, parse_code

from .seed_helpers import by_line, entries_in

reader = shanghai_2026  # for the seed, result and catalog fixtures in conftest.py


@pytest.fixture(scope="module")
def printed_categories(seed):
    """The 分类 cells of each part as printed, keyed by the part's line range."""
    parts = {"skill_levels": (8, 1831), "qualifications": (1831, 1849), "special_abilities": (1849, 1913)}
    return {
        key: Counter(
            line.strip() for line in seed.lines[start - 1 : end - 1] if re.fullmatch(r"\t[ABC]\*?", line)
        )
        for key, (start, end) in parts.items()
    }


def test_the_catalog_is_shanghai_2026_for_the_year_in_its_title(catalog):
    # 004 · lines 1–2: `附件` / `上海市职业技能提升补贴目录（2026年）`; no dates are printed.
    assert (catalog.id, catalog.region, catalog.attachment) == ("shanghai-2026", "310000", "附件")
    assert catalog.title == "上海市职业技能提升补贴目录（2026年）"
    assert (str(catalog.effective_from), str(catalog.effective_to)) == ("2026-01-01", "2026-12-31")
    assert catalog.assumptions == ("assumed: effective 1 Jan–31 Dec 2026, the year in the title",)


def test_the_three_parts_become_sections_with_their_printed_titles(catalog):
    # 004 · lines 8–9, 1831–1832, 1849–1850
    assert [(s.key, s.title) for s in catalog.sections] == [
        ("skill_levels", "一、职业技能等级项目"),
        ("qualifications", "二、职业资格项目"),
        ("special_abilities", "三、专项职业能力项目"),
    ]
    assert [(s.kind, s.certificate_type) for s in catalog.sections] == [
        (SectionKind.OCCUPATIONS, CertificateType.SKILL_LEVEL),
        (SectionKind.QUALIFICATIONS, CertificateType.VOCATIONAL_QUALIFICATION),
        (SectionKind.SPECIAL_ABILITIES, CertificateType.SPECIAL_ABILITY),
    ]


def test_every_row_is_read(catalog, printed_categories):
    # 004: 364 skill-level items, 3 qualification items, 12 special-ability items.
    counts = {key: sum(c.values()) for key, c in printed_categories.items()}
    assert counts == {"skill_levels": 364, "qualifications": 3, "special_abilities": 12}
    assert Counter(e.section for e in catalog.entries) == counts


def test_serials_run_from_one_without_gaps_in_each_part(catalog):
    for key, n in (("skill_levels", 364), ("qualifications", 3), ("special_abilities", 12)):
        assert [e.serial for e in entries_in(catalog, key)] == [str(i) for i in range(1, n + 1)]


def test_category_splits_match_the_printed_category_cells(catalog, printed_categories):
    # 004 · 一、: A 23, B 68 + B* 3, C 235 + C* 35; 二、: B 1, C 2; 三、: A 10, B 2.
    assert printed_categories == {
        "skill_levels": {"A": 23, "B": 68, "B*": 3, "C": 235, "C*": 35},
        "qualifications": {"B": 1, "C": 2},
        "special_abilities": {"A": 10, "B": 2},
    }
    for key, printed in printed_categories.items():
        read = Counter(e.category.value + ("*" if e.matched else "") for e in entries_in(catalog, key))
        assert read == printed
    skill = Counter(e.category for e in entries_in(catalog, "skill_levels"))
    assert skill == {Category.A: 23, Category.B: 71, Category.C: 270}


def test_starred_categories_are_matched_items(catalog, seed):
    # 004 · line 1913: `注：标*的项目为技岗匹配项目。`; B* at lines 466–479, C* from line 1656 (序号 330).
    assert seed.lines[1912] == "注：标*的项目为技岗匹配项目。"
    matched = [e for e in catalog.entries if e.matched]
    assert len(matched) == 38
    assert all(Marker.MATCHED in e.markers and e.category in (Category.B, Category.C) for e in matched)
    assert all(Marker.MATCHED not in e.markers for e in catalog.entries if not e.matched)
    assert [(e.serial, e.name, e.category) for e in matched[:4]] == [
        ("92", "无人机驾驶员", Category.B),
        ("93", "婴幼儿发展引导员", Category.B),
        ("94", "保育师", Category.B),
        ("330", "互联网营销师", Category.C),
    ]
    assert [e.serial for e in matched] == ["92", "93", "94", *map(str, range(330, 365))]


def test_a_plain_row_is_read_cell_by_cell(catalog):
    # 004 · 一、 · lines 11–14: `1` / `4-02-06-05` / `供应链管理师` / `A`
    e = by_line(catalog, 11)
    assert (e.serial, e.code, e.name, e.category, e.matched, e.markers) == (
        "1", "4-02-06-05", "供应链管理师", Category.A, False, frozenset()
    )  # fmt: skip
    assert e.certificate_type is CertificateType.SKILL_LEVEL
    assert e.provenance.raw == "1 | 4-02-06-05 | 供应链管理师 | A"
    assert e.provenance.cite() == "004_115e8c17921aa92b.txt · 附件 · 一、职业技能等级项目 · line 11"


def test_a_matched_row_keeps_its_base_category(catalog):
    # 004 · 一、 · lines 1826–1829: `364` / `6-06-03-01` / `手工木工` / `C*`
    e = by_line(catalog, 1826)
    assert (e.serial, e.code, e.name) == ("364", "6-06-03-01", "手工木工")
    assert (e.category, e.matched, e.markers) == (Category.C, True, frozenset({Marker.MATCHED}))


def test_star_items_have_no_code_and_the_star_marker(catalog):
    # 004 · 一、 · lines 481–494: 序号 95–97 print `——` as code and end their names in ★.
    stars = [e for e in catalog.entries if Marker.STAR in e.markers]
    assert [(e.provenance.line, e.serial, e.code, e.name, e.raw_name, e.category) for e in stars] == [
        (481, "95", None, "X系列产品装调试验工", "X系列产品装调试验工★", Category.C),
        (486, "96", None, "航天电池生产工", "航天电池生产工★", Category.C),
        (491, "97", None, "航天部组件加工检测工", "航天部组件加工检测工★", Category.C),
    ]


def test_qualification_items(catalog):
    # 004 · 二、 · lines 1834–1847
    rows = entries_in(catalog, "qualifications")
    assert [(e.serial, e.code, e.name, e.category) for e in rows] == [
        ("1", "4-02-01-01", "轨道交通列车司机", Category.B),
        ("2", "4-07-05-03", "消防设施操作员", Category.C),
        ("3", None, "特种作业人员", Category.C),
    ]
    assert all(e.certificate_type is CertificateType.VOCATIONAL_QUALIFICATION for e in rows)
    assert Marker.STAR not in rows[2].markers


def test_special_ability_items_have_shanghai_z_codes(catalog):
    # 004 · 三、 · lines 1852–1910: codes like 4-04-05-Z1.
    rows = entries_in(catalog, "special_abilities")
    assert all(parse_code(e.code).kind is CodeKind.SPECIAL_SHANGHAI for e in rows)
    assert all(e.certificate_type is CertificateType.SPECIAL_ABILITY for e in rows)
    # line 1857: `2` / `4-04-05-Z1` / `人工智能数据标注` / `A`; line 1907: `12` / `6-29-01-Z1` / … / `B`
    second, last = rows[1], rows[11]
    assert (second.code, second.name, second.category) == ("4-04-05-Z1", "人工智能数据标注", Category.A)
    assert (last.code, last.name, last.category) == ("6-29-01-Z1", "预制钢结构构件安装", Category.B)


def test_every_printed_code_has_a_dadian_or_shanghai_special_shape(catalog, seed):
    # 004: 375 code cells plus 4 `——` cells (序号 95–97 of 一、 and 3 of 二、).
    assert sum(line == "\t——" for line in seed.lines) == 4
    coded = [e for e in catalog.entries if e.code is not None]
    assert len(coded) == 375
    assert all(parse_code(e.code) is not None for e in coded)


def test_rows_without_a_code_are_the_only_anomalies(result):
    assert [(a.kind, a.line, a.serial, a.severity) for a in result.anomalies] == [
        ("code_absent", 481, "95", Severity.INFO),
        ("code_absent", 486, "96", Severity.INFO),
        ("code_absent", 491, "97", Severity.INFO),
        ("code_absent", 1844, "3", Severity.INFO),
    ]
    assert result.anomalies[3].section == "二、职业资格项目"
    assert "no ★" in result.anomalies[3].message
