"""Conversions between stored rows and the core catalog types, in both directions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from catalogs import models as m
from skillsubsidy.catalog.model import (
    Anomaly,
    CatalogVersion,
    Category,
    CertificateType,
    Entry,
    Provenance,
    Section,
    SectionKind,
    Severity,
)
from skillsubsidy.occupations import Marker


def entry_fields(e: Entry) -> dict[str, Any]:
    """Column values for an Entry row (without version and position)."""
    p = e.provenance
    return {
        "section": e.section,
        "serial": e.serial or "",
        "code": e.code or "",
        "name": e.name,
        "occupation": e.occupation,
        "work_type": e.work_type or "",
        "raw_name": e.raw_name,
        "category": e.category.value if e.category else "",
        "matched": e.matched,
        "industry_class": e.industry_class or "",
        "programmes": list(e.programmes),
        "certificate_type": e.certificate_type.value if e.certificate_type else "",
        "levels": list(e.levels),
        "markers": sorted(mk.value for mk in e.markers),
        "edition": e.edition or "",
        "uplift_pct": str(e.uplift_pct) if e.uplift_pct is not None else "",
        "occupation_name": e.occupation_name or "",
        "prov_seed": p.seed,
        "prov_attachment": p.attachment,
        "prov_section": p.section,
        "prov_line": p.line,
        "prov_raw": p.raw,
    }


def entry_from_row(row: m.Entry, catalog_id: str) -> Entry:
    return Entry(
        catalog_id=catalog_id,
        section=row.section,
        serial=row.serial or None,
        code=row.code or None,
        name=row.name,
        occupation=row.occupation,
        work_type=row.work_type or None,
        raw_name=row.raw_name,
        provenance=Provenance(
            row.prov_seed, row.prov_attachment, row.prov_section, row.prov_line, row.prov_raw
        ),
        category=Category(row.category) if row.category else None,
        matched=row.matched,
        industry_class=row.industry_class or None,
        programmes=tuple(row.programmes),
        certificate_type=CertificateType(row.certificate_type) if row.certificate_type else None,
        levels=tuple(int(v) for v in row.levels),
        markers=frozenset(Marker(v) for v in row.markers),
        edition=row.edition or None,
        uplift_pct=Decimal(row.uplift_pct) if row.uplift_pct else None,
        occupation_name=row.occupation_name or None,
    )


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
    return {
        "kind": a.kind,
        "severity": a.severity.value,
        "message": a.message,
        "seed": a.seed,
        "attachment": a.attachment,
        "section": a.section,
        "line": a.line,
        "serial": a.serial or "",
        "catalog_id": a.catalog_id or "",
        "original": a.original,
        "suggestion": a.suggestion or "",
    }


def anomaly_from_row(row: m.Anomaly) -> Anomaly:
    return Anomaly(
        kind=row.kind,
        message=row.message,
        seed=row.seed,
        attachment=row.attachment,
        section=row.section,
        line=row.line,
        original=row.original,
        catalog_id=row.catalog_id or None,
        serial=row.serial or None,
        suggestion=row.suggestion or None,
        severity=Severity(row.severity),
    )


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
