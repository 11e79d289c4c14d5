"""Every URL, for every role: who may see and do what.

The walk enumerates the URL configuration itself, so a new URL without a case here fails the test
instead of going unchecked.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import claims_world
import pytest
from call_support import through_notice
from class_support import draft, id_number, roster_xlsx
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from stdnum.cn import uscc
from web_support import PASSWORD, client_for, make_staff

from accounts.models import Role
from accounts.services import staff_create, token_create
from audit.models import AuditRecord
from catalogs.models import CatalogVersion
from catalogs.services import draft_from_published, draft_publish
from catalogs.uploads import upload_create, upload_to_draft
from claims import services as claim_services
from classes.services import roster_upload
from institutions.models import Institution
from institutions.services import clerk_create, institution_move, institution_register

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Actor:
    name: str
    role: Role | None  # None: a logged-in user with no staff role
    region: str | None
    anonymous: bool = False
    sees: frozenset[str] = frozenset()  # the world's regions this actor covers, spelt out by hand

    def covers(self, region: str | None) -> bool:
        return self.role is Role.PLATFORM_ADMIN or region in self.sees


# The world's objects lie in 江苏 320000, 南通 320600 below it, 崇川区 320613 below that, and 上海 310000.
ACTORS = [
    Actor("anonymous", None, None, anonymous=True),
    Actor("plain user", None, None),
    Actor("nantong city", Role.CITY_BUREAU, "320600", sees=frozenset({"320600", "320613"})),
    Actor("jiangsu city", Role.CITY_BUREAU, "320000", sees=frozenset({"320000", "320600", "320613"})),
    Actor("platform admin", Role.PLATFORM_ADMIN, None),
    Actor("chongchuan district", Role.DISTRICT_BUREAU, "320613", sees=frozenset({"320613"})),
    # The clerk of the institution listed in 崇川区: bureau pages refuse it, whatever the region.
    Actor("institution clerk", Role.INSTITUTION, "320613"),
    # A worker verified against the ID number of a trainee on the 崇川区 roster: portal pages only.
    Actor("worker", Role.WORKER, "320613"),
]
NANTONG, CHONGCHUAN = ACTORS[2], ACTORS[5]

PUBLIC = {
    "portal:home", "portal:search", "portal:occupation", "portal:catalogs", "portal:catalog",
    "portal:catalog_download", "portal:calculator", "portal:quality", "portal:api", "portal:source",
    "portal:institutions", "portal:institution_removals", "portal:institution", "portal:sources",
    "portal:calls", "portal:call_notice", "portal:classes",
    "portal:claims", "portal:claim_register", "portal:claim_notice", "portal:claim_figures",
}  # fmt: skip
API_READS = {
    "api:openapi-json", "api:openapi-view", "api:health", "api:regions", "api:catalogs",
    "api:catalog_entries", "api:search", "api:occupation", "api:quality", "api:calendar_deadline",
    "api:calendar_workday", "api:institutions_trainers", "api:institution_public", "api:calls",
    "api:call_notice", "api:classes_open",
}  # fmt: skip
# The class API's reads need a signed-in bureau member or clerk (the session is the credential here).
API_SIGNED_IN = {"api:classes_list", "api:class_detail"}
POST_ONLY = {
    "backoffice:draft_start", "backoffice:entry_delete", "backoffice:version_publish",
    "backoffice:version_discard", "backoffice:logout", "backoffice:institution_move",
    "backoffice:institution_listing", "backoffice:institution_add", "backoffice:call_action",
    "backoffice:call_objection_answer", "backoffice:call_application_action",
    "backoffice:class_move", "backoffice:class_inspect", "backoffice:class_commission",
    "backoffice:class_results", "backoffice:class_amendment", "backoffice:class_reveal",
    "backoffice:class_completion",
    "backoffice:claim_bulk", "backoffice:claim_notice_clear", "backoffice:claim_batch_export",
    "backoffice:claim_batch_results", "backoffice:claim_review", "backoffice:claim_interest",
    "backoffice:claim_objection",
}  # fmt: skip
# The institution workspace: a clerk's pages (GET) and its writes (POST only); everyone else gets 403.
WORKSPACE_PAGES = {
    "backoffice:workspace", "backoffice:workspace_classes", "backoffice:workspace_class_new",
    "backoffice:workspace_class", "backoffice:workspace_claims", "backoffice:workspace_claim",
    "backoffice:workspace_tokens",
}  # fmt: skip
WORKSPACE_POSTS = {
    "backoffice:workspace_roster", "backoffice:workspace_file", "backoffice:workspace_move",
    "backoffice:workspace_amend", "backoffice:workspace_amendment_withdraw",
    "backoffice:workspace_attendance", "backoffice:workspace_results", "backoffice:workspace_supervision",
}  # fmt: skip
# The institution workspace: its clerk's own pages (another institution's application is a 404 to it).
WORKSPACE = {"backoffice:workspace", "backoffice:workspace_calls"}
WORKSPACE_OTHERS = {"backoffice:workspace_application", "backoffice:workspace_paper",
                    "backoffice:workspace_attachment"}  # fmt: skip
WORKSPACE_POST_ONLY = {"backoffice:workspace_attach", "backoffice:workspace_withdraw"}
CATALOGS = (("320000", "jiangsu-2025"), ("320600", "nantong-2025"), ("310000", "shanghai-2026"),
            ("320613", "chongchuan-2026"))  # fmt: skip
ADMIN_ONLY = {"backoffice:staff"}
# The holiday arrangement is national: district bureaus see it but only administrators and city
# bureaus add a year.
CITY_AND_ADMIN = {"backoffice:calendar_add"}


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
    """Drafts in four regions and an upload, so every object-scoped URL has something to show."""
    district = upload_create(
        actor=admin, file_name="list.csv", data="序号,职业名称,编码\n1,焊工,6-18-02-04\n".encode(),
        region="320613", catalog_id="chongchuan-2026", title="崇川区2026年目录",
    )  # fmt: skip
    first = upload_to_draft(upload=district, actor=admin, attachment="附件", effective_from=None,
                            effective_to=None, reason="test")  # fmt: skip
    draft_publish(version=first, actor=admin, effective_from=date(2026, 1, 1), reason="test")
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
    institutions = {
        region: institution_register(
            actor=admin, name=f"机构{region}", uscc=_uscc(f"52{region}MJL0000A1"), kind="other",
            region=region,
            address="某路1号", legal_rep_name="张三", contact_name="李四", contact_phone="13812345678",
        )
        for region in ("320600", "320613", "310000")
    }  # fmt: skip
    for region in ("320613", "310000"):
        for action in ("review", "propose", "list"):
            institution_move(
                institution=institutions[region],
                actor=admin,
                action=action,
                reason="test",
                today=date.today(),
            )
    # A claim for a passed trainee of a closed class of the 崇川区 institution, approved, noticed, paid
    # in a batch of 南通 (claims_world writes the class records; the claim moves through the services).
    claim, batch = _claim_and_batch(institutions["320613"])
    # A class in 崇川区 (with a trainee and an amendment) and one in 上海, each filed by its own clerk.
    classes = {}
    for region in ("320613", "310000"):
        clerk = clerk_create(institution=institutions[region], actor=admin, username=f"walk-clerk-{region}",
                             password=PASSWORD).user  # fmt: skip
        cls = draft(clerk, date(2025, 10, 9))
        roster_upload(actor=clerk, training_class=cls, file_name="r.xlsx",
                      data=roster_xlsx([("张三", id_number("19900101", 123))]))  # fmt: skip
        classes[region] = cls
    return {"drafts": drafts, "published": published, "upload": upload, "institutions": institutions,
            "admin": admin, "classes": classes, "claim": claim, "batch": batch}  # fmt: skip


def _claim_and_batch(institution: Institution) -> tuple[Any, Any]:
    world = claims_world.build(institution=institution, tag="-walk", trainees=1)
    district = make_staff("walk-district", Role.DISTRICT_BUREAU, "320613")
    city = make_staff("walk-city", Role.CITY_BUREAU, "320600")
    payee = claim_services.PayeeInput("institution_account", "310012345678", institution.name)
    claim = claim_services.claim_submit(
        actor=world.clerk, certificate_no=world.certificate(0), payee=payee, pledge_signed=True,
        today=date(2025, 9, 1),
    )  # fmt: skip
    claim_services.claim_pass_district(actor=district, pk=claim.pk)
    claim_services.notice_setting_set(actor=city, region="320600", effective_from=date(2025, 1, 1),
                                      working_days=5, reason="walk")  # fmt: skip
    claim_services.claim_approve(actor=city, pk=claim.pk, today=date(2025, 9, 30))
    claim_services.objection_raise(claim_number=claim.number, text="walk", raised_by="walk",
                                   today=date(2025, 10, 1))  # fmt: skip
    second = claims_world.build(tag="-walk2", trainees=1, uscc_serial=9)
    other = claim_services.claim_submit(
        actor=second.clerk, certificate_no=second.certificate(0), payee=payee, pledge_signed=True,
        today=date(2025, 9, 1),
    )  # fmt: skip
    claim_services.claim_pass_district(actor=district, pk=other.pk)
    claim_services.claim_approve(actor=city, pk=other.pk, today=date(2025, 9, 30))
    claim_services.claim_clear_notice(actor=city, pk=other.pk, today=date(2025, 10, 15))
    batch = claim_services.batch_create(actor=city, region="320600")
    claim_services.batch_export(actor=city, pk=batch.pk)
    return claim, batch


@pytest.fixture
def walk_world(world: dict[str, Any]) -> dict[str, Any]:
    """The world and a Guangzhou call in its notice, for the walk only (it costs a whole call)."""
    return {**world, "call": through_notice()}


def _uscc(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


def cases(world: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(url name, url, region of the object it shows or None) for every URL."""
    d, p = world["drafts"], world["published"]
    out: list[tuple[str, str, str | None]] = []

    def add(url_name: str, scope: str | None = None, /, **kwargs: Any) -> None:
        out.append((url_name, reverse(url_name, kwargs=kwargs or None), scope))

    insts = world["institutions"]
    walked_apart = {
        "portal:occupation",
        "portal:catalog",
        "portal:catalog_download",
        "portal:source",
        "portal:institution",
        "portal:calls",
        "portal:call_notice",
    }
    walked_apart |= {"portal:claim"}
    for name in PUBLIC - walked_apart:
        add(name)
    add("portal:occupation", query="6-18-02-04")
    add("portal:source", seed="000_d6c6a123f4673bde.txt")
    add("portal:institution", pk=insts["320613"].pk)  # listed, so public
    out.append(
        ("portal:institutions", reverse("portal:institutions") + "?occupation=焊工&region=崇川区", None)
    )
    add("portal:catalog", region="320000", catalog_id="jiangsu-2025")
    add("portal:catalog_download", region="320000", catalog_id="jiangsu-2025", fmt="xlsx")
    queried = {
        "api:catalog_entries",
        "api:occupation",
        "api:search",
        "api:calendar_deadline",
        "api:calendar_workday",
        "api:institutions_trainers",
        "api:institution_public",
        "api:calls",
        "api:call_notice",
    }
    for name in API_READS - queried:
        add(name)
    add("api:catalog_entries", region="320000", version="jiangsu-2025")
    add("api:occupation", code="6-18-02-04")
    out.append(("api:search", reverse("api:search") + "?q=焊工", None))
    out.append(
        ("api:calendar_deadline", reverse("api:calendar_deadline") + "?start=2025-10-09&working_days=5", None)
    )
    out.append(("api:calendar_workday", reverse("api:calendar_workday") + "?date=2025-09-28", None))
    trainers = reverse("api:institutions_trainers") + "?occupation=焊工&region=南通"
    out.append(("api:institutions_trainers", trainers, None))
    add("api:institution_public", institution_id=insts["320613"].pk)
    names = ("home", "login", "catalogs", "upload_new", "audit", "tokens", "staff", "standards", "calendar",
             "calendar_add", "institutions", "institution_register", "institution_import",
             "institution_proposals", "workspace", "classes", "workspace_classes",
             "workspace_class_new", "claims", "claim_dashboard", "claim_notice", "claim_batches",
             "claim_bulk", "claim_notice_clear", "workspace_claims", "workspace_tokens",
             "workspace_supervision")  # fmt: skip
    for name in names:
        add(f"backoffice:{name}")
    for region in ("320000", "320600", "310000", "320613"):
        add("backoffice:version", region, pk=p[region].pk)
        add("backoffice:version", region, pk=d[region].pk)
        add("backoffice:version_diff", region, pk=d[region].pk)
        add("backoffice:entry_edit", region, pk=d[region].pk, position=1)
        add("backoffice:entry_delete", region, pk=d[region].pk, position=1)
        add("backoffice:version_publish", region, pk=d[region].pk)
        add("backoffice:version_discard", region, pk=d[region].pk)
        add("backoffice:standard_edit", region, region=region, name="standard.skill_level.A.level_3")
        add("backoffice:standards_new_period", region, region=region)
    for region, inst in insts.items():
        add("backoffice:institution", region, pk=inst.pk)
        add("backoffice:institution_move", region, pk=inst.pk)
        add("backoffice:institution_listing", region, pk=inst.pk)
        for what in ("inspection", "scope", "employment"):  # one URL per record kind
            add("backoffice:institution_add", region, pk=inst.pk, what=what)
    for region, cls in world["classes"].items():
        trainee = cls.trainees.get()
        add("backoffice:class", region, pk=cls.pk)
        for name in ("class_move", "class_inspect", "class_commission", "class_results"):
            add(f"backoffice:{name}", region, pk=cls.pk)
        add("backoffice:class_amendment", region, pk=cls.pk, amendment=1)
        add("backoffice:class_reveal", region, pk=cls.pk, trainee=trainee.pk)
        add("backoffice:class_completion", region, pk=cls.pk, trainee=trainee.pk)
    add("api:classes_list")
    for region, cls in world["classes"].items():
        add("api:class_detail", region, class_id=cls.pk)
    out.append(("api:classes_open", reverse("api:classes_open") + "?occupation=焊工&region=320600", None))
    own = world["classes"]["320613"]  # the walking clerk's institution's
    add("backoffice:workspace_class", pk=own.pk)
    for name in ("roster", "file", "move", "amend", "attendance", "results"):
        add(f"backoffice:workspace_{name}", pk=own.pk)
    add("backoffice:workspace_amendment_withdraw", pk=own.pk, amendment=1)
    claim, batch = world["claim"], world["batch"]
    add("backoffice:claim", "320613", pk=claim.pk)
    for name in ("claim_review", "claim_interest"):
        add(f"backoffice:{name}", "320613", pk=claim.pk)
    add("backoffice:claim_objection", "320613", pk=claim.pk, objection=claim.objections.get().pk)
    add("backoffice:claim_batch", "320600", pk=batch.pk)
    add("backoffice:claim_batch_export", "320600", pk=batch.pk)
    add("backoffice:claim_batch_results", "320600", pk=batch.pk)
    add("backoffice:claim_batch_download", "320600", pk=batch.pk, fmt="csv")
    add("backoffice:workspace_claim", pk=claim.pk)
    add("portal:claim", pk=claim.pk)
    add("portal:claim_tokens")
    add("backoffice:draft_start", "320000", catalog_id="jiangsu-2025")
    add("backoffice:logout")
    add("backoffice:upload", "320600", pk=world["upload"].pk)
    # The project call: a Guangzhou call (440100) in its notice, one Tianhe (440106) project in it.
    c = world["call"]
    call_pk, app_pk = c["call"].pk, c["application"].pk
    add("portal:calls")
    add("portal:call_notice", pk=call_pk)
    add("api:calls")
    add("api:call_notice", call_id=call_pk)
    add("backoffice:calls")
    add("backoffice:workspace_calls")
    add("backoffice:workspace_application", pk=app_pk)
    add("backoffice:workspace_paper", pk=app_pk, what="print")
    add("backoffice:workspace_attachment", pk=c["attachment"].pk)
    add("backoffice:workspace_attach", pk=app_pk)
    add("backoffice:workspace_withdraw", pk=app_pk)
    add("backoffice:call", "440100", pk=call_pk)
    add("backoffice:call_register", "440100", pk=call_pk)
    add("backoffice:call_filing", "440100", pk=call_pk)
    add("backoffice:call_action", "440100", pk=call_pk, action="open")
    add("backoffice:call_summary", "440106", pk=call_pk, district="440106")
    add("backoffice:call_application", "440106", pk=app_pk)
    add("backoffice:call_application_paper", "440106", pk=app_pk, what="print")
    add("backoffice:call_application_action", "440106", pk=app_pk, action="forward")
    add("backoffice:call_attachment", "440106", pk=c["attachment"].pk)
    add("backoffice:call_objection_answer", "440100", pk=1)
    return out


