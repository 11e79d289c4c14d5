"""Under /api/, the answers Django and ninja give as HTML or plain text become the API's JSON error."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from api.errors import BY_STATUS, respond
from api.views import api
from common.api_errors import ApiError

API_PREFIX = "/api/"


def json_errors(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """No such path (Django's 404 page), a method the path does not take (ninja's plain-text 405), an
    unparsable request or a crash (Django's 400 and 500 pages) are answered like every other API error."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        status = response.status_code
        if (
            status in BY_STATUS
            and request.path.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code = BY_STATUS[status]
            if status == 405:
                allowed = response["Allow"]
                message = f"{request.method} is not allowed on {request.path}; allowed: {allowed}"
                replaced = respond(api, request, ApiError(code, message))
                replaced["Allow"] = allowed
                return replaced
            if status == 404:
                return respond(api, request, ApiError(code, f"no API endpoint at {request.path}"))
            return respond(api, request, ApiError(code, response.reason_phrase))
        return response

    return middleware
