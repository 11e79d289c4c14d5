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

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from accounts.privacy import mask_personal_data
from audit.models import AuditRecord, ChainHead
from common.actor import Actor, actor_user
from common.bulk import insert_rows
from common.personal import derived_key
from skillsubsidy.auditchain import Link, seal

HEAD = 1  # the chain head's primary key


def chain_key() -> bytes:
    return derived_key(b"skillsubsidy audit chain v1")


def _content(
    at: datetime,
    actor_name: str,
    action: str,
    target: str,
    region: str,
    summary: str,
    reason: str,
    changes: dict[str, Any],
) -> dict[str, Any]:
    return {
        "at": at.astimezone(UTC).isoformat(),
        "actor": actor_name,
        "action": action,
        "target": target,
        "region": region,
        "summary": summary,
        "reason": reason,
        "changes": changes,
    }


def content_of(record: AuditRecord) -> dict[str, Any]:
    """What the hash covers. The actor's id is left out: deleting a user sets it to null, by design."""
    return _content(
        record.at,
        record.actor_name,
        record.action,
        f"{record.target_type}#{record.target_id}",
        record.region,
        record.summary,
        record.reason,
        record.changes,
    )


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
    content = content_of(record)
    key = chain_key()
    if connection.vendor == "postgresql":
        _append_postgresql(record, key, content)
        return record
    head = ChainHead.objects.select_for_update().get(pk=HEAD)
    record.seq = head.seq + 1
    record.prev_hash = head.hash
    record.hash = seal(key, record.seq, record.prev_hash, content)
    record.save(force_insert=True)
    ChainHead.objects.filter(pk=HEAD).update(seq=record.seq, hash=record.hash)
    return record


_HEAD_LOCK = f"SELECT seq, hash FROM {ChainHead._meta.db_table} WHERE id = %s FOR UPDATE"
_APPEND = (
    f"WITH moved AS (UPDATE {ChainHead._meta.db_table} SET seq = %s, hash = %s WHERE id = %s) "
    f"INSERT INTO {AuditRecord._meta.db_table} (seq, prev_hash, hash, at, actor_id, actor_name, action, "
    "target_type, target_id, region, summary, reason, changes) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb) RETURNING id"
)


def _append_postgresql(record: AuditRecord, key: bytes, content: dict[str, Any]) -> None:
    """The head locked, the record inserted and the head moved: two statements, not three. The head
    lock serialises every audited write until its transaction commits, so a round trip saved while
    holding it is one saved for every writer in line behind it. The statements are written out
    because the two cannot be one through the ORM; the values are the ones `save` would store (the
    JSON as JSONField dumps it), and the chain verifies the same either way."""
    with connection.cursor() as cursor:
        cursor.execute(_HEAD_LOCK, [HEAD])
        seq, prev = cursor.fetchone()
        record.seq, record.prev_hash = seq + 1, prev
        record.hash = seal(key, record.seq, prev, content)
        cursor.execute(
            _APPEND,
            [record.seq, record.hash, HEAD, record.seq, prev, record.hash, record.at, record.actor_id,
             record.actor_name, record.action, record.target_type, record.target_id, record.region,
             record.summary, record.reason, json.dumps(record.changes)],
        )  # fmt: skip
        record.pk = cursor.fetchone()[0]
    record._state.adding = False
    record._state.db = connection.alias


_COLUMNS = ("seq", "prev_hash", "hash", "at", "actor_id", "actor_name", "action", "target_type", "target_id",
            "region", "summary", "reason", "changes")  # fmt: skip


def audit_records(*, actor: Actor, entries: Sequence[Entry]) -> int:
    """Append one record per entry, in order, all by `actor` at one time, as `audit_record` would one
    by one: one head lock, the hashes chained here, the rows inserted at once. The number written."""
    if not entries:
        return 0
    user = actor_user(actor)
    name = user.get_username() if user is not None else "system"
    at = timezone.now()
    head = ChainHead.objects.select_for_update().get(pk=HEAD)
    key, seq, prev = chain_key(), head.seq, head.hash
    rows = []
    for entry in entries:
        seq += 1
        target_id = str(entry.target_id)
        summary = mask_personal_data(entry.summary)[:300]
        reason = mask_personal_data(entry.reason)
        content = _content(at, name, entry.action, f"{entry.target_type}#{target_id}", entry.region or "",
                           summary, reason, entry.changes)  # fmt: skip
        digest = seal(key, seq, prev, content)
        rows.append((seq, prev, digest, at, user.pk if user else None, name, entry.action, entry.target_type,
                     target_id, entry.region or "", summary, reason, entry.changes))  # fmt: skip
        prev = digest
    insert_rows(AuditRecord, _COLUMNS, rows)
    ChainHead.objects.filter(pk=HEAD).update(seq=seq, hash=prev)
    return len(rows)
