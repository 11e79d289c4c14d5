"""What applies in one region over one stretch of time: its parameters and its catalog, resolved once.

Parameters and catalogs change only on the dates their documents give, so time splits into periods
in which nothing changes. A regime is one region in one period. Both engines resolve a request's
region and standards date to a regime, the scalar engine for one request and the batch engine for
each distinct (region, date) in its input, and then only look things up.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from skillsubsidy.catalog.dataset import LISTING_KINDS, Dataset, EffectiveCatalog
from skillsubsidy.catalog.model import CertificateType, Entry, SectionKind
from skillsubsidy.occupations import (
    CodeKind,
    clean_code,
    is_known_medium_group,
    normalise_text,
    parse_code,
    split_name,
)
from skillsubsidy.regions import Region, ancestry
from skillsubsidy.rules.parameters import DatedValue, Parameter, ParameterSet, Value
from skillsubsidy.rules.request import LEVEL_TYPES, Program

ENTREPRENEURSHIP_PREFIX = "standard.entrepreneurship."


def listing_kinds(ctype: CertificateType, program: Program) -> frozenset[SectionKind]:
    """Catalog sections in which a certificate of this type is looked up. Project-based training may
    also be listed in a catalog's 项目制培训 section (000 · 附件2)."""
    if ctype in LEVEL_TYPES:
        kinds = {SectionKind.OCCUPATIONS, SectionKind.QUALIFICATIONS}
    elif ctype is CertificateType.SPECIAL_ABILITY:
        kinds = {SectionKind.SPECIAL_ABILITIES}
    elif ctype is CertificateType.TRAINING_QUALIFICATION:
        kinds = {SectionKind.TRAINING_QUALIFICATIONS}
    else:
        kinds = set()
    if kinds and program is Program.PROJECT:
        kinds.add(SectionKind.PROJECTS)
    return frozenset(kinds)


@dataclass(frozen=True, slots=True)
class _Lookup:
    by_code: Mapping[str, list[Entry]]
    by_name: Mapping[str, list[Entry]]
    by_occupation: Mapping[str, list[Entry]]


def _build_lookup(entries: Iterable[Entry]) -> _Lookup:
    by_code: dict[str, list[Entry]] = {}
    by_name: dict[str, list[Entry]] = {}
    by_occupation: dict[str, list[Entry]] = {}
    for e in entries:
        if e.code:
            by_code.setdefault(e.code, []).append(e)
        by_name.setdefault(e.name, []).append(e)
        by_occupation.setdefault(e.occupation, []).append(e)
    return _Lookup(by_code, by_name, by_occupation)


@lru_cache(maxsize=65536)
def _query_keys(query: str) -> tuple[str, str, str]:
    """(code, full name, occupation) a query is looked up by; cached, as the same few thousand
    occupations are asked about again and again."""
    parts = split_name(query)
    return clean_code(query), parts.name, parts.occupation


def _match(lookup: _Lookup, query: str) -> list[Entry]:
    """`catalog.dataset.match_entries` through dictionaries: by code, else by full name, else by the
    occupation without its work type (000 · 附件1 · 备注3: work types do not distinguish occupations)."""
    code, name, occupation = _query_keys(query)
    return lookup.by_code.get(code) or lookup.by_name.get(name) or lookup.by_occupation.get(occupation) or []


class CatalogIndex:
    """An effective catalog indexed for lookups by code or name, per set of section kinds."""

    def __init__(self, effective: EffectiveCatalog) -> None:
        self.effective = effective
        self._lookups: dict[frozenset[SectionKind], _Lookup] = {}

    @property
    def in_force(self) -> tuple[str, ...]:
        """Ids of the catalogs in force that list what is subsidised (not only shortage lists)."""
        return tuple(
            c.id for c in self.effective.catalogs if any(s.kind in LISTING_KINDS for s in c.sections)
        )

    def _lookup(self, kinds: frozenset[SectionKind]) -> _Lookup:
        if kinds not in self._lookups:
            self._lookups[kinds] = _build_lookup(self.effective.entries(kinds))
        return self._lookups[kinds]

    def find(self, query: str, kinds: frozenset[SectionKind]) -> list[Entry]:
        return _match(self._lookup(kinds), query) if kinds else []

    def shortage(self, query: str) -> list[Entry]:
        return self.find(query, frozenset({SectionKind.SHORTAGE}))


