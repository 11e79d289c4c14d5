"""The back-office form for adding a year: dates typed one per line as `YYYY-MM-DD 名称`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from skillsubsidy.calendar import Notice

_DATES_HELP = _("One date per line: YYYY-MM-DD and the festival name, e.g. 2027-02-06 春节")


def parse_dated_lines(text: str) -> list[tuple[date, str]]:
    """`2027-02-06 春节` per line; blank lines are skipped. A bad line is refused by number and text."""
    out: list[tuple[date, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        day_text, _sep, name = stripped.partition(" ")
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise forms.ValidationError(
                _("Line %(number)d (%(line)s): start with a date written as YYYY-MM-DD."),
                params={"number": number, "line": stripped},
            ) from None
        if not name.strip():
            raise forms.ValidationError(
                _("Line %(number)d (%(line)s): add the festival name after the date."),
                params={"number": number, "line": stripped},
            )
        out.append((day, name.strip()))
    return out


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    holidays = forms.CharField(
        label=_("Public holidays (放假)"), widget=forms.Textarea(attrs={"rows": 12}), help_text=_DATES_HELP
    )
    makeup_days = forms.CharField(
        label=_("Make-up working days (调休上班): weekend days that are working days"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_DATES_HELP,
    )
    source_title = forms.CharField(
        label=_("Notice title"),
        max_length=200,
        help_text=_("e.g. 国务院办公厅关于2027年部分节假日安排的通知"),
    )
    source_number = forms.CharField(
        label=_("Document number (leave empty if not verified)"), max_length=100, required=False
    )
    source_issued = forms.DateField(
        label=_("Issued on"), required=False, widget=forms.DateInput({"type": "date"})
    )
    reason = forms.CharField(label=_("Why"), max_length=2000)

    def clean_holidays(self) -> list[tuple[date, str]]:
        return parse_dated_lines(self.cleaned_data["holidays"])

    def clean_makeup_days(self) -> list[tuple[date, str]]:
        return parse_dated_lines(self.cleaned_data["makeup_days"])

    def notice(self) -> Notice:
        data: dict[str, Any] = self.cleaned_data
        return Notice(
            title=data["source_title"].strip(),
            number=data["source_number"].strip() or None,
            issued=data["source_issued"],
        )

    def field_for(self, name: str | None) -> str | None:
        """The form field a service error belongs to (the core names its `source`)."""
        if name == "source":
            return "source_title"
        return name if name in self.fields else None
