"""Nantong / Jiangsu 2025: 000_d6c6a123f4673bde.txt, 附件1–5.

Line ranges in the seed: 附件1 standards 1–194 (备注 190–194), 附件2 Nantong additions 196–462,
附件3 Nantong shortage list 464–606, 附件4 Jiangsu catalog 609–4557 (special abilities from 3790),
附件5 Jiangsu shortage list 4558–5067. Where a count could be got wrong by the reader it is also
counted straight from the seed text, by means that share nothing with the reader.
"""

import re
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from skillsubsidy.catalog.model import Category, CertificateType, SectionKind, Severity
from skillsubsidy.ingest.seeds import jiangsu_nantong_2025
from skillsubsidy.ingest.seeds.jiangsu_nantong_2025 import StandardRow, read, read_notes, read_standards
from skillsubsidy.ingest.text import SeedText
from skillsubsidy.occupations import Marker

from .seed_helpers import entries_in, of_kind

reader = jiangsu_nantong_2025  # for the seed and result fixtures in conftest.py

JIANGSU_OCCUPATION_LINES = range(618, 3790)  # 附件4, 职业资格证书、职业技能等级证书 rows
JIANGSU_SPECIAL_LINES = range(3790, 4556)  # 附件4, 专项职业能力证书 rows


@pytest.fixture(scope="module")
def catalogs(result):
    return {c.id: c for c in result.catalogs}


def named(entries, name):
    (entry,) = [e for e in entries if e.name == name]
    return entry


def lines_in(seed, lines, predicate):
    return [no for no in lines if predicate(seed.lines[no - 1])]


def test_the_seed_is_read_into_four_catalogs_of_two_regions(catalogs):
    # 000 · 附件2–5 titles: 南通市… for 附件2/3, 江苏省… for 附件4/5
    assert {cid: (c.region, c.attachment) for cid, c in catalogs.items()} == {
        "nantong-2025": ("320600", "附件2"),
        "nantong-2025-shortage": ("320600", "附件3"),
        "jiangsu-2025": ("320000", "附件4"),
        "jiangsu-2025-shortage": ("320000", "附件5"),
    }


def test_titles_are_kept_as_printed_with_their_line_breaks_joined(catalogs):
    # 000 · 附件2 lines 197–198, 附件3 466–467, 附件4 610–611, 附件5 4559–4560
    assert {cid: c.title for cid, c in catalogs.items()} == {
        "nantong-2025": "南通市2025年政府补贴性职业技能培训职业（工种）指导目录",
        "nantong-2025-shortage": "南通市2025年高技能人才培训补贴紧缺型职业（工种）指导目录（第一批）",
        "jiangsu-2025": "江苏省2025年政府补贴性职业技能培训职业（工种）指导目录",
        "jiangsu-2025-shortage": "江苏省2025年高技能人才培训补贴紧缺型职业（工种）指导目录",
    }


def test_every_catalog_runs_for_the_year_in_its_title_and_says_so_as_an_assumption(catalogs):
    # 000 · 附件2–5: the titles give 2025 and the text states no dates
    for c in catalogs.values():
        assert (c.effective_from, c.effective_to) == (date(2025, 1, 1), date(2025, 12, 31))
        assert c.assumptions == (
            "assumed: effective 1 Jan–31 Dec 2025, the year in the title; the text states no dates",
        )
        assert c.seed == "000_d6c6a123f4673bde.txt"
        assert c.document_no is None


# --- 附件4: the Jiangsu 2025 catalog -------------------------------------------------------------


def test_jiangsu_has_an_occupation_section_and_a_special_ability_section(catalogs):
    # 000 · 附件4 · 补贴项目 column, lines 618 and 3790
    sections = catalogs["jiangsu-2025"].sections
    assert [(s.key, s.title, s.kind, s.certificate_type) for s in sections] == [
        (
            "occupations",
            "职业资格证书、职业技能等级证书",
            SectionKind.OCCUPATIONS,
            CertificateType.SKILL_LEVEL,
        ),
        (
            "special_abilities",
            "专项职业能力证书",
            SectionKind.SPECIAL_ABILITIES,
            CertificateType.SPECIAL_ABILITY,
        ),
    ]


