"""A class roster (花名册) as institutions keep it, read and checked row by row.

Every data row gets an outcome: its ID number (classes.ids) against the sex and birth-date columns,
the same person twice in the roster, and the trainee rules of `rules.checks` on the class's start
date with the regime's parameters (002 · 二; 附件4 · 4. 培训对象, project-based training, as the quote
engine applies them). A bad row never hides a good one. A refused row carries at least one blocking
reason; a warning (no phone, a rule that could not be checked) leaves the row ok.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from skillsubsidy.classes.ids import IdCheck, check_id, mask
from skillsubsidy.ingest.tables import RawCell, RawTable, TableImportError, read_tables
from skillsubsidy.regions import Region, UnknownRegion, resolve_region
from skillsubsidy.rules import checks
from skillsubsidy.rules.checks import CheckResult, TraineeFacts
from skillsubsidy.rules.decision import Outcome
from skillsubsidy.rules.regime import Regime
from skillsubsidy.rules.request import Program, Sex

MAX_ROWS = 10_000
_HEADER_SEARCH = 10  # title lines above the header row

# Field → the headers institutions use for it, compared without spaces, `*` and a bracketed note.
HEADERS: Mapping[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "id_number": ("身份证号", "身份证号码", "证件号码", "证件号", "公民身份号码", "身份证件号码"),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月日"),
    "phone": ("手机号", "手机号码", "联系电话", "手机"),
    "hukou": ("户籍", "户籍所在地", "户籍地"),
    "insured": ("参保地", "社保参保地", "参保所在地"),
    "unemployment": ("失业登记", "失业登记地", "就业失业登记"),
    "groups": ("人员类别", "人员类型"),
    "graduation_year": ("毕业年份", "毕业年度"),
}
_NOTE = re.compile(r"[（(][^）)]*[）)]$")
_GROUP_SPLIT = re.compile(r"[、,，;；/\s]+")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_PHONE = re.compile(r"^1[3-9]\d{9}$")
_YES = {"是", "本地", "有", "已登记", "y", "yes", "true"}
_NO = {"否", "外地", "非本地", "无", "未登记", "n", "no", "false"}


class RosterError(ValueError):
    """A roster that cannot be checked at all (unreadable, no ID column, too many rows)."""


@dataclass(frozen=True, slots=True)
class RowReason:
    code: str
    message: str
    blocking: bool

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class RowOutcome:
    row: int  # the row number in the sheet
    name: str
    id_masked: str
    reasons: tuple[RowReason, ...]

    @property
    def ok(self) -> bool:
        return not any(r.blocking for r in self.reasons)

    def to_json(self) -> dict[str, object]:
        return {
            "row": self.row,
            "name": self.name,
            "ok": self.ok,
            "reasons": [r.to_json() for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class RosterRow:
    row: int
    cells: Mapping[str, RawCell]

    def text(self, field: str) -> str:
        cell = self.cells.get(field)
        return cell.text.strip() if cell else ""


def _header_key(text: str) -> str:
    key = re.sub(r"[\s*＊]", "", text)
    return _NOTE.sub("", key)


_BY_HEADER = {alias: field for field, aliases in HEADERS.items() for alias in aliases}


def _columns(table: RawTable) -> tuple[int, dict[str, int]] | None:
    """The index of the header row and each field's column, when the table has an ID column."""
    for i, row in enumerate(table.rows[:_HEADER_SEARCH]):
        found: dict[str, int] = {}
        for j, cell in enumerate(row):
            field = _BY_HEADER.get(_header_key(cell.text))
            if field is not None and field not in found:
                found[field] = j
        if "id_number" in found:
            return i, found
    return None


def read_roster(path: Path) -> list[RosterRow]:
    """The data rows of the first table with an ID column, in file order; blank rows are skipped."""
    try:
        tables = read_tables(path)
    except TableImportError as exc:
        raise RosterError(str(exc)) from exc
    return roster_rows(tables, path.name)


