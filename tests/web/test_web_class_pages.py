"""Class pages, walked as people use them: the clerk drafts a class, uploads a roster with a bad row,
fixes it and files on the last on-time day (2025-09-25 for a class starting 2025-10-09); the district
sees it in its list, inspects it and reveals one number (audited); the public institution page shows
outcomes only from 10 trainees up."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from class_support import clerk_of, id_number, listed_institution, roster_xlsx, staff
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import pgettext
from test_web_chinese_only import leaks, visible_text
from web_support import client_for

from audit.models import AuditRecord
from classes import present
from classes.models import ClassInspection, TrainingClass
from common.paging import BoundedPaginator
from institutions.services import institution_move

ZHANG = id_number("19900101", 123)
LI = id_number("19920202", 224)


@pytest.fixture
def world(db: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    # 2025-09-25 10:00 in Beijing: the last day to file a class starting 2025-10-09.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2025, 9, 25, 2, 0, tzinfo=UTC))
    district, city = staff()
    inst = listed_institution(district, city)
    return type(
        "World", (), {"district": district, "city": city, "inst": inst, "clerk": clerk_of(inst, district)}
    )


NEW_CLASS = {
    "title": "焊工四级培训班", "occupation": "焊工", "level": "4", "certificate_type": "skill_level",
    "program": "training", "start": "2025-10-09", "end": "2025-10-19", "venue": "实训楼 201",
    "plan": "理论 16 课时，实操 40 课时",
    "sessions": "\n".join(f"2025-10-{9 + i:02d} | 第{i + 1}次课 | 7 | 线下" for i in range(8)),
}  # fmt: skip


def test_a_clerk_drafts_fixes_the_roster_and_files_on_the_last_on_time_day(world: Any) -> None:
    clerk = client_for(world.clerk)
    teacher = world.inst.teachers.get()
    page = clerk.post("/office/workspace/classes/new/", {**NEW_CLASS, "teachers": [str(teacher.pk)]})
    cls = TrainingClass.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/office/workspace/classes/{cls.pk}/"
    bad = roster_xlsx([("张三", ZHANG), ("李四", LI[:-1] + ("0" if LI[-1] != "0" else "1"))])
    page = clerk.post(
        f"/office/workspace/classes/{cls.pk}/roster/", {"file": SimpleUploadedFile("名册.xlsx", bad)}
    )
    shown = clerk.get(f"/office/workspace/classes/{cls.pk}/").content.decode()
    assert "最近一次检查：共 2 行，未通过 1 行" in shown and "校验码不正确" in shown
    page = clerk.post(f"/office/workspace/classes/{cls.pk}/file/")
    assert page.status_code == 400
    assert "花名册中有1行未通过检查，请修改后重新上传" in page.content.decode()
    good = roster_xlsx([("张三", ZHANG), ("李四", LI)])
    clerk.post(f"/office/workspace/classes/{cls.pk}/roster/", {"file": SimpleUploadedFile("名册.xlsx", good)})
    page = clerk.post(f"/office/workspace/classes/{cls.pk}/file/")
    assert page.status_code == 302
    cls.refresh_from_db()
    assert (cls.status, cls.filed_on, cls.trainees.count()) == ("filed", date(2025, 9, 25), 2)
    assert ZHANG not in clerk.get(f"/office/workspace/classes/{cls.pk}/").content.decode()


def test_a_bad_session_line_is_refused_naming_the_line(world: Any) -> None:
    page = client_for(world.clerk).post(
        "/office/workspace/classes/new/", {**NEW_CLASS, "sessions": "2025-10-09 | 安全 | 七 | 线下"}
    )
    assert page.status_code == 400
    assert "第1行的课时“七”不是数字" in page.content.decode()
    assert not TrainingClass.objects.exists()


def test_the_district_lists_inspects_and_reveals_one_number_with_an_audit_row(world: Any) -> None:
    clerk = client_for(world.clerk)
    clerk.post("/office/workspace/classes/new/", NEW_CLASS)
    cls = TrainingClass.objects.get()
    roster = roster_xlsx([("张三", ZHANG)])
    clerk.post(f"/office/workspace/classes/{cls.pk}/roster/", {"file": SimpleUploadedFile("r.xlsx", roster)})
    clerk.post(f"/office/workspace/classes/{cls.pk}/file/")
    district = client_for(world.district)
    listing = district.get("/office/classes/?status=filed&occupation=焊工").content.decode()
    assert "焊工四级培训班" in listing and "已备案" in listing
    page = district.post(
        f"/office/classes/{cls.pk}/inspect/",
        {"kind": "first_class", "on": "2025-10-09", "outcome": "passed",
         "findings": "首期班实地检查，人数相符",
         "present": "1"},
    )  # fmt: skip
    assert page.status_code == 302
    assert ClassInspection.objects.get().findings == "首期班实地检查，人数相符"
    trainee = cls.trainees.get()
    page = district.post(f"/office/classes/{cls.pk}/trainees/{trainee.pk}/reveal/", {"reason": "核对身份"})
    assert ZHANG in page.content.decode() and page["Cache-Control"].startswith("no-store")
    assert AuditRecord.objects.filter(action="class.reveal_id").count() == 1
    assert ZHANG not in district.get(f"/office/classes/{cls.pk}/").content.decode()


def test_the_public_institution_page_suppresses_outcomes_from_fewer_than_10_trainees(world: Any) -> None:
    page = client_for(None).get(f"/institutions/{world.inst.pk}/").content.decode()
    assert "不足10人" in page


def filed_class(world: Any, people: list[tuple[str, str]]) -> TrainingClass:
    """NEW_CLASS drafted, its roster uploaded and filed by the clerk through the pages."""
    clerk = client_for(world.clerk)
    clerk.post("/office/workspace/classes/new/", NEW_CLASS)
    cls = TrainingClass.objects.get()
    roster = SimpleUploadedFile("r.xlsx", roster_xlsx(people))
    clerk.post(f"/office/workspace/classes/{cls.pk}/roster/", {"file": roster})
    assert clerk.post(f"/office/workspace/classes/{cls.pk}/file/").status_code == 302
    return cls


def test_the_public_sees_classes_open_for_enrolment_by_occupation_and_region_without_names(
    world: Any,
) -> None:
    cls = filed_class(world, [("张三", ZHANG), ("李四", LI)])
    public = client_for(None)
    page = public.get("/classes/")
    shown = page.content.decode()
    assert page.status_code == 200
    assert "招生中的培训班" in shown and "焊工四级培训班" in shown and "广州市天河区" in shown
    assert "2025-10-09 – 2025-10-19" in shown and "实训楼 201" in shown
    assert f'href="/institutions/{world.inst.pk}/"' in shown
    # 56 class hours: eight sessions of 7 (NEW_CLASS).
    assert "<dt>课时</dt><dd>56</dd>" in shown
    for private in ("张三", "李四", ZHANG[-4:], "**********"):
        assert private not in shown
    assert leaks(shown) == []
    # A city includes its districts; another district and another occupation do not list it.
    assert "焊工四级培训班" in public.get("/classes/?region=440100&occupation=焊工").content.decode()
    assert "焊工四级培训班" not in public.get("/classes/?occupation=电工").content.decode()
    cls.region = "440104"  # 越秀区, which the filter's choices then offer instead of 天河区
    cls.save(update_fields=["region"])
    assert "焊工四级培训班" in public.get("/classes/?region=440104").content.decode()
    english = public.get("/en/classes/").content.decode()
    assert "Classes open for enrolment" in english and "Yuexiu, Guangzhou" in english
    assert "1 class open for enrolment" in english
    # The institution's public page lists it and links to the whole list.
    own = public.get(f"/institutions/{world.inst.pk}/").content.decode()
    assert "焊工四级培训班" in own and 'href="/classes/"' in own


def test_a_suspended_institutions_filed_class_is_no_longer_offered_for_enrolment(world: Any) -> None:
    filed_class(world, [("张三", ZHANG)])
    public = client_for(None)
    assert "焊工四级培训班" in public.get("/classes/").content.decode()
    institution_move(
        institution=world.inst, actor=world.city, action="suspend", reason="抽查发现问题",
        today=date(2025, 9, 25),
    )  # fmt: skip
    # The bureau still sees the class (flagged); the public is no longer invited to enrol in it.
    assert "焊工四级培训班" not in public.get("/classes/").content.decode()
    assert "焊工四级培训班" not in public.get(f"/institutions/{world.inst.pk}/").content.decode()
    assert public.get("/api/v1/classes/open").json() == []
    assert "焊工四级培训班" in client_for(world.district).get("/office/classes/").content.decode()


def test_the_open_classes_page_refuses_a_region_not_offered_naming_the_field_and_the_value(
    world: Any,
) -> None:
    filed_class(world, [("张三", ZHANG)])
    page = client_for(None).get("/classes/?region=440199")
    assert page.status_code == 400
    assert "地区：“440199”不在可选的地区中。" in page.content.decode()
    english = client_for(None).get("/en/classes/?region=天河")
    assert english.status_code == 400
    assert "Region: “天河” is not one of the regions offered." in english.content.decode()


def test_a_refused_inspection_or_amendment_names_each_field_by_its_label(world: Any) -> None:
    cls = filed_class(world, [("张三", ZHANG)])
    page = client_for(world.district).post(
        f"/office/classes/{cls.pk}/inspect/",
        {"kind": "first_class", "on": "2025-10-09", "outcome": "passed", "findings": ""},
    )
    assert page.status_code == 400
    shown = " ".join(visible_text(page.content.decode()))
    assert "检查发现：必填" in shown and "findings" not in shown
    page = client_for(world.clerk).post(
        f"/office/workspace/classes/{cls.pk}/amend/", {"venue": "实训楼 305", "reason": ""}
    )
    assert page.status_code == 400
    shown = " ".join(visible_text(page.content.decode()))
    assert "原因：" in shown and "reason" not in shown


def test_attendance_imported_by_session_date_shows_on_the_class_page_by_date(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cls = filed_class(world, [("张三", ZHANG), ("李四", LI)])
    clerk = client_for(world.clerk)
    early = clerk.post(f"/office/workspace/classes/{cls.pk}/move/", {"action": "start"})
    assert (
        "本班备案的开班日期为2025-10-09，当天或之后才能开班（今天是2025-09-25）。" in early.content.decode()
    )
    # 2025-10-09 09:00 in Beijing: the class's first day.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2025, 10, 9, 1, 0, tzinfo=UTC))
    clerk = client_for(world.clerk)  # signed in again: two weeks idle ended the first session
    clerk.post(f"/office/workspace/classes/{cls.pk}/move/", {"action": "start"})
    header = ("上课日期", "证件号码", "出勤情况", "来源", "时间")
    rows = [("2025-10-09", ZHANG, "出勤", "考勤机", "2025-10-09 09:00"),
            ("2025-10-09", LI, "请假", "人工", "2025-10-09 09:00"),
            ("2025-10-10", ZHANG, "出勤", "人脸识别", "2025-10-10 09:00"),
            ("2025-10-20", LI, "出勤", "人工", "2025-10-20 09:00"),
            ("10月11日", LI, "出勤", "人工", "2025-10-11 09:00")]  # fmt: skip
    sheet = SimpleUploadedFile("考勤.xlsx", roster_xlsx(rows, header=header))
    page = clerk.post(f"/office/workspace/classes/{cls.pk}/attendance/", {"file": sheet}, follow=True)
    shown = page.content.decode()
    assert "已保存 3 条考勤记录。" in shown
    assert "第4行：上课日期 2025-10-20 本班没有课（本班上课日期为 2025-10-09 – 2025-10-16）。" in shown
    assert "第5行：上课日期“10月11日”不是日期，请写作 YYYY-MM-DD。" in shown
    # The session table: date, number, content, hours, mode (线下, not the call's 全线下), then
    # present, absent and excused.
    assert (
        "<tr><td>2025-10-09</td><td>1</td><td>第1次课</td><td>7.0</td><td>线下</td><td>1</td><td>0</td><td>1</td></tr>"
        in shown
    )
    assert (
        "<tr><td>2025-10-10</td><td>2</td><td>第2次课</td><td>7.0</td><td>线下</td><td>1</td><td>0</td><td>0</td></tr>"
        in shown
    )
    assert "全线下" not in shown
    assert leaks(client_for(world.district).get(f"/office/classes/{cls.pk}/").content.decode()) == []


def test_a_session_reads_online_or_offline_where_the_calls_project_reads_wholly_so() -> None:
    # 002 (附件1, line 288) offers a project's 培训形式 as 全线下、全线上、线上+线下比例; a class's
    # session is simply 线上 or 线下. Both translate the msgid "Online", told apart by context.
    with translation.override("zh-hans"):
        assert (present.mode_label("online"), present.mode_label("offline")) == ("线上", "线下")
        assert pgettext("project delivery", "Online") == "全线上"
        assert pgettext("project delivery", "Offline") == "全线下"
    with translation.override("en"):
        assert present.mode_label("online") == "Online"


def test_a_list_longer_than_its_counted_pages_says_more_and_offers_no_page_past_them(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A city's list is 100,000 classes: the page count stops at 200 pages of 50 (common.paging);
    here it stops at one page of 2, over three classes."""
    from backoffice.views import classes as views

    clerk = client_for(world.clerk)
    for n in range(3):
        clerk.post("/office/workspace/classes/new/", {**NEW_CLASS, "title": f"焊工四级培训班{n}"})
    assert TrainingClass.objects.count() == 3
    monkeypatch.setattr(views, "PAGE", 2)
    monkeypatch.setattr(views, "BoundedPaginator", lambda qs, per: BoundedPaginator(qs, per, pages=1))
    district = client_for(world.district)
    first = visible_text(district.get("/office/classes/").content.decode())
    assert "第 1 页，共 1 页以上；其余的请用筛选条件缩小范围查看" in first
    assert "下一页" not in first
    assert sum(f"焊工四级培训班{n}" in first for n in range(3)) == 2
    shown = district.get("/office/classes/?status=draft&occupation=焊工&institution=x").content.decode()
    assert "第 1 页，共 1 页" in visible_text(shown) and "以上" not in visible_text(shown)


def test_the_bounded_paginator_counts_no_further_than_its_pages(world: Any) -> None:
    clerk = client_for(world.clerk)
    for n in range(3):
        clerk.post("/office/workspace/classes/new/", {**NEW_CLASS, "title": f"班{n}"})
    rows = TrainingClass.objects.order_by("pk")
    assert (BoundedPaginator(rows, 2, pages=1).count, BoundedPaginator(rows, 2, pages=1).more) == (2, True)
    assert (BoundedPaginator(rows, 2, pages=2).count, BoundedPaginator(rows, 2, pages=2).more) == (3, False)
    assert BoundedPaginator(rows, 2, pages=2).num_pages == 2
