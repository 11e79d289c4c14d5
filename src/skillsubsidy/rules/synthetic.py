"""Synthetic claims for the batch benchmark: real regions and dates, occupations drawn from the real
catalogs in force there, the courses of the real standards, plausible ages, levels, hours and
histories, and a share of deliberate problems (unknown names, repeat and duplicate claims).

Vectorised with numpy: a million claims take about a second to generate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from skillsubsidy.catalog.dataset import Dataset, load_dataset
from skillsubsidy.catalog.model import CertificateType, SectionKind
from skillsubsidy.regions import resolve_region
from skillsubsidy.rules.engine import Engine
from skillsubsidy.rules.regime import listing_kinds
from skillsubsidy.rules.request import Program

EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class _Region:
    code: str
    share: float
    first: date  # claims dated within [first, last]
    last: date
    programs: dict[Program, float]


# Where and when each region's documents are in force (the dataset's catalog periods).
REGIONS = (
    _Region("320600", 0.55, date(2025, 1, 15), date(2025, 12, 31), {
        Program.TRAINING: 0.7, Program.INSURED_UPGRADE: 0.2, Program.PROJECT: 0.1}),
    _Region("320000", 0.05, date(2025, 1, 15), date(2025, 12, 31), {Program.TRAINING: 1.0}),
    _Region("440100", 0.25, date(2023, 9, 1), date(2024, 12, 31), {Program.PROJECT: 1.0}),
    _Region("370100", 0.08, date(2023, 10, 1), date(2024, 12, 31), {Program.TRAINING: 1.0}),
    _Region("310000", 0.07, date(2026, 1, 15), date(2026, 12, 31), {Program.TRAINING: 1.0}),
)  # fmt: skip
TYPES = {
    CertificateType.SKILL_LEVEL: 0.66,
    CertificateType.VOCATIONAL_QUALIFICATION: 0.04,
    CertificateType.SPECIAL_ABILITY: 0.09,
    CertificateType.TRAINING_QUALIFICATION: 0.06,
    CertificateType.ENTREPRENEURSHIP: 0.06,
    CertificateType.PRE_JOB: 0.04,
    CertificateType.SKILL_EVALUATION: 0.04,
    CertificateType.APPRENTICESHIP: 0.01,
}
LEVELS = (np.array([1, 2, 3, 4, 5]), np.array([0.05, 0.10, 0.25, 0.35, 0.25]))
GROUPS = ("", "", "", "", "", "", "", "", "graduating_student", "pensioner", "non_graduating_student")
UNKNOWN = ("自媒体运营师", "无人机喷洒作业", "民宿管家（高级）", "宠物美容护理")


def _days(d: date) -> int:
    return (d - EPOCH).days


def _pick(rng: np.random.Generator, n: int, weights: Mapping[Any, float]) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys])
    return rng.choice(len(keys), size=n, p=p / p.sum())


def _pool(
    dataset: Dataset, engine: Engine, region: _Region, ctype: CertificateType, program: Program
) -> list[str]:
    """What a claimant could write for this certificate here: codes mostly, names sometimes."""
    if ctype is CertificateType.ENTREPRENEURSHIP:
        regime = engine.regime(resolve_region(region.code), region.first)
        params = [regime.get(name) for name in sorted(set(regime.courses.values()))]
        courses = [m for r in params if r and r.parameter for m in r.parameter.matches]
        return courses or ["SYB"]
    kinds = listing_kinds(ctype, program) or frozenset({SectionKind.OCCUPATIONS})
    entries = list(dataset.effective(region.code, region.first).entries(kinds))
    if not entries:
        entries = list(dataset.effective(region.code, region.first).entries())
    names = [e.code if e.code and i % 10 < 7 else e.name for i, e in enumerate(entries)]
    return names + list(UNKNOWN)


def generate_claims(
    n: int, *, seed: int = 0, dataset: Dataset | None = None, start: int = 0, total: int | None = None
) -> pl.DataFrame:
    """`n` claims as a typed frame (the shape a Parquet input has). A large input is generated in
    parts: `start` numbers the claims and certificates of this part, and persons are drawn from all
    `total` claims' persons, so that parts share persons as one input would."""
    dataset = dataset or load_dataset()
    engine = Engine(dataset)
    rng = np.random.default_rng(seed)
    region_i = _pick(rng, n, {r.code: r.share for r in REGIONS})
    type_i = _pick(rng, n, dict(TYPES))
    types = list(TYPES)

    program = np.empty(n, dtype=object)
    occupation = np.empty(n, dtype=object)
    claim_day = np.zeros(n, dtype=np.int64)
    for ri, region in enumerate(REGIONS):
        in_region = np.flatnonzero(region_i == ri)
        programs = list(region.programs)
        prog = np.array(programs, dtype=object)[_pick(rng, len(in_region), dict(region.programs))]
        program[in_region] = [p.value for p in prog]
        claim_day[in_region] = rng.integers(_days(region.first), _days(region.last) + 1, len(in_region))
        for ti, ctype in enumerate(types):
            for p in programs:
                rows = in_region[(type_i[in_region] == ti) & (prog == p)]
                if len(rows):
                    pool = np.array(_pool(dataset, engine, region, ctype, p), dtype=object)
                    occupation[rows] = pool[rng.integers(0, len(pool), len(rows))]
    no_occupation = np.isin(
        type_i, [types.index(CertificateType.PRE_JOB), types.index(CertificateType.APPRENTICESHIP)]
    )
    occupation[no_occupation] = None

    persons = max(1, int((total or n) / 1.4))
    person = rng.integers(0, persons, n)
    # Histories: some claims repeat another claim's person and occupation, at a level drawn anew.
    repeat = np.flatnonzero(rng.random(n) < 0.08)
    source = rng.integers(0, n, len(repeat))
    person[repeat], occupation[repeat], region_i[repeat] = (
        person[source],
        occupation[source],
        region_i[source],
    )
    type_i[repeat], program[repeat] = type_i[source], program[source]
    claim_day[repeat] = np.minimum(claim_day[source] + rng.integers(0, 90, len(repeat)), claim_day.max())
    certificate = np.arange(start, start + n)
    dup = np.flatnonzero(rng.random(n) < 0.005)
    certificate[dup] = certificate[rng.integers(0, n, len(dup))]

    level = rng.choice(LEVELS[0], size=n, p=LEVELS[1])
    has_level = np.isin(
        type_i,
        [types.index(t) for t in (CertificateType.SKILL_LEVEL, CertificateType.VOCATIONAL_QUALIFICATION,
                                  CertificateType.SKILL_EVALUATION)],
    )  # fmt: skip
    first_day = np.array([_days(REGIONS[i].first) for i in range(len(REGIONS))])[region_i]
    issued = np.maximum(claim_day - rng.integers(0, 420, n), first_day - 14)
    hours = np.round(np.where(level == 5, rng.normal(46, 6, n), rng.normal(62, 8, n)) * 2) / 2
    hours = np.maximum(hours, 8)
    online = np.round(hours * rng.uniform(0, 0.6, n) * 2) / 2
    age_days = rng.integers(14 * 365, 66 * 365, n)

    held = np.full(n, None, dtype=object)
    with_history = np.flatnonzero((rng.random(n) < 0.3) & has_level)
    held_level = rng.integers(1, 6, len(with_history))
    held[with_history] = [f"{o}:{lv}" for o, lv in zip(occupation[with_history], held_level, strict=True)]
    known_none = np.flatnonzero((rng.random(n) < 0.4) & has_level)
    held[known_none] = ""

    codes = np.array([r.code for r in REGIONS], dtype=object)
    frame = pl.DataFrame(
        {
            "claim_id": pl.Series(np.arange(start, start + n)).cast(pl.String),
            "person_id": pl.Series(person).cast(pl.String),
            "region": pl.Series(codes[region_i].tolist(), dtype=pl.String),
            "date": pl.Series(claim_day).cast(pl.Int32).cast(pl.Date),
            "program": pl.Series(program.tolist(), dtype=pl.String),
            "certificate_type": pl.Series(np.array([t.value for t in types], dtype=object)[type_i].tolist()),
            "occupation": pl.Series(occupation.tolist(), dtype=pl.String),
            "level": pl.Series(np.where(has_level, level, 0)).cast(pl.Int64),
            "issued_on": pl.Series(np.minimum(issued, claim_day)).cast(pl.Int32).cast(pl.Date),
            "certificate_no": "C" + pl.Series(certificate).cast(pl.String).str.zfill(8),
            "hours": pl.Series(hours),
            "online_hours": pl.Series(online),
            "held": pl.Series(held.tolist(), dtype=pl.String),
            "birth_date": pl.Series(claim_day - age_days).cast(pl.Int32).cast(pl.Date),
            "sex": pl.Series(np.where(rng.random(n) < 0.5, "M", "F")),
            "hukou_local": pl.Series(rng.random(n) < 0.6),
            "social_insurance_local": pl.Series(rng.random(n) < 0.5),
            "unemployment_registered": pl.Series(rng.random(n) < 0.1),
            "groups": pl.Series(np.array(GROUPS, dtype=object)[rng.integers(0, len(GROUPS), n)].tolist()),
            "project_id": "P" + pl.Series(np.arange(start, start + n) // 30).cast(pl.String).str.zfill(6),
        }
    )
    return frame.with_columns(
        pl.when(pl.col("level") == 0).then(None).otherwise(pl.col("level")).alias("level"),
        pl.when(pl.col("program") == Program.PROJECT.value).then(pl.col("project_id")).alias("project_id"),
    )
