"""The project call on the public portal: the calls open for applications with their deadlines and
the forms they use, and the public notice (公示) of the selected projects. The notice's state follows
from today's date; the documents give no length for it, and the page says so."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from calls import present, selectors


@require_GET
def calls(request: HttpRequest) -> HttpResponse:
    rows = []
    for record in selectors.public_calls():
        call = selectors.effective_call(record)
        extensions = selectors.extensions_of(record)
        rows.append(
            {
                "record": record,
                "call": call,
                "state": present.call_state(record.status),
                "types": [present.type_label(t) for t in call.project_types],
                "deadlines": [
                    (present.deadline_label(d), d, call.closes_at(d.code, extensions)) for d in call.deadlines
                ],
                "has_notice": record.notice_starts_on is not None,
            }
        )
    return render(request, "portal/calls.html", {"rows": rows})


@require_GET
def call_notice(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.public_calls().filter(pk=pk).first()
    notice = present.notice_of(record) if record is not None else None
    if record is None or notice is None:
        raise Http404(f"no notice for call {pk}")
    today = timezone.localdate()
    return render(
        request,
        "portal/call_notice.html",
        {
            "record": record,
            "notice": notice,
            "state": present.notice_state(notice, today),
            "projects": selectors.notice_projects(record),
            "objections": record.objections.filter(answered_on__isnull=False),
            "source": selectors.effective_call(record).source,
        },
    )
