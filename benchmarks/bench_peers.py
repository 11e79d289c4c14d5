"""Peers on the same single rule: OpenFisca-core's and policyengine-core's standard formula, the numpy
floor, and this project's full batch on as many claims (median of 3), in one run; the ratios printed.

The peers are not dependencies (and OpenFisca is AGPL, never imported by the package): they are
installed into a virtualenv of their own under var/bench-peers/ the first time, and the rule
(benchmarks/peer_formula.py: Nantong's table, the shortage uplift, rounding to the fen) runs there in
a subprocess. Each peer's amounts are checked equal to the floor's. Printed, never asserted.

    python -m benchmarks.bench_peers [--claims N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_rules import DEFAULT_CLAIMS, _nantong_table
from skillsubsidy.rules.batch import evaluate_batch
from skillsubsidy.rules.engine import default_engine
from skillsubsidy.rules.synthetic import generate_claims

REPO = Path(__file__).resolve().parent.parent
VENV = REPO / "var" / "bench-peers"
PEERS = {"openfisca": "openfisca-core>=43", "policyengine": "policyengine-core>=3"}


def _python() -> Path | None:
    """The peers' interpreter, created and filled on first use; None when it cannot be installed."""
    python = VENV / "bin" / "python"
    stamp = VENV / ".installed"
    if stamp.exists():
        return python
    print(f"installing {', '.join(PEERS.values())} into {VENV} (once)", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PEERS.values()],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        print(f"  could not install the peers: {done.stderr.strip().splitlines()[-1:]}")
        return None
    stamp.touch()
    return python


def _run(python: Path, name: str, n: int, seed: int, table: str) -> dict[str, Any]:
    script = Path(__file__).with_name("peer_formula.py")
    done = subprocess.run(
        [str(python), str(script), name, str(n), str(seed), table],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return dict(json.loads(done.stdout))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_peers", description=__doc__)
    parser.add_argument("--claims", type=int, default=DEFAULT_CLAIMS)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv or [])
    n = args.claims
    engine = default_engine()
    table = json.dumps(_nantong_table(engine).tolist())

    claims = generate_claims(n, seed=args.seed)
    evaluate_batch(claims.head(1000), engine=engine, progress=False)
    runs = []
    for _ in range(3):  # the median of three: the machine is shared
        t0 = time.perf_counter()
        evaluate_batch(claims, engine=engine, progress=False)
        runs.append(time.perf_counter() - t0)
    ours = statistics.median(runs)

    python = _python()
    floor = _run(Path(sys.executable), "numpy", n, args.seed, table)
    rows: list[tuple[str, dict[str, Any]]] = [("numpy floor", floor)]
    for name in PEERS:
        rows.append(
            (
                f"{name} formula",
                _run(python, name, n, args.seed, table) if python else {"error": "not installed"},
            )
        )
    base = float(floor["seconds"])
    print(f"one rule (table x category x level, shortage uplift, fen), {n:,} claims:")
    for label, r in rows:
        if "error" in r:
            print(f"  {label:<22} not measured: {r['error']}")
            continue
        s = float(r["seconds"])
        same = r["same_as_floor"]
        print(f"  {label:<22} {s * 1000:9.1f} ms  {s / base:8.0f}x the floor  same amounts: {same}")
    print(f"  {'skillsubsidy batch':<22} {ours * 1000:9.1f} ms  {ours / base:8.0f}x the floor  "
          "(every rule and reason code, not one)")  # fmt: skip
    for label, r in rows[1:]:
        if "error" not in r:
            print(f"  ratio skillsubsidy batch / {label}: {ours / float(r['seconds']):.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
