"""Reads of catalogs, and the core Dataset rebuilt from the published versions.

The public site, search and quotes read the core `Dataset`, not the tables. Rebuilding it takes a
few hundred milliseconds, so it is cached per process and keyed by a cheap "generation" query over
the published versions: a publication in any process (or server) changes the key, and the next
request rebuilds, with no restart and no cross-process signalling.
"""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Count, F, Max, Q, QuerySet

from accounts.selectors import Scope
from catalogs import mapping
from catalogs.models import Anomaly, CatalogVersion, DatasetImport, Entry, Section, Upload, VersionStatus
from catalogs.present import HitView, hit_view, region_slug
from skillsubsidy.catalog import model as core
from skillsubsidy.catalog.dataset import Dataset
from skillsubsidy.catalog.diff import CatalogDiff, diff_catalogs
from skillsubsidy.catalog.profile import OccupationProfile, occupation_profile
from skillsubsidy.catalog.quality import quality_report
from skillsubsidy.catalog.search import SearchIndex
from skillsubsidy.regions import ancestry, resolve_region

T = TypeVar("T")


def core_id(version: CatalogVersion, *, current: bool) -> str:
    """The series id for the current version, `series~vN` for older ones still in force for past dates."""
    return version.catalog_id if current else f"{version.catalog_id}~v{version.number}"


@dataclass(frozen=True, slots=True)
class Live:
    """A published version with the end date it has once later versions are taken into account."""

    version: CatalogVersion
    current: bool
    effective_to: date | None


def _live_versions() -> list[Live]:
    """Every published version still in force on some date, newest number first within a series.

    A version published later supersedes an earlier one from its effective date on. The stored rows
    are not changed (published versions are immutable); the end date is derived here.
    """
    by_series: dict[str, list[CatalogVersion]] = defaultdict(list)
    for v in CatalogVersion.objects.filter(status=VersionStatus.PUBLISHED).order_by("catalog_id", "-number"):
        by_series[v.catalog_id].append(v)
    out: list[Live] = []
    for versions in by_series.values():
        for i, v in enumerate(versions):
            end = v.effective_to
            superseded = False
            for later in versions[:i]:
                if later.effective_from is None:
                    continue
                if v.effective_from is None or later.effective_from <= v.effective_from:
                    superseded = True
                    break
                cut = later.effective_from - timedelta(days=1)
                end = cut if end is None or cut < end else end
            if i == 0 or not superseded:
                out.append(Live(v, i == 0, end))
    return out


def _build(*, history: bool) -> Dataset:
    live = [lv for lv in _live_versions() if history or lv.current]
    ids = [lv.version.pk for lv in live]
    sections: dict[int, list[Section]] = defaultdict(list)
    for s in Section.objects.filter(version_id__in=ids).order_by("version_id", "position"):
        sections[s.version_id].append(s)
    entries: dict[int, list[Entry]] = defaultdict(list)
    for e in Entry.objects.filter(version_id__in=ids).order_by("version_id", "position"):
        entries[e.version_id].append(e)
    # Keep the shipped dataset's order (manifest order = import order) so listings read the same.
    live.sort(
        key=lambda lv: (lv.version.pk if lv.version.origin == "shipped" else 10**12, lv.version.catalog_id)
    )
    catalogs = tuple(
        mapping.version_to_core(
            lv.version,
            sections[lv.version.pk],
            entries[lv.version.pk],
            core_id=core_id(lv.version, current=lv.current),
            effective_to=lv.effective_to,
        )
        for lv in live
    )
    current_ids = [lv.version.pk for lv in live if lv.current]
    anomalies = tuple(
        mapping.anomaly_from_row(a)
        for a in Anomaly.objects.filter(Q(version_id__in=current_ids) | Q(version=None)).order_by(
            "version_id", "position"
        )
    )
    last = DatasetImport.objects.order_by("-id").first()
    sources = tuple(last.summary.get("sources", ())) if last else ()
    return Dataset(catalogs, anomalies, sources)