def roster_rows(tables: Iterable[RawTable], name: str) -> list[RosterRow]:
    """The roster in tables already read (the web reads uploads in a bounded child process)."""
    for table in tables:
        located = _columns(table)
        if located is None:
            continue
        header, columns = located
        if "name" not in columns:
            raise RosterError(f"{name}: {table.where()} has no 姓名 column")
        rows = [
            RosterRow(cells[0].row, {f: cells[j] for f, j in columns.items()})
            for cells in table.rows[header + 1 :]
            if any(c.text.strip() for c in cells)
        ]
        if len(rows) > MAX_ROWS:
            raise RosterError(f"{name}: {len(rows)} rows; a roster may have at most {MAX_ROWS}")
        return rows
    known = "、".join(HEADERS["id_number"])
    raise RosterError(f"{name}: no ID number column (a header such as {known}) in the first rows")


@dataclass(frozen=True)
class RosterContext:
    """The class the roster is for: where, which programme, and when it starts."""

    region: Region
    program: Program
    start: date
    regime: Regime | None  # the region's on the start date; needed for project-based training
    groups: Mapping[str, str]  # group code → label (policy/groups.yaml)

    def group_code(self, text: str) -> str | None:
        for code, label in self.groups.items():
            if text in (code, label, _NOTE.sub("", label)):
                return code
        return None


def _bad(header: str, value: str, expected: str) -> RowReason:
    return RowReason("bad_value", f"“{header}”列的值“{value}”无法识别，应为{expected}", True)


def _prefix(code: str) -> str:
    """The leading digits a GB/T 2260 code shares with every region under it."""
    if code[2:] == "0000":
        return code[:2]
    if code[4:] == "00":
        return code[:4]
    return code


def _local(text: str, home: str) -> bool | None:
    """是/否 or a place name, against the region whose document sets the residency rule; None: not
    given. Raises ValueError when the value is neither."""
    if not text:
        return None
    if text.lower() in _YES:
        return True
    if text.lower() in _NO:
        return False
    code = _place_code(text)
    if code is None:
        raise ValueError(text)
    return code.startswith(_prefix(home))


@lru_cache(maxsize=4096)
def _place_code(text: str) -> str | None:
    """A roster repeats a few place names thousands of times; an unknown one costs a fuzzy search."""
    try:
        return resolve_region(text).code
    except (UnknownRegion, ValueError):
        return None


def _parse_date(text: str) -> date:
    m = _DATE.match(text) or (re.match(r"^(\d{4})(\d{2})(\d{2})$", text) if len(text) == 8 else None)
    if m is None:
        raise ValueError(text)
    return date(int(m[1]), int(m[2]), int(m[3]))


def _result_reasons(results: Iterable[CheckResult]) -> list[RowReason]:
    out = []
    for r in results:
        if r.reason is not None:
            out.append(RowReason(r.reason.code.value, r.reason.message, r.outcome is Outcome.FAILED))
    return out


