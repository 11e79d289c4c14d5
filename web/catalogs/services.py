"""Writes to catalogs: importing the shipped dataset, drafts, corrections and publication.

Every function runs in one transaction and records an audit row. Published versions are never
updated. Every write to a draft and its publication first lock the version row (`_locked_draft`) and
re-read its status under the lock, so an edit and a publish of one version run one after the other:
on PostgreSQL through `SELECT … FOR UPDATE` (a conditional UPDATE alone let an edit that had read the
draft before the publish committed write into the published version), on SQLite because every
transaction is IMMEDIATE and writers queue at BEGIN (ADR 0012).
"""

from __future__ import annotations

import hashlib
import re
import reprlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from catalogs import mapping
from catalogs.models import (
    Anomaly,
    CatalogVersion,
    DatasetImport,
    Entry,
    Section,
    VersionOrigin,
    VersionStatus,
)
from common.actor import Actor, actor_user, authorise
from common.errors import Conflict, Stale, required_reason
from common.transitions import change_state, remove_in_state
from skillsubsidy.catalog import model as core
from skillsubsidy.catalog.dataset import Dataset
from skillsubsidy.catalog.lifecycle import CATALOG_VERSION
from skillsubsidy.occupations import Marker, parse_code, parse_level, parse_levels, split_name

CATALOG_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,80}$")


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    global_anomalies_replaced: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created) or self.global_anomalies_replaced


def _next_number(catalog_id: str) -> int:
    top = CatalogVersion.objects.filter(catalog_id=catalog_id).aggregate(n=Max("number"))["n"]
    return (top or 0) + 1


def _write_contents(
    version: CatalogVersion, catalog: core.CatalogVersion, anomalies: list[core.Anomaly]
) -> None:
    Section.objects.bulk_create(
        Section(version=version, position=i, **mapping.section_fields(s))
        for i, s in enumerate(catalog.sections)
    )
    Entry.objects.bulk_create(
        (
            Entry(version=version, position=i, **mapping.entry_fields(e))
            for i, e in enumerate(catalog.entries)
        ),
        batch_size=500,
    )
    Anomaly.objects.bulk_create(
        (Anomaly(version=version, position=i, **mapping.anomaly_fields(a)) for i, a in enumerate(anomalies)),
        batch_size=500,
    )


def _dataset_fingerprint(per_catalog: dict[str, str], global_anomalies: list[core.Anomaly]) -> str:
    h = hashlib.sha256()
    for cid in sorted(per_catalog):
        h.update(f"{cid}={per_catalog[cid]};".encode())
    for a in global_anomalies:
        h.update(repr(sorted(mapping.anomaly_fields(a).items())).encode())
    return h.hexdigest()


# The import is a machine step; its audit rows still say why, as every change must.
IMPORT_REASON = "随附数据集（由官方文件生成）有变化"


@transaction.atomic
def dataset_import(*, dataset: Dataset, actor: Actor = None) -> ImportResult:
    """Load the shipped dataset. A catalog whose content is unchanged since its last shipped version
    is left alone, so a second run writes nothing; a changed one becomes a new published version."""
    ids = {c.id for c in dataset.catalogs}
    by_catalog: dict[str, list[core.Anomaly]] = {}
    global_anomalies: list[core.Anomaly] = []
    for a in dataset.anomalies:
        if a.catalog_id in ids:
            by_catalog.setdefault(a.catalog_id, []).append(a)
        else:
            global_anomalies.append(a)
    prints = {c.id: mapping.fingerprint(c, by_catalog.get(c.id, [])) for c in dataset.catalogs}
    overall = _dataset_fingerprint(prints, global_anomalies)
    result = ImportResult()
    last = DatasetImport.objects.order_by("-id").first()
    if last is not None and last.fingerprint == overall:
        result.unchanged = sorted(ids)
        return result

    for c in dataset.catalogs:
        shipped = (
            CatalogVersion.objects.filter(catalog_id=c.id, origin=VersionOrigin.SHIPPED)
            .order_by("-number")
            .first()
        )
        if shipped is not None and shipped.fingerprint == prints[c.id]:
            result.unchanged.append(c.id)
            continue
        version = CatalogVersion.objects.create(
            number=_next_number(c.id),
            status=VersionStatus.PUBLISHED,
            origin=VersionOrigin.SHIPPED,
            fingerprint=prints[c.id],
            published_at=timezone.now(),
            **mapping.version_meta(c),
        )
        _write_contents(version, c, by_catalog.get(c.id, []))
        _audit_version(
            version,
            actor=actor,
            action="catalog.import",
            summary=f"从随附数据集导入 {c.id} 第{version.number}版（{len(c.entries)}行）",
            reason=IMPORT_REASON,
        )
        result.created.append(c.id)

    stored = [
        mapping.anomaly_fields(mapping.anomaly_from_row(a)) for a in Anomaly.objects.filter(version=None)
    ]
    if stored != [mapping.anomaly_fields(a) for a in global_anomalies]:
        Anomaly.objects.filter(version=None).delete()
        Anomaly.objects.bulk_create(
            Anomaly(version=None, position=i, **mapping.anomaly_fields(a))
            for i, a in enumerate(global_anomalies)
        )
        audit_record(
            actor=actor,
            action="dataset.anomalies",
            target_type="anomaly",
            target_id="",
            summary=f"replaced {len(stored)} findings outside any catalog with {len(global_anomalies)}",
            reason=IMPORT_REASON,
            changes={"before": len(stored), "after": len(global_anomalies)},
        )
        result.global_anomalies_replaced = True
    DatasetImport.objects.create(
        fingerprint=overall,
        summary={
            "created": result.created,
            "unchanged": result.unchanged,
            "global_anomalies": len(global_anomalies),
            "sources": [dict(s) for s in dataset.sources],
        },
    )
    return result


