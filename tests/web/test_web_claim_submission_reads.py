"""What a claim's submission reads (issue 12 · Performance): the engine is rebuilt only when the
published catalogs or the standards change, and at once when they do; matching reads the claimed
trainee's part of the class, so a submission's queries do not grow with the class or the person's
classmates. Counted by calls and queries, never timed."""

from __future__ import annotations

from datetime import date
from typing import Any

import claims_world
import pytest
from django.contrib.auth.models import AbstractUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from test_web_standards import SHANGHAI_WELDER, shanghai

from claims import services
from classes.models import Attendance
from skillsubsidy.rules.engine import Engine
from standards import selectors
from standards.services import standard_set

pytestmark = pytest.mark.django_db

SCHOOL = services.PayeeInput("institution_account", "310012345678", "南通市示范职业培训学校")
TODAY = date(2025, 9, 1)


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Engine]:
    """Every engine standards.selectors builds, from now on (the real Engine, counted)."""
    built: list[Engine] = []

    def counted(*args: Any, **kwargs: Any) -> Engine:
        engine = Engine(*args, **kwargs)
        built.append(engine)
        return engine

    monkeypatch.setattr(selectors, "Engine", counted)
    selectors.engine_cache.clear()
    return built


def test_a_fresh_engine_checks_the_generation_and_is_rebuilt_only_when_it_changes(
    builds: list[Engine], shanghai_staff: AbstractUser, django_assert_num_queries: Any
) -> None:
    first = selectors.engine(fresh=True)
    assert len(builds) == 1
    for _ in range(3):
        # One query each: the generation, asked now (not within the throttle's interval).
        with django_assert_num_queries(1):
            assert selectors.engine(fresh=True) is first
    assert len(builds) == 1
    assert first.quote(SHANGHAI_WELDER).amount is None

    # A standard entered is seen by the very next fresh engine, with no interval to wait.
    shanghai(shanghai_staff, "1800")
    after = selectors.engine(fresh=True)
    assert len(builds) == 2
    assert after is not first
    assert after.quote(SHANGHAI_WELDER).to_json()["amount"] == "1800.00"  # test input, not a seed figure
    assert selectors.engine(fresh=True) is after
    assert len(builds) == 2


def _submission_queries(world: claims_world.World, i: int) -> int:
    with CaptureQueriesContext(connection) as done:
        services.claim_submit(
            actor=world.clerk,
            certificate_no=world.certificate(i),
            payee=SCHOOL,
            pledge_signed=True,
            today=TODAY,
        )
    return len(done.captured_queries)


def test_a_submission_reads_as_much_for_a_class_of_2_as_for_a_class_of_12() -> None:
    small = claims_world.build(tag="-small", trainees=2, uscc_serial=1)
    large = claims_world.build(tag="-large", trainees=12, uscc_serial=2)
    _submission_queries(small, 0)  # the first builds the engine
    assert _submission_queries(small, 1) == _submission_queries(large, 0)


def test_a_trainee_without_attendance_records_is_matched_as_missing_among_classmates_with_them() -> None:
    world = claims_world.build(trainees=3, short=(1,))
    Attendance.objects.filter(trainee=world.trainees[2]).delete()
    claims = [
        services.claim_submit(
            actor=world.clerk,
            certificate_no=world.certificate(i),
            payee=SCHOOL,
            pledge_signed=True,
            today=TODAY,
        )
        for i in range(3)
    ]
    # The class plans 7 × 8 + 4 = 60 hours (claims_world); trainee 1 missed the first 8.
    assert [[(m["code"], m["message"]) for m in c.mismatches] for c in claims] == [
        [],
        [("match.attendance_short", "出勤52课时，少于应出勤的60课时")],
        [("match.attendance_missing", "该学员没有出勤记录")],
    ]
    assert [c.amount_fen for c in claims] == [claims[0].amount_fen] * 3


def test_a_standard_entered_between_two_submissions_prices_the_second(admin: AbstractUser) -> None:
    """The submission reads the standards' generation with the certificate, not within the quote
    engine's once-a-second throttle: a value entered a moment before decides the next claim."""
    world = claims_world.build(trainees=2)
    first = services.claim_submit(
        actor=world.clerk, certificate_no=world.certificate(0), payee=SCHOOL, pledge_signed=True, today=TODAY
    )
    # 000 · 附件1: 砌筑工 is category A; A类 中级（四级） 1500 元 in Nantong.
    assert first.amount_fen == 150_000
    selectors.engine()  # a quote in between: the throttle now holds the generation for a second
    standard_set(
        actor=admin, region="320600", name="standard.skill_level.A.level_4", since=date(2025, 1, 1),
        value="1550", source="test correction", reason="test", based_on=0,
    )  # fmt: skip
    second = services.claim_submit(
        actor=world.clerk, certificate_no=world.certificate(1), payee=SCHOOL, pledge_signed=True, today=TODAY
    )
    assert second.amount_fen == 155_000  # test input, not a seed figure
