"""The claims app's refusals that carry a stable code beyond the common ones (API: common.api_errors)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from common.errors import Conflict


class DuplicateClaim(Conflict):
    """Another live claim holds the certificate (or the person × occupation × level × programme)."""

    code = "duplicate_claim"

    def __init__(self, winner: str) -> None:
        super().__init__(f"该证书已有申领 {winner}，不能重复申领")
        self.winner = winner


class NotEligible(ValidationError):
    """The engine's decision refuses the claim; `codes` are its blocking reason codes."""

    def __init__(self, codes: tuple[str, ...], messages: list[str]) -> None:
        super().__init__({"certificate": messages})
        self.codes = codes


class UnknownCertificate(ValidationError):
    code_name = "unknown_certificate"

    def __init__(self, number: str) -> None:
        super().__init__({"certificate_no": f"没有考核结果载有证书编号“{number}”（或该证书不属于申领人）"})
        self.number = number
