"""A closed class in 崇川区 (Nantong 320613) whose trainees passed 砌筑工 level 4, for the claims tests
and the race script: an institution listed to train it, its clerk, the roster with sealed ID numbers,
60 class hours of sessions with attendance, and the results with certificate numbers.

The class records are written directly (they are the classes app's, tested there); every claim write in
the tests goes through claims.services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone
from stdnum.cn import ric

from accounts.services import clerk_account_create
from classes.models import Attendance, Result, Session, Trainee, TrainingClass
from common.personal import seal
from institutions.models import Approval, Clerk, Institution
from skillsubsidy.classes.ids import mask

PASSWORD = "correct horse battery staple 42"
REGION = "320613"  # 崇川区, Nantong
BRICKLAYER = "6-29-01-01"  # 砌筑工, Jiangsu 2025 catalog, category A (000 · 附件4 · line 1908)
ISSUED = date(2025, 7, 1)
NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强")


def id_number(n: int) -> str:
    first = f"11010119900101{n:03d}"
    return first + ric.calc_check_digit(first + "0")


@dataclass
class World:
    institution: Institution
    clerk: User
    klass: TrainingClass
    trainees: list[Trainee]
    results: list[Result]

    def certificate(self, i: int) -> str:
        return self.results[i].certificate_no


def build(
    *,
    tag: str = "",
    trainees: int = 4,
    short: tuple[int, ...] = (),
    uscc_serial: int = 1,
    region: str = REGION,
    institution: Institution | None = None,
) -> World:
    """`short` lists the trainees (by index) who attended only 52 of the 60 hours."""
    from stdnum.cn import uscc

    first17 = f"5232061{uscc_serial:04d}MJL12"[:17]
    institution = institution or Institution.objects.create(
        name=f"南通市示范职业培训学校{tag}",
        uscc=first17 + uscc.calc_check_digit(first17),
        kind="hr_approved",
        region=region,
        address="南通市崇川区工农路1号",
        legal_rep_name="周明",
        contact_name="吴丽",
        contact_phone_sealed=seal("13800000000").token,
        contact_phone_masked="138****0000",
        status="listed",
    )
    Approval.objects.create(
        institution=institution,
        role="training",
        occupation_code=BRICKLAYER,
        occupation="砌筑工",
        level=4,
        valid_from=date(2025, 1, 1),
    )
    user = clerk_account_create(username=f"clerk{tag}", password=PASSWORD, region=region)
    Clerk.objects.create(user=user, institution=institution)
    klass = TrainingClass.objects.create(
        institution=institution,
        region=region,
        title=f"砌筑工四级培训班{tag}",
        occupation_code=BRICKLAYER,
        occupation="砌筑工",
        level=4,
        certificate_type="skill_level",
        program="training",
        start=date(2025, 5, 5),
        end=date(2025, 6, 13),
        venue="南通市崇川区工农路1号",
        plan="理论与实操",
        status="closed",
        filed_on=date(2025, 4, 25),
    )
    sessions = [
        Session.objects.create(
            training_class=klass,
            on=date(2025, 5, 5 + i),
            topic=f"第{i + 1}讲",
            hours=Decimal(8),
            mode="offline",
        )
        for i in range(7)
    ] + [
        Session.objects.create(
            training_class=klass, on=date(2025, 5, 12), topic="总结", hours=Decimal(4), mode="offline"
        )
    ]
    people: list[Trainee] = []
    results: list[Result] = []
    at = timezone.make_aware(datetime(2025, 5, 5, 9))
    for i in range(trainees):
        number = id_number(i + 1 + 100 * uscc_serial)
        sealed = seal(number, masked=mask(number))
        trainee = Trainee.objects.create(
            training_class=klass,
            row=i + 2,
            name=NAMES[i % len(NAMES)],
            id_kind="resident",
            id_sealed=sealed.token,
            id_digest=sealed.digest,
            id_masked=sealed.masked,
            sex="M",
            birth_date=date(1990, 1, 1),
            start=klass.start,
            end=klass.end,
        )
        for s in sessions:
            absent = i in short and s.topic == "第1讲"
            Attendance.objects.create(
                session=s, trainee=trainee, mark="absent" if absent else "present", source="device", at=at
            )
        results.append(
            Result.objects.create(
                trainee=trainee,
                passed=True,
                issuer="江苏省职业技能鉴定中心",
                certificate_type="skill_level",
                level=4,
                certificate_no=f"CZ{uscc_serial:02d}{2025070000 + i}",
                issued_on=ISSUED,
            )
        )
        people.append(trainee)
    return World(institution, user, klass, people, results)
