"""The call through the API: public calls and notice; a clerk files through it and sees only its own
applications; a bad form is a 422 naming the field; the filed result is JSON with its reference."""

from __future__ import annotations

import json

import pytest
from call_support import (
    TIANHE,
    YUEXIU,
    applicant,
    city_staff,
    district_staff,
    form_for,
    opened_call,
    submitted,
)
from django.test import Client

pytestmark = pytest.mark.django_db


def _signed_in(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def test_the_published_calls_are_public_with_their_deadlines() -> None:
    call = opened_call(city_staff())
    body = Client().get("/api/v1/calls").json()
    assert [c["id"] for c in body] == [call.pk]
    assert [(d["code"], d["due_on"]) for d in body[0]["deadlines"]] == [
        ("to_district", "2023-08-10"),
        ("to_city", "2023-08-25"),
    ]
    assert body[0]["max_per_trainee_fen"] == 80000


def test_a_clerk_files_through_the_api_and_a_bad_budget_names_its_field() -> None:
    call = opened_call(city_staff())
    clerk = applicant(district_staff(TIANHE), call, TIANHE, "clerk-th")
    api = _signed_in(clerk)
    form = form_for(TIANHE)
    form["projects"][0]["budget"]["total_fen"] = 1
    made = api.post(
        f"/api/v1/calls/{call.pk}/applications",
        json.dumps({"district": TIANHE, "form": form}),
        content_type="application/json",
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    refused = api.post(f"/api/v1/calls/applications/{pk}/submit")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "validation_error"
    assert "projects[0].budget.total_fen" in [f["field"] for f in refused.json()["error"]["fields"]]
    saved = api.put(
        f"/api/v1/calls/applications/{pk}/form",
        json.dumps({"form": form_for(TIANHE)}),
        content_type="application/json",
    )
    assert saved.json()["form"]["unit"]["contact"]["mobile"] != "13912345678"
    assert api.post(f"/api/v1/calls/applications/{pk}/submit").json()["status"] == "submitted"


def test_a_clerk_sees_only_its_own_applications() -> None:
    call = opened_call(city_staff())
    mine = submitted(applicant(district_staff(TIANHE), call, TIANHE, "clerk-th"), call, TIANHE)
    other_clerk = applicant(district_staff(YUEXIU), call, YUEXIU, "clerk-yx")
    theirs = submitted(other_clerk, call, YUEXIU)
    api = _signed_in(other_clerk)
    assert [a["id"] for a in api.get(f"/api/v1/calls/{call.pk}/applications").json()] == [theirs.pk]
    assert api.get(f"/api/v1/calls/applications/{mine.pk}").status_code == 404
    assert Client().get(f"/api/v1/calls/applications/{mine.pk}").status_code == 401


def test_the_district_returns_through_the_api_with_comments_per_field() -> None:
    call = opened_call(city_staff())
    tianhe = district_staff(TIANHE)
    a = submitted(applicant(tianhe, call, TIANHE, "clerk-th"), call, TIANHE)
    api = _signed_in(tianhe)
    moved = api.post(
        f"/api/v1/calls/applications/{a.pk}/return",
        json.dumps({"comments": [{"path": "unit.address", "text": "请写明门牌号"}], "reason": "地址不全"}),
        content_type="application/json",
    )
    assert moved.status_code == 200
    assert (moved.json()["status"], moved.json()["comments"]) == (
        "returned",
        [{"revision": 1, "path": "unit.address", "text": "请写明门牌号"}],
    )
