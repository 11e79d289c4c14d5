"""Reads of the institution catalogs: scoped lists for staff, eligibility with its trace, and the
public "who can train me" list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.selectors import staff_scope
from common.actor import Actor
from institutions.models import Approval, CreditEvent, Finding, Inspection, Institution
from skillsubsidy.institutions.eligibility import (
    BasisFacts,
    BasisKind,
    FindingFacts,
    InstitutionFacts,
    evaluate,
)
from skillsubsidy.institutions.model import Role, parse_uscc
from skillsubsidy.regions import all_regions, ancestry, resolve_region
from skillsubsidy.rules.checks import CheckResult
from skillsubsidy.rules.decision import Outcome
from standards.selectors import engine


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
        uscc=parse_uscc(institution.uscc),
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
    approvals = approvals.filter(Q(occupation_code=occupation) | Q(occupation=occupation))
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
