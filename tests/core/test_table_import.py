"""The general table importer: files generated from seed tables must read back as the seed prints them.

Fixtures are written by tests/core/fixtures_tables.py from 000_d6c6a123f4673bde.txt · 附件2 (Nantong
additions, 补贴项目 printed once per block) and · 附件3 (Nantong shortage list, +30%), and from
003_eaf749be2f6ce36e.txt (evaluation occupations with levels), in the layouts bureaus use.
"""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from datetime import date
from decimal import Decimal

import docx
import openpyxl
import pytest

from skillsubsidy.catalog.model import CertificateType, SectionKind, Severity
from skillsubsidy.ingest.mapping import Field, MappingPreview, preview, to_catalog
from skillsubsidy.ingest.tables import (
    RawTable,
    TableImportError,
    join_wrapped,
    read_tables,
    tables_from_data,
    tables_to_data,
)
from skillsubsidy.occupations import Marker, split_name

from .fixtures_tables import (
    SeedTable,
    evaluation_occupations,
    nantong_additions,
    nantong_shortage,
    write_csv,
    write_docx,
    write_pdf,
    write_xlsx,
    write_xlsx_two_row_header,
)

SHORTAGE = nantong_shortage()
ADDITIONS = nantong_additions()


def catalog(tables: list[RawTable] | MappingPreview, source: str = "附件.xlsx"):
    return to_catalog(
        tables,
        catalog_id="nantong-2026-test",
        region="320600",
        title="南通市测试目录",
        effective_from=date(2026, 1, 1),
        effective_to=None,
        source_name=source,
    )


def shortage_rows(table: SeedTable) -> list[tuple[str, str, str, Decimal]]:
    """(serial, code, normalised name, uplift) as the seed prints them."""
    return [(s, c, split_name(n).name, Decimal(u.rstrip("%"))) for s, n, c, u in table.rows]


def additions_rows(table: SeedTable) -> list[tuple[str, str, str, str, str | None]]:
    """(label filled down, serial, category, normalised name, code or None) as the seed prints them."""
    out, label = [], ""
    for lab, serial, category, name, code in table.rows:
        label = lab or label
        out.append((label, serial, category, split_name(name).name, code or None))
    return out


def entry_shortage_rows(cat) -> list[tuple[str, str, str, Decimal]]:
    return [(e.serial, e.code, e.name, e.uplift_pct) for e in cat.entries]


def entry_additions_rows(cat) -> list[tuple[str, str, str, str, str | None]]:
    titles = {s.key: s.title for s in cat.sections}
    return [(titles[e.section], e.serial, e.category.value, e.name, e.code) for e in cat.entries]


def kinds(anomalies) -> Counter[str]:
    return Counter(a.kind for a in anomalies)


# --- the seed tables themselves ---------------------------------------------------------------


def test_the_fixture_tables_have_the_row_counts_the_seed_prints():
    # 000 · 附件3: serials 1–27
    # 000 · 附件2: 4 职业技能等级证书 + 10 培训合格证书 + 22 专项职业能力证书 + 7 项目制培训
    assert len(SHORTAGE.rows) == 27
    assert [r[0] for r in SHORTAGE.rows] == [str(n) for n in range(1, 28)]
    assert len(ADDITIONS.rows) == 43
    assert Counter(r[0] for r in additions_rows(ADDITIONS)) == {
        "职业技能等级证书": 4,
        "培训合格证书": 10,
        "专项职业能力证书": 22,
        "项目制培训": 7,
    }


# --- xlsx -------------------------------------------------------------------------------------