def _published_key_sql() -> str:
    versions, imports = CatalogVersion._meta.db_table, DatasetImport._meta.db_table
    published = f"FROM {versions} WHERE status = '{VersionStatus.PUBLISHED.value}'"
    return (
        f"(SELECT COUNT(*) {published}), (SELECT MAX(id) {published}), "
        f"(SELECT MAX(published_at) {published}), (SELECT MAX(id) FROM {imports})"
    )


def key_columns(*extra_columns: str) -> str:
    """The published-catalogs key plus `extra_columns` (scalar subqueries), as a SELECT list."""
    return ", ".join((_published_key_sql(), *extra_columns))


def key_query(*extra_columns: str) -> tuple[object, ...]:
    """One round trip for the published-catalogs key plus `extra_columns` (scalar subqueries).

    It runs on every request that reads the catalogs, so it is a single raw SELECT over indexed
    columns rather than several ORM aggregates (which cost ~0.5 ms each in Python).
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key_columns(*extra_columns)}")
        row = cursor.fetchone()
    return tuple(row)


def generation() -> tuple[object, ...]:
    """Changes whenever the set of published versions changes."""
    return key_query()


class GenerationCache:
    """Values derived from stored data, rebuilt when `key()` (a cheap query) changes."""

    def __init__(self, key: Callable[[], tuple[object, ...]]) -> None:
        self._key_of = key
        self._lock = threading.Lock()
        self._key: tuple[object, ...] | None = None
        self._values: dict[str, object] = {}
        # One build per name at a time: after a publication (or at start), a process's threads
        # wait for the one rebuilding a value instead of each rebuilding it at once.
        self._building: dict[str, threading.Lock] = {}

    def get(self, name: str, build: Callable[[], T]) -> T:
        key = self._key_of()
        with self._lock:
            if key != self._key:
                self._key, self._values = key, {}
            if name in self._values:
                return self._values[name]  # type: ignore[return-value]
            building = self._building.setdefault(name, threading.Lock())
        with building:
            with self._lock:
                if key == self._key and name in self._values:
                    return self._values[name]  # type: ignore[return-value]  # built while we waited
            value = build()
            with self._lock:
                if key == self._key:
                    self._values[name] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._key, self._values = None, {}


published_cache = GenerationCache(generation)


def current_dataset() -> Dataset:
    """The current published version of every catalog: what search, pages and exports show."""
    return published_cache.get("current", lambda: _build(history=False))


def dated_dataset() -> Dataset:
    """Every published version still in force on some date: what quotes for past dates need."""
    return published_cache.get("dated", lambda: _build(history=True))


@dataclass(frozen=True, slots=True)
class RegionCatalogs:
    """A region's effective catalog on a date: its own catalogs in force, and those it inherits."""

    region: str
    name: str
    own: tuple[core.CatalogVersion, ...]
    inherited: tuple[core.CatalogVersion, ...]


def effective_catalogs(*, regions: Iterable[str], on: date) -> list[RegionCatalogs]:
    """What each region's people can be subsidised for on `on` (Nantong = Nantong's + Jiangsu's)."""
    dataset = dated_dataset()
    out = []
    for code in regions:
        effective = dataset.effective(code, on)
        own = tuple(c for c in effective.catalogs if c.region == effective.region.code)
        inherited = tuple(c for c in effective.catalogs if c.region != effective.region.code)
        out.append(RegionCatalogs(effective.region.code, effective.region.name, own, inherited))
    return out


def version_list(*, regions: frozenset[str] | None = None) -> QuerySet[CatalogVersion]:
    qs = CatalogVersion.objects.annotate(entry_count=Count("entries")).order_by("catalog_id", "-number")
    if regions is not None:
        qs = qs.filter(region__in=regions)
    return qs


def current_numbers() -> dict[str, int]:
    """The version number of each series' current (highest published) version."""
    rows = CatalogVersion.objects.filter(status=VersionStatus.PUBLISHED).values("catalog_id")
    return {r["catalog_id"]: r["n"] for r in rows.annotate(n=Max("number"))}


def published_versions(*, catalog_id: str) -> QuerySet[CatalogVersion]:
    return CatalogVersion.objects.filter(catalog_id=catalog_id, status=VersionStatus.PUBLISHED).order_by(
        "-number"
    )


