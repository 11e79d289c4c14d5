"""A call read from its policy file: project types, deadlines, the subsidy cap, the notice period,
the rubric and the form parameters, each checked when the file is read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from skillsubsidy.regions import all_regions, children


def yuan(fen: int) -> str:
    """Fen as the 元 the forms print: 80000 → 800, 80050 → 800.50."""
    whole, cents = divmod(fen, 100)
    return f"{whole}" if cents == 0 else f"{whole}.{cents:02d}"


class CallFileError(ValueError):
    """A call file that does not say what a call needs; names the key and the value."""

    def __init__(self, path: str, value: object, problem: str) -> None:
        super().__init__(f"{path}: {problem} (value: {value!r})")
        self.path = path
        self.value = value
        self.problem = problem


class CallNotReady(ValueError):
    """A call that may not open yet, with every missing setting named."""

    def __init__(self, call_id: str, missing: tuple[str, ...]) -> None:
        super().__init__(f"{call_id} cannot open: " + "; ".join(missing))
        self.missing = missing


class DeadlinePassed(ValueError):
    def __init__(self, deadline: Deadline, at: datetime, closes_at: datetime) -> None:
        super().__init__(
            f"{deadline.label_zh}的截止时间为{deadline.due_on.month}月{deadline.due_on.day}日"
            f"（{closes_at.isoformat()}前），提交时间 {at.isoformat()} 已过期限"
        )
        self.deadline = deadline
        self.at = at
        self.closes_at = closes_at


@dataclass(frozen=True, slots=True)
class ProjectType:
    code: str
    label_zh: str
    label_en: str
    source: str


@dataclass(frozen=True, slots=True)
class Deadline:
    code: str
    label_zh: str
    label_en: str
    due_on: date  # the last day on which a submission counts
    source: str


@dataclass(frozen=True, slots=True)
class Extension:
    """A later last day for one deadline, granted by a named person with a reason."""

    deadline: str
    until: date
    granted_by: str
    reason: str


@dataclass(frozen=True, slots=True)
class Criterion:
    code: str
    label_zh: str
    label_en: str
    weight: int  # the weights of a rubric add up to 100
    max_points: int
    description: str


@dataclass(frozen=True, slots=True)
class Rubric:
    criteria: tuple[Criterion, ...]
    example: bool  # True: shipped to show the shape; the city replaces it before scoring
    min_reviewers: int
    disagreement_threshold: int  # points on the 100-point weighted total

    def criterion(self, code: str) -> Criterion:
        for c in self.criteria:
            if c.code == code:
                return c
        raise KeyError(code)


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    field: str  # a field of outputs.SummaryRow


@dataclass(frozen=True, slots=True)
class SummaryLayout:
    title: str
    heading: tuple[str, ...]  # the labels above the table, each followed by its value
    columns: tuple[Column, ...]


# The fields a summary column may show; outputs.SummaryRow has each of them.
SUMMARY_FIELDS = frozenset(
    {
        "serial",
        "unit",
        "unit_kind",
        "project",
        "project_type",
        "occupation",
        "classes",
        "trainees",
        "delivery",
        "certificates",
        "proposed_standard",
        "districts",
    }
)


@dataclass(frozen=True, slots=True)
class FormSettings:
    finance_years: tuple[int, ...]
    printed_districts: tuple[str, ...]
    former_districts: Mapping[str, tuple[str, str]]  # printed name → (current code, note)
    form_type_boxes: Mapping[str, str]  # project type → the box ticked on 附件1
    applicant_summary: SummaryLayout  # 附件2
    district_summary: SummaryLayout  # 附件3


@dataclass(frozen=True, slots=True)
class Call:
    id: str
    region: str  # GB/T 2260 code of the city that runs the call
    title: str
    published_on: date
    source: str
    timezone: str
    project_types: tuple[ProjectType, ...]
    deadlines: tuple[Deadline, ...]
    max_per_trainee_fen: int
    budget_fen: int | None
    notice_days: int | None
    rubric: Rubric
    forms: FormSettings

    def project_type(self, code: str) -> ProjectType:
        for t in self.project_types:
            if t.code == code:
                return t
        raise KeyError(code)

    def deadline(self, code: str) -> Deadline:
        for d in self.deadlines:
            if d.code == code:
                return d
        raise KeyError(code)

    def missing_settings(self) -> tuple[str, ...]:
        """What the city must still set before the call opens, each in words a clerk can act on."""
        missing = []
        if self.notice_days is None:
            missing.append("公示期天数未设定：征集通知未规定公示期，须由市人社部门设定后方可开放征集")
        if self.budget_fen is None:
            missing.append("培训资金预算未设定：征集通知未列明预算，须设定后方可开放征集")
        if self.rubric.example:
            missing.append("评分细则仍为示例：文件未规定量化评审标准，须由市人社部门替换示例细则")
        return tuple(missing)

    def ensure_ready(self) -> None:
        missing = self.missing_settings()
        if missing:
            raise CallNotReady(self.id, missing)

    def closes_at(self, code: str, extensions: tuple[Extension, ...] = ()) -> datetime:
        """The first instant at which a submission is late: midnight after the last day (or after the
        latest extension of it), in the call's time zone."""
        last_day = self.deadline(code).due_on
        for ext in extensions:
            if ext.deadline == code and ext.until > last_day:
                last_day = ext.until
        return datetime.combine(last_day + timedelta(days=1), time(), ZoneInfo(self.timezone))

    def ensure_in_time(self, code: str, at: datetime, extensions: tuple[Extension, ...] = ()) -> None:
        if at.tzinfo is None:
            raise ValueError(f"submission time {at.isoformat()} has no time zone")
        closes = self.closes_at(code, extensions)
        if at >= closes:
            raise DeadlinePassed(self.deadline(code), at, closes)


