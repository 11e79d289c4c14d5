"""A policy and dataset for 2026 in which the 2025 rules have lapsed, for the not-checked tests.

Nantong as it would be if a standard (from 1 February 2026) and a Jiangsu catalog were published for
2026 while the 2025 notes (class hours, online share, held certificates: 000 · 附件1 · 备注2, 备注3;
附件4 · 备注) were not renewed; Guangzhou switching two trainee rules off from 2026. The values are
hypothetical; the point is what the checks say about the rules that were not renewed.
"""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from pathlib import Path

from skillsubsidy.catalog.dataset import Dataset, load_dataset
from skillsubsidy.rules.engine import Engine
from skillsubsidy.rules.parameters import package_policy_dir

SOURCE_2026 = "a 2026 notice entered by the bureau"


def engine_with_2026_policy(directory: Path) -> Engine:
    shutil.copytree(
        package_policy_dir(), directory, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.py")
    )
    (directory / "parameters" / "nantong" / "standards-2026.yaml").write_text(
        "parameters:\n"
        "  standard.skill_level.A.level_3:\n"
        "    unit: CNY\n"
        f"    values: {{2026-02-01: {{value: 2100, source: {SOURCE_2026}}}}}\n",
        "utf-8",
    )
    (directory / "parameters" / "guangzhou" / "rules-2026.yaml").write_text(
        "parameters:\n"
        "  project.trainee.residency_required:\n"
        "    unit: flag\n"
        f"    values: {{2026-01-01: {{value: false, source: {SOURCE_2026}}}}}\n"
        "  project.trainee.excluded_groups:\n"
        "    unit: groups\n"
        f"    values: {{2026-01-01: {{value: [], source: {SOURCE_2026}}}}}\n",
        "utf-8",
    )
    return Engine(_with_jiangsu_2026(load_dataset()), directory, poll_seconds=None)


def _with_jiangsu_2026(ds: Dataset) -> Dataset:
    jiangsu = ds.catalog("jiangsu-2025")
    again = dataclasses.replace(
        jiangsu,
        id="jiangsu-2026",
        effective_from=date(2026, 1, 1),
        effective_to=date(2026, 12, 31),
        entries=tuple(dataclasses.replace(e, catalog_id="jiangsu-2026") for e in jiangsu.entries),
    )
    return dataclasses.replace(ds, catalogs=(*ds.catalogs, again))
