"""The back office. Every view needs a staff login; every object is checked against the user's regions.

An object outside the user's regions answers 404, not 403, so a district cannot even learn which
drafts other districts have.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import ApiToken, Role
from accounts.selectors import Scope, staff_scope
from audit.selectors import audit_for, audit_list
from catalogs import selectors, services, uploads
from catalogs.models import CatalogVersion, Entry, Upload, VersionStatus
from catalogs.present import CERTIFICATE_LABELS, region_name
from common.actor import signed_in
from common.errors import Conflict
from skillsubsidy.ingest.tables import TableImportError
from skillsubsidy.regions import all_regions

V = TypeVar("V", bound=Callable[..., HttpResponse])


def staff_required(view: V) -> V:
    """Anonymous users go to the login page; logged-in users without a staff role get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        scope = staff_scope(request.user)
        if scope is None:
            raise PermissionDenied("back office access needs a staff role")
        request.scope = scope  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def admin_required(view: V) -> V:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.scope.is_platform_admin:  # type: ignore[attr-defined]
            raise PermissionDenied("platform administrators only")
        return view(request, *args, **kwargs)

    return staff_required(wrapper)  # type: ignore[return-value]


def _scope(request: HttpRequest) -> Scope:
    return request.scope  # type: ignore[attr-defined,no-any-return]


def _version_in_scope(request: HttpRequest, pk: int) -> CatalogVersion:
    version = selectors.version_in_scope(pk=pk, scope=_scope(request))
    if version is None:
        raise Http404("no such catalog version")
    return version


def _regions_in_scope(scope: Scope) -> list[tuple[str, str]]:
    # Districts are named with their city: two cities may each have a 鼓楼区.
    return [(r.code, r.qualified) for r in all_regions().values() if scope.covers(r.code)]


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
    return list(exc.messages)


@dataclass
class FormErrors:
    """A refused form: messages for the fields it has an input for, shown beside that input, and the
    rest (about the object, not a field of the form) above the form."""

    general: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, exc: ValidationError, *, inputs: tuple[str, ...] = ("reason",)) -> FormErrors:
        if not hasattr(exc, "error_dict"):
            return cls(general=list(exc.messages))
        errors = cls()
        for name, msgs in exc.message_dict.items():
            if name in inputs:
                errors.fields[name] = " ".join(msgs)
            else:
                errors.general.append(f"{name}: {' '.join(msgs)}")
        return errors


class LoginView(auth_views.LoginView):
    template_name = "backoffice/login.html"
    redirect_authenticated_user = True


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    versions = selectors.version_list(regions=scope.regions)
    return render(
        request,
        "backoffice/home.html",
        {
            "drafts": versions.filter(status=VersionStatus.DRAFT),
            "recent": audit_list(regions=scope.regions)[:10],
            "region_label": region_name(scope.region) if scope.region else _("all regions"),
        },
    )


def _catalogs_page(
    request: HttpRequest, *, refused: str | None = None, errors: FormErrors | None = None
) -> HttpResponse:
    """The catalog list; `refused` names the catalog whose "start a draft" form is shown with `errors`."""
    series: dict[str, list[CatalogVersion]] = {}
    for v in selectors.version_list(regions=_scope(request).regions):
        series.setdefault(v.catalog_id, []).append(v)
    return render(
        request,
        "backoffice/catalogs.html",
        {"series": sorted(series.items()), "refused": refused, "start_errors": errors, "form": request.POST},
    )


@staff_required
def catalogs(request: HttpRequest) -> HttpResponse:
    return _catalogs_page(request)


