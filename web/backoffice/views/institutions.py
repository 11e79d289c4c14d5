"""Back-office pages of the institution catalogs: districts register, inspect and propose; the city
decides, lists and removes (skillsubsidy.institutions.lifecycle). Every object is looked up within
the user's scope, so another district's institution is a 404."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backoffice.views.access import staff_required
from classes import selectors as class_selectors
from classes.forms import EmploymentForm
from classes.models import Employment
from common.actor import signed_in
from common.errors import Conflict
from institutions import present, selectors, uploads
from institutions.forms import (
    ApprovalForm,
    BasisForm,
    ClerkForm,
    CreditForm,
    EvaluationForm,
    FindingForm,
    ImportForm,
    InspectionForm,
    ListingForm,
    MoveForm,
    PremisesForm,
    RegisterForm,
    ScopeForm,
    TeacherForm,
)
from institutions.models import Basis, CreditEvent, Finding, Inspection, Institution
from skillsubsidy.institutions.model import InvalidUscc
from skillsubsidy.institutions.quality import evaluation_criteria

ADD_FORMS: dict[str, Any] = {
    "basis": BasisForm,
    "teacher": TeacherForm,
    "premises": PremisesForm,
    "scope": ScopeForm,
    "approval": ApprovalForm,
    "inspection": InspectionForm,
    "finding": FindingForm,
    "credit": CreditForm,
    "evaluation": EvaluationForm,
    "clerk": ClerkForm,
    "employment": EmploymentForm,
}


def _filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in ("status", "kind", "region")}


@staff_required
def institutions(request: HttpRequest) -> HttpResponse:
    chosen = _filters(request)
    rows = selectors.filtered(request.user, **chosen)
    return render(
        request,
        "backoffice/institutions.html",
        {
            "rows": [
                (
                    i,
                    present.status_label(i.status),
                    present.kind_label(i.kind),
                    present.region_label(i.region),
                )
                for i in rows
            ],
            "chosen": chosen,
            "statuses": present.statuses(),
            "kinds": present.kinds(),
            "regions": selectors.regions_of(request.user),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def institution_register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        created = form.submit(actor=request.user)
        if created is not None:
            messages.success(request, _("Registered. Record its grounds, then start the review."))
            return redirect(reverse("backoffice:institution", kwargs={"pk": created.pk}))
    return render(
        request,
        "backoffice/institution_register.html",
        {"form": form, "kinds": present.kinds(), "regions": selectors.regions_of(request.user)},
        status=400 if form.errors else 200,
    )


def _detail(request: HttpRequest, institution: Institution, **forms: Any) -> HttpResponse:
    today = timezone.localdate()
    results = selectors.eligibility(institution, today)
    proposal = (
        selectors.listing_proposal(institution, today.year + 1)
        if institution.status in ("listed", "suspended")
        else None
    )
    code = selectors.stored_uscc(institution)
    return render(
        request,
        "backoffice/institution.html",
        {
            "inst": institution,
            "uscc_problem": present.pick((code.problem, code.problem_en))
            if isinstance(code, InvalidUscc)
            else None,
            "status": present.status_label(institution.status),
            "kind": present.kind_label(institution.kind),
            "region": present.region_label(institution.region),
            "record": selectors.record_of(institution),
            "clerks": selectors.clerks_of(institution),
            "checks": [
                (
                    present.condition_label(r.rule),
                    r.outcome.value,
                    present.outcome_label(r.outcome),
                    r.reason.message if r.reason else r.step.value,
                    r.step.source,
                )
                for r in results
            ],
            "moves": selectors.moves_for(request.user, institution),
            "judged": [(rule, present.condition_label(rule)) for rule in present.JUDGED],
            "basis_kinds": Basis.Kind.choices,
            "inspection_kinds": Inspection.Kind.choices,
            "inspection_results": Inspection.Result.choices,
            "verdicts": Finding.Verdict.choices,
            "credit_kinds": CreditEvent.Kind.choices,
            "criteria": evaluation_criteria(),
            "occupations": selectors.occupation_names(),
            "proposal": proposal,
            "proposal_label": present.proposal_label(proposal) if proposal else "",
            "proposal_reasons": present.proposal_reasons(proposal) if proposal else (),
            "next_year": today.year + 1,
            "forms": forms,
            "today": today,
            "outcomes": class_selectors.outcomes(institution),
            "employment_sources": Employment.Source.choices,
        },
        status=400 if forms else 200,
    )


@staff_required
def institution(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.institution_for(request.user, pk))


@staff_required
@require_POST
def institution_add(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    inst = selectors.institution_for(request.user, pk)
    form_class = ADD_FORMS.get(what)
    if form_class is None:
        raise Http404("no such record kind")
    form = form_class(request.POST, institution=inst, actor=signed_in(request), today=timezone.localdate())
    if form.submit() is None:
        return _detail(request, inst, **{what: form})
    messages.success(request, _("Recorded."))
    return redirect(reverse("backoffice:institution", kwargs={"pk": inst.pk}))


@staff_required
@require_POST
def institution_move(request: HttpRequest, pk: int) -> HttpResponse:
    inst = selectors.institution_for(request.user, pk)
    form = MoveForm(request.POST, institution=inst, actor=signed_in(request), today=timezone.localdate())
    try:
        moved = form.submit()
    except Conflict as exc:
        form.refuse(exc.shown)
        moved = None
    if moved is None:
        return _detail(request, inst, move=form)
    messages.success(request, _("Now: %(status)s.") % {"status": present.status_label(moved.status)})
    return redirect(reverse("backoffice:institution", kwargs={"pk": inst.pk}))


@staff_required
@require_POST
def institution_listing(request: HttpRequest, pk: int) -> HttpResponse:
    inst = selectors.institution_for(request.user, pk)
    form = ListingForm(request.POST, institution=inst, actor=signed_in(request), today=timezone.localdate())
    try:
        done = form.submit()
    except Conflict as exc:
        form.refuse(exc.shown)
        done = None
    if done is None:
        return _detail(request, inst, listing=form)
    messages.success(request, _("Next year's listing confirmed."))
    return redirect(reverse("backoffice:institution", kwargs={"pk": inst.pk}))


@staff_required
def institution_proposals(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year + 1
    return render(
        request,
        "backoffice/institution_proposals.html",
        {
            "year": year,
            "rows": [
                (inst, present.proposal_label(p), present.proposal_reasons(p))
                for inst, p in selectors.listing_proposals(request.user, year)
            ],
            "criteria": evaluation_criteria(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def institution_import(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST with a file: the preview. POST with `commit`: the import, from the
    bytes the preview carried (re-checked in full by uploads.commit)."""
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    found = None
    payload = ""
    if request.method == "POST" and "commit" in request.POST:
        try:
            data = base64.b64decode(request.POST.get("data", ""), validate=True)
            created = uploads.commit(
                actor=signed_in(request),
                file_name=request.POST.get("file_name", ""),
                data=data,
                expected_digest=request.POST.get("digest", ""),
                today=timezone.localdate(),
            )
        except (ValidationError, binascii.Error) as exc:
            errors = exc.messages if isinstance(exc, ValidationError) else [_("The preview was damaged.")]
        else:
            messages.success(request, _("Imported %(n)d institutions.") % {"n": len(created)})
            return redirect(reverse("backoffice:institutions") + "?status=applied")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            found = uploads.preview(actor=signed_in(request), file_name=upload.name, data=data)
        except ValidationError as exc:
            errors = exc.messages
        else:
            payload = base64.b64encode(data).decode()
    elif request.method == "POST":
        errors = [str(m) for e in form.errors.values() for m in e]
    return render(
        request,
        "backoffice/institution_import.html",
        {"form": form, "errors": errors, "preview": found, "payload": payload, "columns": uploads.COLUMNS},
        status=400 if errors else 200,
    )
