"""`skillsubsidy quote` and `skillsubsidy batch`, registered on the main CLI group by cli.py."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn

import click

from skillsubsidy.rules.engine import Engine, default_engine
from skillsubsidy.rules.parameters import POLICY_DIR_ENV, ParameterError
from skillsubsidy.rules.request import RequestError

if TYPE_CHECKING:
    import polars as pl

_POLICY_HELP = (
    f"Policy directory (parameters/, groups.yaml); default ${POLICY_DIR_ENV} or the shipped policy."
)


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _engine(policy_dir: Path | None) -> Engine:
    try:
        return Engine(policy_dir=policy_dir) if policy_dir else default_engine()
    except ParameterError as exc:
        _fail(str(exc))


def _write_atomically(frame: pl.DataFrame, path: Path) -> None:
    """Write beside the target and rename, so a failed run never leaves half a file behind."""
    from skillsubsidy.rules.batch import write_decisions

    partial = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        write_decisions(frame, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


@click.command("quote")
@click.option(
    "--request",
    "request_file",
    type=click.File("r", encoding="utf-8"),
    default="-",
    show_default="stdin",
    help="A JSON quote request.",
)
@click.option(
    "--policy-dir", type=click.Path(file_okay=False, exists=True, path_type=Path), help=_POLICY_HELP
)
def quote_command(request_file: IO[str], policy_dir: Path | None) -> None:
    """Decide one subsidy request and print the decision as JSON: eligibility, the amount, reasons
    with stable codes, and the trace of every rule and parameter used with its source."""
    try:
        raw = json.load(request_file)
    except json.JSONDecodeError as exc:
        _fail(f"request: not valid JSON ({exc})")
    engine = _engine(policy_dir)
    try:
        decision = engine.quote(raw)
    except RequestError as exc:
        _fail(str(exc))
    click.echo(json.dumps(decision.to_json(), ensure_ascii=False, indent=2))


@click.command("batch")
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Decisions, .csv or .parquet: the input columns then eligible, amount, amount_fen, reasons.",
)
@click.option(
    "--project-totals",
    "totals_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write per-project totals (needs a project_id column).",
)
@click.option("--progress/--no-progress", default=None, help="Progress bar; default: on for large inputs.")
@click.option(
    "--policy-dir", type=click.Path(file_okay=False, exists=True, path_type=Path), help=_POLICY_HELP
)
def batch_command(
    input_path: Path, output: Path, totals_path: Path | None, progress: bool | None, policy_dir: Path | None
) -> None:
    """Decide every claim in INPUT (.csv or .parquet) with the same rules as `quote`, vectorised, and
    check the claims against each other: same person and occupation at the same or a lower level,
    the same certificate twice, and a per-person yearly limit where a region sets one."""
    # Polars and the batch plan cost ~0.4 s to import; `quote` and `--help` never need them.
    import polars as pl

    from skillsubsidy.rules.batch import evaluate_batch, project_totals, read_claims

    engine = _engine(policy_dir)
    try:
        claims = read_claims(input_path)
        result = evaluate_batch(claims, engine=engine, progress=progress)
        totals = project_totals(result.frame) if totals_path else None
        _write_atomically(result.frame, output)
        if totals_path and totals is not None:
            _write_atomically(totals, totals_path)
    except RequestError as exc:
        _fail(str(exc))
    except pl.exceptions.PolarsError as exc:
        _fail(f"input: {input_path}: {exc}")
    for line in result.report.lines():
        click.echo(line, err=True)
