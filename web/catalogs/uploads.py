"""Uploaded attachments: store, preview with the general table importer, map columns, save as draft."""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression
from django.db.models.functions import Cast
from django.db.models.sql.compiler import SQLCompiler

from audit.services import audit_record
from catalogs import selectors
from catalogs.models import CatalogVersion, Upload
from catalogs.offload import ChildTimedOut, run_forked
from catalogs.services import check_catalog_id, draft_from_core
from common.actor import Actor, actor_user, authorise
from skillsubsidy.catalog.model import Anomaly, Severity
from skillsubsidy.catalog.model import CatalogVersion as CatalogVersion_
from skillsubsidy.catalog.quality import upload_anomalies
from skillsubsidy.ingest.bounded import ParseLimits, read_tables_text_bounded
from skillsubsidy.ingest.mapping import Field, MappingPreview, preview, to_catalog
from skillsubsidy.ingest.tables import Limits, RawTable, TableImportError, tables_from_data
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


class Busy(TableImportError):
    """Every place for reading an upload is taken: try again soon (nothing about the file)."""


@contextmanager
def _reading(file_name: str) -> Iterator[None]:
    """One of the UPLOAD_PARSE_CONCURRENCY places for reading an upload, or a refusal at once."""
    if not _PARSES.acquire(blocking=False):
        raise Busy(
            Path(file_name).name,
            f"the server is already reading {settings.UPLOAD_PARSE_CONCURRENCY} uploads, the limit; "
            "try again in a minute",
        )
    try:
        yield
    finally:
        _PARSES.release()


def _parse(file_name: str, data: bytes) -> str:
    """The file's tables as stored (`tables_to_data`), read once in a bounded child process at a
    lower priority than the request threads; TableImportError names the limit. The tables come back
    as JSON text, stored as it is or handed to the child that previews them, never decoded in this
    serving process. The caller holds a place (`_reading`)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{_suffix(file_name)}"
        path.write_bytes(data)
        return read_tables_text_bounded(path, parse_limits(), name=Path(file_name).name)


class StoredJSON(Expression):
    """JSON text written into a JSONField as it is. An upload's tables are megabytes of JSON;
    decoding them here only to have the field encode them again held the GIL of a serving process
    for a quarter of a second per upload (issue 14). The database checks the text: PostgreSQL
    parses it into jsonb, SQLite's JSONField has its JSON_VALID constraint."""

    output_field = models.JSONField()

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[str]]:
        return "%s", (self.text,)

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[str]]:
        return "%s::jsonb", (self.text,)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Published:
    """The published catalogs an upload is checked against, and their generation as text: read in
    the server process (they come from the database, cached per publication) before the fork."""

    key: str
    catalogs: tuple[CatalogVersion_, ...]
    suggest: Callable[[str], list[str]]


def published_now() -> Published:
    # The key first: were a publication to land in between, the preview is keyed to the older
    # generation and made again at its next view, never kept as checked against catalogs it was not.
    key = _published()
    index = selectors.search_index()
    return Published(key, tuple(selectors.current_dataset().catalogs), index.suggest)


@dataclass(frozen=True, slots=True)
class Made:
    """A preview made in the child, as the JSON text stored on `Upload.shown` (`StoredJSON`)."""

    mapping: str  # the digest of the mapping it was made for
    shown: str
    tables: str | None = None  # tables read from the file of an old upload meanwhile, to keep


def _shown_in_child(upload: Upload, tables: str, published: Published) -> str:
    """The stored preview of `tables` (JSON text) with the upload's mapping, made in a forked child
    below the request threads' priority (`offload`): decoding the tables, previewing every row,
    checking them against the published catalogs and encoding the result are CPU this server
    process never spends, so its other requests are answered meanwhile. The caller holds a place
    (`_reading`) and stores the result. Bounded in time by twice the parse's wall-clock limit."""

    def work() -> str:
        upload.tables = json.loads(tables)  # the child's copy of the upload
        return _dumps(_shown_data(upload, published))

    wall = 2 * settings.UPLOAD_PARSE_WALL_SECONDS
    try:
        return run_forked(work, nice=settings.UPLOAD_PARSE_NICE, timeout=wall)
    except ChildTimedOut:
        raise TableImportError(
            upload.file_name, f"previewing and checking it took longer than the limit of {wall} s"
        ) from None


