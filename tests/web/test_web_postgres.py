"""The service, selector, API and page tests again, on PostgreSQL (the production database).

`make test` runs the suite on SQLite; this test reruns tests/web in a subprocess with DATABASE_URL
pointing at the PostgreSQL server CI provides (127.0.0.1:5432, trust auth, database `test`).
Set SKILLSUBSIDY_TEST_POSTGRES to use another server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

REPO = Path(__file__).resolve().parents[2]
URL = os.environ.get("SKILLSUBSIDY_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test")


def _reachable(url: str) -> str | None:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


@pytest.mark.postgres
def test_the_web_suite_passes_on_postgresql() -> None:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("this run already uses PostgreSQL")
    problem = _reachable(URL)
    if problem:
        # CI machines run PostgreSQL; there a missing server is a failure, not a reason to skip.
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL not reachable at {URL}: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {URL}: {problem}")
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_WORKER")}
    # Two workers, each on a database of its own (test_<name>_gw0, _gw1): this rerun is the longest
    # unit of `make test`, and on one process it ran its last minutes on one core while the other idled.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/web", "-q", "-m", "not postgres", "-p", "no:cacheprovider",
         "-n", "2", "--dist", "loadfile"],
        cwd=REPO, env={**env, "DATABASE_URL": URL}, capture_output=True, text=True, check=False, timeout=2400,
    )  # fmt: skip
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-2000:]
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in summary
