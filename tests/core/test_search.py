"""Search by code, name, pinyin, initials and typos, with filters (issue 2 · Search and compare)."""

import pytest

from skillsubsidy.catalog.dataset import load_dataset
from skillsubsidy.catalog.search import SearchIndex
from skillsubsidy.regions import UnknownRegion


@pytest.fixture(scope="module")
def index():
    return SearchIndex(load_dataset())


def test_pinyin_initials_hg_find_the_welder_first(index):
    hits = index.search("hg")
    assert hits[0].entry.name == "焊工"
    assert hits[0].matched_on == "initials"


def test_full_pinyin_finds_the_welder(index):
    assert index.search("hangong")[0].entry.name == "焊工"


def test_a_code_finds_every_catalog_that_lists_it(index):
    hits = index.search("6-18-02-04", limit=50)
    assert {h.entry.occupation for h in hits} == {"焊工"}
    # 000 附件3/4/5, 001 (一)+(三), 002 附件5, 003, 004 each list 焊工
    assert {"jiangsu-2025", "nantong-2025-shortage", "jinan-2023", "evaluation-orgs"} <= {
        h.entry.catalog_id for h in hits
    }


def test_a_code_prefix_finds_its_whole_group(index):
    hits = index.search("6-18-02", limit=100)
    assert hits and all(h.entry.code.startswith("6-18-02") for h in hits)


def test_a_typo_still_finds_the_occupation(index):
    names = [h.entry.name for h in index.search("养老户理员")]
    assert "养老护理员" in names[:3]


def test_region_filter_keeps_the_region_and_its_province(index):
    hits = index.search("焊工", region="南通", limit=50)
    assert hits
    assert {h.entry.catalog_id for h in hits} <= {
        "nantong-2025",
        "nantong-2025-shortage",
        "jiangsu-2025",
        "jiangsu-2025-shortage",
    }


def test_category_and_marker_filters_combine(index):
    hits = index.search("工业机器人", region="江苏", category="A", markers=["S"], limit=50)
    assert hits
    assert all(h.entry.category.value == "A" and "S" in {m.value for m in h.entry.markers} for h in hits)


def test_shortage_filter_keeps_only_shortage_occupations(index):
    hits = index.search("焊工", region="南通", shortage=True, limit=50)
    assert hits and all(h.entry.code == "6-18-02-04" for h in hits)
    assert index.search("美容师", region="南通", shortage=True) == []


def test_an_unknown_region_in_a_filter_is_a_clear_error(index):
    with pytest.raises(UnknownRegion, match="火星"):
        index.search("焊工", region="火星")


def test_suggestions_come_back_for_a_miss(index):
    assert "焊工" in index.suggest("焊功")


def test_pinyin_matches_start_on_a_syllable(index):
    # 生产工 is shengchangong: "hangong" is inside the letters but not on a syllable, so it is no match.
    names = {h.entry.occupation for h in index.search("hangong", limit=100)}
    assert names == {"焊工", "喷涂喷焊工"}


# --- the index: a query checks only the names its postings give -----------------------------------------


def test_a_chinese_query_checks_only_the_names_holding_all_its_characters(index):
    candidates = {index._texts[i] for i in index._containing("焊工")}
    assert candidates == {t for t in index._texts if "焊" in t and "工" in t}
    assert "焊工" in candidates and len(candidates) < len(index._texts) / 50


def test_a_pinyin_query_checks_only_names_with_its_first_letters_at_a_syllable_start(index):
    candidates = [index._names[i] for i in index._pinyin_candidates("hangong")]
    assert "焊工" in {n.text for n in candidates}
    assert all(any(n.pinyin.startswith("han", at) for at in n.starts) for n in candidates)
    assert {n.text for n in candidates} == {
        n.text for n in index._names if any(n.pinyin.startswith("han", at) for at in n.starts)
    }


def test_the_postings_answer_as_a_scan_of_every_name_would(index):
    """Each kind of query against a brute-force reading of the rules in _candidates."""
    for q, expected_first in (("焊工", ("焊工", 100.0, "name")), ("hg", ("焊工", 98.0, "initials")),
                              ("hangong", ("焊工", 99.0, "pinyin")), ("焊功", ("焊工", 90.0, "pinyin")),
                              ("6-18-02-04", ("焊工", 100.0, "code"))):  # fmt: skip
        assert index._candidates(q)[0] == expected_first
    every_initial = {n.text for n in index._names if n.initials.startswith("dg")}
    assert {name for name, _, how in index._candidates("dg") if how == "initials"} == every_initial
