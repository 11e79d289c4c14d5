"""Forms of the claim pages: they parse and bound the input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from claims import present
from common.forms import IsoDateField
from skillsubsidy.claims.payee import PayeeKind

_REVIEW = ("pass", "approve", "return", "reject")


class ReviewForm(forms.Form):
    action = forms.ChoiceField(label=_("Decision"), choices=[(a, a) for a in _REVIEW])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
    reason_code = forms.CharField(label=_("Reason for rejection"), required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in present.FIELDS:
            self.fields[f"fix_{name}"] = forms.CharField(required=False, max_length=1000)

    def corrections(self) -> dict[str, str]:
        return {
            n: self.cleaned_data.get(f"fix_{n}", "")
            for n in present.FIELDS
            if self.cleaned_data.get(f"fix_{n}")
        }


class BulkForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["claims"] = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)

    def set_choices(self, pks: list[int]) -> None:
        field = self.fields["claims"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(pk, pk) for pk in pks]


class ClaimForm(forms.Form):
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=64)
    payee_kind = forms.ChoiceField(label=_("Payee account"), choices=[(k.value, k.value) for k in PayeeKind])
    payee_account = forms.CharField(label=_("Account number"), max_length=40)
    payee_name = forms.CharField(label=_("Account holder"), max_length=100)
    pledge_signed = forms.BooleanField(label=_("We sign the integrity pledge"), required=False)
    evidence = forms.CharField(label=_("Evidence filed"), required=False, max_length=2000)


class SupervisionForm(forms.Form):
    training_class = forms.IntegerField(label=_("Class"))
    unit = forms.CharField(label=_("Supervising unit"), max_length=200)
    number = forms.CharField(label=_("Certificate number"), max_length=64)
    issued_on = IsoDateField(label=_("Date of the certificate"))


class CorrectionForm(forms.Form):
    payee_kind = forms.ChoiceField(
        label=_("Payee account"), choices=[(k.value, k.value) for k in PayeeKind], required=False
    )
    payee_account = forms.CharField(label=_("Account number"), max_length=40, required=False)
    payee_name = forms.CharField(label=_("Account holder"), max_length=100, required=False)
    evidence = forms.CharField(label=_("Evidence filed"), required=False, max_length=2000)


class NoticeSettingForm(forms.Form):
    region = forms.CharField(label=_("Region"), max_length=6)
    effective_from = IsoDateField(label=_("From"))
    working_days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=60)
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class ObjectionForm(forms.Form):
    claim_number = forms.CharField(label=_("Claim number"), max_length=32)
    text = forms.CharField(label=_("Your objection"), max_length=2000)
    raised_by = forms.CharField(label=_("Your name (may be left empty)"), max_length=100, required=False)
    contact = forms.CharField(label=_("How to reach you (may be left empty)"), max_length=100, required=False)


class AnswerForm(forms.Form):
    upheld = forms.BooleanField(label=_("The objection is upheld (the claim is rejected)"), required=False)
    answer = forms.CharField(label=_("Answer"), max_length=2000)


class BankFileForm(forms.Form):
    file = forms.FileField(label=_("The bank's result file"))


class BatchForm(forms.Form):
    region = forms.CharField(label=_("Region"), max_length=6)


class InterestForm(forms.Form):
    note = forms.CharField(label=_("Declare an interest in this institution"), max_length=1000)


class WorkerRegisterForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=24)
