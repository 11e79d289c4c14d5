"""`skillsubsidy roster …`: check a class roster file; registered on the main CLI group by cli.py.
The catalogs and policy are loaded only when needed: for project-based training, whose trainee rules
read them, or to check --occupation."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

import click

from skillsubsidy.classes.roster import RosterContext, RosterError, check_roster
from skillsubsidy.occupations import Level
from skillsubsidy.regions import UnknownRegion, resolve_region
from skillsubsidy.rules.parameters import ParameterError
from skillsubsidy.rules.request import Program


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@click.group("roster")
def roster_command() -> None:
    """Class rosters (花名册): check every row before a class is filed."""


@roster_command.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--region", required=True, help="the class's region, code or name (e.g. 广州, 440106)")
@click.option("--program", required=True, help="training | insured_upgrade | project")
@click.option("--start", required=True, help="the class's start date, YYYY-MM-DD")
@click.option("--occupation", help="the class's occupation, code or name")
@click.option("--level", help="the class's skill level, 1–5")
@click.option("--json", "as_json", is_flag=True)
def roster_check(
    file: Path,
    region: str,
    program: str,
    start: str,
    occupation: str | None,
    level: str | None,
    as_json: bool,
) -> None:
    """Check every row of FILE (.xlsx or .csv): the ID number, its agreement with the sex and birth
    date columns, the same person twice, and, for project-based training, the trainee rules on the
    start date. Prints each row's outcome with its reason codes."""
    try:
        where = resolve_region(region)
    except (UnknownRegion, ValueError) as exc:
        _fail(f"--region: {exc}")
    try:
        programme = Program(program.strip())
    except ValueError:
        _fail(f"--program: {program!r} is not one of {', '.join(p.value for p in Program)}")
    try:
        on = date.fromisoformat(start.strip())
    except ValueError:
        _fail(f"--start: {start!r} is not a date; write it as YYYY-MM-DD")
    grade = None
    if level is not None:
        if not (level.strip().isdecimal() and int(level) in {lv.value for lv in Level}):
            _fail(f"--level: {level!r} is not a skill level from 1 to 5")
        grade = Level(int(level))
    regime, groups = None, {}
    if programme is Program.PROJECT or occupation is not None:
        from skillsubsidy.rules.engine import default_engine  # loads the catalogs: only when needed

        try:
            engine = default_engine()
            if programme is Program.PROJECT:
                regime = engine.regime(where, on)
        except ParameterError as exc:
            _fail(str(exc))
        groups = dict(engine.store.params.groups)
        if occupation is not None and not engine.names.known(occupation):
            _fail(
                f"--occupation: {occupation!r} is neither an occupation code nor a name in any loaded catalog"
            )
    ctx = RosterContext(where, programme, on, regime, groups)
    try:
        outcomes = check_roster(file, ctx)
    except RosterError as exc:
        _fail(str(exc))
    if as_json:
        click.echo(json.dumps([o.to_json() for o in outcomes], ensure_ascii=False, indent=1))
        return
    shown = [where.name, programme.value, f"starts {on.isoformat()}"]
    shown += [" ".join(filter(None, (occupation, grade.label_zh if grade else None)))]
    click.echo(f"{file.name}: {' · '.join(filter(None, shown))}")
    for o in outcomes:
        verdict = "ok" if o.ok else "REFUSED"
        codes = " ".join(r.code for r in o.reasons)
        click.echo(f"row {o.row:>5}  {verdict:<7}  {o.name}  {o.id_masked}  {codes}".rstrip())
        for r in o.reasons:
            click.echo(f"    {'✗' if r.blocking else '!'} {r.code}: {r.message}")
    refused = sum(not o.ok for o in outcomes)
    click.echo(f"{len(outcomes)} rows: {len(outcomes) - refused} ok, {refused} refused")
