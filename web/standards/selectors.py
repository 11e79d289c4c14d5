"""The quote engine over the published catalogs and the current standards, and reads of standards."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.conf import settings

from catalogs.present import region_name
from catalogs.selectors import GenerationCache, dated_dataset, key_columns, key_query
from skillsubsidy.catalog.model import CertificateType
from skillsubsidy.catalog.profile import OccupationProfile
from skillsubsidy.occupations import Level
from skillsubsidy.regions import Region, ancestry, with_ancestors
from skillsubsidy.rules.decision import Decision
from skillsubsidy.rules.engine import Engine
from skillsubsidy.rules.parameters import Parameter, ParameterSet, load_parameters, package_policy_dir
from skillsubsidy.rules.request import LEVEL_TYPES, Program, RequestError
from standards import projects
from standards.models import StandardValue
from standards.policy import Override, materialise

_STANDARDS = (
    f"(SELECT COUNT(*) FROM {StandardValue._meta.db_table})",
    f"(SELECT MAX(id) FROM {StandardValue._meta.db_table})",
)
# The generation as the last columns of a caller's own SELECT, passed on as `engine(read=…)`:
# claims.services reads it with the certificate, saving a submission a round trip.
GENERATION_COLUMNS = key_columns(*_STANDARDS)


def _generation() -> tuple[object, ...]:
    """The published catalogs and the entered standards, in one query (StandardValue is append-only)."""
    return key_query(*_STANDARDS)


class ThrottledGeneration:
    """The generation, asked of the database at most once per GENERATION_CHECK_SECONDS per process.

    A quote then runs on memory alone: between two checks no request touches the database, and a
    publication or a new standard reaches every worker process within that interval. The clock is a
    parameter so that a test can step it instead of sleeping.
    """

    def __init__(
        self, query: Callable[[], tuple[object, ...]], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._query = query
        self.clock = clock
        self._lock = threading.Lock()
        self._known: tuple[object, ...] | None = None
        self._checked_at = 0.0

    def __call__(self) -> tuple[object, ...]:
        now = self.clock()
        with self._lock:
            if self._known is not None and now - self._checked_at < settings.GENERATION_CHECK_SECONDS:
                return self._known
        known = self._query()
        with self._lock:
            self._known, self._checked_at = known, now
        return known

    def expire(self) -> None:
        with self._lock:
            self._known = None

    def seen(self, known: tuple[object, ...]) -> None:
        """The generation as a caller's own query has just read it: the next call answers it."""
        now = self.clock()
        with self._lock:
            self._known, self._checked_at = known, now


generation = ThrottledGeneration(_generation)
engine_cache = GenerationCache(generation)
# Decisions each worker's engine keeps by their request, for the quotes asked again and again at a
# deadline (one occupation, level and region); about 4 KB each with its request, so at most ~18 MB
# a worker.
DECISIONS_KEPT = 4096


def overrides() -> list[Override]:
    """The latest entered value per (region, name, since), with the unit and label it needs."""
    latest: dict[tuple[str, str, date], StandardValue] = {}
    for row in StandardValue.objects.order_by("id"):
        latest[(row.region, row.name, row.since)] = row
    shipped = _shipped_definitions()
    out = []
    for (region, name, since), row in sorted(latest.items()):
        unit, label = shipped.get(name, ("CNY", name))
        out.append(Override(region, name, since, row.value, row.source, label, unit))
    return out


def _shipped() -> ParameterSet:
    return engine_cache.get("shipped", lambda: load_parameters(package_policy_dir()))


def _shipped_definitions() -> dict[str, tuple[str, str]]:
    params = _shipped()
    return {p.name: (p.unit.value, p.label) for p in params.parameters()}


def engine(*, fresh: bool = False, read: tuple[object, ...] | None = None) -> Engine:
    """One engine per (published catalogs, standards) generation: edits apply with no restart.

    A quote may lag a publication by GENERATION_CHECK_SECONDS (ADR 0011); `fresh` asks the database
    now, for what freezes money (a claim's decision), which must see every standard already committed.
    `read` is the generation the caller has just read itself (GENERATION_COLUMNS), as fresh as that."""
    if read is not None:
        generation.seen(read)
    elif fresh:
        generation.expire()

    def build() -> Engine:
        return Engine(dated_dataset(), materialise(overrides()), poll_seconds=None, remember=DECISIONS_KEPT)

    return engine_cache.get("engine", build)


