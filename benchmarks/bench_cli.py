"""CLI start-up: `skillsubsidy --help` and one `skillsubsidy quote`, wall time of a fresh process each.

The floor is `python -c pass` with the same interpreter: what any command costs before it imports
anything. Target (issue 13): each command under 300 ms. Median of RUNS runs; printed, never asserted.

    python -m benchmarks.bench_cli
"""

from __future__ import annotations

import json
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


def _median_ms(cmd: list[str], stdin: str = "") -> float:
    samples = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        subprocess.run(cmd, input=stdin, capture_output=True, text=True, check=True)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


def main() -> None:
    floor = _median_ms([sys.executable, "-c", "pass"])
    print(f"python -c pass (floor)       {floor:6.0f} ms  (median of {RUNS})")
    for label, cmd, stdin in (
        ("skillsubsidy --help", [str(EXE), "--help"], ""),
        ("skillsubsidy quote", [str(EXE), "quote"], json.dumps(REQUEST)),
    ):
        ms = _median_ms(cmd, stdin)
        verdict = "met" if ms < 300 else "MISSED"
        print(f"{label:<28} {ms:6.0f} ms  ({ms / floor:.1f}x the floor; target < 300 ms: {verdict})")


if __name__ == "__main__":
    main()
