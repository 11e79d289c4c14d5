"""附件1 as a page of real inputs, one per field of the form, named by the field's path
(`projects[0].occupations[1].teachers.total`, the path calls.forms reports its errors on), and read
back into the mapping the core checks. Money is typed in 元 and kept in fen; whole numbers stay
numbers; a box not ticked is False. The other forms here are the small ones of the review steps."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from calls.models import TrackingEvent
from common.forms import ServiceForm
from institutions import present
from skillsubsidy.calls.call import Call, call_districts, yuan
from skillsubsidy.calls.forms import CERTIFICATES, Delivery, StandardKind

# The kind of each input: text, long (a text area), int, yuan (元, kept in fen), bool (是/否), choice,
# several (ticked boxes, a list).
_UNIT: tuple[tuple[str, Promise, str], ...] = (
    ("name", _("Unit name"), "text"),
    ("uscc", _("Unified social credit code"), "text"),
    ("main_fields", _("Main training fields"), "text"),
    ("years_established", _("Years since established"), "int"),
    ("registered_capital_fen", _("Registered capital (yuan)"), "yuan"),
    ("kind", _("Kind of unit"), "choice"),
    ("legal_representative.name", _("Legal representative"), "text"),
    ("legal_representative.title", _("Legal representative's post"), "text"),
    ("legal_representative.mobile", _("Legal representative's mobile"), "text"),
    ("legal_representative.email", _("Legal representative's e-mail"), "text"),
    ("contact.name", _("Contact person"), "text"),
    ("contact.title", _("Contact person's post"), "text"),
    ("contact.mobile", _("Contact person's mobile"), "text"),
    ("contact.email", _("Contact person's e-mail"), "text"),
    ("address", _("Address"), "text"),
    ("website", _("Website"), "text"),
    ("has_own_platform", _("Own online training platform"), "bool"),
    ("own_platform_url", _("Platform address"), "text"),
    ("violations", _("Violations in the last three years"), "bool"),
    ("violations_detail", _("Violations: details"), "long"),
    ("staff.total", _("Staff who may teach or train: total"), "int"),
    ("staff.teaching", _("of whom teachers and practical trainers"), "int"),
    ("staff.academic_affairs", _("of whom academic affairs"), "int"),
    ("staff.other", _("of whom others"), "int"),
    ("introduction", _("Introduction of the unit"), "long"),
)
_FINANCE: tuple[tuple[str, Promise, str], ...] = (
    ("income_fen", _("Income (yuan)"), "yuan"),
    ("tax_fen", _("Tax paid (yuan; units that are not enterprises may leave it empty)"), "yuan"),
)
_PROJECT: tuple[tuple[str, Promise, str], ...] = (
    ("type", _("Project type"), "choice"),
    ("name", _("Project name"), "text"),
    ("districts", _("Districts where it runs"), "several"),
    ("plan.trainees_per_year", _("Trainees per year"), "int"),
    ("plan.classes", _("Classes"), "int"),
    ("plan.class_size", _("Trainees per class"), "int"),
    ("plan.hours", _("Hours per course"), "int"),
    ("plan.content", _("Training content"), "long"),
    ("plan.schedule", _("Schedule"), "long"),
    ("delivery", _("Form of delivery"), "choice"),
    ("online_percent", _("Online share for a mix (percent)"), "int"),
    ("materials", _("Training materials"), "long"),
    ("standard_kind", _("Skill standard (assessment outline)"), "choice"),
    ("standard", _("The standard used"), "text"),
    ("assessment", _("Assessment"), "long"),
    ("platform", _("Online platform used"), "text"),
    ("other", _("Other"), "long"),
    ("need_analysis", _("Need analysis"), "long"),
    ("employment_plan", _("Employment guidance plan"), "long"),
    ("budget.trainees", _("Budget: trainees"), "int"),
    ("budget.standard_fen", _("Budget: standard per trainee (yuan)"), "yuan"),
    ("budget.total_fen", _("Budget: total (yuan)"), "yuan"),
)
_OCCUPATION: tuple[tuple[str, Promise, str], ...] = (
    ("name", _("Occupation (type of work)"), "text"),
    ("code", _("Occupation code (if known)"), "text"),
    ("introduction", _("Introduction of the occupation"), "long"),
    ("classes", _("Classes planned"), "int"),
    ("trainees", _("Trainees planned"), "int"),
    ("certificates", _("Certificates"), "several"),
    ("proposed_standard_fen", _("Proposed subsidy per trainee (yuan)"), "yuan"),
    ("teachers.total", _("Teachers: total"), "int"),
    ("teachers.titled", _("of whom with a professional title"), "int"),
    ("teachers.certified", _("of whom with a skill certificate"), "int"),
    ("teachers.masters", _("of whom skill masters"), "int"),
    ("teachers.assessors", _("of whom assessors"), "int"),
    ("teachers.other", _("of whom others"), "int"),
    ("premises", _("Premises"), "long"),
    ("strengths", _("Strengths"), "long"),
)
_EQUIPMENT: tuple[tuple[str, Promise, str], ...] = (
    ("name", _("Equipment"), "text"),
    ("brand", _("Brand"), "text"),
    ("quantity", _("Quantity"), "int"),
    ("ownership", _("Ownership"), "text"),
)
_CERTIFICATE_NAMES = {
    "training_qualification": _("Training qualification certificate"),
    "vocational_qualification": _("Vocational qualification certificate"),
    "skill_level": _("Skill level certificate"),
    "special_ability": _("Special ability certificate"),
}
# The call's forms of delivery are a whole project's (全线上/全线下); a class session's mode is not.
_DELIVERY_NAMES = {
    "offline": pgettext_lazy("project delivery", "Offline"),
    "online": pgettext_lazy("project delivery", "Online"),
    "mixed": _("Online and offline"),
}
_STANDARD_NAMES = {
    "national": _("National standard"),
    "industry": _("Industry standard"),
    "own": _("Own design"),
}
_INDEX = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True, slots=True)
class Input:
    path: str
    label: Promise | str
    kind: str
    value: Any
    options: tuple[tuple[str, str], ...] = ()
    errors: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    title: Promise | str
    inputs: tuple[Input, ...]


def _get(form: Any, path: str) -> Any:
    node = form
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            i = int(part[1:-1])
            node = node[i] if isinstance(node, list) and i < len(node) else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return None
    return node


def _set(form: dict[str, Any], path: str, value: Any) -> None:
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    node: Any = form
    for here, after in itertools.pairwise(parts):
        empty: Any = [] if after.startswith("[") else {}
        if here.startswith("["):
            i = int(here[1:-1])
            while len(node) <= i:
                node.append(None)
            if node[i] is None:
                node[i] = empty
            node = node[i]
        else:
            node = node.setdefault(here, empty)
    last = parts[-1]
    if last.startswith("["):
        i = int(last[1:-1])
        while len(node) <= i:
            node.append(None)
        node[i] = value
    else:
        node[last] = value


def _shown(kind: str, value: Any) -> Any:
    if kind == "yuan" and isinstance(value, int) and not isinstance(value, bool):
        return yuan(value)
    if kind == "several":
        return [str(v) for v in value] if isinstance(value, list) else []
    return "" if value is None else value


def _counts(form: dict[str, Any], add: str) -> tuple[int, list[int]]:
    """How many occupations the first project shows, and how many equipment rows each; `add` asks
    for one more occupation (`occupation`) or one more row of occupation N (`equipment-N`)."""
    occupations = _get(form, "projects[0].occupations")
    occupations = occupations if isinstance(occupations, list) else []
    n = max(len(occupations), 1) + (1 if add == "occupation" else 0)
    rows = []
    for j in range(n):
        equipment = _get(form, f"projects[0].occupations[{j}].equipment")
        count = len(equipment) if isinstance(equipment, list) else 0
        rows.append(max(count, 1) + (1 if add == f"equipment-{j}" else 0))
    return n, rows


def sections(
    call: Call,
    form: dict[str, Any],
    *,
    errors: dict[str, list[str]] | None = None,
    comments: dict[str, list[str]] | None = None,
    add: str = "",
) -> list[Section]:
    """附件1's inputs in the form's order, each with its value, its errors and the district's comments."""
    errors = errors or {}
    comments = comments or {}
    kinds = tuple((k, str(v)) for k, v in present.kinds())
    types = tuple((t.code, t.label_zh) for t in call.project_types)
    districts = tuple((name, name) for name in call_districts(call))
    certificates = tuple((c.value, str(_CERTIFICATE_NAMES[c.value])) for c in CERTIFICATES)
    options = {
        "unit.kind": kinds,
        "projects[0].type": types,
        "projects[0].districts": districts,
        "projects[0].delivery": tuple((d.value, str(_DELIVERY_NAMES[d.value])) for d in Delivery),
        "projects[0].standard_kind": tuple((s.value, str(_STANDARD_NAMES[s.value])) for s in StandardKind),
    }

    def make(path: str, label: Promise | str, kind: str) -> Input:
        opts = options.get(path) or (certificates if path.endswith(".certificates") else ())
        return Input(
            path,
            label,
            kind,
            _shown(kind, _get(form, path)),
            opts,
            tuple(errors.get(path, ())),
            tuple(comments.get(path, ())),
        )

    out = [Section(_("1. The applying unit"), tuple(make(f"unit.{p}", lbl, k) for p, lbl, k in _UNIT))]
    finance = [
        make(f"unit.finances[{i}].{p}", f"{year} · {lbl}", k)
        for i, year in enumerate(call.forms.finance_years)
        for p, lbl, k in _FINANCE
    ]
    out.append(Section(_("Finances"), tuple(finance)))
    out.append(
        Section(_("2. The project"), tuple(make(f"projects[0].{p}", lbl, k) for p, lbl, k in _PROJECT))
    )
    n, rows = _counts(form, add)
    for j in range(n):
        base = f"projects[0].occupations[{j}]"
        inputs = [make(f"{base}.{p}", lbl, k) for p, lbl, k in _OCCUPATION]
        for r in range(rows[j]):
            inputs += [make(f"{base}.equipment[{r}].{p}", f"{r + 1} · {lbl}", k) for p, lbl, k in _EQUIPMENT]
        out.append(Section(_("Occupation %(n)s") % {"n": j + 1}, tuple(inputs)))
    # Errors on paths no input shows (a whole list, the form itself) are listed above the form.
    return out


