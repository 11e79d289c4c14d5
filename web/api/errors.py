"""How each failure becomes the API's one error shape, `{"error": {"code", "message", "field", "value",
"fields"}}`, with the one status its code has (common/api_errors.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationErrorContext
from ninja.errors import ValidationError as NinjaValidationError

from common.api_errors import ApiError, ApiErrorCode, FieldError, as_text, sent
from common.errors import Conflict, Stale
from skillsubsidy.catalog.profile import UnknownOccupation
from skillsubsidy.rules.request import RequestError

# The code of an answer that has only a status: ninja's HttpError (raised for a body it cannot parse)
# and Django's own answers under /api/ (no such path, a wrong method, a crash; see api/middleware.py).
BY_STATUS = {
    400: ApiErrorCode.MALFORMED_REQUEST,
    404: ApiErrorCode.NOT_FOUND,
    405: ApiErrorCode.METHOD_NOT_ALLOWED,
    500: ApiErrorCode.INTERNAL_ERROR,
}
_CHALLENGE = {
    ApiErrorCode.AUTHENTICATION_REQUIRED: "Bearer",
    ApiErrorCode.INVALID_TOKEN: 'Bearer error="invalid_token"',
}


def keep_submitted_values(error_contexts: list[ValidationErrorContext[Any]]) -> NinjaValidationError:
    """Ninja's own translation, minus its removal of `input`: the error must quote the value sent."""
    errors: list[dict[str, Any]] = []
    for context in error_contexts:
        model = context.model
        for e in context.pydantic_validation_error.errors(include_url=False):
            loc = model.__ninja_flatten_map_reverse__.get(e["loc"], e["loc"])
            error = dict(e)
            error["loc"] = (model.__ninja_param_source__, *loc)
            ctx: dict[str, Any] = dict(e.get("ctx") or {})
            if isinstance(ctx.get("error"), Exception):
                error["ctx"] = {**ctx, "error": str(ctx["error"])}
            errors.append(error)
    return NinjaValidationError(errors)


def _dotted(parts: Iterable[str | int]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body)
    except ValueError:
        return None


def _place(data: Any, loc: Sequence[str | int], *, missing: bool) -> list[str | int]:
    """The part of a pydantic location that is a place in the submitted JSON. The rest names a branch of
    a union type (`str`, `int`, `list[int]`), which is no concern of the client's."""
    place: list[str | int] = []
    for i, part in enumerate(loc):
        in_object = isinstance(data, dict) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if in_object or in_list:
            place.append(part)
            data = data[part]
        elif missing and i == len(loc) - 1:
            place.append(part)
    return place


def _message(error: dict[str, Any], source: str) -> str:
    if error["type"] == "missing":
        return f"required, but missing from the {source}"
    if error["type"] == "extra_forbidden":
        return "not a field of this request"
    text = str(error.get("msg", "invalid"))
    return "must be " + text.removeprefix("Input should be ") if text.startswith("Input should be ") else text


def field_errors(request: HttpRequest, errors: list[dict[str, Any]]) -> list[FieldError]:
    """One entry per invalid field, in the order of the schema, each with the value sent there as text."""
    body: Any = None
    parsed = False
    merged: dict[str, tuple[str | None, list[str]]] = {}
    for e in errors:
        source, *loc = e["loc"]
        missing = e["type"] == "missing"
        if source == "body":
            if not parsed:
                body, parsed = _body(request), True
            # loc[0] is the view's parameter, which receives the whole body.
            name = _dotted(_place(body, loc[1:], missing=missing)) or "body"
        else:
            name = _dotted(loc)
        value = None if missing else sent(e.get("input"))
        message = "missing: send a JSON object" if name == "body" and missing else _message(e, source)
        merged.setdefault(name, (value, []))[1].append(message)
    out = []
    for name, (value, messages) in merged.items():
        # The branches of a union each say what they wanted: "must be a valid string or a valid integer".
        distinct = list(dict.fromkeys(messages))
        if len(distinct) > 1 and all(m.startswith("must be ") for m in distinct):
            text = "must be " + " or ".join(m.removeprefix("must be ") for m in distinct)
        else:
            text = "; ".join(distinct)
        out.append(FieldError(name, text, value))
    return out


def _summary(fields: list[FieldError]) -> str:
    return "; ".join(f"{f.field}: {f.message}" for f in fields) or "invalid request"


