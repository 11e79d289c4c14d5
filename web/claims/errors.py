"""The claims app's refusals that carry a stable code beyond the common ones (API: common.api_errors)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.errors import Conflict


class DuplicateClaim(Conflict):
    """Another live claim holds the certificate (or the person × occupation × level × programme)."""

    code = "duplicate_claim"

    def __init__(self, winner: str) -> None:
        # In the language of the request: the API's (Chinese, as docs/error-codes.md shows) or the page's.
        super().__init__(
            _("Claim %(winner)s already holds this certificate: no second claim.") % {"winner": winner}
        )
        self.winner = winner


class NotEligible(ValidationError):
    """The engine's decision refuses the claim; `codes` are its blocking reason codes."""

    def __init__(self, codes: tuple[str, ...], messages: list[str]) -> None:
        super().__init__({"certificate": messages})
        self.codes = codes


class UnknownCertificate(ValidationError):
    code_name = "unknown_certificate"

    def __init__(self, number: str) -> None:
        super().__init__(
            {
                "certificate_no": _(
                    "No assessment result holds the certificate number “%(number)s” (or it is not the "
                    "claimant's)."
                )
                % {"number": number}
            }
        )
        self.number = number
