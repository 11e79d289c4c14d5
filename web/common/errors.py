"""Errors every workflow raises, and the reason every change made by a person must carry."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class Conflict(Exception):
    """The row changed state under us (e.g. the draft was published meanwhile).

    The message is the API's and the log's, in English; `shown` is what a page shows, in the
    language of the request that raised it (a Chinese page must not show `cannot remove: …`)."""

    def __init__(self, message: str, *, shown: str | None = None) -> None:
        super().__init__(message)
        self.shown = shown if shown is not None else message


class Stale(Conflict):
    """A write based on an older revision than the one stored: someone saved in between. `current`
    is what is stored now, so the person can redo their change on top of it instead of overwriting."""

    def __init__(self, message: str, *, current: dict[str, Any], revision: int) -> None:
        super().__init__(message)
        self.current = current
        self.revision = revision


def required_reason(reason: str) -> str:
    """The reason a person gives for a change, stripped; the audit trail records who, when, what and
    why, so a change without one is refused before anything is written."""
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": _("Say why this change is made; it is kept in the audit trail.")})
    return text
