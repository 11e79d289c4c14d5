"""Conversions between stored rows and the core catalog types, in both directions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from catalogs import models as m
from skillsubsidy.catalog.fields import (
    ANOMALY_FIELDS,
    ENTRY_FIELDS,
    Field,
    anomaly_of,
    decoder,
    entry_of,
    to_json,
)
from skillsubsidy.catalog.model import Anomaly, CatalogVersion, CertificateType, Entry, Section, SectionKind

# Entry rows belong to a version, which holds the catalog id; every other field is a column.
_ENTRY_COLUMNS = tuple(f for f in ENTRY_FIELDS if f.name != "catalog_id")
# Rebuilding the published catalogs decodes every column of every row: decoders are looked up once.
_ENTRY_DECODERS = tuple((f.name, decoder(f)) for f in _ENTRY_COLUMNS)
_ANOMALY_DECODERS = tuple((f.name, decoder(f)) for f in ANOMALY_FIELDS)


def _column(f: Field, value: Any) -> Any:
    """A column value: the JSON form, with "" for an absent text (the columns are NOT NULL)."""
    stored = to_json(f, value)
    return "" if stored is None else stored


def entry_fields(e: Entry) -> dict[str, Any]:
    """Column values for an Entry row (without version and position)."""
    return {f.name: _column(f, f.read(e)) for f in _ENTRY_COLUMNS}


def entry_from_row(row: m.Entry, catalog_id: str) -> Entry:
    typed = {name: decode(getattr(row, name)) for name, decode in _ENTRY_DECODERS}
    return entry_of({**typed, "catalog_id": catalog_id})


def section_fields(s: Section) -> dict[str, Any]:
    return {
        "key": s.key,
        "title": s.title,
        "kind": s.kind.value,
        "certificate_type": s.certificate_type.value if s.certificate_type else "",
    }


def section_from_row(row: m.Section) -> Section:
    return Section(
        row.key,
        row.title,
        SectionKind(row.kind),
        CertificateType(row.certificate_type) if row.certificate_type else None,
    )


def anomaly_fields(a: Anomaly) -> dict[str, Any]:
    return {f.name: _column(f, f.read(a)) for f in ANOMALY_FIELDS}


def anomaly_from_row(row: m.Anomaly) -> Anomaly:
    return anomaly_of({name: decode(getattr(row, name)) for name, decode in _ANOMALY_DECODERS})


def version_meta(c: CatalogVersion) -> dict[str, Any]:
    """CatalogVersion columns taken from a core catalog."""
    return {
        "catalog_id": c.id,
        "region": c.region or "",
        "title": c.title,
        "seed": c.seed,
        "attachment": c.attachment,
        "document_no": c.document_no or "",
        "effective_from": c.effective_from,
        "effective_to": c.effective_to,
        "assumptions": list(c.assumptions),
    }


def version_to_core(
    version: m.CatalogVersion,
    sections: Sequence[m.Section],
    entries: Iterable[m.Entry],
    *,
    core_id: str,
    effective_to: date | None,
) -> CatalogVersion:
    return CatalogVersion(
        id=core_id,
        region=version.region or None,
        title=version.title,
        seed=version.seed,
        attachment=version.attachment,
        effective_from=version.effective_from,
        effective_to=effective_to,
        sections=tuple(section_from_row(s) for s in sections),
        entries=tuple(entry_from_row(e, core_id) for e in entries),
        assumptions=tuple(version.assumptions),
        document_no=version.document_no or None,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | Decimal):
        return str(value)
    return value


def fingerprint(catalog: CatalogVersion, anomalies: Iterable[Anomaly]) -> str:
    """A hash of everything a catalog version holds, so an unchanged re-import is recognised."""
    doc = {
        "meta": {k: _jsonable(v) for k, v in version_meta(catalog).items()},
        "sections": [section_fields(s) for s in catalog.sections],
        "entries": [{k: _jsonable(v) for k, v in entry_fields(e).items()} for e in catalog.entries],
        "anomalies": [anomaly_fields(a) for a in anomalies],
    }
    return hashlib.sha256(json.dumps(doc, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
