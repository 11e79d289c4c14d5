"""The open API's error contract, shared by every app's router: the codes and the error they raise.

Each code has exactly one HTTP status, so the same fault cannot be answered differently by two
endpoints. Every code is documented in docs/error-codes.md (a test keeps the two equal).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# Long values are cut so that an error never echoes a whole oversized request back.
VALUE_MAX_CHARS = 1000


class ApiErrorCode(StrEnum):
    status: int

    def __new__(cls, value: str, status: int) -> ApiErrorCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.status = status
        return member

    MALFORMED_REQUEST = "malformed_request", 400
    VALIDATION_ERROR = "validation_error", 422
    UNKNOWN_REGION = "unknown_region", 422
    AMBIGUOUS_REGION = "ambiguous_region", 422
    CALENDAR_YEAR_MISSING = "calendar_year_missing", 422
    UNKNOWN_SECTION = "unknown_section", 422
    AUTHENTICATION_REQUIRED = "authentication_required", 401
    INVALID_TOKEN = "invalid_token", 401
    PERMISSION_DENIED = "permission_denied", 403
    CSRF_FAILED = "csrf_failed", 403
    NOT_FOUND = "not_found", 404
    UNKNOWN_CATALOG = "unknown_catalog", 404
    UNKNOWN_VERSION = "unknown_version", 404
    UNKNOWN_ROW = "unknown_row", 404
    UNKNOWN_OCCUPATION = "unknown_occupation", 404
    UNKNOWN_INSTITUTION = "unknown_institution", 404
    UNKNOWN_CLASS = "unknown_class", 404
    UNKNOWN_CLAIM = "unknown_claim", 404
    UNKNOWN_CERTIFICATE = "unknown_certificate", 422
    NOT_ELIGIBLE = "not_eligible", 422
    DUPLICATE_CLAIM = "duplicate_claim", 409
    METHOD_NOT_ALLOWED = "method_not_allowed", 405
    CONFLICT = "conflict", 409
    STALE_REVISION = "stale_revision", 409
    PRECONDITION_REQUIRED = "precondition_required", 428
    INTERNAL_ERROR = "internal_error", 500


def as_text(value: object) -> str | None:
    """A submitted value as text: strings as they are, anything else as its JSON (`9`, `true`, `null`).

    None means "nothing was sent"; a JSON null that was sent is the text "null".
    """
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= VALUE_MAX_CHARS else text[: VALUE_MAX_CHARS - 1] + "…"


def sent(value: object) -> str:
    """A value that was sent, as text; a JSON null that was sent is the text "null"."""
    return "null" if value is None else as_text(value) or ""


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid field: its dotted path in the request, the value sent (as text), and what is wrong."""

    field: str
    message: str
    value: str | None

    def data(self) -> dict[str, Any]:
        return {"field": self.field, "value": self.value, "message": self.message}


class ApiError(Exception):
    """An answer other than success. `field` is the request field at fault, `value` what was sent there."""

    def __init__(
        self,
        code: ApiErrorCode,
        message: str,
        *,
        field: str | None = None,
        value: object = None,
        fields: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.headers = headers or {}
        self.code = code
        self.message = message
        if fields is None:
            fields = [] if field is None else [FieldError(field, message, as_text(value))]
        self.fields = fields
        self.extra = extra

    @property
    def status(self) -> int:
        return self.code.status

    def body(self) -> dict[str, Any]:
        first = self.fields[0] if self.fields else None
        return {
            "error": {
                "code": self.code.value,
                "message": self.message,
                "field": first.field if first else None,
                "value": first.value if first else None,
                "fields": [f.data() for f in self.fields],
                **self.extra,
            }
        }
