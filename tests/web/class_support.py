"""A listed training institution in 天河区 (440106, Guangzhou) with a clerk, a teacher and approvals,
built through the services as the bureau would, and rosters written as the XLSX institutions keep."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import openpyxl
from django.contrib.auth.models import User
from stdnum.cn import ric, uscc
from web_support import make_staff

from accounts.models import Role
from classes import services as classes
from classes.models import TrainingClass
from institutions import services
from institutions.models import Institution
from skillsubsidy.institutions.eligibility import RESOURCES, SYSTEMS

TIANHE = "440106"


def id_number(birth: str, seq: int, *, address: str = "440106") -> str:
    """A valid resident ID number: address, birth date (YYYYMMDD), a 3-digit sequence (odd: a man)."""
    first17 = f"{address}{birth}{seq:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


def listed_institution(
    district: User,
    city: User,
    *,
    n: int = 1,
    occupations: tuple[tuple[str, int], ...] = (("焊工", 4),),
    region: str = TIANHE,
) -> Institution:
    first17 = f"52{region}MJC{n:05d}"[:17].ljust(17, "0")
    today = date(2024, 1, 1)
    inst = services.institution_register(
        actor=district, name=f"天河区第{n}职业培训学校", uscc=first17 + uscc.calc_check_digit(first17),
        kind="hr_approved", region=region, address=f"示范路{n}号", legal_rep_name="陈一",
        contact_name="林二", contact_phone="13800001111", legal_form="民办非企业单位法人",
    )  # fmt: skip
    services.basis_add(
        institution=inst, actor=district, kind="licence", issuer="广州市人社部门", number=f"T{n}",
        text="、".join(o for o, _ in occupations), today=today,
    )  # fmt: skip
    services.premises_add(institution=inst, actor=district, address="实训楼", capacity=40, equipment="工位")
    services.teacher_add(
        institution=inst, actor=district, name="黄老师", occupation="焊工", certificate="焊工 技师"
    )
    for occupation, level in occupations:
        services.approval_add(
            institution=inst, actor=district, role="training", occupation=occupation, level=level,
            valid_from=date(2024, 1, 1),
        )  # fmt: skip
    for rule in (RESOURCES, SYSTEMS):
        services.finding_record(
            institution=inst, actor=district, rule=rule, outcome="passed", evidence="实地核查"
        )
    for who, action in ((district, "review"), (district, "propose"), (city, "list")):
        inst = services.institution_move(
            institution=inst, actor=who, action=action, reason="审核", today=today
        )
    return inst


def clerk_of(inst: Institution, district: User, username: str = "clerk1") -> User:
    clerk = services.clerk_create(
        institution=inst, actor=district, username=username, password="pw-Clerk-2025!"
    )
    return clerk.user


def staff() -> tuple[User, User]:
    district = make_staff("tianhe-d", Role.DISTRICT_BUREAU, TIANHE)
    city = make_staff("gz-city", Role.CITY_BUREAU, "440100")
    assert isinstance(district, User) and isinstance(city, User)
    return district, city


def sessions(
    start: date, *, days: int = 8, hours: str = "7", online_days: int = 0
) -> list[classes.SessionInput]:
    """`days` sessions of `hours` class hours from the start; the last `online_days` online."""
    return [
        classes.SessionInput(
            start + timedelta(days=i), f"第{i + 1}次课", Decimal(hours), i >= days - online_days
        )
        for i in range(days)
    ]


def draft(clerk: User, start: date, **over: Any) -> TrainingClass:
    fields: dict[str, Any] = {
        "title": "焊工四级培训班", "occupation": "焊工", "level": 4, "certificate_type": "skill_level",
        "program": "training", "start": start, "end": start + timedelta(days=10), "venue": "实训楼 201",
        "plan": "理论 16 课时，实操 40 课时", "sessions": sessions(start),
    }  # fmt: skip
    return classes.class_create(actor=clerk, **{**fields, **over})


def roster_xlsx(
    rows: list[tuple[Any, ...]], *, header: tuple[str, ...] = ("姓名", "身份证号", "性别")
) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