class _RowCheck:
    def __init__(self, row: RosterRow, ctx: RosterContext, home: Region) -> None:
        self.row, self.ctx, self.home = row, ctx, home
        self.reasons: list[RowReason] = []

    def id_number(self) -> IdCheck:
        cell = self.row.cells["id_number"]
        checked = check_id(cell.text, numeric_cell=cell.numeric)
        self.reasons.extend(RowReason(p.code.value, p.message, p.code.blocking) for p in checked.problems)
        return checked

    def sex(self, from_id: Sex | None) -> Sex | None:
        text = self.row.text("sex")
        if not text:
            return from_id
        given = {"男": Sex.M, "男性": Sex.M, "m": Sex.M, "女": Sex.F, "女性": Sex.F, "f": Sex.F}.get(
            text.lower()
        )
        if given is None:
            self.reasons.append(_bad("性别", text, "男或女"))
            return from_id
        if from_id is not None and given is not from_id:
            shown = "男" if from_id is Sex.M else "女"
            self.reasons.append(
                RowReason("sex_mismatch", f"性别填写为“{text}”，与证件号码所示的“{shown}”不一致", True)
            )
        return from_id or given

    def birth_date(self, from_id: date | None) -> date | None:
        text = self.row.text("birth_date")
        if not text:
            return from_id
        try:
            given = _parse_date(text)
        except ValueError:
            self.reasons.append(_bad("出生日期", text, "日期，如1990-01-31"))
            return from_id
        if from_id is not None and given != from_id:
            self.reasons.append(
                RowReason(
                    "birth_date_mismatch", f"出生日期填写为{given}，与证件号码所示的{from_id}不一致", True
                )
            )
        return from_id or given

    def flag(self, field: str, header: str) -> bool | None:
        text = self.row.text(field)
        try:
            return _local(text, self.home.code)
        except ValueError:
            self.reasons.append(_bad(header, text, "是、否或地名（如广州市）"))
            return None

    def groups(self) -> tuple[str, ...] | None:
        text = self.row.text("groups")
        if not text:
            return None
        if text in ("无", "否"):
            return ()
        codes = []
        for part in filter(None, _GROUP_SPLIT.split(text)):
            code = self.ctx.group_code(part)
            if code is None:
                self.reasons.append(_bad("人员类别", part, "规定的人员类别，如“机关事业单位在编人员”"))
            else:
                codes.append(code)
        return tuple(codes)

    def graduation_year(self) -> int | None:
        text = self.row.text("graduation_year").removesuffix("年")
        if not text:
            return None
        if not (text.isdecimal() and 1900 <= int(text) <= 9999):
            self.reasons.append(_bad("毕业年份", text, "四位年份，如2025"))
            return None
        return int(text)

    def phone(self) -> None:
        if "phone" not in self.row.cells:
            return
        text = re.sub(r"[\s-]", "", self.row.text("phone"))
        if not text:
            self.reasons.append(RowReason("phone_missing", "未填写手机号码", False))
        elif not _PHONE.match(text):
            self.reasons.append(RowReason("phone_invalid", "手机号码应为以1开头的11位数字", False))

    def trainee(self, facts: TraineeFacts) -> None:
        regime, on = self.ctx.regime, self.ctx.start
        if self.ctx.program is not Program.PROJECT or regime is None:
            return
        get = regime.get
        self.reasons.extend(
            _result_reasons(
                (
                    checks.check_min_age(facts, min_age=get(checks.MIN_AGE), on=on),
                    checks.check_max_age(
                        facts, male=get(checks.MAX_AGE[Sex.M]), female=get(checks.MAX_AGE[Sex.F]), on=on
                    ),
                    checks.check_residency(
                        facts, rule=get(checks.RESIDENCY), region_name=self.home.name, on=on
                    ),
                    checks.check_excluded_groups(
                        facts, rule=get(checks.EXCLUDED_GROUPS), labels=self.ctx.groups, on=on
                    ),
                )
            )
        )


def _home(ctx: RosterContext) -> Region:
    """The region whose document sets the residency rule (Guangdong: the province), else the class's."""
    regime = ctx.regime
    rule = regime.get(checks.RESIDENCY) if regime else None
    if regime is not None and rule is not None and rule.parameter is not None:
        code = rule.parameter.region
        return next((r for r in regime.chain if r.code == code), ctx.region)
    return ctx.region


def check_rows(rows: Iterable[RosterRow], ctx: RosterContext) -> list[RowOutcome]:
    home = _home(ctx)
    first_row: dict[str, int] = {}
    out = []
    for row in rows:
        c = _RowCheck(row, ctx, home)
        name = row.text("name")
        if not name:
            c.reasons.append(RowReason("name_missing", "未填写姓名", True))
        checked = c.id_number()
        if checked.ok:
            seen = first_row.setdefault(checked.number, row.row)
            if seen != row.row:
                c.reasons.append(
                    RowReason(
                        "duplicate_in_roster", f"与第{seen}行证件号码相同，同一人不能在名册中出现两次", True
                    )
                )
        facts = TraineeFacts(
            birth_date=c.birth_date(checked.birth_date),
            sex=c.sex(checked.sex),
            hukou_local=c.flag("hukou", "户籍"),
            social_insurance_local=c.flag("insured", "参保地"),
            unemployment_registered=c.flag("unemployment", "失业登记"),
            groups=c.groups(),
            graduation_year=c.graduation_year(),
        )
        c.phone()
        c.trainee(facts)
        out.append(RowOutcome(row.row, name, mask(checked.number), tuple(c.reasons)))
    return out


def check_roster(path: Path, ctx: RosterContext) -> list[RowOutcome]:
    return check_rows(read_roster(path), ctx)