def _remade(upload: Upload) -> Made:
    """The preview for the upload's saved mapping, made from the stored tables, read as text and
    never decoded here (an upload stored before the tables were kept is read from its file now,
    and its tables come back to be kept). The caller holds a place (`_reading`)."""
    stored = Upload.objects.filter(pk=upload.pk)
    tables = stored.annotate(text=Cast("tables", models.TextField())).values_list("text", flat=True).get()
    read = None
    if tables is None:
        try:
            tables = read = _parse(upload.file_name, bytes(stored.values_list("data", flat=True).get()))
        except TableImportError as exc:
            key = {"mapping": upload.mapping_digest, "published": _published()}
            return Made(upload.mapping_digest, _dumps({**key, "error": str(exc)}))
    return Made(upload.mapping_digest, _shown_in_child(upload, tables, published_now()), read)


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
    upload = Upload(
        uploaded_by=actor_user(actor),
        region=code,
        catalog_id=catalog_id,
        file_name=Path(file_name).name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        preview={"title": title.strip()},
        mapping={},
        mapping_digest=mapping_digest({}),
    )
    try:
        # The parse (its bounded child) and the preview with its findings (a forked child) in one
        # place: at most UPLOAD_PARSE_CONCURRENCY uploads are made at once per server process.
        with _reading(file_name):
            tables = _parse(file_name, data)
            # Only a file that was read needs the published catalogs (built once per publication
            # in this process, from the database): a refused one never makes this process build them.
            shown = _shown_in_child(upload, tables, published_now())
    except TableImportError as exc:
        raise ValidationError({"file": str(exc)}) from None
    upload.tables, upload.shown = StoredJSON(tables), StoredJSON(shown)
    with transaction.atomic():
        upload.save(force_insert=True)
        audit_record(
            actor=actor,
            action="upload.create",
            target_type="upload",
            target_id=upload.pk,
            region=code,
            summary=f"uploaded {upload.file_name} ({len(data)} bytes) for {catalog_id}",
        )
    # Its file and tables are loaded when used (a draft), decoded by the field as usual.
    return Upload.objects.defer("data", "tables").get(pk=upload.pk)


def upload_tables(upload: Upload) -> list[RawTable]:
    """The tables read at upload. An upload stored before they were kept is read now, once. The
    caller holds a place (`_reading`): building the tables and previewing them is the heavy part."""
    if upload.tables is None:
        text = _parse(upload.file_name, bytes(upload.data))
        Upload.objects.filter(pk=upload.pk).update(tables=StoredJSON(text))
        upload.tables = json.loads(text)
    return tables_from_data(upload.tables)


def checked_against_published(catalog: CatalogVersion_, published: Published | None = None) -> list[Anomaly]:
    """The quality checks of the shipped documents, run on an uploaded catalog against the published
    catalogs: code/name conflicts, invalid codes, misspellings with suggestions, normalisations."""
    against = published or published_now()
    return upload_anomalies(catalog, against.catalogs, against.suggest)


def _merged(read: list[Anomaly], checked: list[Anomaly]) -> list[Anomaly]:
    """The reader's findings, then the checks' findings that the reader did not already make."""
    seen = {(a.kind, a.line) for a in read}
    return [*read, *(a for a in checked if (a.kind, a.line) not in seen)]


def upload_quality(upload: Upload, pv: MappingPreview, published: Published | None = None) -> list[Anomaly]:
    """What the preview flags: the reader's findings and the checks against the published catalogs."""
    try:
        catalog, anomalies = to_catalog(
            pv, catalog_id=upload.catalog_id, region=upload.region,
            title=upload.preview.get("title", upload.file_name), effective_from=None, effective_to=None,
            source_name=upload.file_name,
        )  # fmt: skip
    except TableImportError:
        return list(pv.anomalies)
    return _merged(anomalies, checked_against_published(catalog, published))


# Findings that mark their row in the preview: the name or the code is probably wrong.
FLAGGED_KINDS = frozenset(
    {"code_name_conflict", "name_code_conflict", "code_unknown_group", "name_unknown", "code_malformed"}
)
# The page lists this many findings; the draft made from the upload keeps them all. An upload of
# 100,000 rows may have a finding on every row, which no page could usefully show.
FINDINGS_SHOWN = 500
SAMPLE_ROWS = 20


@dataclass(frozen=True, slots=True)
class ShownColumn:
    column: int
    field: str


@dataclass(frozen=True, slots=True)
class ShownRow:
    row: int
    section: str | None
    serial: str | None
    code: str | None
    name: str
    category: str | None
    matched: bool


@dataclass(frozen=True, slots=True)
class Shown:
    """What the upload page shows for the saved mapping: made once, stored on `Upload.shown`."""

    error: str | None  # why the tables could not be read with this mapping
    header: tuple[str, ...] = ()
    columns: tuple[ShownColumn, ...] = ()
    row_count: int = 0
    sample: tuple[ShownRow, ...] = ()
    findings: tuple[Anomaly, ...] = ()  # the first FINDINGS_SHOWN
    findings_total: int = 0
    flagged: frozenset[int] = frozenset()  # rows of the sample a finding marks


def mapping_digest(mapping: Mapping[str, Any]) -> str:
    """What a stored preview was made for: the mapping's columns and header row."""
    return hashlib.sha256(json.dumps(mapping, sort_keys=True).encode()).hexdigest()


def _published() -> str:
    """The published catalogs the findings were checked against (their generation), as text."""
    return json.dumps([str(part) for part in selectors.generation()])


def _anomaly_data(a: Anomaly) -> dict[str, Any]:
    return {**asdict(a), "severity": a.severity.value}


