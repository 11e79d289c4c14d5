"""Shared pytest configuration.

The Django project lives in `web/` (apps import as `catalogs`, `config`, …), so it goes on sys.path
here and pytest-django is pointed at its settings. Core tests (tests/core) never touch the database,
so for them this only means Django's settings are importable; pytest-django blocks database access
outside tests that ask for it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
WEB = REPO / "web"


# Module level, not pytest_configure: tests/web/conftest.py imports Django models and is loaded
# right after this file, before any configure hook runs.
if str(WEB) not in sys.path:
    sys.path.insert(0, str(WEB))
_settings_from_env = "DJANGO_SETTINGS_MODULE" in os.environ
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
# A fixed Fernet key for personal data in tests (32 bytes of "t", base64url); never a production key.
os.environ.setdefault("SKILLSUBSIDY_DATA_KEYS", "dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHQ=")
# Tests write a standard and quote in the same instant; production lets a worker lag up to 1 s.
os.environ.setdefault("SKILLSUBSIDY_GENERATION_CHECK_SECONDS", "0")
# Generated policy directories and the default SQLite file go to a throwaway place, per process.
os.environ.setdefault("SKILLSUBSIDY_VAR_DIR", tempfile.mkdtemp(prefix="skillsubsidy-test-"))
# WhiteNoise warns on every request when STATIC_ROOT is missing; tests serve no collected files.
(Path(os.environ["SKILLSUBSIDY_VAR_DIR"]) / "static").mkdir(parents=True, exist_ok=True)

import django  # noqa: E402

django.setup()
if not _settings_from_env:
    # xdist workers inherit this environment, and pytest-django imports the settings module in each
    # worker before any conftest has put web/ on sys.path there. Django is configured now, which
    # pytest-django also accepts, so the variable is not needed any more.
    del os.environ["DJANGO_SETTINGS_MODULE"]


# The PostgreSQL rerun of tests/web is one test of a quarter of an hour, the longest unit of
# `make test` by far, and the browser walks are the next longest. xdist hands out files largest
# first by default, which put that one-test file last, running alone on one worker while the other
# idled; `make test` passes --no-loadscope-reorder and the long units go first here, so the other
# worker runs everything else beside them. The rest keep their order (pytest-django's).
LONGEST_FIRST = ("tests/web/test_web_postgres.py", "tests/e2e/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return next((n for n, p in enumerate(LONGEST_FIRST) if item.nodeid.startswith(p)), len(LONGEST_FIRST))

    items.sort(key=rank)
