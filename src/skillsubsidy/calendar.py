"""Working days in mainland China: weekends, public holidays and make-up working days (调休上班).

Classes are filed "at least 5 working days before the class starts" (002_192cf03f49fda43c.txt · 附件4 ·
8②), and which days are working days is decided each year by a State Council notice that moves
weekends around the holidays. Those arrangements are data (data/calendar/YYYY.yaml, one file per
year, each citing its notice); a bureau can supply a year the package does not ship yet. A date in a
year without an arrangement is refused rather than guessed from the weekday, because a guess is wrong
exactly around the holidays, when deadlines matter most.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml

# Enough for any filing rule (the seeds ask for 5); a larger count is a typo, not a rule.
MAX_WORKING_DAYS = 250
_WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_NAME_MAX = 50


class CalendarError(ValueError):
    """Bad input to the calendar; `field` and `value` name what was wrong."""

    def __init__(self, message: str, *, field: str | None = None, value: object = None) -> None:
        super().__init__(message)
        self.field = field
        self.value = None if value is None else str(value)


class CalendarYearMissing(CalendarError):
    """A date falls in a year for which no holiday arrangement is known."""

    def __init__(self, year: int, known: Sequence[int], *, field: str = "date") -> None:
        have = f"已有{_spans(known)}年" if known else "尚无任何年份"
        super().__init__(
            f"没有{year}年的节假日安排数据（{have}），无法判断工作日；请先录入国务院办公厅关于{year}年"
            f"部分节假日安排的通知 (no holiday arrangement for {year})",
            field=field,
            value=year,
        )
        self.year = year


class CalendarDataError(CalendarError):
    """An arrangement (a shipped file or a year entered by a bureau) contradicts itself."""


def _spans(years: Sequence[int]) -> str:
    """2004–2026, 2028: consecutive years as one span."""
    out: list[str] = []
    ordered = sorted(years)
    start = prev = ordered[0]
    for y in [*ordered[1:], None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        out.append(str(start) if start == prev else f"{start}–{prev}")
        if y is not None:
            start = prev = y
    return "、".join(out)


@dataclass(frozen=True, slots=True)
class Notice:
    """The document that set some or all of a year's arrangement. `number` and `issued` are None where
    they could not be verified; `dates` lists the dates it set when it is not the year's main notice."""

    title: str
    number: str | None = None
    issued: date | None = None
    dates: frozenset[date] = frozenset()

    def cite(self) -> str:
        details = [self.number or "文号未核实"]
        if self.issued is not None:
            details.append(self.issued.isoformat())
        return f"{self.title}（{'，'.join(details)}）"


@dataclass(frozen=True, slots=True)
class YearArrangement:
    """One year's public holidays and make-up working days, each with its festival name."""

    year: int
    holidays: Mapping[date, str]
    makeup_days: Mapping[date, str]
    sources: tuple[Notice, ...]
    origin: str  # where it came from, for error messages: "2025.yaml", "2027 (added in the back office)"
    note: str = ""

    def source_of(self, day: date) -> Notice:
        for notice in self.sources:
            if day in notice.dates:
                return notice
        return next((n for n in self.sources if not n.dates), self.sources[0])


