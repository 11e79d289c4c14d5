"""Class pages. Bureaus: the list with filters, a class's detail with its roster (masked), sessions,
inspections, amendments, attendance and results, and their moves. The institution workspace: the
clerk's own classes, a new draft, the roster upload, filing, starting and finishing, amendments and
attendance; an evaluation institution's clerk records the results of the classes it was commissioned
to assess. Every object is looked up within the user's scope or institution, so any other is a 404."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backoffice.views.access import clerk_required, institution_of, staff_required
from classes import present, selectors, services
from classes.forms import (
    AmendmentForm,
    ClassForm,
    CompletionForm,
    FileForm,
    InspectionForm,
    MoveForm,
    RevealForm,
    attendance_rows,
    result_rows,
)
from classes.models import ClassInspection, SpecialGroup, TrainingClass
from common.actor import signed_in
from common.errors import Conflict
from common.forms import IsoDateField
from common.paging import BoundedPaginator
from institutions.models import Institution
from skillsubsidy.classes.lifecycle import CLASS
from skillsubsidy.institutions.model import Role as CatalogRole

PAGE = 50
_CLERK_MOVES = ("start", "finish", "withdraw")
_BUREAU_MOVES = ("suspend", "resume", "assess", "close", "cancel")


def _date(text: str) -> Any:
    try:
        return IsoDateField(required=False).clean(text)
    except ValidationError:
        return None


def _row(c: TrainingClass, base: str) -> dict[str, Any]:
    """A list row as the cells it shows, so the template reads one key per cell: at 50 rows a page
    the template's attribute lookups and a `{% url %}` per row were most of the page's time."""
    return {
        "url": f"{base}{c.pk}/",
        "title": c.title,
        "institution": c.institution.name,
        "occupation": f"{c.occupation} · {present.level_label(c.level)}",
        "region": selectors.region_name(c.region),
        "dates": f"{c.start.isoformat()} – {c.end.isoformat()}",
        "status": present.status_label(c.status),
        "flag": selectors.institution_flag(c) or "",
    }


def _class_context(c: TrainingClass) -> dict[str, Any]:
    hours = selectors.hours_of(c)
    trainees = list(c.trainees.select_related("result"))
    return {
        "c": c,
        "status": present.status_label(c.status),
        "level": present.level_label(c.level),
        "certificate": present.certificate_label(c.certificate_type),
        "program": present.program_label(c.program),
        "region": selectors.region_name(c.region),
        "flag": selectors.institution_flag(c),
        "hours": hours,
        "sessions": [(a, present.mode_label(a.session.mode)) for a in selectors.sessions_with_attendance(c)],
        "attendance_shown": c.status not in ("draft", "filed", "cancelled"),
        "teachers": list(c.teachers.all()),
        "trainees": trainees,
        "results": [(t, getattr(t, "result", None)) for t in trainees],
        "completion": selectors.completion(c) if c.status not in ("draft", "filed", "cancelled") else [],
        "inspections": [
            (i, present.kind_label(i.kind), present.outcome_label(i.outcome))
            for i in c.inspections.select_related("inspector")
        ],
        "amendments": [
            (
                a,
                present.amendment_label(a.status),
                [(present.field_label(f), v["from"], v["to"]) for f, v in a.changes.items()],
            )
            for a in c.amendments.all()
        ],
        "report": c.roster_report,
        "refused_rows": sum(1 for r in c.roster_report if not r.get("ok")),
    }


# -- the bureaus ---------------------------------------------------------------------------------


@staff_required
def class_list(request: HttpRequest) -> HttpResponse:
    chosen = {k: request.GET.get(k, "").strip() for k in ("status", "occupation", "region", "institution")}
    chosen |= {k: request.GET.get(k, "").strip() for k in ("start_from", "start_to", "flagged")}
    qs = selectors.filtered(
        request.user,
        status=chosen["status"] if chosen["status"] in CLASS.states else "",
        occupation=chosen["occupation"],
        region=chosen["region"],
        institution=chosen["institution"],
        start_from=_date(chosen["start_from"]),
        start_to=_date(chosen["start_to"]),
        flagged=chosen["flagged"] == "1",
    )
    page = BoundedPaginator(qs, PAGE).get_page(request.GET.get("page"))
    base = reverse("backoffice:classes")  # a class's page is backoffice:class, <list>/<pk>/
    return render(
        request,
        "backoffice/classes.html",
        {
            "rows": [_row(c, base) for c in page.object_list],
            "page": page,
            "chosen": chosen,
            "statuses": present.statuses(),
            "query": urlencode({k: v for k, v in chosen.items() if v}),
        },
    )


def _detail(request: HttpRequest, c: TrainingClass, errors: list[str] | None = None) -> HttpResponse:
    role_moves = [
        (m.action, present.move_label(m.action), m.reason_required)
        for m in CLASS.moves_from(c.status)
        if m.action in _BUREAU_MOVES
    ]
    evaluators = Institution.objects.filter(
        status="listed", approvals__role=CatalogRole.EVALUATION.value, approvals__occupation=c.occupation
    ).distinct()
    return render(
        request,
        "backoffice/class.html",
        {
            **_class_context(c),
            "moves": role_moves,
            "inspection_kinds": [(k, present.kind_label(k)) for k in ClassInspection.Kind.values],
            "inspection_outcomes": [(k, present.outcome_label(k)) for k in ClassInspection.Outcome.values],
            "evaluators": evaluators,
            "errors": errors or [],
            "today": timezone.localdate(),
        },
        status=400 if errors else 200,
    )


@staff_required
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.class_for(request.user, pk))


def _refused(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [exc.shown] if isinstance(exc, Conflict) else [str(exc)]


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("backoffice:class", kwargs={"pk": pk}))


@staff_required
@require_POST
def class_move(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.class_for(request.user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid() or form.cleaned_data["action"] not in _BUREAU_MOVES:
        return _detail(request, c, [_("Choose one of the moves offered.")])
    try:
        moved = services.class_move(
            actor=signed_in(request),
            training_class=c,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
        )
    except (ValidationError, Conflict) as exc:
        return _detail(request, c, _refused(exc))
    messages.success(request, _("Now: %(status)s.") % {"status": present.status_label(moved.status)})
    return _back(pk)


@staff_required
@require_POST
def class_inspect(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.class_for(request.user, pk)
    form = InspectionForm(request.POST)
    try:
        recorded = form.submit(actor=signed_in(request), training_class=c)
    except Conflict as exc:
        return _detail(request, c, _refused(exc))
    if recorded is None:
        return _detail(request, c, form.general)
    messages.success(request, _("Recorded."))
    return _back(pk)


@staff_required
@require_POST
def class_commission(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.class_for(request.user, pk)
    chosen = request.POST.get("evaluator", "").strip()
    evaluator = None
    if chosen:
        evaluator = Institution.objects.filter(pk=int(chosen) if chosen.isdecimal() else 0).first()
        if evaluator is None:
            return _detail(request, c, [_("No such evaluation institution.")])
    try:
        services.class_commission(actor=signed_in(request), training_class=c, evaluator=evaluator)
    except ValidationError as exc:
        return _detail(request, c, _refused(exc))
    messages.success(request, _("Recorded."))
    return _back(pk)


@staff_required
@require_POST
def class_results(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.class_for(request.user, pk)
    return _results(request, c, lambda errors: _detail(request, c, errors), _back(pk))


def _results(request: HttpRequest, c: TrainingClass, fail: Any, done: HttpResponse) -> HttpResponse:
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        return fail([_("Choose a file.")])  # type: ignore[no-any-return]
    upload = form.cleaned_data["file"]
    try:
        rows, problems = result_rows(services.read_roster_upload(upload.name, upload.read()))
        written, refused = services.results_record(actor=signed_in(request), training_class=c, rows=rows)
    except (ValidationError, Conflict) as exc:
        return fail(_refused(exc))  # type: ignore[no-any-return]
    problems += refused
    messages.success(request, _("%(n)d results recorded.") % {"n": written})
    for p in problems:
        messages.warning(request, p)
    return done


@staff_required
@require_POST
def amendment_decide(request: HttpRequest, pk: int, amendment: int) -> HttpResponse:
    c = selectors.class_for(request.user, pk)
    found = selectors.amendment_of(c, amendment)
    action = request.POST.get("action", "")
    if action not in ("approve", "refuse"):
        return _detail(request, c, [_("Choose one of the moves offered.")])
    try:
        services.amendment_decide(
            actor=signed_in(request), amendment=found, action=action, reason=request.POST.get("reason", "")
        )
    except (ValidationError, Conflict) as exc:
        return _detail(request, c, _refused(exc))
    messages.success(request, _("Recorded."))
    return _back(pk)


@staff_required
@require_POST
def trainee_reveal(request: HttpRequest, pk: int, trainee: int) -> HttpResponse:
    c = selectors.class_for(request.user, pk)
    t = selectors.trainee_of(c, trainee)
    form = RevealForm(request.POST)
    form.is_valid()
    try:
        number = services.id_reveal(
            actor=signed_in(request), trainee=t, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationError as exc:
        return _detail(request, c, _refused(exc))
    response = render(request, "backoffice/class_reveal.html", {"c": c, "t": t, "number": number})
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_POST
def trainee_completion(request: HttpRequest, pk: int, trainee: int) -> HttpResponse:
    c = selectors.class_for(request.user, pk)
    t = selectors.trainee_of(c, trainee)
    form = CompletionForm(request.POST)
    if not form.is_valid():
        return _detail(request, c, [_("Choose one of the moves offered.")])
    completed = {"yes": True, "no": False, "auto": None}[form.cleaned_data["completed"]]
    try:
        services.completion_override(
            actor=signed_in(request), trainee=t, completed=completed, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        return _detail(request, c, _refused(exc))
    messages.success(request, _("Recorded."))
    return _back(pk)


# -- the institution workspace -----------------------------------------------------------------


@clerk_required
def workspace_classes(request: HttpRequest) -> HttpResponse:
    inst = institution_of(request)
    own = selectors.classes_of(inst).order_by("-start", "-id")
    assessed = TrainingClass.objects.filter(evaluator=inst).select_related("institution").order_by("-start")
    base = reverse("backoffice:workspace_classes")  # a class's page is <list>/<pk>/
    return render(
        request,
        "workspace/classes.html",
        {
            "inst": inst,
            "rows": [_row(c, base) for c in own[:200]],
            "assessed": [_row(c, base) for c in assessed[:200]],
            "refusal": services.refusal_of(inst),
        },
    )


def _own(request: HttpRequest, pk: int) -> TrainingClass:
    """One class of the clerk's institution, or one it was commissioned to assess."""
    inst = institution_of(request)
    found = (
        TrainingClass.objects.filter(Q(institution=inst) | Q(evaluator=inst), pk=pk)
        .select_related("institution")
        .first()
    )
    if found is None:
        raise Http404("no such class")
    return found


