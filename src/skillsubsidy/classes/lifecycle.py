"""A class's way from draft to closed, and the amendments made to it after filing, as transition tables.

002 · 附件4 · 8②: the institution files the class with its roster, plan and teachers before it starts;
after training the bureau (or an evaluation institution it commissions) assesses the trainees. 001 ·
二（二）4: districts inspect the first subsidised class of a new institution on site and spot-check
running classes, so an inspection can suspend a running class. Changes after filing are amendments
that the district approves (issue 11); they have their own table so that the class keeps its state
while one is pending.

`institution` is an institution's clerk (accounts.Role.INSTITUTION, linked to one institution).
"""

from __future__ import annotations

from skillsubsidy.classes.filing import (
    DEADLINE,
    INSTITUTION_APPROVED,
    INSTITUTION_MAY_START,
    PROJECT_IN_TRACKING,
)
from skillsubsidy.rules import checks
from skillsubsidy.workflow import SYSTEM, State, StateMachine, Transition

INSTITUTION = frozenset({"institution"})
DISTRICT = frozenset({"district_bureau"})
BUREAU = frozenset({"district_bureau", "city_bureau", "platform_admin"})

# The filing rules (classes.filing) and the trainee rules (classes.roster, per row) checked before a
# class is filed; their outcomes go in the audit row.
FILING_GUARDS = (
    DEADLINE,
    checks.ONLINE_MAX_PCT,
    INSTITUTION_APPROVED,
    INSTITUTION_MAY_START,
    PROJECT_IN_TRACKING,
    checks.MIN_AGE,
    checks.RESIDENCY,
    checks.EXCLUDED_GROUPS,
)

CLASS = StateMachine(
    name="training_class",
    audit_prefix="class",
    initial="draft",
    states={
        "draft": State("草稿", "Draft"),
        "filed": State("已备案", "Filed"),
        "running": State("培训中", "Running"),
        "suspended": State("已暂停", "Suspended"),
        "finished": State("培训结束", "Finished"),
        "assessed": State("已考核", "Assessed"),
        "closed": State("已结班", "Closed", final=True),
        "cancelled": State("已撤销", "Cancelled", final=True),
    },
    transitions=(
        Transition(
            "file",
            ("draft",),
            "filed",
            INSTITUTION,
            "提交开班备案",
            "File",
            FILING_GUARDS,
            reason_required=False,
        ),
        Transition(
            "discard", ("draft",), None, INSTITUTION, "删除草稿", "Discard the draft", reason_required=False
        ),
        Transition("withdraw", ("filed",), "cancelled", INSTITUTION, "撤回备案", "Withdraw the filing"),
        Transition(
            "start",
            ("filed",),
            "running",
            INSTITUTION | frozenset({SYSTEM}),
            "开班",
            "Start",
            reason_required=False,
        ),
        Transition("suspend", ("running",), "suspended", BUREAU, "检查后暂停", "Suspend after an inspection"),
        Transition("resume", ("suspended",), "running", BUREAU, "整改后恢复", "Resume after correction"),
        Transition(
            "finish",
            ("running",),
            "finished",
            INSTITUTION | frozenset({SYSTEM}),
            "结束培训",
            "Finish",
            reason_required=False,
        ),
        Transition(
            "assess",
            ("finished",),
            "assessed",
            BUREAU,
            "录入考核结果",
            "Record the assessment",
            reason_required=False,
        ),
        Transition("close", ("assessed",), "closed", BUREAU, "结班", "Close", reason_required=False),
        Transition(
            "cancel", ("filed", "running", "suspended"), "cancelled", BUREAU, "撤销开班", "Cancel the class"
        ),
    ),
)

AMENDMENT = StateMachine(
    name="class_amendment",
    audit_prefix="class_amendment",
    initial="proposed",
    states={
        "proposed": State("待审核", "Awaiting the district"),
        "approved": State("已同意", "Approved", final=True),
        "refused": State("不同意", "Refused", final=True),
        "withdrawn": State("已撤回", "Withdrawn", final=True),
    },
    transitions=(
        Transition(
            "approve", ("proposed",), "approved", DISTRICT, "同意变更", "Approve", reason_required=False
        ),
        Transition("refuse", ("proposed",), "refused", DISTRICT, "不同意变更", "Refuse"),
        Transition(
            "withdraw", ("proposed",), "withdrawn", INSTITUTION, "撤回变更", "Withdraw", reason_required=False
        ),
    ),
)
