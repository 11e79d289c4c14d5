"""Configuration from the environment, the SQLite mode, and personal data kept out of logs."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.privacy import MaskPersonalDataFilter, mask_personal_data

WEB = Path(__file__).resolve().parents[2] / "web"


def run_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.DEBUG, s.SECRET_KEY[:8])"],
        cwd=WEB, env={**clean, "PYTHONPATH": str(WEB), **env}, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_without_a_secret_key_the_site_refuses_to_start_when_debug_is_off(tmp_path: Path) -> None:
    result = run_settings({"SKILLSUBSIDY_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert (
        "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set when DJANGO_DEBUG is off" in result.stderr
    )


def test_in_debug_the_development_key_is_used_with_a_loud_warning(tmp_path: Path) -> None:
    result = run_settings({"DJANGO_DEBUG": "1", "SKILLSUBSIDY_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "dev-only"]
    assert "development-only SECRET_KEY" in result.stderr


def test_the_secret_key_can_come_from_a_file(tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_text("from-a-file-0123456789\n")
    result = run_settings({"DJANGO_SECRET_KEY_FILE": str(key), "SKILLSUBSIDY_VAR_DIR": str(tmp_path)})
    assert result.stdout.split() == ["False", "from-a-f"]


def test_a_malformed_boolean_is_refused_with_the_variable_named(tmp_path: Path) -> None:
    result = run_settings({"DJANGO_DEBUG": "maybe", "SKILLSUBSIDY_VAR_DIR": str(tmp_path)})
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def test_database_url_switches_to_postgresql(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; d = s.DATABASES['default']; "
         "print(d['ENGINE'], d['NAME'], d['HOST'], d['PORT'])"],
        cwd=WEB, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(WEB), "DJANGO_SECRET_KEY": "x",
             "SKILLSUBSIDY_VAR_DIR": str(tmp_path),
             "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/skillsubsidy"},
    )  # fmt: skip
    assert result.stdout.split() == ["django.db.backends.postgresql", "skillsubsidy", "127.0.0.1", "5432"]


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions() -> None:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("this run uses PostgreSQL")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL" in db["OPTIONS"]["init_command"]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        # The test database is in memory, where SQLite reports "memory"; a file database reports "wal".
        assert cursor.fetchone()[0] in ("wal", "memory")


def test_a_file_database_really_is_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "check.sqlite3"
    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=WEB, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(WEB), "DJANGO_SETTINGS_MODULE": "config.settings",
             "DJANGO_SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{db}"},
    )  # fmt: skip
    assert result.stdout.strip() == "wal", result.stderr


def test_id_numbers_phones_and_bank_accounts_are_masked() -> None:
    text = "身份证 320602199001011234 电话 13812345678 账号 6222021234567890123"
    assert mask_personal_data(text) == "身份证 320602********1234 电话 138****5678 账号 6222********0123"


def test_occupation_codes_and_dates_are_not_mistaken_for_personal_data() -> None:
    text = "6-18-02-04 100000012 2025-06-01 20250601 4-04-05-Z1"
    assert mask_personal_data(text) == text


def test_a_claim_number_is_kept_whole_beside_masked_personal_data() -> None:
    # Its 14 to 20 digits in a row once passed for a bank account and were masked in the audit trail.
    text = "申领 SQ320613202612061234AB 已提交，账号 6222021234567890123，另见 SQ3206132026120612AB3F"
    assert mask_personal_data(text) == (
        "申领 SQ320613202612061234AB 已提交，账号 6222********0123，另见 SQ3206132026120612AB3F"
    )


def test_personal_data_never_reaches_the_log(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("skillsubsidy.test")
    logger.addFilter(MaskPersonalDataFilter())
    with caplog.at_level(logging.INFO, logger="skillsubsidy.test"):
        logger.info("claim for %s", "32060219900101123X")
    assert caplog.messages == ["claim for 320602********123X"]


def test_personal_data_in_a_logged_traceback_is_masked_too() -> None:
    # A 500 is logged with its traceback, and an exception message often repeats the input it refused.
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(MaskPersonalDataFilter())
    logger = logging.getLogger("skillsubsidy.test.traceback")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("no claim for 32060219900101123X, phone 13812345678")
        except ValueError:
            logger.exception("quote failed")
    finally:
        logger.removeHandler(handler)
    logged = out.getvalue()
    assert "ValueError: no claim for 320602********123X, phone 138****5678" in logged
    assert "19900101" not in logged and "12345678" not in logged


def test_every_configured_log_handler_masks_personal_data() -> None:
    # Django's own defaults add handlers to the `django` and `django.server` loggers (the console in
    # DEBUG, mail to ADMINS, runserver's request lines): a record sent there must be masked as well.
    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in logging.root.manager.loggerDict)]
    unmasked = sorted(
        f"{lg.name}: {type(h).__name__}"
        for lg in loggers
        for h in getattr(lg, "handlers", [])
        if not isinstance(h, logging.NullHandler)
        and not type(h).__module__.startswith("_pytest")  # pytest's own capture, only under test
        and not any(isinstance(f, MaskPersonalDataFilter) for f in h.filters)
    )
    assert unmasked == []


def test_concurrent_writers_on_sqlite_wait_for_each_other_instead_of_failing(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(WEB), "DJANGO_SETTINGS_MODULE": "config.settings",
           "DJANGO_SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'busy.sqlite3'}",
           "SKILLSUBSIDY_VAR_DIR": str(tmp_path)}  # fmt: skip
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=WEB, env=env, check=True)
    # Each writer runs read-then-write transactions, the pattern that fails with "database is
    # locked" under SQLite's default deferred transactions (5 of these 6 writers fail that way).
    # Each also takes the next place in the audit chain, reading its head first.
    writer = (
        "import sys, django; django.setup()\n"
        "from django.db import transaction\n"
        "from audit.models import AuditRecord\n"
        "from audit.services import audit_record\n"
        "for i in range(150):\n"
        "    with transaction.atomic():\n"
        "        n = AuditRecord.objects.count()\n"
        "        audit_record(actor=None, action='test', target_type='t', target_id=n, summary=sys.argv[1])\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", writer, f"writer {i}"], cwd=WEB, env=env, stderr=subprocess.PIPE
        )
        for i in range(6)
    ]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, errors
    verdict = subprocess.run(
        [sys.executable, "manage.py", "audit_verify"],
        cwd=WEB,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert verdict.stdout.strip() == "audit chain intact: 900 records"
