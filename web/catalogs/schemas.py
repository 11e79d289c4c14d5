"""Request and response schemas of the catalogs router (they make its part of the OpenAPI document)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from common.api_schemas import Out


class RegionOut(Out):
    code: str
    name: str
    short: str
    en: str
    parent: str | None
    level: str


class SectionOut(Out):
    key: str
    title: str
    kind: str
    certificate_type: str | None
    entry_count: int


class CatalogOut(Out):
    id: str
    version: int | None
    region: str | None
    region_name: str
    title: str
    seed: str
    attachment: str
    document_no: str | None
    effective_from: date | None
    effective_to: date | None
    entry_count: int
    sections: list[SectionOut]
    assumptions: list[str]
    entries_url: str


class SourceOut(Out):
    seed: str
    attachment: str
    section: str
    line: int
    raw: str
    cite: str


class EntryOut(Out):
    catalog_id: str
    section: str
    serial: str | None
    code: str | None
    name: str
    occupation: str
    work_type: str | None
    raw_name: str
    category: str | None
    matched: bool
    industry_class: str | None
    programmes: list[str]
    certificate_type: str | None
    levels: list[int]
    markers: list[str]
    edition: str | None
    uplift_pct: str | None
    occupation_name: str | None
    source: SourceOut


class EntryPage(Out):
    catalog: CatalogOut
    count: int
    offset: int
    limit: int
    items: list[EntryOut]


class HitOut(EntryOut):
    region: str | None
    region_name: str
    catalog_title: str
    section_title: str
    section_kind: str
    shortage: bool
    score: float
    matched_on: str


class SearchOut(Out):
    query: str
    count: int
    items: list[HitOut]


class AnomalyOut(Out):
    kind: str
    severity: str
    message: str
    seed: str
    attachment: str
    section: str
    line: int
    serial: str | None
    catalog_id: str | None
    original: str
    suggestion: str | None
    location: str


class QualityOut(Out):
    count: int
    summary: dict[str, dict[str, int]]
    items: list[AnomalyOut]


class VersionOut(Out):
    id: int
    catalog_id: str
    number: int
    status: str
    region: str | None
    title: str
    effective_from: date | None
    effective_to: date | None


REASON_DESCRIPTION = "why the change is made; kept in the audit trail with who and when"


class DraftIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description=REASON_DESCRIPTION)


class EntryPatchIn(BaseModel):
    changes: dict[str, str | int | bool | list[int] | list[str] | None] = Field(
        description="field → corrected value; fields: serial, code, name, category, matched, industry_class, "
        "certificate_type, levels, markers, uplift_pct"
    )
    reason: str = Field(min_length=1, max_length=2000, description=REASON_DESCRIPTION)


class PublishIn(BaseModel):
    effective_from: date
    effective_to: date | None = None
    reason: str = Field(min_length=1, max_length=2000, description=REASON_DESCRIPTION)