def test_jiangsu_lists_529_occupations_255_a_214_b_60_c(seed, catalogs):
    # 000 · 附件4 · 职业资格证书、职业技能等级证书, 序号 1–529
    rows = entries_in(catalogs["jiangsu-2025"], "occupations")
    assert [e.serial for e in rows] == [str(n) for n in range(1, 530)]
    assert Counter(e.category for e in rows) == {Category.A: 255, Category.B: 214, Category.C: 60}
    # Counted from the text: each row prints its 类别 as a line holding only TAB and the letter.
    for letter, expected in (("A", 255), ("B", 214), ("C", 60)):
        assert (
            len(lines_in(seed, JIANGSU_OCCUPATION_LINES, lambda line, x=letter: line == f"\t{x}")) == expected
        )
    assert {e.certificate_type for e in rows} == {CertificateType.SKILL_LEVEL}


def test_jiangsu_marks_48_occupations_with_a_leading_star_for_online_hours_over_40_percent(seed, catalogs):
    # 000 · 附件4 · 备注: 带"*"标识的职业（工种）线上培训课时可高于总课时数的40%
    starred = [
        e for e in entries_in(catalogs["jiangsu-2025"], "occupations") if Marker.ONLINE_OVER_40 in e.markers
    ]
    assert len(starred) == 48
    assert len(lines_in(seed, JIANGSU_OCCUPATION_LINES, lambda line: line.startswith("\t*"))) == 48
    assert all(e.raw_name.startswith("*") and not e.name.startswith("*") for e in starred)
    assert (starred[0].serial, starred[0].name) == ("256", "行政办事员")


def test_welder_is_a_category_a_occupation_with_its_dadian_code(catalogs):
    # 000 · 附件4 · 职业资格证书、职业技能等级证书 · 序号 138 (line 1440)
    welder = named(entries_in(catalogs["jiangsu-2025"], "occupations"), "焊工")
    assert (welder.serial, welder.code, welder.category) == ("138", "6-18-02-04", Category.A)
    assert (welder.occupation, welder.work_type, welder.markers) == ("焊工", None, frozenset())
    p = welder.provenance
    assert (p.seed, p.attachment, p.section, p.line) == (
        "000_d6c6a123f4673bde.txt",
        "附件4",
        "职业资格证书、职业技能等级证书",
        1440,
    )
    assert p.raw == " | 138 | A | 焊工 | 6-18-02-04"


def test_a_starred_name_with_a_trailing_space_keeps_its_marker_and_loses_the_space(catalogs):
    # 000 · 附件4 · 序号 318, line 2521 prints "*信用管理师 "
    entry = named(entries_in(catalogs["jiangsu-2025"], "occupations"), "信用管理师")
    assert (entry.serial, entry.code, entry.category) == ("318", "4-07-02-04", Category.B)
    assert entry.raw_name == "*信用管理师"
    assert entry.markers == frozenset({Marker.ONLINE_OVER_40})


def test_digital_and_green_markers_are_split_off_the_name(catalogs):
    # 000 · 附件5 · 序号 31 prints "*建筑信息模型技术员L/S"
    entry = named(catalogs["jiangsu-2025-shortage"].entries, "建筑信息模型技术员")
    assert entry.markers == frozenset({Marker.ONLINE_OVER_40, Marker.DIGITAL, Marker.GREEN})
    assert entry.code == "4-08-08-23"


