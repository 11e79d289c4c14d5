"""The batch engine at scale: N synthetic claims (default 100,000,000) written to one Parquet file in
parts, then decided Parquet to Parquet in a fresh process that reports its wall and CPU time and its
peak memory above what it held before the run (the engine and policy loaded).

Not part of `make bench` at 100M (it writes ~3 GB and takes many minutes); bench_rules.py runs it at
10M. The DuckDB engine runs under SKILLSUBSIDY_BENCH_DUCKDB_MEMORY (default 6GB) and spills beyond.

    python -m benchmarks.scale_batch [--claims N] [--engine polars|duckdb] [--dir var/bench-scale]
    python -m benchmarks.scale_batch --run SOURCE TARGET ENGINE   (the measured process; JSON out)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PART = 1_000_000


def write_claims(path: Path, n: int, *, seed: int = 0) -> None:
    """n synthetic claims into one Parquet file, generated and written a million at a time."""
    import pyarrow.parquet as pq

    from skillsubsidy.rules.synthetic import generate_claims

    partial = path.with_suffix(".partial")
    writer: Any = None
    try:
        for start in range(0, n, PART):
            part = generate_claims(min(PART, n - start), seed=seed + start // PART, start=start, total=n)
            table = part.to_arrow()
            if writer is None:
                writer = pq.ParquetWriter(partial, table.schema, compression="snappy")
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    partial.rename(path)


def cpu_seconds() -> float:
    """User + system CPU seconds of this process, all its threads (what the run itself used; on a
    shared machine its wall time mostly measures the other work)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _status_bytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return 0


def _peak_bytes() -> int:
    """This process's own peak resident memory. Not ru_maxrss: Linux carries that across execve from
    the process that spawned it, so a run started by bench_rules, which held 1.7 GB after its 1M
    runs, reported those 1.7 GB as its own peak (154 bytes a claim at 10M, against 126-131 of its
    own). VmHWM belongs to the address space this interpreter was exec'd into."""
    return _status_bytes("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _run(source: Path, target: Path, engine_name: str) -> dict[str, Any]:
    """Runs in its own process: the figures of one Parquet-to-Parquet run."""
    import polars as pl

    from skillsubsidy.rules.batch import evaluate_batch, evaluate_file
    from skillsubsidy.rules.batch_duckdb import evaluate_duckdb
    from skillsubsidy.rules.engine import default_engine

    engine = default_engine()
    evaluate_batch(pl.read_parquet(source, n_rows=1000), engine=engine, progress=False)
    baseline = _status_bytes("VmRSS")
    load = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), cpu_seconds()
    if engine_name == "duckdb":
        report = evaluate_duckdb(
            source,
            target,
            engine=engine,
            memory_limit=os.environ.get("SKILLSUBSIDY_BENCH_DUCKDB_MEMORY", "6GB"),
            temp_directory=target.parent / "duckdb.tmp",
        )
    else:
        report = evaluate_file(source, target, engine=engine, progress=False)
    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    peak = _peak_bytes()
    return {
        "rows": report.rows,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "load": max(load, os.getloadavg()[0]),
        "stages": report.timings,
        "baseline_bytes": baseline,
        "peak_bytes": peak,
        "eligible": report.eligible,
        "total_fen": report.total_fen,
    }


def measure(source: Path, target: Path, engine_name: str = "polars") -> dict[str, Any]:
    """One measured run in a fresh interpreter (so the peak is this run's alone)."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale_batch", "--run", str(source), str(target), engine_name],
        capture_output=True, text=True, check=False, cwd=REPO,
    )  # fmt: skip
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def line(label: str, n: int, r: dict[str, Any]) -> str:
    if "error" in r:
        return f"{label}: not measured: {r['error']}"
    above = (r["peak_bytes"] - r["baseline_bytes"]) / n
    return (
        f"{label:<44} {r['seconds']:8.2f} s  (CPU {r['cpu_seconds']:.1f} s; "
        f"{n / r['seconds']:,.0f} claims/s; peak {above:,.0f} bytes/claim above the loaded engine, "
        f"{r['peak_bytes'] / 2**30:.1f} GiB in all; load average up to {r['load']:.1f})"
        + (
            "\n  stages (CPU): " + ", ".join(f"{k} {v:.1f} s" for k, v in r["stages"].items())
            if r["stages"]
            else ""
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale_batch", description=__doc__)
    parser.add_argument("--claims", type=int, default=100_000_000)
    parser.add_argument("--engine", choices=["polars", "duckdb"], default="polars")
    parser.add_argument("--dir", type=Path, default=REPO / "var" / "bench-scale")
    parser.add_argument("--run", nargs=3, metavar=("SOURCE", "TARGET", "ENGINE"))
    args = parser.parse_args(argv or [])
    if args.run:
        print(json.dumps(_run(Path(args.run[0]), Path(args.run[1]), args.run[2])))
        return
    n = args.claims
    args.dir.mkdir(parents=True, exist_ok=True)
    source = args.dir / f"claims-{n}.parquet"
    if not source.exists():
        t0 = time.perf_counter()
        write_claims(source, n)
        print(f"wrote {n:,} synthetic claims to {source} in {time.perf_counter() - t0:.0f} s")
    target = args.dir / f"decisions-{n}-{args.engine}.parquet"
    print(
        line(
            f"batch ({args.engine}): {n:,} claims, Parquet to Parquet",
            n,
            measure(source, target, args.engine),
        )
    )
    target.unlink(missing_ok=True)


if __name__ == "__main__":
    main(sys.argv[1:])
