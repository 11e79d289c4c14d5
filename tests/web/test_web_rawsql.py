"""common.rawsql: the written-out reads and insert of the hot paths give what the ORM gives, value for
value, on the database of the run (SQLite here; PostgreSQL in the rerun of tests/web), including the
values a backend hands back raw: aware datetimes, Decimals, dates, JSON."""

from __future__ import annotations

from datetime import date
from typing import Any

import claims_world
import pytest
from django.db import connection

from claims import services
from claims.models import Claim
from classes.models import Session
from common import rawsql

pytestmark = pytest.mark.django_db

SCHOOL = services.PayeeInput("institution_account", "310012345678", "南通市示范职业培训学校")


def _values(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def _row(model: Any, names: tuple[str, ...], pk: int) -> tuple[Any, ...]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT {rawsql.columns("x", model, names)} FROM "{table}" x WHERE x."id" = %s', [pk])
        row = cursor.fetchone()
    assert row is not None
    return tuple(row)


def test_a_row_read_by_hand_is_the_instance_the_orm_reads() -> None:
    world = claims_world.build()
    claim = services.claim_submit(
        actor=world.clerk, certificate_no=world.certificate(0), payee=SCHOOL, pledge_signed=True,
        today=date(2025, 9, 1),
    )  # fmt: skip
    names = rawsql.attnames(Claim)
    by_hand = rawsql.instance(Claim, names, _row(Claim, names, claim.pk))
    by_orm = Claim.objects.get(pk=claim.pk)
    assert _values(by_hand, names) == _values(by_orm, names)
    assert by_hand.submitted_at.tzinfo is not None  # an aware datetime, as the ORM's
    assert isinstance(by_hand.decision, dict) and by_hand.decision == by_orm.decision  # decoded JSON

    session = Session.objects.filter(training_class=world.klass).first()
    assert session is not None
    names = rawsql.attnames(Session)
    read = rawsql.instance(Session, names, _row(Session, names, session.pk))
    assert _values(read, names) == _values(session, names)
    assert type(read.hours) is type(session.hours)  # a Decimal on every backend


def test_an_insert_by_hand_stores_the_row_save_stores() -> None:
    world = claims_world.build(trainees=2)
    saved = services.claim_submit(
        actor=world.clerk, certificate_no=world.certificate(0), payee=SCHOOL, pledge_signed=True,
        today=date(2025, 9, 1),
    )  # fmt: skip
    names = [n for n in rawsql.attnames(Claim) if n not in ("id", "number", "result_id", "certificate_no")]
    copy = Claim(**_values(saved, tuple(names)))
    copy.number, copy.certificate_no = saved.number + "X", "other"
    copy.result_id = world.results[1].pk
    copy.status = "withdrawn"  # the never-twice indexes hold only live claims
    saved.status = "withdrawn"
    rawsql.insert(copy)
    assert copy.pk is not None and copy.pk != saved.pk and not copy._state.adding
    stored = Claim.objects.get(pk=copy.pk)
    assert _values(stored, tuple(names)) == _values(saved, tuple(names))
