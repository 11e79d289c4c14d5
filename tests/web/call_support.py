"""A Guangzhou 2023 call run through the services, for the call tests, the race tests and the browser
test: the city opens it, districts register applicants and their clerks, clerks file 附件1."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.utils import timezone
from web_support import make_staff

from accounts.models import Role
from calls import services
from calls.models import Application, ProjectCall

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from calls_sample import sample

TIANHE = "440106"
YUEXIU = "440104"
# Valid codes (GB 32100-2015 check digit) registered in each district.
USCC = {TIANHE: "91440106MA5D00001H", YUEXIU: "91440104MA5D00002P"}
NAMES = {TIANHE: "广州市天河区粤厨职业培训学校", YUEXIU: "广州市越秀区南粤家政培训中心"}


def _staff(username: str, role: Role, region: str) -> AbstractUser:
    found = get_user_model().objects.filter(username=username).first()
    return found if found is not None else make_staff(username, role, region)


def city_staff() -> AbstractUser:
    return _staff("gz-city", Role.CITY_BUREAU, "440100")


def district_staff(region: str) -> AbstractUser:
    return _staff(f"district-{region}", Role.DISTRICT_BUREAU, region)


def opened_call(city: AbstractUser, *, extend_days: int = 30, budget_fen: int = 50_000_000) -> ProjectCall:
    """The Guangzhou call with its settings, opened, and both deadlines extended past today (2023's
    dates have passed), each with a reason, as an authorised person would."""
    call = services.call_create(actor=city, call_file="guangzhou-2023")
    services.call_configure(
        actor=city,
        pk=call.pk,
        budget_fen=budget_fen,
        notice_days=5,
        rubric_confirmed=True,
        reason="局务会议定",
    )
    services.call_open(actor=city, pk=call.pk)
    until = timezone.localdate() + timedelta(days=extend_days)
    for deadline in ("to_district", "to_city"):
        services.call_extend_deadline(
            actor=city, pk=call.pk, deadline=deadline, until=until, reason="测试：征集延长至今年"
        )
    return ProjectCall.objects.get(pk=call.pk)


def form_for(region: str) -> dict[str, Any]:
    form = sample()
    form["unit"]["uscc"] = USCC[region]
    form["unit"]["name"] = NAMES[region]
    district = "天河区" if region == TIANHE else "越秀区"
    form["projects"][0]["districts"] = [district]
    return form


def applicant(district: AbstractUser, call: ProjectCall, region: str, username: str) -> AbstractUser:
    clerk = services.applicant_register(
        actor=district,
        call_pk=call.pk,
        username=username,
        password="clerk-pass-123456",
        name=NAMES[region],
        uscc=USCC[region],
        kind="hr_approved",
        region=region,
        address="广州市某路1号",
        legal_rep_name="陈明",
        contact_name="李华",
        contact_phone="13912345678",
    )
    return clerk.user


def submitted(clerk: AbstractUser, call: ProjectCall, region: str) -> Application:
    application = services.application_start(
        actor=clerk, call_pk=call.pk, district=region, form=form_for(region)
    )
    return services.application_submit(actor=clerk, pk=application.pk)


MARKS = [
    {"criterion": c, "points": 8, "justification": "材料齐全，依据充分"}
    for c in ("qualification", "need", "resources", "plan", "employment", "budget")
]


def today() -> date:
    return timezone.localdate()


def through_notice(*, started_days_ago: int = 1) -> dict[str, Any]:
    """A call with one Tianhe project in its notice (running from yesterday unless told otherwise), its
    scan attached."""
    city = city_staff()
    call = opened_call(city)
    tianhe = district_staff(TIANHE)
    clerk = applicant(tianhe, call, TIANHE, "clerk-th")
    draft = services.application_start(actor=clerk, call_pk=call.pk, district=TIANHE, form=form_for(TIANHE))
    scan = services.attachment_add(
        actor=clerk, pk=draft.pk, label="营业执照", file_name="licence.pdf", data=b"%PDF-1.4 licence"
    )
    application = services.application_submit(actor=clerk, pk=draft.pk)
    services.application_forward(actor=tianhe, pk=application.pk)
    services.call_close_applications(actor=city, pk=call.pk)
    services.call_start_city_review(actor=city, pk=call.pk)
    for i in range(3):
        services.review_submit(
            actor=_staff(f"reviewer-{i}", Role.CITY_BUREAU, "440100"), pk=application.pk, marks=MARKS
        )
    services.scoring_close(actor=city, call_pk=call.pk)
    services.meeting_record(
        actor=city,
        call_pk=call.pk,
        held_on=today(),
        members=["局长", "副局长"],
        choices=[services.ChoiceInput(application.pk, True, "评分达标", 75_000)],
    )
    services.notice_publish(actor=city, call_pk=call.pk, starts_on=today() - timedelta(days=started_days_ago))
    return {
        "call": ProjectCall.objects.get(pk=call.pk),
        "application": Application.objects.get(pk=application.pk),
        "attachment": scan,
        "clerk": clerk,
        "city": city,
        "district": tianhe,
    }