# The API's write endpoints, the API root and the language switch are checked in their own tests below.
NOT_WALKED = {"api:quote", "api:draft_create", "api:entry_get", "api:entry_patch", "api:draft_publish",
              "api:draft_delete", "api:api-root", "set_language", "api:institution_register",
              "api:institution_move", "api:inspection_record", "api:finding_record",
              "api:approval_add",
              # The call's API (writes, and the reads of a clerk's or a bureau's own applications) is
              # walked by role in tests/web/test_web_call_api.py.
              "api:call_applications", "api:call_application_start", "api:call_application",
              "api:call_application_save", "api:call_application_submit", "api:call_application_withdraw",
              "api:call_application_return", "api:call_application_decline", "api:call_application_forward",
              "api:call_conflict_declare", "api:call_review_submit", "api:call_tracking_record",
              "api:call_move", "api:call_decision", "api:call_notice_publish", "api:call_objection_file",
              "api:call_objection_answer", "api:call_filing", "api:call_filing_result",
              "api:call_application_track",
              # Claims through the API need a clerk's or worker's token: test_web_claims.py walks them.
              "api:claim_submit", "api:claim_list", "api:claim_status",
              # The class API's writes: tests/web/test_web_class_api.py posts to each as each role.
              "api:class_create", "api:class_roster", "api:class_file", "api:class_move",
              "api:class_attendance", "api:class_results"}  # fmt: skip


