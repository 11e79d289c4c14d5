"""The quote request: parsed from JSON into typed values, or refused with the field and value named."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum, StrEnum
from typing import Any

from skillsubsidy.catalog.model import CertificateType
from skillsubsidy.occupations import Level, parse_level
from skillsubsidy.regions import Region, UnknownRegion, resolve_region


class RequestError(ValueError):
    """A request the engine cannot answer. `field` is a dotted path such as `certificate.level`."""

    def __init__(self, field: str, value: object, problem: str) -> None:
        super().__init__(f"{field}: {problem} (got {value!r})")
        self.field = field
        self.value = value
        self.problem = problem

    def to_json(self) -> dict[str, Any]:
        value = self.value if isinstance(self.value, str | int | float | bool | None) else repr(self.value)
        return {"error": "bad_request", "field": self.field, "value": value, "message": self.problem}


Date = date  # `QuoteRequest.date` shadows the type inside the class


class Program(StrEnum):
    TRAINING = "training"  # 政府补贴性职业技能培训
    INSURED_UPGRADE = "insured_upgrade"  # 参保职工技能提升补贴
    PROJECT = "project"  # 项目制培训


class Sex(StrEnum):
    M = "M"
    F = "F"


# Certificates with a skill level, priced by category and level (000 · 附件1, first row group).
LEVEL_TYPES = frozenset({CertificateType.SKILL_LEVEL, CertificateType.VOCATIONAL_QUALIFICATION})
# Certificates whose occupation or item must be looked up in the region's catalog.
CATALOG_TYPES = LEVEL_TYPES | {CertificateType.SPECIAL_ABILITY, CertificateType.TRAINING_QUALIFICATION}
NEEDS_LEVEL = LEVEL_TYPES | {CertificateType.SKILL_EVALUATION}
NEEDS_OCCUPATION = CATALOG_TYPES | {CertificateType.ENTREPRENEURSHIP}
# Programmes that pay for a course taken, where class hours matter (000 · 附件1 · 备注2).
TRAINING_PROGRAMS = frozenset({Program.TRAINING, Program.PROJECT})


@dataclass(frozen=True, slots=True)
class Certificate:
    type: CertificateType
    occupation: str | None
    level: Level | None
    issued_on: date | None  # None: not given; the standards of the request date apply


@dataclass(frozen=True, slots=True)
class HeldCertificate:
    occupation: str
    level: Level


@dataclass(frozen=True, slots=True)
class Training:
    """Time spent, either in 课时 or in minutes; converted only where a rule needs 课时."""

    total: Decimal | None
    online: Decimal | None
    in_minutes: bool


@dataclass(frozen=True, slots=True)
class Trainee:
    birth_date: date | None = None
    sex: Sex | None = None
    hukou_local: bool | None = None
    social_insurance_local: bool | None = None
    unemployment_registered: bool | None = None
    groups: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class ProjectStandard:
    """The standard per qualified trainee the city accepted for one project (002 · 六: 具体执行标准由市
    人力资源社会保障部门按照各培训项目情况确定). Whoever records projects (the web's calls app) supplies
    it; a JSON request cannot, so that no client names its own standard."""

    amount: Decimal  # 元 per qualified trainee
    project: str  # how the trace names the project


@dataclass(frozen=True, slots=True)
class QuoteRequest:
    region: Region
    date: date
    program: Program
    certificate: Certificate
    held_certificates: tuple[HeldCertificate, ...] | None = None  # None: not given
    training: Training | None = None
    trainee: Trainee | None = None
    qualified_trainees: int | None = None  # project.qualified_trainees
    project_standard: ProjectStandard | None = None  # the accepted standard of the project, if one

    @property
    def standards_date(self) -> Date:
        """Standards in force on the certificate's issue date apply; the request date when not given."""
        return self.certificate.issued_on or self.date


_TOP = {"region", "date", "program", "certificate", "held_certificates", "training", "trainee", "project"}
_CERT = {"type", "occupation", "level", "issued_on"}
_HELD = {"occupation", "level"}
_TRAINING = {"hours", "online_hours", "minutes", "online_minutes"}
_TRAINEE = {
    "birth_date", "sex", "hukou_local", "social_insurance_local", "unemployment_registered", "groups",
}  # fmt: skip
_PROJECT = {"qualified_trainees"}


def _mapping(raw: Any, field: str, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise RequestError(field, raw, "must be a JSON object")
    for key in raw:
        if key not in allowed:
            raise RequestError(f"{field}.{key}" if field else str(key), raw[key], "unknown field")
    return raw


def _text(raw: Any, field: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise RequestError(field, raw, "must be a non-empty string")
    return raw.strip()


def _date(raw: Any, field: str) -> date:
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise RequestError(field, raw, "must be a date written YYYY-MM-DD")


def _enum(cls: type[Enum], raw: Any, field: str) -> Any:
    try:
        return cls(raw)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in cls)
        raise RequestError(field, raw, f"must be one of {allowed}") from None


def _level(raw: Any, field: str) -> Level:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise RequestError(field, raw, "must be a skill level 1–5 (1 is the highest)")
    try:
        return parse_level(raw)
    except ValueError:
        raise RequestError(field, raw, "must be a skill level 1–5 (1 is the highest)") from None


def _bool(raw: Any, field: str) -> bool | None:
    if raw is None or isinstance(raw, bool):
        return raw
    raise RequestError(field, raw, "must be true, false or null")


def _amount_of_time(raw: Any, field: str, places: int) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise RequestError(field, raw, "must be a number")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise RequestError(field, raw, "must be a number") from None
    if not value.is_finite() or value < 0:
        raise RequestError(field, raw, "must be a number not below 0")
    if -int(value.as_tuple().exponent) > places:
        what = "whole minutes" if places == 0 else f"at most {places} decimal places"
        raise RequestError(field, raw, f"must be {what}")
    return value


def parse_training(raw: Any) -> Training:
    t = _mapping(raw, "training", _TRAINING)
    in_hours = t.get("hours") is not None or t.get("online_hours") is not None
    in_minutes = t.get("minutes") is not None or t.get("online_minutes") is not None
    if in_hours and in_minutes:
        field = "training.minutes" if t.get("minutes") is not None else "training.online_minutes"
        raise RequestError(field, t.get(field.split(".")[1]), "give class hours or minutes, not both")
    if in_minutes:
        total = _amount_of_time(t.get("minutes"), "training.minutes", 0)
        online = _amount_of_time(t.get("online_minutes"), "training.online_minutes", 0)
        online_field = "training.online_minutes"
    else:
        total = _amount_of_time(t.get("hours"), "training.hours", 2)
        online = _amount_of_time(t.get("online_hours"), "training.online_hours", 2)
        online_field = "training.online_hours"
    if total is not None and online is not None and online > total:
        raise RequestError(online_field, t.get(online_field.split(".")[1]), "exceeds the total")
    return Training(total, online, in_minutes)


def parse_trainee(raw: Any, groups: Mapping[str, str]) -> Trainee:
    t = _mapping(raw, "trainee", _TRAINEE)
    birth = _date(t["birth_date"], "trainee.birth_date") if t.get("birth_date") is not None else None
    sex = _enum(Sex, t["sex"], "trainee.sex") if t.get("sex") is not None else None
    found: tuple[str, ...] | None = None
    if t.get("groups") is not None:
        if not isinstance(t["groups"], list):
            raise RequestError("trainee.groups", t["groups"], "must be a list of group codes")
        for i, g in enumerate(t["groups"]):
            if g not in groups:
                raise RequestError(f"trainee.groups[{i}]", g, f"must be one of {', '.join(groups)}")
        found = tuple(t["groups"])
    return Trainee(
        birth_date=birth,
        sex=sex,
        hukou_local=_bool(t.get("hukou_local"), "trainee.hukou_local"),
        social_insurance_local=_bool(t.get("social_insurance_local"), "trainee.social_insurance_local"),
        unemployment_registered=_bool(t.get("unemployment_registered"), "trainee.unemployment_registered"),
        groups=found,
    )


def parse_request(raw: Any, *, groups: Mapping[str, str]) -> QuoteRequest:
    """Validate a decoded JSON request. `groups` is the trainee-group vocabulary (policy/groups.yaml)."""
    if not isinstance(raw, Mapping):
        raise RequestError("request", raw, "must be a JSON object")
    r = _mapping(raw, "", _TOP)
    for required in ("region", "date", "certificate"):
        if r.get(required) is None:
            raise RequestError(required, None, "is required")
    region_text = str(r["region"]) if isinstance(r["region"], int) else _text(r["region"], "region")
    try:
        region = resolve_region(region_text)
    except UnknownRegion as exc:
        raise RequestError("region", r["region"], str(exc)) from None
    on = _date(r["date"], "date")
    program = _enum(Program, r.get("program", Program.TRAINING.value), "program")

    c = _mapping(r["certificate"], "certificate", _CERT)
    if c.get("type") is None:
        raise RequestError("certificate.type", None, "is required")
    ctype: CertificateType = _enum(CertificateType, c["type"], "certificate.type")
    occupation = _text(c["occupation"], "certificate.occupation") if c.get("occupation") is not None else None
    if occupation is None and ctype in NEEDS_OCCUPATION:
        raise RequestError("certificate.occupation", None, f"is required for a {ctype.value} certificate")
    level = _level(c["level"], "certificate.level") if c.get("level") is not None else None
    if level is None and ctype in NEEDS_LEVEL:
        raise RequestError("certificate.level", None, f"is required for a {ctype.value} certificate")
    issued = _date(c["issued_on"], "certificate.issued_on") if c.get("issued_on") is not None else None
    if issued is not None and issued > on:
        raise RequestError("certificate.issued_on", c["issued_on"], f"is after the request date {on}")

    held: tuple[HeldCertificate, ...] | None = None
    if r.get("held_certificates") is not None:
        if not isinstance(r["held_certificates"], Sequence) or isinstance(r["held_certificates"], str):
            raise RequestError("held_certificates", r["held_certificates"], "must be a list")
        items = []
        for i, h in enumerate(r["held_certificates"]):
            field = f"held_certificates[{i}]"
            hm = _mapping(h, field, _HELD)
            items.append(
                HeldCertificate(
                    _text(hm.get("occupation"), f"{field}.occupation"),
                    _level(hm.get("level"), f"{field}.level"),
                )
            )
        held = tuple(items)

    project = _mapping(r["project"], "project", _PROJECT) if r.get("project") is not None else {}
    trainees = project.get("qualified_trainees")
    if trainees is not None and (isinstance(trainees, bool) or not isinstance(trainees, int) or trainees < 0):
        raise RequestError("project.qualified_trainees", trainees, "must be a whole number not below 0")

    return QuoteRequest(
        region=region,
        date=on,
        program=program,
        certificate=Certificate(ctype, occupation, level, issued),
        held_certificates=held,
        training=parse_training(r["training"]) if r.get("training") is not None else None,
        trainee=parse_trainee(r["trainee"], groups) if r.get("trainee") is not None else None,
        qualified_trainees=trainees,
    )
