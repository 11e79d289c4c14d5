"""The shipped dataset: every catalog read from the seeds, serialised deterministically.

Layout of `skillsubsidy/data/catalog/`:
- `entries.csv`: one row per catalog entry, provenance included;
- `anomalies.csv`: what the readers found wrong in the sources;
- `manifest.json`: catalog metadata and sections, the seed files' SHA-256, and each file's SHA-256.

CSV rather than Parquet so a reviewer can read a diff of the data in a pull request.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from skillsubsidy.catalog.fields import (
    ANOMALY_FIELDS,
    ENTRY_FIELDS,
    Field,
    Kind,
    anomaly_of,
    decoder,
    entry_of,
    to_json,
)
from skillsubsidy.catalog.model import Anomaly, CatalogVersion, CertificateType, Entry, Section, SectionKind
from skillsubsidy.occupations import clean_code, split_name
from skillsubsidy.regions import Region, ancestry, resolve_region

FORMAT_VERSION = 1
SOURCES = "sources"  # subfolder holding the official documents as read

# Listing sections say what is subsidised; shortage and evaluation lists qualify those entries.
LISTING_KINDS = frozenset(SectionKind) - {SectionKind.SHORTAGE, SectionKind.EVALUATION}


# How each kind of value is written in a CSV cell. Lists and sets are joined so that a row stays one
# line a reviewer can read in a diff; absent values are empty cells.
_SEPARATOR = {Kind.INT_LIST: ",", Kind.TEXT_LIST: "|", Kind.ENUM_SET: "|"}


def _cell(f: Field, value: Any) -> str:
    match f.kind:
        case Kind.BOOL:
            return "1" if value else ""
        case Kind.INT_LIST | Kind.TEXT_LIST | Kind.ENUM_SET:
            items = to_json(f, value)
            return _SEPARATOR[f.kind].join(str(v) for v in items)
        case Kind.INT:
            return str(value)
        case _:
            written = to_json(f, value)
            return "" if written is None else str(written)


def _reader(f: Field) -> Callable[[str], Any]:
    """How a cell of field `f` is read; chosen once per field, as loading reads every cell."""
    decode = decoder(f)
    match f.kind:
        case Kind.BOOL:
            return lambda cell: cell == "1"
        case Kind.INT:
            return int
        case Kind.INT_LIST | Kind.TEXT_LIST | Kind.ENUM_SET:
            separator = _SEPARATOR[f.kind]
            return lambda cell: decode([v for v in cell.split(separator) if v])
        case _:
            return decode


_ENTRY_READERS = tuple((f.name, _reader(f)) for f in ENTRY_FIELDS)
_ANOMALY_READERS = tuple((f.name, _reader(f)) for f in ANOMALY_FIELDS)


def _row(record: Entry | Anomaly, fields: tuple[Field, ...]) -> dict[str, str]:
    return {f.name: _cell(f, f.read(record)) for f in fields}


def _entry_from_row(r: dict[str, str]) -> Entry:
    return entry_of({name: read(r[name]) for name, read in _ENTRY_READERS})


def _anomaly_from_row(r: dict[str, str]) -> Anomaly:
    return anomaly_of({name: read(r[name]) for name, read in _ANOMALY_READERS})


def _catalog_meta(c: CatalogVersion) -> dict[str, Any]:
    return {
        "id": c.id,
        "region": c.region,
        "title": c.title,
        "seed": c.seed,
        "attachment": c.attachment,
        "document_no": c.document_no,
        "effective_from": c.effective_from.isoformat() if c.effective_from else None,
        "effective_to": c.effective_to.isoformat() if c.effective_to else None,
        "assumptions": list(c.assumptions),
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "kind": s.kind.value,
                "certificate_type": s.certificate_type.value if s.certificate_type else None,
            }
            for s in c.sections
        ],
        "entry_count": len(c.entries),
    }


def _csv_text(fields: tuple[Field, ...], rows: Iterable[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[f.name for f in fields], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_dataset(
    catalogs: list[CatalogVersion], anomalies: list[Anomaly], seed_dir: Path
) -> dict[str, str]:
    """The dataset's files as text, keyed by file name; byte-identical for identical inputs."""
    entries = _csv_text(ENTRY_FIELDS, (_row(e, ENTRY_FIELDS) for c in catalogs for e in c.entries))
    found = _csv_text(ANOMALY_FIELDS, (_row(a, ANOMALY_FIELDS) for a in anomalies))
    seeds = sorted({c.seed for c in catalogs})
    manifest = {
        "format_version": FORMAT_VERSION,
        "sources": [{"seed": s, "sha256": _sha256((seed_dir / s).read_bytes())} for s in seeds],
        "files": {
            "entries.csv": _sha256(entries.encode()),
            "anomalies.csv": _sha256(found.encode()),
        },
        "catalogs": [_catalog_meta(c) for c in catalogs],
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    files = {"entries.csv": entries, "anomalies.csv": found, "manifest.json": text}
    # The documents ship beside the data so that every citation can be opened at its line, by the
    # portal as well as by a reader of the package, without the seed folder at hand.
    for seed in seeds:
        files[f"{SOURCES}/{seed}"] = (seed_dir / seed).read_text("utf-8")
    return files


def build_dataset(seed_dir: Path, out_dir: Path) -> dict[str, str]:
    """Read every seed and write the dataset files; returns what was written."""
    from skillsubsidy.catalog.quality import cross_source_anomalies
    from skillsubsidy.ingest.seeds import read_all

    result = read_all(seed_dir)
    anomalies = result.anomalies + cross_source_anomalies(result.catalogs)
    files = render_dataset(result.catalogs, anomalies, seed_dir)
    (out_dir / SOURCES).mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out_dir / name).write_text(text, "utf-8")
    return files


