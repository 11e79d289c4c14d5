"""The amount of a claim: decided by the rules engine, at the standards in force on the certificate's
issue date, and frozen with its trace when the claim is submitted (issue 12).

The engine (rules.engine) already applies, per programme and region:
- the standard for the certificate (000 · 附件1), its exceptions (shortage uplift 000 · 附件3; the
  category-C fallback 000 · 附件1 · 备注3);
- the project standard and the higher catalog standard (002 · 六; 附件4 · 6);
- the same-or-lower-level rule against the certificates held (000 · 附件1 · 备注3);
- for project claims, the 12-month window (002 · 附件4 · 7) and the trainee rules.

A claim adds two things. The certificates "held" are those the system knows: every live or paid claim
of the person, in every region, plus the certificates the claimant declares; so the held rule holds
across all of a person's claims. And the claim window is checked for every programme of a region whose
parameters set it (the Guangdong excerpt states it for project training; where no document sets one,
the trace says it was not checked).

An amount a client sends is never read: only `decide` fixes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from skillsubsidy.catalog.model import CertificateType
from skillsubsidy.occupations import Level
from skillsubsidy.rules import checks
from skillsubsidy.rules.checks import ClaimWindowFacts
from skillsubsidy.rules.decision import Decision, Outcome
from skillsubsidy.rules.engine import Engine, default_engine
from skillsubsidy.rules.reasons import Reason, ReasonCode
from skillsubsidy.rules.request import Program, ProjectStandard


@dataclass(frozen=True, slots=True)
class ClaimInput:
    region: str  # GB/T 2260 code of the paying region
    claimed_on: date
    program: Program
    certificate_type: CertificateType
    occupation: str
    level: Level | None
    issued_on: date
    held: Sequence[tuple[str, Level]] = ()  # (occupation, level) held or already claimed
    hours: Decimal | None = None  # class hours attended (课时), where a class is claimed
    online_hours: Decimal | None = None
    trainee: Mapping[str, Any] | None = None  # the engine's trainee object (project programme)
    # The standard per trainee the city accepted for the project (002 · 六); None: not set. The engine
    # applies it exactly as the quote does (the cap, the higher catalog standard), with its trace.
    project_standard: ProjectStandard | None = None


@dataclass(frozen=True, slots=True)
class Frozen:
    """What a claim keeps of its decision: never recomputed after submission."""

    eligible: bool
    amount_fen: int  # 0 when not eligible
    reasons: tuple[str, ...]  # reason codes, blocking first as the engine gives them
    blocking: tuple[Reason, ...]
    standards_date: date
    decision: dict[str, Any]  # Decision.to_json(): reasons and the whole trace


def fen(amount: Decimal) -> int:
    """元 with at most two decimals → integer fen, exactly."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} 元 is finer than one fen")
    return int(cents)


def request_of(claim: ClaimInput) -> dict[str, Any]:
    """The quote request for a claim, as the engine's JSON contract spells it."""
    cert: dict[str, Any] = {
        "type": claim.certificate_type.value,
        "occupation": claim.occupation,
        "issued_on": claim.issued_on.isoformat(),
    }
    if claim.level is not None:
        cert["level"] = int(claim.level)
    raw: dict[str, Any] = {
        "region": claim.region,
        "date": claim.claimed_on.isoformat(),
        "program": claim.program.value,
        "certificate": cert,
        "held_certificates": [{"occupation": o, "level": int(lv)} for o, lv in claim.held],
    }
    if claim.hours is not None:
        training: dict[str, Any] = {"hours": str(claim.hours)}
        if claim.online_hours is not None:
            training["online_hours"] = str(claim.online_hours)
        raw["training"] = training
    if claim.trainee is not None:
        raw["trainee"] = dict(claim.trainee)
    if claim.program is Program.PROJECT:
        raw["project"] = {"qualified_trainees": 1}
    return raw


def decide(claim: ClaimInput, *, engine: Engine | None = None) -> Frozen:
    """Decide and freeze. Raises rules.request.RequestError for a request the engine cannot read."""
    engine = engine or default_engine()
    request = engine.parse(request_of(claim))
    if claim.project_standard is not None:
        request = replace(request, project_standard=claim.project_standard)
    decision = engine.quote(request)
    reasons = list(decision.reasons)
    trace = list(decision.trace)
    if claim.program is not Program.PROJECT:
        # The engine checks the window for project claims only; a claim checks it for every programme.
        regime = engine.regime(request.region, request.standards_date)
        window = checks.check_claim_window(
            ClaimWindowFacts(claim.issued_on, claim.claimed_on),
            months=regime.get(checks.CLAIM_WINDOW),
            on=request.standards_date,
        )
        trace[-1:-1] = window.steps  # before the amount step
        if window.outcome is Outcome.FAILED and window.reason is not None:
            reasons.insert(0, window.reason)
    # A quote may be eligible with no amount (no standard published) or undecided (a date outside
    # every published period); a claim pays money, so for a claim both are refusals.
    unpaid = decision.eligible is not True or decision.amount is None or decision.amount <= 0
    refusing = [r for r in reasons if r.code.blocking or (unpaid and r.code in _NO_AMOUNT)]
    eligible = not refusing and not unpaid
    if not eligible:
        reasons = [r for r in reasons if r in refusing or r.code in _ALWAYS]
    amount = decision.amount if eligible else Decimal("0.00")
    frozen_decision = Decision(eligible, amount, tuple(reasons), tuple(trace)).to_json()
    # The claim pages in English read the trace from the frozen decision too (never recomputed), so
    # each step keeps its English wording where it has one; pages fall back to `value`.
    for step, kept in zip(trace, frozen_decision["trace"], strict=True):
        if step.value_en:
            kept["value_en"] = step.value_en
    return Frozen(
        eligible=eligible,
        amount_fen=fen(amount) if amount is not None else 0,
        reasons=tuple(r.code.value for r in reasons),
        blocking=tuple(refusing),
        standards_date=request.standards_date,
        decision=frozen_decision,
    )


_ALWAYS = frozenset({ReasonCode.INPUT_MISSING, ReasonCode.RULE_LAPSED})
# The reasons a quote gives for having no amount to pay.
_NO_AMOUNT = frozenset({ReasonCode.NO_STANDARD, ReasonCode.OUTSIDE_PUBLISHED_PERIODS})
