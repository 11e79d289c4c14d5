from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditRecord(models.Model):
    """Who changed what, when and why. Rows are only ever inserted, each chained to the one before by
    a keyed hash (skillsubsidy.auditchain), so a changed, removed, moved or added row is found."""

    seq = models.PositiveBigIntegerField(unique=True)  # 1, 2, 3 … in the order written
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now, db_index=True)  # set before hashing, not by save()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150)  # kept when the user is deleted; "system" for loaders
    action = models.CharField(max_length=64, db_index=True)  # stable code, e.g. catalog.publish
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    region = models.CharField(max_length=6, blank=True, db_index=True)
    summary = models.CharField(max_length=300)
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_type}#{self.target_id}"


class ChainHead(models.Model):
    """The last record's place and hash, kept apart from the records so that cutting off the end of
    the chain is found; its one row is also the lock that puts concurrent writers in line."""

    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
