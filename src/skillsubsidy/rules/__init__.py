"""Subsidy rules: dated policy parameters, the explained quote engine, and the vectorised batch engine.

The web API and the CLI call `quote(request)` with the decoded JSON request and serve
`decision.to_json()`; `RequestError` names the offending field. See docs/adr/0002-rules-as-data.md.
"""

from skillsubsidy.rules.decision import Decision, Outcome, TraceStep
from skillsubsidy.rules.engine import Engine, default_engine, quote
from skillsubsidy.rules.parameters import ParameterError, PolicyStore
from skillsubsidy.rules.reasons import Reason, ReasonCode
from skillsubsidy.rules.request import Program, QuoteRequest, RequestError

__all__ = [
    "Decision",
    "Engine",
    "Outcome",
    "ParameterError",
    "PolicyStore",
    "Program",
    "QuoteRequest",
    "Reason",
    "ReasonCode",
    "RequestError",
    "TraceStep",
    "default_engine",
    "quote",
]
