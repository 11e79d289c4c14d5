"""`manage.py load_demo` (`make demo`): a demo city loaded through the services, never by inserting
rows. It lives in the back office, above every workflow, so that each workflow adds its part here.
It is refused when the demo is already loaded and runs in one transaction: all of it or nothing."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from accounts.services import staff_create
from calls.demo import load_call_demo
from claims.demo import ClaimsStaff, load_claims
from classes.demo import load_classes
from institutions.demo import DISTRICTS, DemoStaff, load_institutions
from institutions.models import Institution

CITY = "440100"  # 广州市: its call for institutions is 002


class Command(BaseCommand):
    help = "Load a demo city (Guangzhou) through the services; refused when already loaded."

    def handle(self, *args: Any, **options: Any) -> None:
        if Institution.objects.filter(demo=True).exists():
            raise CommandError(
                "the demo is already loaded (institutions marked demo exist); nothing was changed"
            )
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
                loaded = load_institutions(staff, timezone.localdate())
                call = load_call_demo(city=staff.city, districts=staff.districts, today=timezone.localdate())
                classes = load_classes(districts=staff.districts, city=staff.city, today=timezone.localdate())
                # Claims build on the demo's closed classes.
                claims = load_claims(ClaimsStaff(staff.city, dict(staff.districts)), timezone.localdate())
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
