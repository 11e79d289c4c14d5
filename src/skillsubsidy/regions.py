"""GB/T 2260 jurisdictions and their parent chain (南通 320600 → 江苏 320000)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from rapidfuzz import process


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    short: str
    en: str
    parent: str | None

    @property
    def level(self) -> str:
        return "province" if self.code.endswith("0000") else "city"


class UnknownRegion(LookupError):
    def __init__(self, value: str, suggestions: list[str]) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown region {value!r}{hint}")
        self.value = value
        self.suggestions = suggestions


@cache
def all_regions() -> dict[str, Region]:
    text = resources.files("skillsubsidy.data").joinpath("regions.yaml").read_text("utf-8")
    return {r["code"]: Region(**r) for r in yaml.safe_load(text)["regions"]}


@cache
def _aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for r in all_regions().values():
        for alias in (r.code, r.name, r.short, r.en.lower()):
            out[alias] = r.code
    return out


def resolve_region(value: str) -> Region:
    """Accept a GB/T 2260 code, a full or short Chinese name, or the English name."""
    key = value.strip()
    code = _aliases().get(key) or _aliases().get(key.lower())
    if code is None:
        near = process.extract(key, list(_aliases()), limit=3, score_cutoff=50)
        suggestions = sorted({f"{all_regions()[_aliases()[m]].name} {_aliases()[m]}" for m, _, _ in near})
        raise UnknownRegion(value, suggestions)
    return all_regions()[code]


def ancestry(region: Region) -> list[Region]:
    """The region then its parents, nearest first: [南通, 江苏]."""
    chain = [region]
    while chain[-1].parent is not None:
        chain.append(all_regions()[chain[-1].parent])
    return chain
