from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, import the shipped dataset and collect static files; safe to run on every start."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database migrated")
        call_command("load_dataset")
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("static files collected")
