"""Every URL, for every role: who may see and do what.

The walk enumerates the URL configuration itself, so a new URL without a case here fails the test
instead of going unchecked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from web_support import PASSWORD, client_for, make_staff

from accounts.models import Role
from accounts.services import staff_create, token_create
from audit.models import AuditRecord
from catalogs.models import CatalogVersion
from catalogs.services import draft_from_published
from catalogs.uploads import upload_create

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Actor:
    name: str
    role: Role | None  # None: a logged-in user with no staff role
    region: str | None
    anonymous: bool = False

    def covers(self, region: str | None) -> bool:
        if self.role is Role.PLATFORM_ADMIN:
            return True
        if self.role is Role.CITY_BUREAU:
            return region in {"320000", "320600"} if self.region == "320000" else region == self.region
        return region == self.region


ACTORS = [
    Actor("anonymous", None, None, anonymous=True),
    Actor("plain user", None, None),
    Actor("nantong district", Role.DISTRICT_BUREAU, "320600"),
    Actor("jiangsu city", Role.CITY_BUREAU, "320000"),
    Actor("platform admin", Role.PLATFORM_ADMIN, None),
]

PUBLIC = {
    "portal:home", "portal:search", "portal:occupation", "portal:catalogs", "portal:catalog",
    "portal:catalog_download", "portal:calculator", "portal:quality", "portal:api", "portal:source",
}  # fmt: skip
API_READS = {
    "api:openapi-json", "api:openapi-view", "api:health", "api:regions", "api:catalogs",
    "api:catalog_entries", "api:search", "api:occupation", "api:quality",
}  # fmt: skip
POST_ONLY = {
    "backoffice:draft_start", "backoffice:entry_delete", "backoffice:version_publish",
    "backoffice:version_discard", "backoffice:logout",
}  # fmt: skip
CATALOGS = (("320000", "jiangsu-2025"), ("320600", "nantong-2025"), ("310000", "shanghai-2026"))
ADMIN_ONLY = {"backoffice:staff"}


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], ns: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{ns}{p.namespace}:" if p.namespace else ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{ns}{p.name}")

    walk(get_resolver().url_patterns, "")
    return names


@pytest.fixture
def world(admin: AbstractUser) -> dict[str, Any]:
    """Drafts in three regions and an upload, so every object-scoped URL has something to show."""
    drafts = {
        region: draft_from_published(catalog_id=catalog, actor=admin, reason="test")
        for region, catalog in CATALOGS
    }
    published = {
        region: CatalogVersion.objects.get(catalog_id=catalog, number=1) for region, catalog in CATALOGS
    }
    upload = upload_create(
        actor=admin, file_name="list.csv", data="序号,职业名称,编码\n1,焊工,6-18-02-04\n".encode(),
        region="320600", catalog_id="nantong-2026", title="南通市2026年目录",
    )  # fmt: skip
    return {"drafts": drafts, "published": published, "upload": upload}


def cases(world: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(url name, url, region of the object it shows or None) for every URL."""
    d, p = world["drafts"], world["published"]
    out: list[tuple[str, str, str | None]] = []

    def add(url_name: str, scope: str | None = None, /, **kwargs: Any) -> None:
        out.append((url_name, reverse(url_name, kwargs=kwargs or None), scope))

    for name in PUBLIC - {"portal:occupation", "portal:catalog", "portal:catalog_download", "portal:source"}:
        add(name)
    add("portal:occupation", query="6-18-02-04")
    add("portal:source", seed="000_d6c6a123f4673bde.txt")
    add("portal:catalog", region="320000", catalog_id="jiangsu-2025")
    add("portal:catalog_download", region="320000", catalog_id="jiangsu-2025", fmt="xlsx")
    for name in API_READS - {"api:catalog_entries", "api:occupation", "api:search"}:
        add(name)
    add("api:catalog_entries", region="320000", version="jiangsu-2025")
    add("api:occupation", code="6-18-02-04")
    out.append(("api:search", reverse("api:search") + "?q=焊工", None))
    for name in ("home", "login", "catalogs", "upload_new", "audit", "tokens", "staff", "standards"):
        add(f"backoffice:{name}")
    for region in ("320000", "320600", "310000"):
        add("backoffice:version", region, pk=p[region].pk)
        add("backoffice:version", region, pk=d[region].pk)
        add("backoffice:version_diff", region, pk=d[region].pk)
        add("backoffice:entry_edit", region, pk=d[region].pk, position=1)
        add("backoffice:entry_delete", region, pk=d[region].pk, position=1)
        add("backoffice:version_publish", region, pk=d[region].pk)
        add("backoffice:version_discard", region, pk=d[region].pk)
        add("backoffice:standard_edit", region, region=region, name="standard.skill_level.A.level_3")
    add("backoffice:draft_start", "320000", catalog_id="jiangsu-2025")
    add("backoffice:logout")
    add("backoffice:upload", "320600", pk=world["upload"].pk)
    return out


