"""The `skillsubsidy` command: build the dataset, list regions, report quality; the catalog commands
live in catalog/commands.py, quote and batch in rules/commands.py, and working days in
calendar_commands.py."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import click

from skillsubsidy.console import friendly_errors, table

# Subcommands defined elsewhere: name → (module, attribute, first sentence of its help). A command's
# module is imported only when that command runs, so `--help` and `quote` never import polars, openpyxl
# or pypinyin (about 1 s together). `--help` lists the sentence given here; a test keeps it equal to
# the command's own docstring.
LAZY_COMMANDS: dict[str, tuple[str, str, str]] = {
    "batch": (
        "skillsubsidy.rules.commands",
        "batch_command",
        "Decide every claim in INPUT (.csv or .parquet) with the same rules as `quote`, vectorised, and "
        "check the claims against each other: same person and occupation at the same or a lower level, "
        "the same certificate twice, and a per-person yearly limit where a region sets one.",
    ),
    "calendar": (
        "skillsubsidy.calendar_commands",
        "calendar_command",
        "Working days (holidays and make-up working days as the State Council set them) and deadlines.",
    ),
    "call": (
        "skillsubsidy.calls.commands",
        "call_command",
        "Project calls (揭榜领题, 002): their settings and their forms.",
    ),
    "catalog": (
        "skillsubsidy.catalog.commands",
        "catalog_command",
        "Search, show, compare and export catalogs.",
    ),
    "roster": (
        "skillsubsidy.classes.commands",
        "roster_command",
        "Class rosters (花名册): check every row before a class is filed.",
    ),
    "quote": (
        "skillsubsidy.rules.commands",
        "quote_command",
        "Decide one subsidy request and print the decision as JSON: eligibility, the amount, reasons "
        "with stable codes, and the trace of every rule and parameter used with its source.",
    ),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module, attribute, _ = LAZY_COMMANDS[cmd_name]
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            if name in LAZY_COMMANDS:
                listed = click.Command(name, help=LAZY_COMMANDS[name][2])
                rows.append((name, listed.get_short_help_str(limit)))
            else:
                command = super().get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
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
    from skillsubsidy.catalog.dataset import build_dataset, shipped_dir
    from skillsubsidy.ingest.seeds import default_seed_dir

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
    from skillsubsidy.catalog.dataset import load_dataset
    from skillsubsidy.regions import all_regions, children, resolve_region, with_ancestors
    from skillsubsidy.rules.parameters import default_policy_dir, load_parameters

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
    from skillsubsidy.catalog.dataset import load_dataset
    from skillsubsidy.catalog.quality import quality_report, summary

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
