"""The calculator form: turn form fields into the quote request of `skillsubsidy quote`.

Only presentation lives here (which fields the form has and how they become JSON); deciding is
the engine's job, and it validates the request itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict

from skillsubsidy.catalog.model import CertificateType
from skillsubsidy.rules.request import Program

PROGRAMS = tuple(p.value for p in Program)
TRUE_FALSE = {"yes": True, "no": False}


def _number(text: str) -> int | str:
    return int(text) if text.isdigit() else text


CARRIED = ("occupation", "region", "date", "program", "type", "level")


def form_defaults(carried: Mapping[str, str] | None = None) -> dict[str, str]:
    """The form a bare GET opens with: Nantong, training, a level-3 skill certificate, and whatever
    the page the worker came from carried (occupation, region, date, programme, type, level). An
    empty date is chosen by the view: a day on which the region has a catalog in force."""
    form = {"region": "320600", "date": "", "program": Program.TRAINING.value,
            "type": CertificateType.SKILL_LEVEL.value, "occupation": "", "level": "3"}  # fmt: skip
    for name in CARRIED:
        value = ((carried or {}).get(name) or "").strip()[:100]
        if value:
            form[name] = value
    return form


def build_request(data: QueryDict) -> dict[str, Any]:
    """The JSON request for the filled-in fields; empty fields are left out, as the API allows."""

    def get(name: str) -> str:
        return (data.get(name) or "").strip()

    cert: dict[str, Any] = {"type": get("type")}
    if get("occupation"):
        cert["occupation"] = get("occupation")
    if get("level"):
        cert["level"] = _number(get("level"))
    if get("issued_on"):
        cert["issued_on"] = get("issued_on")
    request: dict[str, Any] = {
        "region": get("region"),
        "date": get("date"),
        "program": get("program") or Program.TRAINING.value,
        "certificate": cert,
    }
    if get("held_occupation") or get("held_level"):
        request["held_certificates"] = [
            {"occupation": get("held_occupation"), "level": _number(get("held_level"))}
        ]
    training: dict[str, Any] = {}
    if get("hours"):
        training["hours"] = _number(get("hours"))
    if get("online_hours"):
        training["online_hours"] = _number(get("online_hours"))
    if training:
        request["training"] = training
    trainee: dict[str, Any] = {}
    if get("birth_date"):
        trainee["birth_date"] = get("birth_date")
    if get("sex"):
        trainee["sex"] = get("sex")
    for flag in ("hukou_local", "social_insurance_local", "unemployment_registered"):
        if get(flag) in TRUE_FALSE:
            trainee[flag] = TRUE_FALSE[get(flag)]
    groups = [g for g in data.getlist("groups") if g]
    if groups:
        trainee["groups"] = groups
    if trainee:
        request["trainee"] = trainee
    if get("qualified_trainees"):
        request["project"] = {"qualified_trainees": _number(get("qualified_trainees"))}
    if get("project"):
        # A project of a call: its accepted standard applies (standards.selectors.quote).
        request.setdefault("project", {})["id"] = _number(get("project"))
    return request
