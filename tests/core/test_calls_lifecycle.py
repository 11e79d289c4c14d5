"""The call's and the application's transition tables, and the notice whose state follows from dates."""

from __future__ import annotations

from datetime import date

import pytest

from skillsubsidy.calls.lifecycle import (
    APPLICATION,
    CALL,
    NOTICE_ENDED,
    OBJECTIONS_ANSWERED,
    Notice,
    NoticeState,
    accept_objection,
    answer_objection,
    filing_blockers,
)
from skillsubsidy.workflow import SYSTEM, StateMachine


def path(machine: StateMachine, *actions: str) -> list[str]:
    state = machine.initial
    seen = [state]
    for action in actions:
        move = machine.transition(action)
        assert move.leaves(state), f"{action} does not leave {state}"
        assert move.target is not None
        state = move.target
        seen.append(state)
    return seen


def test_a_call_runs_from_draft_to_closed() -> None:
    assert path(
        CALL,
        "open",
        "close_applications",
        "start_city_review",
        "decide",
        "publish_notice",
        "file",
        "start_tracking",
        "close",
    ) == [
        "draft",
        "open",
        "district_review",
        "city_review",
        "decided",
        "notice",
        "filed",
        "tracking",
        "closed",
    ]
    assert CALL.transition("open").guards == ("call.settings_complete",)
    assert CALL.transition("file").guards == (NOTICE_ENDED, OBJECTIONS_ANSWERED)


def test_an_application_is_returned_fixed_forwarded_selected_tracked_warned_and_removed() -> None:
    assert path(
        APPLICATION,
        "submit",
        "return",
        "resubmit",
        "forward",
        "close_scoring",
        "select",
        "publish",
        "file",
        "track",
        "warn",
        "remove",
    ) == [
        "draft",
        "submitted",
        "returned",
        "resubmitted",
        "forwarded",
        "scored",
        "selected",
        "in_notice",
        "filed",
        "tracking",
        "warned",
        "removed",
    ]
    assert APPLICATION.transition("submit").guards == ("call.form_valid", "call.deadline.to_district")


def test_the_roles_are_the_staff_roles_the_institution_clerk_and_the_system() -> None:
    assert CALL.roles() == {"city_bureau", "platform_admin", SYSTEM}
    assert APPLICATION.roles() == {"institution", "district_bureau", "city_bureau", "platform_admin", SYSTEM}
    assert APPLICATION.transition("submit").roles == {"institution"}
    assert APPLICATION.transition("return").roles == {"district_bureau"}
    assert APPLICATION.transition("select").roles == {"city_bureau", "platform_admin"}


def test_a_return_a_warning_and_a_removal_need_a_reason() -> None:
    for action in ("return", "decline", "warn", "remove", "select", "not_select", "withdraw"):
        assert APPLICATION.transition(action).reason_required, action
    assert not APPLICATION.transition("submit").reason_required


def test_the_notice_state_follows_from_its_dates() -> None:
    notice = Notice.lasting(starts_on=date(2023, 10, 9), days=5)
    assert notice.ends_on == date(2023, 10, 13)
    assert [notice.state_on(date(2023, 10, d)) for d in (8, 9, 13, 14)] == [
        NoticeState.PENDING,
        NoticeState.RUNNING,
        NoticeState.RUNNING,
        NoticeState.ENDED,
    ]


def test_a_notice_without_a_length_cannot_start() -> None:
    with pytest.raises(ValueError, match="公示期天数未设定：文件未规定公示期"):
        Notice.lasting(starts_on=date(2023, 10, 9), days=None)


def test_the_result_is_filed_only_after_the_notice_with_every_objection_answered() -> None:
    notice = Notice(date(2023, 10, 9), date(2023, 10, 13))
    objection = accept_objection(
        notice=notice, filed_on=date(2023, 10, 10), text="该单位场地为租赁", id="异议1"
    )
    assert filing_blockers(notice=notice, objections=[objection], today=date(2023, 10, 12)) == (
        "公示期至2023-10-13止，尚未结束",
        "异议尚未答复：异议1",
    )
    assert filing_blockers(notice=notice, objections=[objection], today=date(2023, 10, 14)) == (
        "异议尚未答复：异议1",
    )
    answered = answer_objection(
        objection=objection, answer="经核实租赁合同有效期至2026年", on=date(2023, 10, 12)
    )
    assert filing_blockers(notice=notice, objections=[answered], today=date(2023, 10, 14)) == ()


def test_an_objection_outside_the_notice_period_is_refused() -> None:
    notice = Notice(date(2023, 10, 9), date(2023, 10, 13))
    with pytest.raises(ValueError) as late:
        accept_objection(notice=notice, filed_on=date(2023, 10, 14), text="迟到的异议", id="异议2")
    assert str(late.value) == "异议应在公示期内（2023-10-09至2023-10-13）提出（提出日期：2023-10-14）"
