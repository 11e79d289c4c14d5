"""Fixtures for the seed-reader tests (test_seed_00N.py).

A module that names its reader `reader` at module level (`from … import jinan_2023 as reader`, or
`reader = guangdong_2023` where nothing else uses the name, so that no linter drops the import) gets
that reader's seed text as `seed`, what it reads as `result`, and, when it reads a single catalog,
that catalog as `catalog`. All three are read once per module.
"""

from __future__ import annotations

import pytest

from skillsubsidy.catalog.model import CatalogVersion
from skillsubsidy.ingest.seeds import SeedResult, default_seed_dir
from skillsubsidy.ingest.text import SeedText


@pytest.fixture(scope="module")
def seed(request: pytest.FixtureRequest) -> SeedText:
    return SeedText.read(default_seed_dir() / request.module.reader.SEED)


@pytest.fixture(scope="module")
def result(request: pytest.FixtureRequest, seed: SeedText) -> SeedResult:
    outcome: SeedResult = request.module.reader.read(seed)
    return outcome


@pytest.fixture(scope="module")
def catalog(result: SeedResult) -> CatalogVersion:
    [only] = result.catalogs
    return only
