"""`manage.py load_demo` (`make demo`): a demo city loaded through the services, never by inserting
rows. It lives in the back office, above every workflow, so that each workflow adds its part here.
It is refused when the demo is already loaded and runs in one transaction: all of it or nothing.

Every part is dated from one reference day: today, or, when the working-day calendar does not yet hold
a year the demo reaches into, the latest earlier day on which it covers everything the demo files. The
demo never guesses the State Council's holiday notice for a year; it says which day it is dated from."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from accounts.services import staff_create
from calendars.selectors import work_calendar
from calls.demo import load_call_demo
from claims.demo import ClaimsStaff, load_claims, notice_ends
from claims.models import Claim
from classes.demo import filed_starts, load_classes
from classes.selectors import open_classes
from institutions.demo import DISTRICTS, DemoStaff, load_institutions
from institutions.models import Institution
from skillsubsidy.calendar import CalendarYearMissing

CITY = "440100"  # 广州市: its call for institutions is 002


def reference_day(today: date) -> tuple[date, CalendarYearMissing | None]:
    """The latest day, not after `today`, on which the calendar holds the start of every class the demo
    files (the filing deadline counts back from it, 002 · 附件4 · 8②) and the end of the notice of the
    claims it approves; with the first year found missing on the way, if any."""
    calendar = work_calendar()
    day, missing = today, None
    while True:
        try:
            for start in filed_starts(day):
                calendar.arrangement(start.year, field="start")
            notice_ends(calendar, day)
            return day, missing
        except CalendarYearMissing as exc:
            if day.year <= calendar.years[0]:
                raise CommandError(f"{exc}; nothing was changed") from None
            missing = missing or exc
            # A year missing at or before the day itself: go straight to the year before it.
            day = min(day, date(exc.year, 1, 1)) - timedelta(days=1)


def _dated_back(day: date, today: date, missing: CalendarYearMissing) -> str:
    """One line: which day the demo is dated from, why, and what therefore looks different today."""
    line = (
        f"演示数据的日期以 {day} 为准：工作日历尚无 {missing.year} 年的节假日安排"
        f"（请在后台录入国务院办公厅关于{missing.year}年部分节假日安排的通知后重新载入）"
    )
    ended = Claim.objects.filter(demo=True, status="notice", notice_until__lt=today).count()
    started = open_classes(today=day).filter(demo=True).exclude(start__gt=today).count()
    seen = [
        *([f"{ended} 条公示中的演示申领公示期已满，门户不再接受对其的异议"] if ended else []),
        *([f"{started} 个演示班级已过开班日期，门户不再列为可报名"] if started else []),
    ]
    return line + (f"；按今天（{today}）看，{'，'.join(seen)}" if seen else "") + "。"


class Command(BaseCommand):
    help = "Load a demo city (Guangzhou) through the services; refused when already loaded."

    def handle(self, *args: Any, **options: Any) -> None:
        if Institution.objects.filter(demo=True).exists():
            raise CommandError(
                "the demo is already loaded (institutions marked demo exist); nothing was changed"
            )
        today = timezone.localdate()
        day, missing = reference_day(today)
        try:
            with transaction.atomic():
                # The demo's own accounts act, so every audit row names a person; their passwords are
                # random and never shown: a platform administrator resets one to sign in as it.
                def account(name: str, role: Role, region: str) -> User:
                    user = staff_create(
                        username=name,
                        password=secrets.token_urlsafe(24),
                        role=role,
                        region=region,
                        actor=None,
                    )
                    assert isinstance(user, User)
                    return user

                staff = DemoStaff(
                    city=account("demo-guangzhou", Role.CITY_BUREAU, CITY),
                    districts={
                        code: account(f"demo-{code}", Role.DISTRICT_BUREAU, code) for code in DISTRICTS
                    },
                )
                loaded = load_institutions(staff, day)
                call = load_call_demo(city=staff.city, districts=staff.districts, today=day)
                classes = load_classes(districts=staff.districts, city=staff.city, today=day)
                # Claims build on the demo's closed classes.
                claims = load_claims(ClaimsStaff(staff.city, dict(staff.districts)), day)
        except ValidationError as exc:
            # A demo account already exists (an earlier demo whose institutions were deleted).
            raise CommandError(f"{'; '.join(exc.messages)}; nothing was changed") from None
        except IntegrityError:
            # Two loads at once: the second meets the first's accounts and rolls back whole.
            raise CommandError(
                "the demo is being loaded or was loaded meanwhile; nothing was changed"
            ) from None
        by_status: dict[str, int] = {}
        for inst in loaded:
            by_status[inst.status] = by_status.get(inst.status, 0) + 1
        shown = ", ".join(f"{status} {n}" for status, n in sorted(by_status.items()))
        self.stdout.write(f"demo loaded: {len(loaded)} institutions ({shown})")
        self.stdout.write(f"demo call: {call.title}, {call.applications.count()} applications, {call.status}")
        shown = ", ".join(f"{status} {n}" for status, n in sorted(classes.items()))
        self.stdout.write(f"demo classes: {sum(classes.values())} ({shown})")
        for line in claims.lines():
            self.stdout.write(line)
        if missing is not None:
            self.stdout.write(_dated_back(day, today, missing))