def expected(actor: Actor, name: str, region: str | None) -> int:
    if name in PUBLIC or name in API_READS:
        return 200
    if name == "portal:claim":  # a worker's own claim; anyone else is sent to the claims page
        return 404 if actor.role is Role.WORKER else 302
    if name == "portal:claim_tokens":  # a worker's own tokens; anyone else is sent to the claims page
        return 200 if actor.role is Role.WORKER else 302
    if name == "backoffice:logout":
        return 405  # logging out is a POST
    if name in API_SIGNED_IN:
        if actor.anonymous:
            return 401
        if actor.role in (None, Role.WORKER):  # a worker reads no class through the API
            return 403
        if actor.role is Role.INSTITUTION:
            return 200 if region in (None, "320613") else 404  # its own institution's classes only
        return 404 if region is not None and not actor.covers(region) else 200
    if name == "backoffice:login":
        return 200 if actor.anonymous else 302  # signed-in users are sent on
    if actor.anonymous:
        return 302  # to the login page
    if name in WORKSPACE | WORKSPACE_OTHERS | WORKSPACE_POST_ONLY:
        if actor.role is not Role.INSTITUTION:
            return 403
        return 200 if name in WORKSPACE else 404 if name in WORKSPACE_OTHERS else 405
    if name in WORKSPACE_PAGES:
        return 200 if actor.role is Role.INSTITUTION else 403
    if name in WORKSPACE_POSTS:
        return 405 if actor.role is Role.INSTITUTION else 403
    if actor.role is Role.INSTITUTION:
        return 302 if name == "backoffice:home" else 403  # home sends a clerk to the workspace
    if actor.role is Role.WORKER:
        return 302 if name == "backoffice:home" else 403  # home sends a worker to the portal's claims
    if actor.role is None:
        return 403
    if name in ADMIN_ONLY:
        return 200 if actor.role is Role.PLATFORM_ADMIN else 403
    if name in CITY_AND_ADMIN:
        return 200 if actor.role in (Role.PLATFORM_ADMIN, Role.CITY_BUREAU) else 403
    if name in POST_ONLY:
        return 405
    if region is not None and not actor.covers(region):
        return 404  # other regions' objects do not exist for this user
    return 200


