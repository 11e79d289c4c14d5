"""A server-rendered SVG chart comparing regions, so the page needs no chart library or script.

The chart repeats what the table below it says; screen readers get the table, the chart is
`aria-hidden` apart from its title.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from catalogs.present import level_labels

# Each bar has its label on the line above it, so the chart is narrow enough for a phone (390 px
# wide) without shrinking: drawn at its own width, text is 13 px, and at most scaled to 350/360.
LABEL_HEIGHT = 16
BAR_HEIGHT = 16
GAP = 10
ROW = LABEL_HEIGHT + BAR_HEIGHT + GAP
PLOT_WIDTH = 260
VALUE_WIDTH = 90


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    level: int | None
    amount: Decimal
    y: int
    width: int

    @property
    def level_label(self) -> str:
        return level_labels()[self.level] if self.level is not None else ""


@dataclass(frozen=True, slots=True)
class Chart:
    bars: tuple[Bar, ...]
    height: int
    width: int
    label_height: int
    bar_height: int
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
        Bar(name, level, amount, i * ROW, max(int(PLOT_WIDTH * amount / top), 1) if top else 1)
        for i, (name, level, amount) in enumerate(rows)
    )
    return Chart(
        bars=bars,
        height=len(bars) * ROW,
        width=PLOT_WIDTH + VALUE_WIDTH,
        label_height=LABEL_HEIGHT,
        bar_height=BAR_HEIGHT,
        max_amount=top,
        missing=tuple(standards["unpriced"]),
    )