@clerk_required
@require_http_methods(["GET", "POST"])
def workspace_class_new(request: HttpRequest) -> HttpResponse:
    inst = institution_of(request)
    form = ClassForm(request.POST if request.method == "POST" else None, institution=inst)
    if request.method == "POST":
        try:
            created = form.submit(actor=signed_in(request))
        except PermissionDenied:
            raise
        if created is not None:
            messages.success(request, _("Draft saved. Upload the roster, then file the class."))
            return redirect(reverse("backoffice:workspace_class", kwargs={"pk": created.pk}))
    return render(
        request,
        "workspace/class_new.html",
        {
            "inst": inst,
            "form": form,
            "certificates": present.certificates(),
            "programs": present.programs(),
            "special_groups": SpecialGroup.choices,
            "levels": [(n, present.level_label(n)) for n in range(1, 6)],
            "refusal": services.refusal_of(inst),
            "projects": [
                (a.pk, a.project_name or str(a.pk), present.application_label(a.status))
                for a in inst.call_applications.order_by("-pk")
            ],
        },
        status=400 if form.errors else 200,
    )


def _workspace_detail(
    request: HttpRequest, c: TrainingClass, errors: list[str] | None = None
) -> HttpResponse:
    inst = institution_of(request)
    ours = c.institution_id == inst.pk
    checks = []
    if ours and c.status == "draft":
        checks = [
            (r.rule, r.outcome.value, r.reason.message if r.reason else r.step.value)
            for r in services.filing_checks(c, today=timezone.localdate())
        ]
    return render(
        request,
        "workspace/class.html",
        {
            **_class_context(c),
            "inst": inst,
            "ours": ours,
            "assessor": c.evaluator_id == inst.pk,
            "checks": checks,
            "moves": [
                (m.action, present.move_label(m.action), m.reason_required)
                for m in CLASS.moves_from(c.status)
                if m.action in _CLERK_MOVES
            ]
            if ours
            else [],
            "amendable": [(f, present.field_label(f), getattr(c, f)) for f in services.AMENDABLE],
            "errors": errors or [],
        },
        status=400 if errors else 200,
    )


