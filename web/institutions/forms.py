"""Back-office forms of the institution catalogs: each parses what its service cannot receive untyped
(dates, whole numbers, the file) and shows the service's refusal beside the input it names."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.actor import Actor
from common.forms import IsoDateField, ReasonField, ServiceForm, WholeNumberField
from institutions import services
from institutions.models import (
    Approval,
    Basis,
    Clerk,
    CreditEvent,
    Evaluation,
    FiledScope,
    Finding,
    Inspection,
    Institution,
)
from skillsubsidy.institutions.quality import evaluation_criteria


class RegisterForm(ServiceForm):
    inputs: ClassVar[tuple[str, ...]] = (
        "name",
        "uscc",
        "kind",
        "region",
        "address",
        "legal_rep_name",
        "contact_name",
        "contact_phone",
        "legal_form",
        "website",
        "platform",
    )
    name = forms.CharField(required=False)
    uscc = forms.CharField(required=False)
    kind = forms.CharField(required=False)
    region = forms.CharField(required=False)
    address = forms.CharField(required=False)
    legal_rep_name = forms.CharField(required=False)
    contact_name = forms.CharField(required=False)
    contact_phone = forms.CharField(required=False)
    legal_form = forms.CharField(required=False)
    website = forms.CharField(required=False)
    platform = forms.CharField(required=False)

    def submit(self, *, actor: Actor) -> Institution | None:
        return self.run(lambda d: services.institution_register(actor=actor, **d))


class _OnInstitution(ServiceForm):
    def __init__(self, data: Any, *, institution: Institution, actor: Actor, today: date) -> None:
        super().__init__(data)
        self.institution, self.actor, self.today = institution, actor, today


class BasisForm(_OnInstitution):
    inputs: ClassVar[tuple[str, ...]] = ("kind", "text", "issuer", "number", "valid_from", "valid_to")
    kind = forms.CharField(required=False)
    text = forms.CharField(required=False)
    issuer = forms.CharField(required=False)
    number = forms.CharField(required=False)
    valid_from = IsoDateField(label=_("Valid from"), required=False)
    valid_to = IsoDateField(label=_("Valid to"), required=False)

    def submit(self) -> Basis | None:
        return self.run(
            lambda d: services.basis_add(
                institution=self.institution, actor=self.actor, today=self.today, **d
            )
        )


class TeacherForm(_OnInstitution):
    inputs: ClassVar[tuple[str, ...]] = ("name", "occupation", "certificate", "certificate_no")
    name = forms.CharField(required=False)
    occupation = forms.CharField(required=False)
    certificate = forms.CharField(required=False)
    certificate_no = forms.CharField(required=False)

    def submit(self) -> object:
        return self.run(lambda d: services.teacher_add(institution=self.institution, actor=self.actor, **d))


class ClerkForm(_OnInstitution):
    inputs: ClassVar[tuple[str, ...]] = ("username", "password")
    username = forms.CharField(required=False)
    password = forms.CharField(required=False, strip=False)

    def submit(self) -> Clerk | None:
        return self.run(lambda d: services.clerk_create(institution=self.institution, actor=self.actor, **d))


class PremisesForm(_OnInstitution):
    inputs: ClassVar[tuple[str, ...]] = ("address", "capacity", "equipment")
    address = forms.CharField(required=False)
    capacity = WholeNumberField(label=_("Capacity"), required=True)
    equipment = forms.CharField(required=False)

    def submit(self) -> object:
        return self.run(lambda d: services.premises_add(institution=self.institution, actor=self.actor, **d))


class ApprovalForm(_OnInstitution):
    inputs: ClassVar[tuple[str, ...]] = ("role", "occupation", "level", "valid_from", "valid_to")
    role = forms.CharField(required=False)
    occupation = forms.CharField(required=False)
    level = WholeNumberField(label=_("Level"), required=False)
    valid_from = IsoDateField(label=_("Valid from"))
    valid_to = IsoDateField(label=_("Valid to"), required=False)

    def submit(self) -> Approval | None:
        return self.run(lambda d: services.approval_add(institution=self.institution, actor=self.actor, **d))


class InspectionForm(_OnInstitution):
    inputs: ClassVar[tuple[str, ...]] = ("kind", "on", "result", "findings")
    kind = forms.CharField(required=False)
    on = IsoDateField(label=_("Date of the inspection"))
    result = forms.CharField(required=False)
    findings = forms.CharField(required=False)

    def submit(self) -> Inspection | None:
        return self.run(
            lambda d: services.inspection_record(
                institution=self.institution, actor=self.actor, today=self.today, **d
            )
        )


class ScopeForm(_OnInstitution):
    """The HR department's filed scope of an evaluation institution: the levels typed as 3、4、5."""

    inputs: ClassVar[tuple[str, ...]] = ("occupation", "levels", "reference", "filed_by", "filed_on")
    occupation = forms.CharField(required=False)
    levels = forms.CharField(required=False)
    reference = forms.CharField(required=False)
    filed_by = forms.CharField(required=False)
    filed_on = IsoDateField(label=_("Filed on"))

    def clean_levels(self) -> list[int]:
        parts = [p for p in re.split(r"[\s,，、;；]+", self.cleaned_data["levels"]) if p]
        if not parts or not all(p.isdecimal() for p in parts):
            raise ValidationError(
                _("%(label)s: “%(value)s” is not a list of levels such as 3、4、5."),
                params={"label": _("Filed levels"), "value": self.cleaned_data["levels"]},
            )
        return [int(p) for p in parts]

    def submit(self) -> FiledScope | None:
        return self.run(
            lambda d: services.scope_file(
                institution=self.institution, actor=self.actor, today=self.today, **d
            )
        )