def check_catalog_id(catalog_id: str) -> None:
    if not CATALOG_ID_RE.match(catalog_id):
        raise ValidationError(
            {"catalog_id": f"{catalog_id!r} must be lower-case letters, digits and dashes, e.g. nantong-2026"}
        )


def _latest_published(catalog_id: str) -> CatalogVersion | None:
    return (
        CatalogVersion.objects.filter(catalog_id=catalog_id, status=VersionStatus.PUBLISHED)
        .order_by("-number")
        .first()
    )


def _refuse_a_second_draft(catalog_id: str) -> None:
    # The one_draft_per_catalog constraint would refuse it too, but as an IntegrityError naming no field.
    if CatalogVersion.objects.filter(catalog_id=catalog_id, status=VersionStatus.DRAFT).exists():
        raise ValidationError(
            {"catalog_id": f"{catalog_id} already has a draft; continue or discard that one"}
        )


def _audit_version(
    version: CatalogVersion,
    *,
    actor: Actor,
    action: str,
    summary: str,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="catalog_version",
        target_id=version.pk,
        region=version.region,
        summary=summary,
        reason=reason,
        changes=changes,
    )


@transaction.atomic
def draft_from_published(*, catalog_id: str, actor: Actor, reason: str) -> CatalogVersion:
    """Start a working copy of the current published version, to correct or adjust it."""
    base = _latest_published(catalog_id)
    if base is None:
        raise ValidationError({"catalog_id": f"no published version of {catalog_id!r}"})
    authorise(actor, base.region)
    reason = required_reason(reason)
    _refuse_a_second_draft(catalog_id)
    fields = {
        f: getattr(base, f)
        for f in ("catalog_id", "region", "title", "seed", "attachment", "document_no", "assumptions")
    }
    version = CatalogVersion.objects.create(
        number=_next_number(catalog_id),
        status=VersionStatus.DRAFT,
        origin=VersionOrigin.EDIT,
        based_on=base,
        created_by=actor_user(actor),
        effective_from=base.effective_from,
        effective_to=base.effective_to,
        **fields,
    )
    Section.objects.bulk_create(
        Section(version=version, position=s.position, key=s.key, title=s.title, kind=s.kind,
                certificate_type=s.certificate_type)
        for s in base.sections.all()
    )  # fmt: skip
    copied = [
        Entry(**{f.attname: getattr(e, f.attname) for f in Entry._meta.concrete_fields if f.attname != "id"})
        for e in base.entries.all()
    ]
    for e in copied:
        e.version_id = version.pk
    Entry.objects.bulk_create(copied, batch_size=500)
    _audit_version(
        version,
        actor=actor,
        action="catalog.draft",
        summary=f"started draft {catalog_id} v{version.number} from v{base.number}",
        reason=reason,
    )
    return version


@transaction.atomic
def draft_from_core(
    *,
    catalog: core.CatalogVersion,
    anomalies: list[core.Anomaly],
    actor: Actor,
    reason: str,
    origin: VersionOrigin = VersionOrigin.UPLOAD,
) -> CatalogVersion:
    """Save an imported catalog (e.g. from an uploaded attachment) as a draft of series `catalog.id`."""
    check_catalog_id(catalog.id)
    authorise(actor, catalog.region)
    reason = required_reason(reason)
    existing = CatalogVersion.objects.filter(catalog_id=catalog.id).exclude(region=catalog.region or "")
    if existing.exists():
        raise ValidationError({"catalog_id": f"{catalog.id} belongs to another region"})
    _refuse_a_second_draft(catalog.id)
    base = _latest_published(catalog.id)
    version = CatalogVersion.objects.create(
        number=_next_number(catalog.id),
        status=VersionStatus.DRAFT,
        origin=origin,
        based_on=base,
        created_by=actor_user(actor),
        fingerprint=mapping.fingerprint(catalog, anomalies),
        **mapping.version_meta(catalog),
    )
    _write_contents(version, catalog, anomalies)
    _audit_version(
        version,
        actor=actor,
        action="catalog.draft",
        summary=f"saved draft {catalog.id} v{version.number} ({len(catalog.entries)} entries, "
        f"{len(anomalies)} anomalies)",
        reason=reason,
    )
    return version


