"""Writing audit records. Call inside the same transaction as the change it records.

Each record takes the next place in one chain (skillsubsidy.auditchain): the chain head's row is
locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's writers are already in line), so two concurrent
changes cannot take the same place. The lock is held to the end of the caller's transaction, which
is why services write their audit row last.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.utils import timezone

from accounts.privacy import mask_personal_data
from audit.models import AuditRecord, ChainHead
from common.actor import Actor, actor_user
from common.personal import derived_key
from skillsubsidy.auditchain import Link, seal

HEAD = 1  # the chain head's primary key


def chain_key() -> bytes:
    return derived_key(b"skillsubsidy audit chain v1")


def content_of(record: AuditRecord) -> dict[str, Any]:
    """What the hash covers. The actor's id is left out: deleting a user sets it to null, by design."""
    return {
        "at": record.at.astimezone(UTC).isoformat(),
        "actor": record.actor_name,
        "action": record.action,
        "target": f"{record.target_type}#{record.target_id}",
        "region": record.region,
        "summary": record.summary,
        "reason": record.reason,
        "changes": record.changes,
    }


def link_of(record: AuditRecord) -> Link:
    return Link(record.pk, record.seq, record.prev_hash, record.hash, content_of(record))


def audit_record(
    *,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: str | int,
    summary: str,
    region: str | None = None,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditRecord:
    user = actor_user(actor)
    record = AuditRecord(
        at=timezone.now(),
        actor=user,
        actor_name=user.get_username() if user is not None else "system",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        region=region or "",
        summary=mask_personal_data(summary)[:300],
        reason=mask_personal_data(reason),
        changes=changes or {},
    )
    head = ChainHead.objects.select_for_update().get(pk=HEAD)
    record.seq = head.seq + 1
    record.prev_hash = head.hash
    record.hash = seal(chain_key(), record.seq, record.prev_hash, content_of(record))
    record.save(force_insert=True)
    ChainHead.objects.filter(pk=HEAD).update(seq=record.seq, hash=record.hash)
    return record
