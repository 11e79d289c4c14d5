"""A claim's way from submission to payment, a payment batch's, and an objection's, as transition tables.

001 · 三 · 8: a subsidy is claimed by the worker (个人申领) or by the institution on the worker's behalf
(代领); both are kept. 002 · 附件4 · 8③: the institution files the claim in the system; the bureau
reviews it (district, then city), publishes it (公示) and pays. Matching (claims.matching) runs at
submission and after each correction; a mismatch sits beside the status and blocks payment of that
claim only, as England's DataLock does.

A returned claim (退回修改) goes back to its claimant; a bank line that fails goes back to `payable`
for a new batch, one the bank returns (退票) goes back to district review (issue 12 · 5).
"""

from __future__ import annotations

from skillsubsidy.workflow import SYSTEM, State, StateMachine, Transition

INSTITUTION = "institution"
WORKER = "worker"
CLAIMANTS = frozenset({INSTITUTION, WORKER})
DISTRICT = frozenset({"district_bureau"})
CITY = frozenset({"city_bureau"})
# A platform administrator configures; it never reviews or pays (separation of duties).
PAYERS = frozenset({"city_bureau", SYSTEM})

CLAIM = StateMachine(
    name="claim",
    audit_prefix="claim",
    initial="district_review",
    states={
        "district_review": State("区县审核中", "District review"),
        "returned": State("退回修改", "Returned for correction"),
        "city_review": State("市级审核中", "City review"),
        "notice": State("公示中", "On public notice"),
        "payable": State("待支付", "Payable"),
        "batched": State("支付中", "In a payment batch"),
        "paid": State("已支付", "Paid", final=True),
        "rejected": State("不予补贴", "Rejected", final=True),
        "withdrawn": State("已撤回", "Withdrawn", final=True),
    },
    transitions=(
        Transition(
            "resubmit",
            ("returned",),
            "district_review",
            CLAIMANTS,
            "修改后重新提交",
            "Resubmit after correction",
            reason_required=False,
        ),
        Transition(
            "withdraw", ("district_review", "returned"), "withdrawn", CLAIMANTS, "撤回申领", "Withdraw"
        ),
        Transition(
            "return_district", ("district_review",), "returned", DISTRICT, "退回修改", "Return for correction"
        ),
        Transition(
            "pass_district",
            ("district_review",),
            "city_review",
            DISTRICT,
            "区县审核通过",
            "Pass the district review",
            ("claim.no_mismatch",),
            reason_required=False,
        ),
        Transition(
            "reject_district", ("district_review",), "rejected", DISTRICT, "区县不予通过", "Reject (district)"
        ),
        Transition("return_city", ("city_review",), "returned", CITY, "退回修改", "Return for correction"),
        Transition(
            "approve",
            ("city_review",),
            "notice",
            CITY,
            "市级审核通过并公示",
            "Approve and publish the notice",
            ("claim.no_mismatch", "claim.notice_length_set"),
            reason_required=False,
        ),
        Transition("reject_city", ("city_review",), "rejected", CITY, "市级不予通过", "Reject (city)"),
        Transition(
            "clear_notice",
            ("notice",),
            "payable",
            PAYERS,
            "公示期满无异议",
            "Clear the notice",
            ("claim.notice_ended", "claim.no_open_objection", "claim.no_mismatch"),
            reason_required=False,
        ),
        Transition(
            "reject_after_objection",
            ("notice",),
            "rejected",
            CITY,
            "异议成立，不予补贴",
            "Reject on an upheld objection",
        ),
        Transition(
            "batch",
            ("payable",),
            "batched",
            PAYERS,
            "纳入支付批次",
            "Put in a payment batch",
            reason_required=False,
        ),
        Transition(
            "pay", ("batched",), "paid", PAYERS, "银行支付成功", "Paid by the bank", reason_required=False
        ),
        Transition(
            "fail",
            ("batched",),
            "payable",
            PAYERS,
            "银行支付失败，待重新组批",
            "Payment failed; payable again",
            reason_required=False,
        ),
        Transition(
            "bounce",
            ("batched",),
            "district_review",
            PAYERS,
            "银行退票，退回审核",
            "Returned by the bank; back to review",
            reason_required=False,
        ),
    ),
)

# Every state but the two final refusals: a claim in one of these may still be paid, so at most one
# may exist per certificate and per person × occupation × level × programme (the database says so).
LIVE = tuple(s for s in CLAIM.states if s not in ("rejected", "withdrawn"))
# Review queues and the public notice.
REVIEW = ("district_review", "city_review")

PAYMENT_BATCH = StateMachine(
    name="payment_batch",
    audit_prefix="payment_batch",
    initial="draft",
    states={
        "draft": State("待导出", "Draft"),
        "exported": State("已导出，待银行结果", "Exported, awaiting the bank"),
        "reconciled": State("已对账", "Reconciled", final=True),
        "cancelled": State("已作废", "Cancelled", final=True),
    },
    transitions=(
        Transition("export", ("draft",), "exported", PAYERS, "导出支付文件", "Export", reason_required=False),
        Transition("cancel", ("draft",), "cancelled", PAYERS, "作废批次", "Cancel"),
        Transition(
            "reconcile",
            ("exported",),
            "reconciled",
            PAYERS,
            "银行结果已全部导入",
            "Reconcile",
            ("payment_batch.every_line_answered",),
            reason_required=False,
        ),
    ),
)

OBJECTION = StateMachine(
    name="claim_objection",
    audit_prefix="claim_objection",
    initial="open",
    states={
        "open": State("待答复", "Open"),
        "dismissed": State("异议不成立", "Dismissed", final=True),
        "upheld": State("异议成立", "Upheld", final=True),
    },
    transitions=(
        Transition("dismiss", ("open",), "dismissed", CITY, "答复：异议不成立", "Dismiss with an answer"),
        Transition("uphold", ("open",), "upheld", CITY, "答复：异议成立", "Uphold with an answer"),
    ),
)