def test_the_row_whose_empty_first_cell_shares_a_line_with_its_serial_is_read_and_reported(result, catalogs):
    # 000 · 附件4 · line 2015 prints " \t234": the empty 补贴项目 cell and 序号 234 on one line
    lift = named(entries_in(catalogs["jiangsu-2025"], "occupations"), "电梯安装维修工")
    assert (lift.serial, lift.code, lift.category, lift.provenance.line) == (
        "234",
        "6-29-03-03",
        Category.A,
        2015,
    )
    (found,) = of_kind(result, "cells_on_one_line")
    assert (found.line, found.serial, found.original, found.severity) == (
        2015,
        "234",
        " \t234",
        Severity.WARNING,
    )
    assert found.section == "职业资格证书、职业技能等级证书"


def test_jiangsu_lists_123_special_abilities_41_a_29_b_53_c(seed, catalogs):
    # 000 · 附件4 · 专项职业能力证书, 序号 1–123
    rows = entries_in(catalogs["jiangsu-2025"], "special_abilities")
    assert [e.serial for e in rows] == [str(n) for n in range(1, 124)]
    assert Counter(e.category for e in rows) == {Category.A: 41, Category.B: 29, Category.C: 53}
    for letter, expected in (("A", 41), ("B", 29), ("C", 53)):
        assert len(lines_in(seed, JIANGSU_SPECIAL_LINES, lambda line, x=letter: line == f"\t{x}")) == expected
    assert all(re.fullmatch(r"100000\d{3}", e.code or "") for e in rows)
    assert {e.certificate_type for e in rows} == {CertificateType.SPECIAL_ABILITY}


def test_special_abilities_keep_their_jiangsu_codes_as_printed(catalogs):
    # 000 · 附件4 · 专项职业能力证书 · 序号 1 (line 3790) and 序号 123 (line 4550)
    rows = entries_in(catalogs["jiangsu-2025"], "special_abilities")
    first, last = rows[0], rows[-1]
    assert (first.name, first.code, first.category, first.provenance.line) == (
        "单片机应用",
        "100000022",
        Category.A,
        3790,
    )
    assert first.provenance.raw == "专项职业能力证书 | 1 | A | 单片机应用 | 100000022"
    assert (last.name, last.code, last.category) == ("全民阅读推广", "100000169", Category.C)


def test_a_parenthesised_special_ability_is_split_like_a_work_type(catalogs):
    # 000 · 附件4 · 专项职业能力证书 · 序号 18 prints "云计算（私有云维护）" padded with spaces
    entry = named(entries_in(catalogs["jiangsu-2025"], "special_abilities"), "云计算（私有云维护）")
    assert (entry.serial, entry.code, entry.occupation, entry.work_type) == (
        "18",
        "100000094",
        "云计算",
        "私有云维护",
    )


# --- 附件5: the Jiangsu high-skill shortage list ------------------------------------------------


def test_the_jiangsu_shortage_list_has_100_rows_and_states_no_uplift(seed, catalogs):
    # 000 · 附件5: columns 序号 / 职业 / 编码 / 证书, no 上浮比例 column and no percentage in the text
    shortage = catalogs["jiangsu-2025-shortage"]
    assert [(s.key, s.kind) for s in shortage.sections] == [("shortage", SectionKind.SHORTAGE)]
    assert [e.serial for e in shortage.entries] == [str(n) for n in range(1, 101)]
    assert len(lines_in(seed, range(4558, 5067), lambda line: line == "\t等级评价")) == 100
    assert {e.uplift_pct for e in shortage.entries} == {None}
    assert {e.certificate_type for e in shortage.entries} == {CertificateType.SKILL_LEVEL}
    welder = named(shortage.entries, "焊工")
    assert (welder.serial, welder.code, welder.category) == ("68", "6-18-02-04", None)


def test_the_jiangsu_shortage_list_carries_the_star_marker_too(seed, catalogs):
    # 000 · 附件5 · 备注 repeats the 附件4 rule on "*"
    starred = [e for e in catalogs["jiangsu-2025-shortage"].entries if Marker.ONLINE_OVER_40 in e.markers]
    assert len(starred) == len(lines_in(seed, range(4558, 5067), lambda line: line.startswith("\t*"))) == 22


