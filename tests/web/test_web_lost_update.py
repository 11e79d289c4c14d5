"""No lost update: every correction of a draft row names the revision it was based on, and one based
on a revision someone else already replaced is refused with the row as stored now (ADR 0012).

Row 138 of jiangsu-2025 is 焊工 6-18-02-04, category A (000_d6c6a123f4673bde.txt · 附件4 · line 1440)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from web_support import if_match

from accounts.services import token_create
from audit.models import AuditRecord
from catalogs.models import CatalogVersion, Entry
from catalogs.services import draft_from_published
from standards.models import StandardValue

pytestmark = pytest.mark.django_db

ROW = 138


@pytest.fixture
def draft(jiangsu_staff: AbstractUser) -> CatalogVersion:
    return draft_from_published(catalog_id="jiangsu-2025", actor=jiangsu_staff, reason="Q2 adjustment")


def _row(draft: CatalogVersion) -> Entry:
    return Entry.objects.get(version=draft, position=ROW - 1)


def _page_fields(entry: Entry) -> dict[str, str]:
    """What the row's form sends back as drawn: every field, the revision in its hidden input."""
    fields = {
        "serial": entry.serial, "code": entry.code, "name": entry.name, "category": entry.category,
        "industry_class": entry.industry_class, "certificate_type": entry.certificate_type,
        "levels": "、".join(str(n) for n in entry.levels), "markers": " ".join(entry.markers),
        "uplift_pct": entry.uplift_pct, "revision": str(entry.revision),
    }  # fmt: skip
    if entry.matched:
        fields["matched"] = "on"
    return fields


def _office(user: AbstractUser) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_two_staff_correcting_different_fields_of_one_row_lose_nothing(
    draft: CatalogVersion, jiangsu_staff: AbstractUser, admin: AbstractUser
) -> None:
    url = f"/en/office/versions/{draft.pk}/rows/{ROW}/"
    first, second = _office(jiangsu_staff), _office(admin)
    drawn = _page_fields(_row(draft))  # both opened the form before either saved
    assert 'name="revision" value="0"' in first.get(url).content.decode()

    saved = first.post(url, drawn | {"category": "C", "reason": "recategorised"})
    assert saved.status_code == 302
    refused = second.post(url, drawn | {"industry_class": "制造业", "reason": "industry added"})

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Someone else saved this row meanwhile (now revision 1)" in page
    assert 'name="revision" value="1"' in page  # the form is redrawn from the row as stored now
    assert "<option selected>C</option>" in page
    row = _row(draft)
    assert (row.category, row.industry_class, row.revision) == ("C", "", 1)
    assert row.corrections == {"category": "A"}  # the printed value is kept
    assert [r.changes["before"] for r in AuditRecord.objects.filter(action="entry.update")] == [
        {"category": "A"}
    ]

    again = second.post(url, _page_fields(row) | {"industry_class": "制造业", "reason": "industry added"})
    assert again.status_code == 302
    row = _row(draft)
    assert (row.category, row.industry_class, row.revision) == ("C", "制造业", 2)
    assert row.corrections == {"category": "A", "industry_class": ""}


def test_a_removal_based_on_an_older_revision_is_refused(
    draft: CatalogVersion, jiangsu_staff: AbstractUser
) -> None:
    client = _office(jiangsu_staff)
    drawn = _page_fields(_row(draft))
    client.post(f"/en/office/versions/{draft.pk}/rows/{ROW}/", drawn | {"category": "C", "reason": "r"})
    refused = client.post(
        f"/office/versions/{draft.pk}/rows/{ROW}/delete/", {"reason": "dup", "revision": "0"}
    )
    assert refused.status_code == 409
    assert "在您编辑期间，其他人已保存了这一行（现为第 1 版）。" in refused.content.decode()
    assert _row(draft).category == "C"
    assert not AuditRecord.objects.filter(action="entry.delete").exists()


def _api(user: AbstractUser) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_create(user=user, name='integration')[1]}"}


def _patch(client: Client, draft: CatalogVersion, body: dict[str, Any], **headers: str) -> Any:
    return client.patch(
        f"/api/v1/drafts/{draft.pk}/entries/{ROW}", json.dumps(body), content_type="application/json",
        headers=headers,
    )  # fmt: skip