def test_shortage_list_from_xlsx_with_a_title_row_and_percent_cells_reads_back_as_the_seed(tmp_path):
    path = write_xlsx(tmp_path / "附件3.xlsx", SHORTAGE, sheet="附件3", percent_column=3)
    pv = preview(read_tables(path))
    cat, anomalies = catalog(pv)
    # 000 · 附件3: 27 occupations, every one +30% on high-skill training
    assert entry_shortage_rows(cat) == shortage_rows(SHORTAGE)
    assert {e.uplift_pct for e in cat.entries} == {Decimal("30")}
    assert anomalies == []
    assert pv.preamble == ("南通市2025年高技能人才培训补贴紧缺型职业（工种）指导目录（第一批）",)
    assert [(m.column, m.field, m.confidence) for m in pv.columns] == [
        (0, Field.SERIAL, 1.0),
        (1, Field.NAME, 1.0),
        (2, Field.CODE, 1.0),
        (3, Field.UPLIFT, 1.0),
    ]
    assert [(s.key, s.kind) for s in cat.sections] == [("shortage", SectionKind.SHORTAGE)]


def test_markers_after_a_name_are_split_off_the_name(tmp_path):
    path = write_xlsx(tmp_path / "附件3.xlsx", SHORTAGE)
    cat, _ = catalog(read_tables(path))
    # 000 · 附件3 · 序号 16: 化工总控工S (digital occupation)
    entry = next(e for e in cat.entries if e.serial == "16")
    assert (entry.name, entry.raw_name, entry.markers) == (
        "化工总控工",
        "化工总控工S",
        frozenset({Marker.DIGITAL}),
    )


def test_header_repeated_at_page_breaks_in_a_sheet_is_skipped_and_reported_as_info(tmp_path):
    path = write_xlsx(tmp_path / "附件3.xlsx", SHORTAGE, repeat_header_every=10)
    cat, anomalies = catalog(read_tables(path))
    assert entry_shortage_rows(cat) == shortage_rows(SHORTAGE)
    # title on row 1, header on row 2, data from row 3; the header comes again before 序号 11 and 21
    assert [(a.kind, a.severity, a.line) for a in anomalies] == [
        ("header_repeated", Severity.INFO, 13),
        ("header_repeated", Severity.INFO, 24),
    ]


def test_additions_from_xlsx_with_a_merged_label_column_fill_every_row_of_the_block(tmp_path):
    path = write_xlsx(tmp_path / "附件2.xlsx", ADDITIONS, sheet="附件2", merge_column=0, wrap_header=3)
    tables = read_tables(path)
    cat, anomalies = catalog(tables)
    assert entry_additions_rows(cat) == additions_rows(ADDITIONS)
    assert anomalies == []
    # the wrapped header cell reads as printed in the seed: 职业工种名称（含各职业下全部工种）
    assert preview(tables).header[3] == "职业工种名称（含各职业下全部工种）"


def test_xlsx_merged_cells_record_the_cell_they_were_filled_from(tmp_path):
    path = write_xlsx(tmp_path / "附件2.xlsx", ADDITIONS, merge_column=0)
    (table,) = read_tables(path)
    title = table.rows[0]
    assert [c.merged_from for c in title] == [None, (1, 1), (1, 1), (1, 1), (1, 1)]
    # 000 · 附件2: 职业技能等级证书 heads 4 rows, sheet rows 3–6
    labels = [(c.text, c.row, c.merged_from) for c in (row[0] for row in table.rows[2:6])]
    assert labels == [
        ("职业技能等级证书", 3, None),
        ("职业技能等级证书", 4, (3, 1)),
        ("职业技能等级证书", 5, (3, 1)),
        ("职业技能等级证书", 6, (3, 1)),
    ]


