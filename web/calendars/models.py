from __future__ import annotations

from django.conf import settings
from django.db import models


class CalendarYear(models.Model):
    """A year's holiday arrangement entered by a bureau before the package ships it. Rows are only
    inserted: the unique year is what stops two people adding the same year at once."""

    year = models.PositiveSmallIntegerField(unique=True)
    holidays = models.JSONField()  # [{"date": "YYYY-MM-DD", "name": "春节"}, …] in date order
    makeup_days = models.JSONField()  # the same shape: weekend days made working days (调休上班)
    source_title = models.CharField(
        max_length=200
    )  # the notice, e.g. 国务院办公厅关于2027年部分节假日安排的通知
    source_number = models.CharField(max_length=100, blank=True)  # e.g. 国办发明电〔2026〕7号
    source_issued = models.DateField(null=True, blank=True)
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("year",)

    def __str__(self) -> str:
        return f"{self.year} ({self.source_title})"