def login(actor: Actor, world: dict[str, Any] | None = None) -> Client:
    if actor.anonymous:
        return Client()
    if actor.role is Role.INSTITUTION:
        assert world is not None, "a clerk acts for one of the world's institutions"
        clerk = clerk_create(institution=world["institutions"]["320613"], actor=world["admin"],
                             username="clerk-320613", password=PASSWORD)  # fmt: skip
        return client_for(clerk.user)
    if actor.role is None:
        return client_for(get_user_model().objects.create_user("plain", password="x" * 20))
    if actor.role is Role.WORKER:
        account = claim_services.worker_register(username="walk-worker", password=PASSWORD, name="张三",
                                                 id_number=id_number("19900101", 123))  # fmt: skip
        return client_for(account.user)
    return client_for(make_staff(actor.name.replace(" ", "-"), actor.role, actor.region))


def test_every_url_is_covered_by_the_walk(walk_world: dict[str, Any]) -> None:
    walked = {name for name, _, _ in cases(walk_world)}
    assert all_url_names() - NOT_WALKED == walked


@pytest.mark.parametrize("actor", ACTORS, ids=lambda a: a.name)
def test_every_url_answers_each_role_as_its_permissions_say(actor: Actor, walk_world: dict[str, Any]) -> None:
    client = login(actor, walk_world)
    got, want = {}, {}
    for lang in ("zh-hans", "en"):  # Chinese at the root, English under /en/
        with translation.override(lang):
            walk = cases(walk_world)
        for name, url, region in walk:
            got[(url, name)] = client.get(url).status_code
            want[(url, name)] = expected(actor, name, region)
    assert got == want


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        (ACTORS[0], 302),
        (ACTORS[1], 403),
        (ACTORS[2], 404),
        (ACTORS[3], 302),
        (ACTORS[4], 302),
        (ACTORS[5], 404),
    ],
    ids=lambda v: v.name if isinstance(v, Actor) else str(v),
)
def test_only_staff_covering_the_region_can_start_a_draft(actor: Actor, status: int) -> None:
    client = login(actor)
    response = client.post(
        reverse("backoffice:draft_start", kwargs={"catalog_id": "jiangsu-2025"}), {"reason": "Q2"}
    )
    assert response.status_code == status
    created = CatalogVersion.objects.filter(catalog_id="jiangsu-2025", status="draft").exists()
    assert created == actor.covers("320000")


