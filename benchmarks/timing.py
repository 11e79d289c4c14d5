"""Small timing helpers shared by the benchmarks: wall time and latency percentiles."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def wall(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best-of-`repeat` wall seconds: the least disturbed run on a shared 2-core machine."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def percentiles(samples_s: list[float]) -> dict[str, float]:
    """p50/p99/max in milliseconds."""
    ms = sorted(s * 1000 for s in samples_s)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {"p50_ms": q[49], "p99_ms": q[98], "max_ms": ms[-1]}