def _locate(request: HttpRequest, name: str) -> tuple[str, str | None]:
    """Where a service's field name sits in the request, and the value sent there: the body (or an
    object within it, as a row correction's `changes.code`), the query, then the path."""
    try:
        body = _body(request) if request.body else None
    except RawPostDataException:
        # A form-encoded POST without a payload schema: Django read the stream for request.POST.
        body = None
    if isinstance(body, dict):
        if name in body:
            return name, sent(body[name])
        for key, inner in body.items():
            if isinstance(inner, dict) and name in inner:
                return f"{key}.{name}", sent(inner[name])
    if name in request.GET:
        return name, request.GET[name]
    path = request.resolver_match.kwargs if request.resolver_match else {}
    return name, as_text(path.get(name))


def respond(api: NinjaAPI, request: HttpRequest, error: ApiError) -> HttpResponse:
    response = api.create_response(request, error.body(), status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    if error.code in _CHALLENGE:
        response["WWW-Authenticate"] = _CHALLENGE[error.code]
    return response


def _api_error(request: HttpRequest, exc: ApiError) -> ApiError:
    return exc


def _invalid(request: HttpRequest, exc: NinjaValidationError) -> ApiError:
    fields = field_errors(request, exc.errors)
    first = exc.errors[0] if exc.errors else {}
    # A custom pydantic error names its code (common/api_schemas.py); any other is a validation error.
    codes = {c.value: c for c in ApiErrorCode}
    code = codes.get(first.get("type", ""), ApiErrorCode.VALIDATION_ERROR)
    with_suggestions = (ApiErrorCode.UNKNOWN_REGION, ApiErrorCode.AMBIGUOUS_REGION)
    extra = {"suggestions": first["ctx"]["suggestions"]} if code in with_suggestions else {}
    return ApiError(code, _summary(fields), fields=fields, **extra)


def _quote_invalid(request: HttpRequest, exc: RequestError) -> ApiError:
    # The engine says None for a field that was not given (or given as null, which it treats alike).
    field = FieldError(exc.field, exc.problem, as_text(exc.value))
    return ApiError(ApiErrorCode.VALIDATION_ERROR, str(exc), fields=[field])


def _unknown_occupation(request: HttpRequest, exc: UnknownOccupation) -> ApiError:
    return ApiError(ApiErrorCode.UNKNOWN_OCCUPATION, str(exc), field="code", value=exc.query,
                    suggestions=exc.suggestions)  # fmt: skip


def _service_invalid(request: HttpRequest, exc: DjangoValidationError) -> ApiError:
    if not hasattr(exc, "error_dict"):
        return ApiError(ApiErrorCode.VALIDATION_ERROR, "; ".join(exc.messages))
    fields = []
    for name, messages in exc.message_dict.items():
        place, value = _locate(request, name)
        fields.append(FieldError(place, "; ".join(messages), value))
    return ApiError(ApiErrorCode.VALIDATION_ERROR, _summary(fields), fields=fields)


def _forbidden(request: HttpRequest, exc: PermissionDenied) -> ApiError:
    return ApiError(ApiErrorCode.PERMISSION_DENIED, str(exc) or "not allowed")


def _conflict(request: HttpRequest, exc: Conflict) -> ApiError:
    if isinstance(exc, Stale):
        return ApiError(ApiErrorCode.STALE_REVISION, str(exc), current=exc.current, revision=exc.revision)
    return ApiError(ApiErrorCode.CONFLICT, str(exc))


def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> ApiError:
    message = "authentication required: send 'Authorization: Bearer <token>' or sign in"
    return ApiError(ApiErrorCode.AUTHENTICATION_REQUIRED, message, field="Authorization")


def _not_found(request: HttpRequest, exc: Http404) -> ApiError:
    return ApiError(ApiErrorCode.NOT_FOUND, str(exc) or "not found")


def _http_error(request: HttpRequest, exc: HttpError) -> ApiError:
    return ApiError(BY_STATUS[exc.status_code], str(exc))


TRANSLATIONS: list[tuple[type[Exception], Callable[[HttpRequest, Any], ApiError]]] = [
    (ApiError, _api_error),
    (NinjaValidationError, _invalid),
    (RequestError, _quote_invalid),
    (UnknownOccupation, _unknown_occupation),
    (DjangoValidationError, _service_invalid),
    (PermissionDenied, _forbidden),
    (Conflict, _conflict),
    (AuthenticationError, _unauthenticated),
    (Http404, _not_found),
    (HttpError, _http_error),
]


def install(api: NinjaAPI) -> None:
    """Every exception a route may let through, answered in the one shape (ninja picks the handler of the
    nearest class in the exception's MRO, so AuthenticationError is not taken for an HttpError)."""
    for exc_class, translate in TRANSLATIONS:
        api.add_exception_handler(exc_class, partial(_handle, api, translate))


def _handle(
    api: NinjaAPI, translate: Callable[[HttpRequest, Any], ApiError], request: HttpRequest, exc: Exception
) -> HttpResponse:
    return respond(api, request, translate(request, exc))
