"""Seed 001: Jinan's 济人社函〔2023〕28号 and its catalog, read from the official text."""

from datetime import date

import pytest

from skillsubsidy.catalog.model import CatalogVersion, Entry, SectionKind, Severity
from skillsubsidy.ingest.seeds import jinan_2023 as reader
from skillsubsidy.occupations import Marker

from .seed_helpers import edited, entries_in, of_kind

# 001 · 二（一）1: 加工维修类、建筑施工类、…、社会服务类等 10 个行业类别
CLASSES = ("加工维修", "建筑施工", "软件智能", "电力水利", "家政养老",
           "农林牧渔", "商业旅游", "纺织服装", "食品餐饮", "社会服务")  # fmt: skip


def row(catalog: CatalogVersion, section: str, serial: str) -> Entry:
    [found] = [e for e in entries_in(catalog, section) if e.serial == serial]
    return found


def test_the_notice_gives_its_number_date_city_and_ten_industry_classes(seed):
    # 001 · header 济人社函〔2023〕28号 · signed 2023年9月18日 · 二（一）1 lists the 10 行业类别
    notice = reader.read_notice(seed)
    assert notice.document_no == "济人社函〔2023〕28号"
    assert notice.issued == date(2023, 9, 18)
    assert notice.region == "370100"
    assert notice.industry_classes == CLASSES


def test_the_catalog_is_jinans_and_in_force_from_the_notice_date_until_replaced(catalog):
    # 001 · 附件 济南市补贴性职业技能培训项目指导目录（试行）; the notice states no end date
    assert (catalog.id, catalog.region, catalog.document_no) == (
        "jinan-2023",
        "370100",
        "济人社函〔2023〕28号",
    )
    assert (catalog.attachment, catalog.title) == ("附件", "济南市补贴性职业技能培训项目指导目录（试行）")
    assert (catalog.effective_from, catalog.effective_to) == (date(2023, 9, 18), None)
    assert (
        "assumed: in force from the notice date 2023-09-18 until replaced; the text states no end date"
        in catalog.assumptions
    )


def test_the_four_sections_have_the_printed_titles_and_row_counts(catalog):
    # 001 · 附件 · （一）…（四）: 89 + 449 (序号 9 skipped, last 序号 450) + 228 + 12 rows
    counts = {s.key: (s.title, s.kind, len(entries_in(catalog, s.key))) for s in catalog.sections}
    assert counts == {
        "urgent": ("（一）急需紧缺培训项目目录", SectionKind.OCCUPATIONS, 89),
        "general": ("(二) 一般性培训项目目录", SectionKind.OCCUPATIONS, 449),
        "manufacturing": ("(三) 制造业培训项目目录", SectionKind.OCCUPATIONS, 228),
        "projects": ("(四) 项目制培训项目", SectionKind.PROJECTS, 12),
    }
    assert len(catalog.entries) == 778


def test_urgent_row_5_is_the_welder_in_the_processing_and_repair_class(catalog):
    # 001 · 附件 · （一）急需紧缺培训项目目录 · 序号 5 (line 79)
    welder = row(catalog, "urgent", "5")
    assert (welder.code, welder.name, welder.industry_class) == ("6-18-02-04", "焊工", "加工维修")
    assert (welder.provenance.line, welder.provenance.raw) == (79, "5 | 6-18-02-04 | 焊工 | 加工维修")
    assert welder.category is None


def test_green_and_digital_markers_are_taken_off_the_name(catalog):
    # 001 · 附件 · 备注: L 绿色职业, S 数字职业, L/S both; （一）序号 41, 42 and (二) 序号 450
    green = row(catalog, "urgent", "41")
    digital = row(catalog, "urgent", "42")
    both = row(catalog, "general", "450")
    assert (green.name, green.raw_name, green.markers) == (
        "汽车零部件再制造工",
        "汽车零部件再制造工 L",
        {Marker.GREEN},
    )
    assert (digital.name, digital.markers) == ("工业机器人系统操作员", {Marker.DIGITAL})
    assert (both.name, both.markers) == ("增材制造设备操作员", {Marker.GREEN, Marker.DIGITAL})


def test_project_rows_have_a_name_and_class_but_no_code(catalog):
    # 001 · 附件 · (四) 项目制培训项目 · 序号 1 and 12: columns 序号, 项目名称, 行业分类
    first, last = row(catalog, "projects", "1"), row(catalog, "projects", "12")
    assert (first.code, first.name, first.industry_class) == (None, "老年失能照护", "社会服务")
    assert (last.code, last.name, last.industry_class) == (None, "富硒蛋鸡饲养技术", "农林牧渔")


def test_general_serial_9_is_missing_and_reported_as_a_gap(catalog, result):
    # 001 · 附件 · (二) 一般性培训项目目录: 序号 8 is followed by 序号 10 (line 184)
    serials = [int(e.serial or 0) for e in entries_in(catalog, "general")]
    assert 9 not in serials and serials == sorted(serials) and serials[-1] == 450
    [gap] = of_kind(result, "serial_gap")
    assert (gap.section, gap.serial, gap.line) == ("(二) 一般性培训项目目录", "9", 184)
    assert of_kind(result, "serial_duplicate") == [] and of_kind(result, "serial_out_of_sequence") == []


