"""Subsidised training classes (开班备案, 002 · 附件4 · 8②) as the web keeps them: the class with its
sessions, teachers and online platform, the roster with each trainee's ID number sealed, attendance,
the districts' inspections (001 · 二（二）4), amendments after filing, and the assessment results
that the claims pay on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from institutions.models import Institution, Teacher
from skillsubsidy.catalog.model import CertificateType
from skillsubsidy.classes.ids import IdKind
from skillsubsidy.classes.lifecycle import AMENDMENT, CLASS
from skillsubsidy.rules.request import Program

_USER = settings.AUTH_USER_MODEL

# The states in which a class holds its trainees' time: the overlap check (the same person in two
# classes at once) compares a roster with the classes in these states.
HOLDING_STATES = ("filed", "running", "suspended", "finished", "assessed", "closed")


class SpecialGroup(models.TextChoices):
    """The special groups whose training cannot provide video records (002 · 附件4 · 8③): the
    supervising unit (主管单位) certifies the training instead. The code is the groups vocabulary's
    (policy/groups.yaml, 002 · 二、培训对象)."""

    NONE = "", _("Not a special group")
    INMATE_OR_REHAB = (
        "inmate_or_rehab",
        _("Inmates within 24 months of release and people in compulsory drug rehabilitation"),
    )


class TrainingClass(models.Model):
    """One class, filed by its institution's clerk."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="classes")
    region = models.CharField(max_length=6, db_index=True)  # the district that supervises it
    title = models.CharField(max_length=200)
    occupation_code = models.CharField(max_length=20, blank=True)
    occupation = models.CharField(max_length=100)  # as the catalog prints it
    level = models.PositiveSmallIntegerField(null=True, blank=True)  # 1–5; none for special ability
    certificate_type = models.CharField(max_length=32, choices=[(c.value, c.value) for c in CertificateType])
    program = models.CharField(max_length=24, choices=[(p.value, p.value) for p in Program])
    # Project-based training: the project (a project call's application) the class runs for, and its
    # name as the clerk saw it.
    project_ref = models.CharField(max_length=64, blank=True)
    start = models.DateField()
    end = models.DateField()
    timetable = models.TextField(blank=True)  # the timetable as the institution describes it
    venue = models.CharField(max_length=300)
    online_platform = models.CharField(max_length=200, blank=True)
    online_courses = models.TextField(blank=True)  # courses and resources on the platform
    plan = models.TextField()  # 培训计划
    # A class of a special group (e.g. in a prison): its claims may rest on the supervising unit's
    # certificate where attendance or video records cannot be provided (002 · 附件4 · 8③).
    special_group = models.CharField(max_length=24, blank=True, default="", choices=SpecialGroup.choices)
    teachers = models.ManyToManyField(Teacher, related_name="classes", blank=True)
    project = models.ForeignKey(
        "calls.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="classes"
    )
    # The evaluation institution the bureau commissions to assess the trainees (002 · 附件4 · 8②);
    # none while the bureau assesses itself.
    evaluator = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="commissioned_classes"
    )
    status = models.CharField(max_length=16, default=CLASS.initial, db_index=True)
    filed_on = models.DateField(null=True, blank=True)
    # The last roster check, masked (row, name, masked number, ok, reasons): shown until the next upload.
    roster_report = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    demo = models.BooleanField(default=False)  # loaded by `make demo`, never otherwise

    class Meta:
        ordering = ("-start", "-id")
        indexes = (
            models.Index(fields=("region", "status", "start"), name="class_region_status_start"),
            # The class list's order (newest start first): a district's first page reads 50 index
            # entries instead of sorting all its classes; a city's, which spans its districts, scans
            # the whole order until 50 of its own have passed (benchmarks/bench_class_web.py).
            models.Index(fields=("region", "start", "id"), name="class_region_start_id"),
            models.Index(fields=("start", "id"), name="class_start_id"),
            models.Index(fields=("institution", "start"), name="class_institution_start"),
            models.Index(fields=("occupation", "start"), name="class_occupation_start"),
        )
        constraints = (
            models.CheckConstraint(condition=Q(status__in=list(CLASS.states)), name="class_known_status"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="class_dates_ordered"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5), name="class_level_1_to_5"
            ),
        )

    def __str__(self) -> str:
        return f"{self.title} ({self.start.isoformat()})"


