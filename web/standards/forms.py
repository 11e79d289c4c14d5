"""The back-office form for entering a subsidy standard (a dated policy parameter value)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.actor import Actor
from common.forms import IsoDateField, ReasonField, ServiceForm, WholeNumberField
from standards import services
from standards.models import StandardValue


class StandardForm(ServiceForm):
    """The value stays text here: its unit decides how it is read, and `services.standard_set` knows
    the unit (it reads it the same way for every caller)."""

    inputs: ClassVar[tuple[str, ...]] = ("reason", "value", "source")
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


class NewPeriodForm(ServiceForm):
    """A whole table of standards for a new period: one date, one source, one reason, and a value per
    parameter (`p:<name>`, with the revision it was based on in `r:<name>`)."""

    inputs: ClassVar[tuple[str, ...]] = ("reason", "source", "since")
    since = IsoDateField(label=_("From (date)"))
    source = forms.CharField(required=False)
    reason = ReasonField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.value_errors: dict[str, str] = {}  # parameter name → why its value was refused

    def report(self, exc: ValidationError) -> None:
        """A refused value is shown beside its row; the form says how many were refused."""
        if hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                if name in self.fields or name == "values":
                    super().report(ValidationError({name: messages}))
                else:
                    self.value_errors[name] = " ".join(messages)
            if self.value_errors:
                self.add_error(
                    None,
                    _("%(n)d values were refused and nothing was saved; each is marked in the table.")
                    % {"n": len(self.value_errors)},
                )
            return
        super().report(exc)

    def submit(self, *, actor: Actor, region: str) -> list[StandardValue] | None:
        values = {k[2:]: str(v) for k, v in self.data.items() if k.startswith("p:")}
        based_on = {k[2:]: int(v) for k, v in self.data.items() if k.startswith("r:") and str(v).isdecimal()}
        return self.run(
            lambda d: services.standards_table_set(
                actor=actor,
                region=region,
                since=d["since"],
                values=values,
                source=d["source"],
                reason=d["reason"],
                based_on=based_on,
            )
        )
