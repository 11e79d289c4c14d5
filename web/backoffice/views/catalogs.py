"""Catalog versions: start a draft, correct its rows, compare, publish or discard it."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.selectors import audit_for
from backoffice.views.access import found, scope_of, staff_required
from catalogs import selectors
from catalogs.forms import DiscardForm, DraftStartForm, EntryDeleteForm, EntryEditForm, PublishForm
from catalogs.models import CatalogVersion, Entry, VersionStatus
from catalogs.present import CERTIFICATE_LABELS
from common.errors import Conflict, Stale
from skillsubsidy.catalog.model import Category

ANOMALIES_SHOWN = 200


def _version(request: HttpRequest, pk: int) -> CatalogVersion:
    return found(selectors.version_in_scope(pk=pk, scope=scope_of(request)), "catalog version")


def _catalogs_page(
    request: HttpRequest, *, refused: str | None = None, form: DraftStartForm | None = None
) -> HttpResponse:
    """The catalog list; `refused` names the catalog whose "start a draft" `form` was refused."""
    return render(
        request,
        "backoffice/catalogs.html",
        {
            "series": selectors.versions_by_series(regions=scope_of(request).regions),
            "refused": refused,
            "start_form": form,
        },
    )


@staff_required
def catalogs(request: HttpRequest) -> HttpResponse:
    return _catalogs_page(request)


@staff_required
@require_POST
def draft_start(request: HttpRequest, catalog_id: str) -> HttpResponse:
    found(selectors.series_in_scope(catalog_id=catalog_id, scope=scope_of(request)), "catalog")
    form = DraftStartForm(request.POST)
    version = form.submit(actor=request.user, catalog_id=catalog_id)
    if version is None:
        return _catalogs_page(request, refused=catalog_id, form=form)
    messages.success(request, _("Draft v%(n)s started.") % {"n": version.number})
    return redirect("backoffice:version", pk=version.pk)


def _version_page(
    request: HttpRequest,
    version: CatalogVersion,
    *,
    publish_form: PublishForm | None = None,
    discard_form: DiscardForm | None = None,
) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    entries = [e for _, e in selectors.entries_matching(selectors.version_entries(version=version), q=q)]
    diff = selectors.version_diff(version=version)
    anomalies = selectors.anomaly_rows(version=version, limit=ANOMALIES_SHOWN)
    return render(
        request,
        "backoffice/version.html",
        {
            "version": version,
            "sections": {s.key: s.title for s in version.sections.all()},
            "page": Paginator(entries, 50).get_page(request.GET.get("page")),
            "q": q,
            "diff_counts": diff.counts() if diff else None,
            "anomalies": anomalies.rows,
            "anomaly_count": anomalies.count,
            "history": audit_for(target_type="catalog_version", target_id=version.pk)[:50],
            "publish_form": publish_form,
            "discard_form": discard_form,
        },
    )


@staff_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _version_page(request, _version(request, pk))


@staff_required
def version_diff(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    return render(
        request, "backoffice/diff.html", {"version": version, "diff": selectors.version_diff(version=version)}
    )


def _entry_page(
    request: HttpRequest,
    version: CatalogVersion,
    entry: Entry,
    number: int,
    *,
    edit_form: EntryEditForm | None = None,
    delete_form: EntryDeleteForm | None = None,
    stale: Stale | None = None,
) -> HttpResponse:
    """The row's form. After a stale save, `entry` is the row as stored now, shown with its values
    and its revision, so saving again is a decision taken knowing what the other person saved."""
    return render(
        request,
        "backoffice/entry_edit.html",
        {
            "version": version,
            "entry": entry,
            "position": number,
            "edit_form": None if stale else edit_form,
            "delete_form": delete_form,
            "stale": stale,
            "categories": [c.value for c in Category],
            "certificate_types": [(c.value, label) for c, label in CERTIFICATE_LABELS.items()],
        },
        status=409 if stale else 200,
    )


def _draft_entry(request: HttpRequest, pk: int, number: int) -> tuple[CatalogVersion, Entry]:
    version = _version(request, pk)
    if version.status != VersionStatus.DRAFT:
        raise Http404("published versions cannot be edited; start a draft")
    return version, found(selectors.entry_at(version=version, number=number), "row")


@staff_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    version, entry = _draft_entry(request, pk, position)
    if request.method == "GET":
        return _entry_page(request, version, entry, position)
    form = EntryEditForm(request.POST)
    try:
        saved = form.submit(actor=request.user, entry=entry)
    except Stale as exc:
        entry = found(selectors.entry_at(version=version, number=position), "row")
        return _entry_page(request, version, entry, position, stale=exc)
    except Conflict as exc:
        form.refuse(exc.shown)
        saved = None
    if saved is None:
        return _entry_page(request, version, entry, position, edit_form=form)
    messages.success(request, _("Row %(n)s saved.") % {"n": position})
    return redirect(f"{reverse('backoffice:version', kwargs={'pk': version.pk})}#row-{position}")


@staff_required
@require_POST
def entry_delete(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    version = _version(request, pk)
    entry = found(selectors.entry_at(version=version, number=position), "row")
    form = EntryDeleteForm(request.POST)
    try:
        if not form.submit(actor=request.user, entry=entry):
            return _entry_page(request, version, entry, position, delete_form=form)
    except Stale as exc:
        entry = found(selectors.entry_at(version=version, number=position), "row")
        return _entry_page(request, version, entry, position, stale=exc)
    except Conflict as exc:
        messages.error(request, exc.shown)
    else:
        messages.success(request, _("Row %(n)s removed.") % {"n": position})
    return redirect("backoffice:version", pk=version.pk)


@staff_required
@require_POST
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    form = PublishForm(request.POST)
    try:
        if form.submit(actor=request.user, version=version) is None:
            return _version_page(request, version, publish_form=form)
    except Conflict as exc:
        messages.error(request, exc.shown)
    else:
        messages.success(request, _("Published. Search and quotes use it from now on."))
    return redirect("backoffice:version", pk=version.pk)


@staff_required
@require_POST
def version_discard(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    form = DiscardForm(request.POST)
    try:
        if not form.submit(actor=request.user, version=version):
            return _version_page(request, version, discard_form=form)
    except Conflict as exc:
        messages.error(request, exc.shown)
        return redirect("backoffice:version", pk=version.pk)
    messages.success(request, _("Draft discarded."))
    return redirect("backoffice:catalogs")
