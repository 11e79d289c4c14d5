"""The API's error contract: documented codes, each with one status on every endpoint, every invalid
field named with the value sent, JSON for unknown paths and methods, and how writes authenticate."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from web_support import if_match

from accounts.services import token_create, token_revoke
from catalogs.models import CatalogVersion
from catalogs.services import draft_from_published
from common.api_errors import ApiErrorCode

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "error-codes.md"
EXAMPLE = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "examples" / "quote-nantong-welder.json").read_text(
        "utf-8"
    )
)
ENTRIES = "/api/v1/catalogs/320000/jiangsu-2025/entries"


def error_of(response: Any) -> tuple[int, str, str | None, str | None]:
    assert response["Content-Type"] == "application/json; charset=utf-8", response.content[:300]
    error = response.json()["error"]
    return response.status_code, error["code"], error["field"], error["value"]


def send(client: Client, method: str, url: str, body: Any = None, **headers: str) -> Any:
    data = None if body is None else json.dumps(body)
    return getattr(client, method)(url, data, content_type="application/json", headers=headers)


@pytest.fixture
def token(jiangsu_staff: AbstractUser) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_create(user=jiangsu_staff, name='integration')[1]}"}


def test_every_error_code_is_documented_with_its_status() -> None:
    rows = re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", DOC.read_text("utf-8"), flags=re.MULTILINE)
    assert dict(rows) == {c.value: str(c.status) for c in ApiErrorCode}
    assert len(rows) == len(ApiErrorCode)


# --- every invalid field is named, with the value sent ---------------------------------------------


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("/api/v1/search?q=焊工&limit=abc", [("limit", "abc")]),
        ("/api/v1/search?limit=5", [("q", None)]),
        ("/api/v1/search?q=焊工&marker=Z&year=1999", [("year", "1999"), ("marker[0]", "Z")]),
        ("/api/v1/quality?offset=-1&limit=5000", [("offset", "-1"), ("limit", "5000")]),
        (f"{ENTRIES}?category=D&offset=x", [("category", "D"), ("offset", "x")]),
    ],
)
def test_every_invalid_query_parameter_is_named_with_the_value_sent(
    client: Client, url: str, fields: list[tuple[str, str | None]]
) -> None:
    response = client.get(url)
    assert error_of(response) == (422, "validation_error", *fields[0])
    assert [(f["field"], f["value"]) for f in response.json()["error"]["fields"]] == fields


def test_a_missing_query_parameter_has_no_value_and_says_it_is_missing(client: Client) -> None:
    error = client.get("/api/v1/search").json()["error"]
    assert error["fields"] == [
        {"field": "q", "value": None, "message": "required, but missing from the query"}
    ]
    assert error["message"] == "q: required, but missing from the query"


def test_a_path_parameter_of_the_wrong_type_is_named_with_the_value_sent(
    client: Client, token: dict[str, str]
) -> None:
    response = send(client, "patch", "/api/v1/drafts/abc/entries/1", {"changes": {}, "reason": "x"}, **token)
    assert error_of(response) == (422, "validation_error", "version_id", "abc")


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"region": None}, [("region", "null", "must be a valid string or a valid integer")]),
        ({"date": None, "program": "evening"}, [
            ("date", "null", "must be a valid date"),
            ("program", "evening", "must be 'training', 'insured_upgrade' or 'project'"),
        ]),
        ({"certificate": {"type": "skill_level", "level": [3]}},
         [("certificate.level", "[3]", "must be a valid integer or a valid string")]),
        ({"held_certificates": [{"occupation": "焊工"}]},
         [("held_certificates[0].level", None, "required, but missing from the body")]),
        ({"trainee": {"sex": "X", "hukou_local": "maybe"}}, [
            ("trainee.sex", "X", "must be 'M' or 'F'"),
            ("trainee.hukou_local", "maybe", "must be a valid boolean, unable to interpret input"),
        ]),
        ({"colour": "blue"}, [("colour", "blue", "not a field of this request")]),
    ],
)  # fmt: skip
def test_every_invalid_body_field_is_named_with_its_path_and_the_value_sent(
    client: Client, change: dict[str, Any], fields: list[tuple[str, str | None, str]]
) -> None:
    response = send(client, "post", "/api/v1/quote", {**EXAMPLE, **change})
    assert error_of(response) == (422, "validation_error", fields[0][0], fields[0][1])
    assert [(f["field"], f["value"], f["message"]) for f in response.json()["error"]["fields"]] == fields


def test_a_missing_body_field_has_no_value_and_says_it_is_missing(client: Client) -> None:
    request = {k: v for k, v in EXAMPLE.items() if k != "date"}
    error = send(client, "post", "/api/v1/quote", request).json()["error"]
    assert error["fields"] == [
        {"field": "date", "value": None, "message": "required, but missing from the body"}
    ]


def test_a_body_that_is_not_an_object_is_named_as_the_body(client: Client) -> None:
    assert error_of(send(client, "post", "/api/v1/quote", [1])) == (422, "validation_error", "body", "[1]")
    response = client.post("/api/v1/quote", "", content_type="application/json")
    assert error_of(response) == (422, "validation_error", "body", None)


def test_a_row_correction_refused_by_the_rules_names_each_field_where_it_was_sent(
    client: Client, jiangsu_staff: AbstractUser, token: dict[str, str]
) -> None:
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2")
    body = {"changes": {"category": "D", "levels": [0], "name": "焊工"}, "reason": "recategorised"}
    response = send(
        client, "patch", f"/api/v1/drafts/{draft.pk}/entries/138", body, **token, **if_match(draft.pk, 138)
    )
    assert error_of(response) == (422, "validation_error", "changes.category", "D")
    assert [(f["field"], f["value"]) for f in response.json()["error"]["fields"]] == [
        ("changes.category", "D"),
        ("changes.levels", "[0]"),
    ]


def test_a_malformed_body_is_a_400(client: Client) -> None:
    response = client.post("/api/v1/quote", "{not json", content_type="application/json")
    assert error_of(response) == (400, "malformed_request", None, None)
    assert response.json()["error"]["message"] == "Cannot parse request body"


def test_a_body_over_the_size_limit_is_a_json_400(client: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = send(client, "post", "/api/v1/quote", EXAMPLE)
    assert error_of(response) == (400, "malformed_request", None, None)


# --- the same fault gets the same status and code on every endpoint --------------------------------


def test_an_unknown_region_is_the_same_422_on_every_endpoint_that_takes_a_region(client: Client) -> None:
    answers = [
        client.get("/api/v1/catalogs?region=火星"),
        client.get("/api/v1/search?q=焊工&region=火星"),
        send(client, "post", "/api/v1/quote", {**EXAMPLE, "region": "火星"}),
    ]
    assert [error_of(r) for r in answers] == [(422, "unknown_region", "region", "火星")] * 3
    near = [
        client.get("/api/v1/search?q=焊工&region=南同"),
        send(client, "post", "/api/v1/quote", {**EXAMPLE, "region": "南同"}),
    ]
    assert [r.json()["error"]["suggestions"] for r in near] == [
        ["南京市 320100", "南通市 320600", "广州市南沙区 440115"]
    ] * 2


def test_an_impossible_date_is_the_same_422_in_every_field_that_takes_a_date(
    client: Client, jiangsu_staff: AbstractUser, token: dict[str, str]
) -> None:
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2")
    bad = "2025-02-30"
    certificate = {**EXAMPLE["certificate"], "issued_on": bad}
    trainee = {**EXAMPLE["trainee"], "birth_date": bad}
    answers = [
        send(client, "post", "/api/v1/quote", {**EXAMPLE, "date": bad}),
        send(client, "post", "/api/v1/quote", {**EXAMPLE, "certificate": certificate}),
        send(client, "post", "/api/v1/quote", {**EXAMPLE, "trainee": trainee}),
        send(client, "post", f"/api/v1/drafts/{draft.pk}/publish", {"effective_from": bad, "reason": "Q2"},
             **token),
        send(client, "post", f"/api/v1/drafts/{draft.pk}/publish",
             {"effective_from": "2025-07-01", "effective_to": bad, "reason": "Q2"}, **token),
    ]  # fmt: skip
    assert [error_of(r) for r in answers] == [
        (422, "validation_error", "date", bad),
        (422, "validation_error", "certificate.issued_on", bad),
        (422, "validation_error", "trainee.birth_date", bad),
        (422, "validation_error", "effective_from", bad),
        (422, "validation_error", "effective_to", bad),
    ]
    assert CatalogVersion.objects.get(pk=draft.pk).status == "draft"


PAGED = [ENTRIES + "?", "/api/v1/quality?", "/api/v1/search?q=焊工&"]


@pytest.mark.parametrize("limit", ["0", "-3", "100000"])
def test_an_out_of_range_limit_is_the_same_422_on_every_paged_endpoint(client: Client, limit: str) -> None:
    answers = [error_of(client.get(f"{url}limit={limit}")) for url in PAGED]
    assert answers == [(422, "validation_error", "limit", limit)] * 3


def test_a_negative_offset_is_the_same_422_on_every_endpoint_with_an_offset(client: Client) -> None:
    answers = [error_of(client.get(f"{url}offset=-1")) for url in PAGED[:2]]
    assert answers == [(422, "validation_error", "offset", "-1")] * 2


def test_a_section_the_catalog_does_not_have_is_a_422_listing_its_sections(client: Client) -> None:
    response = client.get(f"{ENTRIES}?section=shortage")
    assert error_of(response) == (422, "unknown_section", "section", "shortage")
    assert (
        response.json()["error"]["message"]
        == "'shortage' is not a section; sections: occupations, special_abilities"
    )


def test_an_unknown_catalog_is_the_same_404_when_read_and_when_a_draft_is_started(
    client: Client, token: dict[str, str]
) -> None:
    answers = [
        client.get("/api/v1/catalogs/320000/nowhere-2025/entries"),
        send(client, "post", "/api/v1/catalogs/nowhere-2025/drafts", {"reason": "Q2"}, **token),
    ]
    assert [error_of(r) for r in answers] == [
        (404, "unknown_catalog", "version", "nowhere-2025"),
        (404, "unknown_catalog", "catalog_id", "nowhere-2025"),
    ]


def test_a_blank_reason_is_the_same_422_on_every_write(
    client: Client, jiangsu_staff: AbstractUser, token: dict[str, str]
) -> None:
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2")
    blank = {"reason": " "}
    answers = [
        send(client, "post", "/api/v1/catalogs/nantong-2025/drafts", blank, **token),
        send(client, "patch", f"/api/v1/drafts/{draft.pk}/entries/1", {"changes": {}, **blank}, **token,
             **if_match(draft.pk, 1)),
        send(client, "post", f"/api/v1/drafts/{draft.pk}/publish", {"effective_from": "2025-07-01", **blank},
             **token),
        send(client, "delete", f"/api/v1/drafts/{draft.pk}?reason=%20", **token),
    ]  # fmt: skip
    assert [error_of(r) for r in answers] == [(422, "validation_error", "reason", " ")] * 4


# --- under /api/, 404 and 405 are JSON -------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/nothing", "/api/v1/regions/", "/api/v2/regions", "/api/"])
def test_an_unknown_path_under_api_is_a_json_404(client: Client, url: str) -> None:
    response = client.get(url)
    assert error_of(response) == (404, "not_found", None, None)
    assert response.json()["error"]["message"] == f"no API endpoint at {url}"


def test_a_path_outside_the_api_still_gets_the_html_page(client: Client) -> None:
    response = client.get("/nothing/")
    assert (response.status_code, response["Content-Type"]) == (404, "text/html; charset=utf-8")


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [("post", "/api/v1/regions", "GET"), ("delete", "/api/v1/quote", "POST"),
     ("get", "/api/v1/catalogs/jiangsu-2025/drafts", "POST"), ("put", "/api/v1/drafts/1", "DELETE")],
)  # fmt: skip
def test_a_wrong_method_on_a_known_path_is_a_json_405_naming_the_allowed_ones(
    client: Client, method: str, url: str, allowed: str
) -> None:
    response = getattr(client, method)(url)
    assert error_of(response) == (405, "method_not_allowed", None, None)
    assert response["Allow"] == allowed
    assert (
        response.json()["error"]["message"] == f"{method.upper()} is not allowed on {url}; allowed: {allowed}"
    )


def test_an_unknown_id_is_a_json_404_with_the_code_of_what_was_looked_for(
    client: Client, token: dict[str, str]
) -> None:
    missing = CatalogVersion.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    answers = [
        client.get("/api/v1/occupations/9-99-99-99"),
        send(client, "delete", f"/api/v1/drafts/{missing}?reason=Q2", **token),
        client.get("/api/v1/catalogs/320000/jiangsu-2025~v9/entries"),
    ]
    assert [error_of(r) for r in answers] == [
        (404, "unknown_occupation", "code", "9-99-99-99"),
        (404, "unknown_version", "version_id", str(missing)),
        (404, "unknown_catalog", "version", "jiangsu-2025~v9"),
    ]


# --- a write without credentials is told so; CSRF guards sessions only ---------------------------


def test_a_write_without_credentials_is_a_401_asking_for_a_bearer_token() -> None:
    client = Client(enforce_csrf_checks=True)
    response = send(client, "post", "/api/v1/catalogs/jiangsu-2025/drafts", {"reason": "Q2"})
    assert error_of(response) == (401, "authentication_required", "Authorization", None)
    assert response["WWW-Authenticate"] == "Bearer"
    assert not CatalogVersion.objects.filter(status="draft").exists()


def test_a_revoked_token_is_a_401_saying_the_token_is_not_valid(jiangsu_staff: AbstractUser) -> None:
    stored, raw = token_create(user=jiangsu_staff, name="old")
    token_revoke(token=stored, actor=jiangsu_staff)
    client = Client(enforce_csrf_checks=True)
    response = send(client, "post", "/api/v1/catalogs/jiangsu-2025/drafts", {"reason": "Q2"},
                    Authorization=f"Bearer {raw}")  # fmt: skip
    assert error_of(response) == (401, "invalid_token", "Authorization", None)
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_a_bearer_token_write_needs_no_csrf_token(token: dict[str, str]) -> None:
    client = Client(enforce_csrf_checks=True)
    response = send(client, "post", "/api/v1/catalogs/jiangsu-2025/drafts", {"reason": "Q2"}, **token)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "draft"


def test_a_signed_in_browser_write_needs_the_csrf_token(jiangsu_staff: AbstractUser) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(jiangsu_staff)
    refused = send(client, "post", "/api/v1/catalogs/jiangsu-2025/drafts", {"reason": "Q2"})
    assert error_of(refused) == (403, "csrf_failed", None, None)
    assert not CatalogVersion.objects.filter(status="draft").exists()

    client.get("/office/")  # the back office page sets the CSRF cookie, as a browser would receive it
    csrf = client.cookies["csrftoken"].value
    accepted = send(
        client, "post", "/api/v1/catalogs/jiangsu-2025/drafts", {"reason": "Q2"}, X_CSRFToken=csrf
    )
    assert accepted.status_code == 201, accepted.content
