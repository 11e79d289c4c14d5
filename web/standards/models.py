from __future__ import annotations

from django.conf import settings
from django.db import models


class StandardValue(models.Model):
    """A policy parameter value entered in the back office. Rows are only inserted: the latest row
    for (region, name, since) is the one in force, and the earlier ones are its history."""

    region = models.CharField(max_length=6, db_index=True)
    name = models.CharField(max_length=200)
    since = models.DateField()
    value = models.JSONField(null=True, blank=True)  # null: "no value from this date"
    source = models.TextField()  # the document and clause the value comes from
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("region", "name", "since", "id")

    def __str__(self) -> str:
        return f"{self.region} {self.name} {self.since} = {self.value}"
