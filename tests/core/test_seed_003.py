"""Seed 003: occupations and work types open to social training-evaluation organisations."""

import pytest

from skillsubsidy.catalog.model import CatalogVersion, CertificateType, Entry, SectionKind, Severity
from skillsubsidy.ingest.seeds import evaluation_orgs as reader

from .seed_helpers import edited


def row(catalog: CatalogVersion, serial: str) -> Entry:
    [found] = [e for e in catalog.entries if e.serial == serial]
    return found


def test_the_list_has_202_rows_numbered_1_to_202(catalog):
    # 003 · 附件2 · 序号 1–202
    assert [e.serial for e in catalog.entries] == [str(n) for n in range(1, 203)]
    [section] = catalog.sections
    assert (section.key, section.kind, section.title) == (
        "evaluation",
        SectionKind.EVALUATION,
        "社会培训评价组织征集遴选职业（工种）目录（已发布）",
    )


def test_region_and_period_are_unknown_and_say_so(catalog):
    # 003 names no issuer, region or date
    assert (catalog.id, catalog.attachment, catalog.region) == ("evaluation-orgs", "附件2", None)
    assert (catalog.effective_from, catalog.effective_to, catalog.document_no) == (None, None, None)
    assert "region not stated in the text" in catalog.assumptions
    assert any(a.startswith("no date stated") for a in catalog.assumptions)


def test_row_6_is_the_cross_border_work_type_of_the_e_commerce_occupation(catalog):
    # 003 · 附件2 · 序号 6: 4-01-06-01 电子商务师（跨境电子商务师） | 电子商务师 | 5、4、3、2
    e = row(catalog, "6")
    assert (e.code, e.name, e.occupation, e.work_type) == (
        "4-01-06-01",
        "电子商务师（跨境电子商务师）",
        "电子商务师",
        "跨境电子商务师",
    )
    assert (e.occupation_name, e.levels, e.certificate_type) == (
        "电子商务师",
        (2, 3, 4, 5),
        CertificateType.SKILL_LEVEL,
    )
    assert e.provenance.line == 39


@pytest.mark.parametrize(
    ("serial", "code", "name", "levels"),
    [
        ("1", "3-01-01-02", "政务服务办事员", (3, 4, 5)),  # 序号 1: 5、4、3
        ("13", "4-02-04-06", "无人机驾驶员", (1, 2, 5)),  # 序号 13: 5、2、1
        ("15", "4-02-04-06", "无人机驾驶员（植保无人机驾驶员）", (4,)),  # 序号 15: 4
        ("202", "6-31-07-03", "工业机器人系统操作员", (3, 4)),  # 序号 202: 4、3, just above the 注
    ],
)
def test_levels_are_read_highest_first(catalog, serial, code, name, levels):
    # 003 · 附件2 · 等级 column
    e = row(catalog, serial)
    assert (e.code, e.name, e.levels) == (code, name, levels)


def test_the_two_special_ability_items_have_no_levels(catalog):
    # 003 · 附件2 · 序号 42 4-04-05-Z1 人工智能数据标注 and 序号 43 4-04-05-Z2 人工智能模型运用:
    # 等级 reads 专项职业能力
    items = [(e.code, e.name, e.levels, e.certificate_type) for e in (row(catalog, "42"), row(catalog, "43"))]
    assert items == [
        ("4-04-05-Z1", "人工智能数据标注", (), CertificateType.SPECIAL_ABILITY),
        ("4-04-05-Z2", "人工智能模型运用", (), CertificateType.SPECIAL_ABILITY),
    ]
    others = {e.certificate_type for e in catalog.entries if e.serial not in ("42", "43")}
    assert others == {CertificateType.SKILL_LEVEL}


def test_every_row_names_the_same_occupation_in_both_name_columns(catalog, result):
    # 003 · 附件2: 职业（工种）名称 without its （工种） equals 职业名称 on every row
    assert result.anomalies == []
    assert all(e.occupation == e.occupation_name for e in catalog.entries)


def test_a_work_type_filed_under_another_occupation_is_reported(seed):
    # 003 · 附件2 · 序号 6 (line 42 holds its 职业名称), changed to another occupation
    result = reader.read(edited(seed, 42, ["\t互联网营销师"]))
    [mismatch] = result.anomalies
    assert (mismatch.kind, mismatch.serial, mismatch.line, mismatch.severity) == (
        "occupation_name_mismatch",
        "6",
        39,
        Severity.WARNING,
    )
    assert row(result.catalogs[0], "6").occupation_name == "互联网营销师"


def test_a_row_missing_a_cell_is_reported_not_dropped(seed):
    # 003 · 附件2 · 序号 6 without its 职业名称 cell (line 42)
    result = reader.read(edited(seed, 42, []))
    unparsed, gap = result.anomalies
    assert (unparsed.kind, unparsed.serial, unparsed.severity) == ("unparsed_row", "6", Severity.ERROR)
    assert (gap.kind, gap.serial) == ("serial_gap", "6")
    assert unparsed.original == "6 | 4-01-06-01 | 电子商务师（跨境电子商务师） | 5、4、3、2"
    assert len(result.catalogs[0].entries) == 201
