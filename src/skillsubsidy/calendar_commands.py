"""`skillsubsidy calendar …`: working days and filing deadlines; registered on the main CLI group by
cli.py. Imports only the calendar, so asking about a date does not load the catalogs."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import NoReturn

import click

from skillsubsidy.calendar import CalendarError, WorkCalendar, WorkdayAnswer, check_working_days


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        _fail(f"{name}: {value!r} is not a date; write it as YYYY-MM-DD")


def _whole_number(value: str, name: str) -> int:
    text = value.strip()
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if not text.isdecimal():
        _fail(f"{name}: {value!r} is not a whole number")
    return int(text)


def _line(answer: WorkdayAnswer, count: str) -> str:
    return f"  {answer.day.isoformat()}  {answer.weekday}  {count:>5}  {answer.reason}"


@click.group("calendar")
def calendar_command() -> None:
    """Working days (holidays and make-up working days as the State Council set them) and deadlines."""


@calendar_command.command("deadline")
@click.argument("start")
@click.option("--working-days", "working_days", required=True, help="N: due N working days before START")
@click.option("--json", "as_json", is_flag=True)
def calendar_deadline(start: str, working_days: str, as_json: bool) -> None:
    """The last date on which something due N working days before START is on time, e.g. class filing
    at least 5 working days before the class starts (002_192cf03f49fda43c.txt · 附件4 · 8②)."""
    day = _date(start, "START")
    try:
        n = check_working_days(_whole_number(working_days, "--working-days"), name="--working-days")
        result = WorkCalendar.shipped().deadline(day, working_days=n)
    except CalendarError as exc:
        _fail(str(exc))
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return
    deadline = result.days[-1].answer
    first = result.days[0].answer.day
    click.echo(
        f"deadline: {deadline.day.isoformat()} {deadline.weekday} "
        f"({n} working days before {day.isoformat()}, counted back from {first.isoformat()})"
    )
    for counted in result.days:
        click.echo(_line(counted.answer, str(counted.count) if counted.count else "skip"))
    for source in result.sources():
        click.echo(f"source: {source}")


@calendar_command.command("workday")
@click.argument("day", metavar="DATE")
@click.option("--json", "as_json", is_flag=True)
def calendar_workday(day: str, as_json: bool) -> None:
    """Whether DATE is a working day, and why."""
    on = _date(day, "DATE")
    try:
        answer = WorkCalendar.shipped().is_workday(on)
    except CalendarError as exc:
        _fail(str(exc))
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=1))
        return
    verdict = "yes, a working day" if answer.is_workday else "no, not a working day"
    click.echo(f"{on.isoformat()} {answer.weekday}: {verdict} — {answer.reason}")
    click.echo(f"source: {answer.source.cite()}")
