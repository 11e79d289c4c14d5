"""GB/T 2260 jurisdictions and their parent chain (天河区 440106 → 广州 440100 → 广东 440000).

A region is named by its code, its full name (天河区), its short name (天河) or its English name
(Tianhe). Short names repeat across cities (市中区 is in 济南 and 枣庄), so a bare name that fits
several regions is refused with the candidates, and the qualified form (济南市中区, 济南 市中区) picks
one. The one exception: a name one city shares only with districts means the city, as people say it
(淮安 is 淮安市, not its 淮安区; Zhenjiang is 镇江市, not 韶关's 浈江区).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

Level = Literal["province", "city", "district"]


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    short: str
    en: str
    parent: str | None

    @property
    def level(self) -> Level:
        """County-level cities (启东市) and counties are districts here: the level is the code's."""
        if self.code.endswith("0000"):
            return "province"
        if self.code.endswith("00"):
            return "city"
        return "district"

    @property
    def qualified(self) -> str:
        """The name that tells two 市中区 apart: 济南市市中区; cities and provinces keep their own name."""
        if self.level == "district" and self.parent is not None:
            return all_regions()[self.parent].name + self.name
        return self.name


class UnknownRegion(LookupError):
    def __init__(self, value: str, suggestions: list[str], message: str | None = None) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(message or f"unknown region {value!r}{hint}")
        self.value = value
        self.suggestions = suggestions


class AmbiguousRegion(UnknownRegion):
    """A name several regions share. An UnknownRegion too, so every caller already reports it cleanly."""

    def __init__(self, value: str, candidates: list[Region]) -> None:
        listed = [f"{r.qualified} {r.code}" for r in candidates]
        super().__init__(value, listed, f"{value.strip()} is ambiguous: {', '.join(listed)}")
        self.candidates = candidates


@cache
def all_regions() -> dict[str, Region]:
    text = resources.files("skillsubsidy.data").joinpath("regions.yaml").read_text("utf-8")
    # libyaml: the pure-Python loader spends 0.3 s on this tree, most of a one-shot `quote`.
    import yaml  # here, not at the top: `skillsubsidy --help` names regions' errors without loading them

    return {r["code"]: Region(**r) for r in yaml.load(text, Loader=yaml.CSafeLoader)["regions"]}


def _key(text: str) -> str:
    # "Pudong New Area", "pudongnewarea" and "济南 市中区" must meet the same key.
    return "".join(text.split()).lower()


@cache
def _aliases() -> dict[str, frozenset[str]]:
    out: defaultdict[str, set[str]] = defaultdict(set)
    for r in all_regions().values():
        for alias in (r.code, r.name, r.short, r.en, r.en.replace("'", "")):
            out[_key(alias)].add(r.code)
    return {k: frozenset(v) for k, v in out.items()}


@cache
def _children() -> dict[str, tuple[str, ...]]:
    out: defaultdict[str, list[str]] = defaultdict(list)
    for r in all_regions().values():
        if r.parent is not None:
            out[r.parent].append(r.code)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def children(code: str) -> list[Region]:
    """The regions directly under `code`, by code: 广州 440100 → its eleven districts."""
    return [all_regions()[c] for c in _children().get(code, ())]


def descendants(code: str) -> list[Region]:
    """Every region below `code`, at any depth, by code."""
    out: list[Region] = []
    for child in children(code):
        out.append(child)
        out.extend(descendants(child.code))
    return sorted(out, key=lambda r: r.code)


def with_ancestors(codes: Iterable[str]) -> list[Region]:
    """These regions and every region above them, by code: what a list of regions in use shows."""
    out = {a.code: a for code in codes for a in ancestry(all_regions()[code])}
    return [out[c] for c in sorted(out)]


def _regions(codes: frozenset[str]) -> list[Region]:
    return [all_regions()[c] for c in sorted(codes)]


@lru_cache(maxsize=4096)
def _matches(key: str) -> frozenset[str]:
    """Codes a normalised key names: an alias, or a parent's alias followed by a child's (济南市中区)."""
    direct = _aliases().get(key)
    if direct:
        return direct
    found: set[str] = set()
    for cut in range(1, len(key)):
        parents = _aliases().get(key[:cut])
        if not parents:
            continue
        for code in _matches(key[cut:]):
            if any(a.code in parents for a in ancestry(all_regions()[code])[1:]):
                found.add(code)
    return frozenset(found)


_RANK: dict[Level, int] = {"province": 0, "city": 1, "district": 2}


def _city_over_districts(codes: frozenset[str]) -> str | None:
    """The one province or city among codes that are otherwise districts, if there is one."""
    ranked = sorted(codes, key=lambda c: _RANK[all_regions()[c].level])
    first, second = (all_regions()[c].level for c in ranked[:2])
    return ranked[0] if _RANK[first] < _RANK[second] else None


def resolve_region(value: str) -> Region:
    """Accept a GB/T 2260 code, a full or short Chinese name, the English name, or a name qualified by
    its parent (济南市中区, 广州 天河, Jinan Shizhong). A shared bare name raises AmbiguousRegion."""
    key = _key(value)
    codes = _matches(key) if key else frozenset()
    if len(codes) == 1:
        return all_regions()[next(iter(codes))]
    if codes:
        city = _city_over_districts(codes)
        if city is not None:
            return all_regions()[city]
        raise AmbiguousRegion(value, _regions(codes))
    from rapidfuzz import process  # only a miss needs it: one-shot CLI commands skip its import

    near = process.extract(key, list(_aliases()), limit=3, score_cutoff=50)
    suggestions = sorted({f"{r.qualified} {r.code}" for m, _, _ in near for r in _regions(_aliases()[m])})
    raise UnknownRegion(value, suggestions)


def ancestry(region: Region) -> list[Region]:
    """The region then its parents, nearest first: [天河, 广州, 广东]."""
    chain = [region]
    while chain[-1].parent is not None:
        chain.append(all_regions()[chain[-1].parent])
    return chain
