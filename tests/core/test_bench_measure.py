"""The scale benchmark's measured run reports its own peak memory, not the peak of the process that
started it (Linux carries ru_maxrss across execve, which once added 30 bytes a claim at 10M inside
bench_rules)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.scale_batch import measure, write_claims

HELD = 768 * 2**20


def test_a_measured_run_reports_its_own_peak_not_its_parents(tmp_path: Path):
    source, target = tmp_path / "claims.parquet", tmp_path / "decisions.parquet"
    write_claims(source, 2_000, seed=3)
    held = bytearray(HELD)
    held[::4096] = b"\x01" * (HELD // 4096)  # every page resident in this (the parent) process
    figures = measure(source, target)
    assert "error" not in figures, figures
    assert figures["rows"] == 2_000
    assert figures["baseline_bytes"] <= figures["peak_bytes"] < HELD
    assert held[0] == 1
