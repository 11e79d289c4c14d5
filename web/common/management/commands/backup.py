from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from common.backup import BackupError, backup_database, suffix


class Command(BaseCommand):
    help = (
        "Back up the database while the site serves: SQLite's online backup API, or pg_dump on "
        "PostgreSQL. Writes var/backups/skillsubsidy-<time>.sqlite3 (or .dump) unless --output is given."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", type=Path, help="file to write (default: under var/backups/)")

    def handle(self, *args: Any, output: Path | None, **options: Any) -> None:
        db = connections["default"].settings_dict
        if output is None:
            folder = Path(settings.VAR_DIR) / "backups"
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            stamp = timezone.localtime().strftime("%Y%m%dT%H%M%S")
            output = folder / f"skillsubsidy-{stamp}{suffix(db)}"
        try:
            written = backup_database(db, output)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"backup written to {written} ({written.stat().st_size} bytes)")
