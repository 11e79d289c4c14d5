"""The institution part of the demo city (`make demo`, `manage.py load_demo`): Guangzhou districts'
institutions in every lifecycle state, with grounds, approvals, inspections, findings, evaluations
and credit events, all written through the services as staff would write them. Every institution is
marked `demo=True` and named 【演示】…; the codes are valid GB 32100-2015 codes made up for the demo."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from stdnum.cn import uscc

from institutions import services
from institutions.models import Institution
from skillsubsidy.institutions.eligibility import RESOURCES, SYSTEMS
from skillsubsidy.institutions.lifecycle import INSTITUTION

PREFIX = "【演示】"


@dataclass(frozen=True)
class DemoStaff:
    city: User  # 广州市 440100
    districts: dict[str, User]  # by district code


@dataclass(frozen=True)
class Plan:
    name: str
    district: str
    kind: str
    # The moves that bring it to its state, each by the district (d) or the city (c).
    moves: tuple[tuple[str, str], ...]
    occupations: tuple[tuple[str, int | None], ...]
    inspection: str | None = None  # the result of its first-class inspection
    serious_violation: bool = False


_PROPOSE = (("d", "review"), ("d", "propose"))
_LIST = (*_PROPOSE, ("c", "list"))
PLANS = (
    Plan("天河区焊接职业培训学校", "440106", "hr_approved", _LIST, (("焊工", 3), ("焊工", 4)), "passed"),
    Plan("天河区电工技能培训中心", "440106", "hr_company", _LIST, (("电工", 4),), "issues"),
    Plan(
        "越秀区家政服务职业培训学校",
        "440104",
        "hr_approved",
        (*_LIST, ("c", "suspend")),
        (("家政服务员", 4),),
        "issues",
    ),
    Plan("海珠区技师学院", "440105", "technician_college", _LIST, (("焊工", 3), ("电工", 3)), "passed"),
    Plan(
        "海珠区中式烹调培训学校",
        "440105",
        "other",
        (*_LIST, ("c", "remove")),
        (("中式烹调师", 4),),
        "failed",
        True,
    ),
    Plan("白云区养老护理培训中心", "440111", "industry_association", _PROPOSE, (("养老护理员", 4),)),
    Plan("黄埔区链主企业培训中心", "440112", "chain_leader", (("d", "review"),), (("焊工", 3),)),
    Plan(
        "番禺区职业技术学校",
        "440113",
        "vocational_college",
        (("d", "review"), ("d", "return")),
        (("电工", 4),),
    ),
    Plan("花都区新申报培训机构", "440114", "other", (), (("保育师", 4),)),
    Plan("南沙区未通过机构", "440115", "hr_company", (*_PROPOSE, ("c", "reject")), (("焊工", 5),)),
    Plan("荔湾区已撤回机构", "440103", "other", (("d", "withdraw"),), (("电工", 5),)),
)
DISTRICTS = tuple(sorted({p.district for p in PLANS}))


def _code(n: int, district: str) -> str:
    first17 = f"52{district}MJD{n:05d}"[:17].ljust(17, "0")
    return first17 + uscc.calc_check_digit(first17)


def load_institutions(staff: DemoStaff, today: date) -> list[Institution]:
    """Register and move every planned institution. The caller runs this in one transaction."""
    out = []
    last_year = today.year - 1
    for n, plan in enumerate(PLANS, start=1):
        district = staff.districts[plan.district]
        actor = {"d": district, "c": staff.city}
        inst = services.institution_register(
            actor=district,
            name=PREFIX + plan.name,
            uscc=_code(n, plan.district),
            kind=plan.kind,
            region=plan.district,
            address=f"广州市{plan.name[:3]}示范路{n}号",
            legal_rep_name="陈演示",
            contact_name="林演示",
            contact_phone=f"1380000{n:04d}",
            legal_form="民办非企业单位法人",
            demo=True,
        )
        services.basis_add(
            institution=inst,
            actor=district,
            kind="licence",
            issuer="广州市人社部门",
            number=f"演示{n:04d}",
            text="、".join(o for o, _ in plan.occupations),
            today=today,
        )
        services.premises_add(
            institution=inst,
            actor=district,
            address=f"广州市{plan.name[:3]}示范路{n}号实训楼",
            capacity=40,
            equipment="实训工位 20 个",
        )
        services.teacher_add(
            institution=inst,
            actor=district,
            name="黄演示",
            occupation=plan.occupations[0][0],
            certificate=f"{plan.occupations[0][0]} 二级/技师",
        )
        for occupation, level in plan.occupations:
            services.approval_add(
                institution=inst,
                actor=district,
                role="training",
                occupation=occupation,
                level=level,
                valid_from=date(last_year, 1, 1),
            )
        for rule in (RESOURCES, SYSTEMS):
            services.finding_record(
                institution=inst,
                actor=district,
                rule=rule,
                outcome="passed",
                evidence="演示：实地核查场地、师资和管理制度",
            )
        for who, action in plan.moves:
            if action == "remove" and plan.serious_violation:
                services.credit_event_record(
                    institution=inst,
                    actor=staff.city,
                    kind="serious_violation",
                    on=date(last_year, 9, 1),
                    source="演示：穗人社罚〔演示〕1号",
                    summary="演示：虚报培训人数",
                    reason="演示数据",
                )
            if action in ("suspend", "remove") and plan.inspection:
                services.inspection_record(
                    institution=inst,
                    actor=district,
                    kind="first_class",
                    on=date(last_year, 6, 1),
                    result=plan.inspection,
                    findings="演示：首期补贴性培训班实地检查",
                    today=today,
                )
            inst = services.institution_move(
                institution=inst,
                actor=actor[who],
                action=action,
                reason=f"演示：{INSTITUTION.transition(action).label_zh}",
                today=today,
            )
        if inst.status == "listed" and plan.inspection:
            services.inspection_record(
                institution=inst,
                actor=district,
                kind="first_class",
                on=date(last_year, 6, 1),
                result=plan.inspection,
                findings="演示：首期补贴性培训班实地检查",
                today=today,
            )
            services.evaluation_record(
                institution=inst,
                actor=staff.city,
                year=last_year,
                evaluator="演示第三方评估机构",
                today=today,
                scores={
                    "teaching": 8,
                    "teachers": 8,
                    "outcomes": 7 + n % 3,
                    "employment": 6,
                    "satisfaction": 9,
                },
            )
        if inst.status in ("listed", "suspended"):
            # Its clerk files the institution's classes and claims in the demo; like every demo
            # account, the password is random and never shown.
            services.clerk_create(
                institution=inst,
                actor=district,
                username=f"demo-clerk-{n}",
                password=secrets.token_urlsafe(24),
            )
        out.append(inst)
    return out
