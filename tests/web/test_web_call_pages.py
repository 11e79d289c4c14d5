"""The call's pages: a clerk fills 附件1 field by field and submits it; the district returns it with
a comment beside the field, forwards it and downloads 附件3; the city's pages; the public notice."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import quote

import pytest
from call_support import (
    MARKS,
    TIANHE,
    YUEXIU,
    applicant,
    city_staff,
    district_staff,
    form_for,
    opened_call,
    submitted,
    through_notice,
    today,
)
from django.test import Client
from openpyxl import load_workbook
from web_support import PASSWORD, make_staff

from accounts.models import Role
from calls import services
from calls.models import Application

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)  # type: ignore[arg-type]
    return c


def _posted(form: dict, prefix: str = "") -> dict[str, object]:
    """附件1 as the page posts it: one input per path, money in 元, booleans as yes/no."""
    out: dict[str, object] = {}

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{path}.{k}" if path else k)
        elif isinstance(node, list) and (path.endswith("districts") or path.endswith("certificates")):
            out[path] = node
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")
        elif isinstance(node, bool):
            out[path] = "yes" if node else "no"
        elif path.endswith("_fen") and isinstance(node, int):
            out[path] = f"{node / 100:.2f}"
        elif node is not None:
            out[path] = str(node)

    walk(form, prefix)
    return out


def test_a_clerk_fills_the_form_field_by_field_and_submits_it() -> None:
    call = opened_call(city_staff())
    clerk = applicant(district_staff(TIANHE), call, TIANHE, "clerk-th")
    page = _client(clerk)
    listing = page.get("/office/workspace/calls/")
    assert listing.status_code == 200
    assert "广州市“揭榜领题”职业技能培训项目征集（首批）" in listing.content.decode()
    started = page.post("/office/workspace/calls/", {"call": call.pk, "district": TIANHE})
    assert started.status_code == 302
    application = Application.objects.get()
    form = form_for(TIANHE)
    form["projects"][0]["budget"]["total_fen"] = 100
    bad = page.post(started["Location"], {**_posted(form), "submit": "1"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "经费预算总额应为 培训对象人数×经费预算标准 = 180×73333 = 13199940 分" in text
    assert Application.objects.get().status == "draft"
    good = page.post(started["Location"], {**_posted(form_for(TIANHE)), "submit": "1"}, follow=True)
    assert good.status_code == 200
    assert Application.objects.get(pk=application.pk).status == "submitted"
    assert "已提交区级" in good.content.decode()


def test_the_district_returns_with_a_comment_the_clerk_sees_beside_the_field() -> None:
    call = opened_call(city_staff())
    tianhe = district_staff(TIANHE)
    clerk = applicant(tianhe, call, TIANHE, "clerk-th")
    application = submitted(clerk, call, TIANHE)
    office = _client(tianhe)
    assert office.get(f"/office/calls/applications/{application.pk}/").status_code == 200
    office.post(
        f"/office/calls/applications/{application.pk}/do/return/",
        {"path-0": "projects[0].need_analysis", "comment-0": "请补充用工调查数据", "reason": "材料不全"},
    )
    assert Application.objects.get(pk=application.pk).status == "returned"
    page = _client(clerk).get(f"/office/workspace/calls/applications/{application.pk}/").content.decode()
    assert "请补充用工调查数据" in page
    assert page.rindex("请补充用工调查数据") > page.index('name="projects[0].need_analysis"')


def test_the_district_forwards_stamps_and_downloads_the_summary_in_the_documents_columns() -> None:
    call = opened_call(city_staff())
    tianhe = district_staff(TIANHE)
    application = submitted(applicant(tianhe, call, TIANHE, "clerk-th"), call, TIANHE)
    office = _client(tianhe)
    office.post(f"/office/calls/applications/{application.pk}/do/forward/")
    assert Application.objects.get(pk=application.pk).status == "forwarded"
    office.post(f"/office/calls/{call.pk}/do/stamp/", {"signer": "王五", "phone": "020-12345678"})
    xlsx = office.get(f"/office/calls/{call.pk}/summary/{TIANHE}/")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    # 附件3's columns in the document's order (seed 002, lines 380–408).
    assert rows[2] == (
        "序号",
        "单位名称",
        "单位性质",
        "拟申报职业培训项目",
        "拟申报职业（工种）",
        "拟开设培训班次",
        "拟培训人数（人）",
        "培训形式",
        "相关证书",
        "建议补贴标准（元/人）",
    )
    assert rows[3][:5] == (
        1,
        "广州市天河区粤厨职业培训学校",
        "人社部门批复的培训机构",
        "“粤菜师傅”中式烹调培训项目",
        "中式烹调师",
    )
    assert rows[1][1] == "填报人：王五"
    other = _client(district_staff(YUEXIU))
    assert other.get(f"/office/calls/applications/{application.pk}/").status_code == 404
    assert other.get(f"/office/calls/{call.pk}/summary/{TIANHE}/").status_code == 404


def test_the_public_notice_lists_the_selected_projects_and_says_the_documents_give_no_length() -> None:
    city = city_staff()
    call = opened_call(city)
    tianhe = district_staff(TIANHE)
    a = submitted(applicant(tianhe, call, TIANHE, "clerk-th"), call, TIANHE)
    services.application_forward(actor=tianhe, pk=a.pk)
    services.call_close_applications(actor=city, pk=call.pk)
    services.call_start_city_review(actor=city, pk=call.pk)
    for i in range(3):
        services.review_submit(actor=make_staff(f"rv{i}", Role.CITY_BUREAU, "440100"), pk=a.pk, marks=MARKS)
    services.scoring_close(actor=city, call_pk=call.pk)
    services.meeting_record(
        actor=city,
        call_pk=call.pk,
        held_on=today(),
        members=["甲", "乙"],
        choices=[services.ChoiceInput(a.pk, True, "评分达标", 75_000)],
    )
    services.notice_publish(actor=city, call_pk=call.pk, starts_on=today() - timedelta(days=1))
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/calls/{call.pk}/notice/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "公示中" in text
    assert "广州市天河区粤厨职业培训学校" in text and "中式烹调师、预制菜加工员" in text and "750" in text
    assert "征集文件要求社会公示，但未规定公示期；公示期5天由市人社部门设定。" in text
    assert Client().get("/calls/").status_code == 200
    assert PASSWORD


def test_the_applicants_summary_downloads_in_the_documents_columns_with_the_file_name_of_the_call() -> None:
    call = opened_call(city_staff())
    clerk = applicant(district_staff(TIANHE), call, TIANHE, "clerk-th")
    application = submitted(clerk, call, TIANHE)
    got = _client(clerk).get(f"/office/workspace/calls/applications/{application.pk}/paper/summary/")
    # 区名+单位名称+联系人+联系方式 (002 · 七（二）)
    assert got["Content-Disposition"] == "attachment; filename*=utf-8''" + quote(
        "天河区+广州市天河区粤厨职业培训学校+李华+13912345678.xlsx"
    )
    rows = list(load_workbook(io.BytesIO(got.content)).active.iter_rows(values_only=True))
    # 附件2's columns in the document's order (seed 002, lines 353–373).
    assert rows[2] == (
        "序号",
        "拟申报职业培训项目",
        "拟申报职业（工种）",
        "拟开设培训班次",
        "拟培训人数（人）",
        "培训形式",
        "相关证书",
        "建议补贴标准（元/人）",
    )
    assert rows[3] == (
        1,
        "“粤菜师傅”中式烹调培训项目",
        "中式烹调师",
        4,
        120,
        "线上+线下（线上20%，线下80%）",
        "职业技能等级证书",
        "800",
    )
    printed = _client(clerk).get(f"/office/workspace/calls/applications/{application.pk}/paper/print/")
    assert printed.status_code == 200 and "广州市天河区粤厨职业培训学校" in printed.content.decode()


def test_the_city_sees_the_ranking_with_its_trace_and_a_conflicted_reviewer_no_score_form() -> None:
    city = city_staff()
    call = opened_call(city)
    tianhe = district_staff(TIANHE)
    a = submitted(applicant(tianhe, call, TIANHE, "clerk-th"), call, TIANHE)
    services.application_forward(actor=tianhe, pk=a.pk)
    services.call_close_applications(actor=city, pk=call.pk)
    services.call_start_city_review(actor=city, pk=call.pk)
    services.review_submit(actor=make_staff("rv1", Role.CITY_BUREAU, "440100"), pk=a.pk, marks=MARKS)
    conflicted = make_staff("rv2", Role.CITY_BUREAU, "440100")
    services.conflict_declare(actor=conflicted, pk=a.pk, reason="曾任该校顾问")
    page = _client(city).get(f"/office/calls/{call.pk}/").content.decode()
    assert "rv1：80.00分" in page and "评审人数不足：需要至少3名" in page
    own = _client(conflicted).get(f"/office/calls/applications/{a.pk}/").content.decode()
    assert "您已申报与该申报存在利益冲突，不得评分。" in own and 'name="points-need"' not in own
    refused = _client(conflicted).post(
        f"/office/calls/applications/{a.pk}/do/review/",
        {f"points-{m['criterion']}": "8" for m in MARKS} | {f"why-{m['criterion']}": "好" for m in MARKS},
        follow=True,
    )
    assert "存在利益冲突（曾任该校顾问），不得评分" in refused.content.decode()
    assert a.reviews.count() == 1


def test_the_filed_result_exports_as_xlsx_and_as_json_with_its_reference() -> None:
    world = through_notice(started_days_ago=10)  # five days, ended: the result may be filed
    call, city = world["call"], world["city"]
    services.call_file_with_province(
        actor=city, call_pk=call.pk, filed_on=today(), reference="粤人社备〔2023〕9号"
    )
    office = _client(city)
    rows = list(
        load_workbook(
            io.BytesIO(office.get(f"/office/calls/{call.pk}/filing.xlsx").content)
        ).active.iter_rows(values_only=True)
    )
    assert rows[1] == (
        f"备案日期：{today().isoformat()}",
        "备案文号：粤人社备〔2023〕9号",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    )
    assert rows[3][1:] == (
        "天河区",
        "广州市天河区粤厨职业培训学校",
        "91440106MA5D00001H",
        "“粤菜师傅”中式烹调培训项目",
        "中式烹调师",
        120,
        "750",
        "已备案",
    )
    body = office.get(f"/api/v1/calls/{call.pk}/filing").json()
    assert (body["reference"], body["filed_on"], [r["occupation"] for r in body["rows"]]) == (
        "粤人社备〔2023〕9号",
        today().isoformat(),
        ["中式烹调师", "预制菜加工员"],
    )
    assert _client(world["clerk"]).get(f"/api/v1/calls/{call.pk}/filing").status_code == 403


def test_the_city_lists_its_calls_and_creates_one_from_its_file() -> None:
    office = _client(city_staff())
    listing = office.get("/office/calls/").content.decode()
    assert '<option value="guangzhou-2023">广州市“揭榜领题”职业技能培训项目征集（首批）</option>' in listing
    created = office.post("/office/calls/", {"call_file": "guangzhou-2023"})
    assert created.status_code == 302
    page = office.get(created["Location"]).content.decode()
    assert "公示期天数未设定：征集通知未规定公示期，须由市人社部门设定后方可开放征集" in page
