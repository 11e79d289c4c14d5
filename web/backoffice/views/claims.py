"""Claim pages. Bureaus: the review queue with bulk approval, a claim's detail (frozen decision and
trace, match results, evidence, objections) with its review, the notice length, payment batches with
their files and the bank's answers, and the dashboard. The institution workspace: claims for the
passed trainees of its closed classes, and corrections after a return. Objects are looked up within the
user's scope or institution, so any other is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.pages import token_page
from backoffice.views.access import clerk_required, institution_of, scope_of, staff_required
from claims import present, selectors, services
from claims.errors import NotEligible
from claims.forms import (
    AnswerForm,
    BankFileForm,
    BatchForm,
    BulkForm,
    ClaimForm,
    InterestForm,
    NoticeSettingForm,
    ReviewForm,
    SupervisionForm,
)
from claims.models import Claim, NoticeSetting, Objection
from claims.pages import claim_context, correct, form_errors, list_row, refused
from classes.models import Result
from common.actor import signed_in
from common.errors import Conflict
from skillsubsidy.claims import payment
from skillsubsidy.claims.lifecycle import LIVE

_MAX_BANK_FILE = 20 * 1024 * 1024


# -- the bureaus ---------------------------------------------------------------------------------


@staff_required
def claim_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "").strip()
    if status not in dict(present.statuses()):
        status = ""
    after = request.GET.get("after", "")
    rows, more = selectors.review_queue(
        request.user, status=status or None, after=int(after) if after.isdigit() else None
    )
    base = reverse("backoffice:claims")  # a claim's page is backoffice:claim, <list>/<pk>/
    return render(
        request,
        "backoffice/claims.html",
        {
            "rows": [list_row(c, base) for c in rows],
            "statuses": present.statuses(),
            "chosen": status,
            "next_after": rows[-1].pk if more else None,
            "paged": after.isdigit(),
        },
    )


def _detail(request: HttpRequest, c: Claim, errors: list[str] | None = None) -> HttpResponse:
    return render(
        request,
        "backoffice/claim.html",
        {
            **claim_context(c),
            "fields": list(present.FIELDS.items()),
            "field_labels": [(k, present.field_label(k)) for k in present.FIELDS],
            "reject_codes": [(k, present.reject_label(k)) for k in services.REJECT_REASONS],
            "errors": errors or [],
        },
        status=400 if errors else 200,
    )


@staff_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.claim_of(request.user, pk))


@staff_required
@require_POST
def claim_review(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.claim_of(request.user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _detail(request, c, [_("Choose one of the moves offered.")])
    actor = signed_in(request)
    action = form.cleaned_data["action"]
    try:
        if action == "pass":
            services.claim_pass_district(actor=actor, pk=pk)
        elif action == "approve":
            services.claim_approve(actor=actor, pk=pk)
        elif action == "return":
            services.claim_return(
                actor=actor, pk=pk, corrections=form.corrections(), reason=form.cleaned_data["reason"]
            )
        else:
            services.claim_reject(
                actor=actor,
                pk=pk,
                reason_code=form.cleaned_data["reason_code"],
                reason=form.cleaned_data["reason"],
            )
    except (ValidationError, Conflict, PermissionDenied) as exc:
        return _detail(request, c, refused(exc))
    c.refresh_from_db()
    messages.success(request, _("Now: %(status)s.") % {"status": present.status_label(c.status)})
    return redirect(reverse("backoffice:claim", kwargs={"pk": pk}))


@staff_required
@require_POST
def claim_bulk(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    # The choices are the posted claims the reviewer may read, not every claim of the district.
    posted = [int(v) for v in request.POST.getlist("claims") if v.isdigit()]
    form.set_choices(
        list(selectors.claims_for(request.user).filter(pk__in=posted).values_list("pk", flat=True))
    )
    if not form.is_valid():
        messages.error(request, _("Choose the claims and give one reason for all of them."))
        return redirect("backoffice:claims")
    done = services.claims_bulk_approve(
        actor=signed_in(request), pks=form.cleaned_data["claims"], reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("%(n)d claims passed.") % {"n": len(done["done"])})
    for line in done["skipped"]:
        messages.warning(request, line)
    return redirect("backoffice:claims")


@staff_required
@require_POST
def claim_interest(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.claim_of(request.user, pk)
    form = InterestForm(request.POST)
    if not form.is_valid() or c.institution_id is None:
        return _detail(request, c, [_("Say what the interest is.")])
    services.interest_declare(
        actor=signed_in(request), institution_id=c.institution_id, note=form.cleaned_data["note"]
    )
    messages.success(request, _("Interest declared: you will not review this institution's claims."))
    return redirect(reverse("backoffice:claim", kwargs={"pk": pk}))


@staff_required
@require_POST
def objection_answer(request: HttpRequest, pk: int, objection: int) -> HttpResponse:
    c = selectors.claim_of(request.user, pk)
    if not Objection.objects.filter(pk=objection, claim=c).exists():
        return _detail(request, c, [_("No such objection.")])
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _detail(request, c, [_("Write the answer.")])
    try:
        services.objection_answer(
            actor=signed_in(request),
            pk=objection,
            upheld=form.cleaned_data["upheld"],
            answer=form.cleaned_data["answer"],
        )
    except (ValidationError, Conflict, PermissionDenied) as exc:
        return _detail(request, c, refused(exc))
    messages.success(request, _("Objection answered."))
    return redirect(reverse("backoffice:claim", kwargs={"pk": pk}))


@staff_required
@require_http_methods(["GET", "POST"])
def notice_settings(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    errors: list[str] = []
    if request.method == "POST":
        form = NoticeSettingForm(request.POST)
        if form.is_valid():
            try:
                services.notice_setting_set(actor=signed_in(request), **form.cleaned_data)
                messages.success(request, _("Notice length saved."))
                return redirect("backoffice:claim_notice")
            except (ValidationError, Conflict, PermissionDenied) as exc:
                errors = refused(exc)
        else:
            errors = form_errors(form)
    rows = NoticeSetting.objects.all()
    if scope.regions is not None:
        rows = rows.filter(region__in=list(scope.regions))
    return render(
        request,
        "backoffice/claim_notice.html",
        {"rows": rows, "errors": errors, "region": scope.region, "today": timezone.localdate()},
        status=400 if errors else 200,
    )


@staff_required
@require_POST
def notices_clear(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    try:
        cleared = services.notices_clear_due(actor=signed_in(request), region=scope.region or "")
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("backoffice:claim_batches")
    messages.success(request, _("%(n)d claims left the notice and are payable.") % {"n": len(cleared)})
    return redirect("backoffice:claim_batches")


@staff_required
@require_http_methods(["GET", "POST"])
def batches(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if request.method == "POST":
        form = BatchForm(request.POST)
        if form.is_valid():
            try:
                batch = services.batch_create(actor=signed_in(request), region=form.cleaned_data["region"])
                return redirect(reverse("backoffice:claim_batch", kwargs={"pk": batch.pk}))
            except (ValidationError, PermissionDenied, Conflict) as exc:
                for m in refused(exc):
                    messages.error(request, m)
        return redirect("backoffice:claim_batches")
    payable = selectors.claims_for(request.user).filter(status="payable")
    return render(
        request,
        "backoffice/claim_batches.html",
        {
            "rows": [
                (b, present.batch_status_label(b.status), present.yuan(b.total_fen))
                for b in selectors.batches_for(request.user)[:200]
            ],
            "payable": payable.count(),
            "region": scope.region,
        },
    )


def _batch_page(request: HttpRequest, pk: int, errors: list[str] | None = None) -> HttpResponse:
    batch = selectors.batch_of(request.user, pk)
    lines = batch.lines.select_related("claim").order_by("line_no")[:500]
    return render(
        request,
        "backoffice/claim_batch.html",
        {
            "b": batch,
            "status": present.batch_status_label(batch.status),
            "total": present.yuan(batch.total_fen),
            "lines": [
                (line, present.yuan(line.amount_fen), present.outcome_label(line.outcome)) for line in lines
            ],
            "errors": errors or [],
        },
        status=400 if errors else 200,
    )


@staff_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _batch_page(request, pk)


@staff_required
@require_POST
def batch_export(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.batch_of(request.user, pk)
    try:
        services.batch_export(actor=signed_in(request), pk=pk)
    except (ValidationError, Conflict, PermissionDenied) as exc:
        return _batch_page(request, pk, refused(exc))
    messages.success(request, _("Payment file exported."))
    return redirect(reverse("backoffice:claim_batch", kwargs={"pk": pk}))


@staff_required
def batch_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    batch = selectors.batch_of(request.user, pk)
    if batch.status == "draft" or fmt not in ("csv", "xlsx"):
        return _batch_page(request, pk, [_("Export the batch first; files are CSV or XLSX.")])
    built = services.payment_file(batch)
    if fmt == "csv":
        content, kind = built.csv_bytes(), "text/csv; charset=utf-8"
    else:
        content, kind = (
            built.xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    answer = HttpResponse(content, content_type=kind)
    answer["Content-Disposition"] = f'attachment; filename="{batch.number}.{fmt}"'
    answer["X-Content-SHA256"] = payment.checksum(content)
    return answer


@staff_required
@require_POST
def batch_results(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.batch_of(request.user, pk)
    form = BankFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _batch_page(request, pk, [_("Choose the bank's result file.")])
    upload = form.cleaned_data["file"]
    if upload.size > _MAX_BANK_FILE:
        return _batch_page(request, pk, [_("The file is larger than 20 MB.")])
    try:
        counts = services.bank_results_import(actor=signed_in(request), pk=pk, content=upload.read())
    except (ValidationError, Conflict, PermissionDenied) as exc:
        return _batch_page(request, pk, refused(exc))
    messages.success(
        request,
        _("Bank results: %(paid)d paid, %(failed)d failed, %(returned)d returned, %(already)d known.")
        % counts,
    )
    return redirect(reverse("backoffice:claim_batch", kwargs={"pk": pk}))


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    figures = selectors.dashboard(regions=scope.regions)
    return render(
        request,
        "backoffice/claim_dashboard.html",
        {
            "f": figures,
            "states": [
                (present.status_label(s), v["claims"], present.yuan(v["fen"]))
                for s, v in figures["by_state"].items()
            ],
            "paid": present.yuan(figures["paid_fen"]),
            "rejections": [
                (present.reject_label(r["reject_reason"]), r["claims"]) for r in figures["rejections"]
            ],
            "tables": _tables(present.group_rows(figures["groups"])),
        },
    )


def _tables(groups: dict[str, list[dict[str, Any]]]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    return [(*present.GROUP_TITLES[name](), rows) for name, rows in groups.items()]


# -- the institution workspace -------------------------------------------------------------------


def _claimable(institution_pk: int) -> list[Result]:
    """Passed results of the institution's closed classes that no live claim holds yet."""
    return list(
        Result.objects.filter(
            passed=True,
            trainee__training_class__institution_id=institution_pk,
            trainee__training_class__status=services.CLOSED_CLASS,
        )
        .exclude(claims__status__in=LIVE)
        .select_related("trainee__training_class")
        .order_by("trainee__training_class__end", "trainee__row")[:500]
    )