def current_version(*, catalog_id: str) -> CatalogVersion | None:
    return published_versions(catalog_id=catalog_id).first()


def version_in_scope(*, pk: int, scope: Scope) -> CatalogVersion | None:
    """Version `pk` when it belongs to one of `scope`'s regions. None both when there is no such version
    and when it belongs to another region, so that no caller can tell which ids exist elsewhere."""
    version = CatalogVersion.objects.filter(pk=pk).first()
    if version is None or not scope.covers(version.region or None):
        return None
    return version


def series_in_scope(*, catalog_id: str, scope: Scope) -> CatalogVersion | None:
    """The current published version of series `catalog_id` when it belongs to `scope`'s regions."""
    current = current_version(catalog_id=catalog_id)
    if current is None or not scope.covers(current.region or None):
        return None
    return current


def versions_by_series(*, regions: frozenset[str] | None) -> list[tuple[str, list[CatalogVersion]]]:
    """Every version in `regions`, grouped by series (sorted by id), newest number first."""
    series: dict[str, list[CatalogVersion]] = {}
    for v in version_list(regions=regions):
        series.setdefault(v.catalog_id, []).append(v)
    return sorted(series.items())


def draft_list(*, regions: frozenset[str] | None) -> QuerySet[CatalogVersion]:
    return version_list(regions=regions).filter(status=VersionStatus.DRAFT)


def entry_at(*, version: CatalogVersion, number: int) -> Entry | None:
    """Row `number` (from 1, as the pages number them) of `version`."""
    return Entry.objects.filter(version=version, position=number - 1).first()


@dataclass(frozen=True, slots=True)
class AnomalyRows:
    rows: list[Anomaly]  # the first ones, in source order
    count: int  # all of them


def anomaly_rows(*, version: CatalogVersion, limit: int) -> AnomalyRows:
    qs = version.anomalies.order_by("position")
    return AnomalyRows(list(qs[:limit]), qs.count())


def upload_in_scope(*, pk: int, scope: Scope) -> Upload | None:
    """Upload `pk` when it belongs to `scope`'s regions; None as for a missing one (see version_in_scope)."""
    # The file and its tables (megabytes for a large sheet) stay in the database unless a draft is
    # made from them: the page shows the stored preview.
    upload = Upload.objects.filter(pk=pk).defer("data", "tables").first()
    if upload is None or not scope.covers(upload.region):
        return None
    return upload


def draft_of(*, catalog_id: str) -> CatalogVersion | None:
    return CatalogVersion.objects.filter(catalog_id=catalog_id, status=VersionStatus.DRAFT).first()


def version_entries(*, version: CatalogVersion) -> QuerySet[Entry]:
    return Entry.objects.filter(version=version).order_by("position")


def entries_matching(
    rows: Iterable[Entry], *, section: str | None = None, category: str | None = None, q: str | None = None
) -> list[tuple[int, Entry]]:
    """One version's `rows`, in document order, each numbered among all of them (from 1), kept when in
    `section`, of `category` (A, B or C) and, given `q`, with `q` in the name or a code starting with it.

    The API, the portal and the back office all filter here. The comparison is Python's, not SQL's:
    SQLite's LIKE ignores the case of ASCII letters where PostgreSQL's does not.
    """
    return [
        (number, e)
        for number, e in enumerate(rows, start=1)
        if (section is None or e.section == section)
        and (category is None or e.category == category)
        and (not q or q in e.name or e.code.startswith(q))
    ]


def quality_findings(
    *, seed: str | None = None, kind: str | None = None, catalog_id: str | None = None
) -> list[core.Anomaly]:
    """The current catalogs' data-quality findings in source order; `seed` may be a file name's prefix."""
    return quality_report(current_dataset(), seed=seed, kind=kind, catalog_id=catalog_id)


def version_as_core(
    version: CatalogVersion, *, label: str | None = None, rows: Iterable[Entry] | None = None
) -> core.CatalogVersion:
    """The core catalog of `version`, made of `rows` when the caller has read them already."""
    return mapping.version_to_core(
        version,
        list(version.sections.order_by("position")),
        version_entries(version=version) if rows is None else rows,
        core_id=label or version.catalog_id,
        effective_to=version.effective_to,
    )


