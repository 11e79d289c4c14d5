"""Fixtures for the web tests: the shipped dataset imported once per test database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as site_settings
from django.contrib.auth.models import AbstractUser
from django.utils import translation
from web_support import make_staff

from accounts.models import Role
from calendars.selectors import calendar_cache
from catalogs.selectors import published_cache
from catalogs.services import dataset_import
from skillsubsidy.catalog.dataset import load_dataset
from standards.selectors import engine_cache


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Every test starts from the shipped dataset, imported once; each test's changes roll back."""
    with django_db_blocker.unblock():
        dataset_import(dataset=load_dataset())


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    # The manifest storage of production needs `collectstatic`; tests render pages without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    # Rolled-back transactions can reuse ids on SQLite, so a cache key could repeat across tests.
    published_cache.clear()
    engine_cache.clear()
    calendar_cache.clear()
    yield
    published_cache.clear()
    engine_cache.clear()
    calendar_cache.clear()


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    # A request under /en/ leaves English active in the thread, and services speak the active
    # language, so each test starts from the site's language (Chinese) whatever ran before it.
    translation.activate(site_settings.LANGUAGE_CODE)
    yield
    translation.activate(site_settings.LANGUAGE_CODE)


@pytest.fixture
def admin(db: None) -> AbstractUser:
    return make_staff("admin", Role.PLATFORM_ADMIN, None)


@pytest.fixture
def jiangsu_staff(db: None) -> AbstractUser:
    """City-bureau role for Jiangsu 320000: covers Jiangsu and Nantong 320600 below it."""
    return make_staff("jiangsu", Role.CITY_BUREAU, "320000")


@pytest.fixture
def nantong_staff(db: None) -> AbstractUser:
    """City-bureau role for Nantong 320600: Nantong and its districts, not Jiangsu's own catalogs."""
    return make_staff("nantong", Role.CITY_BUREAU, "320600")


@pytest.fixture
def shanghai_staff(db: None) -> AbstractUser:
    """City-bureau role for the municipality 310000 and its districts."""
    return make_staff("shanghai", Role.CITY_BUREAU, "310000")


@pytest.fixture
def chongchuan_staff(db: None) -> AbstractUser:
    """District-bureau role for 崇川区 320613 in Nantong: only itself."""
    return make_staff("chongchuan", Role.DISTRICT_BUREAU, "320613")


@pytest.fixture
def tianhe_staff(db: None) -> AbstractUser:
    """District-bureau role for 天河区 440106 in Guangzhou: only itself."""
    return make_staff("tianhe", Role.DISTRICT_BUREAU, "440106")