@pytest.mark.parametrize(
    ("actor", "region"),
    [(NANTONG, "320000"), (CHONGCHUAN, "320000"), (CHONGCHUAN, "320600"), (CHONGCHUAN, "310000")],
    ids=["city-its-province", "district-its-province", "district-its-city", "district-elsewhere"],
)
def test_a_narrower_bureau_cannot_publish_a_wider_or_other_regions_draft(
    actor: Actor, region: str, world: dict[str, Any]
) -> None:
    client = login(actor)
    draft = world["drafts"][region]
    response = client.post(
        reverse("backoffice:version_publish", kwargs={"pk": draft.pk}),
        {"effective_from": "2025-07-01", "reason": "Q2"},
    )
    assert response.status_code == 404
    assert CatalogVersion.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.parametrize(("actor", "region"), [(NANTONG, "320000"), (CHONGCHUAN, "320600")],
                         ids=["city", "district"])  # fmt: skip
def test_the_api_write_endpoints_check_the_session_user_too(
    actor: Actor, region: str, world: dict[str, Any]
) -> None:
    client = login(actor)
    client.handler.enforce_csrf_checks = False
    draft = world["drafts"][region]
    response = client.post(
        f"/api/v1/drafts/{draft.pk}/publish",
        {"effective_from": "2025-07-01", "reason": "Q2"},
        content_type="application/json",
    )
    assert response.status_code == 404  # as in the back office: another region's draft does not exist
    assert CatalogVersion.objects.get(pk=draft.pk).status == "draft"
    assert Client().delete(f"/api/v1/drafts/{draft.pk}?reason=Q2").status_code == 401


