"""Rules benchmarks, in one run: the batch engine on N synthetic claims (default 1,000,000), the scalar
`quote` on a sample of the same claims, and a plain numpy lookup of the amount table as the floor.

Targets (issue 3): N = 1,000,000 claims fully evaluated in under 5 s wall on a 2-core machine, and the
batch's amount lookup within 2x the numpy floor. Figures are printed, never asserted.

    python -m benchmarks.bench_rules [--claims N] [--quotes M] [--repeat R] [--seed S]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import numpy.typing as npt

from benchmarks.timing import wall
from skillsubsidy.regions import resolve_region
from skillsubsidy.rules.batch import evaluate_batch, read_claims, request_from_row, write_decisions
from skillsubsidy.rules.engine import Engine, default_engine
from skillsubsidy.rules.synthetic import generate_claims

DEFAULT_CLAIMS = int(os.environ.get("SKILLSUBSIDY_BENCH_CLAIMS", "1000000"))


def _args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_rules", description=__doc__)
    parser.add_argument("--claims", type=int, default=DEFAULT_CLAIMS, help="batch size (default %(default)s)")
    parser.add_argument(
        "--quotes", type=int, default=20_000, help="scalar quotes to time (default %(default)s)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (default %(default)s)")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


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
    t0 = time.perf_counter()
    claims = generate_claims(n, seed=args.seed)
    print(f"generate {n:,} synthetic claims            {time.perf_counter() - t0:8.2f} s")

    engine = default_engine()
    evaluate_batch(claims.head(1000), engine=engine, progress=False)  # load the dataset and policy once
    best, stages = float("inf"), {}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = evaluate_batch(claims, engine=engine, progress=False)
        elapsed = time.perf_counter() - t0
        if elapsed < best:
            best, stages = elapsed, result.report.timings
    print(
        f"batch: {n:,} claims, fully evaluated       {best:8.2f} s  ({n / best:,.0f} claims/s; target < 5 s)"
    )
    print(
        "  stages: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in stages.items() if k != "amount lookup")
    )
    r = result.report
    print(f"  eligible {r.eligible:,}, without a standard {r.without_standard:,}, total {r.total:,.2f} CNY")

    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "claims.parquet", Path(tmp) / "decisions.parquet"
        claims.write_parquet(source)

        def end_to_end() -> None:
            write_decisions(evaluate_batch(read_claims(source), engine=engine, progress=False).frame, target)

        print(f"batch: Parquet in -> decisions Parquet out  {wall(end_to_end, 1):8.2f} s")

    # The floor: Nantong's 附件1 table (category x level, in fen) looked up for every row with plain
    # numpy fancy indexing, the category and level already at hand.
    table = _nantong_table(engine)
    rng = np.random.default_rng(args.seed)
    category, level = rng.integers(0, 4, n), rng.integers(1, 6, n)
    floor = wall(lambda: table[category, level], max(args.repeat, 10))
    lookup = stages["amount lookup"]
    print(f"numpy floor: table[category, level]        {floor * 1000:8.1f} ms")
    print(
        f"batch amount lookup (same rows)           {lookup * 1000:8.1f} ms  "
        f"({lookup / floor:.1f}x the floor; target <= 2x)"
    )

    m = min(args.quotes, n)
    requests = [request_from_row(row) for row in claims.head(m).iter_rows(named=True)]
    for request in requests[:200]:
        engine.quote(request)
    t0 = time.perf_counter()
    for request in requests:
        engine.quote(request)
    elapsed = time.perf_counter() - t0
    print(f"scalar quote: {m:,} requests               {elapsed:8.2f} s  ({m / elapsed:,.0f} quotes/s, "
          f"{elapsed / m * 1e6:.0f} us each)")  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
