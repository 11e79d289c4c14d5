"""What the login throttle (django-axes) needs from this project: the client's address behind the
documented proxy, the answer to a locked-out client, and a log line for each failed login."""

from __future__ import annotations

import logging
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

log = logging.getLogger("skillsubsidy.login")


def client_ip(request: HttpRequest) -> str:
    """The address that sent the request. Behind the one TLS proxy the README documents, the socket
    peer is the proxy itself, so locking it out would lock out everyone; the proxy appends the peer it
    saw to X-Forwarded-For, and only that last entry is trusted (a client can forge the ones before)."""
    peer = str(request.META.get("REMOTE_ADDR", ""))
    if settings.SECURE_PROXY_SSL_HEADER is None:
        return peer
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-1] if hops else peer


def locked_out(request: HttpRequest, response: HttpResponse | None, credentials: Any) -> HttpResponse:
    """429 saying how long to wait; the wait restarts with each further try (axes' cool-off)."""
    cool_off = get_cool_off(request)
    assert cool_off is not None  # settings.AXES_COOLOFF_TIME is always set: no permanent lockout
    minutes = max(1, round(cool_off.total_seconds() / 60))
    retry_at = timezone.localtime(timezone.now() + cool_off)
    page = render(
        request,
        "backoffice/locked_out.html",
        {"minutes": minutes, "retry_at": retry_at},
        status=429,
    )
    page["Retry-After"] = str(int(cool_off.total_seconds()))
    return page


@receiver(user_login_failed)
def _log_failed_login(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    # `credentials` is already cleansed by Django (the password shows as stars); only the user name
    # and the address are written, so nothing secret can reach the log.
    address = client_ip(request) if request is not None else "-"
    log.warning("failed login for user %r from %s", str(credentials.get("username", ""))[:150], address)
