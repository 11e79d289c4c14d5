"""Back-office forms for staff accounts and API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth.models import AbstractUser, User
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import ApiToken, Role
from common.forms import ServiceForm, WholeNumberField, quoted


class RoleField(forms.ChoiceField):
    """The service takes a `Role`, so reading the choice into one is the form's part."""

    default_error_messages: ClassVar[dict[str, Any]] = {
        "required": _("%(label)s: choose a role."),
        "invalid_choice": _("%(label)s: “%(value)s” is not a role."),
    }

    def __init__(self, **kwargs: Any) -> None:
        # Clerk accounts are made on their institution's page, which links them (institutions.services).
        # Worker accounts are made by the worker through the portal (claims.services.worker_register).
        staff_roles = [
            (value, label) for value, label in Role.choices if value not in (Role.INSTITUTION, Role.WORKER)
        ]
        super().__init__(choices=staff_roles, **kwargs)

    def validate(self, value: Any) -> None:
        if not value and self.required:
            raise forms.ValidationError(
                self.error_messages["required"], code="required", params={"label": self.label}
            )
        if value and not self.valid_value(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"label": self.label, "value": quoted(value)},
            )

    def clean(self, value: Any) -> Role | None:
        text = super().clean(value)
        return Role(text) if text else None


class StaffCreateForm(ServiceForm):
    inputs: ClassVar[tuple[str, ...]] = ()

    username = forms.CharField(label=_("User name"), required=False)
    password = forms.CharField(label=_("Password"), required=False, strip=False)
    role = RoleField(label=_("Role"))
    region = forms.CharField(label=_("Region"), required=False)

    def submit(self, *, actor: User) -> AbstractUser | None:
        return self.run(
            lambda d: services.staff_create(
                username=d["username"],
                password=d["password"],
                role=d["role"],
                region=d["region"] or None,
                actor=actor,
            )
        )


class TokenCreateForm(ServiceForm):
    inputs: ClassVar[tuple[str, ...]] = ()

    name = forms.CharField(label=_("Name"), required=False, strip=False)

    def submit(self, *, user: User) -> tuple[ApiToken, str] | None:
        return self.run(lambda d: services.token_create(user=user, name=d["name"]))


class TokenRevokeForm(ServiceForm):
    """Which of the user's tokens to revoke; the view answers 404 for one that is not theirs."""

    revoke = WholeNumberField(label=_("Token"))
