"""附件1 as stored: the two mobiles of 附件1 · 一 (the legal representative's and the contact's) are
personal data, sealed at rest with their masks beside them, and unsealed only for those who need them
(the clerk who typed them, the bureau that calls back, the printed form)."""

from __future__ import annotations

import json
from typing import Any

from common.personal import seal, unseal

_PERSONS = ("legal_representative", "contact")


def sealed_form(form: dict[str, Any]) -> dict[str, Any]:
    """The form as stored: the two mobiles of 附件1 · 一 sealed (personal data), their masks kept."""
    stored: dict[str, Any] = json.loads(json.dumps(form))
    unit = stored.get("unit")
    if isinstance(unit, dict):
        for key in _PERSONS:
            person = unit.get(key)
            if isinstance(person, dict) and isinstance(person.get("mobile"), str) and person["mobile"]:
                sealed = seal(person.pop("mobile").strip())
                person["mobile_sealed"] = sealed.token
                person["mobile_masked"] = sealed.masked
    return stored


def opened_form(stored: dict[str, Any]) -> dict[str, Any]:
    """The form as its readers need it: the mobiles unsealed, the masks dropped."""
    form: dict[str, Any] = json.loads(json.dumps(stored))
    unit = form.get("unit")
    if isinstance(unit, dict):
        for key in _PERSONS:
            person = unit.get(key)
            if isinstance(person, dict) and "mobile_sealed" in person:
                person["mobile"] = unseal(person.pop("mobile_sealed"))
                person.pop("mobile_masked", None)
    return form
