"""The working-day calendar on the web: the API, adding a year in the back office, and who may."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from web_support import client_for

from audit.models import AuditRecord
from calendars.models import CalendarYear
from calendars.services import calendar_year_add
from skillsubsidy.calendar import Notice

pytestmark = pytest.mark.django_db

NOTICE_2027 = Notice(title="国务院办公厅关于2027年部分节假日安排的通知")
# A made-up 2027 arrangement: test input only, not the State Council's (not published when written).
HOLIDAYS_2027 = [(date(2027, 1, 1), "元旦"), (date(2027, 2, 5), "春节"), (date(2027, 2, 8), "春节")]
MAKEUP_2027 = [(date(2027, 2, 6), "春节")]


def add_2027(actor: Any, **overrides: Any) -> CalendarYear:
    args: dict[str, Any] = {
        "actor": actor,
        "year": 2027,
        "holidays": HOLIDAYS_2027,
        "makeup_days": MAKEUP_2027,
        "source": NOTICE_2027,
        "reason": "the 2027 notice is out",
    }
    return calendar_year_add(**{**args, **overrides})


def get(url: str) -> tuple[int, dict[str, Any]]:
    response = Client().get(url)
    return response.status_code, response.json()


# --- API ----------------------------------------------------------------------------------------


def test_api_deadline_across_national_day_2025():
    # 10-08..10-01 holidays; 09-30 (1), 09-29 (2), 09-28 Sunday make-up (3), 09-27 skipped, 09-26 (4),
    # 09-25 (5): class filing for a class starting 2025-10-09 is due by 2025-09-25.
    status, body = get("/api/v1/calendar/deadline?start=2025-10-09&working_days=5")
    assert status == 200
    assert (body["start"], body["working_days"], body["deadline"]) == ("2025-10-09", 5, "2025-09-25")
    assert [d["count"] for d in body["days"]] == [None] * 8 + [1, 2, 3, None, 4, 5]
    assert body["days"][10]["reason"] == "周日，调休上班（国庆节）"
    assert body["sources"] == [
        "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024-11-12）"
    ]


def test_api_workday_says_why():
    status, body = get("/api/v1/calendar/workday?date=2024-10-12")
    assert status == 200
    assert body == {
        "date": "2024-10-12",
        "weekday": "周六",
        "workday": True,
        "kind": "makeup",
        "festival": "国庆节",
        "reason": "周六，调休上班（国庆节）",
        "source": "国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号，2023-10-25）",
    }


@pytest.mark.parametrize(
    ("query", "status", "code", "field", "value"),
    [
        ("deadline?start=2025-10-09&working_days=0", 422, "validation_error", "working_days", "0"),
        ("deadline?start=2025-10-09&working_days=251", 422, "validation_error", "working_days", "251"),
        ("deadline?start=2025-13-01&working_days=5", 422, "validation_error", "start", "2025-13-01"),
        ("deadline?start=2027-03-01&working_days=5", 422, "calendar_year_missing", "start", "2027-03-01"),
        ("deadline?start=2004-01-05&working_days=2", 422, "calendar_year_missing", "start", "2004-01-05"),
        ("workday?date=2027-01-04", 422, "calendar_year_missing", "date", "2027-01-04"),
        ("workday?date=tomorrow", 422, "validation_error", "date", "tomorrow"),
    ],
)
def test_api_errors_name_the_field_and_value(query, status, code, field, value):
    got_status, body = get(f"/api/v1/calendar/{query}")
    error = body["error"]
    assert (got_status, error["code"], error["field"], error["value"]) == (status, code, field, value)


def test_api_names_the_missing_year_when_a_count_crosses_into_it():
    _, body = get("/api/v1/calendar/deadline?start=2004-01-05&working_days=2")
    assert body["error"]["year"] == 2003
    assert body["error"]["message"].startswith("没有2003年的节假日安排数据（已有2004–2026年）")


# --- adding a year ------------------------------------------------------------------------------


def test_a_city_bureau_adds_a_year_with_an_audit_record_and_deadlines_use_it(jiangsu_staff: AbstractUser):
    assert get("/api/v1/calendar/workday?date=2027-02-06")[0] == 422
    row = add_2027(jiangsu_staff)
    assert (row.year, row.created_by, row.reason) == (2027, jiangsu_staff, "the 2027 notice is out")
    assert row.makeup_days == [{"date": "2027-02-06", "name": "春节"}]
    record = AuditRecord.objects.get(action="calendar.year_add")
    assert record.region == "320000"
    assert (record.actor, record.target_id, record.reason) == (
        jiangsu_staff,
        str(row.pk),
        "the 2027 notice is out",
    )
    assert record.summary == (
        "added the 2027 holiday arrangement: 3 holidays, 1 make-up working days "
        "(国务院办公厅关于2027年部分节假日安排的通知（文号未核实）)"
    )
    # Seen from the next request on, without a restart.
    status, body = get("/api/v1/calendar/workday?date=2027-02-06")
    assert (status, body["reason"]) == (200, "周六，调休上班（春节）")
    # 2027-01-04 (Mon): 01-03 Sun, 01-02 Sat, 01-01 holiday skipped, 2026-12-31 Thu (1).
    assert get("/api/v1/calendar/deadline?start=2027-01-04&working_days=1")[1]["deadline"] == "2026-12-31"


def test_a_year_needs_a_reason(admin: AbstractUser):
    with pytest.raises(ValidationError) as info:
        add_2027(admin, reason="  ")
    assert list(info.value.message_dict) == ["reason"]
    assert (
        not CalendarYear.objects.exists()
        and not AuditRecord.objects.filter(action="calendar.year_add").exists()
    )


def test_a_shipped_year_cannot_be_added(admin: AbstractUser):
    with pytest.raises(ValidationError) as info:
        add_2027(admin, year=2025, holidays=[], makeup_days=[])
    assert info.value.message_dict == {
        "year": ["2025 ships with the platform (2025.yaml); a shipped year is corrected in the data"]
    }


def test_a_year_added_twice_is_refused_by_the_unique_year(admin: AbstractUser):
    add_2027(admin)
    with pytest.raises(ValidationError) as info:
        add_2027(admin, reason="again")
    assert info.value.message_dict == {"year": ["2027 has already been added"]}
    assert CalendarYear.objects.count() == 1
    assert AuditRecord.objects.filter(action="calendar.year_add").count() == 1
    # The refusal is the database's, so two people adding at once cannot both succeed.
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarYear.objects.create(year=2027, holidays=[], makeup_days=[], source_title="x", reason="x")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"makeup_days": [(date(2027, 2, 5), "春节")]},
            "makeup_days",
            "2027: 2027-02-05 is listed both as a holiday and as a make-up working day",
        ),
        (
            {"makeup_days": [(date(2027, 2, 4), "春节")]},
            "makeup_days",
            "2027: make-up working day 2027-02-04 is a 周四, not a weekend day; only a Saturday or Sunday "
            "can be made a working day",
        ),
        (
            {"holidays": [(date(2026, 12, 31), "元旦")]},
            "holidays",
            "2027: 2026-12-31 is not in 2027; it belongs in 2026's arrangement",
        ),
        ({"source": Notice(title=" ")}, "source", "2027: cite the notice that sets 2027's arrangement"),
    ],
)
def test_a_year_is_checked_as_the_shipped_files_are(admin: AbstractUser, overrides, field, message):
    with pytest.raises(ValidationError) as info:
        add_2027(admin, **overrides)
    assert info.value.message_dict == {field: [message]}
    assert not CalendarYear.objects.exists()


def test_a_district_bureau_may_not_add_a_year(chongchuan_staff: AbstractUser):
    with pytest.raises(PermissionDenied):
        add_2027(chongchuan_staff)
    assert not CalendarYear.objects.exists()


# --- back office --------------------------------------------------------------------------------

FORM = {
    "year": "2027",
    "holidays": "2027-01-01 元旦\n\n2027-02-05 春节\n2027-02-08 春节\n",
    "makeup_days": "2027-02-06 春节",
    "source_title": "国务院办公厅关于2027年部分节假日安排的通知",
    "source_number": "",
    "source_issued": "",
    "reason": "the 2027 notice is out",
}


def test_the_back_office_form_adds_a_year(jiangsu_staff: AbstractUser):
    response = client_for(jiangsu_staff).post(reverse("backoffice:calendar_add"), FORM)
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:calendar")
    row = CalendarYear.objects.get()
    assert [h["date"] for h in row.holidays] == ["2027-01-01", "2027-02-05", "2027-02-08"]
    page = client_for(jiangsu_staff).get(reverse("backoffice:calendar")).content.decode()
    assert "2027" in page and "the 2027 notice is out" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"holidays": "2027-01-01 元旦\n2027/02/05 春节"}, "holidays", "2027/02/05 春节"),
        ({"holidays": "2027-01-01"}, "holidays", "2027-01-01"),
        ({"makeup_days": "2027-02-04 春节"}, "makeup_days", "2027-02-04 is a 周四"),
        ({"year": "2025"}, "year", "2025 ships with the platform"),
        ({"reason": ""}, "reason", ""),
    ],
)
def test_the_form_shows_each_refusal_beside_its_field(jiangsu_staff: AbstractUser, changes, field, message):
    response = client_for(jiangsu_staff).post(reverse("backoffice:calendar_add"), {**FORM, **changes})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in " ".join(errors[field])
    assert not CalendarYear.objects.exists()


def test_a_district_bureau_sees_the_years_but_not_the_form(chongchuan_staff: AbstractUser):
    client = client_for(chongchuan_staff)
    page = client.get(reverse("backoffice:calendar"))
    assert page.status_code == 200 and reverse("backoffice:calendar_add") not in page.content.decode()
    assert client.get(reverse("backoffice:calendar_add")).status_code == 403
    assert client.post(reverse("backoffice:calendar_add"), FORM).status_code == 403
    assert not CalendarYear.objects.exists()
