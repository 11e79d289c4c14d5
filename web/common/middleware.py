"""Checks every request and response shares, done once here instead of in each form and schema.

`refuse_unsafe_input`: a NUL byte cannot be stored in a PostgreSQL text column, and a lone UTF-16
surrogate cannot be encoded as UTF-8 at all; either one, in any field, would reach the database or
the JSON encoder and fail there with a 500. They are refused at the door with 400 (web) or 422
(API), naming the field, and so is any text or JSON list beyond what any field of the app could
need (settings INPUT_MAX_CHARS, INPUT_MAX_ITEMS); each field's own, narrower limit is its form's or
schema's.

`private_pages`: back-office pages show unpublished drafts, personal data and, once, a new API token;
no shared or browser cache may keep them.

`idle_sessions`: a signed-in session ends after SESSION_COOKIE_AGE of idleness. Saving the session on
every request (SESSION_SAVE_EVERY_REQUEST) pushed the expiry on, but cost a write transaction, with
its commit, on every page a signed-in user opened; on PostgreSQL that was a fifth of a back-office
list's time. The expiry is pushed on when the last push is SESSION_TOUCH_SECONDS old or more, so an
idle session ends between AGE - TOUCH and AGE after its last request (ADR 0013).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
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
    if char == "\x00":
        return _("NUL (U+0000)")
    return _("a lone surrogate (U+%(code)s)") % {"code": f"{ord(char):04X}"}


def _text_problem(text: str) -> str | None:
    if what := unsafe_character(text):
        return _("contains %(what)s, which no text field may hold") % {"what": what}
    limit = settings.INPUT_MAX_CHARS
    if len(text) > limit:
        return _("%(length)d characters; at most %(limit)d") % {"length": len(text), "limit": limit}
    return None


def _json_problems(value: Any, path: str) -> Iterator[tuple[str, str, str]]:
    """(dotted path, value shown, problem) for every key, string and list of a parsed JSON document
    that no field may take; the schemas check each field's own type and narrower limits."""
    if isinstance(value, str):
        if problem := _text_problem(value):
            yield path, value, problem
    elif isinstance(value, list):
        limit = settings.INPUT_MAX_ITEMS
        if len(value) > limit:
            yield (
                path,
                f"[{len(value)} items]",
                _("%(count)d items; at most %(limit)d")
                % {
                    "count": len(value),
                    "limit": limit,
                },
            )
            return
        for i, item in enumerate(value):
            yield from _json_problems(item, f"{path}.{i}" if path else str(i))
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if problem := _text_problem(str(key)):
                yield inner, str(key), problem
            yield from _json_problems(item, inner)


# The only escapes that decode to a character no field takes: NUL and the surrogates D800-DFFF.
# Other `\\u` escapes are ordinary text: Python's json.dumps writes every Chinese character so.
_RISKY_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def _plainly_safe(body: bytes) -> bool:
    """True when no part of a JSON body can be refused, seen from its bytes without parsing it: no
    string or list in it can be longer than the body itself, a NUL or a lone surrogate needs a
    `\\u0000` or `\\uD8xx`-`\\uDFxx` escape or a NUL byte, or (raw) a UTF-8 sequence starting with
    0xED. Any doubt parses it."""
    short = len(body) < min(settings.INPUT_MAX_CHARS, settings.INPUT_MAX_ITEMS)
    return short and b"\x00" not in body and b"\xed" not in body and _RISKY_ESCAPE.search(body) is None


def _problems(request: HttpRequest) -> Iterator[tuple[str, str, str]]:
    """(field name, value, problem) for every piece of text the request carries that no field takes."""
    texts: list[tuple[str, str]] = [("path", request.path_info)]
    for source in (request.GET, request.POST if request.method == "POST" else None):
        if source is None:
            continue
        for key, values in source.lists():
            texts += [(key, key), *((key, text) for text in values)]
    for key, uploads in request.FILES.lists():
        texts += [(key, upload.name or "") for upload in uploads]
    for field, text in texts:
        if problem := _text_problem(text):
            yield field, text, problem
    if request.content_type == "application/json" and request.body:
        if _plainly_safe(request.body):
            return
        try:
            document = json.loads(request.body)
        except ValueError:
            return  # the view's parser answers with what is wrong with the document
        yield from _json_problems(document, "")


def refuse_unsafe_input(get_response: Middleware) -> Middleware:
    def middleware(request: HttpRequest) -> HttpResponse:
        api = request.path.startswith(API_PREFIX)
        # The API speaks English whatever the client's language, as its other errors do.
        with translation.override("en") if api else nullcontext():
            refusal = next(_problems(request), None)
        if refusal is not None:
            field, value, problem = refusal
            # Escaped and cut short: the value may hold the very character refused, or be huge.
            shown = ascii(value)[1:-1][:60]
            if api:
                error = ApiError(
                    ApiErrorCode.VALIDATION_ERROR,
                    f"{field}: {problem}",
                    fields=[FieldError(field, problem, shown)],
                )
                return JsonResponse(error.body(), status=error.status)
            message = _("%(field)s: “%(value)s” refused: %(problem)s.") % {
                "field": field,
                "value": shown,
                "problem": problem,
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


_TOUCHED = "_touched"


def idle_sessions(get_response: Middleware) -> Middleware:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        session = getattr(request, "session", None)
        # Only a signed-in session: touching an anonymous one would create a session per visitor.
        if session is not None and session.get(SESSION_KEY) is not None:
            now = int(time.time())
            if now - int(session.get(_TOUCHED, 0)) >= settings.SESSION_TOUCH_SECONDS:
                session[_TOUCHED] = now  # modified: the session middleware saves it with a new expiry
        return response

    return middleware
