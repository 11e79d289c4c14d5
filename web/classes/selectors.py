"""Reads of classes: scoped lists for the bureaus, the clerk's own classes, a class's completion from
attendance, the flag on classes whose institution was suspended or removed (computed when read: the
institutions app knows nothing of classes), and institution outcomes with small-cell suppression."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext_lazy

from accounts.selectors import staff_scope
from classes.models import Amendment, Attendance, Session, Trainee, TrainingClass
from common.actor import Actor
from institutions.models import Institution
from skillsubsidy.classes.lifecycle import CLASS
from skillsubsidy.occupations import Level
from skillsubsidy.regions import Region, all_regions, ancestry, descendants, with_ancestors
from skillsubsidy.rules import checks
from standards.selectors import engine

# A figure computed from fewer trainees than this is not shown on public pages (issue 9: small cells
# could identify people).
PUBLIC_MIN_TRAINEES = 10
# Classes that still run (or are about to) when their institution is suspended or removed: they
# finish, and the bureau sees them flagged (issue 9: 已开班的班级继续培训至结束并予以标记).
FLAGGED_CLASS_STATES = ("filed", "running", "suspended", "finished")
FLAGGED_INSTITUTION_STATES = ("suspended", "removed")
# What the public may see of a class: that it is open for enrolment (filed, not yet started).
OPEN_STATES = ("filed",)


def classes_for(actor: Actor) -> QuerySet[TrainingClass]:
    """The classes a bureau member may see: their region and below it."""
    scope = staff_scope(actor)
    if scope is None:
        return TrainingClass.objects.none()
    qs = TrainingClass.objects.select_related("institution")
    return qs if scope.regions is None else qs.filter(region__in=scope.regions)


def class_for(actor: Actor, pk: int) -> TrainingClass:
    found = classes_for(actor).filter(pk=pk).first()
    if found is None:
        raise Http404("no such class")
    return found


def classes_of(institution: Institution) -> QuerySet[TrainingClass]:
    return TrainingClass.objects.filter(institution=institution).select_related("institution")


def class_of(institution: Institution, pk: int) -> TrainingClass:
    """One class of the clerk's own institution; any other is the same 404 as a missing one."""
    found = classes_of(institution).filter(pk=pk).first()
    if found is None:
        raise Http404("no such class")
    return found


def filtered(
    actor: Actor,
    *,
    status: str = "",
    occupation: str = "",
    region: str = "",
    institution: str = "",
    start_from: date | None = None,
    start_to: date | None = None,
    flagged: bool = False,
) -> QuerySet[TrainingClass]:
    """The actor's classes narrowed by the list's filters (a city includes its districts)."""
    qs = classes_for(actor)
    if status:
        qs = qs.filter(status=status)
    if occupation:
        qs = qs.filter(Q(occupation__contains=occupation) | Q(occupation_code=occupation))
    if region:
        qs = qs.filter(
            region__in={region}
            | {r.code for r in all_regions().values() if region in {a.code for a in ancestry(r)}}
        )
    if institution:
        qs = qs.filter(institution__name__contains=institution)
    if start_from:
        qs = qs.filter(start__gte=start_from)
    if start_to:
        qs = qs.filter(start__lte=start_to)
    if flagged:
        qs = qs.filter(status__in=FLAGGED_CLASS_STATES, institution__status__in=FLAGGED_INSTITUTION_STATES)
    return qs.order_by("-start", "-id")


_FLAGS = {
    "suspended": gettext_lazy(
        "The institution is suspended (no new classes); this class may run to its end: follow it closely"
    ),
    "removed": gettext_lazy(
        "The institution was removed from the catalog; this class may run to its end: follow it closely"
    ),
}


def institution_flag(training_class: TrainingClass) -> str | None:
    """Why this class is flagged, in the page's language, or None: its institution was suspended or
    removed while it was filed or running (it may finish; no new class may be filed)."""
    inst = training_class.institution
    if training_class.status in FLAGGED_CLASS_STATES and inst.status in FLAGGED_INSTITUTION_STATES:
        return str(_FLAGS[inst.status])
    return None


