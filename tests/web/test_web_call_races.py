"""The call's decisive moves race safely (race_calls.py), on SQLite and on PostgreSQL: of two district
officers forwarding at once (with a return and a decline in the same instant) one move wins; a review
sent twice is stored once; a reviewer cannot both declare a conflict and score; two officers recording
the collective decision at once leave one meeting and one decision per application."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_web_transitions import _fresh_postgres

WEB = Path(__file__).resolve().parents[2] / "web"
ROUNDS = 6


def _race(database_url: str, tmp_path: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_WORKER")}
    env.update({"PYTHONPATH": str(WEB), "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_SECRET_KEY": "x",
                "DATABASE_URL": database_url, "SKILLSUBSIDY_VAR_DIR": str(tmp_path)})  # fmt: skip
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("race_calls.py")), str(ROUNDS)],
        cwd=WEB, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


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
    result = _race(f"sqlite:///{tmp_path / 'race.sqlite3'}", tmp_path)
    assert result["vendor"] == "sqlite"
    _assert_one_winner_each_time(result)


@pytest.mark.postgres
def test_the_calls_decisive_moves_have_one_winner_on_postgresql(tmp_path: Path) -> None:
    with _fresh_postgres() as url:
        result = _race(url, tmp_path)
    assert result["vendor"] == "postgresql"
    _assert_one_winner_each_time(result)
