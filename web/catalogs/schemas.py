"""Request and response schemas of the catalogs router (they make its part of the OpenAPI document)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, create_model
from pydantic import Field as Describe

from common.api_schemas import Out
from skillsubsidy.catalog.fields import ANOMALY_FIELDS, ENTRY_FIELDS, Field, Kind


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


def _fields_model(name: str, fields: tuple[Field, ...], **extra: Any) -> type[Out]:
    # The API's record schemas are made from the field list (skillsubsidy.catalog.fields), like the
    # CSV files, the tables and the exports, so none of them can drift from the others.
    declared: dict[str, Any] = {f.name: (_API_TYPE[f.kind], ...) for f in fields if not f.provenance}
    model: type[Out] = create_model(name, __base__=Out, **declared, **extra)
    return model


_API_TYPE: dict[Kind, Any] = {
    Kind.TEXT: str,
    Kind.OPTIONAL_TEXT: str | None,
    Kind.INT: int,
    Kind.BOOL: bool,
    Kind.DECIMAL: str | None,  # as written ("30"), never a float
    Kind.INT_LIST: list[int],
    Kind.TEXT_LIST: list[str],
    Kind.ENUM: str,
    Kind.OPTIONAL_ENUM: str | None,
    Kind.ENUM_SET: list[str],
}

if TYPE_CHECKING:  # mypy needs a class where ninja needs the generated model
    EntryOut = Out
    AnomalyOut = Out
else:
    EntryOut = _fields_model("EntryOut", ENTRY_FIELDS, source=(SourceOut, ...))
    AnomalyOut = _fields_model("AnomalyOut", ANOMALY_FIELDS, location=(str, ...))


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
    reason: str = Describe(min_length=1, max_length=2000, description=REASON_DESCRIPTION)


class EntryPatchIn(BaseModel):
    changes: dict[str, str | int | bool | list[int] | list[str] | None] = Describe(
        description="field → corrected value; fields: serial, code, name, category, matched, industry_class, "
        "certificate_type, levels, markers, uplift_pct"
    )
    reason: str = Describe(min_length=1, max_length=2000, description=REASON_DESCRIPTION)


class PublishIn(BaseModel):
    effective_from: date
    effective_to: date | None = None
    reason: str = Describe(min_length=1, max_length=2000, description=REASON_DESCRIPTION)
