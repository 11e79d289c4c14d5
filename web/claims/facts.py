"""What the system knows about a certificate, read from the classes and institutions apps and shaped
for the framework-free matching (skillsubsidy.claims.matching) and decision (skillsubsidy.claims.decide)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet

from calls import selectors as calls_selectors
from claims.models import SupervisionCertificate
from classes.models import Attendance, Result, Session, Trainee, TrainingClass
from institutions.models import Approval
from skillsubsidy.claims import matching
from skillsubsidy.institutions.model import Role as CatalogRole
from skillsubsidy.occupations import Level
from skillsubsidy.rules.request import Program, ProjectStandard


def level_of(value: int | None) -> Level | None:
    return Level(value) if value else None


def occupation_key(klass: TrainingClass) -> str:
    return klass.occupation_code or klass.occupation


@dataclass(frozen=True, slots=True)
class ClassHours:
    planned: Decimal | None  # the class's planned hours in all; None without sessions
    planned_online: Decimal
    attended: Decimal | None  # the trainee's hours present; None when nothing is recorded for them


_SESSIONS = (
    f'SELECT s."hours", s."mode", a."mark" FROM {Session._meta.db_table} s '
    f'LEFT JOIN {Attendance._meta.db_table} a ON a."session_id" = s."id" AND a."trainee_id" = %s '
    'WHERE s."training_class_id" = %s'
)
# Hours as the ORM gives them on either database: PostgreSQL answers numeric as Decimal at the
# column's scale, SQLite a number, which the field's own step restores.
_HOURS_STEP = Decimal(1).scaleb(-Session._meta.get_field("hours").decimal_places)


def class_hours(trainee: Trainee) -> ClassHours:
    """The class's planned hours and the trainee's attendance, in one query: every session of the
    class with the trainee's mark at it, if any. Sent as SQL for the reason registry_of is."""
    with connection.cursor() as cursor:
        cursor.execute(_SESSIONS, [trainee.pk, trainee.training_class_id])
        sessions = [
            (Decimal(str(h)).quantize(_HOURS_STEP), mode, mark) for h, mode, mark in cursor.fetchall()
        ]
    planned: Decimal | None = None
    online = attended = Decimal(0)
    recorded = False
    for hours, mode, mark in sessions:
        planned = (planned or Decimal(0)) + hours
        if mode == Session.Mode.ONLINE:
            online += hours
        if mark is not None:
            recorded = True
            if mark == Attendance.Mark.PRESENT:
                attended += hours
    return ClassHours(planned, online, attended if recorded else None)


def project_in_tracking(klass: TrainingClass) -> bool | None:
    """Whether the class's project is tracked now (002 · 四: a project removed from the list is not
    paid); None for a class of another programme."""
    if klass.program != Program.PROJECT.value:
        return None
    return klass.project_id is not None and calls_selectors.project_tracked(klass.project_id)


def project_standard(klass: TrainingClass) -> ProjectStandard | None:
    """The standard the city accepted for the class's project (002 · 六: set per project); None for
    another programme or while none is set."""
    if klass.program != Program.PROJECT.value or klass.project_id is None:
        return None
    return calls_selectors.project_accepted_standard(klass.project_id)


_APPROVALS = (
    f'SELECT "valid_from", "valid_to" FROM {Approval._meta.db_table} '
    'WHERE "institution_id" = %s AND "role" = %s AND "{column}" = %s'
)


def registry_of(klass: TrainingClass) -> matching.Registry:
    """The institution's training approvals for the class's occupation (by code when it has one).
    Sent as SQL, not built through the ORM: every submission reads it, and building the query cost
    several times its round trip (the dates come back as dates from both databases)."""
    column = "occupation_code" if klass.occupation_code else "occupation"
    with connection.cursor() as cursor:
        cursor.execute(
            _APPROVALS.replace("{column}", column),
            [klass.institution_id, CatalogRole.TRAINING.value, klass.occupation_code or klass.occupation],
        )
        return matching.Registry(tuple((start, end) for start, end in cursor.fetchall()))


def numbered(certificate_no: str) -> QuerySet[Result]:
    """The results that carry a certificate number (only passed ones carry one:
    result_certificate_iff_passed), with their roster rows and classes."""
    found = Result.objects.filter(certificate_no=certificate_no, passed=True)
    return found.select_related("trainee__training_class").order_by()


def known_for(
    result: Result,
    *,
    same_number: Iterable[Result],
    hours: ClassHours,
    minimum_hours: Decimal | None = None,
) -> tuple[matching.ClaimedCertificate, matching.Known]:
    """The claimed certificate (as the result names it) and what matching compares it with.
    `same_number` are the results carrying its number (`numbered()`): those of its issuer are the
    certificate's results.

    Only the claimed person's part of the class is read: matching judges no one else. Their roster
    row is the result's trainee (a person is on a class's roster once: trainee_once_per_class), so
    the roster, attendance and completion decision are theirs, not the whole class's."""
    trainee = result.trainee
    klass = trainee.training_class
    issued = result.issued_on or date.min
    claimed = matching.ClaimedCertificate(
        number=result.certificate_no,
        person=trainee.id_digest,
        occupation=occupation_key(klass),
        level=level_of(result.level),
        issued_on=issued,
    )
    results = [
        matching.Result(
            r.certificate_no,
            r.trainee.id_digest,
            occupation_key(r.trainee.training_class),
            level_of(r.level),
            r.issued_on,
            r.passed,
        )
        for r in same_number
        if r.issuer == result.issuer
    ]
    attended = hours.attended
    decided = trainee.completion_override
    facts = matching.ClassFacts(
        starts_on=klass.start,
        ends_on=klass.end,
        planned_hours=hours.planned,
        roster=frozenset({trainee.id_digest}),
        attended_hours={} if attended is None else {trainee.id_digest: attended},
        project_in_tracking=project_in_tracking(klass),
        completion_set={} if decided is None else {trainee.id_digest: decided},
        special_group=bool(klass.special_group),
        supervision_certified=bool(klass.special_group)
        and SupervisionCertificate.objects.filter(training_class=klass).exists(),
    )
    return claimed, matching.Known(
        results=results, klass=facts, registry=registry_of(klass), minimum_hours=minimum_hours
    )
