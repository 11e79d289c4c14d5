"""Reads of claims: review queues, one claim for a reader who may see it, the public notice and the
dashboards (issue 12 · 7). Figures from fewer than SUPPRESS_BELOW people are suppressed on public pages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404

from accounts.selectors import staff_scope
from claims.models import Claim, Objection, PaymentBatch
from common.actor import Actor
from institutions.selectors import clerk_institution
from skillsubsidy.claims.lifecycle import CLAIM

SUPPRESS_BELOW = 10  # US WIOA practice: small cells are not published (WORKFLOWS.md)


def _in_regions(rows: QuerySet[Claim], regions: Iterable[str] | None) -> QuerySet[Claim]:
    return rows if regions is None else rows.filter(region__in=list(regions))


def claims_for(actor: Actor) -> QuerySet[Claim]:
    """Every claim the actor may read: a bureau its regions', a clerk its institution's, a worker theirs."""
    scope = staff_scope(actor)
    rows = Claim.objects.select_related("institution", "training_class")
    if scope is not None:
        return _in_regions(rows, scope.regions)
    institution = clerk_institution(actor)
    if institution is not None:
        return rows.filter(institution=institution)
    from claims.services import worker_of

    worker = worker_of(actor)
    if worker is not None:
        return rows.filter(person_digest=worker.id_digest)
    return rows.none()


def claim_of(actor: Actor, pk: int) -> Claim:
    claim = claims_for(actor).filter(pk=pk).first()
    if claim is None:
        raise Http404("no such claim")
    return claim


def review_queue(actor: Actor, *, status: str | None = None, limit: int = 200) -> list[Claim]:
    rows = claims_for(actor)
    if status:
        rows = rows.filter(status=status)
    return list(rows.order_by("mismatch_count", "submitted_at", "pk")[:limit])


def objections_of(claim: Claim) -> QuerySet[Objection]:
    return Objection.objects.filter(claim=claim).order_by("at", "pk")


def batches_for(actor: Actor) -> QuerySet[PaymentBatch]:
    scope = staff_scope(actor)
    if scope is None:
        return PaymentBatch.objects.none()
    rows = PaymentBatch.objects.all()
    return rows if scope.regions is None else rows.filter(region__in=list(scope.regions))


def batch_of(actor: Actor, pk: int) -> PaymentBatch:
    batch = batches_for(actor).filter(pk=pk).first()
    if batch is None:
        raise Http404("no such batch")
    return batch


def on_notice(today: date) -> list[dict[str, Any]]:
    """The public notice: approved claims still on notice, masked (张*, 3201**********1234)."""
    from common.personal import mask_name

    rows = (
        Claim.objects.filter(status="notice").select_related("institution").order_by("notice_from", "number")
    )
    return [
        {
            "number": c.number,
            "name": mask_name(c.person_name),
            "id": c.person_masked,
            "occupation": c.occupation,
            "level": c.level,
            "amount_fen": c.amount_fen,
            "institution": c.institution.name if c.institution else "",
            "notice_from": c.notice_from,
            "notice_until": c.notice_until,
            "open": c.notice_until is None or today <= c.notice_until,
        }
        for c in rows
    ]


def _grouped(rows: QuerySet[Claim], key: str) -> list[dict[str, Any]]:
    return list(
        rows.values(key)
        .annotate(claims=Count("pk"), people=Count("person_digest", distinct=True), fen=Sum("amount_fen"))
        .order_by(key)
    )


def dashboard(*, regions: Iterable[str] | None, public: bool = False) -> dict[str, Any]:
    """Counts and fen by state, district, occupation, institution and month; the share of personal
    claims (001 · 三 · 8); days from submission to payment; rejection reasons. `public` suppresses
    every group of fewer than SUPPRESS_BELOW people."""
    rows = _in_regions(Claim.objects.all(), regions)
    by_state = {s: {"claims": 0, "fen": 0} for s in CLAIM.states}
    for row in rows.values("status").annotate(claims=Count("pk"), fen=Sum("amount_fen")):
        by_state[row["status"]] = {"claims": row["claims"], "fen": row["fen"] or 0}
    paid = rows.filter(status="paid")
    waits = sorted(
        (p - s).days
        for s, p in paid.values_list("submitted_at", "paid_at")
        if p is not None and s is not None
    )
    groups = {
        "district": _grouped(rows, "region"),
        "occupation": _grouped(rows, "occupation"),
        "institution": _grouped(rows.annotate(inst=F("institution__name")), "inst"),
        "month": _grouped(rows.annotate(month=TruncMonth("submitted_at")), "month"),
    }
    if public:
        for name, items in groups.items():
            groups[name] = [
                g if g["people"] >= SUPPRESS_BELOW else {**g, "claims": None, "fen": None, "suppressed": True}
                for g in items
            ]
    return {
        "by_state": by_state,
        "paid_fen": sum(paid.values_list("amount_fen", flat=True)),
        "personal_share": {"personal": rows.filter(channel="worker").count(), "all": rows.count()},
        "days_to_payment": {
            "count": len(waits),
            "median": waits[len(waits) // 2] if waits else None,
            "max": waits[-1] if waits else None,
        },
        "rejections": list(
            rows.filter(status="rejected")
            .values("reject_reason")
            .annotate(claims=Count("pk"))
            .order_by("-claims")
        ),
        "groups": groups,
    }
