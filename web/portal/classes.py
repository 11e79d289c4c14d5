"""Classes open for enrolment on the public portal (issue 11: the public sees the classes that are open
for enrolment, by occupation and district): filed classes that have not started, with their
institution, dates, hours and venue. Nothing of the roster is shown."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from classes import present, selectors
from classes.models import TrainingClass
from common.forms import quoted

PAGE = 30
OCCUPATION_MAX = 100  # as the API's `occupation` query parameter


@require_GET
def open_classes(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    occupation = request.GET.get("occupation", "").strip()
    region = request.GET.get("region", "").strip()
    regions = selectors.open_class_regions(today)
    error = None
    if len(occupation) > OCCUPATION_MAX:
        error = _("Occupation: %(length)d characters; at most %(limit)d.") % {
            "length": len(occupation),
            "limit": OCCUPATION_MAX,
        }
    elif region and region not in {r.code for r in regions}:
        error = _("Region: “%(value)s” is not one of the regions offered.") % {"value": quoted(region)}
    rows = selectors.open_classes(occupation=occupation, region=region, today=today)
    if error:
        rows = rows.none()
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/classes_open.html",
        {
            "occupation": occupation,
            "region": region,
            "regions": [(r.code, present.region_label(r.code), r.level) for r in regions],
            "error": error,
            "page": page,
            "rows": [open_row(c) for c in page.object_list],
        },
        status=400 if error else 200,
    )


def open_row(c: TrainingClass) -> dict[str, object]:
    """What a card of an open class shows."""
    return {
        "c": c,
        "level": present.level_label(c.level),
        "certificate": present.certificate_label(c.certificate_type),
        "region": present.region_label(c.region),
        "hours": c.hours,  # type: ignore[attr-defined]
    }
