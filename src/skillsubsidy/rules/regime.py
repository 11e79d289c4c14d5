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
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from skillsubsidy.catalog.search import SearchIndex

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


@dataclass(frozen=True, slots=True)
class Listing:
    """Where an occupation stands in a catalog in force, under whichever spelling the catalog uses."""

    entries: list[Entry]
    # Another document's line, when the catalog was reached only through its code or name: the
    # catalog prints the occupation under another spelling (or code) than the one asked for.
    printed_as: Entry | None
    shortage: list[Entry]  # the shortage lines of the occupation, by any of its spellings

    @property
    def uplift(self) -> Entry | None:
        return next((e for e in self.shortage if e.uplift_pct is not None), None)


def look_up(
    catalog: CatalogIndex, names: OccupationNames, query: str, kinds: frozenset[SectionKind]
) -> Listing:
    """One occupation, one answer: a code, a name, a name with its work type, or a spelling another
    document prints under the same code all reach the same catalog line and the same shortage line."""
    entries, printed_as = catalog.find(query, kinds), None
    if not entries and (alias := names.alias(query)) is not None:
        key, printed = alias
        if entries := catalog.find(key, kinds):
            printed_as = printed
    keys = [query]
    for e in [*entries[:1], *([printed_as] if printed_as else [])]:
        keys += [k for k in (e.code, e.name) if k]
    shortage: list[Entry] = []
    for key in keys:
        shortage += [e for e in catalog.shortage(key) if e not in shortage]
    return Listing(entries, printed_as, shortage)


def _label(entry: Entry) -> str:
    return f"{entry.name} {entry.code}" if entry.code else entry.name


class OccupationNames:
    """Dataset-wide answers about an occupation given by code or name, whatever the region."""

    def __init__(self, dataset: Dataset) -> None:
        self._dataset = dataset
        self._index: SearchIndex | None = None
        self._lookup = _build_lookup(dataset.entries())
        self._identity: dict[str, str] = {}
        self._known: dict[str, bool] = {}
        self._printed: dict[str, list[Entry]] = {}

    def printed(self, query: str) -> list[Entry]:
        """The lines of any loaded document that print this code or name, in document order."""
        if query not in self._printed:
            self._printed[query] = _match(self._lookup, query)
        return self._printed[query]

    def alias(self, query: str) -> tuple[str, Entry] | None:
        """The other key of the occupation asked for, with a line that prints the query under it: the
        one code printed with a name, or the one occupation printed with a code. None when the
        documents disagree (重冶金法冶炼工 is printed under two codes), so that a misprint never
        leads to another occupation."""
        printed = self.printed(query)
        by_code = clean_code(query) in self._lookup.by_code
        keys = {e.occupation if by_code else e.code for e in printed}
        if len(keys) != 1:
            return None
        key = keys.pop()
        return (key, printed[0]) if key else None

    def suggest(self, query: str, limit: int = 3) -> list[str]:
        """The printed names (with their codes) nearest to a query that matches none, for “did you mean”:
        by pinyin, initials or a near spelling, as the portal's search finds them."""
        if self._index is None:
            # Built, and its pinyin and fuzzy-matching libraries imported, on the first miss only: most
            # engines (and every one-shot `quote`) never see an unknown occupation.
            from skillsubsidy.catalog.search import SearchIndex

            self._index = SearchIndex(self._dataset)
        return [_label(self._lookup.by_name[name][0]) for name in self._index.suggest(query, limit)]

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