EDITABLE_FIELDS = (
    "serial", "code", "name", "category", "matched", "industry_class", "certificate_type", "levels",
    "markers", "uplift_pct",
)  # fmt: skip


def _text(f: str, value: Any) -> str:
    """A text column's value. The API accepts any JSON value, and SQLite ignores `max_length` where
    PostgreSQL refuses it, so both are checked here to answer with the field, not a server error."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not text")
    column = Entry._meta.get_field(f)
    limit = getattr(column, "max_length", None)
    if limit is not None and len(value) > limit:
        raise ValueError(f"{len(value)} characters; at most {limit}")
    return value


_LEVELS = 5  # skill levels 1–5, so a longer list repeats one


def _items(f: str, value: Any, *, limit: int) -> list[Any]:
    """A list field given as a JSON list of at most `limit` items."""
    if isinstance(value, list) and all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
        if len(value) > limit:
            raise ValueError(f"{len(value)} items; at most {limit}")
        return value
    raise ValueError(f"{reprlib.repr(value)} is neither text nor a list of {f}")


def _clean_field(f: str, value: Any) -> dict[str, Any]:
    """The stored columns for one corrected field; ValueError names what is wrong with the value."""
    if f == "matched":
        # bool("nope") is True: only a real true or false says whether the row matched the 大典.
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not true or false")
        return {f: value}
    if f == "levels":
        if isinstance(value, str):
            return {f: list(parse_levels(_text(f, value)))}
        levels = {int(parse_level(v)) for v in _items(f, value, limit=_LEVELS)}
        return {f: sorted(levels)}
    if f == "markers":
        items = _text(f, value).split() if isinstance(value, str) else _items(f, value, limit=len(Marker))
        try:
            return {f: sorted(Marker(v).value for v in items)}
        except ValueError:
            raise ValueError(f"{value!r}: markers are {', '.join(mk.value for mk in Marker)}") from None
    if f == "uplift_pct":
        if value in ("", None):
            return {f: ""}
        try:
            pct = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
        if not pct.is_finite() or not Decimal(0) <= pct <= Decimal(100):
            raise ValueError(f"{value!r} is not between 0 and 100")
        return {f: str(pct)}
    text = _text(f, value)
    if f == "code":
        code = parse_code(text) if text else None
        if text and code is None:
            raise ValueError(f"{text!r} is neither a 大典 code (4-01-02-03) nor a special-ability code")
        return {f: code.text if code else ""}
    if f == "name":
        if not text:
            raise ValueError("a name is required")
        parts = split_name(text)
        return {"name": parts.name, "occupation": parts.occupation, "work_type": parts.work_type or ""}
    if f == "category" and text and text not in set(core.Category):
        raise ValueError(f"{text!r} is not one of {', '.join(core.Category)}")
    if f == "certificate_type" and text and text not in {c.value for c in core.CertificateType}:
        raise ValueError(f"{text!r} is not a certificate type")
    return {f: text}


def _clean_changes(entry: Entry, changes: dict[str, Any]) -> dict[str, Any]:
    """Validate staff corrections; errors name the field and the value."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({f: "this field cannot be edited" for f in sorted(unknown)})
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f, raw in changes.items():
        try:
            out.update(_clean_field(f, raw.strip() if isinstance(raw, str) else raw))
        except ValueError as exc:
            errors[f] = str(exc)
    if errors:
        raise ValidationError(errors)
    return {f: v for f, v in out.items() if getattr(entry, f) != v}


def _locked_draft(version: CatalogVersion, actor: Actor) -> CatalogVersion:
    """The version row, locked until the transaction ends, refused unless it is still a draft.

    The status is read after the lock is granted: a publish that committed while this write waited
    is seen here, not missed as it would be by a check made before locking."""
    authorise(actor, version.region)
    locked = CatalogVersion.objects.select_for_update().filter(pk=version.pk).order_by("pk").first()
    if locked is None:
        raise Conflict(
            f"{version} no longer exists; it was discarded meanwhile",
            shown=_("This draft no longer exists: it was discarded meanwhile."),
        )
    if locked.status != VersionStatus.DRAFT:
        raise Conflict(
            f"{locked} is published; published versions cannot change, start a draft",
            shown=_("This version is published and cannot change; start a new draft to correct it."),
        )
    return locked


