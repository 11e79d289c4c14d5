"""The audit trail of the user's regions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.selectors import audit_list
from backoffice.views.access import scope_of, staff_required
from common.paging import BoundedPaginator


@staff_required
def audit(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action") or None
    records = audit_list(regions=scope_of(request).regions, action=action)
    # Every state change of every claim is a record: millions a year, too many to count per view.
    page = BoundedPaginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "backoffice/audit.html", {"page": page, "action": action})
