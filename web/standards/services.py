"""Entering subsidy standards. A value is checked by loading the policy it would produce, before it
is stored; quotes use it from the next request on (the engine cache is keyed by the rows)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from audit.services import audit_record
from common.actor import Actor, actor_user, authorise
from common.errors import Stale, required_reason
from skillsubsidy.regions import UnknownRegion, resolve_region
from skillsubsidy.rules.parameters import ParameterError, Unit
from standards import policy, selectors
from standards.models import StandardValue

_DECIMAL_UNITS = {Unit.CNY, Unit.PERCENT, Unit.CLASS_HOURS}
_INT_UNITS = {Unit.MINUTES, Unit.MONTHS, Unit.WORKING_DAYS, Unit.YEARS, Unit.COUNT}


def parse_value(unit: Unit, text: str) -> Any:
    """The typed value for a form entry; empty means "no value from this date" (None)."""
    raw = text.strip()
    if raw == "":
        return None
    if unit in _DECIMAL_UNITS:
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise ValidationError({"value": f"{raw!r} is not a number"}) from None
        if not number.is_finite() or number < 0:
            raise ValidationError({"value": f"{raw!r} must be a number not below 0"})
        return str(number)
    if unit in _INT_UNITS:
        # isdecimal, not isdigit: "²" is a digit that int() refuses; full-width "４５" is fine for both.
        if not raw.isdecimal():
            raise ValidationError({"value": f"{raw!r} must be a whole number"})
        return int(raw)
    if unit is Unit.FLAG:
        if raw.lower() not in ("true", "false"):
            raise ValidationError({"value": f"{raw!r} must be true or false"})
        return raw.lower() == "true"
    if unit is Unit.CATEGORY:
        return raw.upper()
    return [g for g in raw.replace("、", ",").replace(" ", ",").split(",") if g]


def _lock_standard(region: str, name: str) -> None:
    """Serialise the edits of one standard until the transaction ends. Its rows are only inserted, so
    there may be no row to lock: PostgreSQL takes a transaction-scoped advisory lock on the pair;
    SQLite's IMMEDIATE transactions already hold the one write lock from their start."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"standard:{region}:{name}"])


@transaction.atomic
def standard_set(
    *, actor: Actor, region: str, name: str, since: date, value: str, source: str, reason: str, based_on: int
) -> StandardValue:
    """Set `name` for `region` from `since` (a new dated value, or a correction of one), on top of
    `based_on`, the latest entered value the person saw (`selectors.standard_revision`)."""
    try:
        code = resolve_region(region).code
    except UnknownRegion as exc:
        raise ValidationError({"region": str(exc)}) from None
    authorise(actor, code)
    known = {n: (unit, label) for n, unit, label in selectors.parameter_names()}
    if name not in known:
        raise ValidationError({"name": f"{name!r} is not a known parameter"})
    if not source.strip():
        raise ValidationError({"source": "cite the document and clause the value comes from"})
    required_reason(reason)
    unit, label = known[name]
    typed = parse_value(Unit(unit), value)
    candidate = [o for o in selectors.overrides() if (o.region, o.name, o.since) != (code, name, since)] + [
        policy.Override(code, name, since, typed, source.strip(), label, unit)
    ]
    try:
        policy.check(candidate)
    except ParameterError as exc:
        raise ValidationError({"value": str(exc)}) from None
    _lock_standard(code, name)
    latest = selectors.standard_revision(region=code, name=name)
    if latest != based_on:
        row = StandardValue.objects.get(pk=latest)
        raise Stale(
            f"{name} for {code} was changed by someone else meanwhile: from {row.since} it is now "
            f"{row.value if row.value is not None else '(no value)'}; check it and save again",
            current={"since": row.since.isoformat(), "value": row.value, "source": row.source},
            revision=latest,
        )
    previous = selectors.parameters().region(code).get(name)
    before = previous.at(since) if previous else None
    row = StandardValue.objects.create(
        region=code,
        name=name,
        since=since,
        value=typed,
        source=source.strip(),
        reason=reason.strip(),
        created_by=actor_user(actor),
    )
    audit_record(
        actor=actor,
        action="standard.set",
        target_type="standard",
        target_id=row.pk,
        region=code,
        summary=f"set {name} for {code} from {since} to {typed if typed is not None else '(no value)'}",
        reason=reason,
        changes={
            "name": name,
            "since": since.isoformat(),
            "before": None if before is None or before.since != since else str(before.value),
            "after": typed,
        },
    )
    return row
