"""Response headers on every URL, and running the site: backups of a serving database, private
state, policy directories cleaned up, one log line per refusal, a supervised server (issue 14,
points 7 and 9)."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.utils import translation
from test_web_permissions import cases, walk_world, world  # noqa: F401  (the fixtures the URL walk needs)
from web_support import client_for

from common.backup import backup_postgresql, backup_sqlite, restore_postgresql, restore_sqlite
from common.files import make_private
from standards import policy

REPO = Path(__file__).resolve().parents[2]
WEB = REPO / "web"
PG_URL = os.environ.get("SKILLSUBSIDY_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test")


# --- headers --------------------------------------------------------------------------------------


def walked(objects: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            out += [(name, url) for name, url, _ in cases(objects)]
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_every_url_sends_the_security_headers(
    walk_world: dict[str, Any],  # noqa: F811  (the fixture imported above)
    admin: AbstractUser,
    who: str,
) -> None:
    client = client_for(admin if who == "admin" else None)
    got, want = {}, {}
    for name, url in walked(walk_world):
        response = client.get(url, secure=True)
        got[url] = (
            response.get("X-Content-Type-Options"),
            response.get("Referrer-Policy"),
            response.get("Strict-Transport-Security"),
            "no-store" in response.get("Cache-Control", ""),
        )
        want[url] = ("nosniff", "same-origin", "max-age=31536000", name.startswith("backoffice:"))
    assert got == want


@pytest.mark.django_db
def test_the_page_showing_a_new_token_is_not_stored(admin: AbstractUser) -> None:
    response = client_for(admin).post("/office/tokens/", {"name": "ci"})
    assert response.status_code == 200
    assert "ss_" in response.content.decode()
    assert set(response["Cache-Control"].split(", ")) == {"no-store", "private"}


@pytest.mark.django_db
def test_hsts_only_over_https_as_the_documented_proxy_reports_it(settings: Any) -> None:
    assert "Strict-Transport-Security" not in Client().get("/")
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = Client().get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"] == "max-age=31536000"


def run_settings(env: dict[str, str], expr: str) -> str:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "SKILLSUBSIDY_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import config.settings as s; print({expr})"],
        cwd=WEB, env={**clean, "PYTHONPATH": str(WEB), "DJANGO_SECRET_KEY": "t" * 50, **env},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout.strip()


def test_hsts_idle_time_and_the_lockout_are_set_from_the_environment(tmp_path: Path) -> None:
    env = {
        "SKILLSUBSIDY_VAR_DIR": str(tmp_path),
        "DJANGO_HSTS_SECONDS": "300",
        "SKILLSUBSIDY_SESSION_IDLE_MINUTES": "10",
        "SKILLSUBSIDY_LOGIN_FAILURE_LIMIT": "8",
        "SKILLSUBSIDY_LOGIN_COOLOFF_MINUTES": "60",
        "DJANGO_BEHIND_PROXY": "1",
    }
    expr = (
        "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_AGE, s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME, "
        "s.SECURE_PROXY_SSL_HEADER"
    )
    assert run_settings(env, expr) == "300 600 8 1:00:00 ('HTTP_X_FORWARDED_PROTO', 'https')"


# --- backup and restore ---------------------------------------------------------------------------


class Writers:
    """Threads committing one row at a time until stopped; `committed` holds every id whose COMMIT
    returned, which a backup taken afterwards must contain."""

    def __init__(self, connect: Any, insert: str, threads: int = 3) -> None:
        self.connect, self.insert = connect, insert
        self.committed: set[int] = set()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(threads)]

    def run(self, n: int) -> None:
        conn = self.connect()
        i = 0
        while not self.stop.is_set():
            key = n * 1_000_000 + i
            conn.execute(self.insert, (key, "x" * 200))
            conn.commit()
            with self.lock:
                self.committed.add(key)
            i += 1
        conn.close()

    def __enter__(self) -> Writers:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()

    def snapshot(self) -> set[int]:
        with self.lock:
            return set(self.committed)


def test_a_sqlite_backup_under_concurrent_writes_keeps_every_committed_row(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    setup = sqlite3.connect(live)
    setup.execute("PRAGMA journal_mode=WAL")
    # As on a busy server between checkpoints: committed rows are still only in the WAL.
    setup.execute("PRAGMA wal_autocheckpoint=0")
    setup.execute("CREATE TABLE claim (id INTEGER PRIMARY KEY, note TEXT)")
    setup.commit()

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(live, timeout=30, check_same_thread=False)
        conn.execute("PRAGMA wal_autocheckpoint=0")
        return conn

    with Writers(connect, "INSERT INTO claim (id, note) VALUES (?, ?)") as writers:
        time.sleep(0.5)
        before = writers.snapshot()
        backup_sqlite(live, tmp_path / "backup.sqlite3")
        shutil.copyfile(live, tmp_path / "copied.sqlite3")  # what lost rows in the probe
        time.sleep(0.2)
    assert len(before) > 20

    restored = tmp_path / "restored.sqlite3"
    restore_sqlite(tmp_path / "backup.sqlite3", restored)
    rows = {r[0] for r in sqlite3.connect(restored).execute("SELECT id FROM claim")}
    assert before <= rows
    assert stat.S_IMODE((tmp_path / "backup.sqlite3").stat().st_mode) == 0o600
    copied = sqlite3.connect(tmp_path / "copied.sqlite3")
    assert copied.execute("SELECT count(*) FROM sqlite_master WHERE name = 'claim'").fetchone() == (0,)
    setup.close()


def _pg_reachable() -> str | None:
    try:
        with psycopg.connect(PG_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


@pytest.mark.postgres
def test_a_postgresql_backup_under_concurrent_writes_keeps_every_committed_row(tmp_path: Path) -> None:
    if problem := _pg_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL not reachable at {PG_URL}: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {problem}")
    base = psycopg.conninfo.conninfo_to_dict(PG_URL)
    names = [f"ss_backup_{os.getpid()}_{part}" for part in ("live", "restored")]
    admin = psycopg.connect(PG_URL, autocommit=True)
    for name in names:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        live = {**base, "dbname": names[0]}
        with psycopg.connect(**live) as conn:
            conn.execute("CREATE TABLE claim (id bigint PRIMARY KEY, note text)")
        db = {"NAME": names[0], "USER": base.get("user"), "HOST": base.get("host"), "PORT": base.get("port")}
        insert = "INSERT INTO claim (id, note) VALUES (%s, %s)"
        with Writers(lambda: psycopg.connect(**live), insert) as writers:
            time.sleep(0.5)
            before = writers.snapshot()
            backup_postgresql(db, tmp_path / "backup.dump")
            time.sleep(0.2)
        assert len(before) > 50
        restore_postgresql(tmp_path / "backup.dump", {**db, "NAME": names[1]})
        with psycopg.connect(**{**base, "dbname": names[1]}) as conn:
            rows = {r[0] for r in conn.execute("SELECT id FROM claim")}
        assert before <= rows
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def manage(var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "SKILLSUBSIDY_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=WEB, env={**clean, "SKILLSUBSIDY_VAR_DIR": str(var), "DJANGO_SECRET_KEY": "t" * 50},
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip


def test_manage_backup_writes_a_private_copy_and_the_state_directory_is_private(tmp_path: Path) -> None:
    var = tmp_path / "var"
    assert manage(var, "migrate", "--verbosity", "0").returncode == 0
    done = manage(var, "backup")
    assert done.returncode == 0, done.stderr
    (backup,) = (var / "backups").iterdir()
    assert done.stdout.startswith(f"backup written to {backup} (")
    modes = {
        p.name: oct(stat.S_IMODE(p.stat().st_mode))
        for p in (var, var / "skillsubsidy.sqlite3", var / "backups", backup)
    }
    assert modes == {
        "var": "0o700",
        "skillsubsidy.sqlite3": "0o600",
        "backups": "0o700",
        backup.name: "0o600",
    }
    tables = sqlite3.connect(backup).execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    assert tables > 20
    refused = manage(var, "restore", str(tmp_path / "missing.sqlite3"))
    assert (refused.returncode, refused.stderr.strip()) == (
        1,
        f"CommandError: no backup file at {tmp_path / 'missing.sqlite3'}",
    )


def test_state_written_before_is_made_private(tmp_path: Path) -> None:
    (tmp_path / "policy").mkdir()
    os.chmod(tmp_path / "policy", 0o755)
    (tmp_path / "skillsubsidy.sqlite3").write_text("")
    os.chmod(tmp_path / "skillsubsidy.sqlite3", 0o644)
    os.chmod(tmp_path, 0o755)
    changed = make_private(tmp_path)
    assert sorted(p.name for p in changed) == sorted([tmp_path.name, "policy", "skillsubsidy.sqlite3"])
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in [tmp_path, *tmp_path.iterdir()]} == {
        tmp_path.name: 0o700, "policy": 0o700, "skillsubsidy.sqlite3": 0o600,
    }  # fmt: skip


# --- policy directories, denials in the log, the supervisor ---------------------------------------


def test_old_policy_directories_are_removed_keeping_the_one_in_use_and_the_newest(
    settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    root = policy.policy_root()
    root.mkdir()
    for i, name in enumerate(["a", "b", "c", "d", "e", "f", ".building-x"]):
        (root / name).mkdir()
        os.utime(root / name, ns=(i * 10**9, i * 10**9))
    removed = policy.prune(keep=root / "a")  # the oldest, but the one this process now uses
    assert sorted(p.name for p in removed) == ["b", "c"]
    assert sorted(p.name for p in root.iterdir()) == [".building-x", "a", "d", "e", "f"]


@pytest.mark.django_db
def test_a_permission_denial_is_logged_as_one_line(
    chongchuan_staff: AbstractUser, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client_for(chongchuan_staff).get("/office/staff/").status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert (
        record.getMessage() == "Forbidden (Permission denied): /office/staff/: platform administrators only"
    )
    assert (record.exc_info, record.exc_text) == (None, None)


def test_the_systemd_unit_restarts_the_server_and_is_valid(tmp_path: Path) -> None:
    unit = (REPO / "docs/deploy/skillsubsidy.service").read_text()
    service = unit.split("[Service]")[1].split("[Install]")[0]
    assert "\nRestart=always\n" in service
    assert "\nExecStart=/opt/skillsubsidy/.venv/bin/python web/manage.py serve " in service
    assert "\nUMask=0077\n" in service
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return  # the content checks above are what can be checked without systemd
    # Verified with the paths of this checkout, since verify checks that the executables exist.
    local = unit.replace("/opt/skillsubsidy/.venv/bin/python", sys.executable)
    local = local.replace("/etc/skillsubsidy/env", os.devnull)
    (tmp_path / "skillsubsidy.service").write_text(local)
    result = subprocess.run([analyze, "verify", str(tmp_path / "skillsubsidy.service")],
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert (result.returncode, result.stderr) == (0, "")
