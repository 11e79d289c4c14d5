"""Back-office pages for subsidy standards (policy parameters)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backoffice.views import FormErrors, _regions_in_scope, _scope, staff_required
from skillsubsidy.regions import UnknownRegion, resolve_region
from standards import selectors, services


@staff_required
def standards(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    regions = _regions_in_scope(scope)
    # A bureau starts at its own region; an administrator at the first region a standard or a catalog
    # speaks for, not at 北京市 where nothing is set.
    code = request.GET.get("region") or scope.region or selectors.regions_in_use()[0].code
    try:
        region = resolve_region(code)
    except UnknownRegion:
        raise Http404("no such region") from None
    if not scope.covers(region.code):
        raise Http404("no such region")
    return render(
        request,
        "backoffice/standards.html",
        {"regions": regions, "region": region, "rows": selectors.region_parameters(region)},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def standard_edit(request: HttpRequest, region: str, name: str) -> HttpResponse:
    scope = _scope(request)
    try:
        reg = resolve_region(region)
    except UnknownRegion:
        raise Http404("no such region") from None
    if not scope.covers(reg.code):
        raise Http404("no such region")
    known = {n: (unit, label) for n, unit, label in selectors.parameter_names()}
    if name not in known:
        raise Http404("no such parameter")
    errors = FormErrors()
    if request.method == "POST":
        try:
            since = date.fromisoformat(request.POST.get("since", ""))
        except ValueError:
            errors = FormErrors(general=[_("Dates must be written as YYYY-MM-DD.")])
        else:
            try:
                services.standard_set(
                    actor=request.user,
                    region=reg.code,
                    name=name,
                    since=since,
                    value=request.POST.get("value", ""),
                    source=request.POST.get("source", ""),
                    reason=request.POST.get("reason", ""),
                )
            except ValidationError as exc:
                errors = FormErrors.of(exc)
            else:
                messages.success(request, _("Saved. Quotes use the new value from now on."))
                return redirect(f"{request.path}")
    parameter = selectors.parameters().region(reg.code).get(name)
    return render(
        request,
        "backoffice/standard_edit.html",
        {
            "region": reg,
            "name": name,
            "unit": known[name][0],
            "label": known[name][1],
            "parameter": parameter,
            "history": selectors.history(region=reg.code, name=name),
            "errors": errors.general,
            "field_errors": errors.fields,
            "form": request.POST if request.method == "POST" else None,
        },
    )
