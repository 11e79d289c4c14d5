"""Reads of claims: review queues, one claim for a reader who may see it, the public notice and the
dashboards (issue 12 · 7). Figures from fewer than SUPPRESS_BELOW people are suppressed on public pages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404

from accounts.selectors import staff_scope
from claims.models import Claim, Objection, PaymentBatch, SupervisionCertificate
from classes.models import TrainingClass
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


# What a row of the review list shows (claims.pages.list_row). The frozen decision with its trace, the
# evidence and the payee stay on the claim's own page: a list of 200 need not read and parse them.
LISTED = ("number", "channel", "region", "occupation", "level", "person_name", "person_masked", "amount_fen",
          "status", "mismatches", "mismatch_count", "submitted_at")  # fmt: skip


def review_queue(
    actor: Actor, *, status: str | None = None, after: int | None = None, limit: int = 50
) -> tuple[list[Claim], bool]:
    """A page of claims in review order (mismatches last, then oldest first), read off the
    claim_review_list indexes, and whether more follow. Pages are keyset pages: `after` is the last
    claim of the page before, so a page costs the same at the start and deep in a district's
    hundreds of thousands of claims, and no count runs over them."""
    rows = claims_for(actor).select_related(None).only(*LISTED)
    if status:
        rows = rows.filter(status=status)
    last = (
        rows.filter(pk=after).values_list("mismatch_count", "submitted_at", "pk").first() if after else None
    )
    if last is not None:
        mismatches, submitted, pk = last
        rows = rows.filter(
            Q(mismatch_count__gt=mismatches)
            | Q(mismatch_count=mismatches, submitted_at__gt=submitted)
            | Q(mismatch_count=mismatches, submitted_at=submitted, pk__gt=pk)
        )
    page = list(rows.order_by("mismatch_count", "submitted_at", "pk")[: limit + 1])
    return page[:limit], len(page) > limit


def supervision_of(class_id: int | None) -> list[SupervisionCertificate]:
    """The supervising units' certificates recorded for a class (002 · 附件4 · 8③)."""
    if class_id is None:
        return []
    return list(
        SupervisionCertificate.objects.filter(training_class_id=class_id).select_related("recorded_by")
    )


def special_group_classes(institution_pk: int) -> list[tuple[TrainingClass, list[SupervisionCertificate]]]:
    """The institution's classes of a special group, newest first, each with its certificates."""
    classes = list(
        TrainingClass.objects.filter(institution_id=institution_pk)
        .exclude(special_group="")
        .order_by("-start")[:200]
    )
    certificates: dict[int, list[SupervisionCertificate]] = {}
    for cert in SupervisionCertificate.objects.filter(training_class__in=classes):
        certificates.setdefault(cert.training_class_id, []).append(cert)
    return [(k, certificates.get(k.pk, [])) for k in classes]


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


# Each grouping and the column it reads (see _keyed).
GROUPS = {"district": "district", "occupation": "occupation", "institution": "inst", "month": "month"}


def _median(values: list[int]) -> int | None:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else None


def _keyed(rows: QuerySet[Claim]) -> QuerySet[Claim]:
    """The claims with one column per grouping: district, occupation, institution and month."""
    return rows.annotate(district=F("region"), inst=F("institution__name"), month=TruncMonth("submitted_at"))


def _grouped(rows: QuerySet[Claim], key: str, waits: dict[Any, list[int]]) -> list[dict[str, Any]]:
    """Per group: claims and people, the amount claimed and the money paid (with the people paid), the
    personal claims (001 · 三 · 8), the rejected claims and the median days to payment."""
    paid = Q(status="paid")
    out = []
    for g in (
        rows.values(key)
        .annotate(
            claims=Count("pk"),
            people=Count("person_digest", distinct=True),
            fen=Sum("amount_fen"),
            paid_fen=Sum("amount_fen", filter=paid),
            paid_people=Count("person_digest", filter=paid, distinct=True),
            personal=Count("pk", filter=Q(channel="worker")),
            rejected=Count("pk", filter=Q(status="rejected")),
        )
        .order_by(key)
    ):
        g["paid_fen"] = g["paid_fen"] or 0
        g["days_to_payment"] = _median(waits.get(g[key], []))
        out.append(g)
    return out


def _suppressed(group: dict[str, Any]) -> dict[str, Any]:
    """A group of fewer than SUPPRESS_BELOW people keeps its name only. The money paid rests on the
    people paid, so it is shown only when they too are SUPPRESS_BELOW or more."""
    if group["people"] < SUPPRESS_BELOW:
        return {k: v for k, v in group.items() if k in GROUPS.values()} | {"suppressed": True}
    if group["paid_people"] < SUPPRESS_BELOW:
        return {**group, "paid_fen": None, "days_to_payment": None, "paid_suppressed": True}
    return group


def dashboard(*, regions: Iterable[str] | None, public: bool = False) -> dict[str, Any]:
    """Counts and fen by state; per district, occupation, institution and month the claims, the amount
    claimed, the money paid, the personal claims (001 · 三 · 8), the rejections and the days from
    submission to payment; the rejection reasons. `public` suppresses every figure computed from
    fewer than SUPPRESS_BELOW people, the totals included."""
    rows = _keyed(_in_regions(Claim.objects.all(), regions))
    by_state = {s: {"claims": 0, "fen": 0} for s in CLAIM.states}
    for row in rows.values("status").annotate(claims=Count("pk"), fen=Sum("amount_fen")):
        by_state[row["status"]] = {"claims": row["claims"], "fen": row["fen"] or 0}
    paid = rows.filter(status="paid")
    waits: dict[str, dict[Any, list[int]]] = {column: {} for column in GROUPS.values()}
    every: list[int] = []
    for values in paid.values("submitted_at", "paid_at", *GROUPS.values()):
        if values["paid_at"] is None or values["submitted_at"] is None:
            continue
        days = (values["paid_at"] - values["submitted_at"]).days
        every.append(days)
        for column in GROUPS.values():
            waits[column].setdefault(values[column], []).append(days)
    groups = {name: _grouped(rows, column, waits[column]) for name, column in GROUPS.items()}
    people = rows.aggregate(all=Count("person_digest", distinct=True))["all"]
    paid_people = paid.aggregate(all=Count("person_digest", distinct=True))["all"]
    figures: dict[str, Any] = {
        "by_state": by_state,
        "paid_fen": sum(paid.values_list("amount_fen", flat=True)),
        "personal_share": {"personal": rows.filter(channel="worker").count(), "all": rows.count()},
        "days_to_payment": {
            "count": len(every),
            "median": _median(every),
            "max": max(every) if every else None,
        },
        "rejections": list(
            rows.filter(status="rejected")
            .values("reject_reason")
            .annotate(claims=Count("pk"))
            .order_by("-claims")
        ),
        "groups": groups,
        "suppressed": False,
    }
    if public:
        figures["groups"] = {key: [_suppressed(g) for g in items] for key, items in groups.items()}
        if people < SUPPRESS_BELOW:
            figures.update(personal_share=None, rejections=[], suppressed=True)
        if paid_people < SUPPRESS_BELOW:
            figures.update(paid_fen=None, days_to_payment=None, paid_suppressed=True)
        # Per institution and per month are for the bureaus; the public sees districts and occupations.
        figures["groups"] = {k: v for k, v in figures["groups"].items() if k in ("district", "occupation")}
    return figures
