"""Page helpers shared by the back office, the institution workspace and the portal: what a claim's page
shows, and the claimant's correction (resubmit or withdraw) after a return."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from claims import present, selectors, services
from claims.errors import NotEligible
from claims.forms import CorrectionForm
from claims.models import Claim
from common.actor import signed_in
from common.errors import Conflict
from standards.present import cite, readable, readable_en, reason_title


def refused(exc: Exception) -> list[str]:
    """A refusal as the page shows it, in the page's language. The engine's reasons are the core's
    Chinese sentences, so an English page names them by their titles, as the calculator does."""
    if isinstance(exc, NotEligible) and not present.chinese():
        return [reason_title(code) for code in exc.codes]
    if isinstance(exc, Conflict):
        return [exc.shown]
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc)]


def form_errors(form: forms.Form) -> list[str]:
    """A form's refusals, each named by its field's label (never its code)."""
    return [f"{form.fields[k].label or k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items()]


def list_row(c: Claim, base: str) -> dict[str, Any]:
    """A claim in a list, as the cells it shows: with 50 rows a page, the template's attribute
    lookups and a `{% url %}` per row were most of the review list's time. `base` is the list's URL;
    a claim's page is <base><pk>/."""
    return {
        "url": f"{base}{c.pk}/",
        "pk": c.pk,
        "number": c.number,
        "name": c.person_name,
        "masked": c.person_masked,
        "occupation": f"{c.occupation} · {present.level_label(c.level)}",
        "choosable": not c.mismatch_count,
        "status": present.status_label(c.status),
        "channel": present.channel_label(c.channel),
        "amount": present.yuan(c.amount_fen),
        "mismatches": "；".join(present.match_label(m["code"]) for m in c.mismatches),
    }


def claim_context(c: Claim) -> dict[str, Any]:
    return {
        "c": c,
        "status": present.status_label(c.status),
        "channel": present.channel_label(c.channel),
        "level": present.level_label(c.level),
        "amount": present.yuan(c.amount_fen),
        "mismatches": [present.match_label(m["code"]) for m in c.mismatches],
        "payee": present.payee_label(c.payee_kind),
        "trace": _trace(c.decision.get("trace", [])),
        "reasons": [
            readable(r["message"]) if present.chinese() else reason_title(r["code"])
            for r in c.decision.get("reasons", [])
        ],
        "match_rows": [
            (present.match_label(m["code"]), present.field_label(m["field"]), present.match_message(m))
            for m in c.mismatches
        ],
        "corrections": [(present.field_label(k), v) for k, v in c.corrections.items()],
        "evidence": list(c.evidence.items()),
        "special_group": c.training_class.get_special_group_display()
        if c.training_class is not None and c.training_class.special_group
        else "",
        "supervision": selectors.supervision_of(c.training_class_id),
        "objections": [(o, present.objection_label(o.status)) for o in selectors.objections_of(c)],
        "reject": present.reject_label(c.reject_reason) if c.reject_reason else "",
        "lines": [
            (line, present.outcome_label(line.outcome)) for line in c.payment_lines.select_related("batch")
        ],
    }


def _trace(steps: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The frozen trace in the page's language: a step's source cited by title, its finding in English
    where the engine worded one (claims frozen before it did show the Chinese finding)."""
    zh = present.chinese()
    return [
        {
            "source": cite(s["source"], zh) if s.get("source") else "",
            "value": readable(s["value"]) if zh else readable_en(s.get("value_en") or s["value"]),
        }
        for s in steps
    ]


def correct(
    request: HttpRequest, c: Claim, page: Callable[[list[str]], HttpResponse], target: str
) -> HttpResponse:
    """Resubmit after a return (with a corrected payee or evidence), or withdraw."""
    actor = signed_in(request)
    try:
        if request.POST.get("action") == "withdraw":
            services.claim_withdraw(actor=actor, pk=c.pk, reason=request.POST.get("reason", ""))
        else:
            form = CorrectionForm(request.POST)
            if not form.is_valid():
                return page([_("Check the corrected fields.")])
            data = form.cleaned_data
            payee = (
                services.PayeeInput(data["payee_kind"], data["payee_account"], data["payee_name"])
                if data["payee_account"]
                else None
            )
            evidence = {**c.evidence, "correction": data["evidence"]} if data["evidence"] else None
            services.claim_resubmit(actor=actor, pk=c.pk, payee=payee, evidence=evidence)
    except (ValidationError, Conflict, PermissionDenied) as exc:
        return page(refused(exc))
    c.refresh_from_db()
    messages.success(request, _("Now: %(status)s.") % {"status": present.status_label(c.status)})
    return redirect(reverse(target, kwargs={"pk": c.pk}))
