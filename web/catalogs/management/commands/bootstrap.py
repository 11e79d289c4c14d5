from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from common.files import make_private


class Command(BaseCommand):
    help = "Migrate, import the shipped dataset and collect static files; safe to run on every start."

    def handle(self, *args: Any, **options: Any) -> None:
        tightened = make_private(Path(settings.VAR_DIR))
        if tightened:
            self.stdout.write(f"{len(tightened)} files and directories in {settings.VAR_DIR} made private")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database migrated")
        call_command("load_dataset")
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("static files collected")
