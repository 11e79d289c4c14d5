"""Never twice under concurrency (issue 12 · 2): 16 simultaneous submissions of one certificate, half
by the worker and half by the institution, 100 rounds, on a SQLite file and on PostgreSQL. Each round
stores exactly one claim; the 15 others are refused (409 duplicate_claim) naming the winner's number."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from web_support import fresh_postgres, race

ROUNDS, THREADS = 100, 16


def _assert_exactly_one_claim_per_round(result: dict[str, Any]) -> None:
    expected = {
        "claims": 1,
        "created": 1,
        "refused_naming_the_winner": THREADS - 1,
        "other": [],
        "audit_rows": 1,
    }
    assert result["rounds"] == [expected] * ROUNDS
    assert result["audit_chain"].startswith("audit chain intact: ")


def test_sixteen_concurrent_submissions_of_one_certificate_store_one_claim_on_sqlite(tmp_path: Path) -> None:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # The race makes its own SQLite file; the main run has raced it already (test_web_postgres).
        pytest.skip("the SQLite race runs in the SQLite run")
    result = race("race_claims.py", f"sqlite:///{tmp_path / 'race.sqlite3'}", tmp_path, ROUNDS, THREADS)
    assert result["vendor"] == "sqlite"
    _assert_exactly_one_claim_per_round(result)


@pytest.mark.postgres
def test_sixteen_concurrent_submissions_of_one_certificate_store_one_claim_on_postgresql(
    tmp_path: Path,
) -> None:
    with fresh_postgres() as url:
        result = race("race_claims.py", url, tmp_path, ROUNDS, THREADS)
    assert result["vendor"] == "postgresql"
    _assert_exactly_one_claim_per_round(result)
