"""What every back-office form shares: one date field, and reporting a service's refusal on the form.

A form turns POST data into typed arguments for one service. The rules about those arguments (a
reason is required, a value is a number, a region exists) live in the service, which the API and the
command line call too; the form only parses what the service cannot receive untyped (dates, files,
whole numbers) and shows the service's `ValidationError` beside the input it names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

T = TypeVar("T")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHOWN = 60  # characters of a refused value quoted back; a pasted page would bury the message


def quoted(value: object) -> str:
    text = str(value)
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}…"


class IsoDateField(forms.Field):
    """A date written YYYY-MM-DD, as `<input type="date">` sends it; empty is None unless required."""

    default_error_messages: ClassVar[dict[str, Any]] = {
        "invalid": _("%(label)s: “%(value)s” is not a date; write it as YYYY-MM-DD."),
        "required": _("%(label)s: give a date, written YYYY-MM-DD."),
    }

    def to_python(self, value: Any) -> date | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            # fromisoformat alone would also take 20250701 and 2025-W27-2, which no date input sends.
            if not _ISO_DATE.fullmatch(text):
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={"label": self.label, "value": quoted(text)},
            ) from None

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise ValidationError(
                self.error_messages["required"], code="required", params={"label": self.label}
            )


class WholeNumberField(forms.Field):
    """A whole number not below 0, written with digits; empty is None."""

    default_error_messages: ClassVar[dict[str, Any]] = {
        "invalid": _("%(label)s: “%(value)s” is not a whole number.")
    }

    def to_python(self, value: Any) -> int | None:
        text = str(value or "").strip()
        if not text:
            return None
        # isdecimal, not isdigit: "²" is a digit that int() refuses.
        if not text.isdecimal():
            raise ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={"label": self.label, "value": quoted(text)},
            )
        return int(text)


TEXT_MAX = 2000


class _MaxChars:
    """A length limit whose message names the field, as every message of these forms does."""

    def __init__(self, label: object, limit: int) -> None:
        self.label, self.limit = label, limit

    def __call__(self, value: str) -> None:
        if len(value) > self.limit:
            raise ValidationError(
                _("%(label)s: %(length)d characters; at most %(limit)d."),
                code="max_length",
                params={"label": self.label, "length": len(value), "limit": self.limit},
            )


class ReasonField(forms.CharField):
    """Why a change is made. Not required here: `common.errors.required_reason` in the service refuses
    a missing one, with the message the API gives too, and the form shows it beside this input."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, strip=False, **kwargs)


class ServiceForm(forms.Form):
    """A form whose errors come from its own parsing and from the service it feeds.

    `inputs` are the fields whose errors the page shows beside their input; every other error is
    listed above the form as `field: message`, so that it still names what it is about.
    """

    inputs: ClassVar[tuple[str, ...]] = ("reason",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every text input has a limit: the one the form gives, else TEXT_MAX (the longest reason or
        # note); the service checks a column's narrower limit and the form shows its refusal.
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and field.max_length is None:
                field.max_length = TEXT_MAX
                field.validators.append(_MaxChars(field.label or name, TEXT_MAX))
                field.widget.attrs.setdefault("maxlength", str(TEXT_MAX))

    def report(self, exc: ValidationError) -> None:
        """Put a service's refusal on the form: beside the input it names, or above the form prefixed
        with the field's label (its name, which the API reports too, when the form has no label)."""
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.add_error(None, message)
            return
        for name, messages in exc.message_dict.items():
            if name in self.inputs:
                self.add_error(name, " ".join(messages))
            else:
                field = self.fields.get(name)
                label = field.label if field is not None and field.label else name
                self.add_error(
                    None, _("%(field)s: %(message)s") % {"field": label, "message": " ".join(messages)}
                )

    def run(self, call: Callable[[dict[str, Any]], T]) -> T | None:
        """`call` with the cleaned data when the form is valid; None when the form or the service
        refused, with the reasons on the form."""
        if not self.is_valid():
            return None
        try:
            return call(self.cleaned_data)
        except ValidationError as exc:
            self.report(exc)
            return None

    def refuse(self, message: str) -> None:
        """An error about the object (e.g. it changed meanwhile) rather than about one field."""
        self.add_error(None, message)

    @property
    def general(self) -> list[str]:
        """Errors shown above the form. The form's own messages name their field by its label."""
        out = [str(m) for m in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name != "__all__" and name not in self.inputs:
                out += [str(m) for m in errors]
        return out

    @property
    def field_errors(self) -> dict[str, str]:
        return {
            name: " ".join(str(m) for m in self.errors[name]) for name in self.inputs if name in self.errors
        }