def extend(*, call: Call, deadline: str, until: date, granted_by: str, reason: str) -> Extension:
    """An extension is valid only with a person, a reason, and a day later than the one it moves."""
    due = call.deadline(deadline).due_on
    if not granted_by.strip():
        raise CallFileError("extension.granted_by", granted_by, "须写明批准延期的人员")
    if not reason.strip():
        raise CallFileError("extension.reason", reason, "须写明延期理由")
    if until <= due:
        raise CallFileError("extension.until", until.isoformat(), f"须晚于原截止日 {due.isoformat()}")
    return Extension(deadline, until, granted_by.strip(), reason.strip())


def _need(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], path: str) -> Any:
    if key not in data:
        raise CallFileError(f"{path}{key}", None, "missing")
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise CallFileError(f"{path}{key}", value, f"expected {getattr(kind, '__name__', kind)}")
    return value


def _optional_int(data: Mapping[str, Any], key: str, path: str, minimum: int) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise CallFileError(f"{path}{key}", value, f"expected an integer ≥ {minimum} or null")
    return value


def _rubric(data: Mapping[str, Any]) -> Rubric:
    criteria = []
    for i, c in enumerate(_need(data, "criteria", list, "scoring.")):
        p = f"scoring.criteria[{i}]."
        criterion = Criterion(
            _need(c, "code", str, p),
            _need(c, "label_zh", str, p),
            _need(c, "label_en", str, p),
            _need(c, "weight", int, p),
            _need(c, "max_points", int, p),
            _need(c, "description", str, p),
        )
        if criterion.weight <= 0 or criterion.max_points <= 0:
            raise CallFileError(p + "weight", (criterion.weight, criterion.max_points), "must be positive")
        criteria.append(criterion)
    codes = [c.code for c in criteria]
    if len(set(codes)) != len(codes):
        raise CallFileError("scoring.criteria", codes, "criterion codes repeat")
    total = sum(c.weight for c in criteria)
    if total != 100:
        raise CallFileError("scoring.criteria[].weight", total, "weights must add up to 100")
    threshold = _need(data, "disagreement_threshold", int, "scoring.")
    reviewers = _need(data, "min_reviewers", int, "scoring.")
    if reviewers < 1:
        raise CallFileError("scoring.min_reviewers", reviewers, "at least one reviewer")
    return Rubric(tuple(criteria), bool(data.get("example", False)), reviewers, threshold)


def _layout(data: Mapping[str, Any], path: str) -> SummaryLayout:
    columns = []
    for i, c in enumerate(_need(data, "columns", list, path)):
        column = Column(
            _need(c, "header", str, f"{path}columns[{i}]."), _need(c, "field", str, f"{path}columns[{i}].")
        )
        if column.field not in SUMMARY_FIELDS:
            raise CallFileError(f"{path}columns[{i}].field", column.field, f"one of {sorted(SUMMARY_FIELDS)}")
        columns.append(column)
    heading = tuple(str(h) for h in _need(data, "heading", list, path))
    return SummaryLayout(_need(data, "title", str, path), heading, tuple(columns))