def parameters() -> ParameterSet:
    return engine().store.params


def regions_in_use() -> list[Region]:
    """The regions a published catalog or a standard speaks for, with the regions above them.

    What the public pages offer to choose from: the other districts of the GB/T 2260 tree would only
    repeat their city's answer."""

    def build() -> list[Region]:
        # Not from the engine: building it for a page that only needs a region list would be wasteful.
        codes = {c.region for c in dated_dataset().catalogs if c.region}
        codes |= set(_shipped().by_region) | {o.region for o in overrides()}
        return with_ancestors(codes)

    return engine_cache.get("regions", build)


def quote(raw: Mapping[str, Any]) -> Decision:
    """Decide a quote request (the JSON of `skillsubsidy quote`); raises RequestError naming the field.

    `project.id`, which the web adds to the core's request, names a project of a call: the standard
    the city accepted for it is handed to the core quote (standards.projects), which pays it, or the
    higher catalog standard of the certificate (002 · 六)."""
    project = raw.get("project")
    if not isinstance(project, Mapping) or "id" not in project:
        return engine().quote(raw)
    pk = project["id"]
    rest = {k: v for k, v in project.items() if k != "id"}
    request = engine().parse({**raw, "project": rest or None})
    if pk is None:
        return engine().quote(request)
    if isinstance(pk, bool) or not isinstance(pk, int) or pk < 1:
        raise RequestError("project.id", pk, "must be the whole-number id of a project")
    if request.program is not Program.PROJECT:
        raise RequestError("project.id", pk, f"applies to program {Program.PROJECT.value} only")
    return engine().quote(replace(request, project_standard=projects.accepted_standard(pk, request.region)))


def answerable_date(region: Region, on: date) -> tuple[date, str | None]:
    """`on`, or the nearest day on which a catalog is in force in the region, with its title."""
    return engine().answerable_date(region, on)


@dataclass(frozen=True, slots=True)
class ParameterRow:
    parameter: Parameter
    inherited_from: str | None  # region code when the value comes from a parent region


def region_parameters(region: Region) -> list[ParameterRow]:
    """A region's own parameters, then the ones it inherits, sorted by name."""
    params = parameters()
    seen: set[str] = set()
    rows: list[ParameterRow] = []
    for r in ancestry(region):
        for name, p in sorted(params.region(r.code).items()):
            if name not in seen:
                seen.add(name)
                rows.append(ParameterRow(p, None if r.code == region.code else r.code))
    return rows


@dataclass(frozen=True, slots=True)
class Lapse:
    """A parameter with a value before `on` and none on it: its rule is `not_checked` from then on."""

    name: str
    label: str
    last_value: str
    ended_on: date  # its last day with a value


def period_start(region: Region) -> date | None:
    """The start of the region's latest standards period: the latest date from which one of its (or its
    province's) standard.* parameters has a value."""
    starts = [
        v.since
        for r in ancestry(region)
        for name, p in parameters().region(r.code).items()
        if name.startswith("standard.")
        for v in p.values
        if v.value is not None
    ]
    return max(starts, default=None)


def lapsed_on(region: Region, on: date) -> list[Lapse]:
    """Every parameter of the region or its province with a value before `on` and none on it: entering
    standards for a new period without these leaves their rules unchecked (`rule_lapsed`)."""
    out: list[Lapse] = []
    for row in region_parameters(region):
        p = row.parameter
        current = p.at(on)
        if current is not None and current.value is not None:
            continue
        earlier = [(i, v) for i, v in enumerate(p.values) if v.value is not None and v.since < on]
        if not earlier:
            continue
        i, last = earlier[-1]
        ended = p.values[i + 1].since - timedelta(days=1) if i + 1 < len(p.values) else on
        shown = "、".join(last.value) if isinstance(last.value, tuple) else str(last.value)
        out.append(Lapse(p.name, p.label, f"{shown} {p.unit.label_zh}".strip(), ended))
    return out