# --- 附件2 and 附件3: Nantong -------------------------------------------------------------------


def test_nantong_additions_have_four_sections(catalogs):
    # 000 · 附件2 · 补贴项目 column, lines 205, 229, 289, 421
    nantong = catalogs["nantong-2025"]
    assert [(s.key, s.title, s.kind, s.certificate_type) for s in nantong.sections] == [
        ("skill_level", "职业技能等级证书", SectionKind.OCCUPATIONS, CertificateType.SKILL_LEVEL),
        (
            "training_qualifications",
            "培训合格证书",
            SectionKind.TRAINING_QUALIFICATIONS,
            CertificateType.TRAINING_QUALIFICATION,
        ),
        (
            "special_abilities",
            "专项职业能力证书",
            SectionKind.SPECIAL_ABILITIES,
            CertificateType.SPECIAL_ABILITY,
        ),
        ("projects", "项目制培训", SectionKind.PROJECTS, None),
    ]
    counts = {s.key: [e.serial for e in entries_in(nantong, s.key)] for s in nantong.sections}
    assert counts == {
        "skill_level": ["1", "2", "3", "4"],
        "training_qualifications": [str(n) for n in range(1, 11)],
        "special_abilities": [str(n) for n in range(1, 23)],
        "projects": [str(n) for n in range(1, 8)],
    }


def test_the_repeated_special_ability_label_at_row_21_does_not_open_a_new_section(catalogs):
    # 000 · 附件2 · line 409 prints 专项职业能力证书 again beside 序号 21 (a merged cell over a page break)
    entry = named(entries_in(catalogs["nantong-2025"], "special_abilities"), "皮肤护理")
    assert (entry.serial, entry.category, entry.code, entry.provenance.line) == ("21", Category.C, None, 409)


def test_nantong_rows_without_a_code_have_none(catalogs):
    # 000 · 附件2: the 编码 cell is empty for every training-qualification and special-ability row
    nantong = catalogs["nantong-2025"]
    assert {e.code for e in entries_in(nantong, "training_qualifications")} == {None}
    assert {e.code for e in entries_in(nantong, "special_abilities")} == {None}
    assert [e.code for e in entries_in(nantong, "skill_level")] == [
        "6-31-02-02",
        "5-03-02-02",
        "4-09-08-02",
        "4-09-08-03",
    ]
    aigc = named(entries_in(nantong, "training_qualifications"), "AIGC人工智能应用工具师")
    assert (aigc.serial, aigc.category, aigc.provenance.raw) == (
        "1",
        Category.A,
        "培训合格证书 | 1 | A | AIGC人工智能应用工具师 | ",
    )


def test_nantong_skill_level_rows_carry_green_markers(catalogs):
    # 000 · 附件2 · 职业技能等级证书 · 序号 3 prints "生活垃圾清运工L"
    entry = named(entries_in(catalogs["nantong-2025"], "skill_level"), "生活垃圾清运工")
    assert (entry.raw_name, entry.markers, entry.category) == (
        "生活垃圾清运工L",
        frozenset({Marker.GREEN}),
        Category.C,
    )


def test_nantong_project_training_lists_seven_coded_occupations(catalogs):
    # 000 · 附件2 · 项目制培训, 序号 1–7
    rows = entries_in(catalogs["nantong-2025"], "projects")
    assert [(e.name, e.code, e.category) for e in rows] == [
        ("物联网安装调试员", "6-25-04-09", Category.B),
        ("智能楼宇管理员", "4-06-01-04", Category.B),
        ("人工智能训练师", "4-04-05-05", Category.B),
        ("养老护理员", "4-10-01-05", Category.C),
        ("无人机驾驶员", "4-02-04-06", Category.B),
        ("无人机装调检修工", "6-23-03-15", Category.B),
        ("健康照护师", "4-14-01-03", Category.B),
    ]