def parse_call(data: Mapping[str, Any]) -> Call:
    region = str(_need(data, "region", str, ""))
    if region not in all_regions():
        raise CallFileError("region", region, "not a GB/T 2260 code")
    types = tuple(
        ProjectType(
            _need(t, "code", str, f"project_types[{i}]."),
            _need(t, "label_zh", str, f"project_types[{i}]."),
            _need(t, "label_en", str, f"project_types[{i}]."),
            _need(t, "source", str, f"project_types[{i}]."),
        )
        for i, t in enumerate(_need(data, "project_types", list, ""))
    )
    if not types:
        raise CallFileError("project_types", [], "a call has at least one project type")
    deadlines = tuple(
        Deadline(
            _need(d, "code", str, f"deadlines[{i}]."),
            _need(d, "label_zh", str, f"deadlines[{i}]."),
            _need(d, "label_en", str, f"deadlines[{i}]."),
            _need(d, "due_on", date, f"deadlines[{i}]."),
            _need(d, "source", str, f"deadlines[{i}]."),
        )
        for i, d in enumerate(_need(data, "deadlines", list, ""))
    )
    for earlier, later in pairwise(deadlines):
        if later.due_on < earlier.due_on:
            raise CallFileError(
                f"deadlines.{later.code}.due_on", later.due_on.isoformat(), "before the one it follows"
            )
    subsidy = _need(data, "subsidy", dict, "")
    cap = _need(subsidy, "max_per_qualified_trainee_fen", int, "subsidy.")
    if cap <= 0:
        raise CallFileError("subsidy.max_per_qualified_trainee_fen", cap, "must be positive")
    forms = _need(data, "forms", dict, "")
    former = {
        str(name): (str(_need(v, "now", str, f"forms.former_districts.{name}.")), str(v.get("note", "")))
        for name, v in (forms.get("former_districts") or {}).items()
    }
    known_types = {t.code for t in types}
    boxes = {str(k): str(v) for k, v in (forms.get("form_type_boxes") or {}).items()}
    stray = sorted(set(boxes) - known_types)
    if stray:
        raise CallFileError("forms.form_type_boxes", stray[0], "not a project type of this call")
    timezone = str(data.get("timezone", "Asia/Shanghai"))
    try:
        ZoneInfo(timezone)
    except (KeyError, ValueError):
        raise CallFileError("timezone", timezone, "unknown time zone") from None
    notice = data.get("notice") or {}
    return Call(
        id=_need(data, "id", str, ""),
        region=region,
        title=_need(data, "title", str, ""),
        published_on=_need(data, "published_on", date, ""),
        source=_need(data, "source", str, ""),
        timezone=timezone,
        project_types=types,
        deadlines=deadlines,
        max_per_trainee_fen=cap,
        budget_fen=_optional_int(data, "budget_fen", "", 1),
        notice_days=_optional_int(notice, "days", "notice.", 1),
        rubric=_rubric(_need(data, "scoring", dict, "")),
        forms=FormSettings(
            finance_years=tuple(int(y) for y in _need(forms, "finance_years", list, "forms.")),
            printed_districts=tuple(str(d) for d in forms.get("printed_districts") or ()),
            former_districts=former,
            form_type_boxes=boxes,
            applicant_summary=_layout(
                _need(forms, "applicant_summary", dict, "forms."), "forms.applicant_summary."
            ),
            district_summary=_layout(
                _need(forms, "district_summary", dict, "forms."), "forms.district_summary."
            ),
        ),
    )


def shipped_calls() -> tuple[str, ...]:
    folder = resources.files("skillsubsidy.policy").joinpath("calls")
    return tuple(sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")))


@cache
def load_call(call_id: str) -> Call:
    if call_id not in shipped_calls():
        raise KeyError(f"no call {call_id!r}; shipped: {', '.join(shipped_calls())}")
    path = resources.files("skillsubsidy.policy").joinpath("calls", f"{call_id}.yaml")
    return parse_call(yaml.safe_load(path.read_text("utf-8")))


def call_districts(call: Call) -> dict[str, str]:
    """The call region's districts, name → code, from the GB/T 2260 tree."""
    return {r.name: r.code for r in children(call.region)}