def test_misspelled_and_truncated_industry_classes_are_kept_and_get_the_nearest_valid_class(catalog, result):
    # 001 · 附件 · (二) 序号 158, 319, 327, 397 print 电气水利; (三) 序号 209, 210 print 建筑施
    unknown = {(a.serial, a.suggestion) for a in of_kind(result, "industry_class_unknown")}
    assert unknown == {
        ("158", "电力水利"),
        ("319", "电力水利"),
        ("327", "电力水利"),
        ("397", "电力水利"),
        ("209", "建筑施工"),
        ("210", "建筑施工"),
    }
    assert row(catalog, "general", "158").industry_class == "电气水利"
    assert row(catalog, "manufacturing", "209").industry_class == "建筑施"


def test_every_other_row_uses_one_of_the_notices_classes(catalog):
    # 001 · 二（一）1 names the 10 classes the catalog may use
    printed = {e.industry_class for e in catalog.entries}
    assert printed - set(CLASSES) == {"电气水利", "建筑施"}


def test_the_two_codes_printed_as_zhongye_jinfa_smelter_are_reported(result):
    # 001 · 附件 · (二) 序号 132 and (三) 序号 92 print 6-17-05-03 重冶金法冶炼工, (三) 序号 93 prints
    # 6-17-05-04 重冶金法冶炼工, while (二) 序号 352 prints 6-17-05-04 as 重冶湿法冶炼工
    by_name, by_code = of_kind(result, "code_name_conflict_within_source")
    assert by_name.message.startswith("重冶金法冶炼工 is printed with codes 6-17-05-03 and 6-17-05-04")
    assert by_code.message.startswith("6-17-05-04 is printed as 重冶湿法冶炼工 and 重冶金法冶炼工")
    assert {(a.section, a.serial, a.line) for a in (by_name, by_code)} == {
        ("(三) 制造业培训项目目录", "93", 755)
    }
    assert (by_name.suggestion, by_code.suggestion) == (None, "重冶湿法冶炼工")


def test_the_doubled_character_in_the_dye_preparer_is_reported_as_suspect_without_a_guess(result):
    # 001 · 附件 · (二) 一般性培训项目目录 · 序号 178 印染染料料配制工; 染料 is printed in 染料生产工
    [suspect] = of_kind(result, "name_suspect")
    assert (suspect.serial, suspect.line, suspect.suggestion) == ("178", 362, None)
    assert "印染染料料配制工" in suspect.message and "染料生产工" in suspect.message
    assert of_kind(result, "name_misspelled") == []


def test_one_code_under_two_valid_classes_in_different_sections_is_noted(result):
    # 001 · 附件 · e.g. 6-31-01-03 电工 is 电力水利 in （一）序号 23 and 加工维修 in (三) 序号 213
    noted = of_kind(result, "industry_class_conflict_within_source")
    assert {a.original.split(" | ")[1] for a in noted} == {
        "6-25-03-00",
        "6-24-04-00",
        "6-28-01-13",
        "6-31-01-03",
        "6-21-04-01",
    }
    assert {a.severity for a in noted} == {Severity.INFO}


def test_the_seed_as_printed_has_no_broken_or_unreadable_rows(result):
    assert of_kind(result, "row_broken_across_lines") == [] and of_kind(result, "unparsed_row") == []
    assert {a.catalog_id for a in result.anomalies} == {"jinan-2023"}


@pytest.mark.parametrize(
    "replacement",
    [
        ["5\t6-18-02-04\t焊", "工\t加工维修"],  # the break falls inside the 名称 cell
        ["5\t6-18-02-04", "焊工\t加工维修"],  # the break falls between two cells
        [
            "5\t6-18-02-04\t焊工",
            "",
            "序号\t编码\t职业名称（包括所含工种）\t行业分类",
            "加工维修",
        ],  # over a page break
    ],
)
def test_a_row_split_over_lines_is_rejoined_and_reported(seed, replacement):
    # 001 · 附件 · （一）序号 5 (line 79), split as a different extraction might print it
    result = reader.read(edited(seed, 79, replacement))
    [catalog] = result.catalogs
    welder = row(catalog, "urgent", "5")
    assert (welder.code, welder.name, welder.industry_class) == ("6-18-02-04", "焊工", "加工维修")
    assert len(entries_in(catalog, "urgent")) == 89
    [broken] = of_kind(result, "row_broken_across_lines")
    assert (broken.serial, broken.line, broken.severity) == ("5", 79, Severity.INFO)


def test_a_line_that_is_no_row_is_reported_as_an_error_and_the_rows_around_it_are_kept(seed):
    # 001 · 附件 · （一）: a stray line after 序号 5 (line 79)
    result = reader.read(edited(seed, 79, [seed.lines[78], "见下页"]))
    [unparsed] = of_kind(result, "unparsed_row")
    assert (unparsed.line, unparsed.original, unparsed.severity) == (80, "见下页", Severity.ERROR)
    assert len(entries_in(result.catalogs[0], "urgent")) == 89


def test_a_row_missing_its_last_cell_is_reported_not_dropped(seed):
    # 001 · 附件 · （一）序号 5 (line 79) without its 行业分类 cell
    result = reader.read(edited(seed, 79, ["5\t6-18-02-04\t焊工"]))
    [unparsed] = of_kind(result, "unparsed_row")
    assert (unparsed.line, unparsed.original) == (79, "5\t6-18-02-04\t焊工")
    assert len(entries_in(result.catalogs[0], "urgent")) == 88
