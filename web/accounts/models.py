from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")
    CITY_BUREAU = "city_bureau", _("City bureau staff")
    DISTRICT_BUREAU = "district_bureau", _("District bureau staff")
    # An institution's clerk (机构经办人) acts for one institution, never for a region: the
    # institutions app links the account to it, and bureau pages refuse it.
    INSTITUTION = "institution", _("Institution clerk")
    # A worker (劳动者) claims their own subsidy (个人申领) through the portal; the claims app links the
    # account to the ID number it was verified against. It never acts for a region either.
    WORKER = "worker", _("Worker")


class StaffProfile(models.Model):
    """A back-office user's role and the region (GB/T 2260 code) it acts for; for an institution's
    clerk, the region of the institution (the bureau that answers for it)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=32, choices=Role.choices)
    region = models.CharField(max_length=6, blank=True)  # blank only for platform administrators

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=models.Q(role="platform_admin") | ~models.Q(region=""),
                name="bureau_staff_have_a_region",
            ),
        )

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.role} {self.region})"


class ApiToken(models.Model):
    """A bearer token for system-to-system use; only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
