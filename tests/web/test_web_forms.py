"""The back-office forms: typed input, errors naming the field and the value, in Chinese and English."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import AbstractUser, User
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from web_support import client_for

from accounts.models import ApiToken
from accounts.services import token_create
from catalogs.forms import PublishForm
from catalogs.models import CatalogVersion, Upload
from catalogs.services import draft_from_published
from catalogs.uploads import upload_create
from common.forms import IsoDateField
from portal.calculator import form_defaults
from portal.views import _opening_date
from standards.models import StandardValue

pytestmark = pytest.mark.django_db


def draft(actor: AbstractUser) -> CatalogVersion:
    return draft_from_published(catalog_id="jiangsu-2025", actor=actor, reason="Q2 adjustment")


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("", "生效日期：“2025-13-45”不是有效日期，请按 YYYY-MM-DD 填写。"),
        ("/en", "Effective from: “2025-13-45” is not a date; write it as YYYY-MM-DD."),
    ],
)
def test_a_publish_date_that_is_no_date_is_named_with_its_value(
    admin: AbstractUser, prefix: str, message: str
) -> None:
    version = draft(admin)
    response = client_for(admin).post(
        f"{prefix}/office/versions/{version.pk}/publish/", {"effective_from": "2025-13-45", "reason": "Q2"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert CatalogVersion.objects.get(pk=version.pk).status == "draft"


@pytest.mark.parametrize("text", ["20250701", "2025-W27-2", "2025-7-1", " "])
def test_the_date_field_takes_only_yyyy_mm_dd(text: str) -> None:
    form = PublishForm({"effective_from": text, "reason": "Q2", "confirm": "on"})
    assert not form.is_valid()
    assert list(form.errors) == ["effective_from"]


def test_the_date_field_reads_a_date_and_leaves_an_optional_one_empty() -> None:
    form = PublishForm({"effective_from": "2025-07-01", "effective_to": "", "reason": "Q2", "confirm": "on"})
    assert form.is_valid()
    assert (form.cleaned_data["effective_from"], form.cleaned_data["effective_to"]) == (
        date(2025, 7, 1),
        None,
    )


def test_an_over_long_refused_value_is_quoted_shortened() -> None:
    field = IsoDateField(label="since")
    with translation.override("en"):  # the message is lazy: read it in the language it is checked in
        with pytest.raises(ValidationError) as caught:
            field.clean("9" * 500)
        assert caught.value.messages == [f"since: “{'9' * 60}…” is not a date; write it as YYYY-MM-DD."]


def test_publishing_through_the_form_sets_both_dates(admin: AbstractUser) -> None:
    version = draft(admin)
    response = client_for(admin).post(
        f"/office/versions/{version.pk}/publish/",
        {"effective_from": "2025-07-01", "effective_to": "2025-12-31", "reason": "Q2", "confirm": "on"},
    )
    assert response.status_code == 302
    stored = CatalogVersion.objects.get(pk=version.pk)
    assert (stored.status, stored.effective_from, stored.effective_to) == (
        "published",
        date(2025, 7, 1),
        date(2025, 12, 31),
    )


def test_a_service_refusal_about_a_field_without_an_input_is_listed_with_the_fields_label(
    admin: AbstractUser,
) -> None:
    version = draft(admin)
    response = client_for(admin).post(
        f"/en/office/versions/{version.pk}/publish/",
        {"effective_from": "2025-07-01", "effective_to": "2025-06-30", "reason": "Q2", "confirm": "on"},
    )
    assert (
        "<li>Effective to: 2025-06-30 is before effective_from 2025-07-01</li>" in response.content.decode()
    )


def test_an_upload_saved_as_a_draft_with_a_bad_date_is_refused_and_nothing_is_saved(
    nantong_staff: AbstractUser,
) -> None:
    upload = upload_create(
        actor=nantong_staff, file_name="list.csv", data="序号,职业名称,编码\n1,焊工,6-18-02-04\n".encode(),
        region="320600", catalog_id="nantong-2026", title="南通市2026年目录",
    )  # fmt: skip
    response = client_for(nantong_staff).post(
        f"/office/uploads/{upload.pk}/",
        {"action": "draft", "attachment": "附件2", "effective_to": "2026-02-30", "reason": "new list"},
    )
    assert "失效日期：“2026-02-30”不是有效日期，请按 YYYY-MM-DD 填写。" in response.content.decode()
    assert not CatalogVersion.objects.filter(catalog_id="nantong-2026").exists()
    assert Upload.objects.get(pk=upload.pk).draft is None


def test_a_header_row_that_is_no_number_is_refused_and_the_mapping_kept(nantong_staff: AbstractUser) -> None:
    upload = upload_create(
        actor=nantong_staff, file_name="list.csv", data="序号,职业名称,编码\n1,焊工,6-18-02-04\n".encode(),
        region="320600", catalog_id="nantong-2026", title="南通市2026年目录",
    )  # fmt: skip
    response = client_for(nantong_staff).post(
        f"/office/uploads/{upload.pk}/", {"action": "mapping", "col-1": "name", "header_row": "x"}
    )
    assert "表头行：“x”不是整数。" in response.content.decode()
    assert Upload.objects.get(pk=upload.pk).mapping == {}


def test_a_standard_dated_with_no_date_is_refused_naming_the_value(admin: AbstractUser) -> None:
    response = client_for(admin).post(
        "/office/standards/320600/class_hours.minutes_per_hour/",
        {"since": "2025/01/01", "value": "45", "source": "测试", "reason": "测试", "based_on": "0"},
    )
    assert "起始日期：“2025/01/01”不是有效日期，请按 YYYY-MM-DD 填写。" in response.content.decode()
    assert not StandardValue.objects.exists()


def test_a_standard_amount_is_stored_as_the_decimal_text_entered(admin: AbstractUser) -> None:
    # Money is never a float: a CNY value is kept as the Decimal's text, trailing zeros included.
    client_for(admin).post(
        "/office/standards/320600/standard.skill_level.B.level_3/",
        {
            "since": "2026-01-01",
            "value": "1800.50",
            "source": "测试 · 附件1",
            "reason": "测试",
            "based_on": "0",
        },
    )
    stored = StandardValue.objects.get()
    assert (stored.value, type(stored.value)) == ("1800.50", str)


@pytest.mark.parametrize(
    ("role", "message"),
    [("", "角色：请选择角色。"), ("king", "角色：“king”不是有效的角色。")],
)
def test_a_staff_account_needs_a_known_role(admin: AbstractUser, role: str, message: str) -> None:
    response = client_for(admin).post(
        "/office/staff/", {"username": "clerk", "password": "a long password 42", "role": role}
    )
    assert message in response.content.decode()
    assert not User.objects.filter(username="clerk").exists()


def test_a_staff_account_needs_a_user_name(admin: AbstractUser) -> None:
    response = client_for(admin).post(
        "/office/staff/", {"username": "  ", "password": "a long password 42", "role": "platform_admin"}
    )
    assert "<li>用户名：请填写用户名。</li>" in response.content.decode()


def test_revoking_someone_elses_token_is_a_404_and_leaves_it(
    admin: AbstractUser, nantong_staff: AbstractUser
) -> None:
    token, _raw = token_create(user=nantong_staff, name="nightly sync")
    response = client_for(admin).post("/office/tokens/", {"revoke": str(token.pk)})
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_a_row_of_another_category_is_refused_naming_the_categories(admin: AbstractUser) -> None:
    version = draft(admin)
    page = client_for(admin).post(
        f"/office/versions/{version.pk}/rows/1/", {"category": "D", "reason": "fix", "revision": "0"}
    )
    assert "<li>category：&#x27;D&#x27; is not one of A, B, C</li>" in page.content.decode()


def test_today_is_the_date_in_beijing(monkeypatch: pytest.MonkeyPatch) -> None:
    # 2025-12-31 17:00 UTC is 2026-01-01 01:00 in Beijing: the new year has begun for the bureaus.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2025, 12, 31, 17, 0, tzinfo=UTC))
    assert timezone.localdate() == date(2026, 1, 1)
    # Shanghai's 2026 catalog (004) starts that day, so the calculator opens on it.
    form = form_defaults({"region": "310000"})
    assert _opening_date(form) == "日期为今天（2026-01-01）：适用今天有效的目录和补贴标准。"
    assert form["date"] == "2026-01-01"
