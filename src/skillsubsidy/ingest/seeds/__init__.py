"""Readers for the five seed documents. One module per document; each exposes SEED and read()."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from skillsubsidy.catalog.model import Anomaly, CatalogVersion
from skillsubsidy.ingest.text import SeedText


@dataclass
class SeedResult:
    catalogs: list[CatalogVersion] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)

    def extend(self, other: SeedResult) -> None:
        self.catalogs.extend(other.catalogs)
        self.anomalies.extend(other.anomalies)


Reader = Callable[[SeedText], SeedResult]


def readers() -> dict[str, Reader]:
    # Imported here so a broken reader fails only the seed it reads, with its own traceback.
    from skillsubsidy.ingest.seeds import (
        evaluation_orgs,
        guangdong_2023,
        jiangsu_nantong_2025,
        jinan_2023,
        shanghai_2026,
    )

    modules = (jiangsu_nantong_2025, jinan_2023, guangdong_2023, evaluation_orgs, shanghai_2026)
    return {m.SEED: m.read for m in modules}


def default_seed_dir() -> Path:
    """SKILLSUBSIDY_SEEDS, else ../shared/seeds beside the checkout (where CI puts it)."""
    if env := os.environ.get("SKILLSUBSIDY_SEEDS"):
        return Path(env)
    return Path(__file__).resolve().parents[4].parent / "shared" / "seeds"


def read_seed(path: Path) -> SeedResult:
    reader = readers().get(path.name)
    if reader is None:
        raise ValueError(f"no reader for seed file {path.name!r}; known: {', '.join(sorted(readers()))}")
    return reader(SeedText.read(path))


def read_all(seed_dir: Path | None = None) -> SeedResult:
    seed_dir = seed_dir or default_seed_dir()
    out = SeedResult()
    for name in sorted(readers()):
        out.extend(read_seed(seed_dir / name))
    return out
