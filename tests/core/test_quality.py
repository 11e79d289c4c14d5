"""The data-quality report names every anomaly DOMAIN.md lists, with its location (issue 2)."""

from pathlib import Path

import pytest

from skillsubsidy.catalog.dataset import load_dataset
from skillsubsidy.catalog.quality import quality_report, summary


@pytest.fixture(scope="module")
def report():
    return quality_report(load_dataset())


def kinds_at(report, kind, **match):
    return [a for a in report if a.kind == kind and all(getattr(a, k) == v for k, v in match.items())]


def test_jiangsus_misspelt_restaurant_waiter_gets_the_name_other_sources_use(report):
    # 000 · 附件4 · 序号497: 餐局服务员 4-03-02-05; 001, 002, 003, 004 print 餐厅服务员
    [a] = [
        a for a in kinds_at(report, "code_name_conflict", catalog_id="jiangsu-2025") if "餐局" in a.message
    ]
    assert a.suggestion == "餐厅服务员"
    assert "餐局服务员" in a.original  # the original is kept


def test_jiangsus_misspelt_front_desk_waiter_gets_the_name_other_sources_use(report):
    # 000 · 附件4 · 序号491: 前局服务员 4-03-01-01; 001 (二) 序号251 and 002 附件5 print 前厅服务员
    [a] = [
        a for a in kinds_at(report, "code_name_conflict", catalog_id="jiangsu-2025") if "前局" in a.message
    ]
    assert a.suggestion == "前厅服务员"


def test_the_same_robot_occupation_under_two_codes_is_reported(report):
    # 001 · 序号113: 6-31-01-10 工业机器人系统运维员; 000 附件3 · 序号26 and 003/004: 6-31-07-01
    found = [a for a in kinds_at(report, "name_code_conflict") if "工业机器人系统运维员" in a.message]
    assert {a.catalog_id for a in found} >= {"jinan-2023", "nantong-2025-shortage"}
    assert all("6-31-07-01" in a.message and "6-31-01-10" in a.message for a in found)


def test_a_code_outside_the_dadian_is_an_error(report):
    [a] = [a for a in kinds_at(report, "code_unknown_group") if "4-18-10-01" in a.message]  # 002 · 附件5
    assert (a.seed, a.severity.value) == ("002_192cf03f49fda43c.txt", "error")


def test_jinans_two_codes_for_one_smelting_occupation_are_reported(report):
    # 001 · (三) · 序号92/93: 6-17-05-03 and 6-17-05-04 are both 重冶金法冶炼工
    found = [a for a in report if a.seed.startswith("001") and "重冶金法冶炼工" in a.message]
    assert found
    assert any("6-17-05-04" in a.message for a in found)


def test_jinans_missing_serial_nine_is_reported(report):
    found = [a for a in kinds_at(report, "serial_gap") if a.seed.startswith("001")]
    assert any("9" in a.message for a in found)


def test_guangdongs_repeated_serials_are_reported(report):
    assert kinds_at(report, "serial_duplicate", catalog_id="guangdong-2023")


@pytest.mark.parametrize("printed", ["电气水利", "建筑施"])
def test_jinans_misspelt_industry_classes_are_reported_with_the_original_kept(report, printed):
    found = [a for a in report if a.seed.startswith("001") and printed in a.original and "industry" in a.kind]
    assert found
    assert all(a.suggestion for a in found)


def test_every_anomaly_has_a_stable_kind_and_a_real_line(report):
    assert report
    assert all(a.kind.replace("_", "").isalpha() and a.kind.islower() for a in report)
    assert all(a.line >= 1 for a in report)


def test_the_summary_counts_by_seed_and_kind(report):
    counts = summary(report)
    assert set(counts) <= {
        "000_d6c6a123f4673bde.txt",
        "001_f43d9e28fbbbc3d8.txt",
        "002_192cf03f49fda43c.txt",
        "003_eaf749be2f6ce36e.txt",
        "004_115e8c17921aa92b.txt",
    }
    assert sum(n for kinds in counts.values() for n in kinds.values()) == len(report)


def test_a_filter_by_seed_prefix_keeps_only_that_seed(report):
    only = quality_report(load_dataset(), seed="003")
    assert all(a.seed.startswith("003") for a in only)


def test_every_kind_in_the_shipped_report_is_documented(report):
    doc = (Path(__file__).parents[2] / "docs" / "quality-kinds.md").read_text("utf-8")
    assert sorted({a.kind for a in report if f"`{a.kind}`" not in doc}) == []