def test_the_api_answers_another_regions_draft_exactly_as_a_missing_one(world: dict[str, Any]) -> None:
    user = make_staff("chongchuan-system", Role.DISTRICT_BUREAU, "320613")
    _, raw = token_create(user=user, name="chongchuan")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    missing = CatalogVersion.objects.order_by("-pk").first().pk + 1  # type: ignore[union-attr]
    records = AuditRecord.objects.count()

    def answers(pk: int) -> list[tuple[int, dict[str, Any]]]:
        responses = [
            client.get(f"/api/v1/drafts/{pk}/entries/1"),
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
        return [(404, {"error": error})] * 4

    elsewhere = world["drafts"]["320600"]  # its own city's draft is as invisible as any other
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


@pytest.mark.parametrize(
    ("role", "region"),
    [(Role.CITY_BUREAU, "320600"), (Role.DISTRICT_BUREAU, "320613")],
    ids=["city", "district"],
)
def test_only_a_platform_administrator_can_create_staff_accounts_even_through_the_service(
    role: Role, region: str
) -> None:
    # The view is admin-only, but the service is the boundary: a bureau must not mint an administrator.
    bureau = make_staff("bureau", role, region)
    with pytest.raises(PermissionDenied):
        staff_create(
            username="mallory", password=PASSWORD, role=Role.PLATFORM_ADMIN, region=None, actor=bureau
        )
    assert not get_user_model().objects.filter(username="mallory").exists()


def test_a_platform_administrator_creates_staff_accounts_with_an_audit_record(admin: AbstractUser) -> None:
    user = staff_create(username="clerk", password=PASSWORD, role=Role.DISTRICT_BUREAU, region="天河区",
                        actor=admin)  # fmt: skip
    record = AuditRecord.objects.get(action="staff.create", target_id=str(user.pk))
    assert (record.actor, record.region) == (admin, "440106")
    assert record.summary == "创建区局工作人员账户 clerk（440106）"


@pytest.mark.parametrize(
    ("role", "region", "code"),
    [
        (Role.DISTRICT_BUREAU, "440106", "440106"),
        (Role.DISTRICT_BUREAU, "天河", "440106"),
        (Role.DISTRICT_BUREAU, "济南市中区", "370103"),
        (Role.DISTRICT_BUREAU, "启东市", "320681"),  # a county-level city is county level
        (Role.DISTRICT_BUREAU, "Pudong New Area", "310115"),
        (Role.CITY_BUREAU, "南通", "320600"),
        (Role.CITY_BUREAU, "广东省", "440000"),
        (Role.CITY_BUREAU, "上海", "310000"),
    ],
)
def test_a_bureau_account_gets_a_region_of_its_level(role: Role, region: str, code: str) -> None:
    user = make_staff("clerk", role, region)
    assert (user.staff.role, user.staff.region) == (role.value, code)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("role", "region", "message"),
    [
        (Role.DISTRICT_BUREAU, "320600",
         "区局工作人员须对应县级地区；“320600”是南通市（320600），属地市级地区。"),
        (Role.DISTRICT_BUREAU, "上海", "区局工作人员须对应县级地区；“上海”是上海市（310000），属省级地区。"),
        (Role.CITY_BUREAU, "天河区",
         "市局工作人员须对应省级或地市级地区；“天河区”是广州市天河区（440106），属县级地区。"),
        (Role.DISTRICT_BUREAU, "市中区", "市中区 is ambiguous: 济南市市中区 370103, 枣庄市市中区 370402"),
        (Role.DISTRICT_BUREAU, None, "区局工作人员须指定所属地区。"),
    ],
)  # fmt: skip
def test_a_bureau_account_on_a_region_of_the_wrong_level_is_refused_naming_the_region(
    role: Role, region: str | None, message: str
) -> None:
    with pytest.raises(ValidationError) as err:
        make_staff("clerk", role, region)
    assert err.value.message_dict == {"region": [message]}
    assert not get_user_model().objects.filter(username="clerk").exists()


