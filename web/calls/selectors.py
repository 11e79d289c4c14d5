"""Reads of project calls: the calls a staff member may see, a call as its file and settings make it,
and whether a submission at a given moment is in time, extensions included."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.selectors import staff_scope
from calls.models import Application, DeadlineExtension, ProjectCall
from common.actor import Actor
from institutions.models import Institution
from skillsubsidy.calls.call import Call, Extension, load_call
from skillsubsidy.regions import all_regions, ancestry


def calls_for(actor: Actor) -> QuerySet[ProjectCall]:
    """The calls of the actor's region and those below it (a district sees its city's call)."""
    scope = staff_scope(actor)
    if scope is None:
        return ProjectCall.objects.none()
    if scope.regions is None:
        return ProjectCall.objects.all()
    above = {r.code for r in ancestry(all_regions()[scope.region])}
    return ProjectCall.objects.filter(Q(region__in=scope.regions) | Q(region__in=above))


def call_of(actor: Actor, pk: int) -> ProjectCall:
    found = calls_for(actor).filter(pk=pk).first()
    if found is None:
        raise Http404(f"no call {pk}")
    return found


def effective_call(record: ProjectCall) -> Call:
    """The call file with the settings the city stored; the rubric stays an example until confirmed."""
    call = load_call(record.call_file)
    rubric = replace(call.rubric, example=call.rubric.example and not record.rubric_confirmed)
    return replace(call, budget_fen=record.budget_fen, notice_days=record.notice_days, rubric=rubric)


def extensions_of(record: ProjectCall) -> tuple[Extension, ...]:
    return tuple(
        Extension(e.deadline, e.until, e.granted_by_name, e.reason)
        for e in DeadlineExtension.objects.filter(call=record)
    )


def ensure_in_time(*, record: ProjectCall, deadline: str, at: datetime) -> None:
    """Raise DeadlinePassed unless `at` is before the deadline, or before the latest extension of it."""
    effective_call(record).ensure_in_time(deadline, at, extensions_of(record))


# The application states in which an accepted project may run classes (002 · 七（三）): tracked, not
# warned, removed or completed.
IN_TRACKING = ("tracking",)


def project_for_filing(*, institution: Institution, pk: int) -> Application | None:
    """The institution's accepted project `pk` when it is in tracking, with its occupations loaded;
    None otherwise (another institution's, not accepted, warned, removed or completed). Class filing
    and claims accept only such a project."""
    return (
        Application.objects.filter(pk=pk, institution=institution, status__in=IN_TRACKING)
        .select_related("call")
        .prefetch_related("occupations")
        .first()
    )
