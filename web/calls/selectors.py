"""Reads of project calls: the calls a staff member may see, a call as its file and settings make it,
and whether a submission at a given moment is in time, extensions included."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.selectors import staff_scope
from calls.models import (
    Application,
    ApplicationOccupation,
    DeadlineExtension,
    Objection,
    ProjectCall,
    Review,
    Revision,
)
from calls.sealing import opened_form
from catalogs.selectors import dated_dataset
from common.actor import Actor
from common.personal import unseal
from institutions.models import Institution
from skillsubsidy.calls.call import Call, Extension, load_call, yuan
from skillsubsidy.calls.forms import (
    ApplicationForm,
    CatalogLookup,
    FormInvalid,
    applicant_checks,
    catalog_lookup,
    read_application,
)
from skillsubsidy.regions import Region, all_regions, ancestry
from skillsubsidy.rules.checks import CheckResult
from skillsubsidy.rules.request import ProjectStandard, RequestError
from standards.selectors import engine


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


# A project's claims may be paid while it is tracked, warned (still tracked, awaiting correction) or
# completed; not once it is removed from the list, nor before it is accepted (002 · 四).
TRACKED_FOR_CLAIMS = ("tracking", "warned", "completed")


def project_tracked(pk: int) -> bool:
    """Whether accepted project `pk` is tracked for its claims now (TRACKED_FOR_CLAIMS)."""
    return Application.objects.filter(pk=pk, status__in=TRACKED_FOR_CLAIMS).exists()


def project_accepted_standard(pk: int) -> ProjectStandard | None:
    """The standard per trainee the city accepted for project `pk` (002 · 六), as the engine takes it
    (claims: whatever the project's state, which matching judges); None while unset."""
    found = Application.objects.filter(pk=pk, accepted_standard_fen__isnull=False).select_related(
        "institution"
    )
    application = found.first()
    return None if application is None else _project_standard(application)


def catalog_of(call: Call) -> CatalogLookup:
    """The occupations of the catalog in force for the call's region on the call's date (附件5 for
    Guangzhou 2023), from the published catalogs."""
    return catalog_lookup(dated_dataset().effective(call.region, call.published_on))


def applicant_checks_of(form: ApplicationForm, *, region: str, on: date) -> tuple[CheckResult, ...]:
    """002 · 一 as far as 附件1 decides it, by the registry's own rule ids and the call region's rules."""
    regime = engine().regime(all_regions()[region], on)
    return applicant_checks(form, get=regime.get, on=on, region_name=lambda c: all_regions()[c].name)


def form_has_path(form: object, path: str) -> bool:
    """Whether `path` (`unit.contact.mobile`, `projects[0].budget.total_fen`) names a field of the form,
    as calls.forms names them in its errors."""
    node: object = form
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(node, list) or index >= len(node):
                return False
            node = node[index]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, dict) and part == "mobile" and "mobile_sealed" in node:
            node = node["mobile_sealed"]
        else:
            return False
    return bool(path)


def application_for_staff(actor: Actor, pk: int) -> Application:
    """An application of a call the actor sees, in a district the actor covers."""
    scope = staff_scope(actor)
    found = (
        Application.objects.filter(pk=pk, call__in=calls_for(actor))
        .select_related("call", "institution")
        .first()
    )
    if scope is None or found is None or not scope.covers(found.district):
        raise Http404(f"no application {pk}")
    return found


def applications_for(actor: Actor, record: ProjectCall) -> QuerySet[Application]:
    """A call's applications a staff member may see: a district its own, the city all; drafts are the
    applicant's own and no one else's."""
    scope = staff_scope(actor)
    if scope is None:
        return Application.objects.none()
    found = Application.objects.filter(call=record).exclude(status="draft").select_related("institution")
    if scope.regions is not None:
        found = found.filter(district__in=scope.regions)
    return found


def applications_of(institution: Institution) -> QuerySet[Application]:
    """An institution's own applications, every state (its clerk sees nothing else)."""
    return Application.objects.filter(institution=institution).select_related("call")


def _leaves(node: object, path: str = "") -> dict[str, object]:
    if isinstance(node, dict):
        found: dict[str, object] = {}
        for key, value in node.items():
            if key == "mobile_sealed":
                continue
            found.update(_leaves(value, f"{path}.{key}" if path else str(key)))
        return found
    if isinstance(node, list):
        found = {}
        for i, value in enumerate(node):
            found.update(_leaves(value, f"{path}[{i}]"))
        return found
    return {path: node}


def revision_diff(application: Application, number: int) -> list[tuple[str, object, object]]:
    """What revision `number` changed against the one before: (path, before, after), in the form's
    order; the sealed mobiles compare by their masks."""
    forms = dict(
        Revision.objects.filter(application=application, number__in=(number - 1, number)).values_list(
            "number", "form"
        )
    )
    before, after = _leaves(forms.get(number - 1, {})), _leaves(forms.get(number, {}))
    paths = list(after) + [p for p in before if p not in after]
    return [(p, before.get(p), after.get(p)) for p in paths if before.get(p) != after.get(p)]


def reviews_of(record: ProjectCall) -> QuerySet[Review]:
    return Review.objects.filter(application__call=record).select_related("reviewer")


def objection_call(actor: Actor, pk: int) -> int:
    """The call of objection `pk`, when the actor sees that call."""
    found = (
        Objection.objects.filter(pk=pk, call__in=calls_for(actor)).values_list("call_id", flat=True).first()
    )
    if found is None:
        raise Http404(f"no objection {pk}")
    return int(found)