class Session(models.Model):
    """One session of the timetable, in class hours (课时, 45 minutes: 000 · 附件1 · 备注2), offline or
    online (the online share is limited by 000 · 附件4/5 · 备注)."""

    class Mode(models.TextChoices):
        # A session is online or offline (线上/线下); the call's "Online" is a whole project's form of
        # delivery (全线上), hence the context.
        OFFLINE = "offline", pgettext_lazy("class session", "Offline")
        ONLINE = "online", pgettext_lazy("class session", "Online")

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="sessions")
    on = models.DateField()
    topic = models.CharField(max_length=200)
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    mode = models.CharField(max_length=8, choices=Mode.choices)

    class Meta:
        ordering = ("training_class", "on", "id")
        constraints = (models.CheckConstraint(condition=Q(hours__gt=0), name="session_hours_positive"),)


class PersonLock(models.Model):
    """One row per person (by the ID number's keyed digest) ever put on a roster. A roster write or a
    filing locks its people's rows in digest order before it looks for overlapping classes, so two
    concurrent filings with the same person cannot both pass (PostgreSQL: SELECT … FOR UPDATE; SQLite
    queues writers at BEGIN IMMEDIATE)."""

    digest = models.CharField(max_length=64, primary_key=True)


class Trainee(models.Model):
    """A roster row. The ID number is sealed (common.personal), matched by its keyed digest, shown
    masked; the class's dates are copied here so the overlap check reads one indexed table."""

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="trainees")
    row = models.PositiveIntegerField()  # the row number in the uploaded sheet
    name = models.CharField(max_length=50)
    id_kind = models.CharField(max_length=24, choices=[(k.value, k.value) for k in IdKind])
    id_sealed = models.TextField()
    id_digest = models.CharField(max_length=64)
    id_masked = models.CharField(max_length=24)
    sex = models.CharField(max_length=1, blank=True)  # M / F, from the number or the column
    birth_date = models.DateField(null=True, blank=True)
    phone_sealed = models.TextField(blank=True)
    phone_masked = models.CharField(max_length=20, blank=True)
    groups = models.CharField(max_length=200, blank=True)  # 人员类别 as given
    start = models.DateField()  # = the class's
    end = models.DateField()  # = the class's
    # Completion against the hours the level needs, from attendance; set by hand only with a reason.
    completion_override = models.BooleanField(null=True, blank=True)
    completion_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("training_class", "row")
        indexes = (models.Index(fields=("id_digest", "start", "end"), name="trainee_person_dates"),)
        constraints = (
            models.UniqueConstraint(fields=("training_class", "id_digest"), name="trainee_once_per_class"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="trainee_dates_ordered"),
        )

    def __str__(self) -> str:
        return f"{self.name} {self.id_masked}"


class Attendance(models.Model):
    """Present, absent or excused at one session, with where the record came from and when."""

    class Mark(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    class Source(models.TextChoices):
        DEVICE = "device", _("Attendance device")
        PERSON = "person", _("Recorded by a person")
        FACE = "face", _("Face check")
        PLATFORM = "platform", _("Online platform's completion record")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="attendance")
    mark = models.CharField(max_length=8, choices=Mark.choices)
    source = models.CharField(max_length=8, choices=Source.choices)
    at = models.DateTimeField()  # when the source recorded it
    # Online sessions: the platform's own completion, in minutes watched or done.
    platform_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("session", "trainee")
        constraints = (
            models.UniqueConstraint(fields=("session", "trainee"), name="attendance_once_per_session"),
        )


