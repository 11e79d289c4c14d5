"""The Guangdong 2023 standard catalog: 002_192cf03f49fda43c.txt · 附件5 (lines 566–1743).

Counts that the reader could get wrong are also counted here straight from the seed text, by means
that share nothing with the reader: every row ends in exactly one certificate type, and every row
has either a 大典-shaped code or a `/` in its 编码 cell (one row, 序号 39, prints `48`).
"""

import re
from collections import Counter

import pytest

from skillsubsidy.catalog.model import CertificateType, SectionKind, Severity
from skillsubsidy.ingest.seeds import guangdong_2023

from .seed_helpers import by_line, of_kind

reader = guangdong_2023  # for the seed, result and catalog fixtures in conftest.py

ANNEX_FIRST_LINE = 566  # " 附件 5"
ANNEX_LAST_LINE = 1743  # the last row; line 1745 is the notice's 公开方式 footer
TABLE_LINES = range(573, ANNEX_LAST_LINE + 1)  # after the title and the first column header


@pytest.fixture(scope="module")
def annex_words(seed):
    return [
        (no, word)
        for no in range(ANNEX_FIRST_LINE, ANNEX_LAST_LINE + 1)
        for word in seed.lines[no - 1].split()
    ]


def test_every_row_of_the_annex_is_read(catalog, annex_words):
    # 002 · 附件5: each row ends in one 证书类型 cell: 426 技能等级证书 and 72 专项能力证书.
    certificates = Counter(w for _, w in annex_words if w.endswith("证书"))
    assert certificates == {"技能等级证书": 426, "专项能力证书": 72}
    assert len(catalog.entries) == sum(certificates.values()) == 498


def test_each_row_has_a_dadian_code_or_a_slash_except_serial_39(catalog, annex_words):
    # 002 · 附件5: 426 code tokens + 71 `/` cells + line 721 `39 48 数字视频制作` = 498 rows.
    codes = [w for _, w in annex_words if re.fullmatch(r"\d-\d\d-\d\d-\d\d", w)]
    slashes = [w for _, w in annex_words if w == "/"]
    assert (len(codes), len(slashes)) == (426, 71)
    assert sorted(e.code for e in catalog.entries if e.code and e.code != "48") == sorted(codes)
    assert sum(e.code is None for e in catalog.entries) == len(slashes)


def test_no_row_is_left_unparsed(result):
    assert [a for a in result.anomalies if a.severity is Severity.ERROR] == []


def test_rows_are_split_into_one_section_per_certificate_type(catalog):
    # 002 · 附件5 · 证书类型 column: only 技能等级证书 and 专项能力证书 are printed.
    assert [(s.key, s.title, s.kind, s.certificate_type) for s in catalog.sections] == [
        ("skill_levels", "技能等级证书", SectionKind.OCCUPATIONS, CertificateType.SKILL_LEVEL),
        ("special_abilities", "专项能力证书", SectionKind.SPECIAL_ABILITIES, CertificateType.SPECIAL_ABILITY),
    ]
    assert Counter(e.section for e in catalog.entries) == {"skill_levels": 426, "special_abilities": 72}
    for e in catalog.entries:
        assert e.certificate_type is catalog.section(e.section).certificate_type


def test_the_catalog_is_guangdong_2023_for_the_year_in_its_title(catalog):
    # 002 · 附件5 · title, lines 568–569; the seed gives no dates for the catalog itself.
    assert (catalog.id, catalog.region, catalog.attachment) == ("guangdong-2023", "440000", "附件5")
    assert catalog.title == "广东省职业技能培训补贴（指导）标准目录（2023 年度）"
    assert (str(catalog.effective_from), str(catalog.effective_to)) == ("2023-01-01", "2023-12-31")
    assert catalog.assumptions[0].startswith("assumed: effective 1 Jan–31 Dec 2023, the year in the title")


def test_entries_keep_the_printed_order_and_point_at_their_serial(catalog, seed):
    lines = [e.provenance.line for e in catalog.entries]
    assert lines == sorted(lines)
    for e in catalog.entries:
        assert seed.lines[e.provenance.line - 1].split()[0] == e.serial


def test_a_row_on_one_line_is_read_cell_by_cell(catalog):
    # 002 · 附件5 · line 1056: `159 4-11-03-01 水供应服务员 其他 技能等级证书`
    e = by_line(catalog, 1056)
    assert (e.serial, e.code, e.name, e.programmes, e.certificate_type, e.edition) == (
        "159", "4-11-03-01", "水供应服务员", ("其他",), CertificateType.SKILL_LEVEL, None
    )  # fmt: skip
    assert e.provenance.raw == "159 | 4-11-03-01 | 水供应服务员 | 其他 | 技能等级证书"
    assert e.provenance.cite() == "002_192cf03f49fda43c.txt · 附件5 · 技能等级证书 · line 1056"