def form_paths(form: object) -> list[str]:
    """Every field of a stored form, by path, for the district's per-field comments."""
    return [p for p in _leaves(form) if p]


def checks_for_page(application: Application) -> list[tuple[str, str, str]]:
    """002 · 一 as 附件1 decides it, for the district's first review: (rule id, outcome, what was
    found); empty while the form does not pass its own checks."""
    call = effective_call(application.call)
    try:
        form = read_application(opened_form(application.form), call=call, catalog=catalog_of(call))
    except FormInvalid:
        return []
    results = applicant_checks_of(form, region=call.region, on=timezone.localdate())
    return [(r.rule, r.outcome.value, r.step.value) for r in results]


def filed_projects(record: ProjectCall) -> QuerySet[Application]:
    """The accepted projects of a filed call, whatever happened to them since (tracked, warned…)."""
    return (
        Application.objects.filter(
            call=record, status__in=("filed", "tracking", "warned", "removed", "completed")
        )
        .select_related("institution")
        .prefetch_related("occupations")
        .order_by("district", "pk")
    )


def public_calls() -> QuerySet[ProjectCall]:
    """The calls the portal shows: every call once it has opened (a draft is the city's own)."""
    return ProjectCall.objects.exclude(status="draft").order_by("-created_at")


@dataclass(frozen=True, slots=True)
class NoticeRow:
    pk: int
    institution: str
    project: str
    occupations: str
    districts: str
    trainees: int
    standard_fen: int | None
    status: str


def notice_projects(record: ProjectCall) -> list[NoticeRow]:
    """The projects selected for the notice, as the public sees them: institution, project,
    occupations, districts, planned trainees and the standard set; a project taken off the list after
    an objection stays off. Read as plain rows, not model instances: a notice of a thousand projects
    otherwise spends most of its time building objects (benchmarks/bench_calls.py)."""
    states = ("in_notice", "filed", "tracking", "warned", "completed")
    listed = list(
        Application.objects.filter(call=record, status__in=states)
        .order_by("district", "pk")
        .values_list(
            "pk", "institution__name", "project_name", "form", "trainees", "accepted_standard_fen", "status"
        )
    )
    occupations: dict[int, list[str]] = {}
    for application, name in (
        ApplicationOccupation.objects.filter(application__call=record, application__status__in=states)
        .order_by("pk")
        .values_list("application_id", "name")
    ):
        occupations.setdefault(application, []).append(name)
    rows = []
    for pk, institution, project, form, trainees, standard, status in listed:
        # The districts are not personal data: read from the stored form, without unsealing its
        # mobiles for every row.
        projects = form.get("projects") if isinstance(form, dict) else None
        districts = {
            str(d)
            for p in (projects if isinstance(projects, list) else [])
            if isinstance(p, dict)
            for d in (p.get("districts") or [])
        }
        rows.append(
            NoticeRow(
                pk, institution, project, "、".join(occupations.get(pk, [])), "、".join(sorted(districts)),
                trainees, standard, status,
            )
        )  # fmt: skip
    return rows


@dataclass(frozen=True, slots=True)
class ObjectionRow:
    objection: Objection
    online: bool
    objector: str
    contact: str


def objections_shown(record: ProjectCall, *, unsealed: bool) -> list[ObjectionRow]:
    """The call's objections with who filed them online: in full for the city, which answers them,
    masked for everyone else (002 names the city as the one who publishes and answers)."""
    rows = []
    for o in record.objections.all():
        online = o.channel == "online"
        if online and unsealed:
            objector, contact = unseal(o.objector_sealed), unseal(o.contact_sealed)
        else:
            objector, contact = o.objector_masked, o.contact_masked
        rows.append(ObjectionRow(o, online, objector, contact))
    return rows


QUOTED_STATES = ("tracking", "warned")


def accepted_standard(pk: int, region: Region) -> ProjectStandard:
    """The standard the city accepted for project `pk` (002 · 六), for a quote in `region`: the project
    must be on the accepted list and tracked (a warned project still is; a removed or completed one
    is not), in a district `region` covers."""
    found = (
        Application.objects.filter(pk=pk, status__in=QUOTED_STATES, accepted_standard_fen__isnull=False)
        .select_related("institution")
        .first()
    )
    if found is None:
        raise RequestError("project.id", pk, "is not a project of a call being tracked")
    district = all_regions().get(found.district)
    if district is None or region.code not in {r.code for r in ancestry(district)}:
        raise RequestError(
            "project.id",
            pk,
            f"is tracked in {district.name if district else found.district}, not in {region.name}",
        )
    return _project_standard(found)


def _project_standard(application: Application) -> ProjectStandard:
    assert application.accepted_standard_fen is not None
    return ProjectStandard(
        Decimal(application.accepted_standard_fen) / 100,
        f"项目“{application.project_name}”（{application.institution.name}）",
    )


def quoted_projects() -> list[tuple[int, str]]:
    """The projects a quote may name (accepted_standard), for the calculator's list."""
    return [
        (
            a.pk,
            f"{a.institution.name} · {a.project_name} · {_region_name(a.district)} · "
            f"{yuan(a.accepted_standard_fen or 0)}元",
        )
        for a in Application.objects.filter(status__in=QUOTED_STATES, accepted_standard_fen__isnull=False)
        .select_related("institution")
        .order_by("district", "pk")
    ]


def _region_name(code: str) -> str:
    found = all_regions().get(code)
    return found.name if found else code
