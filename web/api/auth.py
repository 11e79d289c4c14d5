"""Who may write through the API: a bearer token (systems) or a signed-in browser session (staff)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from accounts.services import token_authenticate
from common.api_errors import ApiError, ApiErrorCode


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        # A token that is sent but not valid is refused outright, rather than falling through to the
        # session and being answered as if nothing had been sent.
        user = token_authenticate(token)
        if user is None:
            raise ApiError(
                ApiErrorCode.INVALID_TOKEN, "the bearer token is not valid: revoked, or never issued",
                field="Authorization",
            )  # fmt: skip
        request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    """Ninja's session auth checks CSRF before it knows whether anyone is signed in, so a write with no
    credentials at all was answered "CSRF check failed". CSRF protects a session; without one, the
    answer is that authentication is missing. (The class name is the OpenAPI security scheme's.)"""

    def __call__(self, request: HttpRequest) -> User | None:
        user = request.user
        if not isinstance(user, User) or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            message = "a signed-in session must send its CSRF token (X-CSRFToken)"
            raise ApiError(ApiErrorCode.CSRF_FAILED, message)
        return user


WRITE_AUTH = [BearerToken(), SessionAuth()]