def _ws_back(pk: int) -> HttpResponse:
    return redirect(reverse("backoffice:workspace_class", kwargs={"pk": pk}))


@clerk_required
def workspace_class(request: HttpRequest, pk: int) -> HttpResponse:
    return _workspace_detail(request, _own(request, pk))


@clerk_required
@require_POST
def workspace_roster(request: HttpRequest, pk: int) -> HttpResponse:
    c = _own(request, pk)
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _workspace_detail(request, c, [_("Choose a file.")])
    upload = form.cleaned_data["file"]
    try:
        report = services.roster_upload(
            actor=signed_in(request), training_class=c, file_name=upload.name, data=upload.read()
        )
    except (ValidationError, Conflict) as exc:
        return _workspace_detail(request, c, _refused(exc))
    refused = sum(not o.ok for o in report)
    messages.success(
        request,
        _("Roster checked: %(ok)d rows kept, %(refused)d refused.")
        % {"ok": len(report) - refused, "refused": refused},
    )
    return _ws_back(pk)


@clerk_required
@require_POST
def workspace_file(request: HttpRequest, pk: int) -> HttpResponse:
    c = _own(request, pk)
    try:
        services.class_file(actor=signed_in(request), training_class=c, today=timezone.localdate())
    except (ValidationError, Conflict) as exc:
        return _workspace_detail(request, c, _refused(exc))
    messages.success(request, _("Filed with the bureau."))
    return _ws_back(pk)