def shipped_dir() -> Path:
    return Path(str(resources.files("skillsubsidy.data").joinpath("catalog")))


@cache
def shipped_sources() -> frozenset[str]:
    """The file names of the official documents shipped with the dataset."""
    return frozenset(p.name for p in (shipped_dir() / SOURCES).glob("*.txt"))


@cache
def source_titles() -> dict[str, str]:
    """The title each shipped document prints (data/source_titles.yaml): what people call it."""
    text = resources.files("skillsubsidy.data").joinpath("source_titles.yaml").read_text("utf-8")
    return {seed: str(doc["title"]) for seed, doc in yaml.safe_load(text).items()}


def source_title(seed: str) -> str:
    """The document's printed title; the file name only for a document not shipped with a title."""
    return source_titles().get(seed, seed)


# A printed row runs over a few lines of text (one cell a line in 000); no row in the five runs over 12.
_ROW_LINES = 12


def row_end(lines: tuple[str, ...], line: int, raw: str) -> int:
    """The last line of the printed row that starts on `line` and whose cells are `raw` (joined by
    " | "): the line on which its last cell is printed. `line` itself when the cells are not found."""
    cells = ["".join(c.split()) for c in raw.split("|") if c.strip()]
    text, pos, found = "", 0, 0
    for number in range(line, min(line + _ROW_LINES, len(lines) + 1)):
        text += "".join(lines[number - 1].split())
        while found < len(cells) and (at := text.find(cells[found], pos)) >= 0:
            pos, found = at + len(cells[found]), found + 1
        if found == len(cells):
            return number
    return line


@cache
def source_lines(seed: str) -> tuple[str, ...]:
    """The shipped text of a source document, line by line; line N of a citation is index N-1."""
    if seed not in shipped_sources():
        raise KeyError(f"no source document {seed!r}")
    return tuple((shipped_dir() / SOURCES / seed).read_text("utf-8").splitlines())


