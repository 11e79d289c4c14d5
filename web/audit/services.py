"""Writing audit records. Call inside the same transaction as the change it records.

Each record takes the next place in one chain (skillsubsidy.auditchain): the chain head's row is
locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's writers are already in line), so two concurrent
changes cannot take the same place. The lock is held to the end of the caller's transaction, which
is why services write their audit row last.

`audit_records` appends many records at once (a bulk state change of thousands of claims): one head
lock, the hashes chained in Python, one bulk insert, one head update; the chain is the one
`audit_record` would have written record by record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
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


@dataclass(frozen=True, slots=True)
class Entry:
    """One record of a bulk append; the actor and the time are the append's."""

    action: str
    target_type: str
    target_id: str | int
    summary: str
    region: str | None = None
    reason: str = ""
    changes: dict[str, Any] = field(default_factory=dict)


def _unsealed(actor: Actor, entry: Entry, at: Any) -> AuditRecord:
    user = actor_user(actor)
    return AuditRecord(
        at=at,
        actor=user,
        actor_name=user.get_username() if user is not None else "system",
        action=entry.action,
        target_type=entry.target_type,
        target_id=str(entry.target_id),
        region=entry.region or "",
        summary=mask_personal_data(entry.summary)[:300],
        reason=mask_personal_data(entry.reason),
        changes=entry.changes,
    )


def _append(records: Sequence[AuditRecord]) -> None:
    """Give `records` the next places in the chain, in order, and store them and the new head."""
    head = ChainHead.objects.select_for_update().get(pk=HEAD)
    key, seq, prev = chain_key(), head.seq, head.hash
    for record in records:
        seq += 1
        record.seq, record.prev_hash = seq, prev
        record.hash = prev = seal(key, seq, prev, content_of(record))
    if len(records) == 1:
        records[0].save(force_insert=True)  # the caller gets the record with its id
    else:
        AuditRecord.objects.bulk_create(records, batch_size=5000)
    ChainHead.objects.filter(pk=HEAD).update(seq=seq, hash=prev)


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
    entry = Entry(action, target_type, target_id, summary, region, reason, changes or {})
    record = _unsealed(actor, entry, timezone.now())
    _append([record])
    return record


def audit_records(*, actor: Actor, entries: Sequence[Entry]) -> int:
    """Append one record per entry, in order, all by `actor` at one time; the number written."""
    if not entries:
        return 0
    at = timezone.now()
    _append([_unsealed(actor, entry, at) for entry in entries])
    return len(entries)