def _as_date(value: object, *, origin: str, what: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CalendarDataError(f"{origin}: {what} {value!r} is not a date (YYYY-MM-DD)", field=what, value=value)


def build_year(
    *,
    year: int,
    holidays: Iterable[tuple[object, object]],
    makeup_days: Iterable[tuple[object, object]],
    sources: Sequence[Notice],
    origin: str,
    note: str = "",
) -> YearArrangement:
    """Check an arrangement and build it. Every refusal names `origin` and the offending date, so the
    same checks serve the shipped files and a year typed in by a bureau."""
    if not date.min.year <= year <= date.max.year:
        raise CalendarDataError(f"{origin}: year {year} is out of range", field="year", value=year)
    if not sources or not all(n.title.strip() for n in sources):
        raise CalendarDataError(f"{origin}: cite the notice that sets {year}'s arrangement", field="source")
    days: dict[str, dict[date, str]] = {"holidays": {}, "makeup_days": {}}
    for kind, entries in (("holidays", holidays), ("makeup_days", makeup_days)):
        for raw_day, raw_name in entries:
            day = _as_date(raw_day, origin=origin, what=kind)
            name = str(raw_name or "").strip()
            if day.year != year:
                raise CalendarDataError(
                    f"{origin}: {day} is not in {year}; it belongs in {day.year}'s arrangement",
                    field=kind,
                    value=day,
                )
            if not name or len(name) > _NAME_MAX:
                raise CalendarDataError(
                    f"{origin}: {day} needs the festival name (at most {_NAME_MAX} characters)",
                    field=kind,
                    value=day,
                )
            if day in days[kind]:
                raise CalendarDataError(f"{origin}: {day} is listed twice in {kind}", field=kind, value=day)
            days[kind][day] = name
    both = sorted(days["holidays"].keys() & days["makeup_days"].keys())
    if both:
        raise CalendarDataError(
            f"{origin}: {both[0]} is listed both as a holiday and as a make-up working day",
            field="makeup_days",
            value=both[0],
        )
    for day in sorted(days["makeup_days"]):
        if day.weekday() < 5:
            raise CalendarDataError(
                f"{origin}: make-up working day {day} is a {_WEEKDAYS[day.weekday()]}, not a weekend day; "
                "only a Saturday or Sunday can be made a working day",
                field="makeup_days",
                value=day,
            )
    listed = days["holidays"].keys() | days["makeup_days"].keys()
    for notice in sources:
        stray = sorted(notice.dates - listed)
        if stray:
            raise CalendarDataError(
                f"{origin}: {notice.title} is cited for {stray[0]}, which is neither a holiday nor a "
                "make-up working day",
                field="source",
                value=stray[0],
            )
    return YearArrangement(
        year=year,
        holidays=dict(sorted(days["holidays"].items())),
        makeup_days=dict(sorted(days["makeup_days"].items())),
        sources=tuple(sources),
        origin=origin,
        note=note.strip(),
    )


def _notice(raw: Mapping[str, Any], *, origin: str) -> Notice:
    issued = raw.get("issued")
    return Notice(
        title=str(raw.get("title") or "").strip(),
        number=(str(raw["number"]).strip() or None) if raw.get("number") else None,
        issued=None if issued is None else _as_date(issued, origin=origin, what="issued"),
        dates=frozenset(_as_date(d, origin=origin, what="source date") for d in raw.get("dates") or ()),
    )


def parse_year(raw: Mapping[str, Any], *, origin: str) -> YearArrangement:
    """An arrangement in the shape of data/calendar/YYYY.yaml."""
    year = raw.get("year")
    if not isinstance(year, int):
        raise CalendarDataError(f"{origin}: 'year' must be a whole number", field="year", value=year)

    def pairs(key: str) -> list[tuple[object, object]]:
        return [(e.get("date"), e.get("name")) for e in raw.get(key) or ()]

    return build_year(
        year=year,
        holidays=pairs("holidays"),
        makeup_days=pairs("makeup_days"),
        sources=[_notice(s, origin=origin) for s in raw.get("sources") or ()],
        origin=origin,
        note=str(raw.get("note") or ""),
    )


@cache
def shipped_years() -> tuple[YearArrangement, ...]:
    """The arrangements shipped in the package; a file must be named after the year it holds."""
    folder = resources.files("skillsubsidy.data").joinpath("calendar")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        try:
            raw = yaml.safe_load(entry.read_text("utf-8"))
        except yaml.YAMLError as exc:
            raise CalendarDataError(f"{entry.name}: not valid YAML ({exc})") from None
        arrangement = parse_year(raw, origin=entry.name)
        if entry.name != f"{arrangement.year}.yaml":
            raise CalendarDataError(f"{entry.name}: holds year {arrangement.year}", field="year")
        out.append(arrangement)
    return tuple(out)


class DayKind(StrEnum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP = "makeup"  # a Saturday or Sunday made a working day (调休上班)


@dataclass(frozen=True, slots=True)
class WorkdayAnswer:
    day: date
    kind: DayKind
    festival: str | None
    source: Notice

    @property
    def is_workday(self) -> bool:
        return self.kind in (DayKind.WORKDAY, DayKind.MAKEUP)

    @property
    def weekday(self) -> str:
        return _WEEKDAYS[self.day.weekday()]

    @property
    def reason(self) -> str:
        if self.kind is DayKind.MAKEUP:
            return f"{self.weekday}，调休上班（{self.festival}）"
        if self.kind is DayKind.HOLIDAY:
            return f"法定节假日：{self.festival}"
        return "周末" if self.kind is DayKind.WEEKEND else "工作日"

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "weekday": self.weekday,
            "workday": self.is_workday,
            "kind": self.kind.value,
            "festival": self.festival,
            "reason": self.reason,
            "source": self.source.cite(),
        }


@dataclass(frozen=True, slots=True)
class CountedDay:
    answer: WorkdayAnswer
    count: int | None  # 1, 2, … for a working day counted; None for a day skipped


@dataclass(frozen=True, slots=True)
class Deadline:
    start: date
    working_days: int
    deadline: date
    days: tuple[CountedDay, ...] = field(repr=False)  # from the day before `start` back to `deadline`

    def sources(self) -> list[str]:
        return list(dict.fromkeys(d.answer.source.cite() for d in self.days))

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "working_days": self.working_days,
            "deadline": self.deadline.isoformat(),
            "days": [{**d.answer.to_json(), "count": d.count} for d in self.days],
            "sources": self.sources(),
        }


