"""A quote runs on memory: no query per request, and a new standard reaches it within the interval."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from test_web_standards import SHANGHAI_WELDER, decision, shanghai

from standards import selectors

pytestmark = pytest.mark.django_db


class SteppedClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(settings: Any) -> Iterator[SteppedClock]:
    settings.GENERATION_CHECK_SECONDS = 1.0
    stepped = SteppedClock()
    real = selectors.generation.clock
    selectors.generation.clock = stepped
    selectors.generation.expire()
    yield stepped
    selectors.generation.clock = real
    selectors.generation.expire()


def test_repeated_quotes_touch_no_database(clock: SteppedClock, django_assert_num_queries: Any) -> None:
    first = decision(SHANGHAI_WELDER)
    clock.now += 0.5
    with django_assert_num_queries(0):
        again = [decision(SHANGHAI_WELDER) for _ in range(20)]
    assert all(d == first for d in again)


def test_a_new_standard_is_quoted_once_the_generation_is_checked_again(
    clock: SteppedClock, shanghai_staff: AbstractUser, django_assert_num_queries: Any
) -> None:
    assert decision(SHANGHAI_WELDER)["amount"] is None
    shanghai(shanghai_staff, "1800")
    clock.now += 0.9
    # Within the interval this worker still answers from the engine it has: at most 1 s stale.
    assert decision(SHANGHAI_WELDER)["amount"] is None
    clock.now += 0.1
    assert decision(SHANGHAI_WELDER)["amount"] == "1800.00"
    with django_assert_num_queries(0):
        assert decision(SHANGHAI_WELDER)["amount"] == "1800.00"