def period_warnings(region: Region) -> tuple[date | None, list[Lapse]]:
    """(the latest standards period's start, the parameters that end before it)."""
    start = period_start(region)
    return start, (lapsed_on(region, start) if start is not None else [])


def new_period_rows(region: Region, since: date) -> list[tuple[ParameterRow, str]]:
    """Each parameter of the region (its own, then inherited) with the value in force the day before
    `since`, as the text a form shows: last year's table, to be corrected into this year's."""
    day_before = since - timedelta(days=1)
    rows = []
    for row in region_parameters(region):
        dv = row.parameter.at(day_before)
        value = None if dv is None else dv.value
        if value is None:
            text = ""
        elif isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, tuple):
            text = "、".join(value)
        else:
            text = str(value)
        rows.append((row, text))
    return rows


def history(*, region: str, name: str) -> list[StandardValue]:
    return list(
        StandardValue.objects.filter(region=region, name=name).select_related("created_by").order_by("-id")
    )


def standard_revision(*, region: str, name: str) -> int:
    """The id of the latest value entered for `name` in `region`, 0 before any: the revision an edit
    of that standard is based on (rows are only inserted, so a higher id is a later entry)."""
    return (
        StandardValue.objects.filter(region=region, name=name)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )


def parameter_names() -> list[tuple[str, str, str]]:
    """(name, unit, label) of every parameter known in any region: the names staff may set."""
    out: dict[str, tuple[str, str, str]] = {}
    for p in parameters().parameters():
        out.setdefault(p.name, (p.name, p.unit.value, p.label))
    return sorted(out.values())


def _probe_dates(region: Region, catalogs: list[Any]) -> list[date]:
    """Dates worth asking about, latest first: each start of a listing catalog or of a parameter value
    of the region or its province, while one of those catalogs is in force."""
    chain = [r.code for r in ancestry(region)]
    starts = {c.effective_from for c in catalogs if c.effective_from is not None}
    starts |= parameters().dates(chain)

    def in_force(on: date) -> bool:
        return any(
            c.effective_from is not None
            and c.effective_from <= on
            and (c.effective_to is None or on <= c.effective_to)
            for c in catalogs
        )

    return sorted((d for d in starts if in_force(d)), reverse=True)


def occupation_standards(profile: OccupationProfile) -> dict[str, Any]:
    """What each region pays per level for this occupation, by asking the engine, never by guessing.

    A region is priced when one of its catalogs (or its province's) lists the occupation, at the latest
    date on which such a catalog is in force and a standard applies.
    """
    query = profile.codes[0] if profile.codes else (profile.names[0] if profile.names else profile.query)
    priced: list[dict[str, Any]] = []
    unpriced: list[str] = []
    for region in regions_in_use():
        chain = {r.code for r in ancestry(region)}
        listings = [li for li in profile.listings if li.catalog.region in chain]
        if not listings:
            continue
        before = len(priced)
        dates = _probe_dates(region, [li.catalog for li in listings])
        ctype = next(
            (li.entry.certificate_type for li in listings if li.entry.certificate_type is not None),
            CertificateType.SKILL_LEVEL,
        )
        levels = [lv.value for lv in Level] if ctype in LEVEL_TYPES else [None]
        for on, program in (
            (on, program) for on in dates for program in (Program.TRAINING.value, Program.PROJECT.value)
        ):
            amounts = []
            for lv in levels:
                cert: dict[str, Any] = {"type": ctype.value, "occupation": query}
                if lv is not None:
                    cert["level"] = lv
                decision = quote({"region": region.code, "date": on.isoformat(), "program": program,
                                  "certificate": cert})  # fmt: skip
                amounts.append(
                    {
                        "level": lv,
                        "amount": None if decision.amount is None else f"{decision.amount:.2f}",
                        "eligible": decision.eligible,
                        "reasons": [r.to_json() for r in decision.reasons],
                    }
                )
            if any(a["amount"] is not None and a["eligible"] for a in amounts):
                priced.append(
                    {
                        "region": region.code,
                        "region_name": region_name(region.code),
                        "on": on,
                        "program": program,
                        "certificate_type": ctype.value,
                        "levels": amounts,
                    }
                )
                break
        if len(priced) == before:
            unpriced.append(region_name(region.code))
    return {"priced": priced, "unpriced": unpriced}
