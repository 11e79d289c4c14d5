"""A city's project call (揭榜领题, 002) as run in the web: which call file it follows, the settings the
documents leave to the city (budget, notice length, its own rubric), its state, and the deadline
extensions granted with their reasons. Applications, reviews and the notice come next (ADR 0016)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from skillsubsidy.calls.lifecycle import CALL

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
