"""A server-rendered SVG chart comparing regions, so the page needs no chart library or script.

The chart repeats what the table below it says; screen readers get the table, the chart is
`aria-hidden` apart from its title.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 150
PLOT_WIDTH = 420


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    level: int | None
    amount: Decimal
    y: int
    width: int


@dataclass(frozen=True, slots=True)
class Chart:
    bars: tuple[Bar, ...]
    height: int
    width: int
    label_width: int
    max_amount: Decimal
    missing: tuple[str, ...]  # regions listing the occupation with no published standard


def region_comparison(standards: dict[str, Any]) -> Chart:
    """One bar per priced region and level, scaled to the highest amount."""
    rows = [
        (std["region_name"], lv["level"], Decimal(lv["amount"]))
        for std in standards["priced"]
        for lv in std["levels"]
        if lv["amount"] is not None and lv["eligible"]
    ]
    top = max((amount for _, _, amount in rows), default=Decimal(0))
    bars = tuple(
        Bar(name, level, amount, i * (BAR_HEIGHT + GAP), max(int(PLOT_WIDTH * amount / top), 1) if top else 1)
        for i, (name, level, amount) in enumerate(rows)
    )
    return Chart(
        bars=bars,
        height=len(bars) * (BAR_HEIGHT + GAP),
        width=LABEL_WIDTH + PLOT_WIDTH + 90,
        label_width=LABEL_WIDTH,
        max_amount=top,
        missing=tuple(standards["unpriced"]),
    )