def test_additions_sections_take_their_kind_and_certificate_type_from_the_label(tmp_path):
    path = write_xlsx(tmp_path / "附件2.xlsx", ADDITIONS, merge_column=0)
    cat, _ = catalog(read_tables(path))
    assert [(s.key, s.title, s.kind, s.certificate_type) for s in cat.sections] == [
        ("occupations", "职业技能等级证书", SectionKind.OCCUPATIONS, CertificateType.SKILL_LEVEL),
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
    # 000 · 附件2 · 专项职业能力证书 · 序号 21: the label printed again after a page break is one section
    assert Counter(e.section for e in cat.entries) == {
        "occupations": 4,
        "training_qualifications": 10,
        "special_abilities": 22,
        "projects": 7,
    }
    assert cat.assumptions == (
        "column 3 「职业工种名称（含各职业下全部工种）」 read as name (contains)",
        "section 「职业技能等级证书」 read as occupations, certificate skill_level",
        "section 「培训合格证书」 read as training_qualifications, certificate training_qualification",
        "section 「专项职业能力证书」 read as special_abilities, certificate special_ability",
        "section 「项目制培训」 read as projects",
    )


def test_provenance_points_at_the_file_sheet_and_row(tmp_path):
    path = write_xlsx(tmp_path / "upload-7f3a.xlsx", ADDITIONS, sheet="附件2", merge_column=0)
    cat, _ = catalog(read_tables(path), source="南通2026目录.xlsx")
    last = cat.entries[-1]
    # 000 · 附件2 · 项目制培训 · 序号 7: 健康照护师 4-14-01-03; title row 1, header row 2, 43rd data row
    assert last.provenance.cite() == "南通2026目录.xlsx · sheet 附件2 · 项目制培训 · line 45"
    # the merged 补贴项目 cell belongs to every row beside it
    assert last.provenance.raw == "项目制培训 | 7 | B | 健康照护师 | 4-14-01-03"
    assert (cat.seed, cat.attachment, cat.region) == ("南通2026目录.xlsx", "sheet 附件2", "320600")


def test_two_row_header_under_a_merged_heading_is_read_as_one_header(tmp_path):
    path = write_xlsx_two_row_header(tmp_path / "附件3.xlsx", SHORTAGE)
    pv = preview(read_tables(path))
    assert pv.header_rows == (2, 3)
    assert pv.header == ("序  号", "职业（工种）名称", "职业（工种）编码", "上浮比例")
    assert [(m.field, m.how) for m in pv.columns] == [
        (Field.SERIAL, "exact"),
        (Field.NAME, "exact"),
        (Field.CODE, "contains"),
        (Field.UPLIFT, "exact"),
    ]
    cat, anomalies = catalog(pv)
    assert entry_shortage_rows(cat) == shortage_rows(SHORTAGE)
    assert anomalies == []


def test_a_second_name_column_becomes_the_occupation_name_and_levels_are_parsed(tmp_path):
    table = evaluation_occupations()
    path = write_xlsx(tmp_path / "003.xlsx", table)
    cat, anomalies = catalog(read_tables(path))
    assert len(cat.entries) == 202
    # 003 · 序号 1: 3-01-01-02 政务服务办事员, 政务服务办事员, 5、4、3
    first = cat.entries[0]
    assert (first.code, first.name, first.occupation_name, first.levels) == (
        "3-01-01-02",
        "政务服务办事员",
        "政务服务办事员",
        (3, 4, 5),
    )
    assert [(s.key, s.kind) for s in cat.sections] == [("evaluation", SectionKind.EVALUATION)]
    # 003 · 序号 42 and 43 print 专项职业能力 in the 等级 column
    assert [(a.kind, a.serial, a.original.split(" | ")[-1]) for a in anomalies] == [
        ("bad_levels", "42", "专项职业能力"),
        ("bad_levels", "43", "专项职业能力"),
    ]


# --- docx -------------------------------------------------------------------------------------


def test_shortage_list_from_docx_reads_back_as_the_seed(tmp_path):
    path = write_docx(tmp_path / "附件3.docx", SHORTAGE)
    cat, anomalies = catalog(read_tables(path))
    assert entry_shortage_rows(cat) == shortage_rows(SHORTAGE)
    assert anomalies == []
    assert cat.attachment == "table 1"


def test_additions_from_docx_with_vertically_merged_labels_read_back_as_the_seed(tmp_path):
    path = write_docx(tmp_path / "附件2.docx", ADDITIONS, merge_column=0)
    cat, anomalies = catalog(read_tables(path))
    assert entry_additions_rows(cat) == additions_rows(ADDITIONS)
    assert anomalies == []


def test_docx_merged_cells_appear_once_per_grid_position_marked_as_filled(tmp_path):
    path = write_docx(tmp_path / "附件2.docx", ADDITIONS, merge_column=0)
    # python-docx itself hands back the merged cell object once per position it covers
    word_row = docx.Document(str(path)).tables[0].rows[0].cells
    assert len(word_row) == 5 and len({id(c._tc) for c in word_row}) == 1
    (table,) = read_tables(path)
    assert [(c.text, c.col, c.merged_from) for c in table.rows[0]] == [
        ("南通市2025年政府补贴性职业技能培训职业（工种）指导目录", 1, None),
        *(("南通市2025年政府补贴性职业技能培训职业（工种）指导目录", col, (1, 1)) for col in range(2, 6)),
    ]
    # 000 · 附件2: 培训合格证书 heads 10 rows, table rows 7–16
    block = [row[0] for row in table.rows[6:16]]
    assert {c.text for c in block} == {"培训合格证书"}
    assert [c.merged_from for c in block] == [None] + [(7, 1)] * 9


# --- pdf --------------------------------------------------------------------------------------


def test_shortage_list_from_a_three_page_pdf_reads_back_as_the_seed(tmp_path):
    path = write_pdf(tmp_path / "附件3.pdf", SHORTAGE)
    tables = read_tables(path)
    assert [(t.page, len(t.rows)) for t in tables] == [(1, 13), (2, 13), (3, 4)]
    cat, anomalies = catalog(tables)
    assert entry_shortage_rows(cat) == shortage_rows(SHORTAGE)
    # the header printed again at the top of pages 2 and 3
    assert [(a.kind, a.attachment, a.line) for a in anomalies] == [
        ("header_repeated", "page 2 · table 1", 1),
        ("header_repeated", "page 3 · table 1", 1),
    ]
    assert cat.attachment == "pages 1–3"


def test_additions_from_pdf_carry_a_merged_label_across_page_breaks(tmp_path):
    path = write_pdf(tmp_path / "附件2.pdf", ADDITIONS, merge_column=0, wrap_column=3)
    tables = read_tables(path)
    # 12 rows a page: page 2 opens inside the 培训合格证书 block, whose label stayed on page 1
    assert tables[1].rows[1][0].text == ""
    cat, anomalies = catalog(tables)
    assert entry_additions_rows(cat) == additions_rows(ADDITIONS)
    assert kinds(anomalies) == {"header_repeated": 3}


def test_merged_label_cells_in_pdf_are_filled_from_their_top_cell(tmp_path):
    path = write_pdf(tmp_path / "附件2.pdf", ADDITIONS, merge_column=0)
    page1 = read_tables(path)[0]
    # rows 2–5 of page 1: the 职业技能等级证书 block, one tall cell
    assert [(c.text, c.merged_from) for c in (row[0] for row in page1.rows[1:5])] == [
        ("职业技能等级证书", None),
        ("职业技能等级证书", (2, 1)),
        ("职业技能等级证书", (2, 1)),
        ("职业技能等级证书", (2, 1)),
    ]


def test_a_header_wrapped_inside_a_pdf_cell_is_joined_without_spaces(tmp_path):
    path = write_pdf(tmp_path / "附件2.pdf", ADDITIONS, merge_column=0, wrap_column=3)
    assert preview(read_tables(path)).header[3] == "职业工种名称（含各职业下全部工种）"


def test_pdf_without_ruling_lines_is_read_from_word_positions_and_says_so(tmp_path):
    path = write_pdf(tmp_path / "附件3.pdf", SHORTAGE, ruled=False)
    tables = read_tables(path)
    assert all(t.inferred for t in tables)
    cat, anomalies = catalog(tables)
    assert entry_shortage_rows(cat) == shortage_rows(SHORTAGE)
    assert kinds(anomalies) == {"inferred_layout": 3, "header_repeated": 2}


# --- csv and text -----------------------------------------------------------------------------


def test_csv_saved_in_gb18030_reads_like_the_seed(tmp_path):
    path = write_csv(tmp_path / "附件2.csv", ADDITIONS, encoding="gb18030")
    cat, anomalies = catalog(read_tables(path))
    assert entry_additions_rows(cat) == additions_rows(ADDITIONS)
    assert anomalies == []


def test_tab_separated_text_reads_like_the_seed(tmp_path):
    path = tmp_path / "附件3.txt"
    path.write_text("\n".join("\t".join(r) for r in (SHORTAGE.header, *SHORTAGE.rows)), "utf-8")
    cat, _ = catalog(read_tables(path))
    assert entry_shortage_rows(cat) == shortage_rows(SHORTAGE)


# --- unfamiliar layouts and explicit mappings -------------------------------------------------

UNFAMILIAR = SeedTable("岗位加成清单", ("排列", "工作岗位", "标识", "加成"), SHORTAGE.rows)


def test_unfamiliar_headers_are_reported_and_refused_without_a_mapping(tmp_path):
    path = write_csv(tmp_path / "清单.csv", UNFAMILIAR)
    pv = preview(read_tables(path))
    assert pv.header == ("排列", "工作岗位", "标识", "加成")
    assert pv.columns == ()
    assert [(a.kind, a.severity) for a in pv.anomalies] == [
        *[("unknown_header", Severity.WARNING)] * 4,
        ("no_name_column", Severity.ERROR),
    ]
    with pytest.raises(TableImportError, match=r"^清单\.csv: no column maps to the field name .*工作岗位"):
        catalog(pv)


def test_an_explicit_mapping_by_column_index_reads_an_unfamiliar_layout(tmp_path):
    path = write_csv(tmp_path / "清单.csv", UNFAMILIAR)
    pv = preview(read_tables(path), {0: "serial", 1: "name", 2: Field.CODE, 3: "uplift"})
    assert {(m.field, m.how, m.confidence) for m in pv.columns} == {
        (f, "user", 1.0) for f in (Field.SERIAL, Field.NAME, Field.CODE, Field.UPLIFT)
    }
    cat, anomalies = catalog(pv)
    assert entry_shortage_rows(cat) == shortage_rows(SHORTAGE)
    assert anomalies == []


def test_an_explicit_mapping_by_header_text_overrides_and_ignores_columns(tmp_path):
    path = write_csv(tmp_path / "附件3.csv", SHORTAGE)
    pv = preview(read_tables(path), {"职业": "name", "上浮比例": None}, sample=3)
    assert pv.fields == {Field.SERIAL: 0, Field.NAME: 1, Field.CODE: 2}
    assert [r.serial for r in pv.sample] == ["1", "2", "3"]
    assert len(pv.rows) == 27
    cat, _ = catalog(pv)
    assert {e.uplift_pct for e in cat.entries} == {None}


def test_an_explicit_header_row_replaces_detection(tmp_path):
    path = write_xlsx(tmp_path / "清单.xlsx", UNFAMILIAR)
    pv = preview(read_tables(path), {1: "name", 2: "code"}, header_row=2)
    assert pv.header_rows == (2,)
    assert [r.code for r in pv.rows] == [r[2] for r in SHORTAGE.rows]


# --- data-quality findings --------------------------------------------------------------------


def test_quality_problems_are_reported_with_their_row_and_the_rows_kept(tmp_path):
    rows = [list(r) for r in ADDITIONS.rows]
    rows[1][2] = "D"  # 职业技能等级证书 · 序号 2
    rows[9][3] = ""  # 培训合格证书 · 序号 6
    del rows[22]  # 专项职业能力证书 · 序号 9
    rows[37][4] = "4-04-0505"  # 项目制培训 · 序号 3 (indexes after the deletion)
    rows[38][4] = "4-18-10-01"  # 项目制培训 · 序号 4: the invalid code DOMAIN.md names
    rows[40][1] = "5"  # 项目制培训 · 序号 6 printed as 5
    path = write_csv(tmp_path / "附件2.csv", ADDITIONS.with_rows(rows))
    cat, anomalies = catalog(read_tables(path))
    # CSV line = row index + 2 (the header is line 1)
    assert [(a.kind, a.severity, a.section, a.serial, a.line) for a in anomalies] == [
        ("bad_category", Severity.WARNING, "职业技能等级证书", "2", 3),
        ("empty_name", Severity.ERROR, "培训合格证书", "6", 11),
        ("serial_gap", Severity.WARNING, "专项职业能力证书", "10", 24),
        ("code_malformed", Severity.ERROR, "项目制培训", "3", 39),
        ("code_unknown_group", Severity.ERROR, "项目制培训", "4", 40),
        ("serial_duplicate", Severity.WARNING, "项目制培训", "5", 42),
        ("serial_gap", Severity.WARNING, "项目制培训", "7", 43),
    ]
    assert anomalies[2].message == "serial 10 follows 8: 9 missing"
    assert all(a.catalog_id == "nantong-2026-test" and a.seed == "附件.xlsx" for a in anomalies)
    assert len(cat.entries) == 41  # 43 printed, one deleted, one without a name
    # a code of the wrong shape is kept as printed, for the quality report and a human to judge
    assert next(e.code for e in cat.entries if e.provenance.line == 39) == "4-04-0505"


def test_a_label_on_every_row_with_numbering_running_through_it_is_one_numbering(tmp_path):
    # Guangdong prints 证书类型 on every row and numbers straight through (002 · 附件5); here the
    # 000 · 附件2 rows are printed that way: no serial gap or duplicate where the label changes
    rows = [
        (label, str(n), cat, name, code or "")
        for n, (label, _, cat, name, code) in enumerate(additions_rows(ADDITIONS), 1)
    ]
    path = write_csv(tmp_path / "附件2.csv", ADDITIONS.with_rows(rows))
    cat, anomalies = catalog(read_tables(path))
    assert anomalies == []
    assert [s.title for s in cat.sections] == [
        "职业技能等级证书",
        "培训合格证书",
        "专项职业能力证书",
        "项目制培训",
    ]
    assert [e.serial for e in cat.entries] == [str(n) for n in range(1, 44)]


def test_shanghai_style_heading_rows_open_sections_and_categories_keep_their_star(tmp_path):
    table = SeedTable(
        "上海市职业技能提升补贴目录",
        ("序号", "项目编码", "项目名称", "分类"),
        (
            ("一、", "职业技能等级项目", "", ""),
            ("1", "4-02-06-05", "供应链管理师", "A"),
            ("2", "4-04-04-02", "网络与信息安全管理员", "B*"),
            ("三、", "专项职业能力项目", "", ""),
            ("1", "4-04-05-Z1", "人工智能训练", "C"),
        ),
    )
    cat, anomalies = catalog(read_tables(write_csv(tmp_path / "sh.csv", table)))
    assert [(s.title, s.kind) for s in cat.sections] == [
        ("一、职业技能等级项目", SectionKind.OCCUPATIONS),
        ("三、专项职业能力项目", SectionKind.SPECIAL_ABILITIES),
    ]
    assert [(e.serial, e.category.value, e.matched, e.certificate_type) for e in cat.entries] == [
        ("1", "A", False, CertificateType.SKILL_LEVEL),
        ("2", "B", True, CertificateType.SKILL_LEVEL),
        ("1", "C", False, CertificateType.SPECIAL_ABILITY),
    ]
    assert anomalies == []


def test_a_workbook_with_one_sheet_per_attachment_is_read_one_sheet_at_a_time(tmp_path):
    path = write_xlsx(tmp_path / "目录.xlsx", ADDITIONS, sheet="附件2", merge_column=0)
    wb = openpyxl.load_workbook(path)
    sheet = wb.create_sheet("附件3")
    for row in (SHORTAGE.header, *SHORTAGE.rows):
        sheet.append(list(row))
    wb.save(path)
    tables = read_tables(path)
    assert [t.where() for t in tables] == ["sheet 附件2", "sheet 附件3"]
    _, anomalies = catalog(tables)
    assert [(a.kind, a.attachment) for a in anomalies] == [("table_skipped", "sheet 附件3")]
    cat, anomalies = catalog([t for t in tables if t.sheet == "附件3"])
    assert entry_shortage_rows(cat) == shortage_rows(SHORTAGE)
    assert anomalies == []


def test_a_later_table_with_another_header_is_skipped_and_reported(tmp_path):
    path = tmp_path / "两表.docx"
    write_docx(path, SHORTAGE)
    document = docx.Document(str(path))
    other = document.add_table(rows=2, cols=2)
    for c, text in enumerate(("序号", "名称")):
        other.cell(0, c).text = text
    document.save(str(path))
    cat, anomalies = catalog(read_tables(path))
    assert len(cat.entries) == 27
    assert [(a.kind, a.message) for a in anomalies] == [
        (
            "table_skipped",
            "两表.docx · table 2 has 2 columns, unlike the table at 两表.docx · table 1; skipped",
        )
    ]


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "目录.xls",
            b"\xd0\xcf\x11\xe0",
            r"^目录\.xls: unsupported file type '\.xls' \(save it as \.xlsx\); use ",
        ),
        ("目录.numbers", b"", r"^目录\.numbers: unsupported file type '\.numbers'; use \.csv, \.docx, \.pdf"),
        ("目录.xlsx", b"not a zip", r"^目录\.xlsx: cannot read the file as xlsx \(BadZipFile: "),
        ("目录.docx", b"not a zip", r"^目录\.docx: cannot read the file as docx \("),
        ("目录.pdf", b"%PDF-1.4 broken", r"^目录\.pdf: cannot read the file as pdf \("),
        ("目录.txt", "只有一段文字，没有表格。".encode(), r"^目录\.txt: no TAB-separated table in the text$"),
        ("目录.csv", b"", r"^目录\.csv: no table found in the file$"),
    ],
)
def test_unreadable_files_raise_an_error_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(TableImportError, match=message):
        read_tables(path)