def test_yue_cai_shi_fu_rows_carry_the_programme(catalog):
    # 002 · 附件5 · line 573: `1 4-03-02-01 中式烹调师 粤菜师傅 技能等级证书`
    e = by_line(catalog, 573)
    assert (e.serial, e.code, e.name, e.programmes) == ("1", "4-03-02-01", "中式烹调师", ("粤菜师傅",))
    # line 577: `3 / 潮汕卤鹅制作 粤菜师傅 专项能力证书`, a special ability without a code
    e = by_line(catalog, 577)
    assert (e.code, e.name, e.programmes) == (None, "潮汕卤鹅制作", ("粤菜师傅",))
    assert e.section == "special_abilities"


def test_nanyue_jiazheng_rows_carry_the_programme(catalog):
    # 002 · 附件5 · line 797: `65 4-10-01-06 家政服务员 南粤家政 技能等级证书` (序号 65 is printed twice)
    e = by_line(catalog, 797)
    assert (e.serial, e.code, e.name, e.programmes) == ("65", "4-10-01-06", "家政服务员", ("南粤家政",))
    # line 813: `71 / 母婴生活照护 南粤家政 专项能力证书`
    e = by_line(catalog, 813)
    assert (e.code, e.name, e.programmes) == (None, "母婴生活照护", ("南粤家政",))
    assert e.section == "special_abilities"


def test_programme_counts_match_the_type_column(catalog, seed):
    # 002 · 附件5 · 类型: counted on the annex with whitespace and page headers removed, where a
    # wrapped cell such as `新业态/农村` + `电商` (lines 630–633) reads whole again. Row 20 (line 636)
    # is the exception: its `电商` lands after the page header on line 637, so 农村电商 has one more.
    joined = "".join(
        re.sub(r"\s+", "", seed.lines[no - 1])
        for no in range(ANNEX_FIRST_LINE, ANNEX_LAST_LINE + 1)
        if not re.fullmatch(r"\s*序号\s+编码\s+名称\s+类型\s+证书类型\s*", seed.lines[no - 1])
    )
    printed = {p: joined.count(p) for p in ("粤菜师傅", "南粤家政", "乡村工匠", "农村电商", "新业态", "其他")}
    assert printed == {
        "粤菜师傅": 16, "南粤家政": 13, "乡村工匠": 32, "农村电商": 4, "新业态": 23, "其他": 416,
    }  # fmt: skip
    assert Counter(p for e in catalog.entries for p in e.programmes) == printed | {"农村电商": 5}


def test_a_row_with_several_programmes_keeps_them_in_printed_order(catalog):
    # 002 · 附件5 · lines 616–628: `18` / `4-01-06-01` / `（2022年版）` / `电子商务师` / `新业态/农村` /
    # `电商/乡村工` / `匠` / `技能等级证书`
    e = by_line(catalog, 616)
    assert (e.code, e.edition, e.name) == ("4-01-06-01", "2022", "电子商务师")
    assert e.programmes == ("新业态", "农村电商", "乡村工匠")
    cells = ["18", "4-01-06-01（2022年版）", "电子商务师", "新业态/农村电商/乡村工匠", "技能等级证书"]
    assert e.provenance.raw == " | ".join(cells)


def test_a_name_wrapped_over_lines_is_rejoined(catalog):
    # 002 · 附件5 · lines 665–669: `27 4-04-04-01` / `信息通信网络运行管理` / `员` / `新业态 技能等级证书`
    e = by_line(catalog, 665)
    assert (e.code, e.name, e.programmes) == ("4-04-04-01", "信息通信网络运行管理员", ("新业态",))


def test_overflow_after_a_page_header_continues_the_row_above(catalog):
    # 002 · 附件5 · lines 636–639: row 20 ends `新业态/农村 专项能力证书`, the header repeats on
    # line 637 and `电商` follows on line 639.
    e = by_line(catalog, 636)
    assert (e.name, e.programmes) == ("网商运营", ("新业态", "农村电商"))
    # lines 918–921: row 111 ends `信息通信信息化系统管 其他 技能等级证书`; `理员` follows the header.
    e = by_line(catalog, 918)
    assert (e.name, e.programmes) == ("信息通信信息化系统管理员", ("其他",))


