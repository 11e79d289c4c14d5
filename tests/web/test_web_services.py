"""Catalog lifecycle services: drafts, corrections, publication, immutability, audit, regions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from audit.models import AuditRecord
from catalogs.models import CatalogVersion, Entry, VersionStatus
from catalogs.selectors import current_dataset, search, version_diff
from catalogs.services import (
    Conflict,
    draft_discard,
    draft_from_published,
    draft_publish,
    entry_delete,
    entry_update,
)
from standards.selectors import quote

pytestmark = pytest.mark.django_db

WELDER = "6-18-02-04"  # 焊工: 000 · 附件4 · 序号 138, category A; on Nantong's 附件3 shortage list (+30%)


def nantong_quote(issued_on: str, level: int = 3) -> dict[str, Any]:
    cert = {"type": "skill_level", "occupation": WELDER, "level": level, "issued_on": issued_on}
    return quote({"region": "320600", "date": "2025-12-01", "certificate": cert}).to_json()


def welder_row(version: CatalogVersion) -> Entry:
    return version.entries.get(code=WELDER, section="occupations")


def test_a_draft_copies_every_row_of_the_current_published_version(jiangsu_staff: AbstractUser) -> None:
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2 adjustment")
    published = CatalogVersion.objects.get(catalog_id="jiangsu-2025", number=1)
    assert (draft.number, draft.status, draft.based_on) == (2, VersionStatus.DRAFT, published)
    assert draft.entries.count() == published.entries.count() == 652  # 000 · 附件4: 529 + 123 rows


def test_a_correction_keeps_the_provenance_and_remembers_the_printed_value(
    jiangsu_staff: AbstractUser,
) -> None:
    # 000 · 附件4 prints 餐局服务员 where other sources have 餐厅服务员 (DOMAIN.md, data quality).
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2 adjustment")
    row = draft.entries.get(name="餐局服务员")
    line, raw = row.prov_line, row.prov_raw

    fixed = entry_update(
        entry=row, actor=jiangsu_staff, changes={"name": "餐厅服务员"}, reason="misprint 局→厅", revision=0
    )

    assert (fixed.name, fixed.occupation) == ("餐厅服务员", "餐厅服务员")
    assert (fixed.prov_line, fixed.prov_raw) == (line, raw)
    assert fixed.corrections == {"name": "餐局服务员", "occupation": "餐局服务员"}
    record = AuditRecord.objects.get(action="entry.update")
    assert record.reason == "misprint 局→厅"
    assert record.changes["before"] == {"name": "餐局服务员", "occupation": "餐局服务员"}


def test_an_invalid_code_is_refused_with_the_field_named(jiangsu_staff: AbstractUser) -> None:
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2 adjustment")
    with pytest.raises(ValidationError) as exc:
        entry_update(
            entry=welder_row(draft),
            actor=jiangsu_staff,
            changes={"code": "4-18-10"},
            reason="fix",
            revision=0,
        )
    assert list(exc.value.message_dict) == ["code"]


def test_a_published_version_cannot_be_corrected(jiangsu_staff: AbstractUser) -> None:
    published = CatalogVersion.objects.get(catalog_id="jiangsu-2025", number=1)
    with pytest.raises(Conflict):
        entry_update(
            entry=welder_row(published),
            actor=jiangsu_staff,
            changes={"category": "C"},
            reason="r",
            revision=0,
        )
    with pytest.raises(Conflict):
        entry_delete(entry=welder_row(published), actor=jiangsu_staff, reason="r", revision=0)
    assert welder_row(published).category == "A"


def test_a_recategorised_occupation_is_quoted_at_the_new_category_from_the_publication_date(
    jiangsu_staff: AbstractUser,
) -> None:
    # 000 · 附件1: level 3 (高级) pays A 2000, C 1500; 附件3 adds 30% for 焊工 at levels 1–3.
    assert nantong_quote("2025-08-01")["amount"] == "2600.00"
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2 adjustment")
    entry_update(
        entry=welder_row(draft), actor=jiangsu_staff, changes={"category": "C"}, reason="test", revision=0
    )
    assert nantong_quote("2025-08-01")["amount"] == "2600.00"  # a draft changes nothing

    draft_publish(version=draft, actor=jiangsu_staff, effective_from=date(2025, 7, 1), reason="Q2 adjustment")

    assert nantong_quote("2025-08-01")["amount"] == "1950.00"
    assert nantong_quote("2025-06-01")["amount"] == "2600.00"  # before the new version takes effect
    listed = [h.entry for h in search(WELDER, region="320000") if h.entry.catalog_id == "jiangsu-2025"]
    assert [(e.name, e.category and e.category.value) for e in listed] == [("焊工", "C")]


def test_the_diff_of_a_draft_lists_added_removed_and_recategorised_rows(jiangsu_staff: AbstractUser) -> None:
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2 adjustment")
    entry_update(
        entry=welder_row(draft), actor=jiangsu_staff, changes={"category": "B"}, reason="r", revision=0
    )
    # 000 · 附件4 · 序号 1: 智能制造工程技术人员 2-02-07-13
    entry_delete(entry=draft.entries.get(code="2-02-07-13"), actor=jiangsu_staff, reason="r", revision=0)

    diff = version_diff(version=draft)

    assert diff is not None
    assert [c.before.name for c in diff.recategorised if c.before] == ["焊工"]
    assert [c.before.name for c in diff.removed if c.before] == ["智能制造工程技术人员"]
    assert diff.added == ()
    assert diff.counts()["unchanged"] == 650


def test_a_catalog_has_at_most_one_draft(jiangsu_staff: AbstractUser) -> None:
    draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2 adjustment")
    with pytest.raises(ValidationError):
        draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2 adjustment")
    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogVersion.objects.create(catalog_id="jiangsu-2025", number=9, status="draft", origin="edit")


def test_publishing_twice_is_a_conflict_not_a_second_publication(jiangsu_staff: AbstractUser) -> None:
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2 adjustment")
    stale = CatalogVersion.objects.get(pk=draft.pk)
    draft_publish(version=draft, actor=jiangsu_staff, effective_from=date(2025, 7, 1), reason="r")
    with pytest.raises(Conflict):
        draft_publish(version=stale, actor=jiangsu_staff, effective_from=date(2025, 8, 1), reason="r")
    assert CatalogVersion.objects.get(pk=draft.pk).effective_from == date(2025, 7, 1)


def test_a_discarded_draft_leaves_the_published_catalog_as_it_was(jiangsu_staff: AbstractUser) -> None:
    before = current_dataset().catalog("jiangsu-2025")
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2 adjustment")
    draft_discard(version=draft, actor=jiangsu_staff, reason="started by mistake")
    assert not CatalogVersion.objects.filter(pk=draft.pk).exists()
    assert current_dataset().catalog("jiangsu-2025") == before


def test_every_state_change_records_who_what_and_why(jiangsu_staff: AbstractUser) -> None:
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2")
    entry_update(
        entry=welder_row(draft), actor=jiangsu_staff, changes={"category": "B"}, reason="r1", revision=0
    )
    draft_publish(version=draft, actor=jiangsu_staff, effective_from=date(2025, 7, 1), reason="r2")
    records = AuditRecord.objects.filter(actor=jiangsu_staff).order_by("id")
    assert [(r.action, r.reason, r.region) for r in records] == [
        ("catalog.draft", "Q2", "320000"),
        ("entry.update", "r1", "320000"),
        ("catalog.publish", "r2", "320000"),
    ]


def test_a_city_bureau_acts_only_within_its_own_region(
    nantong_staff: AbstractUser, jiangsu_staff: AbstractUser
) -> None:
    with pytest.raises(PermissionDenied):
        draft_from_published(catalog_id="jiangsu-2025", actor=nantong_staff, reason="r")
    draft = draft_from_published(catalog_id="nantong-2025", actor=nantong_staff, reason="r")
    assert draft.region == "320600"
    # The Jiangsu city-bureau role oversees Nantong below it.
    entry_update(
        entry=draft.entries.first(), actor=jiangsu_staff, changes={"serial": "1"}, reason="r", revision=0
    )  # type: ignore[arg-type]


def test_anonymous_callers_cannot_change_anything() -> None:
    with pytest.raises(PermissionDenied):
        draft_from_published(catalog_id="jiangsu-2025", actor=None, reason="r")


CHANGES: dict[str, Callable[[CatalogVersion, AbstractUser, str], object]] = {
    "start a draft": lambda draft, actor, reason: draft_from_published(
        catalog_id="nantong-2025", actor=actor, reason=reason
    ),
    "correct a row": lambda draft, actor, reason: entry_update(
        entry=welder_row(draft), actor=actor, changes={"category": "C"}, reason=reason, revision=0
    ),
    "remove a row": lambda draft, actor, reason: entry_delete(
        entry=welder_row(draft), actor=actor, reason=reason, revision=0
    ),
    "publish": lambda draft, actor, reason: draft_publish(
        version=draft, actor=actor, effective_from=date(2025, 7, 1), reason=reason
    ),
    "discard": lambda draft, actor, reason: draft_discard(version=draft, actor=actor, reason=reason),
}


@pytest.mark.parametrize("reason", ["", " \t\n"], ids=["empty", "blank"])
@pytest.mark.parametrize("change", CHANGES)
def test_a_change_without_a_reason_is_refused_naming_the_reason_and_nothing_is_written(
    jiangsu_staff: AbstractUser, change: str, reason: str
) -> None:
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2 adjustment")
    versions = list(CatalogVersion.objects.order_by("pk").values())
    rows = list(Entry.objects.filter(version=draft).order_by("pk").values())
    records = AuditRecord.objects.count()

    with pytest.raises(ValidationError) as exc:
        CHANGES[change](draft, jiangsu_staff, reason)

    assert exc.value.message_dict == {"reason": ["请说明修改原因，原因将记入审计记录。"]}
    assert list(CatalogVersion.objects.order_by("pk").values()) == versions
    assert list(Entry.objects.filter(version=draft).order_by("pk").values()) == rows
    assert AuditRecord.objects.count() == records


def test_the_reason_is_recorded_without_surrounding_blanks(jiangsu_staff: AbstractUser) -> None:
    draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="  Q2 adjustment\n")
    assert AuditRecord.objects.get(action="catalog.draft").reason == "Q2 adjustment"
