"""Small lookups the seed-reader tests share."""

from __future__ import annotations

from skillsubsidy.catalog.model import Anomaly, CatalogVersion, Entry
from skillsubsidy.ingest.seeds import SeedResult
from skillsubsidy.ingest.text import SeedText


def entries_in(catalog: CatalogVersion, section: str) -> list[Entry]:
    return [e for e in catalog.entries if e.section == section]


def of_kind(result: SeedResult, kind: str) -> list[Anomaly]:
    return [a for a in result.anomalies if a.kind == kind]


def by_line(catalog: CatalogVersion, line: int) -> Entry:
    """The one entry whose row starts on this line of the seed."""
    [entry] = [e for e in catalog.entries if e.provenance.line == line]
    return entry


def edited(seed: SeedText, line: int, replacement: list[str]) -> SeedText:
    """The seed with one line replaced by others, as a different extraction might print it."""
    lines = list(seed.lines)
    lines[line - 1 : line] = replacement
    return SeedText(seed.name, tuple(lines))
