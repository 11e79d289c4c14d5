"""The search, quote and claim submission answers are written without passing through their schemas on
each request (ADR 0011): search from each entry's JSON shaped once per publication, a quote from the
decision's own JSON, a submission from its claim. Each must be the very answer its schema renders,
byte for byte, and search must follow a publication."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import urlencode

import claims_world
import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from ninja.responses import NinjaJSONEncoder

from accounts.services import token_create
from catalogs import selectors
from catalogs.models import Entry
from catalogs.schemas import SearchOut
from catalogs.services import draft_from_published, draft_publish, entry_update
from claims import api as claim_api
from claims.api import ClaimOut
from claims.models import Claim
from standards import selectors as quote_selectors
from standards.schemas import DecisionOut, QuoteIn

pytestmark = pytest.mark.django_db

# Every kind of query and filter the portal sends: code, name, pinyin, initials, typo, miss.
SEARCHES = [
    {"q": "焊工"}, {"q": "6-18-02-04"}, {"q": "6-31", "limit": 50}, {"q": "hg", "region": "320600"},
    {"q": "hangong", "shortage": "true"}, {"q": "电工", "year": 2025, "category": "A"},
    {"q": "养老护理员", "certificate_type": "skill_level"}, {"q": "焊功"}, {"q": "diangong"},
    {"q": "zzz不存在的职业"}, {"q": "电子商务师", "marker": "S"}, {"q": "gyjqr", "limit": 100},
]  # fmt: skip


def rendered_by_schema(params: dict[str, object]) -> bytes:
    """What ninja renders from SearchOut for the hits `selectors.search` finds (the API's renderer:
    NinjaJSONEncoder, UTF-8 text)."""
    filters = {k: v for k, v in params.items() if k not in ("q", "marker", "limit")}
    if "year" in filters:
        filters["year"] = int(str(filters["year"]))
    if "shortage" in filters:
        filters["shortage"] = filters["shortage"] == "true"
    markers = [str(params["marker"])] if "marker" in params else None
    hits = selectors.search(
        str(params["q"]),
        markers=markers,
        limit=int(str(params.get("limit", 20))),
        **filters,  # type: ignore[arg-type]
    )
    data = {"query": params["q"], "count": len(hits), "items": [h.data() for h in hits]}
    dumped = SearchOut.model_validate(data).model_dump()
    return json.dumps(dumped, cls=NinjaJSONEncoder, ensure_ascii=False).encode()


@pytest.mark.parametrize("params", SEARCHES, ids=lambda p: urlencode(p))
def test_the_search_answer_is_byte_for_byte_what_its_schema_renders(
    client: Client, params: dict[str, object]
) -> None:
    first = client.get("/api/v1/search?" + urlencode(params))
    again = client.get("/api/v1/search?" + urlencode(params))  # now from the shaped entries
    assert first.status_code == 200
    assert first["Content-Type"] == "application/json; charset=utf-8"
    assert first.content == again.content == rendered_by_schema(params)


def test_a_publication_reshapes_the_entries_it_changed(client: Client, admin: AbstractUser) -> None:
    def names() -> list[str]:
        items = client.get("/api/v1/search?q=6-18-02-04&region=320000&limit=50").json()["items"]
        return [i["name"] for i in items if i["catalog_title"] == title]

    draft = draft_from_published(catalog_id="jiangsu-2025", actor=admin, reason="rename for the test")
    title = draft.title
    assert names() == ["焊工"]
    row = Entry.objects.get(version=draft, code="6-18-02-04")
    entry_update(entry=row, actor=admin, revision=row.revision, changes={"name": "焊工（改）"}, reason="test")
    draft_publish(version=draft, actor=admin, effective_from=date(2025, 7, 1), reason="test")
    assert names() == ["焊工（改）"]


# Quotes of every outcome: paid, uplifted, no standard, not eligible, another programme, past dates.
def _level(occupation: str, level: int) -> dict[str, object]:
    return {"type": "skill_level", "occupation": occupation, "level": level}


QUOTES = [
    {"region": "320600", "date": "2025-06-01", "certificate": _level(occupation, level),
     "training": {"hours": 60, "online_hours": 10}}
    for occupation in ("6-18-02-04", "4-10-01-05", "电工", "家政服务员", "2-02-10-09") for level in (1, 3, 5)
] + [
    {"region": "440100", "date": "2023-10-01", "program": "project",
     "certificate": {"type": "training_qualification", "occupation": "直播电商运营"},
     "trainee": {"birth_date": "1990-05-01", "sex": "F", "hukou_local": True}},
    {"region": "310000", "date": "2026-03-01", "certificate": _level("焊工", 3)},
    {"region": "370100", "date": "2024-03-01", "certificate": _level("焊工", 4)},
    {"region": "320600", "date": "2025-06-01",
     "certificate": {"type": "entrepreneurship", "occupation": "SYB"}},
    {"region": "320600", "date": "2019-01-01", "certificate": _level("焊工", 3)},
]  # fmt: skip


@pytest.mark.parametrize("request_body", QUOTES, ids=lambda q: json.dumps(q, ensure_ascii=False)[:80])
def test_the_quote_answer_is_byte_for_byte_what_its_schema_renders(
    client: Client, request_body: dict[str, object]
) -> None:
    response = client.post("/api/v1/quote", json.dumps(request_body), content_type="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    payload = QuoteIn.model_validate(request_body).model_dump(mode="json", exclude_unset=True)
    dumped = DecisionOut.model_validate(quote_selectors.quote(payload).to_json()).model_dump()
    assert response.content == json.dumps(dumped, cls=NinjaJSONEncoder, ensure_ascii=False).encode()


def test_a_claim_submission_answer_is_byte_for_byte_what_its_schema_renders() -> None:
    """A submission through the API answers its claim without ClaimOut validating it on the request
    (issue 12: submissions per second); the bytes are the schema's, mismatches and all."""
    world = claims_world.build(trainees=2, short=(1,))
    raw = token_create(user=world.clerk, name="系统")[1]
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    payee = {"kind": "institution_account", "account": "310012345678", "name": "南通市示范职业培训学校"}
    for i in range(2):  # the second trainee attended 52 of 60 hours: one mismatch
        body = {"certificate_no": world.certificate(i), "payee": payee, "pledge_signed": True, "amount": 9}
        response = client.post("/api/v1/claims", json.dumps(body), content_type="application/json")
        assert response.status_code == 201
        assert response["Content-Type"] == "application/json; charset=utf-8"
        claim = Claim.objects.get(number=response.json()["number"])
        dumped = ClaimOut.model_validate(claim_api._out(claim)).model_dump()
        assert response.content == json.dumps(dumped, cls=NinjaJSONEncoder, ensure_ascii=False).encode()
        assert len(dumped["mismatches"]) == i
