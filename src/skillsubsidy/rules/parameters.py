"""Policy parameters: every amount, percentage, limit and window as data, dated, with a unit and a source.

Layout: `<policy dir>/parameters/<region>/<anything>.yaml`, where `<region>` is any name
`resolve_region` accepts (`nantong`, `320600`, `南通`). A file holds

```yaml
parameters:
  standard.skill_level.A.level_3:
    label: 职业资格证书、职业技能等级证书 · A类 · 高级（三级）
    unit: CNY
    source: 000_d6c6a123f4673bde.txt · 附件1 · … · line 22
    values: {2025-01-01: 2000, 2026-01-01: null}
```

A value applies from its date until the next dated value; `null` means "no value from this date".
A value may carry its own source (`2027-01-01: {value: 2100, source: …}`), so next year's standard
can be added in a new file without touching this year's. The directory is read again when its files
change (`PolicyStore.refresh`), so staff can add a standard without a restart.
"""

from __future__ import annotations

import bisect
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from skillsubsidy.catalog.model import Category, CertificateType
from skillsubsidy.regions import UnknownRegion, resolve_region

POLICY_DIR_ENV = "SKILLSUBSIDY_POLICY_DIR"

Value = Decimal | int | bool | str | tuple[str, ...]


class Unit(StrEnum):
    CNY = "CNY"  # 元 per person
    PERCENT = "percent"
    CLASS_HOURS = "class_hours"  # 课时 (45 minutes each, 000 · 附件1 · 备注2)
    MINUTES = "minutes"
    MONTHS = "months"
    WORKING_DAYS = "working_days"  # counted on the working-day calendar (skillsubsidy.calendar)
    YEARS = "years"
    COUNT = "count"
    FLAG = "flag"
    CATEGORY = "category"
    GROUPS = "groups"  # codes from policy/groups.yaml
    CERTIFICATE_TYPES = "certificate_types"  # CertificateType values
    TEXTS = "texts"  # phrases as the document prints them (a business scope's words, named bases)

    @property
    def label_zh(self) -> str:
        return _UNIT_LABELS[self]

    @property
    def label_en(self) -> str:
        return _UNIT_LABELS_EN[self]


_UNIT_LABELS = {
    Unit.CNY: "元/人",
    Unit.PERCENT: "%",
    Unit.CLASS_HOURS: "课时",
    Unit.MINUTES: "分钟",
    Unit.MONTHS: "个月",
    Unit.WORKING_DAYS: "个工作日",
    Unit.YEARS: "周岁",
    Unit.COUNT: "次",
    Unit.FLAG: "",
    Unit.CATEGORY: "类",
    Unit.GROUPS: "",
    Unit.CERTIFICATE_TYPES: "",
    Unit.TEXTS: "",
}
_UNIT_LABELS_EN = {
    Unit.CNY: "yuan per person",
    Unit.PERCENT: "%",
    Unit.CLASS_HOURS: "class hours",
    Unit.MINUTES: "minutes",
    Unit.MONTHS: "months",
    Unit.WORKING_DAYS: "working days",
    Unit.YEARS: "years of age",
    Unit.COUNT: "times",
    Unit.FLAG: "",
    Unit.CATEGORY: "category",
    Unit.GROUPS: "",
    Unit.CERTIFICATE_TYPES: "",
    Unit.TEXTS: "",
}
# Money and rates are compared in integer fen and basis points by the batch engine, so their
# parameters may not be finer than that.
_DECIMAL_PLACES = {Unit.CNY: 2, Unit.PERCENT: 2, Unit.CLASS_HOURS: 2}


class ParameterError(ValueError):
    """A parameter file that cannot be used; names the file and the parameter."""

    def __init__(self, file: str, name: str | None, message: str) -> None:
        where = f"{file}: {name}" if name else file
        super().__init__(f"{where}: {message}")
        self.file = file
        self.name = name


@dataclass(frozen=True, slots=True)
class DatedValue:
    since: date
    value: Value | None  # None: no value from `since` on
    source: str
    file: str  # the YAML file, relative to the policy directory


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    region: str  # GB/T 2260 code
    unit: Unit
    label: str
    values: tuple[DatedValue, ...]  # sorted by date
    matches: tuple[str, ...] = ()  # names that select this parameter (entrepreneurship courses)
    note: str | None = None
    assumptions: tuple[str, ...] = ()

    def at(self, on: date) -> DatedValue | None:
        """The value in force on `on`: the latest dated value not after it."""
        i = bisect.bisect_right([v.since for v in self.values], on)
        return self.values[i - 1] if i else None


