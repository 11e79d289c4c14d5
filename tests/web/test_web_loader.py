"""Importing the shipped dataset into the database, and rebuilding the core Dataset from it."""

from __future__ import annotations

import pytest
from django.apps import apps

from audit.models import AuditRecord
from catalogs.models import CatalogVersion, Entry, VersionOrigin, VersionStatus
from catalogs.selectors import current_dataset
from catalogs.services import IMPORT_REASON, dataset_import
from skillsubsidy.catalog.dataset import load_dataset, render_dataset
from skillsubsidy.ingest.seeds import default_seed_dir

pytestmark = pytest.mark.django_db


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label != "sessions"}


def test_each_shipped_catalog_becomes_one_published_version_with_all_its_entries() -> None:
    shipped = load_dataset()
    versions = CatalogVersion.objects.filter(status=VersionStatus.PUBLISHED, origin=VersionOrigin.SHIPPED)
    assert sorted(v.catalog_id for v in versions) == sorted(c.id for c in shipped.catalogs)
    for c in shipped.catalogs:
        assert Entry.objects.filter(version__catalog_id=c.id).count() == len(c.entries)


def test_the_jiangsu_2025_catalog_holds_the_652_rows_of_attachment_4() -> None:
    # 000_d6c6a123f4673bde.txt · 附件4: 529 occupation rows and 123 special-ability rows.
    version = CatalogVersion.objects.get(catalog_id="jiangsu-2025")
    assert version.entries.filter(section="occupations").count() == 529
    assert version.entries.filter(section="special_abilities").count() == 123


def test_a_second_import_of_the_same_dataset_writes_nothing() -> None:
    before = _row_counts()
    result = dataset_import(dataset=load_dataset())
    assert not result.changed
    assert _row_counts() == before


def test_the_dataset_rebuilt_from_the_database_serialises_byte_for_byte_like_the_shipped_one() -> None:
    # Text, not ==: Decimal("30") == Decimal("30.00"), but a quote prints them differently.
    shipped, rebuilt = load_dataset(), current_dataset()
    seeds = default_seed_dir()
    a = render_dataset(list(shipped.catalogs), list(shipped.anomalies), seeds)
    b = render_dataset(list(rebuilt.catalogs), sorted(rebuilt.anomalies, key=shipped.anomalies.index), seeds)
    assert a == b


def test_a_changed_shipped_catalog_becomes_a_new_version_and_leaves_the_old_one_untouched() -> None:
    from dataclasses import replace

    shipped = load_dataset()
    nantong = shipped.catalog("nantong-2025")
    changed = replace(nantong, entries=nantong.entries[:-1])
    catalogs = tuple(changed if c.id == "nantong-2025" else c for c in shipped.catalogs)
    old_count = Entry.objects.filter(version__catalog_id="nantong-2025").count()

    result = dataset_import(dataset=replace(shipped, catalogs=catalogs))

    assert result.created == ["nantong-2025"]
    v1, v2 = CatalogVersion.objects.filter(catalog_id="nantong-2025").order_by("number")
    assert (v1.number, v2.number) == (1, 2)
    assert v1.entries.count() == old_count
    assert v2.entries.count() == old_count - 1
    assert len(current_dataset().catalog("nantong-2025").entries) == old_count - 1


def test_replacing_the_anomalies_that_belong_to_no_catalog_is_audited() -> None:
    from dataclasses import replace

    shipped = load_dataset()
    # A finding about a document that yields no catalog: it is stored without a version.
    orphan = replace(shipped.anomalies[0], catalog_id="")
    result = dataset_import(dataset=replace(shipped, anomalies=(*shipped.anomalies, orphan)))

    assert result.global_anomalies_replaced
    record = AuditRecord.objects.get(action="dataset.anomalies")
    assert (record.actor_name, record.target_type, record.changes) == (
        "system",
        "anomaly",
        {"before": 0, "after": 1},
    )
    assert record.reason == IMPORT_REASON


def test_a_changed_catalog_import_is_audited_with_its_reason() -> None:
    from dataclasses import replace

    shipped = load_dataset()
    catalogs = tuple(
        replace(c, entries=c.entries[1:]) if c.id == "nantong-2025" else c for c in shipped.catalogs
    )
    dataset_import(dataset=replace(shipped, catalogs=catalogs))
    record = AuditRecord.objects.filter(action="catalog.import").latest("id")
    assert record.summary.startswith("从随附数据集导入 nantong-2025 第2版")
    assert record.reason == IMPORT_REASON
