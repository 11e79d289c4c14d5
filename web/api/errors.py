"""Every API error is JSON `{"error": {"code", "message", "field", "value"}}` with a stable code."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from common.errors import Conflict
from skillsubsidy.catalog.profile import UnknownOccupation
from skillsubsidy.regions import AmbiguousRegion, UnknownRegion


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        value: object = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.value = None if value is None else str(value)
        self.extra = extra


def error_body(
    code: str, message: str, field: str | None = None, value: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field, "value": value, **extra}}


def _field_of(loc: tuple[Any, ...] | list[Any]) -> str | None:
    # ninja prefixes the location with where the value came from: ("query", "limit"), ("body", "payload").
    parts = [str(p) for p in loc if p not in ("query", "path", "body", "payload", "form", "header", "cookie")]
    return ".".join(parts) or None


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(
            request, exc.status, error_body(exc.code, exc.message, exc.field, exc.value, **exc.extra)
        )

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        field = _field_of(first.get("loc", ()))
        value = first.get("input")
        message = "; ".join(
            f"{_field_of(e.get('loc', ())) or 'request'}: {e.get('msg', 'invalid')}" for e in exc.errors[:5]
        )
        body = error_body(
            "invalid_request",
            message or "invalid request",
            field,
            None if value is None or isinstance(value, dict | list) else str(value),
        )
        return respond(request, 422, body)

    @api.exception_handler(UnknownRegion)
    def unknown_region(request: HttpRequest, exc: UnknownRegion) -> HttpResponse:
        body = error_body("unknown_region", str(exc), "region", exc.value, suggestions=exc.suggestions)
        return respond(request, 400, body)

    @api.exception_handler(AmbiguousRegion)
    def ambiguous_region(request: HttpRequest, exc: AmbiguousRegion) -> HttpResponse:
        body = error_body("ambiguous_region", str(exc), "region", exc.value, suggestions=exc.suggestions)
        return respond(request, 400, body)

    @api.exception_handler(UnknownOccupation)
    def unknown_occupation(request: HttpRequest, exc: UnknownOccupation) -> HttpResponse:
        body = error_body("unknown_occupation", str(exc), "code", exc.query, suggestions=exc.suggestions)
        return respond(request, 404, body)

    @api.exception_handler(DjangoValidationError)
    def django_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            field, messages = next(iter(exc.message_dict.items()))
            return respond(request, 400, error_body("invalid_value", "; ".join(messages), field))
        return respond(request, 400, error_body("invalid_value", "; ".join(exc.messages)))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, error_body("forbidden", str(exc) or "not allowed"))

    @api.exception_handler(Conflict)
    def conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
        return respond(request, 409, error_body("conflict", str(exc)))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        body = error_body(
            "unauthenticated", "send 'Authorization: Bearer <token>' or log in", "Authorization"
        )
        return respond(request, 401, body)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body("not_found", str(exc) or "not found"))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {
            400: "bad_request",
            401: "unauthenticated",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
        }
        return respond(request, exc.status_code, error_body(code.get(exc.status_code, "error"), str(exc)))
