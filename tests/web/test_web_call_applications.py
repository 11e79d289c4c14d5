"""The project call run through its services (002 · 四): clerks file 附件1 to their districts, the
districts return, decline or forward, the city scores with conflicts enforced, decides collectively,
publishes the notice, answers objections, files with the province, and the districts track."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from call_support import (
    MARKS,
    TIANHE,
    USCC,
    YUEXIU,
    applicant,
    city_staff,
    district_staff,
    form_for,
    opened_call,
    submitted,
    today,
)
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.http import Http404
from web_support import make_staff

from accounts.models import Role
from audit.models import AuditRecord
from calls import selectors, services
from calls.models import Application, ProjectCall, Revision
from calls.sealing import opened_form
from common.errors import Conflict

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def test_a_clerk_files_a_valid_form_and_it_is_kept_as_revision_one() -> None:
    city = city_staff()
    call = opened_call(city)
    clerk = applicant(district_staff(TIANHE), call, TIANHE, "clerk-th")
    application = submitted(clerk, call, TIANHE)
    assert (application.status, application.revision, application.trainees, application.total_fen) == (
        "submitted",
        1,
        180,
        13_199_940,
    )
    assert [o.name for o in application.occupations.all()] == ["中式烹调师", "预制菜加工员"]
    stored = Revision.objects.get(application=application, number=1).form["unit"]["contact"]
    assert "mobile" not in stored
    assert stored["mobile_masked"] != "13912345678"
    assert opened_form(application.form)["unit"]["contact"]["mobile"] == "13912345678"


def test_a_budget_that_does_not_add_up_a_standard_over_800_and_an_unknown_occupation_are_refused() -> None:
    city = city_staff()
    call = opened_call(city)
    clerk = applicant(district_staff(TIANHE), call, TIANHE, "clerk-th")
    form = form_for(TIANHE)
    form["projects"][0]["budget"]["total_fen"] = 13_000_000
    form["projects"][0]["occupations"][0]["proposed_standard_fen"] = 80_001
    form["projects"][0]["occupations"][1]["certificates"] = ["skill_level"]
    application = services.application_start(actor=clerk, call_pk=call.pk, district=TIANHE, form=form)
    with pytest.raises(ValidationError) as bad:
        services.application_submit(actor=clerk, pk=application.pk)
    errors = bad.value.message_dict
    assert errors["projects[0].budget.total_fen"] == [
        "经费预算总额应为 培训对象人数×经费预算标准 = 180×73333 = 13199940 分（填写值：13000000）"
    ]
    assert errors["projects[0].occupations[0].proposed_standard_fen"] == [
        "建议补贴标准不得超过每人800元（80000分）（填写值：80001）"
    ]
    assert errors["projects[0].occupations[1].name"][0].startswith("不在本次征集适用的补贴标准目录中")
    assert Application.objects.get(pk=application.pk).status == "draft"


def test_a_submission_one_minute_after_the_district_deadline_is_refused_until_an_audited_extension() -> None:
    city = city_staff()
    call = services.call_create(actor=city, call_file="guangzhou-2023")
    services.call_configure(
        actor=city,
        pk=call.pk,
        budget_fen=50_000_000,
        notice_days=5,
        rubric_confirmed=True,
        reason="局务会议定",
    )
    services.call_open(actor=city, pk=call.pk)
    clerk = applicant(district_staff(TIANHE), call, TIANHE, "clerk-th")
    application = services.application_start(
        actor=clerk, call_pk=call.pk, district=TIANHE, form=form_for(TIANHE)
    )
    late = datetime(2023, 8, 11, 0, 1, tzinfo=SHANGHAI)
    with pytest.raises(ValidationError) as refused:
        services.application_submit(actor=clerk, pk=application.pk, at=late)
    assert refused.value.message_dict["submitted_at"] == [
        "应征单位向区人社部门提交附件1、附件2的截止时间为8月10日（2023-08-11T00:00:00+08:00前），"
        "提交时间 2023-08-11T00:01:00+08:00 已过期限"
    ]
    services.call_extend_deadline(
        actor=city, pk=call.pk, deadline="to_district", until=datetime(2023, 8, 15).date(), reason="台风停工"
    )
    assert services.application_submit(actor=clerk, pk=application.pk, at=late).status == "submitted"
    extension = AuditRecord.objects.get(action="call.extend_deadline")
    assert (extension.reason, extension.changes) == (
        "台风停工",
        {"deadline": "to_district", "from": "2023-08-10", "to": "2023-08-15"},
    )


def test_a_form_naming_another_institution_is_refused_on_the_uscc() -> None:
    city = city_staff()
    call = opened_call(city)
    clerk = applicant(district_staff(TIANHE), call, TIANHE, "clerk-th")
    form = form_for(TIANHE)
    form["unit"]["uscc"] = USCC[YUEXIU]
    application = services.application_start(actor=clerk, call_pk=call.pk, district=TIANHE, form=form)
    with pytest.raises(ValidationError) as bad:
        services.application_submit(actor=clerk, pk=application.pk)
    assert bad.value.message_dict == {
        "unit.uscc": ["应为本单位的统一社会信用代码 91440106MA5D00001H（填写值：'91440104MA5D00002P'）"]
    }


def test_the_district_returns_with_comments_per_field_and_the_clerk_resubmits_revision_two() -> None:
    city = city_staff()
    call = opened_call(city)
    tianhe = district_staff(TIANHE)
    clerk = applicant(tianhe, call, TIANHE, "clerk-th")
    application = submitted(clerk, call, TIANHE)
    with pytest.raises(ValidationError) as bad:
        services.application_return(
            actor=tianhe, pk=application.pk, comments=[("unit.nothing", "?")], reason="材料不全"
        )
    assert bad.value.message_dict == {"comments[0].path": ["申报表中没有字段 unit.nothing"]}
    services.application_return(
        actor=tianhe,
        pk=application.pk,
        comments=[
            ("projects[0].need_analysis", "请补充本区企业用工需求数据"),
            ("unit.contact.mobile", "请核实"),
        ],
        reason="材料不全",
    )
    assert [(c.path, c.revision) for c in application.comments.all()] == [
        ("projects[0].need_analysis", 1),
        ("unit.contact.mobile", 1),
    ]
    form = form_for(TIANHE)
    form["projects"][0]["need_analysis"] = "天河区餐饮企业2023年缺厨师约1200人（区人社局调查）。"
    services.application_save(actor=clerk, pk=application.pk, form=form)
    again = services.application_submit(actor=clerk, pk=application.pk)
    assert (again.status, again.revision) == ("resubmitted", 2)
    diff = selectors.revision_diff(again, 2)
    assert diff == [
        (
            "projects[0].need_analysis",
            "本区餐饮企业厨师缺口较大。",
            "天河区餐饮企业2023年缺厨师约1200人（区人社局调查）。",
        )
    ]


def test_a_submitted_form_cannot_be_changed_and_another_clerk_cannot_see_it() -> None:
    city = city_staff()
    call = opened_call(city)
    clerk = applicant(district_staff(TIANHE), call, TIANHE, "clerk-th")
    other = applicant(district_staff(YUEXIU), call, YUEXIU, "clerk-yx")
    application = submitted(clerk, call, TIANHE)
    with pytest.raises(Conflict):
        services.application_save(actor=clerk, pk=application.pk, form=form_for(TIANHE))
    with pytest.raises(Http404):
        services.application_withdraw(actor=other, pk=application.pk, reason="x")
    assert list(selectors.applications_of(application.institution)) == [application]


def test_an_attachment_must_be_what_it_claims_and_within_the_size_limit() -> None:
    city = city_staff()
    call = opened_call(city)
    clerk = applicant(district_staff(TIANHE), call, TIANHE, "clerk-th")
    application = services.application_start(
        actor=clerk, call_pk=call.pk, district=TIANHE, form=form_for(TIANHE)
    )
    with pytest.raises(ValidationError) as fake:
        services.attachment_add(
            actor=clerk,
            pk=application.pk,
            label="营业执照",
            file_name="licence.pdf",
            data=b"MZ\x90\x00 not a pdf",
        )
    assert fake.value.message_dict == {"file": ["附件 licence.pdf 的内容不是 PDF 文件，与文件名不符"]}
    with pytest.raises(ValidationError) as exe:
        services.attachment_add(
            actor=clerk, pk=application.pk, label="营业执照", file_name="a.exe", data=b"MZ"
        )
    assert exe.value.message_dict == {"file": ["附件 a.exe 的类型不受理：只接受 jpeg、jpg、pdf、png 文件"]}
    with pytest.raises(ValidationError) as big:
        services.attachment_add(
            actor=clerk,
            pk=application.pk,
            label="营业执照",
            file_name="big.pdf",
            data=b"%PDF-" + b"0" * services.ATTACHMENT_MAX_BYTES,
        )
    assert big.value.message_dict == {"file": ["附件 big.pdf 超过大小上限 5 MB"]}
    kept = services.attachment_add(
        actor=clerk, pk=application.pk, label="营业执照", file_name="../../licence.pdf", data=b"%PDF-1.4 ok"
    )
    assert (kept.file_name, kept.content_type, kept.size) == (".._.._licence.pdf", "application/pdf", 11)


def _through_scoring() -> tuple[ProjectCall, Application, Application, list[AbstractUser]]:
    city = city_staff()
    call = opened_call(city, budget_fen=20_000_000)
    tianhe, yuexiu = district_staff(TIANHE), district_staff(YUEXIU)
    a = submitted(applicant(tianhe, call, TIANHE, "clerk-th"), call, TIANHE)
    b = submitted(applicant(yuexiu, call, YUEXIU, "clerk-yx"), call, YUEXIU)
    services.application_forward(actor=tianhe, pk=a.pk)
    services.application_forward(actor=yuexiu, pk=b.pk)
    services.call_close_applications(actor=city, pk=call.pk)
    services.call_start_city_review(actor=city, pk=call.pk)
    reviewers = [make_staff(f"reviewer-{i}", Role.CITY_BUREAU, "440100") for i in range(4)]
    return call, a, b, [city, *reviewers]


def test_a_conflicted_reviewer_is_refused_and_the_others_score() -> None:
    call, a, b, (city, r1, r2, r3, r4) = _through_scoring()
    services.conflict_declare(actor=r4, pk=a.pk, reason="曾在该校任兼职教师")
    with pytest.raises(ValidationError) as blocked:
        services.review_submit(actor=r4, pk=a.pk, marks=MARKS)
    assert (
        blocked.value.message_dict["reviewer"][0]
        == f"已申报与 {a.pk} 存在利益冲突（曾在该校任兼职教师），不得评分"
    )
    for r in (r1, r2, r3):
        services.review_submit(actor=r, pk=a.pk, marks=MARKS)
        services.review_submit(actor=r, pk=b.pk, marks=MARKS)
    with pytest.raises(Conflict):
        services.review_submit(actor=r1, pk=a.pk, marks=MARKS)
    assert [str(r.total) for r in a.reviews.all()] == ["80.00", "80.00", "80.00"]
    scored = services.scoring_close(actor=city, call_pk=call.pk)
    assert [x.status for x in scored] == ["scored", "scored"]


def test_a_review_without_a_justification_names_the_criterion() -> None:
    _call, a, _b, (_city, r1, *_rest) = _through_scoring()
    marks = [dict(m) for m in MARKS]
    marks[2]["justification"] = " "
    with pytest.raises(ValidationError) as bad:
        services.review_submit(actor=r1, pk=a.pk, marks=marks)
    assert bad.value.message_dict == {"marks[2].justification": ["每项评分须写明理由"]}


def test_the_whole_call_runs_to_filing_and_a_warned_project_is_removed() -> None:
    call, a, b, (city, r1, r2, r3, _r4) = _through_scoring()
    for r in (r1, r2, r3):
        services.review_submit(actor=r, pk=a.pk, marks=MARKS)
        services.review_submit(actor=r, pk=b.pk, marks=MARKS)
    services.scoring_close(actor=city, call_pk=call.pk)
    with pytest.raises(ValidationError) as over:
        services.meeting_record(
            actor=city,
            call_pk=call.pk,
            held_on=today(),
            members=["局长", "副局长", "处长"],
            choices=[
                services.ChoiceInput(a.pk, True, "评分第一", 80_000),
                services.ChoiceInput(b.pk, True, "评分并列", 70_000),
            ],
        )
    # 180 trainees × 800 元 + 180 × 700 元 = 270000 元 against a budget of 200000 元.
    assert over.value.message_dict == {"overrun_reason": ["入选项目合计超出预算 70000 元，须说明超出的理由"]}
    meeting = services.meeting_record(
        actor=city,
        call_pk=call.pk,
        held_on=today(),
        members=["局长", "副局长", "处长"],
        choices=[
            services.ChoiceInput(a.pk, True, "评分第一", 80_000),
            services.ChoiceInput(b.pk, True, "评分并列", 70_000),
        ],
        overrun_reason="两区需求均紧迫，追加预算",
    )
    assert (
        meeting.statement == "入选2个项目，合计270000元，超出预算200000元 70000元：两区需求均紧迫，追加预算"
    )
    assert Application.objects.get(pk=a.pk).accepted_standard_fen == 80_000
    services.notice_publish(actor=city, call_pk=call.pk, starts_on=today() - timedelta(days=6))
    assert ProjectCall.objects.get(pk=call.pk).notice_ends_on == today() - timedelta(days=2)
    with pytest.raises(ValidationError):
        services.objection_file(actor=city, call_pk=call.pk, text="迟到的异议", filed_on=today())
    objection = services.objection_file(
        actor=city,
        call_pk=call.pk,
        text="该校场地面积不实",
        filed_on=today() - timedelta(days=4),
        application=a.pk,
    )
    with pytest.raises(ValidationError) as blocked:
        services.call_file_with_province(
            actor=city, call_pk=call.pk, filed_on=today(), reference="粤人社备〔2023〕1号"
        )
    assert blocked.value.message_dict == {"filed_on": [f"异议尚未答复：{objection.pk}"]}
    services.objection_answer(actor=city, pk=objection.pk, answer="经现场核查，场地属实", on=today())
    filed = services.call_file_with_province(
        actor=city, call_pk=call.pk, filed_on=today(), reference="粤人社备〔2023〕1号"
    )
    assert (filed.status, filed.filing_reference) == ("filed", "粤人社备〔2023〕1号")
    services.call_start_tracking(actor=city, call_pk=call.pk)
    tianhe = district_staff(TIANHE)
    assert selectors.project_for_filing(institution=a.institution, pk=a.pk) is None  # filed, not tracked yet
    services.application_track(actor=tianhe, pk=a.pk)
    assert selectors.project_for_filing(institution=a.institution, pk=a.pk) == Application.objects.get(
        pk=a.pk
    )
    assert selectors.project_for_filing(institution=b.institution, pk=a.pk) is None
    services.tracking_record(
        actor=tianhe, pk=a.pk, kind="evaluation", on=today(), text="第一阶段：开班2期，合格率92%"
    )
    with pytest.raises(Http404):
        services.tracking_record(actor=district_staff(YUEXIU), pk=a.pk, kind="warning", on=today(), text="x")
    services.tracking_record(actor=tianhe, pk=a.pk, kind="warning", on=today(), text="实训工位不足")
    assert selectors.project_for_filing(institution=a.institution, pk=a.pk) is None
    services.tracking_record(actor=tianhe, pk=a.pk, kind="removal", on=today(), text="警告后仍未整改")
    assert Application.objects.get(pk=a.pk).status == "removed"
    assert [e.kind for e in a.tracking.all()] == ["evaluation", "warning", "removal"]
