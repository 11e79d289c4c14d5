"""序号 checks shared by the readers: the sources number rows by hand, so gaps and repeats happen."""

from __future__ import annotations

from collections.abc import Sequence

from skillsubsidy.catalog.model import Anomaly, Entry, Severity, entry_anomaly


def serial_anomalies(entries: Sequence[Entry]) -> list[Anomaly]:
    """Gaps, repeats and reversals in one section's 序号, which the sources number by hand."""
    out = []
    seen: dict[int, int] = {}  # serial → line
    previous = 0
    for e in entries:
        if e.serial is None or not e.serial.isdigit():
            continue
        n = int(e.serial)
        if n in seen:
            out.append(
                entry_anomaly(
                    "serial_duplicate",
                    e,
                    f"序号 {n} is printed again (first on line {seen[n]}); both rows are kept",
                )
            )
        elif n < previous:
            out.append(
                entry_anomaly("serial_out_of_sequence", e, f"序号 {n} follows 序号 {previous}", Severity.INFO)
            )
        elif n > previous + 1:
            missing = str(previous + 1) if n == previous + 2 else f"{previous + 1}–{n - 1}"
            out.append(
                entry_anomaly(
                    "serial_gap",
                    e,
                    f"序号 {missing} is missing from the catalog: the rows read go from "
                    f"{previous or 'the header'} to {n}",
                    serial=missing,
                )
            )
        seen.setdefault(n, e.provenance.line)
        previous = max(previous, n)
    return out
