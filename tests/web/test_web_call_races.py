"""The call's decisive moves race safely (race_calls.py), on SQLite and on PostgreSQL: of two district
officers forwarding at once (with a return and a decline in the same instant) one move wins; a review
sent twice is stored once; a reviewer cannot both declare a conflict and score; two officers recording
the collective decision at once leave one meeting and one decision per application."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from web_support import fresh_postgres, race

ROUNDS = 6


def _assert_one_winner_each_time(result: dict[str, Any]) -> None:
    assert (
        result["rounds"] == [{"district": ["refused"] * 3 + ["won"], "audit_rows": 1, "moved": True}] * ROUNDS
    )
    for r in result["reviews"]:
        assert (r["twice"], r["reviews_by_first"]) == (["refused", "won"], 1)
        assert (r["review_or_conflict"], r["second_has_both"]) == (["refused", "won"], False)
    assert (result["meeting"], result["meetings"]) == (["refused", "won"], 1)
    assert result["selected_audits"] == result["selected"] == result["forwarded"]
    assert result["audit_chain"].startswith("audit chain intact: ")


def test_the_calls_decisive_moves_have_one_winner_on_sqlite(tmp_path: Path) -> None:
    result = race("race_calls.py", f"sqlite:///{tmp_path / 'race.sqlite3'}", tmp_path, ROUNDS)
    assert result["vendor"] == "sqlite"
    _assert_one_winner_each_time(result)


@pytest.mark.postgres
def test_the_calls_decisive_moves_have_one_winner_on_postgresql(tmp_path: Path) -> None:
    with fresh_postgres() as url:
        result = race("race_calls.py", url, tmp_path, ROUNDS)
    assert result["vendor"] == "postgresql"
    _assert_one_winner_each_time(result)
