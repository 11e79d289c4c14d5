"""Training and evaluation institutions (承训机构, 评价机构): the two institution catalogs of
001 · 二（二）, with what each may train or evaluate, the grounds of its eligibility, inspections,
quality evaluations and credit events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from skillsubsidy.institutions.lifecycle import INSTITUTION
from skillsubsidy.institutions.model import InstitutionKind
from skillsubsidy.institutions.model import Role as CatalogRole

_USER = settings.AUTH_USER_MODEL


def _choices(enum: type[InstitutionKind] | type[CatalogRole]) -> list[tuple[str, str]]:
    return [(m.value, m.value) for m in enum]


class Institution(models.Model):
    name = models.CharField(max_length=200)
    uscc = models.CharField(max_length=18, unique=True)  # 统一社会信用代码, validated on the way in
    kind = models.CharField(max_length=32, choices=_choices(InstitutionKind))
    legal_form = models.CharField(max_length=50, blank=True)  # 营业执照 · 类型, e.g. 有限责任公司
    region = models.CharField(max_length=6, db_index=True)  # the district (or city) that registered it
    address = models.CharField(max_length=300)
    website = models.CharField(max_length=200, blank=True)
    platform = models.CharField(max_length=200, blank=True)  # its own online training platform, if any
    # Legal representative and contact: names shown masked to the public, phones sealed (common.personal).
    legal_rep_name = models.CharField(max_length=50)
    contact_name = models.CharField(max_length=50)
    contact_phone_sealed = models.TextField()
    contact_phone_masked = models.CharField(max_length=20)
    status = models.CharField(max_length=16, default=INSTITUTION.initial, db_index=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    demo = models.BooleanField(default=False)  # loaded by `make demo`, never otherwise

    class Meta:
        ordering = ("region", "name")
        constraints = (
            models.CheckConstraint(
                condition=Q(status__in=list(INSTITUTION.states)), name="institution_known_status"
            ),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"


class Basis(models.Model):
    """A ground for training (002 · 一): a 办学许可证, a business scope, or a named base."""

    class Kind(models.TextChoices):
        LICENCE = "licence", _("School-running licence")
        SCOPE = "scope", _("Business scope")
        BASE = "base", _("Training base")

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="bases")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    issuer = models.CharField(max_length=100, blank=True)  # 教育部门 / 人社部门 for a licence
    number = models.CharField(max_length=100, blank=True)
    text = models.TextField()  # the licence's occupations, the scope as printed, or the base's name
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("institution", "kind", "id")


class Teacher(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="teachers")
    name = models.CharField(max_length=50)
    occupation = models.CharField(max_length=100)  # what they teach
    certificate = models.CharField(max_length=100, blank=True)  # e.g. 焊工 二级/技师
    certificate_no = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ("institution", "id")


class Premises(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="premises")
    address = models.CharField(max_length=300)
    capacity = models.PositiveIntegerField()
    equipment = models.TextField(blank=True)

    class Meta:
        ordering = ("institution", "id")
        verbose_name_plural = "premises"


class Approval(models.Model):
    """An occupation (and level) the institution is approved to train or evaluate, for a period."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="approvals")
    role = models.CharField(max_length=16, choices=_choices(CatalogRole))
    occupation_code = models.CharField(max_length=20, blank=True)
    occupation = models.CharField(max_length=100)  # the name as the catalog prints it
    level = models.PositiveSmallIntegerField(null=True, blank=True)  # 1–5; none for special ability
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("institution", "role", "occupation", "level")
        constraints = (
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5), name="approval_level_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="approval_period_ordered",
            ),
        )


class FiledScope(models.Model):
    """An evaluation institution's filed scope (备案范围): an occupation and the levels that an HR
    department filed and published for it (001 · 二（二）: 评价机构目录以备案公布的机构名单为准), with the
    filing's reference and date. An evaluation approval must lie within it as well as within seed 003."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="filed_scopes")
    occupation_code = models.CharField(max_length=20, blank=True)
    occupation = models.CharField(max_length=100)  # the name as seed 003 prints it
    levels = models.JSONField()  # the filed levels, 1–5, ascending
    reference = models.CharField(max_length=100)  # the filing's document number (备案文号)
    filed_by = models.CharField(max_length=200)  # the HR department that filed it
    filed_on = models.DateField()
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("institution", "occupation", "-filed_on", "-id")


class Finding(models.Model):
    """A reviewer's judgement on a condition no rule can decide (are the premises adequate?), with
    evidence and a name: the eligibility check reads the latest one, never a silent pass."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField(max_length=80)

    class Verdict(models.TextChoices):
        PASSED = "passed", _("Meets the condition")
        FAILED = "failed", _("Does not meet the condition")

    outcome = models.CharField(max_length=16, choices=Verdict.choices)
    evidence = models.TextField()
    reviewer = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("institution", "rule", "-at", "-id")


class Inspection(models.Model):
    """An on-site or online check (001 · 二（二）4): the first subsidised class, or a spot check."""

    class Kind(models.TextChoices):
        FIRST_CLASS = "first_class", _("First subsidised class, on site")
        SPOT_ONSITE = "spot_onsite", _("Spot check on site")
        SPOT_ONLINE = "spot_online", _("Spot check online")

    class Result(models.TextChoices):
        PASSED = "passed", _("No problems")
        ISSUES = "issues", _("Problems to correct")
        FAILED = "failed", _("Serious problems")

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="inspections")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    on = models.DateField()
    result = models.CharField(max_length=16, choices=Result.choices)
    findings = models.TextField()
    inspector = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("institution", "-on", "-id")


class Evaluation(models.Model):
    """A third party's evaluation of training quality for a year (001 · 二（二）5): a score per
    criterion (the criteria are data) and the result that informs next year's listing."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="evaluations")
    year = models.PositiveSmallIntegerField()
    evaluator = models.CharField(max_length=200)
    scores = models.JSONField()  # {criterion id: score}
    total = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("institution", "-year")
        constraints = (
            models.UniqueConstraint(fields=["institution", "year"], name="one_evaluation_per_year"),
        )


class CreditEvent(models.Model):
    """A credit record (001 · 二（二）5 信用体系): a violation, a warning or a commendation."""

    class Kind(models.TextChoices):
        SERIOUS_VIOLATION = "serious_violation", _("Serious violation, breach or dishonesty")
        VIOLATION = "violation", _("Violation")
        WARNING = "warning", _("Warning")
        COMMENDATION = "commendation", _("Commendation")

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="credit_events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    on = models.DateField()
    source = models.CharField(max_length=300)  # who recorded it and where: a decision, a notice
    summary = models.TextField()
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("institution", "-on", "-id")


class Clerk(models.Model):
    """An account that acts for one institution (its 经办人): it files the institution's classes,
    applications and claims. Bureau staff create it from the institution's page."""

    user = models.OneToOneField(_USER, on_delete=models.CASCADE, related_name="clerk")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="clerks")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("institution", "user__username")

    def __str__(self) -> str:
        return f"{self.user.get_username()} → {self.institution_id}"
