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

    from skillsubsidy.rules.batch import BatchReport

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


def _for_totals(path: Path) -> pl.DataFrame:
    """The columns of a decisions file that project_totals reads (it names a missing project_id)."""
    import polars as pl

    present = pl.read_parquet_schema(path)
    wanted: list[str] = [str(c) for c in ("project_id", "eligible", "amount_fen") if c in present]
    return pl.read_parquet(path, columns=wanted)


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
@click.argument("input_path", metavar="INPUT")
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
    "--engine",
    type=click.Choice(["polars", "duckdb"]),
    default="polars",
    show_default=True,
    help="polars: in memory, fastest; duckdb: the same plan as SQL, for inputs larger than memory and "
    "Parquet in object storage (INPUT may then be a glob or an s3:// or https:// URL); Parquet out.",
)
@click.option(
    "--memory-limit",
    help="duckdb engine: memory to use before spilling to a temporary directory, e.g. 8GB.",
)
@click.option(
    "--policy-dir", type=click.Path(file_okay=False, exists=True, path_type=Path), help=_POLICY_HELP
)
def batch_command(
    input_path: str,
    output: Path,
    totals_path: Path | None,
    progress: bool | None,
    engine: str,
    memory_limit: str | None,
    policy_dir: Path | None,
) -> None:
    """Decide every claim in INPUT (.csv or .parquet) with the same rules as `quote`, vectorised, and
    check the claims against each other: same person and occupation at the same or a lower level,
    the same certificate twice, and a per-person yearly limit where a region sets one."""
    # Polars, pyarrow and the batch plan cost ~0.4 s to import; `quote` and `--help` never need them.
    import polars as pl
    import pyarrow as pa

    from skillsubsidy.rules.batch import project_totals

    rules = _engine(policy_dir)
    if engine == "duckdb":
        report = _batch_duckdb(input_path, output, rules, memory_limit)
        if totals_path:
            try:
                _write_atomically(project_totals(_for_totals(output)), totals_path)
            except RequestError as exc:
                _fail(str(exc))
        for line in report.lines():
            click.echo(line, err=True)
        return

    from skillsubsidy.rules.batch import evaluate_batch, evaluate_file, read_claims

    source = Path(input_path)
    if not source.is_file():
        _fail(f"input: {input_path}: no such file (the polars engine reads one local file)")
    if source.suffix.lower() == output.suffix.lower() == ".parquet":
        # Parquet to Parquet streams in chunks, so an input larger than memory is decided too.
        partial = output.with_name(f".{output.stem}.partial{output.suffix}")
        try:
            report = evaluate_file(source, partial, engine=rules, progress=progress)
            if totals_path:
                _write_atomically(project_totals(_for_totals(partial)), totals_path)
            os.replace(partial, output)
        except RequestError as exc:
            _fail(str(exc))
        except (pl.exceptions.PolarsError, pa.ArrowException) as exc:
            # The Parquet input is read with pyarrow (its text columns as dictionary columns).
            _fail(f"input: {input_path}: {exc}")
        finally:
            partial.unlink(missing_ok=True)
        for line in report.lines():
            click.echo(line, err=True)
        return
    try:
        claims = read_claims(source)
        result = evaluate_batch(claims, engine=rules, progress=progress)
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


def _batch_duckdb(input_path: str, output: Path, rules: Engine, memory_limit: str | None) -> BatchReport:
    from skillsubsidy.rules.batch_duckdb import evaluate_duckdb

    if output.suffix.lower() != ".parquet":
        _fail(f"output: the duckdb engine writes Parquet; name a .parquet file (got '{output.name}')")
    partial = output.with_name(f".{output.stem}.partial{output.suffix}")
    try:
        report = evaluate_duckdb(input_path, partial, engine=rules, memory_limit=memory_limit)
        os.replace(partial, output)
    except RequestError as exc:
        _fail(str(exc))
    finally:
        partial.unlink(missing_ok=True)
    return report
