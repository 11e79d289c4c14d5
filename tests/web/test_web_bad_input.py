"""Bad input gets a clear answer naming the field, never a 500, and nothing stored is half-written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from web_support import if_match

from audit.models import AuditRecord
from catalogs.models import CatalogVersion, Entry, Upload
from catalogs.services import draft_from_published
from standards.models import StandardValue

pytestmark = pytest.mark.django_db

LONG = "焊" * 5000


def staff_client(user: AbstractUser) -> Client:
    # A 500 comes back as a response (not a raised exception), as a browser would see it.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/search/?q=焊工&page=abc&year=abc&shortage=x", 200),
        ("/search/?q=焊工&region=火星", 200),  # the page says the region is unknown
        (f"/search/?q={LONG}", 200),
        ("/catalogs/320000/jiangsu-2025/?page=abc&sort=nonsense&v=abc", 200),
        ("/catalogs/320000/jiangsu-2025/?v=99", 404),
        ("/catalogs/999999/jiangsu-2025/", 404),
        ("/catalogs/320000/no-such-catalog/", 404),
        ("/catalogs/320000/jiangsu-2025/download.exe", 404),
        ("/quality/?page=-1&seed=nonsense", 200),
        (f"/occupations/{'x' * 3000}/", 404),
        ("/calculator/?type=nonsense&level=99999999999999999999&date=2025-13-45", 200),
        ("/calculator/?type=skill_level&region=火星&date=abc&hours=-1&occupation=焊工&level=3", 200),
        ("/api/v1/catalogs/320000/jiangsu-2025/entries?offset=-1", 422),
        ("/api/v1/catalogs/320000/jiangsu-2025/entries?limit=-1", 422),
        ("/api/v1/catalogs/320000/jiangsu-2025/entries?limit=abc", 422),
        ("/api/v1/catalogs/320000/jiangsu-2025/entries?offset=99999999999999999999999", 200),
        ("/api/v1/catalogs/火星/jiangsu-2025/entries", 404),
        ("/api/v1/catalogs/320000/jiangsu-2025~vx/entries", 404),
        ("/api/v1/catalogs/320000/jiangsu-2025~v99/entries", 404),
        (f"/api/v1/catalogs?region={LONG}", 422),
        (f"/api/v1/search?q={LONG}", 422),
        ("/api/v1/search?q=焊工&year=abc", 422),
        (f"/api/v1/occupations/{'x' * 3000}", 404),
        ("/api/v1/quality?limit=-1", 422),
        ("/office/audit/?page=abc&action=" + "x" * 500, 200),
        ("/office/standards/?region=火星", 404),
        ("/office/standards/320000/no.such.parameter/", 404),
        ("/office/versions/99999999999999999999999/", 404),
        ("/office/uploads/99999/", 404),
    ],
)
def test_odd_query_parameters_get_a_page_or_a_named_error_not_a_500(
    admin: AbstractUser, url: str, status: int
) -> None:
    response = staff_client(admin).get(url)
    assert response.status_code == status, response.content[:300]


def test_the_office_version_page_survives_an_odd_page_and_an_over_long_filter(admin: AbstractUser) -> None:
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=admin, reason="test")
    assert staff_client(admin).get(f"/office/versions/{draft.pk}/?page=abc&q={LONG}").status_code == 200


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999"])
def test_revoking_a_token_that_is_not_there_is_a_404(admin: AbstractUser, value: str) -> None:
    assert staff_client(admin).post("/office/tokens/", {"revoke": value}).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "value"),
    [
        ({"code": 5}, "code", "5"),
        ({"code": [1]}, "code", "[1]"),
        ({"name": 5}, "name", "5"),
        ({"name": None}, "name", "null"),  # sent as JSON null, so the value is the text "null"
        ({"industry_class": 7}, "industry_class", "7"),
        ({"certificate_type": []}, "certificate_type", "[]"),
        ({"levels": 5}, "levels", "5"),
        ({"levels": [99]}, "levels", "[99]"),  # 职业技能等级 run from 1 (高级技师) to 5 (初级工)
        ({"markers": 5}, "markers", "5"),
        ({"uplift_pct": True}, "uplift_pct", "true"),
        ({"serial": "1" * 33}, "serial", "1" * 33),  # longer than the column: PostgreSQL would refuse it
        ({"name": "焊" * 201}, "name", "焊" * 201),
    ],
)
def test_a_row_correction_of_the_wrong_type_or_length_is_a_422_naming_the_field_and_the_value(
    admin: AbstractUser, changes: dict[str, Any], field: str, value: str
) -> None:
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=admin, reason="test")
    before = list(Entry.objects.filter(version=draft, position=0).values())
    client = staff_client(admin)
    client.handler.enforce_csrf_checks = False
    response = client.patch(
        f"/api/v1/drafts/{draft.pk}/entries/1",
        json.dumps({"changes": changes, "reason": "test"}),
        content_type="application/json",
        headers=if_match(draft.pk, 1),
    )
    assert response.status_code == 422, response.content[:300]
    error = response.json()["error"]
    assert (error["code"], error["field"], error["value"]) == ("validation_error", f"changes.{field}", value)
    assert list(Entry.objects.filter(version=draft, position=0).values()) == before
    assert not AuditRecord.objects.filter(action="entry.update").exists()


def test_an_over_long_name_in_the_row_form_is_shown_as_an_error(admin: AbstractUser) -> None:
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=admin, reason="test")
    response = staff_client(admin).post(
        f"/office/versions/{draft.pk}/rows/1/", {"name": "焊" * 201, "reason": "test", "revision": "0"}
    )
    assert response.status_code == 200
    assert "<li>name：201 characters; at most 200</li>" in response.content.decode()
    assert len(Entry.objects.get(version=draft, position=0).name) <= 200


def test_a_whole_number_standard_refuses_a_superscript_digit(admin: AbstractUser) -> None:
    # "²".isdigit() is true, but int("²") is not a number.
    response = staff_client(admin).post(
        "/office/standards/320600/class_hours.minutes_per_hour/",
        {"since": "2025-01-01", "value": "²", "source": "测试", "reason": "测试", "based_on": "0"},
    )
    assert response.status_code == 200
    assert "“²”必须是整数。" in response.content.decode()
    assert not StandardValue.objects.exists()


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({}, "choose a file to upload"),
        ({"file": ("附件2.xlsx", b"")}, "is empty"),
        ({"file": ("setup.exe", b"MZ\x90\x00")}, "upload one of"),
        ({"file": ("附件2.csv", "序号,职业名称\n1,焊工\n".encode())}, "title: a title is required"),
    ],
)
def test_an_upload_form_with_a_missing_or_wrong_file_names_the_problem(
    nantong_staff: AbstractUser, post: dict[str, Any], message: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data: dict[str, Any] = {"region": "320600", "catalog_id": "nantong-2026"}
    if "file" in post:
        data["file"] = SimpleUploadedFile(*post["file"])
        data["title"] = "" if "title" in message else "南通市2026年目录"
    response = staff_client(nantong_staff).post("/en/office/uploads/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Upload.objects.exists()


def test_an_upload_over_the_size_limit_is_refused_naming_the_limit(
    nantong_staff: AbstractUser, settings: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.UPLOAD_MAX_BYTES = 1000
    big = SimpleUploadedFile("附件2.csv", b"1," * 5000)
    response = staff_client(nantong_staff).post(
        "/office/uploads/new/",
        {"file": big, "region": "320600", "catalog_id": "nantong-2026", "title": "南通市2026年目录"},
    )
    assert response.status_code == 200
    assert "larger than the limit of 1000 bytes" in response.content.decode()
    assert not Upload.objects.exists()


@pytest.mark.parametrize("name", ["附件2.xlsx", "附件2.docx", "附件2.pdf"])
def test_a_corrupt_attachment_is_refused_at_upload_naming_the_file_not_a_500(
    admin: AbstractUser, name: str
) -> None:
    # Read once, at upload (ADR 0012): a file that cannot be read is the file field's error.
    response = staff_client(admin).post(
        "/office/uploads/new/",
        {"file": SimpleUploadedFile(name, b"not really a document"), "region": "320600",
         "catalog_id": "nantong-2026", "title": "南通市2026年目录"},
    )  # fmt: skip
    assert response.status_code == 200
    assert f"{name}: cannot read the file as {name.rsplit('.', 1)[1]}" in response.content.decode()
    assert not Upload.objects.exists()
    assert not CatalogVersion.objects.filter(catalog_id="nantong-2026").exists()


def test_a_form_post_with_no_fields_is_answered_not_crashed(admin: AbstractUser) -> None:
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=admin, reason="test")
    client = staff_client(admin)
    for url in ("/office/staff/", "/office/tokens/", "/office/uploads/new/",
                "/office/standards/320600/class_hours.minutes_per_hour/"):  # fmt: skip
        assert client.post(url, {}).status_code == 200, url
    # No date: the page again, with the error above the publish form.
    publish = client.post(f"/office/versions/{draft.pk}/publish/", {})
    assert publish.status_code == 200
    assert "生效日期：请填写日期（YYYY-MM-DD）。" in publish.content.decode()
    assert client.post(f"/office/versions/{draft.pk}/rows/1/", {}).status_code == 200  # no reason: the form
    assert CatalogVersion.objects.get(pk=draft.pk).status == "draft"


def stored_state() -> tuple[list[Any], ...]:
    """Everything a refused change must leave as it was."""
    return (
        list(CatalogVersion.objects.order_by("pk").values()),
        list(Entry.objects.order_by("pk").values()),
        list(AuditRecord.objects.order_by("pk").values()),
        list(StandardValue.objects.order_by("pk").values()),
        list(Upload.objects.order_by("pk").values("pk", "draft")),
    )


@pytest.mark.parametrize("reason", ["", "  \n "], ids=["empty", "blank"])
def test_every_back_office_change_without_a_reason_shows_the_error_beside_the_reason_field(
    admin: AbstractUser, reason: str
) -> None:
    from catalogs.uploads import upload_create

    draft = draft_from_published(catalog_id="jiangsu-2025", actor=admin, reason="Q2 adjustment")
    upload = upload_create(
        actor=admin, file_name="list.csv", data="序号,职业名称,编码\n1,焊工,6-18-02-04\n".encode(),
        region="320600", catalog_id="nantong-2026", title="南通市2026年目录",
    )  # fmt: skip
    forms = [  # (url, the form's other fields, id of the element holding the reason's error)
        ("/office/catalogs/nantong-2025/draft/", {}, "reason-nantong-2025-error"),
        (f"/office/versions/{draft.pk}/rows/138/", {"category": "C", "revision": "0"}, "f-reason-error"),
        (f"/office/versions/{draft.pk}/rows/138/delete/", {"revision": "0"}, "d-reason-error"),
        (f"/office/versions/{draft.pk}/publish/", {"effective_from": "2025-07-01"}, "reason-error"),
        (f"/office/versions/{draft.pk}/discard/", {}, "discard-reason-error"),
        (f"/office/uploads/{upload.pk}/", {"action": "draft", "attachment": "附件2"}, "d-reason-error"),
        ("/office/standards/320600/class_hours.minutes_per_hour/",
         {"since": "2025-01-01", "value": "45", "source": "测试", "based_on": "0"}, "p-reason-error"),
    ]  # fmt: skip
    client = staff_client(admin)
    before = stored_state()
    for url, fields, error_id in forms:
        response = client.post(url, {**fields, "reason": reason})
        page = response.content.decode()
        assert response.status_code == 200, url
        assert f'aria-describedby="{error_id}"' in page, url
        assert f'<p class="field-error" id="{error_id}">请说明修改原因，原因将记入审计记录。</p>' in page, url
    assert stored_state() == before
