"""A city's project call (揭榜领题, 002) as run in the web: which call file it follows, the settings the
documents leave to the city (budget, notice length, its own rubric), its state, and the deadline
extensions granted with their reasons; the applications, their revisions, comments and attachments;
the district's forwarding, the city's reviews and decision, the notice's objections and the tracking
(ADR 0016)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from skillsubsidy.calls.lifecycle import APPLICATION, CALL

_USER = settings.AUTH_USER_MODEL


class ProjectCall(models.Model):
    call_file = models.CharField(max_length=64, unique=True)  # skillsubsidy/policy/calls/<call_file>.yaml
    region = models.CharField(max_length=6, db_index=True)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=24, default=CALL.initial, db_index=True)
    # Left empty by the documents (002 gives neither); the call cannot open until both are set.
    budget_fen = models.BigIntegerField(null=True, blank=True)
    notice_days = models.PositiveIntegerField(null=True, blank=True)
    # The shipped rubric is an example; the city confirms it as its own (or replaces the file) first.
    rubric_confirmed = models.BooleanField(default=False)
    # 公示: two dates, both included; the state follows from today's date (lifecycle.Notice).
    notice_starts_on = models.DateField(null=True, blank=True)
    notice_ends_on = models.DateField(null=True, blank=True)
    # 报省备案: the day and the province's reference.
    filed_on = models.DateField(null=True, blank=True)
    filing_reference = models.CharField(max_length=100, blank=True)
    demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("-created_at",)
        constraints = (
            models.CheckConstraint(
                condition=Q(status__in=list(CALL.states)), name="project_call_known_status"
            ),
            models.CheckConstraint(
                condition=Q(budget_fen__isnull=True) | Q(budget_fen__gt=0),
                name="project_call_budget_positive",
            ),
            models.CheckConstraint(
                condition=Q(notice_days__isnull=True) | Q(notice_days__gt=0),
                name="project_call_notice_positive",
            ),
        )

    def __str__(self) -> str:
        return f"{self.title} ({self.call_file})"


class DeadlineExtension(models.Model):
    """A later last day for one of the call's deadlines, granted by a named person with a reason."""

    call = models.ForeignKey(ProjectCall, on_delete=models.PROTECT, related_name="extensions")
    deadline = models.CharField(max_length=32)  # a deadline code of the call file
    until = models.DateField()
    reason = models.TextField()
    granted_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_by_name = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("call", "deadline", "until")
        constraints = (
            models.UniqueConstraint(fields=("call", "deadline", "until"), name="deadline_extension_once"),
        )

    def __str__(self) -> str:
        return f"{self.call_id} {self.deadline} → {self.until.isoformat()}"


class Application(models.Model):
    """One institution's application to a call (附件1, with 附件2 derived from it), filed by its clerk
    to the district where it applies. `form` is the current 附件1 as the clerk typed it (checked by
    calls.forms.read_application on submit); every submitted version is kept as a Revision."""

    call = models.ForeignKey(ProjectCall, on_delete=models.PROTECT, related_name="applications")
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="call_applications"
    )
    district = models.CharField(max_length=6, db_index=True)  # GB/T 2260 code it is submitted to
    status = models.CharField(max_length=24, default=APPLICATION.initial, db_index=True)
    form = models.JSONField(default=dict)
    project_name = models.CharField(max_length=200, blank=True)
    project_type = models.CharField(max_length=32, blank=True)
    revision = models.PositiveIntegerField(default=0)  # the latest submitted revision; 0: never submitted
    submitted_at = models.DateTimeField(null=True, blank=True)  # first submission: the order of ties
    forwarded_at = models.DateTimeField(null=True, blank=True)
    total_fen = models.BigIntegerField(default=0)  # 经费预算总额 of its projects
    trainees = models.PositiveIntegerField(default=0)
    # Set by the city's collective decision (002 · 六: the standard is set per project).
    accepted_standard_fen = models.PositiveIntegerField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    demo = models.BooleanField(default=False)

    class Meta:
        ordering = ("call", "submitted_at", "pk")
        constraints = (
            models.UniqueConstraint(fields=("call", "institution"), name="call_application_once"),
            models.CheckConstraint(
                condition=Q(status__in=list(APPLICATION.states)), name="call_application_known_status"
            ),
        )

    def __str__(self) -> str:
        return f"{self.project_name or self.pk} ({self.status})"


