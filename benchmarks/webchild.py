"""What the web benchmarks share: each measures the Django app in a child process of its own, with
its own database (a fresh SQLite file, or a fresh database on a PostgreSQL server dropped afterwards),
its own variable directory and a throw-away key for personal data, so that nothing of a developer's
`make run` database is read or changed. The parent starts the child with `run_child`; the child calls
`setup_child` first and prints one JSON object as its last line.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def run_child(module: str, argv: Sequence[str], database_url: str, var: Path) -> dict[str, Any]:
    """Run `python -m <module> --child <argv>` on `database_url`; its JSON answer, or {"error": …}."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    env.update({"PYTHONPATH": f"{REPO / 'web'}:{REPO}", "DJANGO_SETTINGS_MODULE": "config.settings",
                "DJANGO_SECRET_KEY": "bench-only", "DATABASE_URL": database_url,
                "SKILLSUBSIDY_VAR_DIR": str(var), "SKILLSUBSIDY_DATA_KEYS": key})  # fmt: skip
    cmd = [sys.executable, "-m", module, "--child", *argv]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def setup_child() -> None:
    """In the child: Django set up as the test client needs it, and the database migrated."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Not django.test's setup_test_environment: it instruments every template render to copy its
    # context for the test client, which production does not, and which cost a list page a fifth
    # of its time. The test client only needs its host allowed.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # The manifest storage of production needs `collectstatic`; the pages render without it here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)


@contextmanager
def postgres_database(server: str, prefix: str) -> Iterator[str | None]:
    """A new database on the server of URL `server`, dropped afterwards; None (after saying so) when
    no server answers."""
    import psycopg

    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=3)
    except Exception as exc:  # no server: say so and stop
        print(f"  postgresql: not reachable at {server} ({type(exc).__name__}); skipped")
        yield None
        return
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{server.rsplit('/', 1)[0]}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
