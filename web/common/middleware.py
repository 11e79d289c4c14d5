"""Checks every request and response shares, done once here instead of in each form and schema.

`refuse_unsafe_text`: a NUL byte cannot be stored in a PostgreSQL text column, and a lone UTF-16
surrogate cannot be encoded as UTF-8 at all; either one, in any field, would reach the database or
the JSON encoder and fail there with a 500. They are refused at the door with 400 (web) or 422
(API), naming the field.

`private_pages`: back-office pages show unpublished drafts, personal data and, once, a new API token;
no shared or browser cache may keep them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.utils.translation import gettext as _

from common.api_errors import ApiError, ApiErrorCode, FieldError

API_PREFIX = "/api/"
# NUL, and a surrogate code point that is not part of a pair (the only way one can be in a str).
_UNSAFE = re.compile("[\x00\ud800-\udfff]")

Middleware = Callable[[HttpRequest], HttpResponse]


def unsafe_character(text: str) -> str | None:
    """A description of the first character no text field may hold, or None."""
    found = _UNSAFE.search(text)
    if found is None:
        return None
    char = found.group()
    return "NUL (U+0000)" if char == "\x00" else f"a lone surrogate (U+{ord(char):04X})"


def _json_strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(dotted path, text) for every key and string in a parsed JSON document."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _json_strings(item, f"{path}.{i}" if path else str(i))
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            yield inner, str(key)
            yield from _json_strings(item, inner)


def _inputs(request: HttpRequest) -> Iterator[tuple[str, str]]:
    """(field name, text) for every piece of text the request carries to a view."""
    yield "path", request.path_info
    for source in (request.GET, request.POST if request.method == "POST" else None):
        if source is None:
            continue
        for key, values in source.lists():
            yield key, key
            for text in values:
                yield key, text
    for key, upload in request.FILES.items():
        yield key, upload.name or ""
    if request.content_type == "application/json" and request.body:
        try:
            document = json.loads(request.body)
        except ValueError:
            return  # the view's parser answers with what is wrong with the document
        yield from _json_strings(document, "")


def refuse_unsafe_text(get_response: Middleware) -> Middleware:
    def middleware(request: HttpRequest) -> HttpResponse:
        for field, text in _inputs(request):
            what = unsafe_character(text)
            if what is None:
                continue
            if request.path.startswith(API_PREFIX):
                message = f"contains {what}, which no text field may hold"
                # Escaped, since the character itself cannot be written back in JSON.
                shown = ascii(text)[1:-1][:60]
                error = ApiError(
                    ApiErrorCode.VALIDATION_ERROR,
                    f"{field}: {message}",
                    fields=[FieldError(field, message, shown)],
                )
                return JsonResponse(error.body(), status=error.status)
            message = _("%(field)s: contains %(what)s, which no text field may hold.") % {
                "field": field,
                "what": what,
            }
            return HttpResponseBadRequest(escape(message), content_type="text/plain; charset=utf-8")
        return get_response(request)

    return middleware


def private_pages(get_response: Middleware) -> Middleware:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        match = request.resolver_match
        if match is not None and "backoffice" in match.namespaces:
            patch_cache_control(response, no_store=True, private=True)
        return response

    return middleware