def test_the_nantong_shortage_list_raises_27_occupations_by_30_percent(catalogs):
    # 000 · 附件3 · 上浮比例 column: 30% on every row
    shortage = catalogs["nantong-2025-shortage"]
    assert [(s.key, s.kind) for s in shortage.sections] == [("shortage", SectionKind.SHORTAGE)]
    assert [e.serial for e in shortage.entries] == [str(n) for n in range(1, 28)]
    assert {e.uplift_pct for e in shortage.entries} == {Decimal("30")}


def test_a_nantong_shortage_row_splits_its_work_type(catalogs):
    # 000 · 附件3 · 序号 2: 健康照护师（长期照护师） 4-14-01-03 30%
    entry = named(catalogs["nantong-2025-shortage"].entries, "健康照护师（长期照护师）")
    assert (entry.occupation, entry.work_type, entry.code, entry.uplift_pct) == (
        "健康照护师",
        "长期照护师",
        "4-14-01-03",
        Decimal("30"),
    )
    assert (entry.serial, entry.provenance.attachment, entry.provenance.line) == ("2", "附件3", 478)


def test_every_provenance_line_holds_the_first_cell_of_its_row(seed, result):
    for c in result.catalogs:
        for e in c.entries:
            if e.provenance.line == 2015:
                continue  # 000 · 附件4 · 序号 234: two cells on one line, its own test above
            line = seed.lines[e.provenance.line - 1]
            first = e.provenance.raw.split(" | ")[0]
            assert line.lstrip(" ").startswith("\t"), e.provenance.cite()
            assert first.startswith(line.strip()), e.provenance.cite()


# --- anomalies -----------------------------------------------------------------------------------


def test_the_seed_yields_exactly_these_anomalies(result):
    assert Counter((a.kind, a.severity, a.catalog_id) for a in result.anomalies) == {
        ("name_normalised", Severity.INFO, "jiangsu-2025"): 54,
        ("row_broken_across_lines", Severity.INFO, "jiangsu-2025"): 4,
        ("name_misspelled", Severity.WARNING, "jiangsu-2025"): 2,
        ("cells_on_one_line", Severity.WARNING, "jiangsu-2025"): 1,
    }


def test_jiangsu_misprints_canteen_and_front_desk_attendants_and_the_document_offers_no_correction(result):
    # 000 · 附件4 · 序号 491 前局服务员 4-03-01-01 and 序号 497 餐局服务员 4-03-02-05; no name in this
    # seed contains 厅 and neither code recurs in 附件2/3/5, so nothing here says what was meant.
    found = of_kind(result, "name_misspelled")
    assert [(a.serial, a.original, a.line, a.suggestion) for a in found] == [
        ("491", "前局服务员", 3556, None),
        ("497", "餐局服务员", 3592, None),
    ]
    assert "4-03-01-01" in found[0].message and "4-03-02-05" in found[1].message
    assert {a.section for a in found} == {"职业资格证书、职业技能等级证书"}


def test_a_misprint_is_corrected_when_the_document_prints_the_same_code_elsewhere(seed):
    # 000 · 附件2 · line 214/215, rewritten to print 餐厅服务员 under the code Jiangsu gives 餐局服务员
    lines = list(seed.lines)
    assert (lines[213], lines[214]) == ("\t家禽饲养员", "\t5-03-02-02")
    lines[213], lines[214] = "\t餐厅服务员", "\t4-03-02-05"
    found = {
        a.original: a.suggestion for a in of_kind(read(SeedText(seed.name, tuple(lines))), "name_misspelled")
    }
    assert found == {"前局服务员": None, "餐局服务员": "餐厅服务员"}


def test_the_special_ability_label_broken_one_character_per_line_is_reported(result):
    # 000 · 附件4 · lines 3790–3797 print 专 项 职 业 能 力 证 书 one per line; again at 3941, 4188, 4435
    found = of_kind(result, "row_broken_across_lines")
    assert [(a.line, a.serial, a.original) for a in found] == [
        (3790, "1", "专项职业能力证书"),
        (3941, "25", "专项职业能力证书"),
        (4188, "65", "专项职业能力证书"),
        (4435, "105", "专项职业能力证书"),
    ]


