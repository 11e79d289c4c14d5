"""The decision a quote returns: eligibility, the payable amount, reasons and the trace behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from skillsubsidy.rules.reasons import Reason, ReasonCode

CURRENCY = "CNY"


class Outcome(StrEnum):
    """What a rule check found. `not_checked` is never a pass: an input or the rule's value is missing."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_CHECKED = "not_checked"


@dataclass(frozen=True, slots=True)
class TraceStep:
    rule: str  # a parameter name or a rule id: catalog.entry, shortage_uplift …
    source: str  # the sentence of the document it comes from, or the request field
    value: str  # what was used or found, in words
    outcome: Outcome | None = None  # None: a step that looks something up rather than checks a rule
    # The same finding in English, for pages in English. Data values (occupation, region and
    # catalog names, the documents' own words) stay as printed. Not in `to_json`: the API's trace
    # speaks the documents' language, as its reasons do (ADR 0014). Empty: no English wording yet
    # (a workflow check outside the quote), and pages fall back to `value`. Left out of equality: a
    # step is what was found (`value`); the English is how it reads, checked on its own.
    value_en: str = field(default="", compare=False)

    def to_json(self) -> dict[str, str | None]:
        # The key is always present, so every step has the same shape for API clients.
        return {
            "rule": self.rule,
            "source": self.source,
            "value": self.value,
            "outcome": None if self.outcome is None else self.outcome.value,
        }


@dataclass(frozen=True, slots=True)
class Decision:
    # None: neither eligible nor ineligible, because no catalog or standard is in force on the date
    # (reason `outside_published_periods`, naming the nearest published version).
    eligible: bool | None
    amount: Decimal | None  # None: no standard exists, or outside every period; 0.00 when not eligible
    reasons: tuple[Reason, ...]
    trace: tuple[TraceStep, ...]
    # Outside every period: the nearest date on which the same request has an answer.
    answerable_on: date | None = None

    @property
    def codes(self) -> tuple[ReasonCode, ...]:
        return tuple(r.code for r in self.reasons)

    def to_json(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "amount": None if self.amount is None else f"{self.amount:.2f}",
            "currency": CURRENCY,
            "reasons": [r.to_json() for r in self.reasons],
            "trace": [t.to_json() for t in self.trace],
        }
