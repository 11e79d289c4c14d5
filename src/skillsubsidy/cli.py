"""The `skillsubsidy` command: build the dataset, list regions, report quality; the catalog commands
live in catalog/commands.py, quote and batch in rules/commands.py, and working days in
calendar_commands.py."""

from __future__ import annotations

import json
from pathlib import Path

import click

from skillsubsidy.calendar_commands import calendar_command
from skillsubsidy.calls.commands import call_command
from skillsubsidy.catalog.commands import catalog_command
from skillsubsidy.catalog.dataset import build_dataset, load_dataset, shipped_dir
from skillsubsidy.catalog.quality import quality_report, summary
from skillsubsidy.console import friendly_errors, table
from skillsubsidy.ingest.seeds import default_seed_dir
from skillsubsidy.regions import all_regions, children, resolve_region, with_ancestors
from skillsubsidy.rules.commands import batch_command, quote_command
from skillsubsidy.rules.parameters import default_policy_dir, load_parameters


@click.group()
@click.version_option(package_name="skillsubsidy")
def main() -> None:
    """skillsubsidy: subsidised vocational-skills training catalogs and rules."""


# --- dataset -------------------------------------------------------------------------------------


@main.group()
def dataset() -> None:
    """Build or check the dataset shipped inside the package."""


@dataset.command("build")
@click.option("--seeds", type=click.Path(path_type=Path, file_okay=False), default=None)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None)
@friendly_errors
def dataset_build(seeds: Path | None, out: Path | None) -> None:
    """Read the seed documents and write entries.csv, anomalies.csv and manifest.json."""
    out = out or shipped_dir()
    files = build_dataset(seeds or default_seed_dir(), out)
    manifest = json.loads(files["manifest.json"])
    for c in manifest["catalogs"]:
        click.echo(f"{c['id']:<24} {c['entry_count']:>5} entries  {c['title']}")
    click.echo(f"wrote {', '.join(sorted(files))} to {out}")


@main.command("regions")
@click.argument("region", required=False)
@click.option("--all", "show_all", is_flag=True, help="every region shipped (GB/T 2260, to county level)")
@friendly_errors
def regions_cmd(region: str | None, show_all: bool) -> None:
    """List the regions the shipped catalogs and standards speak for, with the regions above them;
    REGION (code or name) lists that region and the regions directly under it instead."""
    if region:
        reg = resolve_region(region)
        shown = [reg, *children(reg.code)]
    elif show_all:
        shown = list(all_regions().values())
    else:
        in_use = {c.region for c in load_dataset().catalogs if c.region}
        shown = with_ancestors(in_use | set(load_parameters(default_policy_dir()).by_region))
    rows = [[r.code, r.name, r.en, r.parent or ""] for r in shown]
    click.echo(table(rows, ["code", "name", "en", "parent"]))


# --- quality -------------------------------------------------------------------------------------


@main.command("quality")
@click.option("--seed", help="seed file name or its prefix, e.g. 000")
@click.option("--kind", help="anomaly kind code, e.g. code_name_conflict")
@click.option("--catalog", "catalog_id")
@click.option("--summary", "only_summary", is_flag=True, help="counts per seed and kind")
@click.option("--json", "as_json", is_flag=True)
def quality_cmd(
    seed: str | None, kind: str | None, catalog_id: str | None, only_summary: bool, as_json: bool
) -> None:
    """Every anomaly found in the sources, with its location. Nothing is silently fixed."""
    found = quality_report(load_dataset(), seed=seed, kind=kind, catalog_id=catalog_id)
    if only_summary:
        counts = summary(found)
        if as_json:
            click.echo(json.dumps(counts, ensure_ascii=False, indent=1))
        else:
            for s, kinds in counts.items():
                click.echo(s)
                for k, n in kinds.items():
                    click.echo(f"  {k:<34} {n:>4}")
        return
    if as_json:
        keys = ("kind", "severity", "message", "original", "suggestion", "catalog_id", "serial")
        out = [{"location": a.location(), **{k: str(getattr(a, k) or "") for k in keys}} for a in found]
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    for a in found:
        hint = f"  → suggest {a.suggestion!r}" if a.suggestion else ""
        click.echo(f"[{a.severity.value}] {a.kind}  {a.location()}\n    {a.message}{hint}")
    click.echo(f"{len(found)} anomalies")


main.add_command(catalog_command)
main.add_command(quote_command)
main.add_command(batch_command)
main.add_command(calendar_command)
main.add_command(call_command)