@staff_required
@require_POST
def draft_start(request: HttpRequest, catalog_id: str) -> HttpResponse:
    current = selectors.current_version(catalog_id=catalog_id)
    if current is None or not _scope(request).covers(current.region or None):
        raise Http404("no such catalog")
    try:
        version = services.draft_from_published(
            catalog_id=catalog_id, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        return _catalogs_page(request, refused=catalog_id, errors=FormErrors.of(exc))
    messages.success(request, _("Draft v%(n)s started.") % {"n": version.number})
    return redirect("backoffice:version", pk=version.pk)


def _version_page(
    request: HttpRequest,
    version: CatalogVersion,
    *,
    publish_errors: FormErrors | None = None,
    discard_errors: FormErrors | None = None,
) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    entries = [e for _, e in selectors.entries_matching(selectors.version_entries(version=version), q=q)]
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    diff = selectors.version_diff(version=version)
    return render(
        request,
        "backoffice/version.html",
        {
            "version": version,
            "page": page,
            "q": q,
            "diff_counts": diff.counts() if diff else None,
            "anomalies": version.anomalies.order_by("position")[:200],
            "anomaly_count": version.anomalies.count(),
            "history": audit_for(target_type="catalog_version", target_id=version.pk)[:50],
            "today": date.today(),
            "publish_errors": publish_errors,
            "discard_errors": discard_errors,
            "form": request.POST,
        },
    )


@staff_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _version_page(request, _version_in_scope(request, pk))


@staff_required
def version_diff(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version_in_scope(request, pk)
    diff = selectors.version_diff(version=version)
    return render(request, "backoffice/diff.html", {"version": version, "diff": diff})


def _entry_page(
    request: HttpRequest,
    version: CatalogVersion,
    entry: Entry,
    position: int,
    *,
    edit_errors: FormErrors | None = None,
    delete_errors: FormErrors | None = None,
) -> HttpResponse:
    return render(
        request,
        "backoffice/entry_edit.html",
        {
            "version": version,
            "entry": entry,
            "position": position,
            "edit_errors": edit_errors,
            "delete_errors": delete_errors,
            "certificate_types": [(c.value, label) for c, label in CERTIFICATE_LABELS.items()],
            "form": request.POST if edit_errors else None,
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    version = _version_in_scope(request, pk)
    if version.status != VersionStatus.DRAFT:
        raise Http404("published versions cannot be edited; start a draft")
    entry = get_object_or_404(Entry, version=version, position=position - 1)
    if request.method == "GET":
        return _entry_page(request, version, entry, position)
    changes: dict[str, Any] = {
        f: request.POST.get(f, "") for f in services.EDITABLE_FIELDS if f in request.POST
    }
    changes["matched"] = request.POST.get("matched") == "on"
    try:
        services.entry_update(
            entry=entry, actor=request.user, changes=changes, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        return _entry_page(request, version, entry, position, edit_errors=FormErrors.of(exc))
    except Conflict as exc:
        return _entry_page(request, version, entry, position, edit_errors=FormErrors(general=[str(exc)]))
    messages.success(request, _("Row %(n)s saved.") % {"n": position})
    return redirect(f"{reverse('backoffice:version', kwargs={'pk': version.pk})}#row-{position}")


@staff_required
@require_POST
def entry_delete(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    version = _version_in_scope(request, pk)
    entry = get_object_or_404(Entry, version=version, position=position - 1)
    try:
        services.entry_delete(entry=entry, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        return _entry_page(request, version, entry, position, delete_errors=FormErrors.of(exc))
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Row %(n)s removed.") % {"n": position})
    return redirect("backoffice:version", pk=version.pk)


@staff_required
@require_POST
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version_in_scope(request, pk)
    try:
        effective_from = date.fromisoformat(request.POST.get("effective_from", ""))
        raw_to = request.POST.get("effective_to", "")
        effective_to = date.fromisoformat(raw_to) if raw_to else None
    except ValueError:
        messages.error(request, _("Dates must be written as YYYY-MM-DD."))
        return redirect("backoffice:version", pk=version.pk)
    try:
        services.draft_publish(
            version=version,
            actor=request.user,
            effective_from=effective_from,
            effective_to=effective_to,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        return _version_page(request, version, publish_errors=FormErrors.of(exc))
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Published. Search and quotes use it from now on."))
    return redirect("backoffice:version", pk=version.pk)


@staff_required
@require_POST
def version_discard(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version_in_scope(request, pk)
    try:
        services.draft_discard(version=version, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        return _version_page(request, version, discard_errors=FormErrors.of(exc))
    except Conflict as exc:
        messages.error(request, str(exc))
        return redirect("backoffice:version", pk=version.pk)
    messages.success(request, _("Draft discarded."))
    return redirect("backoffice:catalogs")


@staff_required
@require_http_methods(["GET", "POST"])
def upload_new(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    errors: list[str] = []
    if request.method == "POST":
        f = request.FILES.get("file")
        try:
            if f is None:
                raise ValidationError({"file": _("choose a file to upload")})
            upload = uploads.upload_create(
                actor=request.user,
                file_name=f.name or "upload",
                # One byte past the limit is enough to refuse it; a huge file is never held in memory.
                data=f.read(settings.UPLOAD_MAX_BYTES + 1),
                region=request.POST.get("region", ""),
                catalog_id=request.POST.get("catalog_id", "").strip(),
                title=request.POST.get("title", ""),
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            return redirect("backoffice:upload", pk=upload.pk)
    return render(
        request,
        "backoffice/upload_new.html",
        {
            "regions": _regions_in_scope(scope),
            "errors": errors,
            "form": request.POST,
            "suffixes": uploads.ALLOWED_SUFFIXES,
        },
    )


def _upload_in_scope(request: HttpRequest, pk: int) -> Upload:
    upload = get_object_or_404(Upload, pk=pk)
    if not _scope(request).covers(upload.region):
        raise Http404("no such upload")
    return upload


@staff_required
@require_http_methods(["GET", "POST"])
def upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _upload_in_scope(request, pk)
    errors: list[str] = []
    draft_errors = FormErrors()
    if request.method == "POST" and request.POST.get("action") == "mapping":
        columns: dict[int, str | None] = {}
        for key in request.POST:
            if key.startswith("col-") and key[4:].isdigit():
                columns[int(key[4:])] = request.POST.get(key) or None
        raw_header = request.POST.get("header_row", "")
        try:
            uploads.upload_set_mapping(
                upload=upload,
                actor=request.user,
                columns=columns,
                header_row=int(raw_header) if raw_header.isdigit() else None,
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            return redirect("backoffice:upload", pk=upload.pk)
    elif request.method == "POST" and request.POST.get("action") == "draft":
        try:
            raw_from, raw_to = request.POST.get("effective_from", ""), request.POST.get("effective_to", "")
            version = uploads.upload_to_draft(
                upload=upload,
                actor=request.user,
                attachment=request.POST.get("attachment", ""),
                effective_from=date.fromisoformat(raw_from) if raw_from else None,
                effective_to=date.fromisoformat(raw_to) if raw_to else None,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as exc:
            draft_errors = FormErrors.of(exc)
            errors = draft_errors.general
        except ValueError:
            errors = [_("Dates must be written as YYYY-MM-DD.")]
        else:
            messages.success(request, _("Saved as draft v%(n)s.") % {"n": version.number})
            return redirect("backoffice:version", pk=version.pk)
    try:
        pv = uploads.upload_preview(upload)
    except TableImportError as exc:
        pv, errors = None, [*errors, str(exc)]
    return render(
        request,
        "backoffice/upload.html",
        {
            "upload": upload,
            "pv": pv,
            "errors": errors,
            "draft_errors": draft_errors,
            "form": request.POST,
            "fields": uploads.FIELD_CHOICES,
        },
    )


@staff_required
def audit(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    action = request.GET.get("action") or None
    records = audit_list(regions=scope.regions, action=action)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "backoffice/audit.html", {"page": page, "action": action})


@staff_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    new_token = None
    user = signed_in(request)
    if request.method == "POST":
        if revoke := request.POST.get("revoke"):
            if not revoke.isdecimal():
                raise Http404("no such token")
            token = get_object_or_404(ApiToken, pk=revoke, user=user)
            account_services.token_revoke(token=token, actor=user)
            messages.success(request, _("Token revoked."))
            return redirect("backoffice:tokens")
        try:
            _token, new_token = account_services.token_create(user=user, name=request.POST.get("name", ""))
        except ValidationError as exc:
            for m in _errors(exc):
                messages.error(request, m)
    return render(
        request,
        "backoffice/tokens.html",
        {"tokens": account_selectors.token_list(user=user), "new_token": new_token},
    )


@admin_required
@require_http_methods(["GET", "POST"])
def staff(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    if request.method == "POST":
        try:
            account_services.staff_create(
                username=request.POST.get("username", "").strip(),
                password=request.POST.get("password", ""),
                role=Role(request.POST.get("role", "")),
                region=request.POST.get("region") or None,
                actor=signed_in(request),
            )
        except ValidationError as exc:
            errors = _errors(exc)
        except ValueError:
            errors = [_("Choose a role.")]
        else:
            messages.success(request, _("Account created."))
            return redirect("backoffice:staff")
    return render(
        request,
        "backoffice/staff.html",
        {
            # A code alone does not say which of two 鼓楼区 an account acts for.
            "staff": [(s, region_name(s.region) if s.region else "") for s in account_selectors.staff_list()],
            "roles": Role.choices,
            "regions": list(all_regions().values()),
            "errors": errors,
            "form": request.POST,
        },
    )
