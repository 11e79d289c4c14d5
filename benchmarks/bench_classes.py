"""Class roster benchmark: `skillsubsidy roster check` on a synthetic 5,000-row XLSX roster of
project-based training in Guangzhou (every row checked: ID number, columns, duplicates, the trainee
rules on the start date), once as a subprocess (the CLI path, start-up included) and once in process.

Target (issue 11): a 5,000-row roster in under 2 s. Figures are printed, never asserted.

    python -m benchmarks.bench_classes [--rows N] [--repeat R] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import openpyxl
from stdnum.cn import ric

from benchmarks.timing import wall
from skillsubsidy.classes.roster import RosterContext, check_roster
from skillsubsidy.regions import resolve_region
from skillsubsidy.rules.engine import default_engine
from skillsubsidy.rules.request import Program

START = date(2025, 10, 9)
HEADER = (
    "姓名",
    "身份证号",
    "性别",
    "出生日期",
    "手机号",
    "户籍",
    "参保地",
    "失业登记",
    "人员类别",
    "毕业年份",
)


def _args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_classes", description=__doc__)
    parser.add_argument("--rows", type=int, default=5000, help="roster rows (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (default %(default)s)")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def write_roster(path: Path, rows: int, seed: int) -> None:
    """Mostly good rows, with about 1 in 50 mangled by Excel, 1 in 50 duplicated, 1 in 50 too old."""
    rnd = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER)
    issued: list[str] = []
    for i in range(rows):
        born = date(1966, 1, 1) + timedelta(days=rnd.randrange(0, 365 * 42))
        seq = rnd.randrange(0, 1000)
        body = f"440106{born:%Y%m%d}{seq:03d}"
        number: object = body + ric.calc_check_digit(body + "0")
        sex = "男" if seq % 2 else "女"
        kind = rnd.randrange(50)
        if kind == 0:
            number = float(str(number)[:15] + "000")  # an ID cell stored as a number
        elif kind == 1 and issued:
            number = rnd.choice(issued)
        else:
            issued.append(str(number))
        hukou = rnd.choice(("是", "否", "广州市", "江苏省"))
        ws.append((f"学员{i:05d}", number, sex, born.isoformat(), "13800138000", hukou, "是", "否", "无", ""))
    wb.save(path)


def main(argv: list[str] | None = None) -> None:
    args = _args(sys.argv[1:] if argv is None else argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roster.xlsx"
        write_roster(path, args.rows, args.seed)
        cli = [
            str(Path(sys.executable).with_name("skillsubsidy")),
            "roster",
            "check",
            str(path),
            "--region",
            "广州",
        ]
        cli += ["--program", "project", "--start", START.isoformat(), "--json"]

        def run_cli() -> None:
            subprocess.run(cli, check=True, stdout=subprocess.DEVNULL)

        engine = default_engine()
        where = resolve_region("广州")
        ctx = RosterContext(
            where, Program.PROJECT, START, engine.regime(where, START), engine.store.params.groups
        )
        outcomes = check_roster(path, ctx)
        refused = sum(not o.ok for o in outcomes)
        in_process = wall(lambda: check_roster(path, ctx), args.repeat)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess_s = wall(run_cli, args.repeat)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds per run as well as wall: on a shared machine the wall figure moves with the load.
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / args.repeat
    print(f"roster rows             {len(outcomes):>8}  ({refused} refused)")
    print(f"check in process        {in_process:>8.3f} s  (read XLSX + every rule, best of {args.repeat})")
    print(f"CLI, --json, subprocess {subprocess_s:>8.3f} s  (target < 2 s, start-up included)")
    print(f"CLI, CPU per run        {cpu:>8.3f} s")


if __name__ == "__main__":
    main()
