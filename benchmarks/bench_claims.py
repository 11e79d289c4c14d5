"""Claims benchmark (issue 12), framework-free parts:

- matching throughput: `claims.matching.match` on synthetic claims of 30-trainee classes, against a
  floor that only builds the same lookups (the cost of reading the facts, with no rule applied);
- decision throughput: `claims.decide.decide` (the rules engine at the issue date plus the window),
  against the engine's bare `quote` of the same request (its peer);
- payment file generation: a 50,000-line batch built, written as CSV and as XLSX, against a floor of
  `csv.writer` writing the same rows.

Figures are printed, never asserted. The database-side targets of the issue (submission throughput at
1/8/32 clients on PostgreSQL with 3 million claims, review-list p99, a 50,000-line batch built in the
database) are not measured here.

    python -m benchmarks.bench_claims [--claims N] [--lines N] [--decisions N]
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from datetime import date, timedelta
from decimal import Decimal

from benchmarks.timing import wall
from skillsubsidy.catalog.model import CertificateType
from skillsubsidy.claims import matching, payment
from skillsubsidy.claims.decide import ClaimInput, decide, request_of
from skillsubsidy.occupations import Level
from skillsubsidy.rules.engine import default_engine
from skillsubsidy.rules.request import Program

BRICKLAYER = "6-29-01-01"


def _args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_claims", description=__doc__)
    parser.add_argument("--claims", type=int, default=100_000, help="claims matched (default %(default)s)")
    parser.add_argument("--decisions", type=int, default=2_000, help="claims decided (default %(default)s)")
    parser.add_argument("--lines", type=int, default=50_000, help="payment lines (default %(default)s)")
    return parser.parse_args(argv)


def _world(n: int) -> list[tuple[matching.ClaimedCertificate, matching.Known]]:
    rnd = random.Random(0)
    out = []
    registry = matching.Registry(((date(2025, 1, 1), None),))
    for c in range(n // 30 + 1):
        people = [f"p{c}-{i}" for i in range(30)]
        attended = {p: Decimal(60 if rnd.random() > 0.05 else 52) for p in people}
        klass = matching.ClassFacts(
            date(2025, 5, 5), date(2025, 6, 13), Decimal(60), frozenset(people), attended
        )
        for i, p in enumerate(people):
            number = f"C{c:06d}{i:02d}"
            result = matching.Result(number, p, BRICKLAYER, Level(4), date(2025, 7, 1), passed=True)
            claim = matching.ClaimedCertificate(number, p, BRICKLAYER, Level(4), date(2025, 7, 1))
            out.append((claim, matching.Known(results=(result,), klass=klass, registry=registry)))
    return out[:n]


def _floor(pairs: list[tuple[matching.ClaimedCertificate, matching.Known]]) -> int:
    found = 0
    for claim, known in pairs:
        klass = known.klass
        assert klass is not None
        found += (claim.person in klass.roster) + (klass.attended_hours.get(claim.person) is not None)
    return found


def main(argv: list[str] | None = None) -> None:
    args = _args(sys.argv[1:] if argv is None else argv)
    pairs = _world(args.claims)
    mismatches = sum(len(matching.match(c, k)) for c, k in pairs)
    t_match = wall(lambda: [matching.match(c, k) for c, k in pairs])
    t_floor = wall(lambda: _floor(pairs))
    print(f"matching: {len(pairs):,} claims, {mismatches:,} mismatches")
    print(f"  match       {t_match:7.3f} s  {len(pairs) / t_match:12,.0f} claims/s")
    print(f"  floor       {t_floor:7.3f} s  {len(pairs) / t_floor:12,.0f} claims/s (reads only)")

    engine = default_engine()
    claims = [
        ClaimInput(
            region="320600",
            claimed_on=date(2025, 9, 1),
            program=Program.TRAINING,
            certificate_type=CertificateType.SKILL_LEVEL,
            occupation=BRICKLAYER,
            level=Level(1 + i % 5),
            issued_on=date(2025, 1, 1) + timedelta(days=i % 200),
            hours=Decimal(60),
        )
        for i in range(args.decisions)
    ]
    decide(claims[0], engine=engine)  # the regime is compiled once, outside the timing
    t_decide = wall(lambda: [decide(c, engine=engine) for c in claims], repeat=2)
    requests = [engine.parse(request_of(c)) for c in claims]
    t_quote = wall(lambda: [engine.quote(r) for r in requests], repeat=2)
    print(f"decision: {len(claims):,} claims (Nantong 2025, levels 1–5)")
    print(f"  decide      {t_decide:7.3f} s  {len(claims) / t_decide:12,.0f} claims/s")
    print(f"  bare quote  {t_quote:7.3f} s  {len(claims) / t_quote:12,.0f} claims/s (peer)")

    lines = [
        payment.Line(
            0, f"SQ320613{i:010d}", "张伟", "6222021234567890128", "bank_card", 50_000 + i % 150_000, 1
        )
        for i in range(args.lines)
    ]
    built = payment.build("PB-320600-BENCH", lines)
    t_build = wall(lambda: payment.build("PB-320600-BENCH", lines))
    t_csv = wall(built.csv_bytes)
    t_xlsx = wall(built.xlsx_bytes, repeat=1)
    rows = built.rows()

    def plain() -> bytes:
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue().encode()

    t_plain = wall(plain)
    print(f"payment file: {len(lines):,} lines, total {payment.yuan(built.total_fen)} 元")
    print(f"  build       {t_build:7.3f} s")
    print(f"  CSV         {t_csv:7.3f} s  ({len(built.csv_bytes()) / 1e6:.1f} MB)")
    print(f"  XLSX        {t_xlsx:7.3f} s")
    print(f"  floor       {t_plain:7.3f} s  (csv.writer of the same rows)")


if __name__ == "__main__":
    main()
