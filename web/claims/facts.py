"""What the system knows about a certificate, read from the classes and institutions apps and shaped
for the framework-free matching (skillsubsidy.claims.matching) and decision (skillsubsidy.claims.decide)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Sum

from calls import selectors as calls_selectors
from claims.models import SupervisionCertificate
from classes.models import Attendance, Result, Session, TrainingClass
from institutions.models import Approval
from skillsubsidy.claims import matching
from skillsubsidy.institutions.model import Role as CatalogRole
from skillsubsidy.occupations import Level
from skillsubsidy.rules.request import Program, ProjectStandard


def level_of(value: int | None) -> Level | None:
    return Level(value) if value else None


def occupation_key(klass: TrainingClass) -> str:
    return klass.occupation_code or klass.occupation


def planned_hours(klass: TrainingClass) -> tuple[Decimal | None, Decimal]:
    """The class's planned hours in all (None without sessions) and online."""
    rows = Session.objects.filter(training_class=klass)
    total = rows.aggregate(total=Sum("hours"))["total"]
    online = rows.filter(mode=Session.Mode.ONLINE).aggregate(total=Sum("hours"))["total"]
    return (Decimal(total) if total is not None else None), Decimal(online or 0)


def hours_of(klass: TrainingClass) -> tuple[Decimal | None, dict[int, Decimal], dict[int, Decimal]]:
    """The planned hours (None without sessions), and hours attended in all and online, by trainee id."""
    planned = Session.objects.filter(training_class=klass).aggregate(total=Sum("hours"))["total"]
    total: dict[int, Decimal] = {}
    online: dict[int, Decimal] = {}
    present = Attendance.objects.filter(session__training_class=klass, mark=Attendance.Mark.PRESENT)
    for trainee_id, hours, mode in present.values_list("trainee_id", "session__hours", "session__mode"):
        total[trainee_id] = total.get(trainee_id, Decimal(0)) + hours
        if mode == Session.Mode.ONLINE:
            online[trainee_id] = online.get(trainee_id, Decimal(0)) + hours
    return (Decimal(planned) if planned is not None else None), total, online


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


def registry_of(klass: TrainingClass) -> matching.Registry:
    approvals = Approval.objects.filter(institution_id=klass.institution_id, role=CatalogRole.TRAINING.value)
    if klass.occupation_code:
        approvals = approvals.filter(occupation_code=klass.occupation_code)
    else:
        approvals = approvals.filter(occupation=klass.occupation)
    return matching.Registry(tuple(approvals.values_list("valid_from", "valid_to")))


def known_for(
    result: Result, *, minimum_hours: Decimal | None
) -> tuple[matching.ClaimedCertificate, matching.Known]:
    """The claimed certificate (as the result names it) and what matching compares it with."""
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
        for r in Result.objects.filter(issuer=result.issuer, certificate_no=result.certificate_no)
        .select_related("trainee__training_class")
    ]  # fmt: skip
    planned, attended, _online = hours_of(klass)
    roster = frozenset(klass.trainees.values_list("id_digest", flat=True))
    recorded = set(
        Attendance.objects.filter(session__training_class=klass).values_list("trainee_id", flat=True)
    )
    by_person = {
        digest: attended.get(pk, Decimal(0)) if pk in recorded else None
        for pk, digest in klass.trainees.values_list("pk", "id_digest")
    }
    facts = matching.ClassFacts(
        starts_on=klass.start,
        ends_on=klass.end,
        planned_hours=planned,
        roster=roster,
        attended_hours={d: h for d, h in by_person.items() if h is not None},
        project_in_tracking=project_in_tracking(klass),
        completion_set={
            digest: decided
            for digest, decided in klass.trainees.values_list("id_digest", "completion_override")
            if decided is not None
        },
        special_group=bool(klass.special_group),
        supervision_certified=bool(klass.special_group)
        and SupervisionCertificate.objects.filter(training_class=klass).exists(),
    )
    return claimed, matching.Known(
        results=results, klass=facts, registry=registry_of(klass), minimum_hours=minimum_hours
    )
