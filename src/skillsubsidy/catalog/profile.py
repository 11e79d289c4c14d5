"""One occupation across every loaded catalog: the cross-region view of the portal and `catalog show`."""

from __future__ import annotations

from dataclasses import dataclass

from skillsubsidy.catalog.dataset import Dataset, match_entries
from skillsubsidy.catalog.model import CatalogVersion, Entry, SectionKind
from skillsubsidy.catalog.search import SearchIndex
from skillsubsidy.occupations import parse_code


class UnknownOccupation(LookupError):
    def __init__(self, query: str, suggestions: list[str]) -> None:
        hint = f"; nearest: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"no occupation matches {query!r} in any loaded catalog{hint}")
        self.query = query
        self.suggestions = suggestions


@dataclass(frozen=True, slots=True)
class Listing:
    """How one catalog lists the occupation."""

    catalog: CatalogVersion
    entry: Entry
    section_title: str
    section_kind: SectionKind


@dataclass(frozen=True, slots=True)
class OccupationProfile:
    query: str
    codes: tuple[str, ...]
    names: tuple[str, ...]  # every occupation name the sources use for it
    work_types: tuple[str, ...]
    listings: tuple[Listing, ...]  # catalog by catalog, in dataset order

    def by_region(self) -> dict[str | None, list[Listing]]:
        out: dict[str | None, list[Listing]] = {}
        for li in self.listings:
            out.setdefault(li.catalog.region, []).append(li)
        return out

    def shortage_uplift(self, region: str) -> Listing | None:
        for li in self.listings:
            if li.catalog.region == region and li.section_kind is SectionKind.SHORTAGE:
                return li
        return None


def occupation_profile(dataset: Dataset, query: str, index: SearchIndex | None = None) -> OccupationProfile:
    """Resolve a code or name, then gather every entry with that code or occupation name.

    A name resolves to its codes first, so that the same occupation printed with a typo elsewhere
    still shows up under its code, and a code shows every name the sources give it.
    """
    entries = list(dataset.entries())
    seed = match_entries(entries, query)
    if not seed:
        index = index or SearchIndex(dataset)
        raise UnknownOccupation(query, index.suggest(query))
    codes = {e.code for e in seed if e.code and parse_code(e.code)}
    names = {e.occupation for e in seed}
    related = [e for e in entries if (e.code in codes) or (not codes and e.occupation in names)]
    where = {(c.id, s.key): (c, s) for c in dataset.catalogs for s in c.sections}
    listings = []
    for e in related:
        catalog, section = where[(e.catalog_id, e.section)]
        listings.append(Listing(catalog, e, section.title, section.kind))
    return OccupationProfile(
        query=query,
        codes=tuple(sorted(codes)),
        names=tuple(sorted({e.occupation for e in related})),
        work_types=tuple(sorted({e.work_type for e in related if e.work_type})),
        listings=tuple(listings),
    )