def test_a_missing_file_raises_an_error_naming_it(tmp_path):
    with pytest.raises(TableImportError, match=r"^目录\.xlsx: file not found: "):
        read_tables(tmp_path / "目录.xlsx")


def test_a_word_file_without_tables_raises_no_table_found(tmp_path):
    path = tmp_path / "通知.docx"
    document = docx.Document()
    document.add_paragraph("各区人社局：现将目录印发给你们。")
    document.save(str(path))
    with pytest.raises(TableImportError, match=r"^通知\.docx: no table found in the file$"):
        read_tables(path)


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({7: "name"}, r"^附件3\.csv: mapping sends column 7 to name, but the table has 4 columns \(0–3\)$"),
        (
            {"岗位名称": "name"},
            r"^附件3\.csv: mapping sends column '岗位名称' to name, but no header reads so; ",
        ),
        ({1: "title"}, r"^附件3\.csv: mapping sends column 1 to unknown field 'title'; fields are serial, "),
        ({1: "name", 2: "name"}, r"^附件3\.csv: mapping sends two columns to name \(the second: 2\)$"),
    ],
)
def test_a_mapping_naming_what_is_not_there_raises_an_error_naming_it(tmp_path, mapping, message):
    tables = read_tables(write_csv(tmp_path / "附件3.csv", SHORTAGE))
    with pytest.raises(TableImportError, match=message):
        preview(tables, mapping)


