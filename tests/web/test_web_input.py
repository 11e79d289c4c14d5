"""Input no field can hold is refused naming the field (NUL, lone surrogates, oversized text and
lists, wrongly typed values), and nothing the app writes to a spreadsheet runs as a formula
(issue 14, points 5, 6 and 8). Run on SQLite and, by test_web_postgres, on PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook
from test_web_permissions import cases, walk_world, world  # noqa: F401  (the fixtures the URL walk needs)
from web_support import client_for, if_match

from accounts.services import token_create
from catalogs.models import CatalogVersion, Entry
from catalogs.services import draft_from_published, draft_publish, entry_update
from skillsubsidy.rules.batch import write_decisions

pytestmark = pytest.mark.django_db
NUL, SURROGATE = "焊\x00工", "\ud800"
INJECTION = "=cmd|'/Ccalc'!A0"


def api_write(
    client: Client, method: str, url: str, body: str, raw: str, headers: dict[str, str] | None = None
) -> Any:
    call = getattr(client, method)
    sent = {"Authorization": f"Bearer {raw}", **(headers or {})}
    return call(url, body, content_type="application/json", headers=sent)


def test_every_page_and_endpoint_refuses_a_nul_in_its_query(
    walk_world: dict[str, Any],  # noqa: F811  (the fixture imported above)
    admin: AbstractUser,
) -> None:
    client = client_for(admin)
    with translation.override("zh-hans"):
        walk = cases(walk_world)
    got = {url: client.get(url, {"q": NUL}).status_code for _, url, _ in walk if "?" not in url}
    want = {url: 422 if url.startswith("/api/") else 400 for url in got}
    assert got == want


def test_a_nul_in_a_back_office_form_is_a_400_naming_the_field_in_chinese(admin: AbstractUser) -> None:
    response = client_for(admin).post("/office/tokens/", {"name": "ci\x00"})
    assert response.status_code == 400
    assert (
        response.content.decode()
        == "name：“ci\\x00”不予接受：含有 空字符 NUL（U+0000），任何文本字段都不能包含该字符。"
    )


def test_a_nul_in_a_back_office_form_under_en_is_refused_in_english(admin: AbstractUser) -> None:
    response = client_for(admin).post("/en/office/tokens/", {"name": "ci\x00"})
    assert response.status_code == 400
    assert response.content.decode() == (
        "name: “ci\\x00” refused: contains NUL (U+0000), which no text field may hold."
    )


def test_a_lone_surrogate_in_an_anonymous_quote_is_a_422_naming_the_field(client: Client) -> None:
    body = '{"region": "\\ud800", "date": "2025-06-01", "certificate": {"type": "skill_level"}}'
    response = client.post("/api/v1/quote", body, content_type="application/json")
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"], error["value"]) == ("validation_error", "region", "\\ud800")
    assert error["message"] == "region: contains a lone surrogate (U+D800), which no text field may hold"


@pytest.mark.parametrize(
    ("escape", "shown"), [("\\u0000", "\\x00"), ("\\uDFFF", "\\udfff"), ("\\udC00", "\\udc00")]
)
def test_nul_and_lone_surrogate_escapes_in_any_case_are_refused(
    client: Client, escape: str, shown: str
) -> None:
    # Python's json.dumps escapes every Chinese character as \\uXXXX; those bodies are not parsed
    # twice, but these escapes must still be found.
    body = '{"region": "3206' + escape + '", "date": "2025-06-01", "certificate": {"type": "skill_level"}}'
    response = client.post("/api/v1/quote", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["value"] == "3206" + shown


def test_escaped_chinese_and_a_whole_surrogate_pair_are_ordinary_text(client: Client) -> None:
    quote = {"region": "320600", "date": "2025-06-01",
             "certificate": {"type": "skill_level", "occupation": "电工", "level": 4}}  # fmt: skip
    body = json.dumps(quote)
    assert "\\u7535" in body
    answered = client.post("/api/v1/quote", body, content_type="application/json")
    assert answered.status_code == 200
    assert answered.json() == client.post("/api/v1/quote", quote, content_type="application/json").json()
    # 😀 as a pair of escapes decodes to one character, which a text field may hold.
    paired = client.get("/api/v1/search", {"q": "\U0001f600"})
    assert paired.status_code == 200
    quote["certificate"]["occupation"] = "电工\U0001f600"
    body = json.dumps(quote)
    assert "\\ud83d\\ude00" in body
    response = client.post("/api/v1/quote", body, content_type="application/json")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"changes": {"name": NUL}, "reason": "fix"}, "changes.name"),
        ({"changes": {"markers": ["S", NUL]}, "reason": "fix"}, "changes.markers.1"),
        ({"changes": {"code": "6-18-02-04"}, "reason": "why\x00"}, "reason"),
        ({"changes": {f"name{NUL}": "x"}, "reason": "fix"}, f"changes.name{NUL}"),
    ],
    ids=["value", "list-item", "reason", "key"],
)
def test_a_nul_anywhere_in_an_api_write_is_a_422_naming_the_path(
    client: Client, jiangsu_staff: AbstractUser, body: dict[str, Any], field: str
) -> None:
    _, raw = token_create(user=jiangsu_staff, name="ci")
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2")
    before = list(Entry.objects.filter(version=draft).order_by("position").values_list("name", "markers"))
    response = api_write(client, "patch", f"/api/v1/drafts/{draft.pk}/entries/138", json.dumps(body), raw)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["field"] == field
    assert (
        list(Entry.objects.filter(version=draft).order_by("position").values_list("name", "markers"))
        == before
    )


def test_text_longer_than_any_field_takes_is_refused(client: Client) -> None:
    response = client.get("/api/v1/search", {"q": "焊" * 10_001})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "q: 10001 characters; at most 10000"


@pytest.fixture
def draft(jiangsu_staff: AbstractUser) -> tuple[CatalogVersion, str]:
    _, raw = token_create(user=jiangsu_staff, name="ci")
    return draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2"), raw


def patch_row(client: Client, draft: tuple[CatalogVersion, str], changes: dict[str, Any]) -> Any:
    version, raw = draft
    body = json.dumps({"changes": changes, "reason": "fix"})
    url = f"/api/v1/drafts/{version.pk}/entries/138"
    return api_write(client, "patch", url, body, raw, if_match(version.pk, 138))


def row(draft: tuple[CatalogVersion, str]) -> Entry:
    return Entry.objects.get(version=draft[0], position=137)


def test_a_levels_list_of_100000_items_is_not_stored(
    client: Client, draft: tuple[CatalogVersion, str]
) -> None:
    before = row(draft).levels
    response = patch_row(client, draft, {"levels": [3] * 100_000})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "changes.levels: 100000 items; at most 1000"
    response = patch_row(client, draft, {"levels": [1, 2, 3, 4, 5, 3]})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["message"] == "6 items; at most 5"
    assert row(draft).levels == before


def test_matched_must_be_true_or_false(client: Client, draft: tuple[CatalogVersion, str]) -> None:
    assert row(draft).matched is False  # 焊工 in jiangsu-2025 as shipped
    response = patch_row(client, draft, {"matched": "nope"})  # bool("nope") would have stored true
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0] == {
        "field": "changes.matched",
        "value": "nope",
        "message": "'nope' is not true or false",
    }
    assert row(draft).matched is False
    assert patch_row(client, draft, {"matched": True}).status_code == 200
    assert row(draft).matched is True


def test_a_back_office_text_input_has_a_length_limit_naming_the_field(admin: AbstractUser) -> None:
    response = client_for(admin).post("/office/tokens/", {"name": "t" * 2001})
    assert response.status_code == 200
    assert "名称：共 2001 个字符，最多 2000 个。" in response.content.decode()


# --- formula injection ----------------------------------------------------------------------------


@pytest.fixture
def published_injection(jiangsu_staff: AbstractUser) -> CatalogVersion:
    """jiangsu-2025 republished with row 138 renamed to a DDE formula, as a careless or hostile edit
    through the back office would leave it."""
    version = draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2")
    entry = Entry.objects.get(version=version, position=137)
    entry_update(entry=entry, actor=jiangsu_staff, changes={"name": INJECTION}, reason="probe", revision=0)
    return draft_publish(version=version, actor=jiangsu_staff, effective_from=date(2025, 7, 1), reason="Q2")


def test_the_csv_download_writes_a_formula_as_inert_text(client: Client, published_injection: Any) -> None:
    response = client.get("/catalogs/320000/jiangsu-2025/download.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    names = [r[header.index("名称 name")] for r in rows[1:]]
    assert f"'{INJECTION}" in names
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows[1:] for cell in r)


def test_the_xlsx_download_holds_the_formula_as_a_text_cell(client: Client, published_injection: Any) -> None:
    response = client.get("/catalogs/320000/jiangsu-2025/download.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cells = [c for r in sheet.iter_rows(min_row=2) for c in r if c.value is not None]
    planted = [c for c in cells if c.value == f"'{INJECTION}"]
    assert [(c.coordinate, c.data_type) for c in planted] == [
        ("E139", "s"),
        ("F139", "s"),
    ]  # name, occupation
    assert not [c for c in cells if c.data_type == "f"]


def test_the_batch_decisions_csv_writes_a_formula_claim_id_as_inert_text(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {"claim_id": ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "7"], "amount_fen": [1, 2, 3, 4, 5, 6]}
    )
    write_decisions(frame, tmp_path / "out.csv")
    with (tmp_path / "out.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows == [
        ["claim_id", "amount_fen"], ["'=1+2", "1"], ["'+1", "2"], ["'-1", "3"], ["'@SUM(A1)", "4"],
        ["'\tx", "5"], ["7", "6"],
    ]  # fmt: skip
