"""Date arithmetic the rules need, written out so the batch engine can do exactly the same."""

from __future__ import annotations

import calendar
from datetime import date


def age_on(birth: date, on: date) -> int:
    """Completed years (周岁) on `on`; the birthday itself counts. Someone born on 29 February
    completes a year on 1 March in a common year."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def add_months(start: date, months: int) -> date:
    """The last day of a period of `months` months from `start`: the same day of the month that many
    months later, or that month's last day when it has no such day (民法典 第二百零二条)."""
    total = start.year * 12 + start.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