@dataclass(frozen=True)
class ParameterSet:
    """Every parameter read from one policy directory, by region code then name."""

    by_region: Mapping[str, Mapping[str, Parameter]]
    groups: Mapping[str, str]  # group code → 中文 label, the vocabulary of trainee.groups
    directory: Path | None = None

    def region(self, code: str) -> Mapping[str, Parameter]:
        return self.by_region.get(code, {})

    def parameters(self) -> Iterator[Parameter]:
        for params in self.by_region.values():
            yield from params.values()

    def dates(self, region_codes: list[str]) -> set[date]:
        """Every date on which a value of these regions' parameters starts or ends."""
        return {v.since for code in region_codes for p in self.region(code).values() for v in p.values}


def package_policy_dir() -> Path:
    return Path(str(resources.files("skillsubsidy.policy")))


def default_policy_dir() -> Path:
    """SKILLSUBSIDY_POLICY_DIR when set (the back office's writable copy), else the shipped policy."""
    if env := os.environ.get(POLICY_DIR_ENV):
        return Path(env)
    return package_policy_dir()


def load_groups(policy_dir: Path) -> dict[str, str]:
    path = policy_dir / "groups.yaml"
    if not path.exists():
        path = package_policy_dir() / "groups.yaml"
    doc = yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
    return {str(g["code"]): str(g["label"]) for g in doc["groups"]}


def load_parameters(policy_dir: Path) -> ParameterSet:
    """Read and validate `policy_dir/parameters/**.yaml`; raise ParameterError on the first problem."""
    groups = load_groups(policy_dir)
    root = policy_dir / "parameters"
    merged: dict[tuple[str, str], _Building] = {}
    for path in sorted(root.glob("*/*.yaml")) if root.exists() else []:
        rel = str(path.relative_to(policy_dir))
        try:
            region = resolve_region(path.parent.name).code
        except UnknownRegion as exc:
            raise ParameterError(rel, None, f"directory is not a region: {exc}") from exc
        doc = yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader) or {}
        if not isinstance(doc, dict) or not isinstance(doc.get("parameters"), dict):
            raise ParameterError(rel, None, "expected a mapping with a `parameters` mapping")
        assumptions = tuple(str(a) for a in doc.get("assumptions") or ())
        for name, spec in doc["parameters"].items():
            _read_parameter(rel, region, str(name), spec, assumptions, groups, merged)
    by_region: dict[str, dict[str, Parameter]] = {}
    for (region, name), b in sorted(merged.items()):
        values = tuple(sorted(b.values, key=lambda v: v.since))
        by_region.setdefault(region, {})[name] = Parameter(
            name, region, b.unit, b.label, values, b.matches, b.note, b.assumptions
        )
    return ParameterSet(by_region, groups, policy_dir)


@dataclass
class _Building:
    unit: Unit
    label: str
    matches: tuple[str, ...]
    note: str | None
    assumptions: tuple[str, ...]
    values: list[DatedValue] = field(default_factory=list)


_KEYS = {"label", "unit", "source", "values", "matches", "note"}