def test_a_header_row_that_does_not_exist_raises_an_error_naming_it(tmp_path):
    tables = read_tables(write_csv(tmp_path / "附件3.csv", SHORTAGE))
    with pytest.raises(TableImportError, match=r"^附件3\.csv: header_row 99 is not a row of 附件3\.csv$"):
        preview(tables, header_row=99)


def test_a_table_with_only_a_header_has_no_rows_to_import(tmp_path):
    tables = read_tables(write_csv(tmp_path / "空.csv", SHORTAGE.with_rows([])))
    with pytest.raises(TableImportError, match=r"^空\.csv: no data rows below the header at 空\.csv$"):
        catalog(tables)


def test_a_file_whose_rows_name_no_known_field_and_hold_no_data_has_no_header(tmp_path):
    path = tmp_path / "备注.csv"
    path.write_text("说明\n本表仅供参考\n", "utf-8")
    with pytest.raises(TableImportError, match=r"^备注\.csv: no header row found"):
        preview(read_tables(path))


# --- wrapped text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "joined"),
    [
        ("AIGC人工智能应\n用工具师", "AIGC人工智能应用工具师"),  # 000 · 附件2 · 培训合格证书 · 序号 1
        ("AUTOCAD\n建筑设计", "AUTOCAD建筑设计"),  # 000 · 附件2 · 专项职业能力证书 · 序号 3
        ("职业（工种）\r\n名称", "职业（工种）名称"),
        ("Office\nSpecialist", "Office Specialist"),
        ("  焊工 \n\n", "焊工"),
    ],
)
def test_wrapped_cell_text_is_joined_without_spaces_around_cjk(printed, joined):
    assert join_wrapped(printed) == joined


