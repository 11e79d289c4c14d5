"""Writing audit records. Call inside the same transaction as the change it records."""

from __future__ import annotations

from typing import Any

from accounts.privacy import mask_personal_data
from audit.models import AuditRecord
from common.actor import Actor, actor_user


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
    return AuditRecord.objects.create(
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
