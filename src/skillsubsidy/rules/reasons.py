"""Reason codes: a stable API contract (docs/reason-codes.md), each with a plain Chinese message.

A blocking reason makes a decision ineligible. An informational reason explains how the amount was
reached, or that a rule could not be checked; it never changes eligibility.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ReasonCode(StrEnum):
    # blocking
    UNKNOWN_OCCUPATION = "unknown_occupation"
    NOT_IN_CATALOG = "not_in_catalog"
    HIGHER_OR_SAME_LEVEL_HELD = "higher_or_same_level_held"
    INSUFFICIENT_HOURS = "insufficient_hours"
    ONLINE_HOURS_EXCEEDED = "online_hours_exceeded"
    CLAIM_WINDOW_EXPIRED = "claim_window_expired"
    AGE_OUT_OF_RANGE = "age_out_of_range"
    RESIDENCY_REQUIRED = "residency_required"
    EXCLUDED_GROUP = "excluded_group"
    # blocking, batch only: found by comparing claims with each other
    HIGHER_OR_SAME_LEVEL_CLAIMED = "higher_or_same_level_claimed"
    DUPLICATE_CLAIM = "duplicate_claim"
    YEARLY_LIMIT_EXCEEDED = "yearly_limit_exceeded"
    # blocking, institutions: the conditions of 002 · 一 / 附件4 · 8① (institutions.eligibility)
    NOT_A_LEGAL_PERSON = "not_a_legal_person"
    NOT_REGISTERED_LOCALLY = "not_registered_locally"
    NO_TRAINING_BASIS = "no_training_basis"
    RECENT_SERIOUS_VIOLATION = "recent_serious_violation"
    FOUND_LACKING = "found_lacking"
    # blocking, class filing: 002 · 附件4 · 8② and who may file (classes.filing)
    FILING_TOO_LATE = "filing_too_late"
    CALENDAR_YEAR_MISSING = "calendar_year_missing"
    INSTITUTION_NOT_APPROVED = "institution_not_approved"
    INSTITUTION_CANNOT_START = "institution_cannot_start"
    PROJECT_NOT_IN_TRACKING = "project_not_in_tracking"
    # informational
    NO_STANDARD = "no_standard"
    SHORTAGE_UPLIFT = "shortage_uplift"
    OUT_OF_CATALOG_FALLBACK = "out_of_catalog_fallback"
    LISTED_UNDER_OTHER_SPELLING = "listed_under_other_spelling"
    AMOUNT_IS_MAXIMUM = "amount_is_maximum"
    INPUT_MISSING = "input_missing"
    RULE_LAPSED = "rule_lapsed"
    AWAITING_FINDING = "awaiting_finding"
    # neither eligible nor ineligible: nothing published applies on the date
    OUTSIDE_PUBLISHED_PERIODS = "outside_published_periods"

    @property
    def blocking(self) -> bool:
        return self in BLOCKING

    @property
    def title_zh(self) -> str:
        return TITLES[self]


BLOCKING = frozenset(
    {
        ReasonCode.UNKNOWN_OCCUPATION,
        ReasonCode.NOT_IN_CATALOG,
        ReasonCode.HIGHER_OR_SAME_LEVEL_HELD,
        ReasonCode.INSUFFICIENT_HOURS,
        ReasonCode.ONLINE_HOURS_EXCEEDED,
        ReasonCode.CLAIM_WINDOW_EXPIRED,
        ReasonCode.AGE_OUT_OF_RANGE,
        ReasonCode.RESIDENCY_REQUIRED,
        ReasonCode.EXCLUDED_GROUP,
        ReasonCode.HIGHER_OR_SAME_LEVEL_CLAIMED,
        ReasonCode.DUPLICATE_CLAIM,
        ReasonCode.YEARLY_LIMIT_EXCEEDED,
        ReasonCode.NOT_A_LEGAL_PERSON,
        ReasonCode.NOT_REGISTERED_LOCALLY,
        ReasonCode.NO_TRAINING_BASIS,
        ReasonCode.RECENT_SERIOUS_VIOLATION,
        ReasonCode.FOUND_LACKING,
        ReasonCode.FILING_TOO_LATE,
        ReasonCode.CALENDAR_YEAR_MISSING,
        ReasonCode.INSTITUTION_NOT_APPROVED,
        ReasonCode.INSTITUTION_CANNOT_START,
        ReasonCode.PROJECT_NOT_IN_TRACKING,
    }
)

# Reasons of a class filing (classes.filing), never of a quote.
CLASS_ONLY = frozenset(
    {
        ReasonCode.FILING_TOO_LATE,
        ReasonCode.CALENDAR_YEAR_MISSING,
        ReasonCode.INSTITUTION_NOT_APPROVED,
        ReasonCode.INSTITUTION_CANNOT_START,
        ReasonCode.PROJECT_NOT_IN_TRACKING,
    }
)

# Reasons of an institution's eligibility (institutions.eligibility), never of a quote.
INSTITUTION_ONLY = frozenset(
    {
        ReasonCode.NOT_A_LEGAL_PERSON,
        ReasonCode.NOT_REGISTERED_LOCALLY,
        ReasonCode.NO_TRAINING_BASIS,
        ReasonCode.RECENT_SERIOUS_VIOLATION,
        ReasonCode.FOUND_LACKING,
        ReasonCode.AWAITING_FINDING,
    }
)

# One line each, for tables and the batch output; decisions carry a message with the particulars.
TITLES = {
    ReasonCode.UNKNOWN_OCCUPATION: "无法识别的职业（工种）或培训项目",
    ReasonCode.NOT_IN_CATALOG: "不在当地补贴性培训目录内",
    ReasonCode.HIGHER_OR_SAME_LEVEL_HELD: "已持有同一职业同等级或更高等级证书",
    ReasonCode.INSUFFICIENT_HOURS: "培训课时不足",
    ReasonCode.ONLINE_HOURS_EXCEEDED: "线上培训课时超过上限",
    ReasonCode.CLAIM_WINDOW_EXPIRED: "超过申领期限",
    ReasonCode.AGE_OUT_OF_RANGE: "年龄不符合要求",
    ReasonCode.RESIDENCY_REQUIRED: "不满足户籍、社保或失业登记要求",
    ReasonCode.EXCLUDED_GROUP: "属于不予补贴的人员",
    ReasonCode.HIGHER_OR_SAME_LEVEL_CLAIMED: "同批次中已申领同一职业同等级或更高等级证书补贴",
    ReasonCode.DUPLICATE_CLAIM: "同一证书重复申领",
    ReasonCode.YEARLY_LIMIT_EXCEEDED: "超过每人每年申领次数上限",
    ReasonCode.NO_STANDARD: "当地当期未公布补贴标准",
    ReasonCode.SHORTAGE_UPLIFT: "紧缺型职业高技能培训补贴上浮",
    ReasonCode.OUT_OF_CATALOG_FALLBACK: "目录外职业按规定类别执行",
    ReasonCode.LISTED_UNDER_OTHER_SPELLING: "目录以另一写法或编码列出该职业",
    ReasonCode.AMOUNT_IS_MAXIMUM: "金额为补贴上限，具体标准由主管部门确定",
    ReasonCode.INPUT_MISSING: "缺少信息，相关规则未核验",
    ReasonCode.RULE_LAPSED: "规则在该日无有效值，未核验",
    ReasonCode.NOT_A_LEGAL_PERSON: "不具有独立法人资格",
    ReasonCode.NOT_REGISTERED_LOCALLY: "不在本地注册或登记",
    ReasonCode.NO_TRAINING_BASIS: "无办学许可、培训业务范围或培训基地",
    ReasonCode.RECENT_SERIOUS_VIOLATION: "近期有重大违法、违规或失信记录",
    ReasonCode.FOUND_LACKING: "审核人员认定不符合条件",
    ReasonCode.FILING_TOO_LATE: "未在开班前规定的工作日数前备案",
    ReasonCode.CALENDAR_YEAR_MISSING: "该年度尚无工作日安排，无法计算备案期限",
    ReasonCode.INSTITUTION_NOT_APPROVED: "承训机构未获准承担该职业（工种）和等级的培训",
    ReasonCode.INSTITUTION_CANNOT_START: "承训机构当前状态不得开班",
    ReasonCode.PROJECT_NOT_IN_TRACKING: "培训项目未处于跟踪实施阶段",
    ReasonCode.AWAITING_FINDING: "需审核人员核查后记录结论",
    ReasonCode.OUTSIDE_PUBLISHED_PERIODS: "该日期不在已公布目录或补贴标准的有效期内",
}


@dataclass(frozen=True, slots=True)
class Reason:
    code: ReasonCode
    message: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code.value, "message": self.message}