@clerk_required
@require_POST
def workspace_move(request: HttpRequest, pk: int) -> HttpResponse:
    c = _own(request, pk)
    action = request.POST.get("action", "")
    try:
        if action == "discard":
            services.class_discard(actor=signed_in(request), training_class=c)
            messages.success(request, _("Draft deleted."))
            return redirect(reverse("backoffice:workspace_classes"))
        if action not in _CLERK_MOVES:
            return _workspace_detail(request, c, [_("Choose one of the moves offered.")])
        moved = services.class_move(
            actor=signed_in(request), training_class=c, action=action, reason=request.POST.get("reason", "")
        )
    except (ValidationError, Conflict) as exc:
        return _workspace_detail(request, c, _refused(exc))
    messages.success(request, _("Now: %(status)s.") % {"status": present.status_label(moved.status)})
    return _ws_back(pk)


@clerk_required
@require_POST
def workspace_amend(request: HttpRequest, pk: int) -> HttpResponse:
    c = _own(request, pk)
    form = AmendmentForm(request.POST)
    try:
        proposed = form.submit(actor=signed_in(request), training_class=c)
    except Conflict as exc:
        return _workspace_detail(request, c, _refused(exc))
    if proposed is None:
        return _workspace_detail(request, c, form.general)
    messages.success(request, _("Amendment sent to the district."))
    return _ws_back(pk)


@clerk_required
@require_POST
def workspace_amendment_withdraw(request: HttpRequest, pk: int, amendment: int) -> HttpResponse:
    c = _own(request, pk)
    found = selectors.amendment_of(c, amendment)
    try:
        services.amendment_decide(actor=signed_in(request), amendment=found, action="withdraw")
    except (ValidationError, Conflict) as exc:
        return _workspace_detail(request, c, _refused(exc))
    messages.success(request, _("Recorded."))
    return _ws_back(pk)


@clerk_required
@require_POST
def workspace_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    c = _own(request, pk)
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _workspace_detail(request, c, [_("Choose a file.")])
    upload = form.cleaned_data["file"]
    try:
        rows, problems = attendance_rows(services.read_roster_upload(upload.name, upload.read()))
        written, refused = services.attendance_record(actor=signed_in(request), training_class=c, rows=rows)
    except (ValidationError, Conflict) as exc:
        return _workspace_detail(request, c, _refused(exc))
    messages.success(request, _("%(n)d attendance records saved.") % {"n": written})
    for p in problems + refused:
        messages.warning(request, p)
    return _ws_back(pk)


@clerk_required
@require_POST
def workspace_results(request: HttpRequest, pk: int) -> HttpResponse:
    c = _own(request, pk)
    return _results(request, c, lambda errors: _workspace_detail(request, c, errors), _ws_back(pk))