class ClassInspection(models.Model):
    """A district's on-site or online check of a class (001 · 二（二）4); serious findings can suspend it."""

    class Kind(models.TextChoices):
        FIRST_CLASS = "first_class", _("First subsidised class, on site")
        SPOT_ONSITE = "spot_onsite", _("Spot check on site")
        SPOT_ONLINE = "spot_online", _("Spot check online")

    class Outcome(models.TextChoices):
        PASSED = "passed", _("No problems")
        ISSUES = "issues", _("Problems to correct")
        FAILED = "failed", _("Serious problems")

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="inspections")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    on = models.DateField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    findings = models.TextField()
    present = models.PositiveIntegerField(null=True, blank=True)  # trainees counted on the day
    suspended = models.BooleanField(default=False)  # the inspection suspended the class
    inspector = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("training_class", "-on", "-id")


class Amendment(models.Model):
    """A change to a filed class, waiting for the district (the AMENDMENT table)."""

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="amendments")
    status = models.CharField(max_length=16, default=AMENDMENT.initial, db_index=True)
    changes = models.JSONField()  # field → {"from": old, "to": new}, as text
    reason = models.TextField()
    proposed_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("training_class", "-at", "-id")
        constraints = (
            models.CheckConstraint(
                condition=Q(status__in=list(AMENDMENT.states)), name="amendment_known_status"
            ),
            # One amendment waits at a time, so the district decides on a known base.
            models.UniqueConstraint(
                fields=("training_class",), condition=Q(status="proposed"), name="one_pending_amendment"
            ),
        )


class Result(models.Model):
    """A trainee's assessment (002 · 附件4 · 8②: the bureau or the evaluation institution it commissions
    assesses; those who pass receive a certificate). A certificate number is unique per issuer."""

    trainee = models.OneToOneField(Trainee, on_delete=models.PROTECT, related_name="result")
    passed = models.BooleanField()
    # Who assessed: a listed evaluation institution, or the bureau itself (then none, and its name).
    evaluator = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="assessed_results"
    )
    issuer = models.CharField(max_length=200)  # the evaluator's name as on the certificate
    certificate_type = models.CharField(max_length=32, choices=[(c.value, c.value) for c in CertificateType])
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    certificate_no = models.CharField(max_length=64, blank=True)  # only when passed
    issued_on = models.DateField(null=True, blank=True)  # only when passed
    recorded_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("trainee",)
        # A claim names the certificate number only (the issuer is what the result says), so the
        # look-up needs the number on its own: without this it scanned every result (issue 12 ·
        # Performance, 3 million claims).
        indexes = (models.Index(fields=("certificate_no",), name="result_certificate_no"),)
        constraints = (
            models.UniqueConstraint(
                fields=("issuer", "certificate_no"),
                condition=~Q(certificate_no=""),
                name="certificate_unique_per_issuer",
            ),
            models.CheckConstraint(
                condition=(Q(passed=True) & ~Q(certificate_no="") & Q(issued_on__isnull=False))
                | (Q(passed=False) & Q(certificate_no="") & Q(issued_on__isnull=True)),
                name="result_certificate_iff_passed",
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5), name="result_level_1_to_5"
            ),
        )


class Employment(models.Model):
    """What is known of a trainee's work after the training (附件4 · 8① prefers institutions with good
    post-training employment; the documents give no method of measuring it, so this is a record of
    what someone found, with its source and date, not a figure computed by a rule). One per trainee:
    a correction is a new audited record by the bureau, not an overwrite."""

    class Source(models.TextChoices):
        FOLLOW_UP = "follow_up", _("The institution's follow-up")
        INSURANCE = "insurance", _("Social-insurance record")
        SELF_REPORT = "self_report", _("The worker's own report")

    trainee = models.OneToOneField(Trainee, on_delete=models.PROTECT, related_name="employment")
    employed = models.BooleanField()
    employer = models.CharField(max_length=200, blank=True)  # its name or kind, if known; only when employed
    source = models.CharField(max_length=16, choices=Source.choices)
    on = models.DateField()  # the day the source says it was so
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("trainee",)
        constraints = (
            models.CheckConstraint(
                condition=Q(employed=True) | Q(employer=""), name="employment_employer_only_when_employed"
            ),
            models.CheckConstraint(
                condition=Q(source__in=["follow_up", "insurance", "self_report"]),
                name="employment_known_source",
            ),
        )
