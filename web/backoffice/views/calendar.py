"""Back-office pages for the working-day calendar: the years covered, and adding a year."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backoffice.views.access import staff_required
from calendars import selectors, services
from calendars.forms import CalendarYearForm


@staff_required
def calendar_years(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "backoffice/calendar.html",
        {
            "covered": selectors.covered_years(),
            "added": selectors.added_years(),
            "may_add": services.may_add_year(request.user),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def calendar_year_add(request: HttpRequest) -> HttpResponse:
    if not services.may_add_year(request.user):
        raise PermissionDenied("only platform administrators and city bureaus may add a year's holidays")
    form = CalendarYearForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.calendar_year_add(
                actor=request.user,
                year=form.cleaned_data["year"],
                holidays=form.cleaned_data["holidays"],
                makeup_days=form.cleaned_data["makeup_days"],
                source=form.notice(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(form.field_for(name), errors)
        else:
            messages.success(request, _("Added %(year)d. Deadlines use it from now on.") % {"year": row.year})
            return redirect(reverse("backoffice:calendar"))
    return render(request, "backoffice/calendar_add.html", {"form": form})
