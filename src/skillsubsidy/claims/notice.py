"""The public notice (公示) of approved claims: how long it lasts and when it ends.

No seed document gives the length of a claims notice (policy parameter `claims.notice_working_days`
is empty, with that said as its source), so a bureau sets it; until then `notice_end` says the length
is missing and the claim cannot leave the notice. The notice runs for that many working days on the
working-day calendar (skillsubsidy.calendar: holidays and 调休 as published), counted from the day
after publication; objections are accepted until the end of its last day.
"""

from __future__ import annotations

from datetime import date, timedelta

from skillsubsidy.calendar import WorkCalendar, check_working_days

NOTICE_DAYS = "claims.notice_working_days"


class NoticeLengthMissing(ValueError):
    def __init__(self, region: str) -> None:
        super().__init__(f"{region} 尚未设定申领公示期（文件未规定），公示期满前不能支付")
        self.region = region


def notice_end(calendar: WorkCalendar, published_on: date, working_days: int) -> date:
    """The last day of a notice published on `published_on` lasting `working_days` working days."""
    n = check_working_days(working_days)
    day, counted = published_on, 0
    while counted < n:
        day += timedelta(days=1)
        if calendar.is_workday(day).is_workday:
            counted += 1
    return day
