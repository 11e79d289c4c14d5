"""API tokens for institutions' clerks and workers (issue 12 · 8: "Institutions and other systems submit
claims with tokens"): a clerk makes and revokes its own on the workspace, a worker on the portal; the
raw token is shown once, with `Cache-Control: no-store`, only its hash is kept, each step is audited.
A clerk's token submits and reads its institution's claims only; a worker's their own only."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

import claims_world
import pytest
from django.test import Client
from web_support import client_for

from accounts.models import ApiToken
from audit.models import AuditRecord
from claims import services
from claims.models import Claim

pytestmark = pytest.mark.django_db

RAW = re.compile(r'<pre class="raw" id="new-token">(ss_[^<]+)</pre>')
SCHOOL = {"kind": "institution_account", "account": "310012345678", "name": "南通市示范职业培训学校"}
CARD = {"kind": "bank_card", "account": "6222021234567890128", "name": "张伟"}


@pytest.fixture
def world() -> claims_world.World:
    return claims_world.build()


def worker(world: claims_world.World, i: int = 0) -> Any:
    return services.worker_register(
        username=f"worker{i}", password=claims_world.PASSWORD, name=world.trainees[i].name,
        id_number=claims_world.id_number(i + 101),
    ).user  # fmt: skip


def make_token(client: Client, url: str) -> str:
    """Create a token on `url` and return it as the page shows it, checking it is shown this once."""
    answer = client.post(url, {"name": "我们的申领系统"})
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    found = RAW.search(answer.content.decode())
    assert found is not None
    raw = found.group(1)
    again = client.get(url)
    assert raw not in again.content.decode() and "no-store" in again["Cache-Control"]
    return raw


def api(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def submit(token: str, certificate_no: str, payee: dict[str, str]) -> Any:
    body = {"certificate_no": certificate_no, "payee": payee, "pledge_signed": True}
    return api(token).post("/api/v1/claims", body, content_type="application/json")


@pytest.mark.parametrize(
    ("who", "url"), [("clerk", "/office/workspace/tokens/"), ("worker", "/claims/tokens/")]
)
def test_a_token_is_shown_once_kept_as_a_hash_audited_and_revoked(
    world: claims_world.World, who: str, url: str
) -> None:
    user = world.clerk if who == "clerk" else worker(world)
    client = client_for(user)
    raw = make_token(client, url)
    token = ApiToken.objects.get(user=user)
    secret = raw.split("_", 2)[2]
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest() and secret not in token.key_hash
    assert AuditRecord.objects.filter(action="token.create", target_id=str(token.pk), actor=user).exists()
    assert api(raw).get("/api/v1/claims").status_code == 200
    assert client.post(url, {"revoke": token.pk}).status_code == 302
    assert AuditRecord.objects.filter(action="token.revoke", target_id=str(token.pk), actor=user).exists()
    refused = api(raw).get("/api/v1/claims")
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "invalid_token")


def test_no_one_revokes_anothers_token_and_no_one_else_has_these_pages(world: claims_world.World) -> None:
    someone = worker(world)
    make_token(client_for(someone), "/claims/tokens/")
    theirs = ApiToken.objects.get(user=someone)
    assert client_for(world.clerk).post("/office/workspace/tokens/", {"revoke": theirs.pk}).status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    # A worker has no workspace; a clerk (or anyone not a worker) is sent to the claims page.
    assert client_for(someone).get("/office/workspace/tokens/").status_code == 403
    assert client_for(world.clerk).get("/claims/tokens/")["Location"] == "/claims/"
    assert Client().post("/claims/tokens/", {"name": "x"})["Location"] == "/claims/"
    assert ApiToken.objects.count() == 1


def test_a_clerks_token_submits_and_reads_its_institutions_claims_only(world: claims_world.World) -> None:
    other = claims_world.build(tag="-other", trainees=1, uscc_serial=5)
    theirs = services.claim_submit(
        actor=other.clerk, certificate_no=other.certificate(0), pledge_signed=True, today=date(2025, 9, 1),
        payee=services.PayeeInput(**SCHOOL),
    )  # fmt: skip
    token = make_token(client_for(world.clerk), "/office/workspace/tokens/")
    mine = submit(token, world.certificate(0), SCHOOL)
    assert (mine.status_code, mine.json()["channel"]) == (201, "institution")
    foreign = submit(token, other.certificate(0), SCHOOL)
    assert (foreign.status_code, foreign.json()["error"]["code"]) == (422, "unknown_certificate")
    listed = api(token).get("/api/v1/claims").json()
    assert [c["number"] for c in listed] == [mine.json()["number"]]
    hidden = api(token).get(f"/api/v1/claims/{theirs.number}")
    assert (hidden.status_code, hidden.json()["error"]["code"]) == (404, "unknown_claim")
    # Bureau writes refuse it: a clerk acts for no region.
    draft = api(token).post(
        "/api/v1/catalogs/nantong-2025/drafts", {"reason": "x"}, content_type="application/json"
    )
    assert draft.status_code == 403
    assert Claim.objects.filter(institution=world.institution).count() == 1


def test_a_workers_token_submits_and_reads_only_their_own_claims(world: claims_world.World) -> None:
    by_school = services.claim_submit(
        actor=world.clerk, certificate_no=world.certificate(1), pledge_signed=True, today=date(2025, 9, 1),
        payee=services.PayeeInput(**SCHOOL),
    )  # fmt: skip
    token = make_token(client_for(worker(world, 0)), "/claims/tokens/")
    someone_elses = submit(token, world.certificate(1), CARD)
    assert (someone_elses.status_code, someone_elses.json()["error"]["code"]) == (422, "unknown_certificate")
    own = submit(token, world.certificate(0), CARD)
    assert (own.status_code, own.json()["channel"]) == (201, "worker")
    assert [c["number"] for c in api(token).get("/api/v1/claims").json()] == [own.json()["number"]]
    assert api(token).get(f"/api/v1/claims/{by_school.number}").status_code == 404
    assert api(token).get(f"/api/v1/claims/{own.json()['number']}").json()["status"] == "district_review"
    # The class API is a clerk's and a bureau's: a worker's token reads and writes none of it.
    assert api(token).get("/api/v1/classes").status_code == 403
    body = {"title": "班", "occupation": "砌筑工", "level": 4, "certificate_type": "skill_level",
            "program": "training", "start": "2026-03-02", "end": "2026-03-06", "venue": "某地",
            "plan": "计划",
            "sessions": [{"on": "2026-03-02", "topic": "安全", "hours": "8", "online": False}]}  # fmt: skip
    assert api(token).post("/api/v1/classes", body, content_type="application/json").status_code == 403
    assert Claim.objects.count() == 2
