"""The working-day calendar the web uses: the shipped years plus the years bureaus added."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet

from calendars.models import CalendarYear
from skillsubsidy.calendar import Notice, WorkCalendar, YearArrangement, build_year


def _arrangement(row: CalendarYear) -> YearArrangement:
    notice = Notice(title=row.source_title, number=row.source_number or None, issued=row.source_issued)
    return build_year(
        year=row.year,
        holidays=[(h["date"], h["name"]) for h in row.holidays],
        makeup_days=[(m["date"], m["name"]) for m in row.makeup_days],
        sources=[notice],
        origin=f"{row.year} (added in the back office)",
    )


class _CalendarCache:
    """One WorkCalendar per set of stored years. Rows are only inserted, so their count and highest
    id change with every added year: one cheap query per request instead of rebuilding."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[object, ...] | None = None
        self._calendar: WorkCalendar | None = None

    def get(self) -> WorkCalendar:
        found = CalendarYear.objects.aggregate(n=Count("id"), last=Max("id"))
        key = (found["n"], found["last"])
        with self._lock:
            if key == self._key and self._calendar is not None:
                return self._calendar
        calendar = WorkCalendar.shipped([_arrangement(r) for r in CalendarYear.objects.order_by("year")])
        with self._lock:
            self._key, self._calendar = key, calendar
        return calendar

    def clear(self) -> None:
        with self._lock:
            self._key, self._calendar = None, None


calendar_cache = _CalendarCache()


def work_calendar() -> WorkCalendar:
    return calendar_cache.get()


def added_years() -> QuerySet[CalendarYear]:
    return CalendarYear.objects.select_related("created_by").order_by("year")


@dataclass(frozen=True, slots=True)
class CoveredYear:
    arrangement: YearArrangement
    added: CalendarYear | None  # None: shipped with the platform

    @property
    def year(self) -> int:
        return self.arrangement.year

    @property
    def sources(self) -> list[str]:
        return [n.cite() for n in self.arrangement.sources]


def covered_years() -> list[CoveredYear]:
    """Every year deadlines can be computed for, newest first."""
    calendar = work_calendar()
    added = {row.year: row for row in added_years()}
    return [CoveredYear(calendar.arrangement(y), added.get(y)) for y in reversed(calendar.years)]
