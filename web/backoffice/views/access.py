"""Who may open a back-office page. Every view needs a staff login; every object is looked up through
a selector that takes the user's scope.

An object outside the user's regions answers 404, not 403, so a district cannot even learn which
drafts other districts have.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from accounts.selectors import Scope, staff_scope
from institutions.models import Institution
from institutions.selectors import clerk_institution

V = TypeVar("V", bound=Callable[..., HttpResponse])
T = TypeVar("T")


def staff_required(view: V) -> V:
    """Anonymous users go to the login page; logged-in users without a staff role get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        scope = staff_scope(request.user)
        if scope is None:
            raise PermissionDenied("back office access needs a staff role")
        request.scope = scope  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def clerk_required(view: V) -> V:
    """The institution workspace: only an institution's clerk, and only for that institution."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        institution = clerk_institution(request.user)
        if institution is None:
            raise PermissionDenied("the institution workspace needs an institution clerk's account")
        request.institution = institution  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def institution_of(request: HttpRequest) -> Institution:
    """The institution `clerk_required` found for the signed-in clerk."""
    return request.institution  # type: ignore[attr-defined,no-any-return]


def admin_required(view: V) -> V:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not scope_of(request).is_platform_admin:
            raise PermissionDenied("platform administrators only")
        return view(request, *args, **kwargs)

    return staff_required(wrapper)  # type: ignore[return-value]


def scope_of(request: HttpRequest) -> Scope:
    """The scope `staff_required` found for the signed-in user."""
    return request.scope  # type: ignore[attr-defined,no-any-return]


def found(value: T | None, what: str) -> T:
    """`value`, or 404 naming `what`: a selector's None means missing or not in the user's scope."""
    if value is None:
        raise Http404(f"no such {what}")
    return value


class LoginView(auth_views.LoginView):
    template_name = "backoffice/login.html"
    redirect_authenticated_user = True
