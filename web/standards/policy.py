"""The policy directory the quote engine reads: the shipped YAML with the back office's values applied.

The database is the record of what staff entered; the engine reads a directory of YAML files
(`skillsubsidy.rules.parameters`). Each distinct set of entered values is written once to
`var/policy/<hash>/`, atomically, so every process and server derives the same directory from the
same rows without coordination, and a bad value is refused before it is stored because the
candidate directory has to load first.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from skillsubsidy.regions import resolve_region
from skillsubsidy.rules.parameters import ParameterSet, load_parameters, package_policy_dir

BACKOFFICE_FILE = "backoffice.yaml"


@dataclass(frozen=True, slots=True)
class Override:
    region: str  # GB/T 2260 code
    name: str
    since: date
    value: Any  # JSON-able: str for decimals, int, bool, list of group codes; None for "no value"
    source: str
    label: str
    unit: str


def _fingerprint(overrides: Iterable[Override]) -> str:
    doc = [
        [o.region, o.name, o.since.isoformat(), o.value, o.source, o.label, o.unit]
        for o in sorted(overrides, key=lambda o: (o.region, o.name, o.since))
    ]
    shipped = sorted(
        (str(p.relative_to(package_policy_dir())), p.stat().st_mtime_ns)
        for p in package_policy_dir().glob("parameters/*/*.yaml")
    )
    payload = json.dumps([doc, shipped], ensure_ascii=False).encode()
    return hashlib.sha256(payload).hexdigest()[:20]


def _write_tree(target: Path, overrides: list[Override]) -> None:
    src = package_policy_dir()
    shutil.copy2(src / "groups.yaml", target / "groups.yaml")
    docs: dict[Path, dict[str, Any]] = {}
    region_dirs: dict[str, str] = {}
    for path in sorted(src.glob("parameters/*/*.yaml")):
        rel = path.relative_to(src)
        docs[rel] = yaml.safe_load(path.read_text("utf-8")) or {}
        region_dirs.setdefault(resolve_region(path.parent.name).code, path.parent.name)
    for o in overrides:
        entry: dict[str, Any] = {"value": o.value, "source": o.source}
        home = next(
            (
                doc["parameters"][o.name]
                for rel, doc in docs.items()
                if resolve_region(rel.parent.name).code == o.region and o.name in doc.get("parameters", {})
                and o.since in doc["parameters"][o.name]["values"]
            ),
            None,
        )  # fmt: skip
        if home is None:
            home = next(
                (
                    doc["parameters"][o.name]
                    for rel, doc in docs.items()
                    if resolve_region(rel.parent.name).code == o.region
                    and o.name in doc.get("parameters", {})
                ),
                None,
            )
        if home is None:
            rel = Path("parameters") / region_dirs.get(o.region, o.region) / BACKOFFICE_FILE
            doc = docs.setdefault(rel, {"parameters": {}})
            home = doc["parameters"].setdefault(
                o.name, {"label": o.label, "unit": o.unit, "source": o.source, "values": {}}
            )
        home["values"][o.since] = entry
    for rel, doc in docs.items():
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")


def policy_root() -> Path:
    return Path(settings.VAR_DIR) / "policy"


def materialise(overrides: list[Override]) -> Path:
    """The directory for this set of values, written on first use; raises ParameterError if invalid."""
    if not overrides:
        return package_policy_dir()
    root = policy_root()
    target = root / _fingerprint(overrides)
    if target.is_dir():
        return target
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
    try:
        _write_tree(tmp, overrides)
        load_parameters(tmp)  # refuse a directory the engine could not read
        try:
            os.rename(tmp, target)
        except OSError:
            if not target.is_dir():  # another process won the race with the same content
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    prune(keep=target)
    return target


def prune(*, keep: Path) -> list[Path]:
    """Remove the directories of earlier values, except `keep` (the one now in use) and the newest
    `SKILLSUBSIDY_POLICY_DIRS_KEPT` others. A process still holding an older one has its parameters
    loaded in memory, and one that needs a removed directory writes it again from the same rows.
    Directories being built (dot-prefixed) are left to their builder."""
    others = sorted(
        (d for d in policy_root().iterdir() if d.is_dir() and not d.name.startswith(".") and d != keep),
        key=lambda d: d.stat().st_mtime_ns,
        reverse=True,
    )
    removed = others[settings.POLICY_DIRS_KEPT :]
    for old in removed:
        shutil.rmtree(old, ignore_errors=True)
    return removed


def check(overrides: list[Override]) -> ParameterSet:
    """Load a candidate set of values without keeping it; raises ParameterError naming the problem."""
    with tempfile.TemporaryDirectory() as tmp:
        _write_tree(Path(tmp), overrides)
        return load_parameters(Path(tmp))