def test_the_staff_form_offers_districts_named_with_their_city(admin: AbstractUser) -> None:
    page = client_for(admin).get("/en/office/staff/").content.decode()
    assert '<option value="440106">广州市天河区 (440106)</option>' in page
    assert '<option value="320106">南京市鼓楼区 (320106)</option>' in page
    assert page.count('<option value="3') + page.count('<option value="4') > 400


def test_the_staff_list_names_each_accounts_region_with_its_city(admin: AbstractUser) -> None:
    make_staff("tianhe", Role.DISTRICT_BUREAU, "天河区")
    page = client_for(admin).get("/en/office/staff/").content.decode()
    assert "<td>tianhe</td><td>District bureau staff</td><td>广州市天河区 (440106)</td>" in page
    assert "<td>admin</td><td>Platform administrator</td><td>—</td>" in page


def test_the_staff_form_refuses_a_city_code_for_a_district_bureau(admin: AbstractUser) -> None:
    response = client_for(admin).post(
        "/en/office/staff/",
        {"username": "clerk", "password": PASSWORD, "role": "district_bureau", "region": "440100"},
    )
    assert response.status_code == 200
    assert (
        "Region: District bureau staff needs a county-level region; “440100” is 广州市 440100, a city-level "
        "region." in response.content.decode()
    )
    assert not get_user_model().objects.filter(username="clerk").exists()


def test_a_district_sees_only_its_own_catalogs_audit_and_region(world: dict[str, Any]) -> None:
    client = login(CHONGCHUAN)
    catalogs = client.get("/en/office/catalogs/").content.decode()
    assert "chongchuan-2026" in catalogs
    assert "nantong-2025" not in catalogs and "jiangsu-2025" not in catalogs
    upload_form = client.get("/en/office/uploads/new/").content.decode()
    assert re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', upload_form) == [
        ("320613", "南通市崇川区 (320613)")
    ]
    standards = client.get("/en/office/standards/").content.decode()
    assert re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', standards) == [
        ("320613", "南通市崇川区")
    ]


def test_a_city_sees_its_districts_in_its_region_choices(world: dict[str, Any]) -> None:
    page = login(NANTONG).get("/en/office/uploads/new/").content.decode()
    codes = re.findall(r'<option value="(\d+)"', page)
    assert codes == ["320600", "320612", "320613", "320614", "320623", "320681", "320682", "320685"]


def test_create_staff_accepts_a_district_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_PW", PASSWORD)
    out = io.StringIO()
    call_command("create_staff", "tianhe", "--role", "district_bureau", "--region", "天河区",
                 "--password-env", "STAFF_PW", stdout=out)  # fmt: skip
    assert out.getvalue() == "created district_bureau tianhe\n"
    assert get_user_model().objects.get(username="tianhe").staff.region == "440106"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("region", "message"),
    [
        (
            "440100",
            "region: District bureau staff needs a county-level region; “440100” is 广州市 440100, a "
            "city-level region.",
        ),
        ("鼓楼区", "region: 鼓楼区 is ambiguous: 南京市鼓楼区 320106, 徐州市鼓楼区 320302"),
    ],
)
def test_create_staff_refuses_a_region_of_the_wrong_level_with_exit_2(
    region: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAFF_PW", PASSWORD)
    with translation.override("en"), pytest.raises(CommandError) as err:
        call_command("create_staff", "clerk", "--role", "district_bureau", "--region", region,
                     "--password-env", "STAFF_PW")  # fmt: skip
    assert (str(err.value), err.value.returncode) == (message, 2)
    assert not get_user_model().objects.filter(username="clerk").exists()


@pytest.mark.parametrize(
    ("actor", "code"),
    [(ACTORS[4], "310000"), (NANTONG, "320600"), (CHONGCHUAN, "320613")],
    ids=["admin", "city", "district"],
)
def test_the_standards_page_starts_at_the_users_region_or_the_first_in_use(actor: Actor, code: str) -> None:
    page = login(actor).get("/en/office/standards/").content.decode()
    assert re.findall(r'<option value="(\d+)" selected>', page) == [code]


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        (ACTORS[0], 302),
        (ACTORS[1], 403),
        (NANTONG, 302),
        (ACTORS[3], 302),
        (ACTORS[4], 302),
        (CHONGCHUAN, 403),
    ],
    ids=lambda v: v.name if isinstance(v, Actor) else str(v),
)
def test_only_the_city_reinstates_a_suspended_institution(
    actor: Actor, status: int, world: dict[str, Any], admin: AbstractUser
) -> None:
    inst = world["institutions"]["320613"]
    inst = institution_move(
        institution=inst, actor=admin, action="suspend", reason="test", today=date.today()
    )
    response = login(actor).post(
        reverse("backoffice:institution_move", kwargs={"pk": inst.pk}),
        {"action": "reinstate", "reason": "整改完毕"},
    )
    assert response.status_code == status
    assert Institution.objects.get(pk=inst.pk).status == (
        "listed" if status == 302 and actor.role else "suspended"
    )


