"""The back-office form for entering a subsidy standard (a dated policy parameter value)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from common.actor import Actor
from common.forms import IsoDateField, ReasonField, ServiceForm, WholeNumberField
from standards import services
from standards.models import StandardValue


class StandardForm(ServiceForm):
    """The value stays text here: its unit decides how it is read, and `services.standard_set` knows
    the unit (it reads it the same way for every caller)."""

    since = IsoDateField(label=_("From (date)"))
    value = forms.CharField(required=False)
    source = forms.CharField(required=False)
    reason = ReasonField()
    # The latest entered value when the page was drawn: saving on top of a later one is refused.
    based_on = WholeNumberField(
        label=_("Based on"),
        widget=forms.HiddenInput,
        error_messages={"required": _("Based on: missing; reload the page and enter the value again.")},
    )

    def submit(self, *, actor: Actor, region: str, name: str) -> StandardValue | None:
        return self.run(
            lambda d: services.standard_set(
                actor=actor,
                region=region,
                name=name,
                since=d["since"],
                value=d["value"],
                source=d["source"],
                reason=d["reason"],
                based_on=d["based_on"],
            )
        )