# The API's write endpoints, the API root and the language switch are checked in their own tests below.
NOT_WALKED = {"api:quote", "api:draft_create", "api:entry_patch", "api:draft_publish", "api:draft_delete",
              "api:api-root", "set_language"}  # fmt: skip


def expected(actor: Actor, name: str, region: str | None) -> int:
    if name in PUBLIC or name in API_READS:
        return 200
    if name == "backoffice:logout":
        return 405  # logging out is a POST
    if name == "backoffice:login":
        return 200 if actor.anonymous else 302  # signed-in users are sent on
    if actor.anonymous:
        return 302  # to the login page
    if actor.role is None:
        return 403
    if name in ADMIN_ONLY:
        return 200 if actor.role is Role.PLATFORM_ADMIN else 403
    if name in POST_ONLY:
        return 405
    if region is not None and not actor.covers(region):
        return 404  # other regions' objects do not exist for this user
    return 200


def login(actor: Actor) -> Client:
    if actor.anonymous:
        return Client()
    if actor.role is None:
        return client_for(get_user_model().objects.create_user("plain", password="x" * 20))
    return client_for(make_staff(actor.name.replace(" ", "-"), actor.role, actor.region))


def test_every_url_is_covered_by_the_walk(world: dict[str, Any]) -> None:
    walked = {name for name, _, _ in cases(world)}
    assert all_url_names() - NOT_WALKED == walked


@pytest.mark.parametrize("actor", ACTORS, ids=lambda a: a.name)
def test_every_url_answers_each_role_as_its_permissions_say(actor: Actor, world: dict[str, Any]) -> None:
    client = login(actor)
    got, want = {}, {}
    for lang in ("zh-hans", "en"):  # Chinese at the root, English under /en/
        with translation.override(lang):
            walk = cases(world)
        for name, url, region in walk:
            got[(url, name)] = client.get(url).status_code
            want[(url, name)] = expected(actor, name, region)
    assert got == want


@pytest.mark.parametrize(
    ("actor", "status"),
    [(ACTORS[0], 302), (ACTORS[1], 403), (ACTORS[2], 404), (ACTORS[3], 302), (ACTORS[4], 302)],
    ids=lambda v: v.name if isinstance(v, Actor) else str(v),
)
def test_only_staff_covering_the_region_can_start_a_draft(actor: Actor, status: int) -> None:
    client = login(actor)
    response = client.post(
        reverse("backoffice:draft_start", kwargs={"catalog_id": "jiangsu-2025"}), {"reason": "Q2"}
    )
    assert response.status_code == status
    created = CatalogVersion.objects.filter(catalog_id="jiangsu-2025", status="draft").exists()
    assert created == (actor.role in (Role.CITY_BUREAU, Role.PLATFORM_ADMIN))


def test_a_district_cannot_publish_another_regions_draft(world: dict[str, Any]) -> None:
    client = login(ACTORS[2])
    draft = world["drafts"]["320000"]
    response = client.post(
        reverse("backoffice:version_publish", kwargs={"pk": draft.pk}),
        {"effective_from": "2025-07-01", "reason": "Q2"},
    )
    assert response.status_code == 404
    assert CatalogVersion.objects.get(pk=draft.pk).status == "draft"


