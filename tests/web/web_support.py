"""Helpers shared by the web tests (fixtures live in conftest.py)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.test import Client

from accounts.models import Role
from accounts.services import staff_create
from catalogs.models import Entry

PASSWORD = "correct horse battery staple 42"


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
