"""GET /api/v1/calendar/…: whether a date is a working day, and the deadline N working days before a
start date. Mounted on the API in api/views.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.params.functions import Query
from pydantic import Field

from calendars.selectors import work_calendar
from common.api_errors import ApiError, ApiErrorCode
from common.api_schemas import ErrorOut, Out
from skillsubsidy.calendar import MAX_WORKING_DAYS, CalendarError, CalendarYearMissing, check_working_days

router = Router(tags=["calendar"])
ERRORS: dict[int, Any] = {422: ErrorOut}


class WorkdayOut(Out):
    date: date
    weekday: str = Field(description="周一 … 周日")
    workday: bool
    kind: str = Field(description="workday, weekend, holiday, or makeup (a weekend day made a working day)")
    festival: str | None = Field(None, description="the festival a holiday or make-up day belongs to")
    reason: str = Field(description="why, in Chinese, e.g. 周日，调休上班（国庆节）")
    source: str = Field(description="the State Council notice that set the day")


class CountedDayOut(WorkdayOut):
    count: int | None = Field(None, description="1, 2, … for a working day counted; null for a day skipped")


class DeadlineOut(Out):
    start: date
    working_days: int
    deadline: date = Field(description="the last day on which it is on time")
    days: list[CountedDayOut] = Field(description="from the day before start back to the deadline")
    sources: list[str]


# Dates and N arrive as text and are checked here rather than by the schema, so that a refusal names
# the parameter and repeats the value sent, as every other refusal of the API does.
def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        message = f"{field}: {value!r} is not a date; write it as YYYY-MM-DD"
        raise ApiError(ApiErrorCode.VALIDATION_ERROR, message, field=field, value=value) from None


def _working_days(value: str) -> int:
    text = value.strip()
    try:
        return check_working_days(int(text) if text.isdecimal() else text)
    except CalendarError as exc:
        raise ApiError(ApiErrorCode.VALIDATION_ERROR, str(exc), field="working_days", value=value) from None


def _missing(exc: CalendarYearMissing, field: str, value: str) -> ApiError:
    return ApiError(ApiErrorCode.CALENDAR_YEAR_MISSING, str(exc), field=field, value=value, year=exc.year)


@router.get("/workday", response={200: WorkdayOut, **ERRORS}, url_name="calendar_workday",
            summary="Is this date a working day, and why")  # fmt: skip
def workday(request: HttpRequest, date: str = Query(..., description="YYYY-MM-DD")) -> dict[str, Any]:
    day = _date(date, "date")
    try:
        return work_calendar().is_workday(day).to_json()
    except CalendarYearMissing as exc:
        raise _missing(exc, "date", date) from None


@router.get("/deadline", response={200: DeadlineOut, **ERRORS}, url_name="calendar_deadline",
            summary="The last date on time for something due N working days before a start date")  # fmt: skip
def deadline(
    request: HttpRequest,
    start: str = Query(..., description="YYYY-MM-DD, e.g. the day a class starts"),
    working_days: str = Query(..., description=f"N from 1 to {MAX_WORKING_DAYS}, e.g. 5 for class filing"),
) -> dict[str, Any]:
    """Counting goes back from the day before `start`, one for each working day (a make-up Saturday
    or Sunday counts, a holiday on a weekday does not); the N-th is the deadline. Class filing is due
    5 working days before a class starts (002_192cf03f49fda43c.txt · 附件4 · 8②)."""
    day, n = _date(start, "start"), _working_days(working_days)
    try:
        return work_calendar().deadline(day, working_days=n).to_json()
    except CalendarYearMissing as exc:
        raise _missing(exc, "start", start) from None
