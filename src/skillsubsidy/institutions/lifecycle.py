"""An institution's way into and out of the catalog, as a transition table.

001 · 二（二）5 asks for 分类管理 with 进入和退出机制; 002 · 附件4 · 8① asks that institutions be selected
by 量化标准评审、集体决策、社会公示 and that those with serious violations or poor quality be 清退 promptly.
Districts register institutions, inspect them and propose them; the city decides, lists, suspends and
removes (001 · 二（二）4: 各区县对首次开展补贴性职业技能培训的要进行实地检查). A suspended institution
stays listed but may not start new classes; removal stops new classes at once.
"""

from __future__ import annotations

from skillsubsidy.workflow import State, StateMachine, Transition

DISTRICT = frozenset({"district_bureau"})
CITY = frozenset({"city_bureau", "platform_admin"})
BUREAU = DISTRICT | CITY

# The conditions of 002 · 一 / 附件4 · 8①, each a rule id of institutions.eligibility; listing needs
# every one of them passed (a judgement by a reviewer's recorded finding, never by default).
ELIGIBILITY = (
    "institution.legal_person_required",
    "institution.local_registration_required",
    "institution.training_basis",
    "institution.clean_record_months",
    "institution.teaching_resources_required",
    "institution.management_systems",
)

INSTITUTION = StateMachine(
    name="institution",
    audit_prefix="institution",
    initial="applied",
    states={
        "applied": State("已登记", "Registered"),
        "under_review": State("审核中", "Under review"),
        "returned": State("退回补充材料", "Returned for more information"),
        "proposed": State("区级已推荐", "Proposed by the district"),
        "listed": State("已列入目录", "Listed"),
        "suspended": State("暂停开班", "Suspended (no new classes)"),
        "removed": State("已清退", "Removed", final=True),
        "rejected": State("未通过", "Not accepted", final=True),
        "withdrawn": State("已撤回", "Withdrawn", final=True),
    },
    transitions=(
        Transition(
            "review", ("applied",), "under_review", BUREAU, "开始审核", "Start review", reason_required=False
        ),
        Transition(
            "return",
            ("under_review", "proposed"),
            "returned",
            BUREAU,
            "退回补充材料",
            "Return for more information",
        ),
        Transition(
            "resubmit",
            ("returned",),
            "under_review",
            BUREAU,
            "补充后重新提交",
            "Resubmit",
            reason_required=False,
        ),
        Transition(
            "propose",
            ("under_review",),
            "proposed",
            DISTRICT | CITY,
            "推荐列入目录",
            "Propose for listing",
            ELIGIBILITY,
        ),
        Transition("list", ("proposed",), "listed", CITY, "列入目录", "List", ELIGIBILITY),
        Transition("reject", ("under_review", "proposed"), "rejected", CITY, "不予列入", "Do not list"),
        Transition("suspend", ("listed",), "suspended", CITY, "暂停开班", "Suspend new classes"),
        Transition("reinstate", ("suspended",), "listed", CITY, "恢复开班", "Reinstate"),
        Transition(
            "remove", ("listed", "suspended"), "removed", CITY, "清退出目录", "Remove from the catalog"
        ),
        Transition(
            "withdraw", ("applied", "under_review", "returned"), "withdrawn", BUREAU, "撤回", "Withdraw"
        ),
    ),
)
