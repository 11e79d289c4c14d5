"""Request and response schemas of the quotes and standards router."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from catalogs.schemas import EntryOut
from common.api_schemas import Out, RegionIn
from skillsubsidy.catalog.model import CertificateType
from skillsubsidy.rules.request import Program


class ReasonOut(Out):
    code: str
    message: str


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
    eligible: bool | None
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
    id: int | None = Field(
        None,
        description="a project of a call (揭榜领题) being tracked in the region (its id in GET "
        "/calls/{call_id}/notice): its accepted standard is paid, or the certificate's catalog standard "
        "where that is higher (002 · 六); program must be project. Without it, the region's cap applies.",
    )


class QuoteIn(_Strict):
    region: RegionIn = Field(description="GB/T 2260 code or name, e.g. 320600 or 南通")
    date: dt.date = Field(description="the day the question is asked (the claim date)")
    program: Program = Program.TRAINING
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
    eligible: bool | None = Field(
        description="null when no catalog or standard is in force on the date (outside_published_periods)"
    )
    amount: str | None = Field(
        description="payable amount in 元; null when no standard exists or the date is outside every period"
    )
    currency: str
    reasons: list[ReasonOut]
    trace: list[TraceOut]