def test_reassembled_rows_are_reported(result, seed):
    # 002 · 附件5: 39 rows do not end on the line of their 序号, and rows 20 and 111 end on it but
    # spill over a page header.
    rows = {no: words for no, words in ((no, seed.lines[no - 1].split()) for no in TABLE_LINES) if words}
    unfinished = {no for no, words in rows.items() if words[0].isdigit() and not words[-1].endswith("证书")}
    assert len(unfinished) == 39
    broken = of_kind(result, "row_broken_across_lines")
    assert {a.line for a in broken} == unfinished | {636, 918}
    assert all(a.severity is Severity.INFO for a in broken)
    (row_20,) = [a for a in broken if a.line == 636]
    assert "'电商'" in row_20.message and "类型" in row_20.message
    assert row_20.original == "20 / 网商运营 新业态/农村 专项能力证书\n电商"


def test_edition_markers_belong_to_the_code_printed_above_them(catalog, seed):
    # 002 · 附件5: each `（2022年版）` (20 of them) sits in the 编码 cell, under its code.
    expected = set()
    code = None
    for no in range(ANNEX_FIRST_LINE, ANNEX_LAST_LINE + 1):
        for word in seed.lines[no - 1].split():
            if re.fullmatch(r"\d-\d\d-\d\d-\d\d", word):
                code = word
            elif word == "（2022年版）":
                expected.add(code)
    assert len(expected) == 20
    assert {e.code for e in catalog.entries if e.edition == "2022"} == expected
    assert sum(e.edition is not None for e in catalog.entries) == 20
    assert all("年版" not in e.name for e in catalog.entries)


def test_an_edition_on_the_name_line_is_still_split_off(catalog):
    # 002 · 附件5 · lines 803–807: `68` / `4-14-01-03` / `（2022年版） 健康照护师` / `南粤家政 技能等级证书`
    e = by_line(catalog, 803)
    assert (e.serial, e.code, e.edition, e.name, e.programmes) == (
        "68", "4-14-01-03", "2022", "健康照护师", ("南粤家政",)
    )  # fmt: skip


def test_an_invalid_code_is_kept_as_printed(catalog, result):
    # 002 · 附件5 · lines 732–736: 4-18-10-01 陶瓷工艺师; there is no 中类 4-18, which the dataset
    # layer reports; the reader only keeps what is printed.
    e = by_line(catalog, 732)
    assert (e.code, e.edition, e.name, e.programmes) == ("4-18-10-01", "2022", "陶瓷工艺师", ("乡村工匠",))
    assert not [a for a in result.anomalies if a.line == 732 and a.kind != "row_broken_across_lines"]


def test_a_code_cell_that_is_no_code_is_kept_and_reported(catalog, result):
    # 002 · 附件5 · line 721: `39 48 数字视频制作 新业态 专项能力证书`
    e = by_line(catalog, 721)
    assert (e.code, e.name, e.programmes) == ("48", "数字视频制作", ("新业态",))
    assert e.section == "special_abilities"
    (found,) = of_kind(result, "code_malformed")
    assert (found.line, found.serial, found.severity) == (721, "39", Severity.WARNING)


def test_repeated_serials_are_reported_and_every_row_is_kept(catalog, result):
    # 002 · 附件5: 序号 57 (lines 756, 764), 64–71 (lines 778–793, 795–813), 76–83 (lines 823–841,
    # 843–858), 440–452 (lines 1650–1678, 1686–1717) and 456–459 (lines 1719–1725, 1737–1743).
    dups = of_kind(result, "serial_duplicate")
    expected = ["57", *map(str, range(64, 72)), *map(str, range(76, 84))]
    expected += [*map(str, range(440, 453)), *map(str, range(456, 460))]
    assert [a.serial for a in dups] == expected
    assert len(dups) == 34
    assert all(a.severity is Severity.WARNING for a in dups)
    (first,) = [a for a in dups if a.serial == "57"]
    assert first.line == 764 and "line 756" in first.message
    assert len([e for e in catalog.entries if e.serial == "57"]) == 2
    assert len({e.serial for e in catalog.entries}) == 498 - 34


def test_serials_out_of_sequence_are_reported(result):
    # 002 · 附件5: 53→57 (756), 57→54 (758), 71→64 (795), 83→76 (843), 455→440 (1686),
    # 452→456 (1719), 464→456 (1737).
    jumps = of_kind(result, "serial_out_of_sequence")
    assert [(a.line, a.serial) for a in jumps] == [
        (756, "57"), (758, "54"), (795, "64"), (843, "76"), (1686, "440"), (1719, "456"), (1737, "456"),
    ]  # fmt: skip


def test_the_anomalies_are_exactly_these(result):
    assert Counter(a.kind for a in result.anomalies) == {
        "row_broken_across_lines": 41,
        "serial_duplicate": 34,
        "serial_out_of_sequence": 7,
        "code_malformed": 1,
    }
    assert all(a.catalog_id == "guangdong-2023" and a.attachment == "附件5" for a in result.anomalies)
