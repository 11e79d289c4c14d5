"""Objections filed by the public on the call's notice page (公示, 002 · 四（二）). The documents ask
for a public notice and say nothing of how objections reach the city, so the page takes them while the
notice runs: a name and a contact (sealed, shown in full only to the city that answers), the project
and the grounds; CSRF-protected, bounded, throttled per sender and contact, refused outside the
period; the city answers it as any other, and filing waits for that answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from call_support import through_notice, today
from django.test import Client, override_settings

from audit.models import AuditRecord
from calls import services
from calls.models import Objection

pytestmark = pytest.mark.django_db

GROUNDS = "该校2022年因虚报培训人数被通报，申报材料未如实填写违法违规情况。"


def _public(language: str = "zh-hans", **extra: object) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language, **extra)  # type: ignore[arg-type]


def _office(user: object) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)  # type: ignore[arg-type]
    return c


def _filing(application: int, **changes: str) -> dict[str, str]:
    return {
        "application": str(application),
        "name": "王小明",
        "contact": "13800138000",
        "grounds": GROUNDS,
    } | changes


def test_anyone_files_an_objection_the_contact_is_sealed_and_the_city_answers_it_before_filing() -> None:
    world = through_notice()
    call, application = world["call"], world["application"]
    url = f"/calls/{call.pk}/notice/"
    form = _public().get(url).content.decode()
    assert 'id="objection-form"' in form and "您的姓名" in form and "广州市天河区粤厨职业培训学校" in form

    public = _public()
    got = public.post(url, _filing(application.pk), REMOTE_ADDR="203.0.113.7")
    assert got.status_code == 302
    objection = Objection.objects.get(call=call)
    assert (objection.channel, objection.application_id, objection.filed_on) == (
        "online",
        application.pk,
        today(),
    )
    assert objection.text == GROUNDS
    # Sealed at rest, masked beside it; neither the name nor the number is stored or logged in clear.
    assert "13800138000" not in objection.contact_sealed and "王小明" not in objection.objector_sealed
    assert (objection.objector_masked, objection.contact_masked) == ("王**", "138****8000")
    audit = AuditRecord.objects.get(action="call.objection")
    assert audit.actor_name == "system" and audit.changes["channel"] == "online"
    assert "王小明" not in audit.summary and "13800138000" not in str(audit.changes)
    shown = public.get(url).content.decode()
    assert f"已收到第{objection.pk}号异议" in shown
    assert "王小明" not in shown and "13800138000" not in shown and "王**" not in shown

    # The city, which answers, sees who to answer; the district sees the masks only.
    city_page = _office(world["city"]).get(f"/office/calls/{call.pk}/").content.decode()
    assert "公示页提交：王小明（13800138000）" in city_page
    district_page = _office(world["district"]).get(f"/office/calls/{call.pk}/").content.decode()
    assert "王**（138****8000）" in district_page and "13800138000" not in district_page

    assert 'name="answer"' in city_page  # unanswered, it still blocks filing (filing_blockers)
    assert services.objection_answer(
        actor=world["city"], pk=objection.pk, answer="经核查，已整改到位。", on=today()
    )
    assert "经核查，已整改到位。" in _public().get(url).content.decode()


def test_a_bad_contact_is_refused_beside_its_field_in_chinese_and_in_english() -> None:
    world = through_notice()
    call, application = world["call"], world["application"]
    zh = _public().post(f"/calls/{call.pk}/notice/", _filing(application.pk, contact="12345"))
    assert zh.status_code == 400
    assert "“12345”既不是电话号码，也不是电子邮箱地址。" in zh.content.decode()
    en = _public("en").post(f"/en/calls/{call.pk}/notice/", _filing(application.pk, contact="12345"))
    assert en.status_code == 400
    assert "“12345” is neither a telephone number nor an e-mail address." in en.content.decode()
    missing = _public("en").post(
        f"/en/calls/{call.pk}/notice/", _filing(application.pk, name=" ", grounds="")
    )
    assert missing.status_code == 400 and "Give your name." in missing.content.decode()
    too_long = _public().post(f"/calls/{call.pk}/notice/", _filing(application.pk, grounds="异" * 2001))
    assert too_long.status_code == 400 and "2001" in too_long.content.decode()
    elsewhere = _public("en").post(f"/en/calls/{call.pk}/notice/", _filing(application.pk + 999))
    assert elsewhere.status_code == 400
    assert "is not one of the available choices" in elsewhere.content.decode()
    assert not Objection.objects.exists()


def test_outside_the_notice_period_the_page_says_so_and_a_filing_is_refused_in_both_languages() -> None:
    world = through_notice(started_days_ago=10)  # five days: ended four days ago
    call, application = world["call"], world["application"]
    start = (today() - timedelta(days=10)).isoformat()
    end = (today() - timedelta(days=6)).isoformat()
    page = _public().get(f"/calls/{call.pk}/notice/").content.decode()
    assert f"公示期为{start}至{end}，已结束，不再受理异议。" in page and 'id="objection-form"' not in page
    zh = _public().post(f"/calls/{call.pk}/notice/", _filing(application.pk))
    assert zh.status_code == 409
    en = _public("en").post(f"/en/calls/{call.pk}/notice/", _filing(application.pk))
    assert en.status_code == 409
    assert f"The notice ran from {start} to {end}; objections are no longer accepted." in en.content.decode()
    assert not Objection.objects.exists()


@override_settings(CALL_OBJECTIONS_PER_CONTACT=2, CALL_OBJECTIONS_PER_SENDER=3)
def test_the_throttle_counts_filings_per_contact_and_per_sender_over_a_day() -> None:
    world = through_notice()
    url = f"/calls/{world['call'].pk}/notice/"
    pk = world["application"].pk
    for _ in range(2):
        assert _public().post(url, _filing(pk), REMOTE_ADDR="203.0.113.7").status_code == 302
    same_contact = _public("en").post(f"/en{url}", _filing(pk), REMOTE_ADDR="198.51.100.1")
    assert same_contact.status_code == 429
    assert (
        "Too many objections were filed from here or with this contact today" in same_contact.content.decode()
    )
    assert (
        _public().post(url, _filing(pk, contact="li@example.cn"), REMOTE_ADDR="203.0.113.7").status_code
        == 302
    )
    same_sender = _public().post(url, _filing(pk, contact="020-83331234"), REMOTE_ADDR="203.0.113.7")
    assert same_sender.status_code == 429
    assert "今日从此处或以此联系方式提交的异议过多" in same_sender.content.decode()
    assert Objection.objects.filter(channel="online").count() == 3


def test_a_filing_without_the_csrf_token_is_refused() -> None:
    world = through_notice()
    got = Client(enforce_csrf_checks=True).post(
        f"/calls/{world['call'].pk}/notice/", _filing(world["application"].pk)
    )
    assert got.status_code == 403
    assert not Objection.objects.exists()
