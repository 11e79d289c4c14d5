"""Rules benchmarks, in one run: the batch engine on N synthetic claims (default 1,000,000) in process
and Parquet to Parquet (Polars and DuckDB engines), the same at 10,000,000 claims in a fresh process
with its peak memory, the scalar `quote` on a sample of the same claims, and a plain numpy lookup of
the amount table as the floor.

Targets (issue 13): 1M claims Parquet to Parquet in under 1 s; 10M in under 10 s at under 150 bytes
a claim of peak memory; the batch's amount lookup within 2x the numpy floor. Times are medians of
`--repeat` runs with their range, wall and CPU (user + system seconds from getrusage, all threads:
the machine is shared, and CPU time is what the run itself used), each with the load average during
the runs; stages are CPU seconds. Figures are printed, never asserted.
100M: `python -m benchmarks.scale_batch`.

    python -m benchmarks.bench_rules [--claims N] [--scale-claims M] [--quotes Q] [--repeat R] [--seed S]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import numpy.typing as npt

from benchmarks.scale_batch import cpu_seconds, line, measure, write_claims
from benchmarks.timing import wall
from skillsubsidy.regions import resolve_region
from skillsubsidy.rules.batch import evaluate_batch, evaluate_file, request_from_row
from skillsubsidy.rules.batch_duckdb import evaluate_duckdb
from skillsubsidy.rules.engine import Engine, default_engine
from skillsubsidy.rules.synthetic import generate_claims

DEFAULT_CLAIMS = int(os.environ.get("SKILLSUBSIDY_BENCH_CLAIMS", "1000000"))
SCALE_CLAIMS = int(os.environ.get("SKILLSUBSIDY_BENCH_SCALE_CLAIMS", "10000000"))


def _args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_rules", description=__doc__)
    parser.add_argument("--claims", type=int, default=DEFAULT_CLAIMS, help="batch size (default %(default)s)")
    parser.add_argument(
        "--scale-claims",
        type=int,
        default=SCALE_CLAIMS,
        help="the large run; 0 skips it (default %(default)s)",
    )
    parser.add_argument(
        "--quotes", type=int, default=20_000, help="scalar quotes to time (default %(default)s)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="median of this many runs (default %(default)s)"
    )
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


Figures = tuple[float, float, float, float, float, float, float]


def _median(fn: Callable[[], object], repeat: int) -> Figures:
    """Median wall seconds and its range, median CPU seconds and their range, and the highest load
    average seen, over `repeat` runs."""
    walls, cpus, loads = [], [], [os.getloadavg()[0]]
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), cpu_seconds()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(cpu_seconds() - c0)
        loads.append(os.getloadavg()[0])
    return (
        statistics.median(walls), min(walls), max(walls),
        statistics.median(cpus), min(cpus), max(cpus), max(loads),
    )  # fmt: skip


def _timed(label: str, figures: Figures, n: int, target: str) -> str:
    median, low, high, cpu, cpu_low, cpu_high, load = figures
    return (
        f"{label:<44} {median:8.2f} s  (range {low:.2f}-{high:.2f} s; CPU {cpu:.2f} s, range "
        f"{cpu_low:.2f}-{cpu_high:.2f} s; {n / median:,.0f} claims/s; load average up to {load:.1f}; "
        f"target {target})"
    )


def _nantong_table(engine: Engine) -> npt.NDArray[np.int64]:
    regime = engine.regime(resolve_region("南通"), date(2025, 6, 1))
    table = np.full((4, 6), -1, dtype=np.int64)
    for c, category in enumerate("ABC"):
        for lv in range(1, 6):
            value = regime.value(f"standard.skill_level.{category}.level_{lv}")
            assert isinstance(value, Decimal)
            table[c, lv] = int(value * 100)
    return table


def main(argv: list[str] | None = None) -> None:
    args = _args(argv or [])
    n = args.claims
    print(f"machine: {os.cpu_count()} cores, shared with other work; load average {os.getloadavg()[0]:.1f}")
    t0 = time.perf_counter()
    claims = generate_claims(n, seed=args.seed)
    print(f"generate {n:,} synthetic claims                {time.perf_counter() - t0:8.2f} s")

    engine = default_engine()
    evaluate_batch(claims.head(1000), engine=engine, progress=False)  # load the dataset and policy once
    runs = []

    def in_process() -> None:
        runs.append(evaluate_batch(claims, engine=engine, progress=False))

    figures = _median(in_process, args.repeat)
    print(_timed(f"batch: {n:,} claims in process", figures, n, "none; issue 3: < 5 s"))
    result = sorted(runs, key=lambda r: sum(r.report.timings.values()))[len(runs) // 2]
    stages = result.report.timings
    print(
        "  stages (CPU): "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in stages.items() if k != "amount lookup")
    )
    r = result.report
    print(f"  eligible {r.eligible:,}, without a standard {r.without_standard:,}, total {r.total:,.2f} CNY")

    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "claims.parquet", Path(tmp) / "decisions.parquet"
        claims.write_parquet(source)
        reports = []
        polars_file = _median(
            lambda: reports.append(evaluate_file(source, target, engine=engine, progress=False)), args.repeat
        )
        print(_timed(f"batch: {n:,} claims, Parquet to Parquet", polars_file, n, "< 1 s"))
        print(
            "  stages (CPU): " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in reports[-1].timings.items())
        )
        duck = _median(lambda: evaluate_duckdb(source, target, engine=engine), 1)
        print(_timed(f"batch on DuckDB: {n:,} claims, Parquet to Parquet", duck, n, "none (one run)"))
        print(
            f"  DuckDB / Polars engine: {duck[0] / polars_file[0]:.1f}x wall, "
            f"{duck[3] / polars_file[3]:.1f}x CPU"
        )
        if args.scale_claims:
            m = args.scale_claims
            big = Path(tmp) / "big.parquet"
            t0 = time.perf_counter()
            write_claims(big, m, seed=args.seed)
            print(f"write {m:,} synthetic claims to Parquet        {time.perf_counter() - t0:8.2f} s")
            print(
                line(
                    f"batch: {m:,} claims, Parquet to Parquet", m, measure(big, Path(tmp) / "big-out.parquet")
                )
            )
            print("  targets: < 10 s, < 150 bytes/claim")

    # The floor: Nantong's 附件1 table (category x level, in fen) looked up for every row with plain
    # numpy fancy indexing, the category and level already at hand.
    table = _nantong_table(engine)
    rng = np.random.default_rng(args.seed)
    category, level = rng.integers(0, 4, n), rng.integers(1, 6, n)
    floor = wall(lambda: table[category, level], max(args.repeat, 10))
    lookup = stages["amount lookup"]
    print(f"numpy floor: table[category, level]            {floor * 1000:8.1f} ms")
    print(
        f"batch amount lookup (same rows)               {lookup * 1000:8.1f} ms  "
        f"({lookup / floor:.1f}x the floor; target <= 2x)"
    )
    print(
        f"batch in process / numpy floor: {figures[0] / floor:,.0f}x (every rule and check, not one lookup)"
    )

    m = min(args.quotes, n)
    requests = [request_from_row(row) for row in claims.head(m).iter_rows(named=True)]
    for request in requests[:200]:
        engine.quote(request)
    t0 = time.perf_counter()
    for request in requests:
        engine.quote(request)
    elapsed = time.perf_counter() - t0
    print(f"scalar quote: {m:,} requests                   {elapsed:8.2f} s  ({m / elapsed:,.0f} quotes/s, "
          f"{elapsed / m * 1e6:.0f} us each)")  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
