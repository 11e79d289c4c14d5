"""Typed request and response schemas of the open API (they make the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from skillsubsidy.catalog.model import CertificateType


class Out(BaseModel):
    """Schemas are plain pydantic models: ninja's Schema wraps every value in a Django-aware getter
    when validating, which costs more than the search it reports on."""


class ErrorBody(Out):
    code: str = Field(description="stable error code, e.g. unknown_region, invalid_request")
    message: str
    field: str | None = Field(None, description="the offending field or parameter")
    value: str | None = Field(None, description="the offending value, as received")


class ErrorOut(Out):
    error: ErrorBody


class ReasonOut(Out):
    code: str
    message: str


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


class ListingOut(Out):
    catalog_id: str
    catalog_title: str
    region: str | None
    region_name: str
    section_title: str
    section_kind: str
    shortage: bool
    entry: EntryOut


class LevelAmountOut(Out):
    level: int | None
    amount: str | None
    eligible: bool
    reasons: list[ReasonOut]


class RegionStandardOut(Out):
    region: str
    region_name: str
    on: date = Field(description="the date whose standards were applied")
    program: str
    certificate_type: str
    levels: list[LevelAmountOut]


class StandardsOut(Out):
    priced: list[RegionStandardOut]
    unpriced: list[str] = Field(description="regions listing the occupation without a published standard")


class OccupationOut(Out):
    query: str
    codes: list[str]
    names: list[str]
    work_types: list[str]
    listings: list[ListingOut]
    standards: StandardsOut


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


class HealthOut(Out):
    status: str


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


class _Strict(BaseModel):
    # The engine refuses unknown fields too; refusing them here puts the field name in the error.
    model_config = ConfigDict(extra="forbid")


class QuoteCertificate(_Strict):
    type: CertificateType
    occupation: str | None = Field(None, description="大典 code or name; for entrepreneurship, the course")
    level: int | str | None = Field(None, description="1–5 (1 is the highest) or a name such as 高级工")
    issued_on: date | None = Field(None, description="the standards in force on this date apply")


class QuoteHeld(_Strict):
    occupation: str
    level: int | str


class QuoteTraining(_Strict):
    hours: int | float | str | None = Field(None, description="class hours (课时, 45 minutes each)")
    online_hours: int | float | str | None = None
    minutes: int | None = None
    online_minutes: int | None = None


class QuoteTrainee(_Strict):
    birth_date: date | None = None
    sex: Literal["M", "F"] | None = None
    hukou_local: bool | None = None
    social_insurance_local: bool | None = None
    unemployment_registered: bool | None = None
    groups: list[str] | None = Field(None, description="group codes from policy/groups.yaml")


class QuoteProject(_Strict):
    qualified_trainees: int | None = None


class QuoteIn(_Strict):
    region: str | int = Field(description="GB/T 2260 code or name, e.g. 320600 or 南通")
    date: dt.date = Field(description="the day the question is asked (the claim date)")
    program: Literal["training", "insured_upgrade", "project"] = "training"
    certificate: QuoteCertificate
    held_certificates: list[QuoteHeld] | None = None
    training: QuoteTraining | None = None
    trainee: QuoteTrainee | None = None
    project: QuoteProject | None = None


class TraceOut(Out):
    rule: str
    source: str
    value: str
    outcome: Literal["passed", "failed", "not_checked"] | None = Field(
        description="what a rule check found; null for a step that looks something up (region, "
        "catalog.entry, amount …). not_checked is never a pass: see reasons input_missing, rule_lapsed"
    )


class DecisionOut(Out):
    eligible: bool
    amount: str | None = Field(description="payable amount in 元, or null when no standard exists")
    currency: str
    reasons: list[ReasonOut]
    trace: list[TraceOut]
