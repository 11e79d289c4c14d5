"""`manage.py audit_verify`: check that no audit record was changed, removed, moved or added since it
was written. Prints the verdict; exits 1 at the first broken link, naming it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.selectors import chain_verdict


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and report the first broken link"

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = chain_verdict()
        if not verdict.intact:
            raise CommandError(verdict.describe(), returncode=1)
        self.stdout.write(verdict.describe())