def _read_parameter(
    file: str,
    region: str,
    name: str,
    spec: Any,
    assumptions: tuple[str, ...],
    groups: Mapping[str, str],
    merged: dict[tuple[str, str], _Building],
) -> None:
    if not isinstance(spec, dict):
        raise ParameterError(file, name, "expected a mapping with unit, source and values")
    if unknown := set(spec) - _KEYS:
        raise ParameterError(file, name, f"unknown keys {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    try:
        unit = Unit(str(spec.get("unit")))
    except ValueError:
        allowed = ", ".join(u.value for u in Unit)
        raise ParameterError(file, name, f"unit {spec.get('unit')!r} is not one of {allowed}") from None
    values = spec.get("values")
    if not isinstance(values, dict) or not values:
        raise ParameterError(file, name, "`values` must map effective dates to values")
    default_source = spec.get("source")
    building = merged.get((region, name))
    if building is None:
        building = merged[(region, name)] = _Building(
            unit,
            str(spec.get("label") or name),
            tuple(str(m) for m in spec.get("matches") or ()),
            str(spec["note"]) if spec.get("note") else None,
            assumptions,
        )
    elif building.unit is not unit:
        raise ParameterError(file, name, f"unit {unit.value} differs from {building.unit.value} elsewhere")
    taken = {v.since: v.file for v in building.values}
    for since, raw in values.items():
        if not isinstance(since, date):
            raise ParameterError(file, name, f"{since!r} is not a date (write YYYY-MM-DD)")
        if since in taken:
            raise ParameterError(file, name, f"{since} is already given in {taken[since]}")
        source = default_source
        if isinstance(raw, dict):
            source = raw.get("source", default_source)
            raw = raw.get("value")
        if not source:
            raise ParameterError(file, name, f"the value from {since} has no source")
        value = None if raw is None else _convert(file, name, unit, raw, groups)
        building.values.append(DatedValue(since, value, str(source), file))


def _convert(file: str, name: str, unit: Unit, raw: Any, groups: Mapping[str, str]) -> Value:
    def fail(expected: str) -> ParameterError:
        return ParameterError(file, name, f"{raw!r} is not {expected} (unit {unit.value})")

    if unit in _DECIMAL_PLACES:
        # Floats are refused: 0.1 in YAML is already not 0.1.
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            raise fail("an integer or a quoted decimal")
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            raise fail("a number") from None
        exponent = number.as_tuple().exponent
        if not number.is_finite() or number < 0 or -int(exponent) > _DECIMAL_PLACES[unit]:
            raise fail(f"a non-negative number with at most {_DECIMAL_PLACES[unit]} decimal places")
        return number
    if unit in (Unit.MINUTES, Unit.MONTHS, Unit.WORKING_DAYS, Unit.YEARS, Unit.COUNT):
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise fail("a non-negative integer")
        return raw
    if unit is Unit.FLAG:
        if not isinstance(raw, bool):
            raise fail("true or false")
        return raw
    if unit is Unit.CATEGORY:
        if raw not in {c.value for c in Category}:
            *rest, last = (c.value for c in Category)
            raise fail(f"{', '.join(rest)} or {last}")
        return str(raw)
    if unit is Unit.CERTIFICATE_TYPES:
        types = {t.value for t in CertificateType}
        if not isinstance(raw, list) or any(t not in types for t in raw):
            raise fail(f"a list of certificate types ({', '.join(sorted(types))})")
        return tuple(str(t) for t in raw)
    if unit is Unit.TEXTS:
        if not isinstance(raw, list) or not all(isinstance(t, str) and t.strip() for t in raw):
            raise fail("a list of non-empty phrases")
        return tuple(t.strip() for t in raw)
    if not isinstance(raw, list) or any(g not in groups for g in raw):
        raise fail(f"a list of group codes from groups.yaml ({', '.join(groups)})")
    return tuple(str(g) for g in raw)


def _signature(policy_dir: Path) -> tuple[tuple[str, int, int], ...]:
    files = [*sorted(policy_dir.glob("parameters/*/*.yaml")), policy_dir / "groups.yaml"]
    out = []
    for f in files:
        try:
            st = f.stat()
        except FileNotFoundError:
            continue
        out.append((str(f), st.st_mtime_ns, st.st_size))
    return tuple(out)


class PolicyStore:
    """The parameters of one directory, re-read when a file is added, removed or changed.

    `refresh()` stats the files at most once per `poll_seconds` (0: every call; None: only `reload()`),
    so a quote costs no disk access in the common case and an edit shows up within a second.
    """

    def __init__(self, policy_dir: Path | None = None, *, poll_seconds: float | None = 1.0) -> None:
        self.directory = policy_dir or default_policy_dir()
        self.poll_seconds = poll_seconds
        self._signature = _signature(self.directory)
        self._params = load_parameters(self.directory)
        self._checked = time.monotonic()
        self.generation = 0  # bumped on every reload, so callers can drop what they compiled
        self.last_error: ParameterError | None = None

    @property
    def params(self) -> ParameterSet:
        return self._params

    def reload(self) -> ParameterSet:
        """Re-read now. On a bad file this raises and the parameters in use stay as they were."""
        signature = _signature(self.directory)
        self._params = load_parameters(self.directory)
        self._signature = signature
        self.generation += 1
        self._checked = time.monotonic()
        return self._params

    def refresh(self) -> bool:
        """Reload when the files changed since the last read; True when it did."""
        if self.poll_seconds is None:
            return False
        now = time.monotonic()
        if now - self._checked < self.poll_seconds:
            return False
        self._checked = now
        signature = _signature(self.directory)
        if signature == self._signature:
            return False
        try:
            self.reload()
        except ParameterError as exc:
            # A half-edited file must not stop quotes: keep serving the last good parameters, and
            # remember the signature so the broken file is not parsed again until it changes.
            self.last_error = exc
            self._signature = signature
            return False
        self.last_error = None
        return True