def test_names_with_stray_spaces_are_reported_with_their_printed_text(seed, result):
    # 000 · 附件4: 12 starred occupations end in one space, 42 special abilities in twelve
    found = of_kind(result, "name_normalised")
    padded = lines_in(seed, range(609, 4557), lambda line: line.strip() and line != line.rstrip())
    assert len(found) == len(padded) == 54
    first = found[0]
    assert (first.serial, first.original, first.suggestion, first.line) == (
        "318",
        "*信用管理师 ",
        "*信用管理师",
        2518,
    )
    assert Counter(a.section for a in found) == {"职业资格证书、职业技能等级证书": 12, "专项职业能力证书": 42}


def test_the_real_seed_has_no_serial_gaps_duplicates_or_unparsed_rows(result):
    kinds = {a.kind for a in result.anomalies}
    assert not kinds & {"serial_gap", "serial_duplicate", "unparsed_row", "header_repeated"}


def test_a_broken_row_is_reported_and_the_rest_of_the_table_still_reads(seed):
    # 000 · 附件3 · 序号 5 (lines 493–496), its 上浮比例 cell removed
    lines = list(seed.lines)
    assert lines[495] == "\t30%"
    del lines[495]
    broken = read(SeedText(seed.name, tuple(lines)))
    shortage = next(c for c in broken.catalogs if c.id == "nantong-2025-shortage")
    assert [e.serial for e in shortage.entries] == [str(n) for n in range(1, 28) if n != 5]
    (unparsed,) = [a for a in broken.anomalies if a.kind == "unparsed_row"]
    assert (unparsed.line, unparsed.severity, unparsed.original) == (
        493,
        Severity.ERROR,
        "5 | 镀层工 | 6-18-03-01",
    )
    (gap,) = [a for a in broken.anomalies if a.kind == "serial_gap"]
    assert gap.serial == "5"
    assert gap.message == "序号 5 is missing from the catalog: the rows read go from 4 to 6"


def test_a_repeated_header_and_a_repeated_serial_are_reported(seed):
    # 000 · 附件3: the header (lines 468–471) printed again before 序号 3, and 序号 4 printed as 3
    lines = list(seed.lines)
    assert lines[487] == "\t4"
    lines[487] = "\t3"
    lines[482:482] = ["\t序  号", "\t职  业", "\t编  码", "\t上浮比例", ""]
    changed = read(SeedText(seed.name, tuple(lines)))
    shortage = next(c for c in changed.catalogs if c.id == "nantong-2025-shortage")
    assert len(shortage.entries) == 27
    kinds = Counter(a.kind for a in changed.anomalies if a.catalog_id == "nantong-2025-shortage")
    assert kinds == {"header_repeated": 1, "serial_duplicate": 1, "serial_gap": 1}


# --- 附件1: the Nantong standards ---------------------------------------------------------------

SKILL = "职业资格证书、职业技能等级证书"
EVALUATION = "职业技能评价补贴"
L1 = "高级技师（一级）、特级技师、首席技师"
LEVELS = ("技师（二级）", "高级（三级）", "中级（四级）", "初级（五级）")


def skill_rows(category, amounts, lines):
    labels = (L1, *LEVELS)
    return [
        StandardRow(SKILL, category, level, label, Decimal(amount), amount, line)
        for level, label, amount, line in zip(range(1, 6), labels, amounts, lines, strict=True)
    ]


