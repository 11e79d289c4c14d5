"""The transition tables of a call and of an application to it (002 · 四, 七（三）), and the notice,
whose state follows from its dates.

Applicants submit to their district (四（一）); the district returns, declines or forwards; the city
scores, decides collectively, publishes the notice and files with the province (四（二）); the
districts track accepted projects, warn them, and remove those that still do not correct (七（三）).
`institution` is an institution's clerk (accounts.Role.INSTITUTION, linked to one institution).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from skillsubsidy.workflow import SYSTEM, State, StateMachine, Transition

INSTITUTION = frozenset({"institution"})
DISTRICT = frozenset({"district_bureau"})
CITY = frozenset({"city_bureau", "platform_admin"})
CITY_OR_DATE = CITY | {SYSTEM}

# Rule ids the web checks before a move (their outcomes go in the audit row).
SETTINGS_COMPLETE = "call.settings_complete"  # Call.missing_settings() is empty
TO_DISTRICT_IN_TIME = "call.deadline.to_district"
TO_CITY_IN_TIME = "call.deadline.to_city"
FORM_VALID = "call.form_valid"  # forms.read_application accepts the form
REVIEWS_COMPLETE = "call.reviews_complete"  # scoring.Standing.complete
WITHIN_BUDGET = "call.decision_budget"  # scoring.decide
NOTICE_ENDED = "call.notice_ended"
OBJECTIONS_ANSWERED = "call.objections_answered"

CALL = StateMachine(
    name="project_call",
    audit_prefix="call",
    initial="draft",
    states={
        "draft": State("草稿", "Draft"),
        "open": State("征集中", "Open for applications"),
        "district_review": State("区级初审", "District review"),
        "city_review": State("市级评审", "City review"),
        "decided": State("已集体决策", "Decided"),
        "notice": State("公示中", "In public notice"),
        "filed": State("已报省备案", "Filed with the province"),
        "tracking": State("跟踪实施", "Tracking"),
        "closed": State("已结束", "Closed", final=True),
    },
    transitions=(
        Transition("discard", ("draft",), None, CITY, "删除草稿", "Discard the draft"),
        Transition(
            "open",
            ("draft",),
            "open",
            CITY,
            "开放征集",
            "Open the call",
            (SETTINGS_COMPLETE,),
            reason_required=False,
        ),
        Transition(
            "close_applications",
            ("open",),
            "district_review",
            CITY_OR_DATE,
            "截止申报，进入区级初审",
            "Close applications",
            reason_required=False,
        ),
        Transition(
            "start_city_review",
            ("district_review",),
            "city_review",
            CITY_OR_DATE,
            "进入市级评审",
            "Start the city review",
            reason_required=False,
        ),
        Transition(
            "decide", ("city_review",), "decided", CITY, "集体决策", "Record the decision", (WITHIN_BUDGET,)
        ),
        Transition(
            "publish_notice",
            ("decided",),
            "notice",
            CITY,
            "发布公示",
            "Publish the notice",
            reason_required=False,
        ),
        Transition(
            "file",
            ("notice",),
            "filed",
            CITY,
            "报省备案",
            "File with the province",
            (NOTICE_ENDED, OBJECTIONS_ANSWERED),
            reason_required=False,
        ),
        Transition(
            "start_tracking",
            ("filed",),
            "tracking",
            CITY,
            "开始跟踪实施",
            "Start tracking",
            reason_required=False,
        ),
        Transition("close", ("tracking",), "closed", CITY, "结束", "Close the call"),
    ),
)

APPLICATION = StateMachine(
    name="call_application",
    audit_prefix="call_application",
    initial="draft",
    states={
        "draft": State("草稿", "Draft"),
        "submitted": State("已提交区级", "Submitted to the district"),
        "returned": State("退回修改", "Returned for correction"),
        "resubmitted": State("修改后重新提交", "Resubmitted"),
        "declined": State("区级初审未通过", "Declined by the district", final=True),
        "withdrawn": State("已撤回", "Withdrawn", final=True),
        "forwarded": State("区级已报送市级", "Forwarded to the city"),
        "scored": State("已评分", "Scored"),
        "selected": State("拟入选", "Selected"),
        "not_selected": State("未入选", "Not selected", final=True),
        "in_notice": State("公示中", "In public notice"),
        "filed": State("已备案", "Filed"),
        "tracking": State("跟踪实施中", "Being tracked"),
        "warned": State("已提醒警告", "Warned"),
        "removed": State("已退出揭榜单位名单", "Removed from the list", final=True),
        "completed": State("已完成", "Completed", final=True),
    },
    transitions=(
        Transition(
            "discard", ("draft",), None, INSTITUTION, "删除草稿", "Discard the draft", reason_required=False
        ),
        Transition(
            "submit",
            ("draft",),
            "submitted",
            INSTITUTION,
            "提交至区人社部门",
            "Submit to the district",
            (FORM_VALID, TO_DISTRICT_IN_TIME),
            reason_required=False,
        ),
        Transition(
            "withdraw",
            ("submitted", "returned", "resubmitted"),
            "withdrawn",
            INSTITUTION,
            "撤回申报",
            "Withdraw",
        ),
        Transition(
            "return", ("submitted", "resubmitted"), "returned", DISTRICT, "退回修改", "Return for correction"
        ),
        Transition(
            "resubmit",
            ("returned",),
            "resubmitted",
            INSTITUTION,
            "修改后重新提交",
            "Resubmit",
            (FORM_VALID, TO_DISTRICT_IN_TIME),
            reason_required=False,
        ),
        Transition("decline", ("submitted", "resubmitted"), "declined", DISTRICT, "初审不通过", "Decline"),
        Transition(
            "forward",
            ("submitted", "resubmitted"),
            "forwarded",
            DISTRICT,
            "初审通过，报送市级",
            "Forward to the city",
            (FORM_VALID, TO_CITY_IN_TIME),
            reason_required=False,
        ),
        Transition(
            "close_scoring",
            ("forwarded",),
            "scored",
            CITY,
            "完成评分",
            "Close the scoring",
            (REVIEWS_COMPLETE,),
            reason_required=False,
        ),
        Transition("select", ("scored",), "selected", CITY, "拟入选", "Select"),
        Transition("not_select", ("scored",), "not_selected", CITY, "不予入选", "Do not select"),
        Transition(
            "publish", ("selected",), "in_notice", CITY_OR_DATE, "进入公示", "Publish", reason_required=False
        ),
        # An objection upheld during the notice takes the project off the list.
        Transition(
            "uphold_objection",
            ("in_notice",),
            "not_selected",
            CITY,
            "异议成立，取消入选",
            "Uphold an objection",
        ),
        Transition(
            "file",
            ("in_notice",),
            "filed",
            CITY,
            "报省备案",
            "File with the province",
            (NOTICE_ENDED, OBJECTIONS_ANSWERED),
            reason_required=False,
        ),
        Transition(
            "track",
            ("filed",),
            "tracking",
            DISTRICT | CITY,
            "开始跟踪",
            "Start tracking",
            reason_required=False,
        ),
        Transition("warn", ("tracking",), "warned", DISTRICT, "提醒警告", "Warn"),
        Transition("correct", ("warned",), "tracking", DISTRICT, "已调整纠正", "Record the correction"),
        Transition(
            "remove", ("warned",), "removed", DISTRICT | CITY, "退出揭榜单位名单", "Remove from the list"
        ),
        Transition("complete", ("tracking",), "completed", DISTRICT | CITY, "完成实施", "Complete"),
    ),
)


class NoticeState(StrEnum):
    PENDING = "pending"  # before its first day
    RUNNING = "running"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Notice:
    """公示: from its first to its last day, both included."""

    starts_on: date
    ends_on: date

    @classmethod
    def lasting(cls, *, starts_on: date, days: int | None) -> Notice:
        if days is None:
            raise ValueError("公示期天数未设定：文件未规定公示期，须由市人社部门设定")
        if days < 1:
            raise ValueError(f"公示期天数应为正整数（填写值：{days}）")
        return cls(starts_on, starts_on + timedelta(days=days - 1))

    def state_on(self, today: date) -> NoticeState:
        if today < self.starts_on:
            return NoticeState.PENDING
        if today <= self.ends_on:
            return NoticeState.RUNNING
        return NoticeState.ENDED


@dataclass(frozen=True, slots=True)
class Objection:
    id: str
    filed_on: date
    text: str
    answer: str = ""
    answered_on: date | None = None

    @property
    def answered(self) -> bool:
        return bool(self.answer.strip()) and self.answered_on is not None


def filing_blockers(*, notice: Notice, objections: Iterable[Objection], today: date) -> tuple[str, ...]:
    """Why the result may not be filed yet; empty when it may (the guards NOTICE_ENDED and
    OBJECTIONS_ANSWERED)."""
    blockers = []
    state = notice.state_on(today)
    if state is not NoticeState.ENDED:
        blockers.append(f"公示期至{notice.ends_on.isoformat()}止，尚未结束")
    open_ones = [o.id for o in objections if not o.answered]
    if open_ones:
        blockers.append(f"异议尚未答复：{'、'.join(open_ones)}")
    return tuple(blockers)


def accept_objection(*, notice: Notice, filed_on: date, text: str, id: str) -> Objection:
    """An objection is received while the notice runs, and only then."""
    if notice.state_on(filed_on) is not NoticeState.RUNNING:
        raise ValueError(
            f"异议应在公示期内（{notice.starts_on.isoformat()}至{notice.ends_on.isoformat()}）提出"
            f"（提出日期：{filed_on.isoformat()}）"
        )
    if not text.strip():
        raise ValueError("异议内容不能为空")
    return Objection(id, filed_on, text.strip())


def answer_objection(*, objection: Objection, answer: str, on: date) -> Objection:
    if not answer.strip():
        raise ValueError(f"异议 {objection.id} 的答复不能为空")
    if on < objection.filed_on:
        raise ValueError(f"答复日期 {on.isoformat()} 早于异议提出日期 {objection.filed_on.isoformat()}")
    return Objection(objection.id, objection.filed_on, objection.text, answer.strip(), on)
