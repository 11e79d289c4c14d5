"""What the claim pages show: labels in the page's language for the codes the records keep."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import get_language, gettext

from catalogs.present import region_name
from skillsubsidy.claims.lifecycle import CLAIM, OBJECTION, PAYMENT_BATCH
from skillsubsidy.claims.matching import MatchCode
from skillsubsidy.claims.payee import PayeeKind
from skillsubsidy.workflow import StateMachine

_CHANNELS = {
    "worker": ("个人申领", "Claimed by the worker"),
    "institution": ("机构代领", "Claimed by the institution"),
}
_PAYEES = {
    PayeeKind.SOCIAL_SECURITY_CARD.value: ("社会保障卡金融账户", "Social-security card account"),
    PayeeKind.BANK_CARD.value: ("本人银行卡", "Own bank card"),
    PayeeKind.INSTITUTION_ACCOUNT.value: ("机构对公账户", "Institution's account"),
}
_MATCH_EN = {
    MatchCode.CERTIFICATE_NOT_IN_RESULTS: "No assessment result holds the certificate",
    MatchCode.SEVERAL_RESULTS: "Several results hold the certificate",
    MatchCode.RESULT_NOT_PASSED: "The result is a fail",
    MatchCode.CERTIFICATE_DIFFERS: "The certificate differs from the result",
    MatchCode.TRAINEE_NOT_ON_ROSTER: "Not on the class roster",
    MatchCode.ATTENDANCE_SHORT: "Attendance short of the hours",
    MatchCode.ATTENDANCE_MISSING: "No attendance record",
    MatchCode.SUPERVISION_CERTIFICATE_MISSING: "Special group without the supervising unit's certificate",
    MatchCode.INSTITUTION_NOT_REGISTERED: "Institution not listed during the class",
    MatchCode.PROJECT_NOT_IN_TRACKING: "Project no longer in tracking",
}
REJECT_LABELS = {
    "records_false": ("培训或考核记录不实", "Training or assessment records are false"),
    "not_the_trainee": ("持证人与培训学员不是同一人", "The holder is not the trainee"),
    "not_eligible": ("不符合补贴条件", "Not eligible"),
    "evidence_missing": ("材料不全且逾期未补正", "Evidence missing and not supplied in time"),
    "objection_upheld": ("公示异议成立", "An objection was upheld"),
    "other": ("其他原因", "Other"),
}
FIELDS = {
    "certificate": ("证书", "Certificate"),
    "trainee": ("学员", "Trainee"),
    "attendance": ("出勤", "Attendance"),
    "institution": ("机构", "Institution"),
    "project": ("项目", "Project"),
    "payee": ("收款账户", "Payee"),
    "evidence": ("申领材料", "Evidence"),
}
_OUTCOMES = {"": ("待银行结果", "Awaiting the bank"), "paid": ("成功", "Paid"), "failed": ("失败", "Failed"),
             "returned": ("退票", "Returned")}  # fmt: skip


def chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def _pick(pair: tuple[str, str]) -> str:
    return pair[0] if chinese() else pair[1]


def _state(machine: StateMachine, code: str) -> str:
    state = machine.states.get(code)
    if state is None:
        return code
    return state.label_zh if chinese() else state.label_en


def status_label(code: str) -> str:
    return _state(CLAIM, code)


def batch_status_label(code: str) -> str:
    return _state(PAYMENT_BATCH, code)


def objection_label(code: str) -> str:
    return _state(OBJECTION, code)


def channel_label(code: str) -> str:
    return _pick(_CHANNELS.get(code, (code, code)))


def payee_label(code: str) -> str:
    return _pick(_PAYEES.get(code, (code, code)))


def match_label(code: str) -> str:
    try:
        match = MatchCode(code)
    except ValueError:
        return code
    return match.title_zh if chinese() else _MATCH_EN[match]


def match_message(mismatch: dict[str, str]) -> str:
    """A mismatch's details in the page's language; one matched before the English was kept reads as
    its code's title on an English page."""
    if chinese():
        return mismatch.get("message", "")
    return mismatch.get("message_en") or match_label(mismatch.get("code", ""))


def reject_label(code: str) -> str:
    return _pick(REJECT_LABELS.get(code, (code, code)))


def field_label(code: str) -> str:
    return _pick(FIELDS.get(code, (code, code)))


def outcome_label(code: str) -> str:
    return _pick(_OUTCOMES.get(code, (code, code)))


def yuan(fen: int | None) -> str:
    if fen is None:
        return "—"
    return f"{fen // 100:,}.{fen % 100:02d}"


def level_label(level: int) -> str:
    if not level:
        return "—"
    zh = {1: "一级/高级技师", 2: "二级/技师", 3: "三级/高级工", 4: "四级/中级工", 5: "五级/初级工"}
    return zh[level] if chinese() else f"Level {level}"


def statuses() -> list[tuple[str, str]]:
    return [(code, status_label(code)) for code in CLAIM.states]


# Each dashboard grouping's heading and first column, in the page's language.
GROUP_TITLES: dict[str, Callable[[], tuple[str, str]]] = {
    "district": lambda: (gettext("By district"), gettext("District")),
    "occupation": lambda: (gettext("By occupation"), gettext("Occupation (work type)")),
    "institution": lambda: (gettext("By institution"), gettext("Institution")),
    "month": lambda: (gettext("By month"), gettext("Month")),
}


def group_rows(groups: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The dashboard's groups as the pages show them: a name in the page's language, 元 and shares."""
    columns = {"district": "district", "occupation": "occupation", "institution": "inst", "month": "month"}
    out: dict[str, list[dict[str, Any]]] = {}
    for name, items in groups.items():
        rows = []
        for g in items:
            key = g.get(columns[name])
            if name == "district":
                label = region_name(key)
            elif name == "month":
                label = key.strftime("%Y-%m") if key is not None else "—"
            else:
                label = key or "—"
            rows.append(
                {
                    "label": label,
                    "suppressed": g.get("suppressed", False),
                    "paid_suppressed": g.get("paid_suppressed", False),
                    "claims": g.get("claims"),
                    "amount": yuan(g.get("fen")),
                    "paid": yuan(g.get("paid_fen")),
                    "personal": g.get("personal"),
                    "rejected": g.get("rejected"),
                    "days": g.get("days_to_payment"),
                }
            )
        out[name] = rows
    return out
