"""The one state-change helper (web/common/transitions.py): permission, reason, state, audit, and a
race of concurrent moves from the same state, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from web_support import fresh_postgres, make_staff, race

from accounts.models import Role
from audit.models import AuditRecord
from catalogs.models import CatalogVersion, VersionStatus
from catalogs.services import draft_from_published
from common.errors import Conflict
from common.transitions import change_state, remove_in_state
from skillsubsidy.calls.lifecycle import APPLICATION, CALL
from skillsubsidy.catalog.lifecycle import CATALOG_VERSION
from skillsubsidy.classes.lifecycle import AMENDMENT, CLASS
from skillsubsidy.institutions.lifecycle import INSTITUTION
from skillsubsidy.workflow import SYSTEM, StateMachine


@pytest.fixture
def draft(jiangsu_staff: Any) -> CatalogVersion:
    return draft_from_published(catalog_id="nantong-2025-shortage", actor=jiangsu_staff, reason="fix a row")


def _publish(version: CatalogVersion, actor: Any, reason: str = "checked against the notice") -> Any:
    return change_state(
        model=CatalogVersion, pk=version.pk, machine=CATALOG_VERSION, action="publish", actor=actor,
        reason=reason, region=version.region, summary="published",
        values={"effective_from": date(2025, 1, 1)},
    )  # fmt: skip


@pytest.mark.parametrize(
    "machine", [CATALOG_VERSION, INSTITUTION, CALL, APPLICATION, CLASS, AMENDMENT], ids=lambda m: m.name
)
def test_every_role_a_transition_table_names_exists(machine: StateMachine) -> None:
    assert machine.roles() <= {r.value for r in Role} | {SYSTEM}


@pytest.mark.django_db
def test_a_move_writes_the_state_its_values_and_one_audit_row(
    draft: CatalogVersion, jiangsu_staff: Any
) -> None:
    moved = _publish(draft, jiangsu_staff)
    assert (moved.status, moved.effective_from) == (VersionStatus.PUBLISHED, date(2025, 1, 1))
    rows = AuditRecord.objects.filter(action="catalog.publish", target_id=str(draft.pk))
    assert [(r.actor_name, r.target_type, r.reason, r.changes) for r in rows] == [
        ("jiangsu", "catalog_version", "checked against the notice", {"from": "draft", "to": "published"})
    ]


@pytest.mark.django_db
def test_a_move_from_a_state_the_table_does_not_leave_is_a_conflict_naming_both_states(
    draft: CatalogVersion, jiangsu_staff: Any
) -> None:
    _publish(draft, jiangsu_staff)
    with pytest.raises(Conflict, match=r"cannot publish: the record is published \(已发布\); only from 草稿"):
        _publish(draft, jiangsu_staff)
    assert AuditRecord.objects.filter(action="catalog.publish", target_id=str(draft.pk)).count() == 1


@pytest.mark.django_db
def test_a_move_of_a_record_that_no_longer_exists_is_a_conflict_naming_it(
    draft: CatalogVersion, jiangsu_staff: Any
) -> None:
    pk = draft.pk
    draft.delete()
    with pytest.raises(
        Conflict, match=rf"{CatalogVersion._meta.verbose_name} {pk} no longer exists"
    ) as caught:
        change_state(
            model=CatalogVersion, pk=pk, machine=CATALOG_VERSION, action="publish", actor=jiangsu_staff,
            reason="ok", summary="published",
        )  # fmt: skip
    assert caught.value.shown == "该记录已不存在。"  # what a Chinese page shows
    assert not AuditRecord.objects.filter(action="catalog.publish", target_id=str(pk)).exists()


@pytest.mark.django_db
def test_a_role_the_table_does_not_name_may_not_move(draft: CatalogVersion) -> None:
    with pytest.raises(PermissionDenied, match=r"system may not catalog_version\.publish"):
        _publish(draft, None)
    assert CatalogVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


@pytest.mark.django_db
def test_a_move_that_needs_a_reason_is_refused_without_one_before_anything_is_written(
    draft: CatalogVersion, jiangsu_staff: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        _publish(draft, jiangsu_staff, reason="  ")
    assert list(caught.value.message_dict) == ["reason"]
    assert CatalogVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT
    assert not AuditRecord.objects.filter(action="catalog.publish", target_id=str(draft.pk)).exists()


@pytest.mark.django_db
def test_side_effects_run_only_after_the_move_commits(
    draft: CatalogVersion, jiangsu_staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ran: list[str] = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        change_state(
            model=CatalogVersion, pk=draft.pk, machine=CATALOG_VERSION, action="publish", actor=jiangsu_staff,
            reason="ok", summary="published", on_commit=lambda: ran.append("sent"),
        )  # fmt: skip
        assert ran == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert ran == ["sent"]


@pytest.mark.django_db
def test_removing_a_record_is_a_move_too_and_is_refused_once_it_left_the_state(
    draft: CatalogVersion, jiangsu_staff: Any
) -> None:
    _publish(draft, jiangsu_staff)
    with pytest.raises(Conflict, match="cannot discard"):
        remove_in_state(
            model=CatalogVersion, pk=draft.pk, machine=CATALOG_VERSION, action="discard", actor=jiangsu_staff,
            reason="not needed", summary="discarded",
        )  # fmt: skip
    assert CatalogVersion.objects.filter(pk=draft.pk).exists()


@pytest.mark.django_db
def test_a_district_role_may_publish_only_what_its_scope_allows(draft: CatalogVersion) -> None:
    # The table names the role; the region check stays with the service (catalogs.services).
    other = make_staff("guangdong", Role.CITY_BUREAU, "440000")
    assert _publish(draft, other).status == VersionStatus.PUBLISHED  # the helper checks roles only


# -- the race ------------------------------------------------------------------------------------

ROUNDS, THREADS = 20, 8


def _assert_one_winner_per_round(result: dict[str, Any]) -> None:
    expected = {"outcomes": ["conflict"] * (THREADS - 1) + ["won"], "audit_rows": 1, "status": "published"}
    assert result["rounds"] == [expected] * ROUNDS
    # Every writer took its own place in the audit chain, racing or not.
    assert result["audit_chain"].startswith("audit chain intact: ")


def test_concurrent_publications_of_one_draft_leave_one_winner_and_one_audit_row_on_sqlite(
    tmp_path: Path,
) -> None:
    result = race("race_publish.py", f"sqlite:///{tmp_path / 'race.sqlite3'}", tmp_path, ROUNDS, THREADS)
    assert result["vendor"] == "sqlite"
    _assert_one_winner_per_round(result)


@pytest.mark.postgres
def test_concurrent_publications_of_one_draft_leave_one_winner_and_one_audit_row_on_postgresql(
    tmp_path: Path,
) -> None:
    with fresh_postgres() as url:
        result = race("race_publish.py", url, tmp_path, ROUNDS, THREADS)
    assert result["vendor"] == "postgresql"
    _assert_one_winner_per_round(result)


# -- a publication racing row corrections ----------------------------------------------------------

EDITORS = 7


def _assert_publication_is_final(result: dict[str, Any]) -> None:
    expected = {
        "publish": "won",
        "status": "published",
        "changed_after_publication": False,
        "saved_edits_published": True,
        "other_outcomes": [],
    }
    assert result["rounds"] == [expected] * ROUNDS


def test_a_publication_racing_seven_row_corrections_is_final_on_sqlite(tmp_path: Path) -> None:
    result = race("race_edits.py", f"sqlite:///{tmp_path / 'race.sqlite3'}", tmp_path, ROUNDS, EDITORS)
    assert result["vendor"] == "sqlite"
    _assert_publication_is_final(result)


@pytest.mark.postgres
def test_a_publication_racing_seven_row_corrections_is_final_on_postgresql(tmp_path: Path) -> None:
    with fresh_postgres() as url:
        result = race("race_edits.py", url, tmp_path, ROUNDS, EDITORS)
    assert result["vendor"] == "postgresql"
    _assert_publication_is_final(result)
