from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from common.backup import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Replace the database's content with a backup made by `manage.py backup`. Stop the server "
        "first: requests served during a restore would see a database half old, half restored."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("backup", type=Path, help="a .sqlite3 or .dump file written by `backup`")

    def handle(self, *args: Any, backup: Path, **options: Any) -> None:
        connection = connections["default"]
        connection.close()  # nothing of this process may hold the database during the restore
        try:
            restore_database(backup, connection.settings_dict)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"database restored from {backup}; run `manage.py bootstrap` before serving")
