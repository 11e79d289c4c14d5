"""Uploaded attachments: store, preview with the general table importer, map columns, save as draft."""

from __future__ import annotations

import hashlib
import tempfile
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import audit_record
from catalogs import selectors
from catalogs.models import CatalogVersion, Upload
from catalogs.services import check_catalog_id, draft_from_core
from common.actor import Actor, actor_user, authorise
from skillsubsidy.catalog.model import Anomaly
from skillsubsidy.catalog.model import CatalogVersion as CatalogVersion_
from skillsubsidy.catalog.quality import upload_anomalies
from skillsubsidy.ingest.bounded import ParseLimits, read_tables_data_bounded, tables_from_data
from skillsubsidy.ingest.mapping import Field, MappingPreview, preview, to_catalog
from skillsubsidy.ingest.tables import Limits, RawTable, TableImportError
from skillsubsidy.regions import UnknownRegion, resolve_region

ALLOWED_SUFFIXES = (".xlsx", ".docx", ".pdf", ".csv", ".txt")
FIELD_CHOICES = tuple(f.value for f in Field)


def _suffix(file_name: str) -> str:
    return Path(file_name).suffix.lower()


def parse_limits() -> ParseLimits:
    return ParseLimits(
        tables=Limits(
            rows=settings.UPLOAD_MAX_ROWS,
            columns=settings.UPLOAD_MAX_COLUMNS,
            cells=settings.UPLOAD_MAX_CELLS,
            pages=settings.UPLOAD_MAX_PAGES,
            unpacked_bytes=settings.UPLOAD_MAX_UNPACKED_BYTES,
            cell_chars=settings.UPLOAD_MAX_CELL_CHARS,
        ),
        memory_mb=settings.UPLOAD_PARSE_MEMORY_MB,
        cpu_seconds=settings.UPLOAD_PARSE_CPU_SECONDS,
        wall_seconds=settings.UPLOAD_PARSE_WALL_SECONDS,
        nice=settings.UPLOAD_PARSE_NICE,
    )


# A request thread waits while its upload is read; without a cap, a few slow uploads would hold
# every thread of the server and nothing else would be answered (issue 14: health timed out).
_PARSES = threading.BoundedSemaphore(settings.UPLOAD_PARSE_CONCURRENCY)


def _parse(file_name: str, data: bytes) -> list[dict[str, Any]]:
    """The file's tables as stored (`tables_to_data`), read once in a bounded child process at a
    lower priority than the request threads; TableImportError names the limit. The tables come back
    as data and are stored as such: this process never builds them as objects for an upload."""
    name = Path(file_name).name
    if not _PARSES.acquire(blocking=False):
        raise TableImportError(
            name,
            f"the server is already reading {settings.UPLOAD_PARSE_CONCURRENCY} uploads, the limit; "
            "upload it again in a minute",
        )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload{_suffix(file_name)}"
            path.write_bytes(data)
            return read_tables_data_bounded(path, parse_limits(), name=name)
    finally:
        _PARSES.release()


