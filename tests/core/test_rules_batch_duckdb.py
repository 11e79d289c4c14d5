"""The DuckDB engine runs the batch plan as SQL and decides exactly as the Polars engine: the same
columns, decisions, amounts and reason codes, and the same report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from click.testing import CliRunner

from skillsubsidy.rules import RequestError
from skillsubsidy.rules.batch import evaluate_batch, read_claims
from skillsubsidy.rules.batch_duckdb import evaluate_duckdb
from skillsubsidy.rules.engine import default_engine
from skillsubsidy.rules.parameters import package_policy_dir
from skillsubsidy.rules.synthetic import generate_claims

from .test_rules_batch import CSV, OUTSIDE_ROWS, _claim, _cli, _frame, _quote_outcome, _row_from_request


def _both(frame: pl.DataFrame, tmp_path: Path, suffix: str = ".parquet") -> tuple[Any, Any, Any, Any]:
    source, target = tmp_path / f"claims{suffix}", tmp_path / "decisions.parquet"
    if suffix == ".csv":
        frame.write_csv(source)
    else:
        frame.write_parquet(source)
    polars = evaluate_batch(read_claims(source), progress=False)
    polars.report.timings = {}
    report = evaluate_duckdb(source, target, engine=default_engine())
    return polars.frame, pl.read_parquet(target), polars.report, report


def test_duckdb_decides_100000_synthetic_claims_exactly_as_the_polars_engine(tmp_path: Path):
    ours, theirs, our_report, their_report = _both(generate_claims(100_000, seed=7), tmp_path)
    assert theirs.columns == ours.columns
    assert theirs.equals(ours)
    assert their_report == our_report
    assert their_report.rows == 100_000


def test_duckdb_gives_every_policy_case_the_polars_engines_outcome_from_a_csv(tmp_path: Path):
    rows = [
        _row_from_request(path.parent.name, case["date"], case["input"])
        for path in sorted((package_policy_dir() / "tests").glob("*/*.yaml"))
        for case in yaml.safe_load(path.read_text("utf-8"))["cases"]
    ]
    ours, theirs, _, _ = _both(_frame(rows), tmp_path, ".csv")
    columns = ["eligible", "amount", "amount_fen", "reasons"]
    assert theirs.select(columns).rows() == ours.select(columns).rows()


def test_duckdb_leaves_a_date_outside_every_period_undecided_as_the_quote_does(tmp_path: Path):
    columns = ["region", "date", "certificate_type", "occupation", "level"]
    ours, theirs, our_report, their_report = _both(_frame(OUTSIDE_ROWS, columns), tmp_path)
    assert theirs.equals(ours)
    assert their_report == our_report and their_report.undecided == 4
    assert [
        (r["eligible"], r["amount"], sorted(r["reasons"].split("|"))) for r in theirs.iter_rows(named=True)
    ] == [_quote_outcome(r) for r in OUTSIDE_ROWS]
    # The synthetic input of the 100,000-claim test has such rows too (certificates issued before a
    # region's first catalog), so that equality covers them.
    assert evaluate_batch(generate_claims(20_000, seed=7), progress=False).report.undecided > 0


def test_duckdb_checks_claims_against_each_other_as_the_polars_engine(tmp_path: Path):
    rows = [
        _claim("p1", "焊工", 3, "2025-05-01", certificate_no="JS-1"),
        _claim("p9", "焊工", 3, "2025-05-01", certificate_no="JS-1"),
        _claim("p2", "电工", 4, "2025-05-01"),
        _claim("p2", "6-31-01-03", 4, "2025-05-01"),
        _claim("p3", "焊工", 3, "2025-05-01"),
        _claim("p3", "6-18-02-04", 2, "2025-03-01"),
    ]
    columns = sorted({k for r in rows for k in r})
    ours, theirs, _, report = _both(_frame(rows, columns), tmp_path)
    assert theirs["reasons"].to_list() == ours["reasons"].to_list() == [
        "", "duplicate_claim", "", "duplicate_claim", "higher_or_same_level_claimed", "",
    ]  # fmt: skip
    assert report.reason_counts == {"higher_or_same_level_claimed": 1, "duplicate_claim": 2}


def test_duckdb_names_the_column_and_row_of_a_bad_cell(tmp_path: Path):
    frame = pl.read_csv(CSV.encode(), infer_schema=False).with_columns(
        pl.when(pl.col("claim_id") == "3").then(pl.lit("火星")).otherwise(pl.col("region")).alias("region")
    )
    frame.write_parquet(source := tmp_path / "claims.parquet")
    with pytest.raises(RequestError, match=r"^region \(row 3\): is not a known region \(got '火星'\)$"):
        evaluate_duckdb(source, tmp_path / "out.parquet")


def test_the_batch_command_runs_either_engine_to_the_same_file(tmp_path: Path):
    source = tmp_path / "claims.parquet"
    generate_claims(2_000, seed=3).write_parquet(source)
    for name in ("polars", "duckdb"):
        result = CliRunner().invoke(
            _cli(), ["batch", str(source), "-o", str(tmp_path / f"{name}.parquet"), "--engine", name]
        )
        assert result.exit_code == 0, result.output
    assert pl.read_parquet(tmp_path / "duckdb.parquet").equals(pl.read_parquet(tmp_path / "polars.parquet"))


def test_the_batch_command_refuses_duckdb_for_csv_output(tmp_path: Path):
    (source := tmp_path / "claims.csv").write_text(CSV, "utf-8")
    result = CliRunner().invoke(
        _cli(), ["batch", str(source), "-o", str(tmp_path / "out.csv"), "--engine", "duckdb"]
    )
    assert (result.exit_code, result.output.strip()) == (
        2,
        "error: output: the duckdb engine writes Parquet; name a .parquet file (got 'out.csv')",
    )