def check_working_days(value: object, *, name: str = "working_days") -> int:
    """The N of "N working days before": a whole number from 1 to MAX_WORKING_DAYS."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WORKING_DAYS:
        raise CalendarError(
            f"{name}: must be a whole number from 1 to {MAX_WORKING_DAYS} (got {value!r})",
            field="working_days",
            value=value,
        )
    return value


class WorkCalendar:
    """Answers about working days over the years it holds, and nothing outside them."""

    def __init__(self, years: Iterable[YearArrangement]) -> None:
        self._years: dict[int, YearArrangement] = {}
        for arrangement in years:
            if arrangement.year in self._years:
                first = self._years[arrangement.year].origin
                raise CalendarDataError(
                    f"{arrangement.origin}: {arrangement.year} is already given by {first}",
                    field="year",
                    value=arrangement.year,
                )
            self._years[arrangement.year] = arrangement

    @classmethod
    def shipped(cls, extra: Iterable[YearArrangement] = ()) -> WorkCalendar:
        """The package's years plus `extra` (years a bureau added); a year given twice is refused."""
        return cls([*shipped_years(), *extra])

    @property
    def years(self) -> list[int]:
        return sorted(self._years)

    def arrangement(self, year: int, *, field: str = "date") -> YearArrangement:
        try:
            return self._years[year]
        except KeyError:
            raise CalendarYearMissing(year, self.years, field=field) from None

    def is_workday(self, day: date) -> WorkdayAnswer:
        return self._answer(day, field="date")

    def _answer(self, day: date, *, field: str) -> WorkdayAnswer:
        arrangement = self.arrangement(day.year, field=field)
        source = arrangement.source_of(day)
        if day in arrangement.holidays:
            return WorkdayAnswer(day, DayKind.HOLIDAY, arrangement.holidays[day], source)
        if day in arrangement.makeup_days:
            return WorkdayAnswer(day, DayKind.MAKEUP, arrangement.makeup_days[day], source)
        kind = DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKDAY
        return WorkdayAnswer(day, kind, None, source)

    def deadline(self, start: date, *, working_days: int) -> Deadline:
        """The last day on which something due `working_days` working days before `start` is on time.

        Counting goes back from the day before `start`, one for each working day (a make-up Saturday
        or Sunday counts, a holiday on a weekday does not); the N-th working day is the deadline.
        """
        n = check_working_days(working_days)
        if not self._years or start.year < min(self._years):
            # Counting back from before the first year can only reach years without data.
            raise CalendarYearMissing(start.year, self.years, field="start")
        days: list[CountedDay] = []
        counted = 0
        day = start
        while counted < n:
            day -= timedelta(days=1)
            answer = self._answer(day, field="start")
            if answer.is_workday:
                counted += 1
            days.append(CountedDay(answer, counted if answer.is_workday else None))
        return Deadline(start=start, working_days=n, deadline=day, days=tuple(days))
