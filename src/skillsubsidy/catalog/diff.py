"""Compare two catalog versions, or two regions' catalogs: added, removed, re-categorised, renamed."""

from __future__ import annotations

from dataclasses import dataclass

from skillsubsidy.catalog.model import CatalogVersion, Entry, SectionKind


@dataclass(frozen=True, slots=True)
class Change:
    key: str
    before: Entry | None
    after: Entry | None


@dataclass(frozen=True, slots=True)
class CatalogDiff:
    a: str
    b: str
    added: tuple[Change, ...]
    removed: tuple[Change, ...]
    recategorised: tuple[Change, ...]
    renamed: tuple[Change, ...]
    unchanged: int

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "recategorised": len(self.recategorised),
            "renamed": len(self.renamed),
            "unchanged": self.unchanged,
        }


def entry_key(e: Entry, kind: SectionKind) -> str:
    """Entries are the same item when they share kind and code; items without a code match by name."""
    return f"{kind.value}:{e.code or e.name}"


def _keyed(c: CatalogVersion) -> dict[str, Entry]:
    kinds = {s.key: s.kind for s in c.sections}
    out: dict[str, Entry] = {}
    for e in c.entries:
        # Work types share their occupation's code; key them apart so none is lost in the diff.
        key = entry_key(e, kinds[e.section]) + (f"（{e.work_type}）" if e.work_type else "")
        out.setdefault(key, e)
    return out


def diff_catalogs(a: CatalogVersion, b: CatalogVersion) -> CatalogDiff:
    ka, kb = _keyed(a), _keyed(b)
    added = tuple(Change(k, None, kb[k]) for k in kb if k not in ka)
    removed = tuple(Change(k, ka[k], None) for k in ka if k not in kb)
    common = [k for k in ka if k in kb]
    recategorised = tuple(Change(k, ka[k], kb[k]) for k in common if ka[k].category != kb[k].category)
    renamed = tuple(Change(k, ka[k], kb[k]) for k in common if ka[k].name != kb[k].name)
    touched = {c.key for c in recategorised + renamed}
    return CatalogDiff(
        a.id, b.id, added, removed, recategorised, renamed, sum(1 for k in common if k not in touched)
    )
