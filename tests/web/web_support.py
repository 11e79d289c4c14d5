"""Helpers shared by the web tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from accounts.models import Role
from accounts.services import staff_create
from catalogs.models import Entry

PASSWORD = "correct horse battery staple 42"
WEB = Path(__file__).resolve().parents[2] / "web"
POSTGRES = os.environ.get("SKILLSUBSIDY_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test")


def make_staff(username: str, role: Role, region: str | None) -> AbstractUser:
    return staff_create(username=username, password=PASSWORD, role=role, region=region, actor=None)


def client_for(user: AbstractUser | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def if_match(version_pk: int, row: int) -> dict[str, str]:
    """The If-Match header an API client sends to correct row `row` (from 1) as it is stored now."""
    entry = Entry.objects.get(version_id=version_pk, position=row - 1)
    return {"If-Match": f'"{entry.pk}-{entry.revision}"'}


def race(script: str, database_url: str, tmp_path: Path, *args: int) -> dict[str, Any]:
    """Run the race script `script` (a file beside this one) in a child process on `database_url`, so
    that its threads share a real database, each with its own connection; the JSON object it prints."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_WORKER")}
    tests = str(Path(__file__).parent)
    env.update({"PYTHONPATH": f"{WEB}{os.pathsep}{tests}", "DJANGO_SETTINGS_MODULE": "config.settings",
                "DJANGO_SECRET_KEY": "x", "DATABASE_URL": database_url,
                "SKILLSUBSIDY_VAR_DIR": str(tmp_path)})  # fmt: skip
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name(script)), *map(str, args)],
        cwd=WEB, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@contextmanager
def fresh_postgres() -> Iterator[str]:
    """The URL of a new PostgreSQL database, dropped afterwards."""
    name = f"skillsubsidy_race_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(POSTGRES, autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL not reachable at {POSTGRES}: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{POSTGRES.rsplit('/', 1)[0]}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
