"""The data-quality report: what the readers found, plus what only shows across sources.

Every anomaly keeps the original text; a correction is only ever a suggestion. Kind codes are
stable (they are listed in docs/quality-kinds.md) and never renamed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from skillsubsidy.catalog.dataset import Dataset
from skillsubsidy.catalog.model import Anomaly, CatalogVersion, Entry, Severity, entry_anomaly
from skillsubsidy.occupations import CodeKind, is_known_medium_group, normalise_text, parse_code


def _where(entries: Iterable[Entry]) -> str:
    return "; ".join(sorted({f"{e.name} ({e.catalog_id} line {e.provenance.line})" for e in entries}))


def code_anomalies(entries: Iterable[Entry]) -> list[Anomaly]:
    """Codes of the right shape in a 中类 the 大典 lacks. A wrong shape is the reader's finding
    (`code_malformed`), since only the reader knows what else the cell could have been."""
    out = []
    for e in entries:
        parsed = parse_code(e.code) if e.code else None
        if parsed is not None and parsed.kind is CodeKind.DADIAN and not is_known_medium_group(parsed):
            out.append(
                entry_anomaly(
                    "code_unknown_group",
                    e,
                    f"code {e.code}: 中类 {parsed.medium} does not exist in 职业分类大典 (2022)",
                    severity=Severity.ERROR,
                )
            )
    return out


def conflicts(entries: list[Entry]) -> list[Anomaly]:
    """The same code under different occupation names, and the same name under different codes."""
    out: list[Anomaly] = []
    by_code: dict[str, list[Entry]] = defaultdict(list)
    by_name: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.code and parse_code(e.code) is not None:
            by_code[e.code].append(e)
            by_name[e.occupation].append(e)
    for code, group in sorted(by_code.items()):
        names = Counter(e.occupation for e in group)
        if len(names) < 2:
            continue
        majority, top = names.most_common(1)[0]
        for e in group:
            # Only a name outvoted by other sources gets a suggestion; a tie is left to a person.
            suggest = majority if e.occupation != majority and top > names[e.occupation] else None
            others = _where(x for x in group if x.occupation != e.occupation)
            out.append(
                entry_anomaly(
                    "code_name_conflict",
                    e,
                    f"code {code} is {e.occupation!r} here but named differently elsewhere: {others}",
                    suggestion=suggest,
                )
            )
    for name, group in sorted(by_name.items()):
        codes = {e.code for e in group}
        if len(codes) < 2:
            continue
        for e in group:
            others = "; ".join(
                sorted(
                    {f"{x.code} ({x.catalog_id} line {x.provenance.line})" for x in group if x.code != e.code}
                )
            )
            out.append(
                entry_anomaly(
                    "name_code_conflict",
                    e,
                    f"{name!r} has code {e.code} here but other codes elsewhere: {others}",
                )
            )
    return out


def normalisation_anomalies(entries: Iterable[Entry]) -> list[Anomaly]:
    """Names that only equal their clean form after dropping spaces, markers or width differences."""
    out = []
    for e in entries:
        printed = e.raw_name.strip()
        if printed != e.name and normalise_text(printed) != printed:
            out.append(
                entry_anomaly(
                    "name_normalised",
                    e,
                    f"name {printed!r} matches {e.name!r} only after normalisation",
                    suggestion=e.name,
                    severity=Severity.INFO,
                )
            )
    return out


def cross_source_anomalies(catalogs: list[CatalogVersion]) -> list[Anomaly]:
    entries = [e for c in catalogs for e in c.entries]
    return code_anomalies(entries) + conflicts(entries) + normalisation_anomalies(entries)


def upload_anomalies(
    uploaded: CatalogVersion,
    published: Sequence[CatalogVersion],
    suggest: Callable[[str], list[str]] | None = None,
) -> list[Anomaly]:
    """The checks the shipped documents get, run on an uploaded catalog against the published ones:
    codes in no 大典 中类, a code named otherwise by the published catalogs (the name they use is
    suggested: a misspelt name), a name printed under other codes (the code they use is suggested: a
    wrong code), a name no published catalog prints and that has no code (the nearest names are
    suggested), and every name that matched only after normalisation. The published version of the
    uploaded catalog itself is left out: the upload replaces it."""
    mine = list(uploaded.entries)
    seeds = {e.provenance.seed for e in mine}
    others = [e for c in published if c.id != uploaded.id for e in c.entries]

    def own(a: Anomaly) -> bool:
        return a.seed in seeds and a.catalog_id == uploaded.id

    found = code_anomalies(mine)
    by_name: dict[str, Counter[str]] = defaultdict(Counter)
    for e in others:
        if e.code and parse_code(e.code) is not None:
            by_name[e.occupation][e.code] += 1
    for a in conflicts(mine + others):
        if not own(a):
            continue
        if a.kind == "name_code_conflict" and a.suggestion is None:
            entry = next(
                (e for e in mine if e.provenance.line == a.line and e.provenance.raw == a.original), None
            )
            codes = by_name.get(entry.occupation) if entry is not None else None
            if codes:
                (best, n), *rest = codes.most_common(2)
                if not rest or rest[0][1] < n:
                    a = replace(a, suggestion=best)
        found.append(a)
    known = {e.occupation for e in others} | {e.name for e in others}
    for e in mine:
        if e.code or e.occupation in known or e.name in known:
            continue
        near = [n for n in (suggest(e.name) if suggest else []) if n != e.name][:3]
        found.append(
            entry_anomaly(
                "name_unknown",
                e,
                f"{e.name!r} has no code and no published catalog prints it"
                + (f"; nearest: {', '.join(near)}" if near else ""),
                suggestion=near[0] if near else None,
            )
        )
    found += normalisation_anomalies(mine)
    return sorted(found, key=lambda a: (a.line, a.kind))


def quality_report(
    dataset: Dataset, *, seed: str | None = None, kind: str | None = None, catalog_id: str | None = None
) -> list[Anomaly]:
    """Every anomaly in the dataset, filtered, in source order."""
    rows = [
        a
        for a in dataset.anomalies
        if (seed is None or a.seed.startswith(seed))
        and (kind is None or a.kind == kind)
        and (catalog_id is None or a.catalog_id == catalog_id)
    ]
    return sorted(rows, key=lambda a: (a.seed, a.line, a.kind))


def summary(anomalies: Iterable[Anomaly]) -> dict[str, dict[str, int]]:
    """seed → kind → count."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for a in anomalies:
        out[a.seed][a.kind] += 1
    return {seed: dict(sorted(c.items())) for seed, c in sorted(out.items())}
