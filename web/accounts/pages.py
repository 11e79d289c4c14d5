"""The API-token page every kind of account has (bureau staff in the back office, an institution's clerk
in its workspace, a worker in the portal): create a token, shown once, and revoke one's own. The token
acts as its account does, so each page only says what that is."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from accounts import selectors, services
from accounts.forms import TokenCreateForm, TokenRevokeForm
from common.actor import signed_in


def token_page(request: HttpRequest, *, template: str, again: str, context: dict[str, Any]) -> HttpResponse:
    """GET lists the user's tokens; POST creates one (its raw value is in this response only) or revokes
    one of the user's own (another's is a 404, so no id is confirmed), then goes back to `again`. The
    answer is never stored by a cache: it may hold the raw token."""
    user = signed_in(request)
    new_token = None
    if request.method == "POST" and "revoke" in request.POST:
        revoke = TokenRevokeForm(request.POST)
        pk = revoke.cleaned_data["revoke"] if revoke.is_valid() else None
        token = selectors.token_of(user=user, pk=pk) if pk is not None else None
        if token is None:
            raise Http404("no such token")
        services.token_revoke(token=token, actor=user)
        messages.success(request, _("Token revoked."))
        return redirect(again)
    if request.method == "POST":
        form = TokenCreateForm(request.POST)
        created = form.submit(user=user)
        if created is None:
            for message in form.general:
                messages.error(request, message)
        else:
            new_token = created[1]
    response = render(
        request, template, {**context, "tokens": selectors.token_list(user=user), "new_token": new_token}
    )
    patch_cache_control(response, no_store=True, private=True)
    return response
