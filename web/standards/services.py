"""Entering subsidy standards. A value is checked by loading the policy it would produce, before it
is stored; quotes use it from the next request on (the engine cache is keyed by the rows)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from common.actor import Actor, actor_user, authorise
from common.errors import Stale, required_reason
from skillsubsidy.regions import UnknownRegion, resolve_region
from skillsubsidy.rules.parameters import ParameterError, Unit
from standards import policy, selectors
from standards.models import StandardValue

_DECIMAL_UNITS = {Unit.CNY, Unit.PERCENT, Unit.CLASS_HOURS}
_INT_UNITS = {Unit.MINUTES, Unit.MONTHS, Unit.WORKING_DAYS, Unit.YEARS, Unit.COUNT}
# What people type around a number as documents print it: "2,200", "2200元", "2200 元/人", "30%",
# "56课时", full-width "２２００". Only these are dropped; anything else left over is refused.
_SEPARATORS = re.compile(r"(?<=\d)[,，](?=\d{3}(?:\D|$))")
_UNIT_WORDS = {
    Unit.CNY: ("元/人", "元／人", "元"),
    Unit.PERCENT: ("%", "％"),
    Unit.CLASS_HOURS: ("课时",),
}


def _plain_number(unit: Unit, raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).strip()
    for word in _UNIT_WORDS.get(unit, ()):
        if text.endswith(unicodedata.normalize("NFKC", word)):
            text = text[: -len(unicodedata.normalize("NFKC", word))].strip()
            break
    return _SEPARATORS.sub("", text)


def parse_value(unit: Unit, text: str, *, field: str = "value") -> Any:
    """The typed value for a form entry; empty means "no value from this date" (None). A refusal
    names `field` and quotes the value."""
    raw = text.strip()
    if raw == "":
        return None
    shown = {"field": field, "value": raw[:40]}
    if unit in _DECIMAL_UNITS:
        try:
            number = Decimal(_plain_number(unit, raw))
        except InvalidOperation:
            raise ValidationError(
                {field: _("“%(value)s” is not a number; write it like 2200, 2,200 or 2200元.") % shown}
            ) from None
        if not number.is_finite() or number < 0:
            raise ValidationError({field: _("“%(value)s” must be a number not below 0.") % shown})
        return str(number)
    if unit in _INT_UNITS:
        # isdecimal, not isdigit: "²" is a digit that int() refuses; full-width "４５" is fine for both.
        if not raw.isdecimal():
            raise ValidationError({field: _("“%(value)s” must be a whole number.") % shown})
        return int(raw)
    if unit is Unit.FLAG:
        if raw.lower() not in ("true", "false"):
            raise ValidationError({field: _("“%(value)s” must be true or false.") % shown})
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
        raise ValidationError({"name": _("“%(name)s” is not a known parameter.") % {"name": name[:80]}})
    if not source.strip():
        raise ValidationError({"source": _("Cite the document and clause the value comes from.")})
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


@transaction.atomic
def standards_table_set(
    *,
    actor: Actor,
    region: str,
    since: date,
    values: dict[str, str],
    source: str,
    reason: str,
    based_on: dict[str, int],
) -> list[StandardValue]:
    """A whole table of standards for a new period, from `since`, with one source and one reason: each
    non-empty value is set as `standard_set` sets one. All are stored or none: a refusal names each
    parameter (by its label) and the value refused."""
    labels = {n: label for n, _unit, label in selectors.parameter_names()}
    entered = {name: text for name, text in values.items() if text.strip()}
    if not entered:
        raise ValidationError({"values": _("Enter at least one value.")})
    errors: dict[str, list[str]] = {}
    rows: list[StandardValue] = []
    for name, text in entered.items():
        try:
            with transaction.atomic():
                rows.append(
                    standard_set(
                        actor=actor, region=region, name=name, since=since, value=text, source=source,
                        reason=reason, based_on=based_on.get(name, 0),
                    )
                )  # fmt: skip
        except ValidationError as exc:
            messages = exc.messages if not hasattr(exc, "error_dict") else [
                m for ms in exc.message_dict.values() for m in ms
            ]  # fmt: skip
            errors[name] = [f"{labels.get(name, name)}：{m}" for m in messages]
    if errors:
        raise ValidationError(errors)
    return rows