class OccupationNames:
    """Dataset-wide answers about an occupation given by code or name, whatever the region."""

    def __init__(self, dataset: Dataset) -> None:
        self._lookup = _build_lookup(dataset.entries())
        self._identity: dict[str, str] = {}
        self._known: dict[str, bool] = {}

    def known(self, query: str) -> bool:
        """A well-formed code, or a code or name printed in any loaded document."""
        if query not in self._known:
            code = parse_code(query)
            well_formed = code is not None and (
                code.kind is not CodeKind.DADIAN or is_known_medium_group(code)
            )
            self._known[query] = well_formed or bool(_match(self._lookup, query))
        return self._known[query]

    def identity(self, query: str) -> str:
        """A key under which two mentions of the same occupation compare equal: its code when the
        mention is a code or a name printed with exactly one code, else its name without work type."""
        if query not in self._identity:
            self._identity[query] = self._identify(query)
        return self._identity[query]

    def _identify(self, query: str) -> str:
        if code := parse_code(query):
            return code.text
        cleaned = clean_code(query)
        if cleaned in self._lookup.by_code:
            return cleaned
        parts = split_name(query)
        entries = (
            self._lookup.by_name.get(parts.name) or self._lookup.by_occupation.get(parts.occupation) or []
        )
        codes = {e.code for e in entries if e.code}
        if len(codes) == 1:
            return codes.pop()
        return f"name:{parts.occupation}"


def course_key(name: str) -> str:
    return normalise_text(name).casefold()


@dataclass(frozen=True, slots=True)
class Resolved:
    """A parameter as it stands on a date: the nearest region's value wins (a city over its province)."""

    name: str
    value: Value | None
    dated: DatedValue | None  # the dated value used, or the nearest explicit "no value"
    parameter: Parameter | None

    @property
    def source(self) -> str:
        return self.dated.source if self.dated else ""


def resolve_parameters(params: ParameterSet, chain: list[Region], on: date) -> dict[str, Resolved]:
    names = {n for r in chain for n in params.region(r.code)}
    out: dict[str, Resolved] = {}
    for name in sorted(names):
        fallback: Resolved | None = None
        for region in chain:
            p = params.region(region.code).get(name)
            if p is None:
                continue
            dv = p.at(on)
            if dv is not None and dv.value is not None:
                out[name] = Resolved(name, dv.value, dv, p)
                break
            if fallback is None:
                fallback = Resolved(name, None, dv, p)
        else:
            assert fallback is not None
            out[name] = fallback
    return out


@dataclass(frozen=True)
class Regime:
    region: Region
    chain: tuple[Region, ...]
    start: date | None  # first day of the period; None before any dated value or catalog
    end: date | None  # first day of the next period; None: open-ended
    params: Mapping[str, Resolved]
    catalog: CatalogIndex
    courses: Mapping[str, str]  # course_key(name) → entrepreneurship parameter name

    def get(self, name: str) -> Resolved | None:
        return self.params.get(name)

    def value(self, name: str) -> Value | None:
        r = self.params.get(name)
        return r.value if r else None


def build_regime(
    dataset: Dataset, params: ParameterSet, region: Region, start: date | None, end: date | None
) -> Regime:
    chain = ancestry(region)
    on = start or date.min
    resolved = resolve_parameters(params, chain, on)
    courses: dict[str, str] = {}
    for name, r in resolved.items():
        if name.startswith(ENTREPRENEURSHIP_PREFIX) and r.parameter is not None:
            for course in r.parameter.matches:
                courses.setdefault(course_key(course), name)
    catalog = CatalogIndex(dataset.effective(region.code, on))
    return Regime(region, tuple(chain), start, end, resolved, catalog, courses)


def breakpoints(dataset: Dataset, params: ParameterSet, region: Region) -> list[date]:
    """The dates on which something that applies in `region` starts or stops applying."""
    chain = ancestry(region)
    codes = [r.code for r in chain]
    out = params.dates(codes)
    for c in dataset.catalogs:
        if c.region in codes and c.effective_from is not None:
            out.add(c.effective_from)
            if c.effective_to is not None:
                out.add(c.effective_to + timedelta(days=1))
    return sorted(out)


def period_of(points: list[date], on: date) -> tuple[date | None, date | None]:
    i = bisect.bisect_right(points, on)
    return (points[i - 1] if i else None), (points[i] if i < len(points) else None)