def _workspace_page(request: HttpRequest, errors: list[str] | None = None) -> HttpResponse:
    institution = institution_of(request)
    rows = selectors.claims_for(request.user)[:500]
    return render(
        request,
        "workspace/claims.html",
        {
            "inst": institution,
            "rows": [list_row(c, reverse("backoffice:workspace_claims")) for c in rows],
            "claimable": _claimable(institution.pk),
            "special_classes": selectors.special_group_classes(institution.pk),
            "errors": errors or [],
        },
        status=400 if errors else 200,
    )


@clerk_required
@require_http_methods(["GET", "POST"])
def workspace_claims(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _workspace_page(request)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return _workspace_page(request, form_errors(form))
    data = form.cleaned_data
    try:
        claim = services.claim_submit(
            actor=signed_in(request),
            certificate_no=data["certificate_no"],
            payee=services.PayeeInput(data["payee_kind"], data["payee_account"], data["payee_name"]),
            pledge_signed=data["pledge_signed"],
            evidence={"note": data["evidence"]} if data["evidence"] else {},
        )
    except (ValidationError, Conflict, PermissionDenied, NotEligible) as exc:
        return _workspace_page(request, refused(exc))
    messages.success(request, _("Claim %(number)s submitted.") % {"number": claim.number})
    return redirect(reverse("backoffice:workspace_claim", kwargs={"pk": claim.pk}))


@clerk_required
@require_http_methods(["GET", "POST"])
def workspace_tokens(request: HttpRequest) -> HttpResponse:
    """The clerk's API tokens: its institution's system submits and reads the institution's claims."""
    return token_page(
        request,
        template="workspace/tokens.html",
        again=reverse("backoffice:workspace_tokens"),
        context={"inst": institution_of(request)},
    )


@clerk_required
@require_POST
def workspace_supervision(request: HttpRequest) -> HttpResponse:
    """The supervising unit's certificate for a class of a special group (002 · 附件4 · 8③)."""
    form = SupervisionForm(request.POST)
    if not form.is_valid():
        return _workspace_page(request, form_errors(form))
    data = form.cleaned_data
    try:
        services.supervision_certificate_record(
            actor=signed_in(request),
            class_id=data["training_class"],
            unit=data["unit"],
            number=data["number"],
            issued_on=data["issued_on"],
        )
    except (ValidationError, Conflict, PermissionDenied) as exc:
        return _workspace_page(request, refused(exc))
    messages.success(request, _("The supervising unit's certificate is recorded."))
    return redirect(reverse("backoffice:workspace_claims"))


def _workspace_claim_page(request: HttpRequest, c: Claim, errors: list[str] | None = None) -> HttpResponse:
    return render(
        request,
        "workspace/claim.html",
        {"inst": institution_of(request), **claim_context(c), "errors": errors or []},
        status=400 if errors else 200,
    )


@clerk_required
@require_http_methods(["GET", "POST"])
def workspace_claim(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.claim_of(request.user, pk)
    if request.method == "GET":
        return _workspace_claim_page(request, c)
    return correct(
        request, c, lambda errors: _workspace_claim_page(request, c, errors), "backoffice:workspace_claim"
    )