# --- the xlsx reader's values and the stored form (ADR 0012, amendment) -------------------------


def test_xlsx_cells_read_as_the_sheet_stored_them_numbers_dates_booleans_and_text(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "比例", "日期", "时刻", "是否", "身份证号", "名称"])
    ws.append([1, 0.3, date(2026, 1, 2), None, True, 110101199001011234, "焊\n工"])
    ws["C2"].number_format = "yyyy-mm-dd"
    ws["B2"].number_format = "0%"
    ws["D2"] = "=1+1"  # a formula never calculated has no value to show
    path = tmp_path / "值.xlsx"
    wb.save(path)
    (table,) = read_tables(path)
    assert [c.text for c in table.rows[1]] == [
        "1",
        "30%",
        "2026-01-02",
        "",
        "是",
        "110101199001011200",
        "焊工",
    ]
    # a roster's ID number stored as a number has lost digits; the cell says it was a number
    assert [c.numeric for c in table.rows[1]] == [True, True, False, False, False, True, False]


def test_a_sheet_declaring_a_document_type_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "附件3.xlsx", SHORTAGE)
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>'
    )
    rewritten = tmp_path / "实体.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for info in source.infolist():
            target.writestr(info, bomb if info.filename == "xl/worksheets/sheet1.xml" else source.read(info))
    with pytest.raises(TableImportError, match="declares a document type, which a workbook never does"):
        read_tables(rewritten)


def test_tables_stored_compactly_read_back_equal_and_the_old_form_still_reads(tmp_path):
    path = write_xlsx(tmp_path / "附件2.xlsx", ADDITIONS, merge_column=0, percent_column=None)
    tables = read_tables(path) + read_tables(write_csv(tmp_path / "附件3.csv", SHORTAGE))
    stored = json.loads(json.dumps(tables_to_data(tables)))
    assert tables_from_data(stored) == tables
    assert "texts" in stored[0] and "rows" not in stored[0]
    old_form = [
        {**{k: t[k] for k in ("source", "fmt", "index", "sheet", "page", "inferred")},
         "rows": [[[c.text, c.row, c.col, *(c.merged_from or ())] for c in row] for row in table.rows]}
        for t, table in zip(stored, tables, strict=True)
    ]  # fmt: skip
    assert [t.rows[3][0].merged_from for t in tables_from_data(old_form)] == [(3, 1), None]
