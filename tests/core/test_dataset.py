"""The shipped dataset: regenerated from ../shared/seeds, byte for byte, and read back faithfully."""

from datetime import date
from decimal import Decimal

import pytest

from skillsubsidy.catalog.dataset import build_dataset, load_dataset, load_from, shipped_dir, source_lines
from skillsubsidy.catalog.model import Category, SectionKind
from skillsubsidy.ingest.seeds import default_seed_dir


def test_the_shipped_dataset_equals_a_fresh_build_from_the_seeds(tmp_path):
    files = build_dataset(default_seed_dir(), tmp_path)
    for name, text in files.items():
        shipped = (shipped_dir() / name).read_text("utf-8")
        assert shipped == text, f"{name} drifted from the seeds: run `make data` and review the diff"


def test_the_manifest_pins_every_seed_by_checksum():
    ds = load_dataset()
    assert [s["seed"] for s in ds.sources] == [
        "000_d6c6a123f4673bde.txt",
        "001_f43d9e28fbbbc3d8.txt",
        "002_192cf03f49fda43c.txt",
        "003_eaf749be2f6ce36e.txt",
        "004_115e8c17921aa92b.txt",
    ]
    assert all(len(s["sha256"]) == 64 for s in ds.sources)


def test_loading_round_trips_every_entry_field():
    ds = load_from(shipped_dir())
    # 000 · 附件3 · 序号2: 健康照护师（长期照护师） 4-14-01-03 30%
    row = next(e for e in ds.catalog("nantong-2025-shortage").entries if e.serial == "2")
    assert (row.code, row.occupation, row.work_type, row.uplift_pct) == (
        "4-14-01-03",
        "健康照护师",
        "长期照护师",
        Decimal("30"),
    )
    assert row.provenance.seed == "000_d6c6a123f4673bde.txt"


def test_catalog_counts_match_the_sources():
    ds = load_dataset()
    counts = {c.id: len(c.entries) for c in ds.catalogs}
    # 000 · 附件4: 529 occupations + 123 special abilities; 附件5: 100; 附件2: 4+10+22+7; 附件3: 27
    assert counts["jiangsu-2025"] == 529 + 123
    assert counts["jiangsu-2025-shortage"] == 100
    assert counts["nantong-2025"] == 4 + 10 + 22 + 7
    assert counts["nantong-2025-shortage"] == 27
    assert counts["jinan-2023"] == 89 + 449 + 228 + 12  # 001 · 附件 (一)–(四)
    assert counts["evaluation-orgs"] == 202  # 003
    assert counts["shanghai-2026"] == 364 + 3 + 12  # 004


def test_nantong_applies_its_own_lists_and_then_jiangsus_in_2025():
    eff = load_dataset().effective("南通", date(2025, 6, 1))
    assert [c.id for c in eff.catalogs] == [
        "nantong-2025",
        "nantong-2025-shortage",
        "jiangsu-2025",
        "jiangsu-2025-shortage",
    ]


def test_welding_is_category_a_in_nantong_through_the_jiangsu_catalog():
    eff = load_dataset().effective("320600", date(2025, 6, 1))
    [welder] = eff.find("焊工")  # 000 · 附件4 · 序号138: A 焊工 6-18-02-04
    assert (welder.catalog_id, welder.code, welder.category) == ("jiangsu-2025", "6-18-02-04", Category.A)
    assert [e.uplift_pct for e in eff.shortage("6-18-02-04") if e.uplift_pct] == [Decimal("30")]


def test_a_nantong_addition_is_found_only_in_nantong_not_in_jiangsu():
    # 000 · 附件2 · 职业技能等级证书 · 序号1: A 航空器机械维护员 6-31-02-02
    ds = load_dataset()
    nantong = ds.effective("南通", date(2025, 6, 1)).find("航空器机械维护员")
    assert any(e.catalog_id == "nantong-2025" and e.category is Category.A for e in nantong)
    jiangsu = ds.effective("江苏", date(2025, 6, 1)).find("航空器机械维护员")
    assert all(e.catalog_id != "nantong-2025" for e in jiangsu)


def test_no_catalog_is_in_force_before_its_year():
    assert list(load_dataset().effective("南通", date(2024, 12, 31)).entries()) == []


def test_shortage_lists_are_not_listings():
    eff = load_dataset().effective("南通", date(2025, 6, 1))
    kinds = {s.kind for c in eff.catalogs for s in c.sections}
    assert SectionKind.SHORTAGE in kinds
    assert all(e.catalog_id not in ("nantong-2025-shortage", "jiangsu-2025-shortage") for e in eff.entries())


def test_every_assumed_period_is_written_down():
    for c in load_dataset().catalogs:
        if c.effective_from is None:
            assert any("no date stated" in a for a in c.assumptions), c.id
        elif c.effective_from.timetuple().tm_yday == 1:
            assert any(a.startswith("assumed: effective 1 Jan") for a in c.assumptions), c.id


def test_an_unknown_catalog_names_the_known_ones():
    with pytest.raises(KeyError, match="jiangsu-2025"):
        load_dataset().catalog("jiangsu-2024")


def test_every_citation_opens_at_its_row_in_the_shipped_document():
    ds = load_dataset()
    # 000 · 附件4 · 序号138: the row of 焊工 starts on line 1440 with the empty merged 补贴项目 cell
    welder = next(e for e in ds.catalog("jiangsu-2025").entries if e.serial == "138")
    at = welder.provenance.line - 1
    lines = source_lines(welder.provenance.seed)[at : at + 5]
    assert lines == ("\t", "\t138", "\tA", "\t焊工", "\t6-18-02-04")


def test_an_unknown_source_document_is_refused():
    with pytest.raises(KeyError, match=r"\.\./etc"):
        source_lines("../etc/passwd")