def test_the_nantong_standards_table_is_read_row_by_row(seed):
    # 000 · 附件1, lines 5–187
    expected = [
        *skill_rows("A", ("4300", "3500", "2000", "1500", "1000"), (10, 17, 22, 27, 32)),
        *skill_rows("B", ("3500", "2500", "1800", "1200", "800"), (37, 42, 47, 52, 57)),
        *skill_rows("C", ("3000", "2000", "1500", "1000", "500"), (62, 67, 72, 77, 82)),
        StandardRow("培训合格证书", "A", None, "培训合格证书", Decimal("1000"), "1000", 87),
        StandardRow("培训合格证书", "B", None, "培训合格证书", Decimal("600"), "600", 92),
        StandardRow("培训合格证书", "C", None, "培训合格证书", Decimal("300"), "300", 97),
        StandardRow("专项职业能力证书", "A", None, "专项职业能力证书", Decimal("800"), "800", 102),
        StandardRow("专项职业能力证书", "B", None, "专项职业能力证书", Decimal("600"), "600", 107),
        StandardRow("专项职业能力证书", "C", None, "专项职业能力证书", Decimal("400"), "400", 112),
        StandardRow(
            "创业培训",
            "创业意识培训（A类）",
            None,
            "GYB培训合格证书（南通市创业意识考核合格证）",
            Decimal("400"),
            "400",
            117,
        ),
        StandardRow(
            "创业培训",
            "创业能力培训（B类）",
            None,
            "SYB、创业能力+政策+技能综合培训、其他创业能力培训项目培训合格证书",
            Decimal("1200"),
            "1200",
            124,
        ),
        StandardRow(
            "创业培训",
            "创业能力培训（C类）",
            None,
            "网络创业培训、创业实训合格证书",
            Decimal("1200"),
            "1200",
            133,
        ),
        StandardRow(
            "创业培训",
            "创业能力培训（C类）",
            None,
            "网络创业培训（直播版）合格证书",
            Decimal("1800"),
            "1800",
            142,
        ),
        StandardRow(
            "创业培训", "创业能力提升培训（D类）", None, "IYB、EYB培训合格证书", Decimal("1500"), "1500", 147
        ),
        StandardRow("其他培训", "职工岗前培训", None, "培训合格证书", Decimal("500"), "500", 154),
        StandardRow("其他培训", "项目制培训", None, "同职业技能培训", None, "同职业技能培训", 159),
        StandardRow(
            "其他培训",
            "企业新型学徒制培训",
            None,
            "按照企业新型学徒制专项文件执行",
            None,
            "按照企业新型学徒制专项文件执行",
            163,
        ),
        StandardRow(EVALUATION, None, 1, "高级技师（一级）", Decimal("650"), "650", 169),
        StandardRow(EVALUATION, None, 2, "技师（二级）", Decimal("500"), "500", 173),
        StandardRow(EVALUATION, None, 3, "高级（三级）", Decimal("260"), "260", 177),
        StandardRow(EVALUATION, None, 4, "中级（四级）", Decimal("200"), "200", 181),
        StandardRow(EVALUATION, None, 5, "初级（五级）", Decimal("150"), "150", 185),
    ]
    assert read_standards(seed) == expected


def test_the_three_notes_of_the_standards_are_read_whole(seed):
    # 000 · 附件1 · 备注1–3, lines 190–194
    notes = read_notes(seed)
    assert list(notes) == ["备注1", "备注2", "备注3"]
    assert notes["备注1"].startswith("综合职业（工种）所在的职业大类")
    assert notes["备注1"].endswith("C类一般为生活服务类。")
    assert notes["备注2"] == (
        "各培训机构开展政府补贴职业技能培训时，应根据培训者实际情况，按照初级工培训不低于40课时、"
        "中级工和高级工及以上培训不低于56课时的参考课时数安排培训教学工作。每培训45分钟为1课时。"
    )
    assert notes["备注3"].startswith(
        "职业（工种）在《江苏省2025年政府补贴性职业技能培训职业（工种）指导目录》以外的"
    )
    assert "参保职工技能提升补贴按C类职业（工种）补贴基准执行" in notes["备注3"]
    assert notes["备注3"].endswith("同等落实参保职工技能提升补贴。")
