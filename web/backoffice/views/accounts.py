"""The user's API tokens and, for platform administrators, staff accounts."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import selectors
from accounts.forms import StaffCreateForm
from accounts.models import Role
from accounts.pages import token_page
from backoffice.views.access import admin_required, staff_required
from catalogs.present import region_name
from common.actor import signed_in
from skillsubsidy.regions import all_regions


@staff_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    return token_page(
        request, template="backoffice/tokens.html", again=reverse("backoffice:tokens"), context={}
    )


@admin_required
@require_http_methods(["GET", "POST"])
def staff(request: HttpRequest) -> HttpResponse:
    form = StaffCreateForm(request.POST) if request.method == "POST" else None
    if form is not None and form.submit(actor=signed_in(request)) is not None:
        messages.success(request, _("Account created."))
        return redirect("backoffice:staff")
    return render(
        request,
        "backoffice/staff.html",
        {
            # A code alone does not say which of two 鼓楼区 an account acts for.
            "staff": [(s, region_name(s.region) if s.region else "") for s in selectors.staff_list()],
            "roles": Role.choices,
            "regions": list(all_regions().values()),
            "errors": form.general if form else [],
            "form": form,
        },
    )
