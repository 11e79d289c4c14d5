"""Subsidy standards (policy parameters): what is in force per region, and entering a dated value."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.selectors import region_in_scope, regions_in_scope
from backoffice.views.access import found, scope_of, staff_required
from common.errors import Stale
from standards import selectors
from standards.forms import StandardForm


@staff_required
def standards(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    regions = regions_in_scope(scope)
    # A bureau starts at its own region; an administrator at the first region a standard or a catalog
    # speaks for, not at 北京市 where nothing is set.
    code = request.GET.get("region") or scope.region or selectors.regions_in_use()[0].code
    region = found(region_in_scope(code=code, scope=scope), "region")
    return render(
        request,
        "backoffice/standards.html",
        {"regions": regions, "region": region, "rows": selectors.region_parameters(region)},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def standard_edit(request: HttpRequest, region: str, name: str) -> HttpResponse:
    reg = found(region_in_scope(code=region, scope=scope_of(request)), "region")
    known = {n: (unit, label) for n, unit, label in selectors.parameter_names()}
    if name not in known:
        raise Http404("no such parameter")
    form = StandardForm(request.POST) if request.method == "POST" else None
    based_on = selectors.standard_revision(region=reg.code, name=name)
    status = 200
    try:
        if form is not None and form.submit(actor=request.user, region=reg.code, name=name) is not None:
            messages.success(request, _("Saved. Quotes use the new value from now on."))
            return redirect(request.path)
    except Stale as exc:
        # The entered value stays in the form; the page above it now lists the value saved meanwhile.
        assert form is not None
        form.refuse(
            _(
                "Someone else saved a value of this standard meanwhile; it is listed above. "
                "Check it, then save yours again if it is still right."
            )
        )
        based_on, status = exc.revision, 409
    else:
        if form is not None and form.data.get("based_on"):
            based_on = form.data["based_on"]
    return render(
        request,
        "backoffice/standard_edit.html",
        {
            "region": reg,
            "name": name,
            "unit": known[name][0],
            "label": known[name][1],
            "parameter": selectors.parameters().region(reg.code).get(name),
            "history": selectors.history(region=reg.code, name=name),
            "errors": form.general if form else [],
            "field_errors": form.field_errors if form else {},
            "form": form,
            "based_on": based_on,
        },
        status=status,
    )
