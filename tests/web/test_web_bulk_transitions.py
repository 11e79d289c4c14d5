"""The set-based state change (common.transitions.change_states): many records of one workflow moved
by one action in one conditional UPDATE, with the single move's role and reason checks, a record moved
meanwhile left out with the single move's refusal, and one audit row per moved record in the hash
chain; raced against single moves on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import claims_world
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from web_support import fresh_postgres, make_staff, race

from accounts.models import Role
from audit.models import AuditRecord
from audit.selectors import chain_verdict
from claims import services
from claims.models import Claim
from common.errors import Conflict
from common.transitions import Item, Moved, change_state, change_states
from skillsubsidy.claims.lifecycle import CLAIM

SCHOOL = services.PayeeInput("institution_account", "310012345678", "南通市示范职业培训学校")


@pytest.fixture
def submitted(db: None) -> list[Claim]:
    world = claims_world.build(trainees=4)
    return [
        services.claim_submit(actor=world.clerk, certificate_no=world.certificate(i), payee=SCHOOL,
                              pledge_signed=True, today=date(2025, 9, 1))
        for i in range(4)
    ]  # fmt: skip


@pytest.fixture
def district(db: None) -> Any:
    return make_staff("chongchuan", Role.DISTRICT_BUREAU, claims_world.REGION)


def _pass_all(claims: list[Claim], actor: Any, reason: str = "") -> Moved:
    return change_states(
        model=Claim,
        items=[
            Item(c.pk, f"区县审核通过 第{c.pk}件", c.region, {"rule": "claim.no_mismatch"}) for c in claims
        ],
        machine=CLAIM,
        action="pass_district",
        actor=actor,
        reason=reason,
        values={"district_reviewer": actor},
    )


@pytest.mark.django_db
def test_a_bulk_move_leaves_out_the_records_moved_meanwhile_and_says_why(
    submitted: list[Claim], district: Any
) -> None:
    first, *rest = submitted
    change_state(model=Claim, pk=first.pk, machine=CLAIM, action="reject_district", actor=district,
                 reason="记录不实", summary="不予补贴", region=first.region)  # fmt: skip
    outcome = _pass_all(submitted, district)
    assert outcome.moved == tuple(c.pk for c in rest)
    assert list(outcome.refused) == [first.pk]
    assert "cannot pass_district: the record is rejected" in str(outcome.refused[first.pk])
    stored = dict(Claim.objects.filter(pk__in=[c.pk for c in submitted]).values_list("pk", "status"))
    assert stored == {first.pk: "rejected", **{c.pk: "city_review" for c in rest}}
    assert set(Claim.objects.filter(status="city_review").values_list("district_reviewer", flat=True)) == {
        district.pk
    }
    rows = AuditRecord.objects.filter(action="claim.pass_district").order_by("seq")
    assert [(r.target_id, r.actor_name, r.summary, r.changes) for r in rows] == [
        (str(c.pk), "chongchuan", f"区县审核通过 第{c.pk}件",
         {"from": "district_review", "to": "city_review", "rule": "claim.no_mismatch"})
        for c in rest
    ]  # fmt: skip


@pytest.mark.django_db
def test_the_audit_chain_verifies_after_a_bulk_move_and_a_single_one_after_it(
    submitted: list[Claim], district: Any
) -> None:
    before = AuditRecord.objects.count()
    _pass_all(submitted[:3], district)
    change_state(model=Claim, pk=submitted[3].pk, machine=CLAIM, action="pass_district", actor=district,
                 reason="", summary="one more", region=submitted[3].region)  # fmt: skip
    verdict = chain_verdict()
    assert verdict.intact, verdict.describe()
    assert verdict.checked == before + 4
    seqs = list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


@pytest.mark.django_db
def test_an_edited_row_of_a_bulk_move_breaks_the_chain_there(submitted: list[Claim], district: Any) -> None:
    _pass_all(submitted, district)
    victim = AuditRecord.objects.filter(action="claim.pass_district").order_by("seq")[1]
    AuditRecord.objects.filter(pk=victim.pk).update(changes={"from": "district_review", "to": "paid"})
    verdict = chain_verdict()
    assert (verdict.intact, verdict.broken_at.seq if verdict.broken_at else None) == (False, victim.seq)


@pytest.mark.django_db
def test_a_role_the_table_does_not_name_moves_nothing(submitted: list[Claim]) -> None:
    city = make_staff("nantong", Role.CITY_BUREAU, "320600")
    before = AuditRecord.objects.count()
    with pytest.raises(PermissionDenied, match=r"city_bureau may not claim\.pass_district"):
        _pass_all(submitted, city)
    assert set(Claim.objects.values_list("status", flat=True)) == {"district_review"}
    assert AuditRecord.objects.count() == before


@pytest.mark.django_db
def test_a_move_that_needs_a_reason_moves_nothing_without_one(submitted: list[Claim], district: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        change_states(model=Claim, items=[Item(c.pk, "x") for c in submitted], machine=CLAIM,
                      action="reject_district", actor=district, reason=" ")  # fmt: skip
    assert list(caught.value.message_dict) == ["reason"]
    assert set(Claim.objects.values_list("status", flat=True)) == {"district_review"}


@pytest.mark.django_db
def test_a_record_that_no_longer_exists_is_refused_by_name(submitted: list[Claim], district: Any) -> None:
    outcome = change_states(model=Claim, items=[Item(10**9, "gone")], machine=CLAIM, action="pass_district",
                            actor=district, reason="")  # fmt: skip
    assert outcome.moved == ()
    assert isinstance(outcome.refused[10**9], Conflict)
    assert f"{Claim._meta.verbose_name} {10**9} no longer exists" in str(outcome.refused[10**9])


# -- the services that move many claims at once --------------------------------------------------


@pytest.mark.django_db
def test_clearing_due_notices_moves_them_together_and_leaves_the_one_with_an_open_objection(
    submitted: list[Claim], district: Any
) -> None:
    city = make_staff("nantong", Role.CITY_BUREAU, "320600")
    services.notice_setting_set(
        actor=city, region="320600", effective_from=date(2025, 1, 1), working_days=5, reason="局务会决定"
    )
    services.claims_bulk_approve(actor=district, pks=[c.pk for c in submitted], reason="材料齐全")
    outcome = services.claims_bulk_approve(
        actor=city, pks=[c.pk for c in submitted], reason="复核无误", today=date(2025, 9, 30)
    )
    assert sorted(outcome["done"]) == sorted(c.number for c in submitted)
    # 5 working days from Tuesday 30 September 2025 across the National Day holiday (1–8 October).
    assert set(Claim.objects.values_list("notice_until", flat=True)) == {date(2025, 10, 14)}
    services.objection_raise(claim_number=submitted[0].number, text="未参加培训", raised_by="李四",
                             today=date(2025, 10, 9))  # fmt: skip
    cleared = services.notices_clear_due(actor=city, region="320600", today=date(2025, 10, 15))
    assert sorted(cleared) == sorted(c.number for c in submitted[1:])
    assert Claim.objects.get(pk=submitted[0].pk).status == "notice"
    assert AuditRecord.objects.filter(action="claim.clear_notice").count() == 3
    assert chain_verdict().intact


@pytest.mark.django_db
def test_the_review_list_reads_its_claims_in_one_query_without_the_frozen_decision(
    submitted: list[Claim], district: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from web_support import client_for

    client = client_for(district)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/office/claims/")
    assert page.status_code == 200
    assert all(c.number in page.content.decode() for c in submitted)
    reads = [q["sql"] for q in queries.captured_queries if "claims_claim" in q["sql"]]
    assert len(reads) == 1, reads
    assert '"decision"' not in reads[0] and '"payee_sealed"' not in reads[0]


@pytest.mark.django_db
def test_the_review_list_pages_by_key_in_review_order_without_gaps_or_repeats(
    submitted: list[Claim], district: Any
) -> None:
    from claims import selectors

    first, more = selectors.review_queue(district, limit=3)
    assert more
    second, more = selectors.review_queue(district, after=first[-1].pk, limit=3)
    assert not more
    order = sorted(submitted, key=lambda c: (c.mismatch_count, c.submitted_at, c.pk))
    assert [c.pk for c in first + second] == [c.pk for c in order]
    # A claim the reader cannot read (here: none) is no place to start from: the first page comes.
    assert selectors.review_queue(district, after=10**9, limit=3)[0] == first


# -- the race ------------------------------------------------------------------------------------

ROUNDS, PER_ROUND = 10, 6


def _assert_each_record_moved_once(result: dict[str, Any]) -> None:
    for n, round_ in enumerate(result["rounds"]):
        assert {k: v for k, v in round_.items() if k != "single_wins"} == {
            "winners_per_claim": [1],
            "errors": [],
            "state_agrees": True,
            "audit_rows": True,
        }, n
    assert result["audit_chain"].startswith("audit chain intact: ")


def test_two_bulk_moves_racing_single_moves_move_each_record_once_on_sqlite(tmp_path: Path) -> None:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the SQLite race runs in the SQLite run")
    result = race("race_bulk.py", f"sqlite:///{tmp_path / 'race.sqlite3'}", tmp_path, ROUNDS, PER_ROUND)
    assert result["vendor"] == "sqlite"
    _assert_each_record_moved_once(result)


@pytest.mark.postgres
def test_two_bulk_moves_racing_single_moves_move_each_record_once_on_postgresql(tmp_path: Path) -> None:
    with fresh_postgres() as url:
        result = race("race_bulk.py", url, tmp_path, ROUNDS, PER_ROUND)
    assert result["vendor"] == "postgresql"
    _assert_each_record_moved_once(result)
