"""Who is acting, and whether they may act for a region. Every app's services ask here."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.selectors import staff_scope

# None is a machine step (a loader, a management command); it is recorded as "system".
Actor: TypeAlias = User | AnonymousUser | None


def authorise(actor: Actor, region: str | None) -> None:
    """Raise PermissionDenied unless `actor` is staff acting for `region`."""
    scope = staff_scope(actor)
    if scope is None or not scope.covers(region or None):
        raise PermissionDenied(f"not allowed to act for region {region or '(none)'}")


def actor_user(actor: Actor) -> User | None:
    """The user to store as author; None for the loaders, which act as "system"."""
    return actor if isinstance(actor, User) else None


def signed_in(request: HttpRequest) -> User:
    """The signed-in user of a request that a login check already let through."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("sign in first")
    return user
