"""CLI start-up: `skillsubsidy --help` and one `skillsubsidy quote`, wall time of a fresh process each.

The floor is `python -c pass` with the same interpreter: what any command costs before it imports
anything. Target (issue 13): each command under 300 ms. Median of RUNS runs; printed, never asserted.

    python -m benchmarks.bench_cli
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 7
EXE = Path(sys.executable).with_name("skillsubsidy")
REQUEST = {"region": "320600", "date": "2025-06-01",
           "certificate": {"type": "skill_level", "occupation": "6-18-02-04", "level": 4},
           "training": {"hours": 60, "online_hours": 10}}  # fmt: skip


def _median_ms(cmd: list[str], stdin: str = "") -> tuple[float, float]:
    """Median wall and CPU (user + system) milliseconds of a fresh process.

    The CPU time is printed too because on a shared machine the wall time includes waiting for a
    core; the CPU time is what the command itself costs."""
    walls, cpus = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, input=stdin, capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def main() -> None:
    floor, floor_cpu = _median_ms([sys.executable, "-c", "pass"])
    print(f"python -c pass (floor)       {floor:6.0f} ms wall {floor_cpu:6.0f} ms CPU  (median of {RUNS})")
    for label, cmd, stdin in (
        ("skillsubsidy --help", [str(EXE), "--help"], ""),
        ("skillsubsidy quote", [str(EXE), "quote"], json.dumps(REQUEST)),
    ):
        ms, cpu = _median_ms(cmd, stdin)
        verdict = "met" if ms < 300 else "MISSED"
        print(
            f"{label:<28} {ms:6.0f} ms wall {cpu:6.0f} ms CPU  "
            f"({ms / floor:.1f}x the floor; wall target < 300 ms: {verdict})"
        )


if __name__ == "__main__":
    main()
