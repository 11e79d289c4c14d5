"""The class part of the demo city (`make demo`): the demo clerks (demo-clerk-N, web/institutions/
demo.py) file classes with rosters, the districts inspect and decide, results come in, so that there
is a class in every state, written through the services as people would write them. Trainees are
made-up people with valid made-up ID numbers; every class is marked `demo=True` and named 【演示】….

Past classes are filed on the day they would have been (21 days before their start); the classes still
to start are filed today. Filing needs the working-day calendar of each start's year, so `load_demo`
dates the whole demo back until `filed_starts` are all covered."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import openpyxl
from django.contrib.auth.models import User
from django.utils import timezone
from stdnum.cn import ric

from classes import services
from classes.models import TrainingClass
from institutions import services as institution_services
from institutions.models import Clerk, Institution

PREFIX = "【演示】"


@dataclass(frozen=True)
class Plan:
    title: str
    clerk: int  # demo-clerk-N
    occupation: str
    level: int
    starts_in: int  # days from today (negative: in the past)
    state: str  # the state to bring it to
    trainees: int


PLANS = (
    Plan("焊工四级（中级工）周末班", 1, "焊工", 4, -120, "closed", 12),
    Plan("焊工三级（高级工）提升班", 1, "焊工", 3, -75, "assessed", 6),
    Plan("焊工四级（中级工）晚班", 1, "焊工", 4, -40, "finished", 8),
    Plan("焊工四级（中级工）秋季班", 1, "焊工", 4, -9, "running", 10),
    Plan("电工四级（中级工）一班", 2, "电工", 4, -6, "suspended", 7),
    Plan("电工四级（中级工）二班", 2, "电工", 4, 21, "filed", 9),
    Plan("电工三级（高级工）班", 4, "电工", 3, 16, "cancelled", 5),
    Plan("焊工三级（高级工）新班", 4, "焊工", 3, 45, "draft", 6),
    Plan("家政服务员四级（中级工）班", 3, "家政服务员", 4, -5, "flagged", 8),
)


def filed_starts(today: date) -> list[date]:
    """The start of every class the demo files: the filing deadline counts working days back from it
    (002 · 附件4 · 8②), so the calendar must hold its year."""
    return [today + timedelta(days=plan.starts_in) for plan in PLANS if plan.state != "draft"]


def _people(first: int, n: int) -> list[tuple[str, str]]:
    """Made-up trainees: a name and a valid resident number of 天河区 (440106)."""
    family, given = "陈林黄张李王刘周吴郑", "伟芳娜敏静丽强磊军洋"
    out = []
    for i in range(first, first + n):
        birth = date(1980, 1, 1) + timedelta(days=173 * i)
        first17 = f"440106{birth:%Y%m%d}{100 + i:03d}"
        name = f"{family[i % 10]}{given[(i // 10) % 10]}"
        out.append((name, first17 + ric.calc_check_digit(first17 + "0")))
    return out


def _roster(people: list[tuple[str, str]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(("姓名", "身份证号", "手机号"))
    for name, number in people:
        ws.append((name, number, "13800000000"))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _aware(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def load_classes(*, districts: dict[str, User], city: User, today: date) -> dict[str, int]:
    """File and move every planned class; returns how many ended in each state. The caller runs this in
    one transaction, after the institutions are loaded."""
    clerks = {
        int(c.user.username.rsplit("-", 1)[1]): c.user
        for c in Clerk.objects.select_related("user").filter(user__username__startswith="demo-clerk-")
    }
    counts: dict[str, int] = {}
    first = 0
    for plan in PLANS:
        clerk = clerks[plan.clerk]
        inst = Institution.objects.get(clerks__user=clerk)
        district = districts[inst.region]
        if plan.state == "flagged":
            # Its institution was suspended; the city reinstates it for this class, which starts, and
            # suspends it again: the running class finishes and is flagged on the bureau's pages.
            inst = institution_services.institution_move(
                institution=inst, actor=city, action="reinstate", reason="演示：整改完成", today=today
            )
        start = today + timedelta(days=plan.starts_in)
        sessions = [
            services.SessionInput(start + timedelta(days=i), f"第{i + 1}次课：理论与实操", Decimal(7), False)
            for i in range(8)
        ]
        teachers = list(inst.teachers.values_list("pk", flat=True))
        cls = services.class_create(
            actor=clerk, title=PREFIX + plan.title, occupation=plan.occupation, level=plan.level,
            certificate_type="skill_level", program="training", start=start, end=start + timedelta(days=10),
            venue=f"{inst.address}实训楼", plan="理论 16 课时，实操 40 课时；每次课 7 课时",
            sessions=sessions, teacher_ids=teachers, demo=True,
        )  # fmt: skip
        people = _people(first, plan.trainees)
        first += plan.trainees
        services.roster_upload(actor=clerk, training_class=cls, file_name="花名册.xlsx", data=_roster(people))
        state = _move(cls, plan, clerk, district, city, people, today)
        if plan.state == "flagged":
            institution_services.institution_move(
                institution=Institution.objects.get(pk=inst.pk), actor=city, action="suspend",
                reason="演示：抽查发现问题，暂停新开班", today=today,
            )  # fmt: skip
        counts[state] = counts.get(state, 0) + 1
    return counts


def _move(
    cls: TrainingClass,
    plan: Plan,
    clerk: User,
    district: User,
    city: User,
    people: list[tuple[str, str]],
    today: date,
) -> str:
    if plan.state == "draft":
        return "draft"
    filed_on = min(today, cls.start - timedelta(days=21))
    try:
        cls = services.class_file(actor=clerk, training_class=cls, today=filed_on)
    except services.FilingRefused:
        return "draft"  # e.g. no calendar data for its year yet: it waits as a draft
    if plan.state == "cancelled":
        withdrawn = services.class_move(
            actor=clerk, training_class=cls, action="withdraw", reason="演示：报名不足"
        )
        return withdrawn.status
    if plan.state == "filed":
        services.amendment_propose(
            actor=clerk,
            training_class=cls,
            changes={"venue": f"{cls.venue}（二楼）"},
            reason="演示：调整教室",
        )
        return "filed"
    # Started on its first day, as it would have been (a class never starts before its start date).
    cls = services.class_move(actor=clerk, training_class=cls, action="start", today=cls.start)
    services.inspection_record(
        actor=district, training_class=cls, kind="first_class", on=cls.start, outcome="passed",
        findings="演示：首期班实地检查，人数与名册相符", present=len(people),
    )  # fmt: skip
    # One session a day from the start (above): each row names its session by that date.
    rows = [
        services.AttendanceInput(
            on=cls.start + timedelta(days=s - 1),
            id_number=number,
            mark="present" if (i + s) % 9 else "absent",
            source="face",
            at=_aware(cls.start),
        )
        for i, (_, number) in enumerate(people)
        for s in range(1, 9)
        if cls.start + timedelta(days=s - 1) <= today
    ]
    services.attendance_record(actor=clerk, training_class=cls, rows=rows)
    if plan.state in ("running", "flagged"):
        return "running"
    if plan.state == "suspended":
        services.inspection_record(
            actor=district, training_class=cls, kind="spot_onsite", on=today, outcome="failed",
            findings="演示：实到人数少于名册，暂停培训待整改", present=len(people) - 3, suspend=True,
        )  # fmt: skip
        return "suspended"
    cls = services.class_move(actor=clerk, training_class=cls, action="finish")
    if plan.state == "finished":
        return "finished"
    issued = cls.end + timedelta(days=10)
    results = [
        services.ResultInput(number, True, f"演示{cls.pk:04d}{i:03d}", issued)
        if i % 5 != 4
        else services.ResultInput(number, False)
        for i, (_, number) in enumerate(people)
    ]
    services.results_record(actor=district, training_class=cls, rows=results)
    cls = services.class_move(actor=district, training_class=cls, action="assess")
    if plan.state == "assessed":
        return "assessed"
    return services.class_move(actor=district, training_class=cls, action="close").status