@dataclass(frozen=True)
class Dataset:
    catalogs: tuple[CatalogVersion, ...]
    anomalies: tuple[Anomaly, ...]
    sources: tuple[dict[str, str], ...] = field(default=())

    def catalog(self, catalog_id: str) -> CatalogVersion:
        for c in self.catalogs:
            if c.id == catalog_id:
                return c
        known = ", ".join(c.id for c in self.catalogs)
        raise KeyError(f"unknown catalog {catalog_id!r}; known: {known}")

    def entries(self) -> Iterator[Entry]:
        for c in self.catalogs:
            yield from c.entries

    def catalogs_for(self, region: str) -> list[CatalogVersion]:
        """A region's own catalogs (not inherited), oldest first."""
        code = resolve_region(region).code
        own = [c for c in self.catalogs if c.region == code]
        return sorted(own, key=lambda c: (c.effective_from or date.min, c.id))

    def effective(self, region: str, on: date) -> EffectiveCatalog:
        """What applies in `region` on `on`: its own catalogs in force, then its ancestors'."""
        reg = resolve_region(region)
        chain = ancestry(reg)
        in_force = [c for r in chain for c in self.catalogs if c.region == r.code and _in_force(c, on)]
        return EffectiveCatalog(reg, on, tuple(in_force))


def _in_force(c: CatalogVersion, on: date) -> bool:
    if c.effective_from is None or on < c.effective_from:
        return False
    return c.effective_to is None or on <= c.effective_to


@dataclass(frozen=True)
class EffectiveCatalog:
    """The catalogs in force for a region on a date; the region's own come before inherited ones."""

    region: Region
    on: date
    catalogs: tuple[CatalogVersion, ...]

    def entries(self, kinds: frozenset[SectionKind] = LISTING_KINDS) -> Iterator[Entry]:
        for c in self.catalogs:
            kind_of = {s.key: s.kind for s in c.sections}
            for e in c.entries:
                if kind_of[e.section] in kinds:
                    yield e

    def find(self, occupation: str, kinds: frozenset[SectionKind] = LISTING_KINDS) -> list[Entry]:
        """Entries for a code or a name. Work types do not distinguish occupations (000 · 附件1 · 备注3),
        so a name matches on its occupation part when no entry has the exact full name."""
        return match_entries(list(self.entries(kinds)), occupation)

    def shortage(self, occupation: str) -> list[Entry]:
        return self.find(occupation, frozenset({SectionKind.SHORTAGE}))


def match_entries(entries: list[Entry], query: str) -> list[Entry]:
    code = clean_code(query)
    by_code = [e for e in entries if e.code and e.code == code]
    if by_code:
        return by_code
    parts = split_name(query)
    exact = [e for e in entries if e.name == parts.name]
    if exact:
        return exact
    return [e for e in entries if e.occupation == parts.occupation]


def load_from(directory: Path) -> Dataset:
    manifest = json.loads((directory / "manifest.json").read_text("utf-8"))
    with (directory / "entries.csv").open(encoding="utf-8", newline="") as fh:
        rows = [_entry_from_row(r) for r in csv.DictReader(fh)]
    with (directory / "anomalies.csv").open(encoding="utf-8", newline="") as fh:
        anomalies = tuple(_anomaly_from_row(r) for r in csv.DictReader(fh))
    by_catalog: dict[str, list[Entry]] = {}
    for e in rows:
        by_catalog.setdefault(e.catalog_id, []).append(e)
    catalogs = tuple(
        CatalogVersion(
            id=m["id"],
            region=m["region"],
            title=m["title"],
            seed=m["seed"],
            attachment=m["attachment"],
            effective_from=date.fromisoformat(m["effective_from"]) if m["effective_from"] else None,
            effective_to=date.fromisoformat(m["effective_to"]) if m["effective_to"] else None,
            sections=tuple(
                Section(
                    s["key"],
                    s["title"],
                    SectionKind(s["kind"]),
                    CertificateType(s["certificate_type"]) if s["certificate_type"] else None,
                )
                for s in m["sections"]
            ),
            entries=tuple(by_catalog.get(m["id"], ())),
            assumptions=tuple(m["assumptions"]),
            document_no=m["document_no"],
        )
        for m in manifest["catalogs"]
    )
    return Dataset(catalogs, anomalies, tuple(manifest["sources"]))


@cache
def load_dataset() -> Dataset:
    """The dataset shipped inside the package (built by `skillsubsidy dataset build`)."""
    return load_from(shipped_dir())
