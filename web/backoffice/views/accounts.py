"""The user's API tokens and, for platform administrators, staff accounts."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.forms import StaffCreateForm, TokenCreateForm, TokenRevokeForm
from accounts.models import Role
from backoffice.views.access import admin_required, found, staff_required
from catalogs.present import region_name
from common.actor import signed_in
from skillsubsidy.regions import all_regions


@staff_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    new_token = None
    user = signed_in(request)
    if request.method == "POST" and "revoke" in request.POST:
        revoke = TokenRevokeForm(request.POST)
        pk = revoke.cleaned_data["revoke"] if revoke.is_valid() else None
        token = found(selectors.token_of(user=user, pk=pk) if pk is not None else None, "token")
        services.token_revoke(token=token, actor=user)
        messages.success(request, _("Token revoked."))
        return redirect("backoffice:tokens")
    if request.method == "POST":
        form = TokenCreateForm(request.POST)
        created = form.submit(user=user)
        if created is None:
            for message in form.general:
                messages.error(request, message)
        else:
            new_token = created[1]
    return render(
        request,
        "backoffice/tokens.html",
        {"tokens": selectors.token_list(user=user), "new_token": new_token},
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
