"""The payee of a claim: the worker's social-security card (its financial account) or bank card, or
the institution's account (代领, issue 12 · 1).

Personal cards issued by Chinese banks (UnionPay, and the financial account of the third-generation
social-security card, which is a UnionPay debit card) carry a Luhn check digit (ISO/IEC 7812-1) over
16 to 19 digits. Corporate settlement accounts have no published check algorithm and bank-specific
lengths, so they are checked for shape only (8 to 30 digits). A failing number is refused with the
field and the value masked, never stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError


class PayeeKind(StrEnum):
    SOCIAL_SECURITY_CARD = "social_security_card"  # 社会保障卡金融账户
    BANK_CARD = "bank_card"  # 本人银行卡
    INSTITUTION_ACCOUNT = "institution_account"  # 机构对公账户（代领）

    @property
    def label_zh(self) -> str:
        return _LABELS[self]


_LABELS = {
    PayeeKind.SOCIAL_SECURITY_CARD: "社会保障卡金融账户",
    PayeeKind.BANK_CARD: "本人银行卡",
    PayeeKind.INSTITUTION_ACCOUNT: "机构对公账户",
}
PERSONAL = frozenset({PayeeKind.SOCIAL_SECURITY_CARD, PayeeKind.BANK_CARD})
_CARD = re.compile(r"^\d{16,19}$")
_CORPORATE = re.compile(r"^\d{8,30}$")


class PayeeError(ValueError):
    """`problem` in Chinese, as the API answers it; `problem_en` the same for pages in English."""

    def __init__(self, field: str, shown: str, problem: str, problem_en: str) -> None:
        super().__init__(f"{field}: {problem}（{shown}）")
        self.field = field
        self.problem = problem
        self.problem_en = problem_en
        self.shown = shown


@dataclass(frozen=True, slots=True)
class Payee:
    kind: PayeeKind
    account: str  # digits only, normalised
    name: str  # the account holder's name as the bank knows it


def mask_account(account: str) -> str:
    return account[:4] + "*" * max(len(account) - 8, 0) + account[-4:] if len(account) > 8 else "****"


def check_payee(kind: str, account: str, name: str) -> Payee:
    """Normalise and check; raise PayeeError naming the field."""
    try:
        k = PayeeKind(kind)
    except ValueError:
        allowed = "、".join(m.value for m in PayeeKind)
        raise PayeeError(
            "payee_kind",
            kind,
            f"收款账户类型应为 {allowed} 之一",
            f"The payee account kind must be one of {', '.join(m.value for m in PayeeKind)}",
        ) from None
    digits = re.sub(r"[\s-]", "", account)
    shown = mask_account(digits)
    if not name.strip():
        raise PayeeError("payee_name", "", "请填写收款户名", "Give the account holder's name")
    if k in PERSONAL:
        if not _CARD.match(digits):
            raise PayeeError(
                "payee_account",
                shown,
                "个人银行卡号应为16至19位数字",
                "A personal card number has 16 to 19 digits",
            )
        try:
            luhn.validate(digits)
        except StdnumError:
            raise PayeeError(
                "payee_account", shown, "银行卡号校验位不正确", "The card number's check digit is wrong"
            ) from None
    elif not _CORPORATE.match(digits):
        raise PayeeError(
            "payee_account", shown, "对公账号应为8至30位数字", "A corporate account number has 8 to 30 digits"
        )
    return Payee(k, digits, name.strip())
