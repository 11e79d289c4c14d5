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


# The institution's training approvals for the class's occupation and the class's sessions with the
# trainee's mark at each, in one statement (a submission's round trips are most of its time): rows
# tagged "a" are (valid_from, valid_to) in the first two value columns, rows tagged "s" (hours, mode,
# mark) in the last three. The approvals come first because SQLite types a compound SELECT's columns
# by its first SELECT's: its dates then come back as dates, as PostgreSQL's do.
_CLASS_FACTS = (
    f'SELECT \'a\', "valid_from", "valid_to", NULL, NULL, NULL FROM {Approval._meta.db_table} '
    'WHERE "institution_id" = %s AND "role" = %s AND "{column}" = %s '
    f'UNION ALL SELECT \'s\', NULL, NULL, s."hours", s."mode", a."mark" FROM {Session._meta.db_table} s '
    f'LEFT JOIN {Attendance._meta.db_table} a ON a."session_id" = s."id" AND a."trainee_id" = %s '
    'WHERE s."training_class_id" = %s'
)
# Hours as the ORM gives them on either database: PostgreSQL answers numeric as Decimal at the
# column's scale, SQLite a number, which the field's own step restores.
_HOURS_STEP = Decimal(1).scaleb(-Session._meta.get_field("hours").decimal_places)


def class_facts(trainee: Trainee) -> tuple[ClassHours, matching.Registry]:
    """The class's planned hours and the trainee's attendance (every session of the class with the
    trainee's mark at it, if any), and the institution's training approvals for the class's
    occupation (by code when it has one). One statement written out, not built through the ORM:
    every submission reads it, and building the queries cost several times their round trip."""
    klass = trainee.training_class
    column = "occupation_code" if klass.occupation_code else "occupation"
    with connection.cursor() as cursor:
        cursor.execute(
            _CLASS_FACTS.replace("{column}", column),
            [klass.institution_id, CatalogRole.TRAINING.value, klass.occupation_code or klass.occupation,
             trainee.pk, klass.pk],
        )  # fmt: skip
        rows = cursor.fetchall()
    planned: Decimal | None = None
    online = attended = Decimal(0)
    recorded = False
    approvals = []
    for tag, start, end, hours_read, mode, mark in rows:
        if tag == "a":
            approvals.append((start, end))
            continue
        hours = Decimal(str(hours_read)).quantize(_HOURS_STEP)
        planned = (planned or Decimal(0)) + hours
        if mode == Session.Mode.ONLINE:
            online += hours
        if mark is not None:
            recorded = True
            if mark == Attendance.Mark.PRESENT:
                attended += hours
    return ClassHours(planned, online, attended if recorded else None), matching.Registry(tuple(approvals))


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
    registry: matching.Registry,
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
        results=results, klass=facts, registry=registry, minimum_hours=minimum_hours
    )