def version_anomalies(*, version: CatalogVersion) -> list[core.Anomaly]:
    return [mapping.anomaly_from_row(a) for a in version.anomalies.order_by("position")]


def _is_shortage_list(version: CatalogVersion) -> bool:
    kinds = set(version.sections.values_list("kind", flat=True))
    return kinds == {core.SectionKind.SHORTAGE.value}


def series_predecessor(*, version: CatalogVersion) -> CatalogVersion | None:
    """The published catalog a version follows in its series, whatever its id: the same region's
    catalog of the same kind (a shortage list, or a list of what is subsidised) that took effect
    last before it (nantong-2025 for a draft nantong-2026 from 2026-01-01). None for a document
    that states no region."""
    if not version.region:
        return None
    earlier = CatalogVersion.objects.filter(status=VersionStatus.PUBLISHED, region=version.region).exclude(
        pk=version.pk
    )
    if version.effective_from is not None:
        earlier = earlier.filter(Q(effective_from__lt=version.effective_from) | Q(effective_from=None))
    shortage = _is_shortage_list(version)
    order = (F("effective_from").desc(nulls_last=True), "-number")
    return next((v for v in earlier.order_by(*order) if _is_shortage_list(v) == shortage), None)


def version_diff(*, version: CatalogVersion) -> CatalogDiff | None:
    """The version against the series' current published one, else the one it was based on, else the
    one it follows in its region's series (None when there is none to compare)."""
    base = current_version(catalog_id=version.catalog_id)
    if base is None or base.pk == version.pk:
        base = version.based_on or series_predecessor(version=version)
    if base is None:
        return None

    def labelled(v: CatalogVersion) -> core.CatalogVersion:
        return version_as_core(v, label=f"{v.catalog_id} v{v.number}")

    return diff_catalogs(labelled(base), labelled(version))


def catalogs_in(*, region: str | None = None) -> list[tuple[core.CatalogVersion, int | None]]:
    """The current catalogs with their version numbers; given `region` (code or name), only those of the
    region and its ancestors, since a city is also bound by its province's catalogs."""
    wanted = {r.code for r in ancestry(resolve_region(region))} if region else None
    numbers = current_numbers()
    return [
        (c, numbers.get(c.id)) for c in current_dataset().catalogs if wanted is None or c.region in wanted
    ]


def search_index() -> SearchIndex:
    """The search index over the current catalogs, built once per publication generation."""
    return published_cache.get("index", lambda: SearchIndex(current_dataset()))


def search(
    query: str,
    *,
    region: str | None = None,
    year: int | None = None,
    category: str | None = None,
    certificate_type: str | None = None,
    markers: list[str] | None = None,
    shortage: bool | None = None,
    limit: int = 20,
) -> list[HitView]:
    index = search_index()
    hits = index.search(
        query,
        region=region,
        year=year,
        category=category,
        certificate_type=certificate_type,
        markers=markers,
        shortage=shortage,
        limit=limit,
    )
    return [hit_view(index, h.entry, h.score, h.matched_on) for h in hits]


# What a search answers, shaped once per index (so once per publication generation): the index is
# rebuilt when the generation changes, and what was shaped from it goes with it.
class _Shaped:
    def __init__(self) -> None:
        self.entries: dict[int, str] = {}  # id() of an entry → its JSON, without score and match
        self.answers: dict[tuple[object, ...], bytes] = {}  # a search's parameters → the whole answer
        self.answer_bytes = 0


_SHAPED: weakref.WeakKeyDictionary[SearchIndex, _Shaped] = weakref.WeakKeyDictionary()
_SHAPED_LOCK = threading.Lock()
# The answers kept per process, in bytes: the searches people repeat (an occupation's name, its
# code) are answered from memory; a flood of distinct queries only empties the store.
ANSWER_CACHE_BYTES = 16 * 1024 * 1024