def _anomaly(data: dict[str, Any]) -> Anomaly:
    return Anomaly(**{**data, "severity": Severity(data["severity"])})


def _shown_data(upload: Upload, published: Published) -> dict[str, Any]:
    """The preview of the upload's tables with its mapping and its findings, as stored. Made in the
    child (`_shown_in_child`): this is linear in the rows, but seconds for 100,000 of them."""
    key = {"mapping": upload.mapping_digest, "published": published.key}
    try:
        pv = upload_preview(upload)
    except TableImportError as exc:
        return {**key, "error": str(exc)}
    findings = upload_quality(upload, pv, published)
    sample = {r.row for r in pv.sample}
    return {
        **key,
        "error": None,
        "header": list(pv.header),
        "columns": [[m.column, m.field.value] for m in pv.columns],
        "row_count": len(pv.rows),
        "sample": [
            [r.row, r.section, r.serial, r.code, r.parts.name, r.category and r.category.value, r.matched]
            for r in pv.sample
        ],
        "findings": [_anomaly_data(a) for a in findings[:FINDINGS_SHOWN]],
        "findings_total": len(findings),
        "flagged": sorted({a.line for a in findings if a.kind in FLAGGED_KINDS} & sample),
    }


def _store_shown(upload: Upload, made: Made) -> dict[str, Any]:
    """Store a preview only while the mapping it was made from is still the saved one (a
    conditional update: a mapping saved meanwhile has made and stored its own). Tables read from
    the file of an old upload are kept whatever the mapping."""
    if made.tables is not None:
        Upload.objects.filter(pk=upload.pk).update(tables=StoredJSON(made.tables))
    Upload.objects.filter(pk=upload.pk, mapping_digest=made.mapping).update(shown=StoredJSON(made.shown))
    data: dict[str, Any] = json.loads(made.shown)  # small: the first rows and findings
    upload.shown = data
    return data


def upload_shown(upload: Upload) -> Shown:
    """What the upload page shows, as stored when the upload was read or its mapping saved. It is
    made again (and stored) only when the stored one is for another mapping, or was checked against
    catalogs published before the latest publication."""
    data = upload.shown
    if not data or data.get("mapping") != upload.mapping_digest or data.get("published") != _published():
        with _reading(upload.file_name):
            made = _remade(upload)
        data = _store_shown(upload, made)
    if data["error"] is not None:
        return Shown(error=data["error"])
    return Shown(
        error=None,
        header=tuple(data["header"]),
        columns=tuple(ShownColumn(column, field) for column, field in data["columns"]),
        row_count=data["row_count"],
        sample=tuple(ShownRow(*row) for row in data["sample"]),
        findings=tuple(_anomaly(a) for a in data["findings"]),
        findings_total=data["findings_total"],
        flagged=frozenset(data["flagged"]),
    )


def upload_preview(upload: Upload) -> MappingPreview:
    """The stored tables with the saved column mapping; raises TableImportError naming the problem."""
    mapping: dict[int | str, Field | str | None] = {
        int(k): (v or None) for k, v in upload.mapping.get("columns", {}).items()
    }
    header_row = upload.mapping.get("header_row")
    return preview(upload_tables(upload), mapping or None, header_row=header_row, sample=SAMPLE_ROWS)


def upload_set_mapping(
    *, upload: Upload, actor: Actor, columns: dict[int, str | None], header_row: int | None
) -> Upload:
    """Save the column mapping, then make and store the preview it gives. The preview is stored
    only over the mapping it was made from: when two people save at once, each stores its own
    preview only while its mapping is the one saved, so the one left matches the stored mapping."""
    authorise(actor, upload.region)
    bad = {str(k): f"{v!r} is not a field" for k, v in columns.items() if v and v not in FIELD_CHOICES}
    if bad:
        raise ValidationError(bad)
    before = dict(upload.mapping)
    upload.mapping = {"columns": {str(k): v for k, v in columns.items()}, "header_row": header_row}
    upload.mapping_digest = mapping_digest(upload.mapping)
    with transaction.atomic():
        upload.save(update_fields=["mapping", "mapping_digest"])
        audit_record(
            actor=actor,
            action="upload.mapping",
            target_type="upload",
            target_id=upload.pk,
            region=upload.region,
            summary=f"set the column mapping of {upload.file_name}",
            changes={"before": before, "after": upload.mapping},
        )
    try:
        with _reading(upload.file_name):
            made = _remade(upload)
    except TableImportError:
        return upload  # saved; the page makes its preview when a place is free (or says why not)
    _store_shown(upload, made)
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
        with _reading(upload.file_name):
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
            if attachment:
                catalog = replace(catalog, attachment=attachment)
            anomalies = _merged(anomalies, checked_against_published(catalog))
    except TableImportError as exc:
        raise ValidationError({"file": str(exc)}) from None
    version = draft_from_core(catalog=catalog, anomalies=anomalies, actor=actor, reason=reason)
    upload.draft = version
    upload.save(update_fields=["draft"])
    return version
