"""The project call in the demo city (`make demo`): Guangzhou's call (002) run through the services as
its people would run it. The city sets it up and opens it; the demo clerks (`demo-clerk-N`) and nine
applicants the districts register in the same flow file 附件1; the districts return, decline and
forward; four reviewers score (one declares a conflict); the meeting decides; the notice runs and
ends, with one objection answered and one upheld; the result is filed; the districts track, warn,
remove and complete. The call ends in tracking with applications left in thirteen of the sixteen
states (forwarded, scored, selected and in_notice are passed through on the way, in the audit trail).

The documents' deadlines (2023) have passed, so the city extends both, with a reason, as an
authorised person would; the notice length and the budget are the demo's own (002 gives neither)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from stdnum.cn import uscc

from accounts.models import Role
from accounts.services import staff_create
from calls import services
from calls.models import Application, ProjectCall
from calls.sealing import opened_form
from institutions.models import Clerk
from skillsubsidy.calls.call import load_call

PREFIX = "【演示】"
DISTRICT_NAMES = {
    "440103": "荔湾区",
    "440104": "越秀区",
    "440105": "海珠区",
    "440106": "天河区",
    "440111": "白云区",
    "440112": "黄埔区",
    "440113": "番禺区",
    "440114": "花都区",
    "440115": "南沙区",
}


@dataclass(frozen=True)
class Applicant:
    key: str
    district: str
    occupation: str
    trainees: int
    standard_fen: int  # proposed
    target: str  # the state the demo leaves it in
    clerk: str = ""  # an existing demo clerk; empty: registered by the district in the same flow
    name: str = ""
    kind: str = "hr_approved"


APPLICANTS = (
    Applicant("c1", "440106", "焊工", 120, 80_000, "tracking", clerk="demo-clerk-1"),
    Applicant("c2", "440106", "电工", 90, 70_000, "warned", clerk="demo-clerk-2"),
    Applicant("c3", "440104", "家政服务员", 150, 60_000, "removed", clerk="demo-clerk-3"),
    Applicant("c4", "440105", "中式烹调师", 100, 75_000, "completed", clerk="demo-clerk-4"),
    Applicant("r5", "440111", "养老护理员", 80, 70_000, "filed", name="白云区康养职业培训学校"),
    Applicant(
        "r6",
        "440112",
        "电子商务师",
        60,
        50_000,
        "not_selected",
        name="黄埔区电商直播培训中心",
        kind="hr_company",
    ),
    Applicant("r7", "440113", "保育师", 70, 65_000, "objection_upheld", name="番禺区幼儿照护培训学校"),
    Applicant("r8", "440114", "农业经理人", 50, 60_000, "declined", name="花都区乡村工匠培训中心"),
    Applicant("r9", "440115", "网约配送员", 40, 40_000, "withdrawn", name="南沙区新业态培训中心"),
    Applicant("r10", "440103", "中式烹调师", 60, 80_000, "returned", name="荔湾区粤菜师傅培训学校"),
    Applicant("r11", "440111", "焊工", 45, 70_000, "resubmitted", name="白云区焊接实训基地"),
    Applicant("r12", "440112", "电工", 30, 60_000, "submitted", name="黄埔区电工实训中心"),
    Applicant("r13", "440113", "家政服务员", 30, 50_000, "draft", name="番禺区家政服务培训中心"),
)


def _uscc(n: int, district: str) -> str:
    first17 = f"52{district}MJC{n:05d}"[:17].ljust(17, "0")
    return first17 + uscc.calc_check_digit(first17)


def form(*, name: str, code: str, kind: str, district: str, a: Applicant) -> dict[str, Any]:
    """A complete 附件1 for one project of one occupation, in the shape calls.forms reads."""
    total = a.trainees * a.standard_fen
    return {
        "unit": {
            "name": name,
            "uscc": code,
            "main_fields": a.occupation,
            "years_established": 8,
            "registered_capital_fen": 300_000_000,
            "kind": kind,
            "legal_representative": {
                "name": "陈演示",
                "title": "校长",
                "mobile": "13800000001",
                "email": "chen@demo.example.cn",
            },
            "contact": {
                "name": "林演示",
                "title": "教务主任",
                "mobile": "13900000002",
                "email": "lin@demo.example.cn",
            },
            "address": f"广州市{DISTRICT_NAMES[district]}示范路1号",
            "website": "https://demo.example.cn",
            "has_own_platform": False,
            "violations": False,
            "staff": {"total": 30, "teaching": 20, "academic_affairs": 6, "other": 4},
            "introduction": "演示：经人社部门批复设立，年培训规模千余人次。",
            "finances": [
                {"year": y, "income_fen": 200_000_000 + i * 10_000_000, "tax_fen": 6_000_000 + i * 300_000}
                for i, y in enumerate((2020, 2021, 2022))
            ],
        },
        "projects": [
            {
                "type": "major_programmes"
                if a.occupation in ("中式烹调师", "家政服务员")
                else "key_industry_chains",
                "name": f"演示：{a.occupation}技能提升培训项目",
                "districts": [DISTRICT_NAMES[district]],
                "occupations": [
                    {
                        "name": a.occupation,
                        "introduction": f"演示：{a.occupation}。",
                        "classes": max(1, a.trainees // 30),
                        "trainees": a.trainees,
                        "certificates": ["skill_level"],
                        "proposed_standard_fen": a.standard_fen,
                        "teachers": {
                            "total": 6,
                            "titled": 2,
                            "certified": 6,
                            "masters": 1,
                            "assessors": 1,
                            "other": 0,
                        },
                        "premises": "演示：实训楼400平方米，自有，40个工位。",
                        "equipment": [
                            {"name": "实训设备", "brand": "演示", "quantity": 20, "ownership": "自有"}
                        ],
                        "strengths": "演示：连续多年承担政府补贴性培训。",
                    }
                ],
                "plan": {
                    "trainees_per_year": a.trainees,
                    "classes": max(1, a.trainees // 30),
                    "class_size": 30,
                    "hours": 80,
                    "content": "演示：理论与实操",
                    "schedule": "演示：全年滚动开班",
                },
                "delivery": "offline",
                "materials": "演示：国家基本职业培训包教材",
                "standard_kind": "national",
                "standard": f"{a.occupation}国家职业技能标准",
                "assessment": "演示：理论机考与实操考核",
                "need_analysis": "演示：本区企业用工需求调查显示缺口较大。",
                "employment_plan": "演示：训后三个月内推荐就业并回访。",
                "budget": {"trainees": a.trainees, "standard_fen": a.standard_fen, "total_fen": total},
            }
        ],
    }


def _marks(points: int) -> list[dict[str, Any]]:
    criteria = [c.code for c in load_call("guangzhou-2023").rubric.criteria]
    return [{"criterion": c, "points": points, "justification": "演示：材料齐全，依据充分"} for c in criteria]


def load_call_demo(*, city: User, districts: dict[str, User], today: date) -> ProjectCall:
    """The demo call, end to end. The caller runs this in one transaction with the rest of the demo."""
    record = services.call_create(actor=city, call_file="guangzhou-2023", demo=True)
    services.call_configure(
        actor=city,
        pk=record.pk,
        budget_fen=100_000_000,
        notice_days=5,
        rubric_confirmed=True,
        reason="演示：局务会议确定预算、公示期，采用示例评分细则",
    )
    services.call_open(actor=city, pk=record.pk)
    # The services stamp submissions with the real time, so the extension counts from the real today,
    # which is later than the demo's day when load_demo dated it back for want of calendar data.
    for deadline in ("to_district", "to_city"):
        services.call_extend_deadline(
            actor=city,
            pk=record.pk,
            deadline=deadline,
            until=timezone.localdate() + timedelta(days=30),
            reason="演示：文件规定的2023年截止日已过，为演示延长",
        )
    apps: dict[str, Application] = {}
    clerks: dict[str, User] = {}
    for n, a in enumerate(APPLICANTS, start=1):
        if a.clerk:
            clerk = Clerk.objects.select_related("institution", "user").get(user__username=a.clerk)
            user, institution = clerk.user, clerk.institution
        else:
            made = services.applicant_register(
                actor=districts[a.district],
                call_pk=record.pk,
                username=f"demo-applicant-{n}",
                password=secrets.token_urlsafe(24),
                demo=True,
                name=PREFIX + a.name,
                uscc=_uscc(n, a.district),
                kind=a.kind,
                region=a.district,
                address=f"广州市{DISTRICT_NAMES[a.district]}示范路{n}号",
                legal_rep_name="陈演示",
                contact_name="林演示",
                contact_phone=f"1390000{n:04d}",
            )
            user, institution = made.user, made.institution
        clerks[a.key] = user
        draft = services.application_start(
            actor=user,
            call_pk=record.pk,
            district=a.district,
            form=form(
                name=institution.name, code=institution.uscc, kind=institution.kind, district=a.district, a=a
            ),
            demo=True,
        )
        services.attachment_add(
            actor=user,
            pk=draft.pk,
            label="营业执照扫描件",
            file_name="营业执照.pdf",
            data=b"%PDF-1.4\n% demo licence scan\n%%EOF\n",
        )
        apps[a.key] = draft if a.target == "draft" else services.application_submit(actor=user, pk=draft.pk)

    def district_of(key: str) -> User:
        return districts[next(a.district for a in APPLICANTS if a.key == key)]

    services.application_return(
        actor=district_of("r10"),
        pk=apps["r10"].pk,
        comments=[
            ("projects[0].need_analysis", "演示：请补充本区用工调查数据"),
            ("unit.website", "演示：网址无法访问"),
        ],
        reason="演示：材料不全",
    )
    services.application_return(
        actor=district_of("r11"),
        pk=apps["r11"].pk,
        comments=[("projects[0].employment_plan", "演示：请写明推荐就业的合作企业")],
        reason="演示：就业计划不具体",
    )
    corrected = dict(opened_form(Application.objects.get(pk=apps["r11"].pk).form))
    corrected["projects"][0]["employment_plan"] = "演示：与白云区三家制造企业签订用工协议，训后推荐就业。"
    services.application_save(actor=clerks["r11"], pk=apps["r11"].pk, form=corrected)
    services.application_submit(actor=clerks["r11"], pk=apps["r11"].pk)
    services.application_decline(actor=district_of("r8"), pk=apps["r8"].pk, reason="演示：培训场地不在本区")
    services.application_withdraw(actor=clerks["r9"], pk=apps["r9"].pk, reason="演示：单位调整培训计划")
    forwarded = ("c1", "c2", "c3", "c4", "r5", "r6", "r7")
    for key in forwarded:
        services.application_forward(actor=district_of(key), pk=apps[key].pk)
    for code in sorted({a.district for a in APPLICANTS if a.key in forwarded}):
        services.district_stamp(
            actor=districts[code], call_pk=record.pk, district=code, signer="王演示", phone="020-80000000"
        )
    services.call_close_applications(actor=city, pk=record.pk)
    services.call_start_city_review(actor=city, pk=record.pk)
    reviewers: list[User] = []
    for i in range(1, 5):
        reviewer = staff_create(
            username=f"demo-reviewer-{i}",
            password=secrets.token_urlsafe(24),
            role=Role.CITY_BUREAU,
            region="440100",
            actor=None,
        )
        assert isinstance(reviewer, User)
        reviewers.append(reviewer)
    services.conflict_declare(actor=reviewers[2], pk=apps["r6"].pk, reason="演示：曾在该单位兼职授课")
    points = {"c1": 9, "c2": 8, "c3": 7, "c4": 8, "r5": 7, "r6": 4, "r7": 6}
    for key in forwarded:
        panel = [reviewers[0], reviewers[1], reviewers[3] if key == "r6" else reviewers[2]]
        for i, reviewer in enumerate(panel):
            services.review_submit(actor=reviewer, pk=apps[key].pk, marks=_marks(max(0, points[key] - i % 2)))
    services.scoring_close(actor=city, call_pk=record.pk)
    standards = {"c1": 80_000, "c2": 70_000, "c3": 60_000, "c4": 75_000, "r5": 70_000, "r7": 65_000}
    services.meeting_record(
        actor=city,
        call_pk=record.pk,
        held_on=today - timedelta(days=12),
        members=["演示局长", "演示副局长", "演示职业能力建设处处长"],
        choices=[
            services.ChoiceInput(
                apps[k].pk,
                k in standards,
                "演示：评分排名靠前，需求明确" if k in standards else "演示：评分偏低，需求分析不足",
                standards.get(k),
            )
            for k in forwarded
        ],
    )
    services.notice_publish(actor=city, call_pk=record.pk, starts_on=today - timedelta(days=10))
    kept = services.objection_file(
        actor=city,
        call_pk=record.pk,
        text="演示：反映该校实训工位数量不实",
        filed_on=today - timedelta(days=9),
        application=apps["c1"].pk,
    )
    services.objection_answer(
        actor=city,
        pk=kept.pk,
        answer="演示：经现场核查，工位数量属实，异议不成立",
        on=today - timedelta(days=8),
    )
    upheld = services.objection_file(
        actor=city,
        call_pk=record.pk,
        text="演示：反映该单位近三年有违规记录",
        filed_on=today - timedelta(days=8),
        application=apps["r7"].pk,
    )
    services.objection_answer(
        actor=city,
        pk=upheld.pk,
        answer="演示：经核实存在违规记录，异议成立，取消入选",
        on=today - timedelta(days=7),
        uphold=True,
    )
    services.call_file_with_province(
        actor=city, call_pk=record.pk, filed_on=today, reference="粤人社备〔演示〕1号"
    )
    services.call_start_tracking(actor=city, call_pk=record.pk)
    for key in ("c1", "c2", "c3", "c4"):
        services.application_track(actor=district_of(key), pk=apps[key].pk)
        services.tracking_record(
            actor=district_of(key),
            pk=apps[key].pk,
            kind="evaluation",
            on=today,
            text="演示：第一阶段评估，开班正常",
        )
    for key in ("c2", "c3"):
        services.tracking_record(
            actor=district_of(key),
            pk=apps[key].pk,
            kind="warning",
            on=today,
            text="演示：实训课时不足，限期整改",
        )
    services.tracking_record(
        actor=district_of("c3"), pk=apps["c3"].pk, kind="removal", on=today, text="演示：警告后仍未整改"
    )
    services.tracking_record(
        actor=district_of("c4"), pk=apps["c4"].pk, kind="completion", on=today, text="演示：项目按计划完成"
    )
    return ProjectCall.objects.get(pk=record.pk)
