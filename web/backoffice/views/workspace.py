"""The institution workspace: what a clerk (经办人) sees after signing in. It shows the institution's
own record, what it is approved to train or evaluate, and the work it files (each workflow adds its
page here); nothing of any other institution."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from backoffice.views.access import clerk_required, institution_of
from institutions import present, selectors


@clerk_required
def workspace(request: HttpRequest) -> HttpResponse:
    institution = institution_of(request)
    today = timezone.localdate()
    return render(
        request,
        "workspace/home.html",
        {
            "inst": institution,
            "status": present.status_label(institution.status),
            "kind": present.kind_label(institution.kind),
            "region": present.region_label(institution.region),
            "approvals": [
                (
                    present.role_label(a.role),
                    present.approval_text(a),
                    a,
                    a.valid_from <= today and (a.valid_to is None or today <= a.valid_to),
                )
                for a in selectors.record_of(institution).approvals
            ],
        },
    )
