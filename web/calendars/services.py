"""Adding a year's holiday arrangement. It is checked exactly as the shipped files are (the core's
build_year) before it is stored, and deadlines use it from the next request on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role
from accounts.selectors import staff_scope
from audit.services import audit_record
from calendars.models import CalendarYear
from common.actor import Actor, actor_user
from common.errors import required_reason
from skillsubsidy.calendar import CalendarDataError, Notice, build_year, shipped_years

# The holiday arrangement is national, so only staff who act beyond one district may enter it.
ADDERS = frozenset({Role.PLATFORM_ADMIN, Role.CITY_BUREAU})


def may_add_year(actor: Actor) -> bool:
    scope = staff_scope(actor)
    return scope is not None and scope.role in ADDERS


@transaction.atomic
def calendar_year_add(
    *,
    actor: Actor,
    year: int,
    holidays: Sequence[tuple[date, str]],
    makeup_days: Sequence[tuple[date, str]],
    source: Notice,
    reason: str,
) -> CalendarYear:
    """Store `year`'s public holidays and make-up working days, citing the notice that set them."""
    scope = staff_scope(actor)
    if scope is None or scope.role not in ADDERS:
        raise PermissionDenied("only platform administrators and city bureaus may add a year's holidays")
    why = required_reason(reason)
    if year in {a.year for a in shipped_years()}:
        raise ValidationError(
            {"year": f"{year} ships with the platform ({year}.yaml); a shipped year is corrected in the data"}
        )
    try:
        arrangement = build_year(
            year=year,
            holidays=holidays,
            makeup_days=makeup_days,
            sources=[source],
            origin=f"{year}",
        )
    except CalendarDataError as exc:
        raise ValidationError({exc.field or "year": str(exc)}) from None
    try:
        # A savepoint, so that losing the race to the unique year leaves the outer transaction usable.
        with transaction.atomic():
            row = CalendarYear.objects.create(
                year=year,
                holidays=[{"date": d.isoformat(), "name": n} for d, n in arrangement.holidays.items()],
                makeup_days=[{"date": d.isoformat(), "name": n} for d, n in arrangement.makeup_days.items()],
                source_title=source.title.strip(),
                source_number=(source.number or "").strip(),
                source_issued=source.issued,
                reason=why,
                created_by=actor_user(actor),
            )
    except IntegrityError:
        raise ValidationError({"year": f"{year} has already been added"}) from None
    audit_record(
        actor=actor,
        action="calendar.year_add",
        target_type="calendar_year",
        target_id=row.pk,
        # The arrangement is national; the record goes under the adder's own region so that the
        # bureau that entered it finds it in its audit trail.
        region=scope.region,
        summary=(
            f"added the {year} holiday arrangement: {len(arrangement.holidays)} holidays, "
            f"{len(arrangement.makeup_days)} make-up working days ({source.cite()})"
        ),
        reason=why,
        changes={"year": year, "holidays": row.holidays, "makeup_days": row.makeup_days},
    )
    return row
