"""The data-quality report: what the readers found, plus what only shows across sources.

Every anomaly keeps the original text; a correction is only ever a suggestion. Kind codes are
stable (they are listed in docs/quality-kinds.md) and never renamed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import lru_cache

from skillsubsidy.bulk import building
from skillsubsidy.catalog.dataset import Dataset
from skillsubsidy.catalog.model import Anomaly, CatalogVersion, Entry, Severity, entry_anomaly
from skillsubsidy.occupations import (
    CodeKind,
    OccupationCode,
    is_known_medium_group,
    normalise_text,
    parse_code,
)

# An upload repeats a few codes on many rows; parsing each once took a third of the checks' time on
# 100,000 rows. Codes are short and an upload has at most a few thousand distinct ones.
_parse_code: Callable[[str], OccupationCode | None] = lru_cache(maxsize=16_384)(parse_code)


def code_anomalies(entries: Iterable[Entry]) -> list[Anomaly]:
    """Codes of the right shape in a 中类 the 大典 lacks. A wrong shape is the reader's finding
    (`code_malformed`), since only the reader knows what else the cell could have been."""
    out = []
    for e in entries:
        parsed = _parse_code(e.code) if e.code else None
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


# A conflict's message names at most this many of the other places, then how many more. Without a
# cap, a group of n (one code printed under a different name on each of n rows of an upload) gives n
# messages that each list the other n - 1: n² text, and 8,000 such rows took a server past 4 GB
# (issue 14). The shipped documents name at most six, so their messages are unchanged.
SHOWN_ELSEWHERE = 10


def _elsewhere(labels: Iterable[tuple[str, str]]) -> dict[str, str]:
    """For (key, label) pairs, per key: the sorted labels of the other keys, at most SHOWN_ELSEWHERE
    of them and then how many more. Linear in the pairs (after one sort): each key's walk skips only
    labels that are its own alone, and stops at the cap."""
    keys_of: dict[str, set[str]] = defaultdict(set)
    for key, label in labels:
        keys_of[label].add(key)
    ordered = sorted(keys_of)
    # The key of each label that only one key has: the labels a key's walk skips.
    sole = {label: next(iter(ks)) for label, ks in keys_of.items() if len(ks) == 1}
    only: Counter[str] = Counter(sole.values())
    # Every key that has none of the first labels to itself alone shows those same labels: with
    # one code under 100,000 names, all but ten keys. Their text is made once per count of more.
    head = ordered[:SHOWN_ELSEWHERE]
    walked = {sole[label] for label in head if label in sole}
    common: dict[int, str] = {}
    out: dict[str, str] = {}
    for key in {k for ks in keys_of.values() for k in ks}:
        total = len(ordered) - only[key]
        if key not in walked and total in common:
            out[key] = common[total]
            continue
        shown: list[str] = []
        for label in ordered:
            if len(shown) == SHOWN_ELSEWHERE:
                break
            if sole.get(label) != key:
                shown.append(label)
        more = f"; and {total - len(shown)} more" if total > len(shown) else ""
        out[key] = "; ".join(shown) + more
        if key not in walked:
            common[total] = out[key]
    return out


def conflicts(entries: list[Entry]) -> list[Anomaly]:
    """The same code under different occupation names, and the same name under different codes."""
    out: list[Anomaly] = []
    by_code: dict[str, list[Entry]] = defaultdict(list)
    by_name: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.code and _parse_code(e.code) is not None:
            by_code[e.code].append(e)
            by_name[e.occupation].append(e)
    for code, group in sorted(by_code.items()):
        names = Counter(e.occupation for e in group)
        if len(names) < 2:
            continue
        majority, top = names.most_common(1)[0]
        elsewhere = _elsewhere(
            (x.occupation, f"{x.name} ({x.catalog_id} line {x.provenance.line})") for x in group
        )
        for e in group:
            # Only a name outvoted by other sources gets a suggestion; a tie is left to a person.
            suggest = majority if e.occupation != majority and top > names[e.occupation] else None
            out.append(
                entry_anomaly(
                    "code_name_conflict",
                    e,
                    f"code {code} is {e.occupation!r} here but named differently elsewhere: "
                    f"{elsewhere[e.occupation]}",
                    suggestion=suggest,
                )
            )
    for name, group in sorted(by_name.items()):
        if len({e.code for e in group}) < 2:
            continue
        elsewhere = _elsewhere(
            (x.code or "", f"{x.code} ({x.catalog_id} line {x.provenance.line})") for x in group
        )
        for e in group:
            out.append(
                entry_anomaly(
                    "name_code_conflict",
                    e,
                    f"{name!r} has code {e.code} here but other codes elsewhere: {elsewhere[e.code or '']}",
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


# Each "did you mean" lookup is a fuzzy search over the published names (about a millisecond); an
# upload of 100,000 names that no catalog prints would otherwise spend minutes on them.
SUGGESTED_NAMES = 200


@building()
def upload_anomalies(
    uploaded: CatalogVersion,
    published: Sequence[CatalogVersion],
    suggest: Callable[[str], list[str]] | None = None,
    *,
    suggested: int = SUGGESTED_NAMES,
) -> list[Anomaly]:
    """The checks the shipped documents get, run on an uploaded catalog against the published ones:
    codes in no 大典 中类, a code named otherwise by the published catalogs (the name they use is
    suggested: a misspelt name), a name printed under other codes (the code they use is suggested: a
    wrong code), a name no published catalog prints and that has no code (the nearest names are
    suggested), and every name that matched only after normalisation. The published version of the
    uploaded catalog itself is left out: the upload replaces it. Nearest names are looked up for the
    first `suggested` distinct unknown names (each lookup is a fuzzy search), and once per name."""
    mine = list(uploaded.entries)
    seeds = {e.provenance.seed for e in mine}
    others = [e for c in published if c.id != uploaded.id for e in c.entries]

    def own(a: Anomaly) -> bool:
        return a.seed in seeds and a.catalog_id == uploaded.id

    found = code_anomalies(mine)
    # The row a conflict came from, by (line, original text); the first such row, as a scan would find.
    row_of: dict[tuple[int, str], Entry] = {}
    for e in mine:
        row_of.setdefault((e.provenance.line, e.provenance.raw), e)
    by_name: dict[str, Counter[str]] = defaultdict(Counter)
    for e in others:
        if e.code and _parse_code(e.code) is not None:
            by_name[e.occupation][e.code] += 1
    for a in conflicts(mine + others):
        if not own(a):
            continue
        if a.kind == "name_code_conflict" and a.suggestion is None:
            entry = row_of.get((a.line, a.original))
            codes = by_name.get(entry.occupation) if entry is not None else None
            if codes:
                (best, n), *rest = codes.most_common(2)
                if not rest or rest[0][1] < n:
                    a = replace(a, suggestion=best)
        found.append(a)
    known = {e.occupation for e in others} | {e.name for e in others}
    nearest: dict[str, list[str]] = {}
    for e in mine:
        if e.code or e.occupation in known or e.name in known:
            continue
        if e.name not in nearest and len(nearest) < suggested:
            nearest[e.name] = [n for n in (suggest(e.name) if suggest else []) if n != e.name][:3]
        near = nearest.get(e.name)
        if near is None:
            hint = f"; nearest names are looked up for the first {suggested} unknown names only"
        else:
            hint = f"; nearest: {', '.join(near)}" if near else ""
        found.append(
            entry_anomaly(
                "name_unknown",
                e,
                f"{e.name!r} has no code and no published catalog prints it{hint}",
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
