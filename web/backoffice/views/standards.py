"""Subsidy standards (policy parameters): what is in force per region, and entering a dated value."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from accounts.selectors import region_in_scope, regions_in_scope
from backoffice.views.access import found, scope_of, staff_required
from common.errors import Stale
from skillsubsidy.rules.parameters import Unit
from standards import selectors
from standards.forms import NewPeriodForm, StandardForm

# What a parameter without a unit of measure holds, for the editor's "Unit" line.
UNITLESS = {
    Unit.FLAG: _lazy("yes or no"),
    Unit.GROUPS: _lazy("groups of people"),
    Unit.CERTIFICATE_TYPES: _lazy("certificate types"),
    Unit.TEXTS: _lazy("phrases as the document prints them"),
}


@staff_required
def standards(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    regions = regions_in_scope(scope)
    # A bureau starts at its own region; an administrator at the first region a standard or a catalog
    # speaks for, not at 北京市 where nothing is set.
    code = request.GET.get("region") or scope.region or selectors.regions_in_use()[0].code
    region = found(region_in_scope(code=code, scope=scope), "region")
    start, lapses = selectors.period_warnings(region)
    return render(
        request,
        "backoffice/standards.html",
        {"regions": regions, "region": region, "rows": groups(selectors.region_parameters(region)),
         "period_start": start, "lapses": lapses},
    )  # fmt: skip


GROUPS = (
    ("standard.skill_level.", _lazy("Vocational qualification and skill level certificates")),
    ("standard.special_ability.", _lazy("Special ability certificates")),
    ("standard.training_qualification.", _lazy("Training qualification certificates")),
    ("standard.entrepreneurship.", _lazy("Entrepreneurship training")),
    ("standard.skill_evaluation.", _lazy("Skill evaluation")),
    ("standard.", _lazy("Other training")),
    ("class_hours.", _lazy("Class hours")),
    ("certificates.", _lazy("Certificates held")),
    ("project.", _lazy("Project-based training")),
    ("", _lazy("Other rules")),
)


def groups(rows: list[Any]) -> list[tuple[str, list[Any]]]:
    """Rows (a ParameterRow, or a (ParameterRow, text) pair) grouped by what they are about, in order."""
    out: dict[str, list[Any]] = {}
    for row in rows:
        name = (row[0] if isinstance(row, tuple) else row).parameter.name
        title = next(str(t) for prefix, t in GROUPS if name.startswith(prefix))
        out.setdefault(title, []).append(row)
    order = [str(t) for _p, t in GROUPS]
    return sorted(out.items(), key=lambda kv: order.index(kv[0]))


@staff_required
@require_http_methods(["GET", "POST"])
def standards_new_period(request: HttpRequest, region: str) -> HttpResponse:
    """One form for a new period's whole table, started from the values in force the day before."""
    reg = found(region_in_scope(code=region, scope=scope_of(request)), "region")
    form = NewPeriodForm(request.POST) if request.method == "POST" else None
    status = 200
    try:
        if form is not None and form.submit(actor=request.user, region=reg.code) is not None:
            messages.success(request, _("Saved the new period's standards. Quotes use them from now on."))
            return redirect(f"{reverse('backoffice:standards')}?region={reg.code}")
    except Stale:
        assert form is not None
        form.refuse(
            _("Someone else saved a value of these standards meanwhile. Reload the table and enter it again.")
        )
        status = 409
    raw_since = (form.data.get("since") if form is not None else request.GET.get("since")) or ""
    try:
        since = date.fromisoformat(raw_since)
    except ValueError:
        since = date(timezone.localdate().year + 1, 1, 1)
    rows = selectors.new_period_rows(reg, since)
    entered = dict(form.data.items()) if form is not None else {}
    table = [
        {"row": row, "name": row.parameter.name, "label": row.parameter.label,
         "unit": row.parameter.unit.label_zh,
         "value": entered.get(f"p:{row.parameter.name}", text),
         "revision": selectors.standard_revision(region=reg.code, name=row.parameter.name),
         "error": form.value_errors.get(row.parameter.name, "") if form is not None else ""}
        for row, text in rows
    ]  # fmt: skip
    grouped: dict[str, list[dict[str, Any]]] = {}
    order = [str(t) for _p, t in GROUPS]
    for item in table:
        title = next(str(t) for prefix, t in GROUPS if item["name"].startswith(prefix))
        grouped.setdefault(title, []).append(item)
    return render(
        request,
        "backoffice/standards_new_period.html",
        {
            "region": reg,
            "since": since,
            "groups": sorted(grouped.items(), key=lambda kv: order.index(kv[0])),
            "lapses": selectors.lapsed_on(reg, since),
            "form": form,
            "errors": form.general if form else [],
            "field_errors": form.field_errors if form else {},
        },
        status=status,
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
            "unit_label": Unit(known[name][0]).label_zh or str(UNITLESS[Unit(known[name][0])]),
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
