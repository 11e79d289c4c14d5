"""Project calls in the web: created from the call file, the settings the documents leave to the city,
opening, and deadline extensions with their audit rows."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from web_support import make_staff

from accounts.models import Role
from audit.models import AuditRecord
from calls import selectors, services
from calls.models import ProjectCall
from common.errors import Conflict
from skillsubsidy.calls.call import DeadlinePassed

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture
def guangzhou_staff(db: None) -> AbstractUser:
    return make_staff("guangzhou", Role.CITY_BUREAU, "440100")


def opened(staff: AbstractUser) -> ProjectCall:
    call = services.call_create(actor=staff, call_file="guangzhou-2023")
    services.call_configure(
        actor=staff,
        pk=call.pk,
        budget_fen=5_000_000_00,
        notice_days=5,
        rubric_confirmed=True,
        reason="局务会议定",
    )
    return services.call_open(actor=staff, pk=call.pk)


def test_the_city_creates_its_call_from_the_file(guangzhou_staff: AbstractUser) -> None:
    call = services.call_create(actor=guangzhou_staff, call_file="guangzhou-2023")
    assert (call.region, call.status, call.budget_fen, call.notice_days) == ("440100", "draft", None, None)
    assert (
        AuditRecord.objects.get(action="call.create").summary
        == "创建征集 广州市“揭榜领题”职业技能培训项目征集（首批）"
    )
    with pytest.raises(Conflict):
        services.call_create(actor=guangzhou_staff, call_file="guangzhou-2023")


def test_a_district_or_another_city_may_not_create_it(
    tianhe_staff: AbstractUser, nantong_staff: AbstractUser
) -> None:
    for staff in (tianhe_staff, nantong_staff):
        with pytest.raises(PermissionDenied):
            services.call_create(actor=staff, call_file="guangzhou-2023")
    assert not ProjectCall.objects.exists()


def test_an_unknown_call_file_is_a_field_error(guangzhou_staff: AbstractUser) -> None:
    with pytest.raises(ValidationError) as bad:
        services.call_create(actor=guangzhou_staff, call_file="nowhere")
    assert bad.value.message_dict == {"call_file": ["no call 'nowhere'; shipped: guangzhou-2023"]}


def test_the_call_cannot_open_until_the_city_sets_what_the_documents_do_not(
    guangzhou_staff: AbstractUser,
) -> None:
    call = services.call_create(actor=guangzhou_staff, call_file="guangzhou-2023")
    with pytest.raises(ValidationError) as not_ready:
        services.call_open(actor=guangzhou_staff, pk=call.pk)
    assert (
        not_ready.value.message_dict["status"][0]
        == "公示期天数未设定：征集通知未规定公示期，须由市人社部门设定后方可开放征集"
    )
    assert ProjectCall.objects.get(pk=call.pk).status == "draft"
    services.call_configure(
        actor=guangzhou_staff,
        pk=call.pk,
        budget_fen=5_000_000_00,
        notice_days=5,
        rubric_confirmed=True,
        reason="局务会议定",
    )
    assert services.call_open(actor=guangzhou_staff, pk=call.pk).status == "open"
    audit = AuditRecord.objects.get(action="call.open")
    assert (audit.changes["from"], audit.changes["to"]) == ("draft", "open")
    with pytest.raises(Conflict):
        services.call_open(actor=guangzhou_staff, pk=call.pk)
    with pytest.raises(Conflict):
        services.call_configure(
            actor=guangzhou_staff, pk=call.pk, budget_fen=1, notice_days=1, rubric_confirmed=True, reason="改"
        )


def test_settings_need_a_reason_and_positive_values(guangzhou_staff: AbstractUser) -> None:
    call = services.call_create(actor=guangzhou_staff, call_file="guangzhou-2023")
    with pytest.raises(ValidationError) as no_reason:
        services.call_configure(
            actor=guangzhou_staff,
            pk=call.pk,
            budget_fen=100,
            notice_days=5,
            rubric_confirmed=False,
            reason=" ",
        )
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError) as zero:
        services.call_configure(
            actor=guangzhou_staff,
            pk=call.pk,
            budget_fen=100,
            notice_days=0,
            rubric_confirmed=False,
            reason="定",
        )
    assert zero.value.message_dict == {"notice_days": ["公示期天数应为正整数（填写值：0）"]}


def test_a_minute_late_is_refused_until_an_audited_extension_lets_it_in(
    guangzhou_staff: AbstractUser,
) -> None:
    call = opened(guangzhou_staff)
    late = datetime(2023, 8, 11, 0, 1, tzinfo=SHANGHAI)
    with pytest.raises(DeadlinePassed):
        selectors.ensure_in_time(record=call, deadline="to_district", at=late)
    services.call_extend_deadline(
        actor=guangzhou_staff,
        pk=call.pk,
        deadline="to_district",
        until=date(2023, 8, 14),
        reason="台风“杜苏芮”停工",
    )
    selectors.ensure_in_time(record=call, deadline="to_district", at=late)
    audit = AuditRecord.objects.get(action="call.extend_deadline")
    assert (audit.actor_name, audit.reason) == ("guangzhou", "台风“杜苏芮”停工")
    assert audit.changes == {"deadline": "to_district", "from": "2023-08-10", "to": "2023-08-14"}
    with pytest.raises(DeadlinePassed):
        selectors.ensure_in_time(
            record=call, deadline="to_district", at=datetime(2023, 8, 15, 0, 1, tzinfo=SHANGHAI)
        )


def test_an_extension_needs_a_reason_a_later_day_and_an_open_call(
    guangzhou_staff: AbstractUser, tianhe_staff: AbstractUser
) -> None:
    draft = services.call_create(actor=guangzhou_staff, call_file="guangzhou-2023")
    with pytest.raises(Conflict):
        services.call_extend_deadline(
            actor=guangzhou_staff, pk=draft.pk, deadline="to_district", until=date(2023, 8, 14), reason="台风"
        )
    services.call_configure(
        actor=guangzhou_staff, pk=draft.pk, budget_fen=100, notice_days=5, rubric_confirmed=True, reason="定"
    )
    services.call_open(actor=guangzhou_staff, pk=draft.pk)
    with pytest.raises(ValidationError) as no_reason:
        services.call_extend_deadline(
            actor=guangzhou_staff, pk=draft.pk, deadline="to_district", until=date(2023, 8, 14), reason=""
        )
    assert no_reason.value.message_dict == {"reason": ["须写明延期理由"]}
    with pytest.raises(ValidationError) as earlier:
        services.call_extend_deadline(
            actor=guangzhou_staff, pk=draft.pk, deadline="to_city", until=date(2023, 8, 20), reason="台风"
        )
    assert earlier.value.message_dict == {"until": ["须晚于原截止日 2023-08-25"]}
    with pytest.raises(PermissionDenied):
        services.call_extend_deadline(
            actor=tianhe_staff, pk=draft.pk, deadline="to_district", until=date(2023, 8, 14), reason="台风"
        )
    assert not AuditRecord.objects.filter(action="call.extend_deadline").exists()


def test_a_district_sees_its_citys_call_and_another_city_does_not(
    guangzhou_staff: AbstractUser, tianhe_staff: AbstractUser, nantong_staff: AbstractUser
) -> None:
    call = services.call_create(actor=guangzhou_staff, call_file="guangzhou-2023")
    assert list(selectors.calls_for(tianhe_staff)) == [call]
    assert list(selectors.calls_for(nantong_staff)) == []