class FindingForm(_OnInstitution):
    inputs: ClassVar[tuple[str, ...]] = ("rule", "outcome", "evidence")
    rule = forms.CharField(required=False)
    outcome = forms.CharField(required=False)
    evidence = forms.CharField(required=False)

    def submit(self) -> Finding | None:
        return self.run(
            lambda d: services.finding_record(institution=self.institution, actor=self.actor, **d)
        )


class CreditForm(_OnInstitution):
    inputs: ClassVar[tuple[str, ...]] = ("kind", "on", "source", "summary", "reason")
    kind = forms.CharField(required=False)
    on = IsoDateField(label=_("Date"))
    source = forms.CharField(required=False)
    summary = forms.CharField(required=False)
    reason = ReasonField()

    def submit(self) -> CreditEvent | None:
        return self.run(
            lambda d: services.credit_event_record(institution=self.institution, actor=self.actor, **d)
        )


class EvaluationForm(_OnInstitution):
    """One score input per criterion of the criteria in force (they are data, not fields of code)."""

    inputs: ClassVar[tuple[str, ...]] = (
        "year",
        "evaluator",
        *(f"score_{c.id}" for c in evaluation_criteria().criteria),
    )
    year = WholeNumberField(label=_("Year evaluated"), required=True)
    evaluator = forms.CharField(required=False)

    def __init__(self, data: Any, **kw: Any) -> None:
        super().__init__(data, **kw)
        for c in evaluation_criteria().criteria:
            self.fields[f"score_{c.id}"] = WholeNumberField(label=c.label, required=True)

    def submit(self) -> Evaluation | None:
        ids = {c.id for c in evaluation_criteria().criteria}

        def call(d: dict[str, Any]) -> Evaluation:
            scores: dict[str, object] = {c: d[f"score_{c}"] for c in ids}
            try:
                return services.evaluation_record(
                    institution=self.institution,
                    actor=self.actor,
                    year=d["year"],
                    evaluator=d["evaluator"],
                    scores=scores,
                    today=self.today,
                )
            except ValidationError as exc:
                # The service names a criterion by its id; the form's input is score_<id>.
                raise ValidationError(
                    {f"score_{k}" if k in ids else k: v for k, v in exc.message_dict.items()}
                ) from None

        return self.run(call)


class MoveForm(_OnInstitution):
    inputs: ClassVar[tuple[str, ...]] = ("reason",)
    action = forms.CharField()
    reason = ReasonField()

    def submit(self) -> Institution | None:
        return self.run(
            lambda d: services.institution_move(
                institution=self.institution,
                actor=self.actor,
                action=d["action"],
                reason=d["reason"],
                today=self.today,
            )
        )


class ListingForm(_OnInstitution):
    inputs: ClassVar[tuple[str, ...]] = ("reason",)
    year = WholeNumberField(label=_("Catalog year"), required=True)
    reason = ReasonField()

    def submit(self) -> str | None:
        return self.run(
            lambda d: services.listing_confirm(
                institution=self.institution,
                actor=self.actor,
                year=d["year"],
                reason=d["reason"],
                today=self.today,
            )
        )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))
