"""The open API under /api/v1/: reads, quotes, errors and authenticated writes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from web_support import if_match

from accounts.services import token_create
from audit.models import AuditRecord
from catalogs.models import CatalogVersion, Entry
from catalogs.services import draft_from_published, draft_publish

pytestmark = pytest.mark.django_db

WELDER = "6-18-02-04"  # 焊工: 000 · 附件4 · 序号 138, category A; Nantong 附件3 shortage list
# The example request of issue 3, as the README and the core rules test use it.
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "quote-nantong-welder.json"
QUOTE_EXAMPLE = json.loads(EXAMPLE.read_text("utf-8"))


def get(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.content
    return response.json()


def post(client: Client, url: str, body: Any, status: int = 200, **headers: str) -> Any:
    response = client.post(url, json.dumps(body), content_type="application/json", headers=headers)
    assert response.status_code == status, response.content
    return response.json() if response.content else None


def test_regions_lists_the_whole_tree_with_the_seven_jurisdictions_as_before(client: Client) -> None:
    regions = {r["code"]: r for r in get(client, "/api/v1/regions")}
    assert len(regions) == 453
    assert {"310000", "320000", "320600", "370000", "370100", "440000", "440100"} <= set(regions)
    assert regions["320600"] == {
        "code": "320600", "name": "南通市", "short": "南通", "en": "Nantong", "parent": "320000",
        "level": "city",
    }  # fmt: skip
    assert regions["440106"] == {
        "code": "440106", "name": "天河区", "short": "天河", "en": "Tianhe", "parent": "440100",
        "level": "district",
    }  # fmt: skip


def test_regions_under_a_parent_are_its_districts(client: Client) -> None:
    got = [r["name"] for r in get(client, "/api/v1/regions?parent=南通")]
    assert got == ["通州区", "崇川区", "海门区", "如东县", "启东市", "如皋市", "海安市"]


def test_regions_by_level_lists_the_34_provincial_divisions(client: Client) -> None:
    provinces = get(client, "/api/v1/regions?level=province")
    assert len(provinces) == 34
    assert {"810000", "820000", "710000"} <= {r["code"] for r in provinces}


def test_an_ambiguous_parent_is_refused_with_the_candidates(client: Client) -> None:
    body = get(client, "/api/v1/regions?parent=鼓楼", status=422)
    message = "鼓楼 is ambiguous: 南京市鼓楼区 320106, 徐州市鼓楼区 320302"
    assert body["error"] == {
        "code": "ambiguous_region",
        "message": f"parent: {message}",
        "field": "parent",
        "value": "鼓楼",
        "fields": [{"field": "parent", "value": "鼓楼", "message": message}],
        "suggestions": ["南京市鼓楼区 320106", "徐州市鼓楼区 320302"],
    }


def test_catalogs_filtered_by_a_city_include_its_province(client: Client) -> None:
    ids = [c["id"] for c in get(client, "/api/v1/catalogs?region=南通")]
    assert ids == ["nantong-2025", "nantong-2025-shortage", "jiangsu-2025", "jiangsu-2025-shortage"]


def test_catalog_entries_are_paged_and_filtered(client: Client) -> None:
    page = get(client, "/api/v1/catalogs/320000/jiangsu-2025/entries?section=occupations&limit=2&offset=137")
    assert page["count"] == 529  # 000 · 附件4: 529 occupation rows
    assert [(e["serial"], e["code"], e["name"], e["category"]) for e in page["items"]] == [
        ("138", "6-18-02-04", "焊工", "A"),  # 000 · 附件4 · 序号 138, line 1440
        ("139", "6-18-02-05", "机械加工材料切割工", "A"),
    ]
    assert page["items"][0]["source"]["line"] == 1440


def test_an_unknown_catalog_is_a_404_naming_the_version(client: Client) -> None:
    body = get(client, "/api/v1/catalogs/320000/nowhere-2025/entries", status=404)
    assert body["error"]["code"] == "unknown_catalog"
    assert body["error"]["field"] == "version"


def test_a_catalog_asked_for_under_another_region_is_not_found(client: Client) -> None:
    body = get(client, "/api/v1/catalogs/310000/jiangsu-2025/entries", status=404)
    assert body["error"]["code"] == "unknown_catalog"


def test_search_finds_an_occupation_by_pinyin_initials_within_a_region(client: Client) -> None:
    body = get(client, "/api/v1/search?q=hg&region=320600&limit=50")
    names = {(h["catalog_id"], h["name"]) for h in body["items"]}
    assert ("jiangsu-2025", "焊工") in names
    assert all(h["region"] in ("320600", "320000") for h in body["items"])


def test_search_with_an_unknown_region_names_the_parameter(client: Client) -> None:
    body = get(client, "/api/v1/search?q=焊工&region=火星", status=422)
    assert (body["error"]["code"], body["error"]["field"], body["error"]["value"]) == (
        "unknown_region", "region", "火星",
    )  # fmt: skip


def test_search_with_an_out_of_range_limit_is_a_422_naming_the_parameter(client: Client) -> None:
    body = get(client, "/api/v1/search?q=焊工&limit=0", status=422)
    assert (body["error"]["code"], body["error"]["field"], body["error"]["value"]) == (
        "validation_error", "limit", "0",
    )  # fmt: skip


def test_an_occupation_shows_every_listing_and_the_nantong_standards(client: Client) -> None:
    body = get(client, "/api/v1/occupations/6-18-02-04")
    assert body["codes"] == ["6-18-02-04"]
    catalogs = [li["catalog_id"] for li in body["listings"]]
    assert "jiangsu-2025" in catalogs and "shanghai-2026" in catalogs and "jinan-2023" in catalogs
    nantong = next(s for s in body["standards"]["priced"] if s["region"] == "320600")
    # 000 · 附件1 category A: 4300/3500/2000/1500/1000, +30% on levels 1–3 for 焊工 (附件3).
    amounts = [lv["amount"] for lv in nantong["levels"]]
    assert amounts == ["5590.00", "4550.00", "2600.00", "1500.00", "1000.00"]
    assert "上海市" in body["standards"]["unpriced"]


def test_an_unknown_occupation_is_a_404_with_suggestions(client: Client) -> None:
    body = get(client, "/api/v1/occupations/焊公", status=404)
    assert body["error"]["code"] == "unknown_occupation"
    assert "焊工" in body["error"]["suggestions"]


def test_quote_answers_the_issue_3_example_with_its_decision_schema(client: Client) -> None:
    decision = post(client, "/api/v1/quote", QUOTE_EXAMPLE)
    assert set(decision) == {"eligible", "amount", "currency", "reasons", "trace"}
    assert (decision["eligible"], decision["amount"], decision["currency"]) == (True, "2600.00", "CNY")
    assert [r["code"] for r in decision["reasons"]] == ["shortage_uplift"]
    assert {"rule", "source", "value", "outcome"} == set(decision["trace"][0])
    outcomes = {t["rule"]: t["outcome"] for t in decision["trace"]}
    assert (outcomes["catalog.entry"], outcomes["class_hours.minimum.level_3"]) == (None, "passed")
    rules = [t["rule"] for t in decision["trace"]]
    assert "standard.skill_level.A.level_3" in rules and "shortage_uplift" in rules


def test_quote_gives_the_same_decision_as_the_core_engine(client: Client) -> None:
    from skillsubsidy.rules.engine import quote

    core = json.loads(json.dumps(quote(QUOTE_EXAMPLE).to_json()))
    assert post(client, "/api/v1/quote", QUOTE_EXAMPLE) == core


@pytest.mark.parametrize(
    ("change", "code", "field", "value"),
    [
        ({"certificate": {"type": "skill_level", "occupation": "焊工", "level": 9}}, "validation_error",
         "certificate.level", "9"),
        ({"certificate": {"type": "diploma", "occupation": "焊工", "level": 3}}, "validation_error",
         "certificate.type", "diploma"),
        ({"region": "火星"}, "unknown_region", "region", "火星"),
        ({"date": "2025-13-01"}, "validation_error", "date", "2025-13-01"),
        ({"training": {"hours": 10, "online_hours": 20}}, "validation_error", "training.online_hours", "20"),
        ({"colour": "blue"}, "validation_error", "colour", "blue"),
    ],
)  # fmt: skip
def test_a_bad_quote_request_is_a_422_naming_the_field_and_the_value(
    client: Client, change: dict[str, Any], code: str, field: str, value: str
) -> None:
    body = post(client, "/api/v1/quote", {**QUOTE_EXAMPLE, **change}, status=422)
    assert (body["error"]["code"], body["error"]["field"], body["error"]["value"]) == (code, field, value)


def test_malformed_json_is_a_client_error_not_a_server_error(client: Client) -> None:
    response = client.post("/api/v1/quote", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


def test_quality_reports_the_anomalies_per_source_document(client: Client) -> None:
    body = get(client, "/api/v1/quality?seed=001&limit=5")
    assert list(body["summary"]) == ["001_f43d9e28fbbbc3d8.txt"]
    assert body["count"] == sum(body["summary"]["001_f43d9e28fbbbc3d8.txt"].values())
    assert all(a["seed"] == "001_f43d9e28fbbbc3d8.txt" for a in body["items"])


def test_the_openapi_document_describes_every_endpoint(client: Client) -> None:
    doc = get(client, "/api/v1/openapi.json")
    assert {
        "/api/v1/regions", "/api/v1/catalogs", "/api/v1/catalogs/{region}/{version}/entries",
        "/api/v1/occupations/{code}", "/api/v1/search", "/api/v1/quote", "/api/v1/quality",
    } <= set(doc["paths"])  # fmt: skip
    assert client.get("/api/v1/docs").status_code == 200


def test_writes_need_authentication(client: Client) -> None:
    body = post(client, "/api/v1/catalogs/jiangsu-2025/drafts", {"reason": "x"}, status=401)
    assert body["error"]["code"] == "authentication_required"


def test_a_token_lets_a_system_start_correct_and_publish_a_draft(
    client: Client, jiangsu_staff: AbstractUser
) -> None:
    _, raw = token_create(user=jiangsu_staff, name="integration")
    auth = {"Authorization": f"Bearer {raw}"}
    draft = post(client, "/api/v1/catalogs/jiangsu-2025/drafts", {"reason": "Q2"}, status=201, **auth)
    assert (draft["catalog_id"], draft["number"], draft["status"]) == ("jiangsu-2025", 2, "draft")

    response = client.patch(
        f"/api/v1/drafts/{draft['id']}/entries/138",
        json.dumps({"changes": {"category": "C"}, "reason": "recategorised"}),
        content_type="application/json",
        headers=auth | if_match(draft["id"], 138),
    )
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["category"]) == ("焊工", "C")

    published = post(
        client,
        f"/api/v1/drafts/{draft['id']}/publish",
        {"effective_from": "2025-07-01", "reason": "Q2"},
        **auth,
    )
    assert published["status"] == "published"
    later = QUOTE_EXAMPLE | {
        "date": "2025-08-01",
        "certificate": {"type": "skill_level", "occupation": WELDER},
    }
    later["certificate"]["level"] = 3
    assert post(client, "/api/v1/quote", later)["amount"] == "1950.00"  # 000 · 附件1: C level 3 1500, +30%


def test_a_city_token_cannot_touch_its_provinces_catalog(client: Client, nantong_staff: AbstractUser) -> None:
    _, raw = token_create(user=nantong_staff, name="nantong system")
    body = post(
        client,
        "/api/v1/catalogs/jiangsu-2025/drafts",
        {"reason": "Q2"},
        status=403,
        Authorization=f"Bearer {raw}",
    )
    assert body["error"]["code"] == "permission_denied"
    assert not CatalogVersion.objects.filter(status="draft").exists()


def test_a_district_token_cannot_touch_its_citys_catalog(
    client: Client, chongchuan_staff: AbstractUser
) -> None:
    _, raw = token_create(user=chongchuan_staff, name="chongchuan system")
    body = post(client, "/api/v1/catalogs/nantong-2025/drafts", {"reason": "Q2"}, status=403,
                Authorization=f"Bearer {raw}")  # fmt: skip
    assert body["error"] == {"code": "permission_denied", "message": "not allowed to act for region 320600",
                             "field": None, "value": None, "fields": []}  # fmt: skip
    assert not CatalogVersion.objects.filter(status="draft").exists()


def test_a_revoked_or_forged_token_is_refused(client: Client, jiangsu_staff: AbstractUser) -> None:
    from accounts.services import token_revoke

    token, raw = token_create(user=jiangsu_staff, name="old")
    token_revoke(token=token, actor=jiangsu_staff)
    post(
        client,
        "/api/v1/catalogs/jiangsu-2025/drafts",
        {"reason": "Q2"},
        status=401,
        Authorization=f"Bearer {raw}",
    )
    forged = "Bearer ss_00000000_forged"
    post(client, "/api/v1/catalogs/jiangsu-2025/drafts", {"reason": "Q2"}, status=401, Authorization=forged)


def test_the_catalog_list_names_the_current_version_after_a_new_one_is_published(admin: AbstractUser) -> None:
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=admin, reason="Q2 adjustment")
    draft_publish(version=draft, actor=admin, effective_from=date(2025, 7, 1), reason="Q2 adjustment")
    listed = {c["id"]: c["version"] for c in get(Client(), "/api/v1/catalogs?region=320000")}
    assert listed["jiangsu-2025"] == 2
    assert '<span class="badge">v2</span>' in Client().get("/catalogs/").content.decode()


@pytest.mark.parametrize("reason", [None, "", "  "], ids=["missing", "empty", "blank"])
def test_every_api_write_without_a_reason_is_refused_naming_the_reason_and_changes_nothing(
    client: Client, jiangsu_staff: AbstractUser, reason: str | None
) -> None:
    _, raw = token_create(user=jiangsu_staff, name="integration")
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2 adjustment")
    given = {} if reason is None else {"reason": reason}
    writes = [
        ("post", "/api/v1/catalogs/nantong-2025/drafts", given),
        ("patch", f"/api/v1/drafts/{draft.pk}/entries/138", {"changes": {"category": "C"}, **given}),
        ("post", f"/api/v1/drafts/{draft.pk}/publish", {"effective_from": "2025-07-01", **given}),
        (
            "delete",
            f"/api/v1/drafts/{draft.pk}" + ("" if reason is None else f"?reason={quote(reason)}"),
            None,
        ),
    ]

    def stored() -> tuple[object, ...]:
        return (
            list(CatalogVersion.objects.order_by("pk").values()),
            list(Entry.objects.filter(version=draft).order_by("pk").values()),
            AuditRecord.objects.count(),
        )

    before = stored()
    answers = []
    for method, url, body in writes:
        response = getattr(client, method)(
            url, json.dumps(body) if body is not None else None, content_type="application/json",
            headers={"Authorization": f"Bearer {raw}"} | if_match(draft.pk, 138),
        )  # fmt: skip
        error = response.json()["error"]
        answers.append((response.status_code, error["code"], error["field"], error["value"]))
    assert answers == [(422, "validation_error", "reason", reason)] * 4
    assert stored() == before
