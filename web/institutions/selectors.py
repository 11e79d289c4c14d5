"""Reads of the institution catalogs: scoped lists for staff, eligibility with its trace, and the
public "who can train me" list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.selectors import staff_scope
from audit.models import AuditRecord
from catalogs.selectors import current_dataset, search_index
from common.actor import Actor, actor_user
from common.transitions import actor_role
from institutions.models import (
    Approval,
    Basis,
    Clerk,
    CreditEvent,
    Evaluation,
    FiledScope,
    Finding,
    Inspection,
    Institution,
    Premises,
    Teacher,
)
from skillsubsidy.catalog.profile import occupation_profile
from skillsubsidy.institutions.eligibility import (
    BasisFacts,
    BasisKind,
    FindingFacts,
    InstitutionFacts,
    evaluate,
)
from skillsubsidy.institutions.lifecycle import INSTITUTION
from skillsubsidy.institutions.model import InvalidUscc, Role, Uscc, parse_uscc
from skillsubsidy.institutions.quality import (
    EvaluationFacts,
    ListingProposal,
    evaluation_criteria,
    propose_listing,
)
from skillsubsidy.regions import all_regions, ancestry, resolve_region
from skillsubsidy.rules.checks import CheckResult
from skillsubsidy.rules.decision import Outcome
from skillsubsidy.workflow import Transition
from standards.selectors import engine

# What the public may see of an institution: the catalog, and who was suspended or removed from it.
PUBLIC_STATES = ("listed", "suspended", "removed")


def clerk_institution(actor: Actor) -> Institution | None:
    """The institution an active clerk account acts for; None for everyone else (bureau staff too)."""
    user = actor_user(actor)
    if user is None or actor_role(user) != "institution":
        return None
    # One clerk row per user: the model's ordering (which joins the user for its name) is not needed.
    clerk = Clerk.objects.select_related("institution").filter(user=user).order_by().first()
    return clerk.institution if clerk is not None else None


def clerk_institution_id(actor: Actor) -> int | None:
    """clerk_institution's id alone, for a hot path that needs no more (a claim's submission)."""
    user = actor_user(actor)
    if user is None or actor_role(user) != "institution":
        return None
    found: int | None = Clerk.objects.filter(user=user).values_list("institution_id", flat=True).first()
    return found


def clerks_of(institution: Institution) -> QuerySet[Clerk]:
    return Clerk.objects.filter(institution=institution).select_related("user")


def institutions_for(actor: Actor) -> QuerySet[Institution]:
    """The institutions a staff member may see: their region and below it."""
    scope = staff_scope(actor)
    if scope is None:
        return Institution.objects.none()
    qs = Institution.objects.all()
    return qs if scope.regions is None else qs.filter(region__in=scope.regions)


def institution_for(actor: Actor, pk: int) -> Institution:
    """One institution within the actor's scope; outside it, the same 404 as a missing id."""
    found = institutions_for(actor).filter(pk=pk).first()
    if found is None:
        raise Http404("no such institution")
    return found


def stored_uscc(institution: Institution) -> Uscc | InvalidUscc:
    """The institution's code as read, or what is wrong with it: the services refuse an invalid
    code, but a stored one may predate that (or have been written by hand), and its pages must
    still show it, flagged, rather than fail."""
    try:
        return parse_uscc(institution.uscc)
    except InvalidUscc as exc:
        return exc


def facts_of(institution: Institution) -> InstitutionFacts:
    latest: dict[str, FindingFacts] = {}
    for f in (
        Finding.objects.filter(institution=institution)
        .select_related("reviewer")
        .order_by("rule", "-at", "-id")
    ):
        latest.setdefault(
            f.rule, FindingFacts(Outcome(f.outcome), f.evidence, f.reviewer.get_username(), f.at.date())
        )
    return InstitutionFacts(
        uscc=stored_uscc(institution),
        legal_form=institution.legal_form,
        bases=tuple(
            BasisFacts(BasisKind(b.kind), b.text, b.issuer, b.valid_from, b.valid_to)
            for b in institution.bases.all()
        ),
        serious_violations=tuple(
            institution.credit_events.filter(kind=CreditEvent.Kind.SERIOUS_VIOLATION).values_list(
                "on", flat=True
            )
        ),
        findings=latest,
    )