def test_two_api_clients_correcting_the_same_field_the_second_gets_409_with_the_current_value(
    client: Client, draft: CatalogVersion, jiangsu_staff: AbstractUser, admin: AbstractUser
) -> None:
    one, two = _api(jiangsu_staff), _api(admin)
    read = client.get(f"/api/v1/drafts/{draft.pk}/entries/{ROW}", headers=one)
    pk = _row(draft).pk
    assert (read.status_code, read["ETag"], read.json()["category"]) == (200, f'"{pk}-0"', "A")
    etag = read["ETag"]

    first = _patch(
        client, draft, {"changes": {"category": "C"}, "reason": "per notice"}, **one, **{"If-Match": etag}
    )
    assert (first.status_code, first["ETag"]) == (200, f'"{pk}-1"')
    second = _patch(
        client, draft, {"changes": {"category": "B"}, "reason": "per list"}, **two, **{"If-Match": etag}
    )

    assert second.status_code == 409
    assert second["ETag"] == f'"{pk}-1"'
    error = second.json()["error"]
    assert (error["code"], error["revision"], error["current"]["category"]) == ("stale_revision", 1, "C")
    assert _row(draft).category == "C"
    audits = AuditRecord.objects.filter(action="entry.update").order_by("pk")
    assert [(r.actor_name, r.changes["before"], r.changes["after"]) for r in audits] == [
        ("jiangsu", {"category": "A"}, {"category": "C"})
    ]

    retried = _patch(client, draft, {"changes": {"category": "B"}, "reason": "per list"}, **two,
                     **{"If-Match": second["ETag"]})  # fmt: skip
    assert retried.status_code == 200
    audits = AuditRecord.objects.filter(action="entry.update").order_by("pk")
    assert [(r.changes["before"], r.changes["after"]) for r in audits] == [
        ({"category": "A"}, {"category": "C"}),
        ({"category": "C"}, {"category": "B"}),  # the true before: the first correction
    ]


def test_an_api_correction_without_if_match_is_428_and_another_rows_tag_is_stale(
    client: Client, draft: CatalogVersion, jiangsu_staff: AbstractUser
) -> None:
    auth = _api(jiangsu_staff)
    body = {"changes": {"category": "C"}, "reason": "per notice"}
    missing = _patch(client, draft, body, **auth)
    error = missing.json()["error"]
    assert (missing.status_code, error["code"], error["field"]) == (428, "precondition_required", "If-Match")
    star = _patch(client, draft, body, **auth, **{"If-Match": "*"})
    assert star.status_code == 428
    other = _patch(client, draft, body, **auth, **if_match(draft.pk, 1))
    assert (other.status_code, other.json()["error"]["code"]) == (409, "stale_revision")
    assert (_row(draft).category, _row(draft).revision) == ("A", 0)


# -- the standards editor --------------------------------------------------------------------------

STANDARD = "/en/office/standards/320600/standard.skill_level.A.level_4/"


def test_two_edits_of_one_standard_the_second_is_refused_and_shown_the_first(
    nantong_staff: AbstractUser, admin: AbstractUser
) -> None:
    first, second = _office(nantong_staff), _office(admin)
    assert 'name="based_on" value="0"' in first.get(STANDARD).content.decode()
    entry = {"since": "2025-01-01", "source": "苏人社发〔2024〕test · 附件1", "based_on": "0"}

    saved = first.post(STANDARD, entry | {"value": "1550", "reason": "typo in the table"})
    assert saved.status_code == 302
    refused = second.post(STANDARD, entry | {"value": "1600", "reason": "per the new notice"})

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Someone else saved a value of this standard meanwhile" in page
    latest = StandardValue.objects.get()
    assert (latest.value, latest.created_by) == ("1550", nantong_staff)
    assert f'name="based_on" value="{latest.pk}"' in page
    assert [r.changes["after"] for r in AuditRecord.objects.filter(action="standard.set")] == ["1550"]

    again = second.post(
        STANDARD, entry | {"value": "1600", "reason": "per the new notice", "based_on": str(latest.pk)}
    )
    assert again.status_code == 302
    record = AuditRecord.objects.filter(action="standard.set").order_by("-pk").first()
    assert record is not None and (record.changes["before"], record.changes["after"]) == ("1550", "1600")


def test_a_standard_saved_without_the_revision_it_was_based_on_is_refused(admin: AbstractUser) -> None:
    response = _office(admin).post(
        STANDARD, {"since": "2025-01-01", "value": "1550", "source": "test", "reason": "test"}
    )
    assert response.status_code == 200
    assert "Based on: missing; reload the page and enter the value again." in response.content.decode()
    assert not StandardValue.objects.exists()
