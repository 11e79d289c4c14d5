"""Uploaded attachments: upload, preview and map the columns, save as a draft."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.selectors import regions_in_scope
from backoffice.views.access import found, scope_of, staff_required
from catalogs import selectors, uploads
from catalogs.forms import MappingForm, UploadDraftForm, UploadForm
from catalogs.models import Upload
from catalogs.present import MAPPING_LABELS, anomaly_view
from skillsubsidy.ingest.tables import TableImportError


@staff_required
@require_http_methods(["GET", "POST"])
def upload_new(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else None
    if form is not None and (upload := form.submit(actor=request.user)) is not None:
        return redirect("backoffice:upload", pk=upload.pk)
    return render(
        request,
        "backoffice/upload_new.html",
        {
            "regions": regions_in_scope(scope_of(request)),
            "errors": form.general if form else [],
            "form": form,
            "suffixes": uploads.ALLOWED_SUFFIXES,
        },
    )


def _upload_page(
    request: HttpRequest, upload: Upload, *, errors: list[str], draft_form: UploadDraftForm | None = None
) -> HttpResponse:
    # The preview stored at upload or at the last mapping save: a view reads, never re-parses.
    try:
        shown = uploads.upload_shown(upload)
    except TableImportError as exc:
        shown = uploads.Shown(error=str(exc))
    pv = shown if shown.error is None else None
    return render(
        request,
        "backoffice/upload.html",
        {
            "upload": upload,
            "pv": pv,
            "findings": [anomaly_view(a) for a in shown.findings],
            "findings_total": shown.findings_total,
            "flagged": shown.flagged,
            "errors": [*errors, shown.error] if shown.error else errors,
            "draft_form": draft_form,
            "fields": [(f, MAPPING_LABELS.get(f, f)) for f in uploads.FIELD_CHOICES],
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    upload = found(selectors.upload_in_scope(pk=pk, scope=scope_of(request)), "upload")
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "mapping":
        mapping_form = MappingForm(request.POST)
        if mapping_form.submit(actor=request.user, upload=upload) is not None:
            return redirect("backoffice:upload", pk=upload.pk)
        return _upload_page(request, upload, errors=mapping_form.general)
    if action == "draft":
        draft_form = UploadDraftForm(request.POST)
        version = draft_form.submit(actor=request.user, upload=upload)
        if version is not None:
            messages.success(request, _("Saved as draft v%(n)s.") % {"n": version.number})
            return redirect("backoffice:version", pk=version.pk)
        return _upload_page(request, upload, errors=draft_form.general, draft_form=draft_form)
    return _upload_page(request, upload, errors=[])
