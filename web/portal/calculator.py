"""The calculator form: turn form fields into the quote request of `skillsubsidy quote`.

Only presentation lives here (which fields the form has and how they become JSON); deciding is
the engine's job, and it validates the request itself.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils import timezone

from skillsubsidy.catalog.model import CertificateType
from skillsubsidy.rules.request import Program

PROGRAMS = tuple(p.value for p in Program)
TRUE_FALSE = {"yes": True, "no": False}


def _number(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def form_defaults(occupation: str = "") -> dict[str, str]:
    # The bureaus' "today": a quote made just after midnight in Beijing is for the new day.
    today = timezone.localdate().isoformat()
    return {"region": "320600", "date": today, "program": Program.TRAINING.value,
            "type": CertificateType.SKILL_LEVEL.value, "occupation": occupation, "level": "3"}  # fmt: skip


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
    return request
