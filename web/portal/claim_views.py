"""Public claim pages: a worker's own claims (个人申领) after they register with their ID number, the
public notice (公示) of approved claims with the objection form, and the public figures (cells of fewer
than 10 people suppressed). Views only parse, call one service or selector, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.pages import token_page
from claims import present, selectors, services
from claims.errors import NotEligible
from claims.forms import ClaimForm, ObjectionForm, WorkerRegisterForm
from claims.models import Claim
from claims.pages import claim_context, correct, form_errors, refused
from common.actor import signed_in
from common.errors import Conflict


@require_http_methods(["GET", "POST"])
def my_claims(request: HttpRequest) -> HttpResponse:
    worker = services.worker_of(request.user)
    errors: list[str] = []
    if worker is not None and request.method == "POST":
        form = ClaimForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                claim = services.claim_submit(
                    actor=signed_in(request),
                    certificate_no=data["certificate_no"],
                    payee=services.PayeeInput(data["payee_kind"], data["payee_account"], data["payee_name"]),
                )
                messages.success(request, _("Claim %(number)s submitted.") % {"number": claim.number})
                return redirect(reverse("portal:claim", kwargs={"pk": claim.pk}))
            except (ValidationError, Conflict, PermissionDenied, NotEligible) as exc:
                errors = refused(exc)
        else:
            errors = form_errors(form)
    rows = selectors.claims_for(request.user)[:100] if worker is not None else []
    return render(
        request,
        "portal/claims.html",
        {
            "worker": worker,
            "rows": [(c, present.status_label(c.status), present.yuan(c.amount_fen)) for c in rows],
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    if request.method == "POST":
        form = WorkerRegisterForm(request.POST)
        if form.is_valid():
            try:
                account = services.worker_register(**form.cleaned_data)
                login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Your account is verified. You can claim your subsidy now."))
                return redirect("portal:claims")
            except (ValidationError, Conflict) as exc:
                errors = refused(exc)
        else:
            errors = form_errors(form)
    return render(request, "portal/claim_register.html", {"errors": errors}, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
def my_claim(request: HttpRequest, pk: int) -> HttpResponse:
    if services.worker_of(request.user) is None:
        return redirect("portal:claims")
    c: Claim = selectors.claim_of(request.user, pk)

    def page(errors: list[str] | None = None) -> HttpResponse:
        return render(
            request,
            "portal/claim.html",
            {**claim_context(c), "errors": errors or []},
            status=400 if errors else 200,
        )

    if request.method == "GET":
        return page()
    return correct(request, c, page, "portal:claim")


@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """A worker's API tokens: an app of theirs submits and reads their own claims. Anyone else is sent
    to the claims page (to register or sign in), as for a claim's page."""
    if services.worker_of(request.user) is None:
        return redirect("portal:claims")
    return token_page(
        request, template="portal/claim_tokens.html", again=reverse("portal:claim_tokens"), context={}
    )


@require_http_methods(["GET", "POST"])
def notice(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    if request.method == "POST":
        form = ObjectionForm(request.POST)
        if form.is_valid():
            try:
                services.objection_raise(**form.cleaned_data)
                messages.success(request, _("Your objection is recorded; the bureau will answer it."))
                return redirect("portal:claim_notice")
            except ValidationError as exc:
                errors = refused(exc)
        else:
            errors = form_errors(form)
    today = timezone.localdate()
    rows = [
        {**r, "amount": present.yuan(r["amount_fen"]), "level_label": present.level_label(r["level"])}
        for r in selectors.on_notice(today)
    ]
    return render(
        request, "portal/claim_notice.html", {"rows": rows, "errors": errors}, status=400 if errors else 200
    )


def figures(request: HttpRequest) -> HttpResponse:
    f = selectors.dashboard(regions=None, public=True)
    return render(
        request,
        "portal/claim_figures.html",
        {
            "f": f,
            "paid": present.yuan(f["paid_fen"]),
            "tables": [
                (*present.GROUP_TITLES[name](), rows)
                for name, rows in present.group_rows(f["groups"]).items()
            ],
            "below": selectors.SUPPRESS_BELOW,
        },
    )
