"""The class API: a clerk drafts, uploads the roster and files through it (session auth with CSRF
off, as a browser script would send the token); bureau staff read their regions' classes; another
institution's or region's class is answered exactly as a missing one; the public list shows classes
open for enrolment with no personal data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from class_support import clerk_of, id_number, listed_institution, roster_xlsx, staff
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from web_support import make_staff

from accounts.models import Role
from classes.models import TrainingClass

ZHANG = id_number("19900101", 123)
DRAFT = {
    "title": "焊工四级培训班", "occupation": "焊工", "level": 4, "certificate_type": "skill_level",
    "program": "training", "start": "2025-10-09", "end": "2025-10-19", "venue": "实训楼 201",
    "plan": "理论与实操",
    "sessions": [{"on": f"2025-10-{9 + i:02d}", "topic": f"第{i + 1}次课", "hours": "7"} for i in range(8)],
}  # fmt: skip


@pytest.fixture
def world(db: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(timezone, "now", lambda: datetime(2025, 9, 25, 2, 0, tzinfo=UTC))
    district, city = staff()
    inst = listed_institution(district, city)
    return type("World", (), {"district": district, "inst": inst, "clerk": clerk_of(inst, district)})


def session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_clerk_drafts_uploads_and_files_a_class_through_the_api(world: Any) -> None:
    clerk = session(world.clerk)
    made = clerk.post("/api/v1/classes", DRAFT, content_type="application/json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert (made.json()["status"], made.json()["hours_total"], len(made.json()["sessions"])) == (
        "draft",
        "56.0",
        8,
    )
    rows = clerk.post(
        f"/api/v1/classes/{pk}/roster", {"file": SimpleUploadedFile("r.xlsx", roster_xlsx([("张三", ZHANG)]))}
    )
    assert rows.json() == [
        {"row": 2, "name": "张三", "id_masked": "4401**********" + ZHANG[-4:], "ok": True, "reasons": []}
    ]
    filed = clerk.post(f"/api/v1/classes/{pk}/filing")
    assert (filed.status_code, filed.json()["status"], filed.json()["filed_on"]) == (
        200,
        "filed",
        "2025-09-25",
    )
    listed = session(world.district).get("/api/v1/classes?status=filed").json()
    assert [(c["id"], c["trainees"]) for c in listed] == [(pk, 1)]
    public = Client().get("/api/v1/classes/open?occupation=焊工").json()
    assert public == [
        {"id": pk, "title": "焊工四级培训班", "institution": world.inst.name, "occupation": "焊工",
         "level": 4, "region": "440106", "start": "2025-10-09", "end": "2025-10-19", "venue": "实训楼 201"}
    ]  # fmt: skip


def test_another_institutions_or_regions_class_is_answered_as_a_missing_one(world: Any) -> None:
    session(world.clerk).post("/api/v1/classes", DRAFT, content_type="application/json")
    pk = TrainingClass.objects.get().pk
    other = clerk_of(listed_institution(world.district, make_staff("gz2", Role.CITY_BUREAU, "440100"), n=2),
                     world.district, "clerk2")  # fmt: skip
    elsewhere = make_staff("yuexiu", Role.DISTRICT_BUREAU, "440104")
    error = {"code": "unknown_class", "message": f"no class {pk}", "field": "class_id", "value": str(pk),
             "fields": [{"field": "class_id", "value": str(pk), "message": f"no class {pk}"}]}  # fmt: skip
    for user in (other, elsewhere):
        answer = session(user).get(f"/api/v1/classes/{pk}")
        assert (answer.status_code, answer.json()) == (404, {"error": error})
        missing = session(user).get(f"/api/v1/classes/{pk + 1000}")
        assert missing.status_code == 404
    moved = session(other).post(f"/api/v1/classes/{pk}/filing")
    assert moved.status_code == 404
    assert Client().get("/api/v1/classes").status_code == 401


def test_a_bad_draft_names_the_field_and_the_value(world: Any) -> None:
    answer = session(world.clerk).post(
        "/api/v1/classes", {**DRAFT, "occupation": "焊公"}, content_type="application/json"
    )
    body = answer.json()["error"]
    assert (answer.status_code, body["field"]) == (422, "occupation")
    expected = "occupation: 职业（工种）“焊公”不在任何已载入的目录中；您是不是要找：焊工"
    assert body["message"].startswith(expected)


def test_attendance_through_the_api_names_each_session_by_its_date(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = session(world.clerk)
    pk = clerk.post("/api/v1/classes", DRAFT, content_type="application/json").json()["id"]
    roster = SimpleUploadedFile("r.xlsx", roster_xlsx([("张三", ZHANG)]))
    clerk.post(f"/api/v1/classes/{pk}/roster", {"file": roster})
    clerk.post(f"/api/v1/classes/{pk}/filing")
    early = clerk.post(f"/api/v1/classes/{pk}/moves", {"action": "start"}, content_type="application/json")
    assert (early.status_code, early.json()["error"]["message"]) == (
        422,
        "本班备案的开班日期为2025-10-09，当天或之后才能开班（今天是2025-09-25）。",
    )
    # 2025-10-09 09:00 in Beijing: the class's first day.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2025, 10, 9, 1, 0, tzinfo=UTC))
    clerk = session(world.clerk)  # signed in again: two weeks idle ended the first session
    started = clerk.post(f"/api/v1/classes/{pk}/moves", {"action": "start"}, content_type="application/json")
    assert started.json()["status"] == "running"
    row = {"id_number": ZHANG, "mark": "present", "source": "device", "at": "2025-10-09T09:00:00+08:00"}
    rows = [{**row, "on": "2025-10-09"}, {**row, "on": "2025-10-10", "session": 2},
            {**row, "on": "2025-10-10", "session": 5}, {**row, "on": "2025-10-08"}]  # fmt: skip
    answer = clerk.post(f"/api/v1/classes/{pk}/attendance", rows, content_type="application/json")
    assert answer.json() == {
        "written": 2,
        "refused": [
            "第3行：课次 5 不在 2025-10-10（该日的课次为 2）。",
            "第4行：上课日期 2025-10-08 本班没有课（本班上课日期为 2025-10-09 – 2025-10-16）。",
        ],
    }
    undated = clerk.post(f"/api/v1/classes/{pk}/attendance", [row], content_type="application/json")
    assert undated.status_code == 422
    assert undated.json()["error"]["field"].endswith("on")
