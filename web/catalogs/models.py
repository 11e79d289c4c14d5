"""Catalog versions as stored rows. They mirror skillsubsidy.catalog.model; `catalogs.mapping`
converts both ways, and the public site reads the core Dataset rebuilt from published versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class VersionOrigin(models.TextChoices):
    SHIPPED = "shipped", _("Shipped dataset")
    UPLOAD = "upload", _("Uploaded attachment")
    EDIT = "edit", _("Edited copy")


class CatalogVersion(models.Model):
    """One version of a catalog series (`catalog_id`, e.g. jiangsu-2025). Published rows never change."""

    catalog_id = models.CharField(max_length=100, db_index=True)
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    origin = models.CharField(max_length=16, choices=VersionOrigin.choices)
    region = models.CharField(max_length=6, blank=True, db_index=True)  # blank: the document states none
    title = models.CharField(max_length=300)
    seed = models.CharField(max_length=200)
    attachment = models.CharField(max_length=100, blank=True)
    document_no = models.CharField(max_length=100, blank=True)
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    assumptions = models.JSONField(default=list, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)  # content hash, for idempotent imports
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("catalog_id", "number")
        constraints = (
            models.UniqueConstraint(fields=["catalog_id", "number"], name="one_number_per_catalog"),
            # Two drafts of one catalog would race to publish; there is one working copy at a time.
            models.UniqueConstraint(
                fields=["catalog_id"], condition=models.Q(status="draft"), name="one_draft_per_catalog"
            ),
        )

    def __str__(self) -> str:
        return f"{self.catalog_id} v{self.number} ({self.status})"

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class Section(models.Model):
    version = models.ForeignKey(CatalogVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    key = models.CharField(max_length=100)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=32)
    certificate_type = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ("version", "position")
        constraints = (models.UniqueConstraint(fields=["version", "key"], name="unique_section_key"),)


class Entry(models.Model):
    version = models.ForeignKey(CatalogVersion, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField()
    section = models.CharField(max_length=100)
    serial = models.CharField(max_length=32, blank=True)
    code = models.CharField(max_length=32, blank=True, db_index=True)
    name = models.CharField(max_length=200, db_index=True)
    occupation = models.CharField(max_length=200)
    work_type = models.CharField(max_length=200, blank=True)
    raw_name = models.CharField(max_length=300)
    category = models.CharField(max_length=1, blank=True)
    matched = models.BooleanField(default=False)
    industry_class = models.CharField(max_length=64, blank=True)
    programmes = models.JSONField(default=list, blank=True)
    certificate_type = models.CharField(max_length=32, blank=True)
    levels = models.JSONField(default=list, blank=True)
    markers = models.JSONField(default=list, blank=True)
    edition = models.CharField(max_length=8, blank=True)
    # As text: Decimal("30") and Decimal("30.00") are equal but print differently in a quote's reasons.
    uplift_pct = models.CharField(max_length=16, blank=True)
    occupation_name = models.CharField(max_length=200, blank=True)
    prov_seed = models.CharField(max_length=200)
    prov_attachment = models.CharField(max_length=100)
    prov_section = models.CharField(max_length=300)
    prov_line = models.PositiveIntegerField()
    prov_raw = models.TextField()
    # Values before a staff correction, keyed by field; provenance above always stays as printed.
    corrections = models.JSONField(default=dict, blank=True)
    # Counts saved corrections: a write names the revision it was based on and is refused when it
    # is no longer the stored one, so two people editing one row cannot overwrite each other unseen.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("version", "position")
        constraints = (models.UniqueConstraint(fields=["version", "position"], name="unique_entry_position"),)

    def __str__(self) -> str:
        return f"{self.code or '-'} {self.name}"


class Anomaly(models.Model):
    """A data-quality finding; `version` is null for findings across catalogs."""

    version = models.ForeignKey(
        CatalogVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="anomalies"
    )
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=64, db_index=True)
    severity = models.CharField(max_length=16)
    message = models.TextField()
    seed = models.CharField(max_length=200)
    attachment = models.CharField(max_length=100, blank=True)
    section = models.CharField(max_length=300, blank=True)
    line = models.PositiveIntegerField()
    serial = models.CharField(max_length=32, blank=True)
    catalog_id = models.CharField(max_length=100, blank=True)
    original = models.TextField(blank=True)
    suggestion = models.TextField(blank=True)

    class Meta:
        ordering = ("position",)


class DatasetImport(models.Model):
    """Each load of the shipped dataset that changed something; the fingerprint makes reloads no-ops."""

    fingerprint = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    summary = models.JSONField(default=dict)


class Upload(models.Model):
    """An attachment a bureau uploaded, kept with what the importer made of it."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    region = models.CharField(max_length=6)
    catalog_id = models.CharField(max_length=100)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    mapping = models.JSONField(default=dict, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    # The tables read from `data` when it was uploaded (ingest.bounded.tables_to_data): the preview
    # and the draft are made from these, so a page view never parses the file again.
    tables = models.JSONField(null=True, blank=True)
    # The digest of `mapping` (uploads.mapping_digest), saved with it: a preview is stored only
    # while the mapping it was made from is the saved one (an UPDATE … WHERE on this).
    mapping_digest = models.CharField(max_length=64, default="", blank=True)
    # What the page shows (uploads.Shown): the preview with this mapping and its findings, made at
    # upload and at each mapping save, so a page view neither reads the tables nor checks them.
    shown = models.JSONField(null=True, blank=True)
    draft = models.ForeignKey(
        CatalogVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at",)
