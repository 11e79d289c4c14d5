"""Claims through the API (issue 12 · 8): an institution's system (a clerk's token) or a worker submits
a claim and reads its status. The amount is never taken from the request: a client's `amount` is
accepted and ignored, and the answer gives the engine's. Errors use stable codes (docs/error-codes.md)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router
from pydantic import BaseModel

from claims import selectors, services
from claims.errors import DuplicateClaim, NotEligible, UnknownCertificate
from claims.models import Claim
from common.api_errors import ApiError, ApiErrorCode
from common.api_schemas import ERRORS, WRITE_ERRORS, Out

router = Router(tags=["claims"])


class PayeeIn(BaseModel):
    kind: str = Field(description="social_security_card, bank_card or institution_account")
    account: str
    name: str


class ClaimIn(BaseModel):
    certificate_no: str
    payee: PayeeIn
    pledge_signed: bool = Field(
        False, description="the institution's signed integrity pledge (002 · 附件4 · 8③)"
    )
    evidence: dict[str, str] = Field(default_factory=dict, description="what is filed with the claim")
    amount: Any = Field(None, description="ignored: the amount is the rules engine's")


class MismatchOut(Out):
    code: str
    field: str
    message: str


class ClaimOut(Out):
    number: str
    status: str
    channel: str
    certificate_no: str
    occupation: str
    level: int | None
    amount_fen: int
    amount: str
    standards_date: str
    mismatches: list[MismatchOut]
    corrections: dict[str, str]


def _out(claim: Claim) -> dict[str, Any]:
    return {
        "number": claim.number,
        "status": claim.status,
        "channel": claim.channel,
        "certificate_no": claim.certificate_no,
        "occupation": claim.occupation,
        "level": claim.level or None,
        "amount_fen": claim.amount_fen,
        "amount": f"{claim.amount_fen // 100}.{claim.amount_fen % 100:02d}",
        "standards_date": claim.standards_date.isoformat(),
        "mismatches": [{k: m[k] for k in ("code", "field", "message")} for m in claim.mismatches],
        "corrections": claim.corrections,
    }


@router.post(
    "/claims",
    response={201: ClaimOut, **WRITE_ERRORS},
    summary="Submit a claim (by a worker, or by an institution's clerk for its trainee)",
)
def claim_submit(request: HttpRequest, payload: ClaimIn) -> HttpResponse:
    try:
        claim = services.claim_submit(
            actor=request.user,
            certificate_no=payload.certificate_no,
            payee=services.PayeeInput(payload.payee.kind, payload.payee.account, payload.payee.name),
            pledge_signed=payload.pledge_signed,
            evidence=payload.evidence,
        )
    except DuplicateClaim as exc:
        raise ApiError(ApiErrorCode.DUPLICATE_CLAIM, str(exc), field="certificate_no",
                       value=payload.certificate_no, winner=exc.winner) from None  # fmt: skip
    except UnknownCertificate as exc:
        raise ApiError(ApiErrorCode.UNKNOWN_CERTIFICATE, exc.messages[0], field="certificate_no",
                       value=exc.number) from None  # fmt: skip
    except NotEligible as exc:
        raise ApiError(ApiErrorCode.NOT_ELIGIBLE, "；".join(exc.messages), field="certificate_no",
                       value=payload.certificate_no, reasons=list(exc.codes)) from None  # fmt: skip
    # The answer is ClaimOut's document already (tests/web/test_web_answer_shapes.py keeps the two byte
    # for byte equal), so it is encoded once rather than validated by the schema again on the path
    # where submissions are counted per second.
    return HttpResponse(
        json.dumps(_out(claim), ensure_ascii=False),
        status=201,
        content_type="application/json; charset=utf-8",
    )


@router.get("/claims", response={200: list[ClaimOut], **ERRORS}, summary="The caller's claims, newest first")
def claim_list(request: HttpRequest, limit: int = 100) -> list[dict[str, Any]]:
    return [_out(c) for c in selectors.claims_for(request.user)[: max(1, min(limit, 500))]]


@router.get("/claims/{number}", response={200: ClaimOut, **ERRORS}, summary="One claim's status")
def claim_status(request: HttpRequest, number: str) -> dict[str, Any]:
    claim = selectors.claims_for(request.user).filter(number=number).first()
    if claim is None:
        raise ApiError(ApiErrorCode.UNKNOWN_CLAIM, f"no claim {number}", field="number", value=number)
    return _out(claim)
