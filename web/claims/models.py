"""Claims (申领) as the web keeps them: the claim with its frozen decision and trace, its match results
and payee (sealed), the objections to its public notice, payment batches and their lines, the notice
length each region sets, reviewers' declared interests, and workers' accounts (ADR 0020).

Never twice (issue 12 · 2): two partial unique indexes, on SQLite and PostgreSQL alike, allow at most one
live claim (any state but rejected or withdrawn) per certificate (the assessment result), and per
person × occupation × level × programme. Two concurrent submissions of one certificate therefore
cannot both be stored, whichever check in code they passed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from classes.models import Result, TrainingClass
from institutions.models import Institution
from skillsubsidy.claims.lifecycle import CLAIM, LIVE, OBJECTION, PAYMENT_BATCH
from skillsubsidy.claims.payee import PayeeKind

_USER = settings.AUTH_USER_MODEL


class WorkerAccount(models.Model):
    """A worker's portal account, verified against their ID number: the number is checked (format and
    check character) and must be the one a roster holds, with the name the roster gives."""

    user = models.OneToOneField(_USER, on_delete=models.CASCADE, related_name="worker")
    name = models.CharField(max_length=50)
    id_sealed = models.TextField()
    id_digest = models.CharField(max_length=64, unique=True)
    id_masked = models.CharField(max_length=24)
    verified_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    demo = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.name} {self.id_masked}"


class Claim(models.Model):
    class Channel(models.TextChoices):
        WORKER = "worker", "个人申领"
        INSTITUTION = "institution", "机构代领"

    number = models.CharField(max_length=32, unique=True)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="claims")
    training_class = models.ForeignKey(
        TrainingClass, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    # Indexed by claim_institution_status, which leads with it.
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="claims", db_index=False
    )
    region = models.CharField(max_length=6, db_index=True)  # the district that reviews it
    program = models.CharField(max_length=24)
    certificate_type = models.CharField(max_length=32)
    certificate_no = models.CharField(max_length=64)
    occupation = models.CharField(max_length=100)
    occupation_key = models.CharField(max_length=100)  # code, else name: the never-twice key
    level = models.PositiveSmallIntegerField()  # 1–5; 0 for a certificate without a level
    issued_on = models.DateField()
    person_digest = models.CharField(max_length=64)  # indexed in Meta: equality only, no LIKE index
    person_name = models.CharField(max_length=50)
    person_masked = models.CharField(max_length=24)
    payee_kind = models.CharField(max_length=24, choices=[(k.value, k.label_zh) for k in PayeeKind])
    payee_name = models.CharField(max_length=100)
    payee_sealed = models.TextField()
    payee_masked = models.CharField(max_length=40)
    # The decision frozen at submission: never recomputed.
    amount_fen = models.BigIntegerField()
    standards_date = models.DateField()
    decision = models.JSONField()  # Decision.to_json(): eligible, amount, reasons, trace
    mismatches = models.JSONField(default=list)  # [{"code","field","message"}], from the last matching
    mismatch_count = models.PositiveSmallIntegerField(default=0)
    evidence = models.JSONField(default=dict)  # what was filed with it (002 · 附件4 · 8③)
    pledge_signed = models.BooleanField(default=False)  # 诚信承诺书
    corrections = models.JSONField(default=dict)  # field → the reviewer's comment, when returned
    reject_reason = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, default=CLAIM.initial)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    district_reviewer = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notice_from = models.DateField(null=True, blank=True)
    notice_until = models.DateField(null=True, blank=True)  # last day; None until the length is set
    payment_attempt = models.PositiveSmallIntegerField(default=0)
    paid_at = models.DateTimeField(null=True, blank=True)
    demo = models.BooleanField(default=False)

    class Meta:
        ordering = ("-submitted_at", "-id")
        # The review list's order (claims.selectors.review_queue), after its district and, when it is
        # filtered, its state: the first page is read off the index, not sorted from a district's
        # hundreds of thousands of claims. Each index is also written by every state change (a batch
        # moves 50,000 claims), so none is kept that another already serves: no lone mismatch_count,
        # no LIKE index on the person's digest, no institution index beside claim_institution_status.
        indexes = (
            models.Index(fields=("region", "mismatch_count", "submitted_at", "id"), name="claim_review_list"),
            models.Index(
                fields=("region", "status", "mismatch_count", "submitted_at", "id"),
                name="claim_review_list_status",
            ),
            models.Index(fields=("institution", "status"), name="claim_institution_status"),
            models.Index(fields=("person_digest",), name="claim_person"),
        )
        constraints = (
            models.CheckConstraint(condition=Q(status__in=list(CLAIM.states)), name="claim_known_status"),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="claim_amount_not_negative"),
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=5), name="claim_level_0_to_5"),
            models.UniqueConstraint(
                fields=("result",), condition=Q(status__in=LIVE), name="claim_one_live_per_certificate"
            ),
            models.UniqueConstraint(
                fields=("person_digest", "occupation_key", "level", "program"),
                condition=Q(status__in=LIVE),
                name="claim_one_live_per_person_occupation_level_programme",
            ),
        )

    def __str__(self) -> str:
        return self.number


class SupervisionCertificate(models.Model):
    """The supervising unit's certificate (主管单位出具的证明) for a class of a special group whose
    training cannot provide video records (002 · 附件4 · 8③: 对于在粤服刑人员、强制戒毒人员等特殊群体
    培训无法提供视频等资料的，由主管单位出具相应证明). Recorded by the institution's clerk; it covers
    every claim of the class, and matching takes it in place of the missing attendance records."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.PROTECT, related_name="supervision_certificates"
    )
    unit = models.CharField(max_length=200)  # the supervising unit, e.g. a prison or a rehab centre
    number = models.CharField(max_length=64)
    issued_on = models.DateField()
    recorded_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("training_class", "issued_on", "id")
        constraints = (
            models.UniqueConstraint(fields=("training_class", "number"), name="supervision_certificate_once"),
        )

    def __str__(self) -> str:
        return f"{self.unit} {self.number}"