def region_name(code: str) -> str:
    """广州市天河区: the city's name before a district's."""
    region = all_regions().get(code)
    return region.qualified if region is not None else code


def status_label(status: str) -> str:
    return CLASS.states[status].label_zh if status in CLASS.states else status


_TENTH = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Hours:
    total: Decimal
    online: Decimal


def hours_of(training_class: TrainingClass) -> Hours:
    rows = training_class.sessions.values("mode").annotate(h=Sum("hours"))
    by = {r["mode"]: r["h"] or Decimal(0) for r in rows}
    online = by.get(Session.Mode.ONLINE, Decimal(0))
    total = online + by.get(Session.Mode.OFFLINE, Decimal(0))
    # One decimal place, as stored: SQLite's SUM gives 56, PostgreSQL's 56.0.
    return Hours(total.quantize(_TENTH), online.quantize(_TENTH))


def required_hours(training_class: TrainingClass) -> Decimal:
    """The class hours the level needs (000 · 附件1 · 备注2: 40 for level 5, 56 for levels 4 and above),
    from the region's parameters on the start date; without a level or a parameter, the class's own
    total."""
    if training_class.level:
        regime = engine().regime(all_regions()[training_class.region], training_class.start)
        rule = regime.get(checks.hours_minimum_name(Level(training_class.level)))
        if rule is not None and rule.value is not None:
            return Decimal(str(rule.value))
    return hours_of(training_class).total


@dataclass(frozen=True, slots=True)
class Completion:
    trainee: Trainee
    attended: Decimal  # class hours present (online: with the platform's completion record)
    required: Decimal
    completed: bool  # from attendance, unless set by hand with a reason
    overridden: bool


def completion(training_class: TrainingClass) -> list[Completion]:
    """Each trainee's attended hours against the hours the level needs."""
    required = required_hours(training_class)
    attended: dict[int, Decimal] = {}
    present = Attendance.objects.filter(
        session__training_class=training_class, mark=Attendance.Mark.PRESENT
    ).filter(
        Q(session__mode=Session.Mode.OFFLINE)
        | Q(source=Attendance.Source.PLATFORM, platform_minutes__isnull=False)
    )
    for row in present.values("trainee_id").annotate(h=Sum("session__hours")):
        attended[row["trainee_id"]] = row["h"] or Decimal(0)
    out = []
    for t in training_class.trainees.all():
        hours = attended.get(t.pk, Decimal(0))
        by_hours = hours >= required
        overridden = t.completion_override is not None
        out.append(
            Completion(t, hours, required, t.completion_override if overridden else by_hours, overridden)  # type: ignore[arg-type]
        )
    return out


@dataclass(frozen=True, slots=True)
class Outcomes:
    """An institution's outcomes from its classes' results."""

    trainees: int  # on the rosters of its filed classes
    assessed: int
    passed: int
    certificates: int
    # Former trainees whose later work is known (classes.models.Employment), and how many worked.
    employment_known: int = 0
    employed: int = 0

    @property
    def pass_rate(self) -> Decimal | None:
        return _percent(self.passed, self.assessed)

    @property
    def employment_rate(self) -> Decimal | None:
        """Of the former trainees whose later work is known, the share employed: the documents give no
        method (附件4 · 8①), so it is this plain share, never an estimate for those not followed up."""
        return _percent(self.employed, self.employment_known)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def outcomes(institution: Institution) -> Outcomes:
    trainees = Trainee.objects.filter(
        training_class__institution=institution,
        training_class__status__in=("filed", "running", "suspended", "finished", "assessed", "closed"),
    )
    counts = trainees.aggregate(
        n=Count("id"),
        assessed=Count("result"),
        passed=Count("result", filter=Q(result__passed=True)),
        certificates=Count("result", filter=~Q(result__certificate_no="")),
        known=Count("employment"),
        employed=Count("employment", filter=Q(employment__employed=True)),
    )
    return Outcomes(
        counts["n"],
        counts["assessed"],
        counts["passed"],
        counts["certificates"],
        counts["known"],
        counts["employed"],
    )


