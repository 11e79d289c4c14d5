"""The overlap check is race-safe: eight drafts with the same person and the same dates, filed by eight
threads at once, round after round, leave exactly one filed and seven refused for the overlap, on
SQLite (writers queue at BEGIN IMMEDIATE) and on PostgreSQL (the person's lock row, FOR UPDATE)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from web_support import fresh_postgres, race

ROUNDS, THREADS = 5, 8


def _assert_one_filing_per_round(result: dict[str, Any]) -> None:
    expected = {
        "outcomes": ["filed"] + ["refused: class.roster.overlap"] * (THREADS - 1),
        "filed_with_the_person": 1,
    }
    assert result["rounds"] == [expected] * ROUNDS


def test_eight_concurrent_filings_with_one_person_leave_one_filed_on_sqlite(tmp_path: Path) -> None:
    result = race("race_classes.py", f"sqlite:///{tmp_path / 'race.sqlite3'}", tmp_path, ROUNDS, THREADS)
    assert result["vendor"] == "sqlite"
    _assert_one_filing_per_round(result)


@pytest.mark.postgres
def test_eight_concurrent_filings_with_one_person_leave_one_filed_on_postgresql(tmp_path: Path) -> None:
    with fresh_postgres() as url:
        result = race("race_classes.py", url, tmp_path, ROUNDS, THREADS)
    assert result["vendor"] == "postgresql"
    _assert_one_filing_per_round(result)