def search_answer(
    query: str,
    shape: Callable[[HitView], str],
    assemble: Callable[[list[tuple[str, float, str]]], bytes],
    *,
    region: str | None = None,
    year: int | None = None,
    category: str | None = None,
    certificate_type: str | None = None,
    markers: list[str] | None = None,
    shortage: bool | None = None,
    limit: int = 20,
) -> bytes:
    """A search's whole answer: `assemble` of each hit as (`shape` of its view, score, matched_on).

    `shape` must not depend on the score or on what matched: it is kept for the entry, and
    `assemble`'s answer for the parameters, until the next publication. A request only shapes the
    entries, and only searches for the parameters, that no earlier request of its generation had."""
    index = search_index()
    with _SHAPED_LOCK:
        memo = _SHAPED.setdefault(index, _Shaped())
    key = (query, region, year, category, certificate_type, tuple(markers or ()), shortage, limit)
    answer = memo.answers.get(key)
    if answer is not None:
        return answer
    hits = index.search(
        query,
        region=region,
        year=year,
        category=category,
        certificate_type=certificate_type,
        markers=markers,
        shortage=shortage,
        limit=limit,
    )
    shaped = []
    for h in hits:
        # id() of an entry is stable while the index (which holds the dataset) lives, as `memo` does.
        text = memo.entries.get(id(h.entry))
        if text is None:
            text = memo.entries[id(h.entry)] = shape(hit_view(index, h.entry, h.score, h.matched_on))
        shaped.append((text, h.score, h.matched_on))
    answer = assemble(shaped)
    with _SHAPED_LOCK:
        if memo.answer_bytes + len(answer) > ANSWER_CACHE_BYTES:
            memo.answers, memo.answer_bytes = {}, 0
        memo.answers[key] = answer
        memo.answer_bytes += len(answer)
    return answer


def filters_in_the_way(query: str, filters: dict[str, Any]) -> dict[str, int]:
    """For a search that filters found nothing: each filter given whose removal alone finds something,
    with the number then found (up to 50)."""
    found = {}
    for name, value in filters.items():
        if value is None:
            continue
        count = len(search(query, **{**filters, name: None}, limit=50))
        if count:
            found[name] = count
    return found


def profile(query: str) -> OccupationProfile:
    """One occupation across every current catalog; raises UnknownOccupation with suggestions."""
    return occupation_profile(current_dataset(), query, search_index())


@dataclass(frozen=True, slots=True)
class CatalogRef:
    """A published catalog found by region and reference: the stored version, its rows in document
    order and the core catalog made of them, read once for both a listing and the catalog's header."""

    version: CatalogVersion
    rows: list[Entry]
    catalog: core.CatalogVersion

    def core_entry(self, number: int) -> core.Entry:
        """Row `number` (from 1, as `entries_matching` numbers them) in its core form."""
        return self.catalog.entries[number - 1]


def catalog_ref(region: str, ref: str) -> CatalogRef:
    """A published catalog by region slug and `series` (current) or `series~vN` (an earlier version).

    Raises LookupError naming what was not found.
    """
    series, _, number = ref.partition("~v")
    qs = published_versions(catalog_id=series)
    version = qs.filter(number=int(number)).first() if number.isdigit() else qs.first()
    if version is None or (number and not number.isdigit()):
        raise LookupError(f"no published catalog {ref!r}")
    if region_slug(version.region or None) != region:
        raise LookupError(f"catalog {series!r} is not a catalog of region {region!r}")
    rows = list(version_entries(version=version))
    return CatalogRef(version, rows, version_as_core(version, rows=rows))


class UnknownSection(ValueError):
    def __init__(self, section: str, keys: list[str]) -> None:
        super().__init__(f"{section!r} is not a section; sections: {', '.join(keys)}")


def catalog_entries(
    region: str, ref: str, *, section: str | None = None, category: str | None = None, q: str | None = None
) -> tuple[CatalogRef, list[tuple[int, Entry]]]:
    """A published catalog (as `catalog_ref`) and its rows that match, numbered as `entries_matching`
    numbers them. Raises LookupError when there is no such catalog, UnknownSection for a section it
    does not have."""
    found = catalog_ref(region, ref)
    keys = [s.key for s in found.catalog.sections]
    if section is not None and section not in keys:
        raise UnknownSection(section, keys)
    return found, entries_matching(found.rows, section=section, category=category, q=q)
