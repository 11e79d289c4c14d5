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

    # 52 (civil affairs · private non-enterprise unit), the district, then a 9-character number.
    first17 = f"52{region}MJL{uscc_serial:06d}"
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


GUANGZHOU_ISSUED = date(2023, 10, 1)


def project_world(*, status: str, accepted_standard_fen: int | None, tag: str = "-gz") -> World:
    """The same class moved to 天河区 (Guangzhou 440106) as project-based training (002 · 附件4 ·
    （三）) for an accepted project of Guangzhou's 2023 call in `status`, with certificates issued
    inside Guangdong's 2023 catalog period. The call's records are written directly, as the class's
    are: they are the calls app's, tested there."""
    from calls.models import Application, ProjectCall

    world = build(tag=tag, trainees=2, uscc_serial=7, region="440106")
    call = ProjectCall.objects.create(
        call_file=f"guangzhou-2023{tag}", region="440100", status="tracking",
        title="广州市“揭榜领题”职业技能培训项目征集（首批）",
    )  # fmt: skip
    project = Application.objects.create(
        call=call, institution=world.institution, district="440106", status=status,
        project_name="砌筑工技能提升项目", accepted_standard_fen=accepted_standard_fen,
    )  # fmt: skip
    TrainingClass.objects.filter(pk=world.klass.pk).update(
        program="project", project=project, start=date(2023, 8, 7), end=date(2023, 9, 15)
    )
    Approval.objects.filter(institution=world.institution).update(valid_from=date(2023, 1, 1))
    Result.objects.filter(trainee__training_class=world.klass).update(issued_on=GUANGZHOU_ISSUED)
    world.klass.refresh_from_db()
    for result in world.results:
        result.refresh_from_db()
    return world
