"""One occupation across regions, and catalog diffs (issue 2 · show and diff)."""

from dataclasses import replace
from datetime import date

import pytest

from skillsubsidy.catalog.dataset import load_dataset
from skillsubsidy.catalog.diff import diff_catalogs
from skillsubsidy.catalog.model import CatalogVersion, Category
from skillsubsidy.catalog.profile import UnknownOccupation, occupation_profile


def test_the_welder_shows_in_every_region_that_lists_it():
    profile = occupation_profile(load_dataset(), "焊工")
    assert profile.codes == ("6-18-02-04",)
    regions = set(profile.by_region())
    assert {"320000", "320600", "370100", "440000", "310000", None} <= regions


def test_a_code_shows_every_name_the_sources_give_it():
    # 4-03-02-05: 餐局服务员 in 000 · 附件4, 餐厅服务员 elsewhere
    profile = occupation_profile(load_dataset(), "4-03-02-05")
    assert set(profile.names) == {"餐厅服务员", "餐局服务员"}


def test_nantong_shortage_status_shows_its_uplift():
    profile = occupation_profile(load_dataset(), "健康照护师")
    listing = profile.shortage_uplift("320600")
    assert listing is not None and str(listing.entry.uplift_pct) == "30"
    assert "长期照护师" in profile.work_types  # 000 · 附件3 · 序号2


def test_an_unknown_occupation_suggests_the_nearest_names():
    with pytest.raises(UnknownOccupation) as err:
        occupation_profile(load_dataset(), "焊功")
    assert "焊工" in err.value.suggestions


def _with(base: CatalogVersion, entries, new_id: str) -> CatalogVersion:
    return CatalogVersion(
        id=new_id,
        region=base.region,
        title=base.title,
        seed=base.seed,
        attachment=base.attachment,
        effective_from=date(2026, 1, 1),
        effective_to=None,
        sections=base.sections,
        entries=tuple(entries),
    )


def test_a_diff_shows_added_removed_recategorised_and_renamed_entries():

    old = load_dataset().catalog("jiangsu-2025")
    entries = list(old.entries)
    welder = next(i for i, e in enumerate(entries) if e.name == "焊工")
    waiter = next(i for i, e in enumerate(entries) if e.name == "餐局服务员")
    dropped = entries.pop(0)
    entries[welder - 1] = replace(entries[welder - 1], category=Category.B)
    entries[waiter - 1] = replace(entries[waiter - 1], name="餐厅服务员", occupation="餐厅服务员")
    new = _with(old, entries, "jiangsu-2026-draft")
    d = diff_catalogs(old, new)
    assert [c.before.name for c in d.removed] == [dropped.name]
    assert d.added == ()
    assert [(c.before.category, c.after.category) for c in d.recategorised] == [(Category.A, Category.B)]
    assert [(c.before.name, c.after.name) for c in d.renamed] == [("餐局服务员", "餐厅服务员")]
    assert d.unchanged == len(old.entries) - 3


def test_two_regions_compare_by_code():
    ds = load_dataset()
    d = diff_catalogs(ds.catalog("jiangsu-2025"), ds.catalog("shanghai-2026"))
    assert d.counts()["added"] > 0 and d.counts()["removed"] > 0
