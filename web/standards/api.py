"""The quotes and standards part of the open API: a quote, and what an occupation is worth where."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from catalogs import selectors as catalogs
from catalogs.present import occupation_data
from common.api_schemas import ERRORS
from standards import selectors
from standards.schemas import DecisionOut, OccupationOut, QuoteIn

router = Router()


@router.get("/occupations/{code}", response={200: OccupationOut, **ERRORS}, tags=["catalogs"])
def occupation(request: HttpRequest, code: str) -> dict[str, Any]:
    """One occupation across every region, by 大典 code or by name, with each region's standards."""
    profile = catalogs.profile(code)
    return {
        **occupation_data(profile, catalogs.search_index()),
        "standards": selectors.occupation_standards(profile),
    }


@router.post("/quote", response={200: DecisionOut, **ERRORS}, tags=["quotes"], summary="Quote a subsidy")
def quote(request: HttpRequest, payload: QuoteIn) -> HttpResponse:
    """The request and decision of `skillsubsidy quote`: eligibility, amount, reasons and trace."""
    decision = selectors.quote(payload.model_dump(mode="json", exclude_unset=True)).to_json()
    # The decision's JSON already is the document DecisionOut describes (tests/web keeps the two
    # byte for byte equal), so it is encoded once instead of being validated by the schema again.
    return HttpResponse(
        json.dumps(decision, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
