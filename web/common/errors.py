"""Errors every workflow raises, and the reason every change made by a person must carry."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class Conflict(Exception):
    """The row changed state under us (e.g. the draft was published meanwhile)."""


def required_reason(reason: str) -> str:
    """The reason a person gives for a change, stripped; the audit trail records who, when, what and
    why, so a change without one is refused before anything is written."""
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": "say why this change is made; it is kept in the audit trail"})
    return text