class Objection(models.Model):
    """An objection raised during the notice (公示), answered by the city; an open one blocks payment."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="objections")
    status = models.CharField(max_length=12, default=OBJECTION.initial, db_index=True)
    text = models.TextField()
    # The objector's name and contact are personal data (PIPL): sealed, and pages show the masks.
    raised_by_sealed = models.TextField(blank=True)
    raised_by_masked = models.CharField(max_length=100)  # 张*, or 匿名 when no name is given
    contact_sealed = models.TextField(blank=True)
    contact_masked = models.CharField(max_length=120, blank=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("claim", "at", "id")
        constraints = (
            models.CheckConstraint(
                condition=Q(status__in=list(OBJECTION.states)), name="objection_known_status"
            ),
        )


class NoticeSetting(models.Model):
    """The notice length a region's bureau sets from a date (the documents set none)."""

    region = models.CharField(max_length=6)
    effective_from = models.DateField()
    working_days = models.PositiveSmallIntegerField()
    reason = models.TextField()
    set_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("region", "-effective_from")
        constraints = (
            models.UniqueConstraint(fields=("region", "effective_from"), name="notice_setting_once_a_day"),
            models.CheckConstraint(condition=Q(working_days__gt=0), name="notice_days_positive"),
        )


class Interest(models.Model):
    """A reviewer's declared interest in an institution: they review none of its claims."""

    user = models.ForeignKey(_USER, on_delete=models.CASCADE, related_name="claim_interests")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    note = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("user", "institution"), name="interest_once"),)


class PaymentBatch(models.Model):
    number = models.CharField(max_length=32, unique=True)
    region = models.CharField(max_length=6, db_index=True)
    status = models.CharField(max_length=12, default=PAYMENT_BATCH.initial, db_index=True)
    line_count = models.PositiveIntegerField(default=0)
    total_fen = models.BigIntegerField(default=0)
    csv_sha256 = models.CharField(max_length=64, blank=True)
    xlsx_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    demo = models.BooleanField(default=False)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = (
            models.CheckConstraint(
                condition=Q(status__in=list(PAYMENT_BATCH.states)), name="payment_batch_known_status"
            ),
        )

    def __str__(self) -> str:
        return self.number


class PaymentLine(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "", "待银行结果"
        PAID = "paid", "成功"
        FAILED = "failed", "失败"
        RETURNED = "returned", "退票"

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payment_lines")
    key = models.CharField(max_length=32, unique=True)  # the idempotency key sent to the bank
    attempt = models.PositiveSmallIntegerField()
    amount_fen = models.BigIntegerField()
    payee_kind = models.CharField(max_length=24)
    payee_name = models.CharField(max_length=100)
    payee_sealed = models.TextField()  # the payee as it was when the line was made
    payee_masked = models.CharField(max_length=40)
    outcome = models.CharField(max_length=12, blank=True, default="", choices=Outcome.choices)
    message = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("batch", "line_no")
        constraints = (
            models.UniqueConstraint(fields=("batch", "line_no"), name="payment_line_number_once"),
            # A claim waits on at most one bank answer at a time.
            models.UniqueConstraint(fields=("claim",), condition=Q(outcome=""), name="payment_line_one_open"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payment_line_amount_positive"),
        )