def eligibility(institution: Institution, on: date) -> tuple[CheckResult, ...]:
    """Every condition of the institution's region on `on`, with its outcome, reason and trace."""
    regime = engine().regime(all_regions()[institution.region], on)
    return evaluate(facts_of(institution), get=regime.get, on=on, region_name=lambda c: all_regions()[c].name)


def blocking(results: tuple[CheckResult, ...], guards: tuple[str, ...]) -> list[CheckResult]:
    """The guard conditions that stop a move: failed, or not checked for want of a finding or an input.
    A condition the region's documents do not set (not checked, no reason) stops nothing."""
    return [
        r
        for r in results
        if r.rule in guards
        and (
            r.outcome is Outcome.FAILED
            or (
                r.outcome is Outcome.NOT_CHECKED
                and r.reason is not None
                and r.reason.code.value != "rule_lapsed"
            )
        )
    ]


@dataclass(frozen=True, slots=True)
class PublicInstitution:
    institution: Institution
    approvals: tuple[Approval, ...]  # the matching approvals
    inspections: tuple[Inspection, ...]  # public: results of on-site and online checks


def trainers(*, occupation: str, region: str, on: date, level: int | None = None) -> list[PublicInstitution]:
    """Listed institutions approved to train `occupation` (code or name) at `level` on `on`, in
    `region`'s city: a district inherits its city's institutions (001 · 二（二）: the city publishes the
    catalog), its own listed first."""
    here = resolve_region(region)
    city = next((r for r in ancestry(here) if r.level == "city"), here)
    area = {r.code for r in all_regions().values() if city in ancestry(r)}
    approvals = Approval.objects.filter(
        role=Role.TRAINING.value,
        institution__status="listed",
        institution__region__in=area,
        valid_from__lte=on,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    # By the catalogs' profile, so 焊工, its code or a near spelling all find the same approvals;
    # UnknownOccupation (with suggestions) goes to the caller.
    profile = occupation_profile(current_dataset(), occupation, search_index())
    approvals = approvals.filter(
        Q(occupation_code__in=profile.codes) | Q(occupation__in=(*profile.names, occupation))
    )
    if level is not None:
        approvals = approvals.filter(Q(level=level) | Q(level__isnull=True))
    by_institution: dict[int, list[Approval]] = {}
    for a in approvals.select_related("institution").order_by("institution__name", "level"):
        by_institution.setdefault(a.institution_id, []).append(a)
    out = []
    for rows in by_institution.values():
        inst = rows[0].institution
        out.append(PublicInstitution(inst, tuple(rows), tuple(inst.inspections.all())))
    out.sort(key=lambda p: (p.institution.region != here.code, p.institution.name))
    return out


def moves_for(actor: Actor, institution: Institution) -> tuple[Transition, ...]:
    """The moves this actor's role may make from the institution's state now."""
    role = actor_role(actor)
    return tuple(m for m in INSTITUTION.moves_from(institution.status) if role in m.roles)


def listing_proposal(institution: Institution, year: int) -> ListingProposal:
    """Next year's proposal from the evaluation of the year before and that year's record."""
    start, end = date(year - 1, 1, 1), date(year - 1, 12, 31)
    evaluation = institution.evaluations.filter(year=year - 1).first()
    inspections = institution.inspections.filter(on__range=(start, end))
    return propose_listing(
        year=year,
        criteria=evaluation_criteria(),
        evaluation=None
        if evaluation is None
        else EvaluationFacts(year - 1, evaluation.total, evaluation.passed),
        serious_violations=tuple(
            institution.credit_events.filter(
                kind=CreditEvent.Kind.SERIOUS_VIOLATION, on__range=(start, end)
            ).values_list("on", flat=True)
        ),
        failed_inspections=tuple(
            inspections.filter(result=Inspection.Result.FAILED).values_list("on", flat=True)
        ),
        issue_inspections=tuple(
            inspections.filter(result=Inspection.Result.ISSUES).values_list("on", flat=True)
        ),
    )


def listing_proposals(actor: Actor, year: int) -> list[tuple[Institution, ListingProposal]]:
    """A proposal for every listed or suspended institution the actor sees."""
    rows = institutions_for(actor).filter(status__in=("listed", "suspended"))
    return [(inst, listing_proposal(inst, year)) for inst in rows]


def public_institution(pk: int) -> Institution:
    """One institution's public record: listed, suspended or removed ones only; the rest are 404."""
    found = Institution.objects.filter(pk=pk, status__in=PUBLIC_STATES).first()
    if found is None:
        raise Http404("no such institution")
    return found


@dataclass(frozen=True, slots=True)
class Removal:
    institution: Institution
    on: datetime
    reason: str


def removals(region: str | None = None) -> list[Removal]:
    """Institutions removed from the catalog, newest first, with the date and the reason of the move
    (from its audit row: the public sees why, as 002 · 附件4 · 8① 及时清退 implies)."""
    qs = Institution.objects.filter(status="removed")
    if region:
        here = resolve_region(region)
        city = next((r for r in ancestry(here) if r.level == "city"), here)
        qs = qs.filter(region__in={r.code for r in all_regions().values() if city in ancestry(r)})
    moves = {
        int(a.target_id): a
        for a in AuditRecord.objects.filter(
            action=INSTITUTION.audit_action("remove"), target_type=INSTITUTION.name
        ).order_by("at")
    }
    out = [Removal(i, moves[i.pk].at, moves[i.pk].reason) for i in qs if i.pk in moves]
    return sorted(out, key=lambda r: r.on, reverse=True)


@dataclass(frozen=True, slots=True)
class Record:
    """Everything recorded of one institution, for its detail page."""

    bases: tuple[Basis, ...]
    teachers: tuple[Teacher, ...]
    premises: tuple[Premises, ...]
    approvals: tuple[Approval, ...]
    filed_scopes: tuple[FiledScope, ...]
    inspections: tuple[Inspection, ...]
    findings: tuple[Finding, ...]
    evaluations: tuple[Evaluation, ...]
    credit_events: tuple[CreditEvent, ...]


def record_of(institution: Institution) -> Record:
    return Record(
        bases=tuple(institution.bases.all()),
        teachers=tuple(institution.teachers.all()),
        premises=tuple(institution.premises.all()),
        approvals=tuple(institution.approvals.all()),
        filed_scopes=tuple(institution.filed_scopes.all()),
        inspections=tuple(institution.inspections.select_related("inspector")),
        findings=tuple(institution.findings.select_related("reviewer")),
        evaluations=tuple(institution.evaluations.all()),
        credit_events=tuple(institution.credit_events.all()),
    )


def filtered(actor: Actor, *, status: str = "", kind: str = "", region: str = "") -> QuerySet[Institution]:
    """The actor's institutions, narrowed by status, kind and district (a district includes nothing
    below it; a city includes its districts)."""
    qs = institutions_for(actor)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(
            region__in={region}
            | {r.code for r in all_regions().values() if region in {a.code for a in ancestry(r)}}
        )
    return qs


def regions_of(actor: Actor) -> list[tuple[str, str]]:
    """The regions an actor may register in or filter by, as (code, full name)."""
    scope = staff_scope(actor)
    if scope is None:
        return []
    if scope.regions is None:
        codes = set(Institution.objects.values_list("region", flat=True))
    else:
        codes = set(scope.regions)
    found = [all_regions()[c] for c in codes if c in all_regions()]
    return sorted(((r.code, r.name) for r in found), key=lambda p: p[0])


def occupation_names() -> list[str]:
    """Every occupation name the published catalogs know, for the approval form's suggestions."""
    return sorted({e.occupation for c in current_dataset().catalogs for e in c.entries if e.occupation})


def addresses(institution: Institution) -> list[str]:
    """Where it trains: its registered address, then each of its premises (no map, 001 asks none)."""
    out = [institution.address]
    out += [p.address for p in institution.premises.all() if p.address not in out]
    return out


@dataclass(frozen=True, slots=True)
class PublicRecord:
    shown: PublicInstitution  # every approval in force, and every inspection
    removal: Removal | None


def public_record(institution: Institution, on: date) -> PublicRecord:
    approvals = institution.approvals.filter(valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    removal = next((r for r in removals() if r.institution.pk == institution.pk), None)
    return PublicRecord(
        PublicInstitution(institution, tuple(approvals), tuple(institution.inspections.all())), removal
    )