@pytest.mark.parametrize(
    "actor", [a for a in ACTORS[2:] if a.role not in (Role.INSTITUTION, Role.WORKER)], ids=lambda a: a.name
)
def test_the_institution_api_writes_answer_each_role_as_the_back_office_does(
    actor: Actor, world: dict[str, Any]
) -> None:
    user = make_staff(f"{actor.name.replace(' ', '-')}-system", actor.role, actor.region)  # type: ignore[arg-type]
    _, raw = token_create(user=user, name="system")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    for region, inst in world["institutions"].items():
        response = client.post(
            f"/api/v1/institutions/{inst.pk}/inspections",
            {"kind": "spot_online", "on": "2025-05-01", "result": "passed", "findings": "线上抽查无问题"},
            content_type="application/json",
        )
        want = 201 if actor.covers(region) else 404
        assert (region, response.status_code) == (region, want)
    assert (
        Client()
        .post(f"/api/v1/institutions/{inst.pk}/inspections", {}, content_type="application/json")
        .status_code
        == 401
    )


def test_a_clerk_cannot_record_an_inspection_of_its_own_institution_through_the_api(
    world: dict[str, Any],
) -> None:
    own = world["institutions"]["320613"]
    clerk = clerk_create(institution=own, actor=world["admin"], username="clerk-api", password=PASSWORD)
    _, raw = token_create(user=clerk.user, name="clerk")
    response = Client(headers={"Authorization": f"Bearer {raw}"}).post(
        f"/api/v1/institutions/{own.pk}/inspections",
        {"kind": "spot_online", "on": "2025-05-01", "result": "passed", "findings": "自查无问题"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "permission_denied")
    assert not own.inspections.exists()


def test_staff_create_refuses_a_clerk_account_which_only_its_institutions_page_can_link() -> None:
    with pytest.raises(ValidationError) as refused:
        staff_create(username="loose-clerk", password=PASSWORD, role=Role.INSTITUTION, region="320613",
                     actor=None)  # fmt: skip
    assert refused.value.message_dict == {"role": ["机构经办人账号须在该机构的页面上创建，以便与机构关联。"]}
    assert not get_user_model().objects.filter(username="loose-clerk").exists()


def test_a_district_creates_a_clerk_account_for_its_institution_with_an_audit_record(
    world: dict[str, Any],
) -> None:
    district = make_staff("chongchuan-clerks", Role.DISTRICT_BUREAU, "320613")
    own = world["institutions"]["320613"]
    response = client_for(district).post(
        reverse("backoffice:institution_add", kwargs={"pk": own.pk, "what": "clerk"}),
        {"username": "zhang-clerk", "password": PASSWORD},
    )
    assert response.status_code == 302
    record = AuditRecord.objects.get(action="institution.clerk_create", actor=district)
    assert (record.actor, record.target_id, record.summary) == (
        district,
        str(own.pk),
        "创建机构经办人账户 zhang-clerk",
    )
    clerk_client = Client()
    clerk_client.force_login(get_user_model().objects.get(username="zhang-clerk"))
    assert clerk_client.get(reverse("backoffice:home")).url == reverse("backoffice:workspace")
    page = clerk_client.get(reverse("backoffice:workspace")).content.decode()
    assert own.name in page


def test_a_district_cannot_create_a_clerk_for_another_districts_institution(world: dict[str, Any]) -> None:
    district = make_staff("chongchuan-clerks", Role.DISTRICT_BUREAU, "320613")
    other = world["institutions"]["310000"]
    with pytest.raises(PermissionDenied):
        clerk_create(institution=other, actor=district, username="sneaky", password=PASSWORD)
    assert not get_user_model().objects.filter(username="sneaky").exists()