def upload_create(
    *, actor: Actor, file_name: str, data: bytes, region: str, catalog_id: str, title: str
) -> Upload:
    """Keep an uploaded attachment with the tables read from it, for preview and mapping.

    The file is read here, once, outside the transaction: a parse may take seconds, and no write
    lock is held meanwhile. A file that cannot be read, or is past a limit, is refused as the file's
    error, and nothing is stored."""
    errors: dict[str, str] = {}
    if _suffix(file_name) not in ALLOWED_SUFFIXES:
        errors["file"] = f"{file_name!r}: upload one of {', '.join(ALLOWED_SUFFIXES)}"
    if len(data) > settings.UPLOAD_MAX_BYTES:
        errors["file"] = f"{file_name!r} is larger than the limit of {settings.UPLOAD_MAX_BYTES} bytes"
    if not data:
        errors["file"] = f"{file_name!r} is empty"
    try:
        code = resolve_region(region).code
    except UnknownRegion as exc:
        errors["region"] = str(exc)
        code = ""
    if not title.strip():
        errors["title"] = "a title is required, as printed on the attachment"
    try:
        check_catalog_id(catalog_id)
    except ValidationError as exc:
        errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    authorise(actor, code)
    try:
        tables = _parse(file_name, data)
    except TableImportError as exc:
        raise ValidationError({"file": str(exc)}) from None
    with transaction.atomic():
        upload = Upload.objects.create(
            uploaded_by=actor_user(actor),
            region=code,
            catalog_id=catalog_id,
            file_name=Path(file_name).name[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            preview={"title": title.strip()},
            tables=tables,
        )
        audit_record(
            actor=actor,
            action="upload.create",
            target_type="upload",
            target_id=upload.pk,
            region=code,
            summary=f"uploaded {upload.file_name} ({len(data)} bytes) for {catalog_id}",
        )
    return upload


def upload_tables(upload: Upload) -> list[RawTable]:
    """The tables read at upload. An upload stored before they were kept is read now, once."""
    if upload.tables is None:
        upload.tables = _parse(upload.file_name, bytes(upload.data))
        Upload.objects.filter(pk=upload.pk).update(tables=upload.tables)
    return tables_from_data(upload.tables)


def checked_against_published(catalog: CatalogVersion_) -> list[Anomaly]:
    """The quality checks of the shipped documents, run on an uploaded catalog against the published
    catalogs: code/name conflicts, invalid codes, misspellings with suggestions, normalisations."""
    index = selectors.search_index()
    return upload_anomalies(catalog, selectors.current_dataset().catalogs, index.suggest)


def _merged(read: list[Anomaly], checked: list[Anomaly]) -> list[Anomaly]:
    """The reader's findings, then the checks' findings that the reader did not already make."""
    seen = {(a.kind, a.line) for a in read}
    return [*read, *(a for a in checked if (a.kind, a.line) not in seen)]


def upload_quality(upload: Upload, pv: MappingPreview) -> list[Anomaly]:
    """What the preview flags: the reader's findings and the checks against the published catalogs."""
    try:
        catalog, anomalies = to_catalog(
            pv, catalog_id=upload.catalog_id, region=upload.region,
            title=upload.preview.get("title", upload.file_name), effective_from=None, effective_to=None,
            source_name=upload.file_name,
        )  # fmt: skip
    except TableImportError:
        return list(pv.anomalies)
    return _merged(anomalies, checked_against_published(catalog))


def upload_preview(upload: Upload) -> MappingPreview:
    """The stored tables with the saved column mapping; raises TableImportError naming the problem."""
    mapping: dict[int | str, Field | str | None] = {
        int(k): (v or None) for k, v in upload.mapping.get("columns", {}).items()
    }
    header_row = upload.mapping.get("header_row")
    return preview(upload_tables(upload), mapping or None, header_row=header_row, sample=20)


@transaction.atomic
def upload_set_mapping(
    *, upload: Upload, actor: Actor, columns: dict[int, str | None], header_row: int | None
) -> Upload:
    authorise(actor, upload.region)
    bad = {str(k): f"{v!r} is not a field" for k, v in columns.items() if v and v not in FIELD_CHOICES}
    if bad:
        raise ValidationError(bad)
    before = dict(upload.mapping)
    upload.mapping = {"columns": {str(k): v for k, v in columns.items()}, "header_row": header_row}
    upload.save(update_fields=["mapping"])
    audit_record(
        actor=actor,
        action="upload.mapping",
        target_type="upload",
        target_id=upload.pk,
        region=upload.region,
        summary=f"set the column mapping of {upload.file_name}",
        changes={"before": before, "after": upload.mapping},
    )
    return upload


@transaction.atomic
def upload_to_draft(
    *,
    upload: Upload,
    actor: Actor,
    attachment: str,
    effective_from: date | None,
    effective_to: date | None,
    reason: str,
) -> CatalogVersion:
    """Parse the upload with its mapping and save the result as a draft of its catalog."""
    authorise(actor, upload.region)
    try:
        pv = upload_preview(upload)
        catalog, anomalies = to_catalog(
            pv,
            catalog_id=upload.catalog_id,
            region=upload.region,
            title=upload.preview.get("title", upload.file_name),
            effective_from=effective_from,
            effective_to=effective_to,
            source_name=upload.file_name,
        )
    except TableImportError as exc:
        raise ValidationError({"file": str(exc)}) from None
    if attachment:
        catalog = replace(catalog, attachment=attachment)
    anomalies = _merged(anomalies, checked_against_published(catalog))
    version = draft_from_core(catalog=catalog, anomalies=anomalies, actor=actor, reason=reason)
    upload.draft = version
    upload.save(update_fields=["draft"])
    return version