def paths_shown(shown: list[Section]) -> set[str]:
    return {i.path for s in shown for i in s.inputs}


def _yuan_to_fen(raw: str) -> int | str:
    try:
        value = Decimal(raw.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return raw
    if not value.is_finite():
        return raw
    fen = value * 100
    return int(fen) if fen == fen.to_integral_value() else raw


def _int(raw: str) -> int | str:
    text = raw.strip()
    return int(text) if re.fullmatch(r"-?\d{1,12}", text) else text


def read_posted(call: Call, data: QueryDict) -> dict[str, Any]:
    """The mapping the core reads, from the inputs `sections` rendered; a value the input could not
    hold (letters in a number) is passed on as typed, for the core to refuse by its path."""
    form: dict[str, Any] = {}
    n = 0
    for key in data:
        m = re.match(r"projects\[0\]\.occupations\[(\d+)\]", key)
        if m:
            n = max(n, int(m.group(1)) + 1)
    templates = [(f"unit.{p}", k) for p, k in ((p, k) for p, _l, k in _UNIT)]
    for i, year in enumerate(call.forms.finance_years):
        _set(form, f"unit.finances[{i}].year", year)
        templates += [(f"unit.finances[{i}].{p}", k) for p, _l, k in _FINANCE]
    templates += [(f"projects[0].{p}", k) for p, _l, k in _PROJECT]
    for j in range(max(n, 1)):
        base = f"projects[0].occupations[{j}]"
        templates += [(f"{base}.{p}", k) for p, _l, k in _OCCUPATION]
        rows = 0
        for key in data:
            m = re.match(re.escape(base) + r"\.equipment\[(\d+)\]", key)
            if m:
                rows = max(rows, int(m.group(1)) + 1)
        for r in range(rows):
            row = [f"{base}.equipment[{r}].{p}" for p, _l, _k in _EQUIPMENT]
            if any(data.get(k, "").strip() for k in row):
                templates += [(f"{base}.equipment[{r}].{p}", k) for p, _l, k in _EQUIPMENT]
    for path, kind in templates:
        if kind == "several":
            _set(form, path, [v for v in data.getlist(path) if v])
            continue
        raw = data.get(path, "")
        if kind == "bool":
            _set(form, path, {"yes": True, "no": False}.get(raw))
        elif kind == "int":
            _set(form, path, _int(raw) if raw.strip() else None)
        elif kind == "yuan":
            _set(form, path, _yuan_to_fen(raw.strip()) if raw.strip() else None)
        else:
            _set(form, path, raw.strip())
    # Equipment rows left empty are no rows; a list of them keeps its shape for the core.
    for occ in _get(form, "projects[0].occupations") or []:
        if isinstance(occ, dict):
            occ["equipment"] = [e for e in occ.get("equipment") or [] if e is not None]
            occ.setdefault("certificates", [])
    return form


class ApplicationStartForm(ServiceForm):
    inputs: ClassVar[tuple[str, ...]] = ("district",)
    district = forms.CharField(label=_("District you apply to"), required=False)


class AttachmentForm(ServiceForm):
    inputs: ClassVar[tuple[str, ...]] = ("label", "file")
    label = forms.CharField(label=_("What it is (e.g. business licence scan)"), required=False)
    file = forms.FileField(label=_("File (PDF, PNG or JPEG)"), required=False)


class ReasonOnlyForm(ServiceForm):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(ServiceForm):
    """Up to six comments, each on one field of the form (its path, as the page lists them)."""

    inputs: ClassVar[tuple[str, ...]] = ("reason",)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def comments(self) -> list[tuple[str, str]]:
        return [
            (self.data.get(f"path-{i}", ""), self.data.get(f"comment-{i}", ""))
            for i in range(6)
            if self.data.get(f"path-{i}", "").strip() or self.data.get(f"comment-{i}", "").strip()
        ]


class StampForm(ServiceForm):
    inputs: ClassVar[tuple[str, ...]] = ("signer", "phone")
    signer = forms.CharField(label=_("Filled in by"), required=False)
    phone = forms.CharField(label=_("Telephone"), required=False)


class ConflictForm(ServiceForm):
    reason = forms.CharField(label=_("The conflict of interest"), required=False)


class TrackingForm(ServiceForm):
    inputs: ClassVar[tuple[str, ...]] = ("kind", "on", "text")
    kind = forms.ChoiceField(label=_("Record"), choices=TrackingEvent.KINDS, required=False)
    on = forms.DateField(label=_("Date"), required=False)
    text = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoticeForm(ServiceForm):
    inputs: ClassVar[tuple[str, ...]] = ("starts_on",)
    starts_on = forms.DateField(label=_("First day of the notice"), required=False)


class ObjectionForm(ServiceForm):
    inputs: ClassVar[tuple[str, ...]] = ("text", "filed_on", "application")
    text = forms.CharField(label=_("Objection"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    filed_on = forms.DateField(label=_("Received on"), required=False)
    application = forms.IntegerField(label=_("Project concerned"), required=False)


class PublicObjectionForm(ServiceForm):
    """An objection filed on the public notice page: who, how to answer them, which project, why."""

    inputs: ClassVar[tuple[str, ...]] = ("application", "name", "contact", "grounds")
    application = forms.TypedChoiceField(label=_("Project concerned"), coerce=int, required=False)
    name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    contact = forms.CharField(label=_("Telephone or e-mail to answer you at"), max_length=100, required=False)
    grounds = forms.CharField(
        label=_("The objection and its grounds"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["application"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *projects]
        field.empty_value = None


class AnswerForm(ServiceForm):
    inputs: ClassVar[tuple[str, ...]] = ("answer",)
    answer = forms.CharField(label=_("Answer"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    uphold = forms.BooleanField(
        label=_("The objection is upheld: take the project off the list"), required=False
    )


class FilingForm(ServiceForm):
    inputs: ClassVar[tuple[str, ...]] = ("filed_on", "reference")
    filed_on = forms.DateField(label=_("Filed on"), required=False)
    reference = forms.CharField(label=_("The province's reference"), required=False)


class SettingsForm(ServiceForm):
    inputs: ClassVar[tuple[str, ...]] = ("budget_yuan", "notice_days", "reason")
    budget_yuan = forms.IntegerField(label=_("Budget (yuan)"), required=False)
    notice_days = forms.IntegerField(label=_("Length of the public notice (days)"), required=False)
    rubric_confirmed = forms.BooleanField(label=_("The city adopts the rubric as its own"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False)


class ExtensionForm(ServiceForm):
    inputs: ClassVar[tuple[str, ...]] = ("deadline", "until", "reason")
    deadline = forms.CharField(label=_("Deadline"), required=False)
    until = forms.DateField(label=_("New last day"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False)


class RegisterApplicantForm(ServiceForm):
    inputs: ClassVar[tuple[str, ...]] = (
        "name",
        "uscc",
        "kind",
        "region",
        "address",
        "legal_rep_name",
        "contact_name",
        "contact_phone",
        "username",
        "password",
    )
    name = forms.CharField(label=_("Unit name"), required=False)
    uscc = forms.CharField(label=_("Unified social credit code"), required=False)
    kind = forms.CharField(label=_("Kind of unit"), required=False)
    region = forms.CharField(label=_("District"), required=False)
    address = forms.CharField(label=_("Address"), required=False)
    legal_rep_name = forms.CharField(label=_("Legal representative"), required=False)
    contact_name = forms.CharField(label=_("Contact person"), required=False)
    contact_phone = forms.CharField(label=_("Contact telephone"), required=False)
    username = forms.CharField(label=_("Clerk's user name"), required=False)
    password = forms.CharField(label=_("Clerk's first password"), required=False, widget=forms.PasswordInput)


def optional_yuan(raw: str, field: str) -> int | None:
    """An amount typed in 元 (up to 2 decimals) as fen; empty is None."""
    text = raw.strip()
    if not text:
        return None
    fen = _yuan_to_fen(text)
    if isinstance(fen, str):
        raise ValidationError({field: f"金额应为数字，最多两位小数（填写值：{raw!r}）"})
    return fen


def optional_whole(raw: str, field: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    value = _int(text)
    if isinstance(value, str):
        raise ValidationError({field: f"应为整数（填写值：{raw!r}）"})
    return value