def test_the_api_write_endpoints_check_the_session_user_too(world: dict[str, Any]) -> None:
    client = login(ACTORS[2])
    client.handler.enforce_csrf_checks = False
    draft = world["drafts"]["320000"]
    response = client.post(
        f"/api/v1/drafts/{draft.pk}/publish",
        {"effective_from": "2025-07-01", "reason": "Q2"},
        content_type="application/json",
    )
    assert response.status_code == 404  # as in the back office: another region's draft does not exist
    assert CatalogVersion.objects.get(pk=draft.pk).status == "draft"
    assert Client().delete(f"/api/v1/drafts/{draft.pk}?reason=Q2").status_code == 401


def test_the_api_answers_another_regions_draft_exactly_as_a_missing_one(world: dict[str, Any]) -> None:
    _, raw = token_create(user=make_staff("nantong-system", Role.DISTRICT_BUREAU, "320600"), name="nantong")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    missing = CatalogVersion.objects.order_by("-pk").first().pk + 1  # type: ignore[union-attr]
    records = AuditRecord.objects.count()

    def answers(pk: int) -> list[tuple[int, dict[str, Any]]]:
        responses = [
            client.patch(f"/api/v1/drafts/{pk}/entries/1", {"changes": {"serial": "1"}, "reason": "Q2"},
                         content_type="application/json"),
            client.post(f"/api/v1/drafts/{pk}/publish", {"effective_from": "2025-07-01", "reason": "Q2"},
                        content_type="application/json"),
            client.delete(f"/api/v1/drafts/{pk}?reason=Q2"),
        ]  # fmt: skip
        return [(r.status_code, r.json()) for r in responses]

    def not_found(pk: int) -> list[tuple[int, dict[str, Any]]]:
        message = f"no catalog version {pk}"
        error = {"code": "unknown_version", "message": message, "field": "version_id", "value": str(pk),
                 "fields": [{"field": "version_id", "value": str(pk), "message": message}]}  # fmt: skip
        return [(404, {"error": error})] * 3

    elsewhere = world["drafts"]["320000"]
    assert answers(elsewhere.pk) == not_found(elsewhere.pk)
    assert answers(missing) == not_found(missing)
    assert CatalogVersion.objects.get(pk=elsewhere.pk).status == "draft"
    assert AuditRecord.objects.count() == records


def test_the_api_write_endpoints_need_a_staff_role(world: dict[str, Any]) -> None:
    plain = get_user_model().objects.create_user("plain", password="x" * 20)
    _, raw = token_create(user=plain, name="plain")
    draft = world["drafts"]["320600"]
    response = Client().delete(
        f"/api/v1/drafts/{draft.pk}?reason=Q2", headers={"Authorization": f"Bearer {raw}"}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "permission_denied")
    assert CatalogVersion.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("role", [Role.CITY_BUREAU, Role.DISTRICT_BUREAU], ids=lambda r: r.value)
def test_only_a_platform_administrator_can_create_staff_accounts_even_through_the_service(role: Role) -> None:
    # The view is admin-only, but the service is the boundary: a bureau must not mint an administrator.
    bureau = make_staff("bureau", role, "320600")
    with pytest.raises(PermissionDenied):
        staff_create(
            username="mallory", password=PASSWORD, role=Role.PLATFORM_ADMIN, region=None, actor=bureau
        )
    assert not get_user_model().objects.filter(username="mallory").exists()


def test_a_platform_administrator_creates_staff_accounts_with_an_audit_record(admin: AbstractUser) -> None:
    user = staff_create(username="clerk", password=PASSWORD, role=Role.DISTRICT_BUREAU, region="南通",
                        actor=admin)  # fmt: skip
    record = AuditRecord.objects.get(action="staff.create", target_id=str(user.pk))
    assert (record.actor, record.region) == (admin, "320600")