@dataclass(frozen=True, slots=True)
class PublicOutcomes:
    """What the public page shows: each figure, or None where fewer than PUBLIC_MIN_TRAINEES trainees
    stand behind it."""

    trainees: int | None
    pass_rate: Decimal | None
    certificates: int | None
    suppressed: bool
    employment_rate: Decimal | None = None
    minimum: int = PUBLIC_MIN_TRAINEES


def public_outcomes(institution: Institution) -> PublicOutcomes:
    o = outcomes(institution)
    small_roster = o.trainees < PUBLIC_MIN_TRAINEES
    small_assessed = o.assessed < PUBLIC_MIN_TRAINEES
    # Nobody's later work known is no figure to hide, so it does not mark the outcomes as suppressed.
    small_known = 0 < o.employment_known < PUBLIC_MIN_TRAINEES
    return PublicOutcomes(
        trainees=None if small_roster else o.trainees,
        pass_rate=None if small_assessed else o.pass_rate,
        certificates=None if small_assessed else o.certificates,
        suppressed=small_roster or small_assessed or small_known,
        employment_rate=None if small_known or not o.employment_known else o.employment_rate,
    )


def _enrolling(today: date) -> QuerySet[TrainingClass]:
    # Only a listed institution's classes are advertised: a suspended one may not start new classes and
    # a removed one is out of the catalog (001 · 二（二）5), so a worker must not be invited to enrol in
    # a class that the bureau's list already flags.
    return TrainingClass.objects.filter(status__in=OPEN_STATES, start__gt=today, institution__status="listed")


def open_classes(
    *, occupation: str = "", region: str = "", institution: Institution | None = None, today: date
) -> QuerySet[TrainingClass]:
    """Classes open for enrolment (filed, starting after today), for the public: no roster, no names;
    each with its class hours. A city's or province's code includes every region below it."""
    qs = _enrolling(today).select_related("institution")
    if occupation:
        qs = qs.filter(Q(occupation__contains=occupation) | Q(occupation_code=occupation))
    if region:
        qs = qs.filter(region__in=[region, *(r.code for r in descendants(region))])
    if institution is not None:
        qs = qs.filter(institution=institution)
    return qs.annotate(hours=Sum("sessions__hours")).order_by("start", "id")


def open_class_regions(today: date) -> list[Region]:
    """The regions with a class open for enrolment, and the cities and provinces above them: what the
    public page offers to choose from."""
    codes = _enrolling(today).values_list("region", flat=True)
    return with_ancestors(c for c in set(codes) if c in all_regions())


def amendment_of(training_class: TrainingClass, pk: int) -> Amendment:
    """One amendment of this class; another class's is the same 404 as a missing one."""
    found = Amendment.objects.filter(pk=pk, training_class=training_class).first()
    if found is None:
        raise Http404("no such amendment")
    return found


def trainee_of(training_class: TrainingClass, pk: int) -> Trainee:
    """One trainee on this class's roster; another class's is the same 404 as a missing one."""
    found = (
        Trainee.objects.filter(pk=pk, training_class=training_class).select_related("training_class").first()
    )
    if found is None:
        raise Http404("no such trainee")
    return found


@dataclass(frozen=True, slots=True)
class SessionAttendance:
    """A session as the class pages list it: its number in the timetable (what an attendance row
    gives besides the date when a day has two sessions), and the attendance recorded for it."""

    number: int
    session: Session
    present: int
    absent: int
    excused: int


def sessions_with_attendance(training_class: TrainingClass) -> list[SessionAttendance]:
    """The timetable in the order attendance numbers it (date, then entry), with each mark counted."""
    rows = training_class.sessions.order_by("on", "id").annotate(
        n_present=Count("attendance", filter=Q(attendance__mark=Attendance.Mark.PRESENT)),
        n_absent=Count("attendance", filter=Q(attendance__mark=Attendance.Mark.ABSENT)),
        n_excused=Count("attendance", filter=Q(attendance__mark=Attendance.Mark.EXCUSED)),
    )
    return [SessionAttendance(n, s, s.n_present, s.n_absent, s.n_excused) for n, s in enumerate(rows, 1)]
