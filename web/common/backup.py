"""Backups of a serving database, and their restore.

A copy of the SQLite file is not a backup: committed transactions live in the `-wal` file until a
checkpoint moves them into the database file, so a copy taken while serving misses them (20 committed
rows in the probe). SQLite's online backup API copies the database as one consistent snapshot,
including what is still in the WAL, while writers carry on. PostgreSQL is dumped with `pg_dump`
(one consistent snapshot too) in its custom format, which `pg_restore` reads.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import quote

SQLITE = "django.db.backends.sqlite3"
POSTGRESQL = "django.db.backends.postgresql"


class BackupError(Exception):
    """A backup or restore that could not be made; the message says why."""


def backup_sqlite(source: Path, target: Path) -> Path:
    """A consistent copy of the live database `source`, written to `target` whole or not at all."""
    partial = target.with_name(f".{target.name}.partial")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            # pages=-1: the whole database in one step, under one read transaction, so that writers
            # committing meanwhile (WAL lets them) cannot make the copy start over or mix two states.
            src.backup(dst, pages=-1)
            if dst.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise BackupError(f"the copy of {source} failed SQLite's integrity check")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"cannot back up {source}: {exc}") from exc
    finally:
        src.close()
    os.replace(partial, target)
    return target


def restore_sqlite(backup: Path, database: Path) -> None:
    """Put a backup's content into `database` (stop the server first)."""
    if not backup.is_file():
        raise BackupError(f"no backup file at {backup}")
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(database, timeout=30)
        try:
            src.backup(dst, pages=-1)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise BackupError(f"cannot restore {backup} into {database}: {exc}") from exc
    finally:
        src.close()


def _pg_url(db: dict[str, Any]) -> str:
    user = quote(str(db.get("USER") or ""), safe="")
    host = db.get("HOST") or "localhost"
    port = db.get("PORT") or 5432
    return f"postgresql://{user}@{host}:{port}/{quote(str(db['NAME']), safe='')}"


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    # The password goes through the environment, never on a command line other users can list.
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _run(tool: str, args: list[str], db: dict[str, Any]) -> None:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"{tool} is not installed (Debian: apt install postgresql-client)")
    result = subprocess.run([path, *args], env=_pg_env(db), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()[-2000:]}")


def backup_postgresql(db: dict[str, Any], target: Path) -> Path:
    partial = target.with_name(f".{target.name}.partial")
    try:
        _run("pg_dump", ["--format=custom", "--no-owner", f"--file={partial}", _pg_url(db)], db)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return target


def restore_postgresql(backup: Path, db: dict[str, Any]) -> None:
    """Replace the database's tables with the backup's (stop the server first)."""
    if not backup.is_file():
        raise BackupError(f"no backup file at {backup}")
    args = ["--clean", "--if-exists", "--no-owner", "--single-transaction", f"--dbname={_pg_url(db)}"]
    _run("pg_restore", [*args, str(backup)], db)


def backup_database(db: dict[str, Any], target: Path) -> Path:
    if db["ENGINE"] == SQLITE:
        return backup_sqlite(Path(db["NAME"]), target)
    if db["ENGINE"] == POSTGRESQL:
        return backup_postgresql(db, target)
    raise BackupError(f"no backup method for {db['ENGINE']}")


def restore_database(backup: Path, db: dict[str, Any]) -> None:
    if db["ENGINE"] == SQLITE:
        restore_sqlite(backup, Path(db["NAME"]))
    elif db["ENGINE"] == POSTGRESQL:
        restore_postgresql(backup, db)
    else:
        raise BackupError(f"no restore method for {db['ENGINE']}")


def suffix(db: dict[str, Any]) -> str:
    return ".sqlite3" if db["ENGINE"] == SQLITE else ".dump"