class ApplicationOccupation(models.Model):
    """The occupations of an application's projects as last submitted: what classes may be filed for."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="occupations")
    project = models.CharField(max_length=200)
    name = models.CharField(max_length=100)
    code = models.CharField(max_length=32, blank=True)  # the catalog's code; empty outside the catalog
    in_catalog = models.BooleanField(default=True)
    classes = models.PositiveIntegerField()
    trainees = models.PositiveIntegerField()
    proposed_standard_fen = models.PositiveIntegerField()
    certificates = models.JSONField(default=list)

    class Meta:
        ordering = ("application", "pk")

    def __str__(self) -> str:
        return self.name


class Revision(models.Model):
    """A submitted version of the form, kept as it was (diffable against the one before)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    form = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("application", "number")
        constraints = (models.UniqueConstraint(fields=("application", "number"), name="call_revision_once"),)

    def __str__(self) -> str:
        return f"{self.application_id} r{self.number}"


class ReturnComment(models.Model):
    """The district's comment on one field of a revision it returns (the field's path in the form)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="comments")
    revision = models.PositiveIntegerField()
    path = models.CharField(max_length=200)
    text = models.TextField()
    author = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("application", "revision", "pk")

    def __str__(self) -> str:
        return f"{self.path}: {self.text[:30]}"


class Attachment(models.Model):
    """A scan that goes with an application (licence and the like). Kept in the database, never under a
    name the uploader chose, with its type checked against its first bytes and its size bounded."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    label = models.CharField(max_length=100)
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("application", "pk")

    def __str__(self) -> str:
        return self.file_name


class DistrictForward(models.Model):
    """A district's stamped 附件3: who signed it, when it went to the city."""

    call = models.ForeignKey(ProjectCall, on_delete=models.PROTECT, related_name="forwards")
    district = models.CharField(max_length=6)
    signer = models.CharField(max_length=50)
    phone_masked = models.CharField(max_length=32, blank=True)
    stamped_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    stamped_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("call", "district")
        constraints = (models.UniqueConstraint(fields=("call", "district"), name="district_forward_once"),)

    def __str__(self) -> str:
        return f"{self.call_id} {self.district}"


class ConflictDeclaration(models.Model):
    """A reviewer's declared conflict of interest with one application; it bars them from scoring it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("application", "reviewer"), name="call_conflict_once"),
        )

    def __str__(self) -> str:
        return f"{self.reviewer_id} ✕ {self.application_id}"


class Review(models.Model):
    """One reviewer's marks on one application, per criterion of the call's rubric, each justified."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    marks = models.JSONField()  # [{criterion, points, justification}]
    total = models.DecimalField(max_digits=6, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("application", "created_at")
        constraints = (models.UniqueConstraint(fields=("application", "reviewer"), name="call_review_once"),)

    def __str__(self) -> str:
        return f"{self.reviewer_id} → {self.application_id}: {self.total}"


class Meeting(models.Model):
    """The collective decision (集体决策): when, who, and the statement against the budget."""

    call = models.OneToOneField(ProjectCall, on_delete=models.PROTECT, related_name="meeting")
    held_on = models.DateField()
    members = models.JSONField()
    statement = models.TextField()
    total_fen = models.BigIntegerField()
    budget_fen = models.BigIntegerField()
    overrun_fen = models.BigIntegerField(default=0)
    overrun_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.call_id} {self.held_on.isoformat()}"


class Objection(models.Model):
    """An objection received during the notice, and the city's answer. The city records what reaches
    it by other channels; anyone may also file one on the public notice page, giving a name and a
    contact, which are personal data: sealed, with their masks beside them, and a keyed digest of the
    contact and of the sender's address for the throttle (calls.services.objection_submit_online)."""

    CHANNELS = (("city", "recorded by the city"), ("online", "filed on the notice page"))
    call = models.ForeignKey(ProjectCall, on_delete=models.PROTECT, related_name="objections")
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="objections"
    )
    filed_on = models.DateField()
    text = models.TextField()
    channel = models.CharField(max_length=8, choices=CHANNELS, default="city")
    objector_sealed = models.TextField(blank=True)
    objector_masked = models.CharField(max_length=60, blank=True)
    contact_sealed = models.TextField(blank=True)
    contact_masked = models.CharField(max_length=120, blank=True)
    contact_digest = models.CharField(max_length=64, blank=True, db_index=True)
    sender_digest = models.CharField(max_length=64, blank=True, db_index=True)
    received_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    answer = models.TextField(blank=True)
    answered_on = models.DateField(null=True, blank=True)
    answered_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("call", "filed_on", "pk")

    def __str__(self) -> str:
        return f"{self.call_id} #{self.pk}"


class TrackingEvent(models.Model):
    """The district's record of an accepted project: staged evaluations, warnings, corrections and
    removal (002 · 七（三）)."""

    KINDS = (
        ("evaluation", "阶段性评估"),
        ("warning", "提醒警告"),
        ("correction", "调整纠正"),
        ("removal", "退出揭榜单位名单"),
        ("completion", "完成实施"),
    )
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="tracking")
    kind = models.CharField(max_length=16, choices=KINDS)
    on = models.DateField()
    text = models.TextField()
    author = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("application", "on", "pk")

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind} {self.on.isoformat()}"
