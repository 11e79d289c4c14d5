from __future__ import annotations

from django.db.models import QuerySet

from audit.models import AuditRecord, ChainHead
from audit.services import HEAD, chain_key, link_of
from skillsubsidy.auditchain import Verdict, verify


def audit_list(*, regions: frozenset[str] | None, action: str | None = None) -> QuerySet[AuditRecord]:
    """Records visible to someone acting for `regions` (None: every region, platform-wide ones too)."""
    qs = AuditRecord.objects.select_related("actor")
    if regions is not None:
        qs = qs.filter(region__in=regions)
    if action:
        qs = qs.filter(action=action)
    return qs


def audit_for(*, target_type: str, target_id: str | int) -> QuerySet[AuditRecord]:
    return AuditRecord.objects.filter(target_type=target_type, target_id=str(target_id))


def chain_verdict() -> Verdict:
    """Walk the whole audit chain and report the first broken link (see skillsubsidy.auditchain)."""
    head = ChainHead.objects.filter(pk=HEAD).values_list("seq", "hash").first()
    links = (link_of(r) for r in AuditRecord.objects.order_by("seq").iterator(chunk_size=2000))
    return verify(chain_key(), links, head)
