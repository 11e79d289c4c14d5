"""`skillsubsidy catalog …`: list, search, show, compare, export and import catalogs; registered on the
main CLI group by cli.py."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from skillsubsidy.catalog.dataset import Dataset, EffectiveCatalog, load_dataset
from skillsubsidy.catalog.diff import CatalogDiff, diff_catalogs
from skillsubsidy.catalog.export import FORMATS, export_entries, section_titles
from skillsubsidy.catalog.model import CatalogVersion, Category, Entry, SectionKind
from skillsubsidy.catalog.profile import OccupationProfile, occupation_profile
from skillsubsidy.catalog.search import SearchIndex
from skillsubsidy.console import friendly_errors, table
from skillsubsidy.occupations import Marker
from skillsubsidy.regions import resolve_region


def _markers(e: Entry) -> str:
    return " ".join(sorted(m.value for m in e.markers))


def _category(e: Entry) -> str:
    return (e.category.value + ("*" if e.matched else "")) if e.category else "-"


@click.group("catalog")
def catalog_command() -> None:
    """Search, show, compare and export catalogs."""


@catalog_command.command("list")
@click.option("--json", "as_json", is_flag=True)
def catalog_list(as_json: bool) -> None:
    """Every loaded catalog version with its region and period."""
    ds = load_dataset()
    rows = [
        [
            c.id,
            c.region or "-",
            str(c.effective_from or "?"),
            str(c.effective_to or "…"),
            str(len(c.entries)),
            c.title,
        ]
        for c in ds.catalogs
    ]
    if as_json:
        keys = ["id", "region", "effective_from", "effective_to", "entries", "title"]
        click.echo(json.dumps([dict(zip(keys, r, strict=True)) for r in rows], ensure_ascii=False, indent=1))
    else:
        click.echo(table(rows, ["id", "region", "from", "to", "entries", "title"]))


@catalog_command.command("search")
@click.argument("query")
@click.option("--region", help="code or name, e.g. 320600 or 南通")
@click.option("--year", type=int)
@click.option("--category", type=click.Choice([c.value for c in Category], case_sensitive=False))
@click.option("--cert", "certificate_type", help="certificate type, e.g. skill_level, special_ability")
@click.option("--marker", "markers", multiple=True, type=click.Choice([m.value for m in Marker]))
@click.option("--shortage/--no-shortage", default=None)
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@friendly_errors
def catalog_search(
    query: str,
    region: str | None,
    year: int | None,
    category: str | None,
    certificate_type: str | None,
    markers: tuple[str, ...],
    shortage: bool | None,
    limit: int,
    as_json: bool,
) -> None:
    """Find entries by code, Chinese name, pinyin or initials (hg → 焊工), tolerant of typos."""
    index = SearchIndex(load_dataset())
    hits = index.search(
        query,
        region=region,
        year=year,
        category=category,
        certificate_type=certificate_type,
        markers=markers,
        shortage=shortage,
        limit=limit,
    )
    if as_json:
        out = [
            {
                "score": h.score,
                "matched_on": h.matched_on,
                "catalog": h.entry.catalog_id,
                "section": h.entry.section,
                "code": h.entry.code,
                "name": h.entry.name,
                "category": h.entry.category.value if h.entry.category else None,
                "markers": sorted(m.value for m in h.entry.markers),
                "source": h.entry.provenance.cite(),
            }
            for h in hits
        ]
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    if not hits:
        near = index.suggest(query)
        click.echo(f"no match for {query!r}" + (f"; nearest: {', '.join(near)}" if near else ""))
        return
    rows = [
        [
            f"{h.score:.0f}",
            h.entry.code or "-",
            h.entry.name,
            _category(h.entry),
            _markers(h.entry),
            h.entry.catalog_id,
            h.entry.section,
        ]
        for h in hits
    ]
    click.echo(table(rows, ["score", "code", "name", "cat", "markers", "catalog", "section"]))


@catalog_command.command("show")
@click.argument("query")
@click.option("--json", "as_json", is_flag=True)
@friendly_errors
def catalog_show(query: str, as_json: bool) -> None:
    """One occupation across every loaded catalog, region by region."""
    ds = load_dataset()
    profile = occupation_profile(ds, query)
    if as_json:
        click.echo(json.dumps(profile_json(profile), ensure_ascii=False, indent=1))
        return
    click.echo(f"{' / '.join(profile.names)}  codes: {', '.join(profile.codes) or '-'}")
    if profile.work_types:
        click.echo(f"work types: {'、'.join(profile.work_types)}")
    rows = []
    for li in profile.listings:
        e = li.entry
        region = resolve_region(li.catalog.region).name if li.catalog.region else "(未注明)"
        detail = e.industry_class or " ".join(e.programmes) or ""
        if li.section_kind is SectionKind.SHORTAGE:
            detail = (
                f"shortage +{e.uplift_pct}%" if e.uplift_pct is not None else "shortage (no uplift stated)"
            )
        if e.levels:
            detail = "levels " + ",".join(str(v) for v in e.levels)
        rows.append(
            [
                region,
                li.catalog.id,
                li.section_title[:18],
                e.name,
                _category(e),
                _markers(e),
                detail,
                f"line {e.provenance.line}",
            ]
        )
    click.echo(table(rows, ["region", "catalog", "section", "name", "cat", "markers", "detail", "source"]))


def profile_json(profile: OccupationProfile) -> dict[str, Any]:
    return {
        "query": profile.query,
        "codes": list(profile.codes),
        "names": list(profile.names),
        "work_types": list(profile.work_types),
        "listings": [
            {
                "region": li.catalog.region,
                "catalog": li.catalog.id,
                "section": li.section_title,
                "section_kind": li.section_kind.value,
                "code": li.entry.code,
                "name": li.entry.name,
                "category": li.entry.category.value if li.entry.category else None,
                "matched": li.entry.matched,
                "markers": sorted(m.value for m in li.entry.markers),
                "industry_class": li.entry.industry_class,
                "programmes": list(li.entry.programmes),
                "levels": list(li.entry.levels),
                "uplift_pct": str(li.entry.uplift_pct) if li.entry.uplift_pct is not None else None,
                "source": li.entry.provenance.cite(),
            }
            for li in profile.listings
        ],
    }


def resolve_catalog(ds: Dataset, ref: str, on: date | None = None) -> CatalogVersion:
    """A catalog id, or a region (name or code) optionally with `@YYYY-MM-DD` / `@YYYY`.

    A region stands for its effective catalog: its own lists plus what it inherits, in force on the
    date (default: the latest date any of its catalogs covers).
    """
    try:
        return ds.catalog(ref)
    except KeyError:
        pass
    region_ref, _, when = ref.partition("@")
    region = resolve_region(region_ref)
    if when:
        on = date(int(when), 12, 31) if len(when) == 4 else date.fromisoformat(when)
    if on is None:
        starts = [c.effective_from for c in ds.catalogs_for(region.code) if c.effective_from]
        if not starts:
            raise ValueError(f"region {region.name} {region.code} has no dated catalog of its own")
        on = max(starts)
    eff = ds.effective(region.code, on)
    return effective_as_catalog(eff)


def effective_as_catalog(eff: EffectiveCatalog) -> CatalogVersion:
    entries = tuple(eff.entries())
    if not entries:
        raise ValueError(f"no catalog is in force in {eff.region.name} {eff.region.code} on {eff.on}")
    sections = tuple(s for c in eff.catalogs for s in c.sections)
    return CatalogVersion(
        id=f"{eff.region.code}@{eff.on}",
        region=eff.region.code,
        title=f"{eff.region.name} effective catalog on {eff.on}: " + " + ".join(c.id for c in eff.catalogs),
        seed="",
        attachment="",
        effective_from=eff.on,
        effective_to=eff.on,
        sections=sections,
        entries=entries,
    )


@catalog_command.command("diff")
@click.argument("a")
@click.argument("b")
@click.option("--json", "as_json", is_flag=True)
@click.option("--limit", type=int, default=15, show_default=True, help="rows shown per change kind")
@friendly_errors
def catalog_diff(a: str, b: str, as_json: bool, limit: int) -> None:
    """Compare two catalogs: ids (jiangsu-2025), or regions (南通, 上海@2026)."""
    ds = load_dataset()
    d = diff_catalogs(resolve_catalog(ds, a), resolve_catalog(ds, b))
    if as_json:
        click.echo(json.dumps(diff_json(d), ensure_ascii=False, indent=1))
        return
    click.echo(f"{d.a} → {d.b}: " + ", ".join(f"{k} {v}" for k, v in d.counts().items()))
    for label, changes in (
        ("added", d.added),
        ("removed", d.removed),
        ("recategorised", d.recategorised),
        ("renamed", d.renamed),
    ):
        if not changes:
            continue
        click.echo(f"\n{label} ({len(changes)}):")
        for ch in changes[:limit]:
            before, after = ch.before, ch.after
            if before and after:
                old, new = f"{before.name} {_category(before)}", f"{after.name} {_category(after)}"
                click.echo(f"  {before.code or '-'} {old} → {new}")
            else:
                e = after or before
                assert e is not None
                click.echo(f"  {e.code or '-'} {e.name} {_category(e)}")
        if len(changes) > limit:
            click.echo(f"  … {len(changes) - limit} more (--json for all)")


def diff_json(d: CatalogDiff) -> dict[str, Any]:
    def side(e: Entry | None) -> dict[str, Any] | None:
        if e is None:
            return None
        return {
            "code": e.code,
            "name": e.name,
            "category": e.category.value if e.category else None,
            "source": e.provenance.cite(),
        }

    return {
        "a": d.a,
        "b": d.b,
        "counts": d.counts(),
        **{
            k: [{"key": c.key, "before": side(c.before), "after": side(c.after)} for c in v]
            for k, v in (
                ("added", d.added),
                ("removed", d.removed),
                ("recategorised", d.recategorised),
                ("renamed", d.renamed),
            )
        },
    }


@catalog_command.command("export")
@click.argument("ref")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None)
@friendly_errors
def catalog_export(ref: str, fmt: str, output: Path | None) -> None:
    """Write a catalog (id, or region[@date]) as CSV, XLSX or JSON."""
    cat = resolve_catalog(load_dataset(), ref)
    data = export_entries(cat.entries, fmt, title=cat.id, sections=section_titles(cat))
    if output is None:
        if fmt == "xlsx":
            raise ValueError("xlsx is binary: give --output FILE")
        sys.stdout.write(data.decode("utf-8-sig"))
    else:
        output.write_bytes(data)
        click.echo(f"wrote {len(cat.entries)} entries to {output}", err=True)


@catalog_command.command("import")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="COL=FIELD",
    help="override a column: 0-based index or header text = field (or '-' to ignore)",
)
@click.option("--header-row", type=int, help="source row of the header when detection picks wrongly")
@click.option("--sheet", help="read only this sheet (xlsx)")
@click.option("--id", "catalog_id", help="catalog id to give the result, e.g. nantong-2026")
@click.option("--region", help="region code or name the catalog speaks for")
@click.option("--title")
@click.option("--from", "effective_from", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "effective_to", type=click.DateTime(["%Y-%m-%d"]))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="write the parsed entries (.csv, .xlsx or .json); without it only the preview prints",
)
@friendly_errors
def catalog_import(
    path: Path,
    maps: tuple[str, ...],
    header_row: int | None,
    sheet: str | None,
    catalog_id: str | None,
    region: str | None,
    title: str | None,
    effective_from: Any,
    effective_to: Any,
    output: Path | None,
) -> None:
    """Read a bureau's xlsx, docx, pdf or csv table: show the column mapping, sample rows and anomalies."""
    from skillsubsidy.ingest.mapping import preview, to_catalog
    from skillsubsidy.ingest.tables import read_tables

    tables = [t for t in read_tables(path) if sheet is None or t.sheet == sheet]
    if not tables:
        raise ValueError(f"--sheet {sheet!r}: no such sheet in {path.name}")
    mapping: dict[int | str, str | None] = {}
    for item in maps:
        col, sep, field_name = item.partition("=")
        if not sep:
            raise ValueError(f"--map {item!r}: expected COL=FIELD")
        key: int | str = int(col) if col.isdigit() else col
        mapping[key] = None if field_name == "-" else field_name
    pv = preview(tables, mapping or None, header_row=header_row)
    click.echo(
        f"{path.name}: {len(pv.rows)} rows from {len(pv.tables)} table(s); header rows {pv.header_rows}"
    )
    cols = [[str(m.column), m.header, m.field.value, f"{m.confidence:.1f}", m.how] for m in pv.columns]
    click.echo(table(cols, ["col", "header", "field", "conf", "how"]))
    sample = [
        [r.serial or "", r.code or "", r.parts.name, r.category.value if r.category else "", r.section or ""]
        for r in pv.sample
    ]
    click.echo("\n" + table(sample, ["serial", "code", "name", "cat", "section"]))
    for a in pv.anomalies:
        click.echo(f"[{a.severity.value}] {a.kind}  {a.location()}: {a.message}")
    if output is None:
        return
    reg = resolve_region(region).code if region else None
    catalog_version, _ = to_catalog(
        pv,
        catalog_id=catalog_id or path.stem,
        region=reg,
        title=title or path.stem,
        effective_from=effective_from.date() if effective_from else None,
        effective_to=effective_to.date() if effective_to else None,
        source_name=path.name,
    )
    fmt = output.suffix.lstrip(".").lower()
    output.write_bytes(
        export_entries(
            catalog_version.entries, fmt, title=catalog_version.id, sections=section_titles(catalog_version)
        )
    )
    click.echo(f"wrote {len(catalog_version.entries)} entries to {output}")
