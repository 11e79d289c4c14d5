"""The project call on the public portal: the calls open for applications with their deadlines and
the forms they use, and the public notice (公示) of the selected projects, on which anyone may file an
objection while it runs. The notice's state follows from today's date; the documents give no length
for it, and the page says so."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.login import client_ip
from calls import present, selectors, services
from calls.forms import PublicObjectionForm
from common.errors import Conflict
from skillsubsidy.calls.lifecycle import NoticeState


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


@require_http_methods(["GET", "POST"])
def call_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice, and while it runs the form on which anyone files an objection (CSRF-protected,
    bounded, throttled per sender and contact by the service)."""
    record = selectors.public_calls().filter(pk=pk).first()
    notice = present.notice_of(record) if record is not None else None
    if record is None or notice is None:
        raise Http404(f"no notice for call {pk}")
    today = timezone.localdate()
    projects = selectors.notice_projects(record)
    choices = [(p.pk, f"{p.institution} · {p.project}") for p in projects if p.status == "in_notice"]
    form = PublicObjectionForm(request.POST if request.method == "POST" else None, projects=choices)
    status = 200
    if request.method == "POST":
        try:
            filed = form.run(
                lambda d: services.objection_submit_online(
                    call_pk=record.pk,
                    application=d["application"],
                    name=d["name"],
                    contact=d["contact"],
                    grounds=d["grounds"],
                    sender=client_ip(request),
                )
            )
        except Conflict as exc:
            form.refuse(exc.shown)
            status = 429 if isinstance(exc, services.Throttled) else 409
        else:
            if filed is not None:
                messages.success(
                    request,
                    _(
                        "Objection No. %(number)s is received; "
                        "the bureau answers it before the result is filed."
                    )
                    % {"number": filed.pk},
                )
                return redirect(reverse("portal:call_notice", kwargs={"pk": record.pk}))
            status = 400
    state = notice.state_on(today)
    return render(
        request,
        "portal/call_notice.html",
        {
            "record": record,
            "notice": notice,
            "state": present.notice_state(notice, today),
            "running": record.status == "notice" and state is NoticeState.RUNNING,
            "ended": state is NoticeState.ENDED,
            "projects": projects,
            "objections": record.objections.filter(answered_on__isnull=False),
            "source": selectors.effective_call(record).source,
            "form": form,
        },
        status=status,
    )