def entry_state(entry: Entry) -> dict[str, Any]:
    """A row's editable values as a client shows them: what a stale write is answered with."""
    return {f: _plain(getattr(entry, f)) for f in EDITABLE_FIELDS}


def _current_row(entry: Entry, revision: int) -> Entry:
    """The row as stored now, read under the version lock, refused when it moved past `revision`."""
    current = Entry.objects.filter(pk=entry.pk).first()
    if current is None:
        raise Conflict(
            f"row {entry.position + 1} was removed meanwhile",
            shown=_("Row %(n)d was removed meanwhile.") % {"n": entry.position + 1},
        )
    if current.revision != revision:
        raise Stale(
            f"row {current.position + 1} was changed by someone else since revision {revision} "
            f"(it is at revision {current.revision}); check the current values and save again",
            current=entry_state(current),
            revision=current.revision,
        )
    return current


@transaction.atomic
def entry_update(*, entry: Entry, actor: Actor, changes: dict[str, Any], reason: str, revision: int) -> Entry:
    """Correct a draft row, written on top of `revision` (the one the person saw). The provenance
    stays as printed; the values replaced are kept."""
    version = _locked_draft(entry.version, actor)
    reason = required_reason(reason)
    entry = _current_row(entry, revision)
    cleaned = _clean_changes(entry, changes)
    if not cleaned:
        return entry
    # Read under the lock, so the audit's "before" is what this write replaced.
    before = {f: _plain(getattr(entry, f)) for f in cleaned}
    corrections = dict(entry.corrections)
    for f, old in before.items():
        corrections.setdefault(f, old)  # the first replaced value is the one the source printed
    Entry.objects.filter(pk=entry.pk).update(corrections=corrections, revision=F("revision") + 1, **cleaned)
    entry.refresh_from_db()
    _audit_version(
        version,
        actor=actor,
        action="entry.update",
        summary=f"corrected {', '.join(sorted(cleaned))} of row {entry.position + 1} ({entry.name})",
        reason=reason,
        changes={
            "entry": entry.pk,
            "revision": entry.revision,
            "before": before,
            "after": {f: _plain(v) for f, v in cleaned.items()},
        },
    )
    return entry


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal | date) else value


@transaction.atomic
def entry_delete(*, entry: Entry, actor: Actor, reason: str, revision: int) -> None:
    """Remove a draft row, as it stood at `revision` (a row changed since is not removed unseen)."""
    version = _locked_draft(entry.version, actor)
    reason = required_reason(reason)
    entry = _current_row(entry, revision)
    snapshot = {f: _plain(getattr(entry, f)) for f in ("serial", "code", "name", "category", "prov_line")}
    Entry.objects.filter(pk=entry.pk).delete()
    _audit_version(
        version,
        actor=actor,
        action="entry.delete",
        summary=f"removed row {entry.position + 1} ({snapshot['name']})",
        reason=reason,
        changes={"before": snapshot},
    )


@transaction.atomic
def draft_publish(
    *,
    version: CatalogVersion,
    actor: Actor,
    effective_from: date,
    reason: str,
    effective_to: date | None = None,
) -> CatalogVersion:
    """Publish a draft from `effective_from`. From then on it supersedes the series' earlier versions.

    The version lock is held through the state change, so no row edit can land between the check
    below and the publication, nor after it."""
    version = _locked_draft(version, actor)
    reason = required_reason(reason)
    if effective_to is not None and effective_to < effective_from:
        raise ValidationError({"effective_to": f"{effective_to} is before effective_from {effective_from}"})
    if not version.entries.exists():
        raise ValidationError({"entries": "an empty catalog cannot be published"})
    return change_state(
        model=CatalogVersion,
        pk=version.pk,
        machine=CATALOG_VERSION,
        action="publish",
        actor=actor,
        reason=reason,
        region=version.region,
        summary=f"published {version.catalog_id} v{version.number} effective {effective_from}"
        + (f" to {effective_to}" if effective_to else ""),
        values={
            "published_at": timezone.now(),
            "published_by": actor_user(actor),
            "effective_from": effective_from,
            "effective_to": effective_to,
        },
        changes={"effective_from": str(effective_from), "effective_to": _plain(effective_to)},
    )


@transaction.atomic
def draft_discard(*, version: CatalogVersion, actor: Actor, reason: str) -> None:
    version = _locked_draft(version, actor)
    remove_in_state(
        model=CatalogVersion,
        pk=version.pk,
        machine=CATALOG_VERSION,
        action="discard",
        actor=actor,
        reason=reason,
        region=version.region,
        summary=f"discarded draft {version.catalog_id} v{version.number}",
    )
