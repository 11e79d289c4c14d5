"""The back office's first page: the drafts in progress and the latest changes in the user's regions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import account_role
from audit.selectors import audit_list
from backoffice.views.access import scope_of, staff_required
from catalogs import selectors
from catalogs.present import region_name
from institutions.selectors import clerk_institution


def home(request: HttpRequest) -> HttpResponse:
    """Where a login lands: a clerk goes to the institution's workspace, staff to the overview."""
    if clerk_institution(request.user) is not None:
        return redirect("backoffice:workspace")
    if account_role(request.user) is Role.WORKER:
        return redirect("portal:claims")
    return _overview(request)


@staff_required
def _overview(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    return render(
        request,
        "backoffice/home.html",
        {
            "drafts": selectors.draft_list(regions=scope.regions),
            "recent": audit_list(regions=scope.regions)[:10],
            "region_label": region_name(scope.region) if scope.region else _("all regions"),
        },
    )
