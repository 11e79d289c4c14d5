"""Class filing (issue 11): ID numbers, the roster check, the filing rules and the class table.
Expected values come from the seeds: 002 · 附件4 · 8② (5 working days), 附件4 · 4 (16; men 60, women
55; graduates for their whole graduation year), 000 · 附件1 · 备注2 (40/56 class hours)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from stdnum.cn import ric

from skillsubsidy.calendar import WorkCalendar
from skillsubsidy.catalog.model import CertificateType
from skillsubsidy.classes.filing import (
    DEADLINE,
    ClassFacts,
    InstitutionStanding,
    blocking,
    check_deadline,
    check_filing,
)
from skillsubsidy.classes.ids import IdCode, IdKind, check_id
from skillsubsidy.classes.lifecycle import AMENDMENT, CLASS
from skillsubsidy.classes.roster import RosterContext, RosterError, check_roster
from skillsubsidy.cli import main
from skillsubsidy.occupations import Level
from skillsubsidy.regions import resolve_region
from skillsubsidy.rules.checks import HoursFacts
from skillsubsidy.rules.decision import Outcome
from skillsubsidy.rules.engine import default_engine
from skillsubsidy.rules.reasons import ReasonCode
from skillsubsidy.rules.regime import listing_kinds
from skillsubsidy.rules.request import Program, Sex

CAL = WorkCalendar.shipped()
START = date(2025, 10, 9)


def with_check(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


MAN_1990 = with_check("44010619900101123")  # sequence 123: odd, a man
WOMAN_1990 = with_check("44010619900101124")


# -- ID numbers --------------------------------------------------------------------------------


def test_a_resident_id_gives_its_birth_date_and_sex():
    c = check_id(MAN_1990)
    assert (c.ok, c.kind, c.birth_date, c.sex, c.problems) == (
        True,
        IdKind.RESIDENT,
        date(1990, 1, 1),
        Sex.M,
        (),
    )
    assert check_id(WOMAN_1990.lower()).sex is Sex.F


def test_a_wrong_check_digit_is_refused():
    wrong = MAN_1990[:-1] + ("1" if MAN_1990[-1] != "1" else "2")
    c = check_id(wrong)
    assert [p.code for p in c.problems] == [IdCode.BAD_CHECKSUM]
    assert c.problems[0].message == f"证件号码“4401**********{wrong[-4:]}”校验码不正确，请核对"


@pytest.mark.parametrize(
    ("first17", "kind"),
    [("81000019940823002", IdKind.HMT_PERMIT), ("83000019920130002", IdKind.HMT_PERMIT)],
)
def test_hong_kong_and_taiwan_permits_pass_where_cn_ric_refuses_them(first17, kind):
    number = with_check(first17)
    assert not ric.is_valid(number)  # stdnum's county table has no 810000 or 830000
    c = check_id(number)
    assert (c.ok, c.kind, c.sex, c.problems) == (True, kind, Sex.F, ())


def test_a_macao_permit_passes():
    c = check_id(with_check("82000020000910003"))
    assert (c.ok, c.kind, c.birth_date, c.sex) == (True, IdKind.HMT_PERMIT, date(2000, 9, 10), Sex.M)


def test_a_2023_foreigners_card_checks_its_digit_and_date_but_reads_no_sex():
    number = with_check("91184019850615001")  # 9, 受理地 11, 国籍 840, born 1985-06-15
    c = check_id(number)
    assert (c.ok, c.kind, c.birth_date, c.sex) == (True, IdKind.FOREIGN_2023, date(1985, 6, 15), None)
    wrong = number[:-1] + ("0" if number[-1] == "X" else str((int(number[-1]) + 1) % 10))
    assert [p.code for p in check_id(wrong).problems] == [IdCode.BAD_CHECKSUM]


def test_an_old_foreigners_card_is_checked_for_shape_only():
    c = check_id("USA110085061501")
    assert (c.ok, c.kind, c.birth_date, c.sex) == (True, IdKind.FOREIGN_OLD, None, None)
    assert [p.code for p in c.problems] == [IdCode.NOT_DECODED]
    assert [p.code for p in check_id("US1110085061501").problems] == [IdCode.MALFORMED]


@pytest.mark.parametrize(
    ("raw", "numeric", "code"),
    [
        ("3.20602E+17", False, IdCode.EXCEL_SCIENTIFIC),
        ("3.20602199001011E+17", False, IdCode.EXCEL_SCIENTIFIC),
        ("320602199001011000", True, IdCode.EXCEL_NUMBER),
        ("320602199001011234.0", False, IdCode.EXCEL_NUMBER),
        ("320602199001011000", False, IdCode.EXCEL_ZEROED),  # text, but the checksum fails on 000
        ("", False, IdCode.MISSING),
        ("44010619901301123X", False, IdCode.BAD_CHECKSUM),
    ],
)
def test_excel_mangled_and_missing_numbers_are_refused_not_corrected(raw, numeric, code):
    c = check_id(raw, numeric_cell=numeric)
    assert not c.ok
    assert [p.code for p in c.problems] == [code]
    assert c.birth_date is None


def test_a_number_outside_every_province_is_refused():
    c = check_id(with_check("00010619900101123"))
    assert [p.code for p in c.problems] == [IdCode.BAD_PROVINCE]


def test_a_number_whose_date_is_not_a_date_is_refused():
    c = check_id(with_check("44010619901301123"))
    assert [p.code for p in c.problems] == [IdCode.BAD_BIRTH_DATE]


# -- the filing deadline -----------------------------------------------------------------------


def _deadline_rule(region: str = "广州", on: date = START):
    return default_engine().regime(resolve_region(region), on).get(DEADLINE)


def test_the_deadline_is_5_working_days_before_across_national_day():
    # 10-01..10-08 are holidays; 09-28 (Sunday) is a make-up working day: 09-30, 29, 28, 26, 25.
    on_time = check_deadline(START, date(2025, 9, 25), rule=_deadline_rule(), calendar=CAL)
    assert on_time.outcome is Outcome.PASSED
    late = check_deadline(START, date(2025, 9, 26), rule=_deadline_rule(), calendar=CAL)
    assert late.outcome is Outcome.FAILED
    assert late.reason is not None
    assert late.reason.code is ReasonCode.FILING_TOO_LATE
    assert late.reason.message == "应在开班前5个工作日（2025-09-25前，含当日）备案，备案日为2025-09-26"
    assert late.step.source.startswith("002_192cf03f49fda43c.txt · 附件4 · 8. ②组织开展培训")


def test_the_deadline_across_the_spring_festival_counts_the_make_up_saturday():
    start = date(2026, 2, 25)  # 02-15..02-23 are holidays, 02-14 (Saturday) is worked
    rule = _deadline_rule(on=start)
    assert check_deadline(start, date(2026, 2, 11), rule=rule, calendar=CAL).outcome is Outcome.PASSED
    late = check_deadline(start, date(2026, 2, 12), rule=rule, calendar=CAL)
    assert late.reason is not None and "2026-02-11前" in late.reason.message


def test_a_start_in_a_year_without_calendar_data_is_refused_and_says_so():
    start = date(2027, 1, 5)
    result = check_deadline(start, date(2026, 12, 1), rule=_deadline_rule(on=start), calendar=CAL)
    assert result.outcome is Outcome.FAILED
    assert result.reason is not None and result.reason.code is ReasonCode.CALENDAR_YEAR_MISSING
    assert result.reason.message == (
        "没有2027年的节假日安排数据，无法计算开班日2027-01-05的备案期限，暂不能备案；"
        "请先录入国务院办公厅关于2027年部分节假日安排的通知"
    )


def test_a_region_without_the_deadline_rule_does_not_check_it():
    result = check_deadline(START, date(2025, 10, 8), rule=_deadline_rule("南通"), calendar=CAL)
    assert (result.outcome, result.reason) == (Outcome.NOT_CHECKED, None)


# -- the other filing rules --------------------------------------------------------------------

LISTED = InstitutionStanding(approved_for=True, may_start=True, state_label="已列入目录")


def _filing(region: str, level: Level, total: str, *, online: str = "0", institution=LISTED, project=None):
    regime = default_engine().regime(resolve_region(region), START)
    found = regime.catalog.find("电工", listing_kinds(CertificateType.SKILL_LEVEL, Program.TRAINING))
    hours = HoursFacts(level, Decimal(total), Decimal(online), entry=found[0] if found else None)
    facts = ClassFacts(
        "电工", level, START, date(2025, 9, 25), hours, institution, *(project or (None, None))
    )
    return check_filing(facts, regime=regime, calendar=CAL)


@pytest.mark.parametrize(("level", "least"), [(Level.L5, 40), (Level.L4, 56), (Level.L3, 56)])
def test_class_hours_at_the_level_minimum_pass_and_one_less_fails(level, least):
    ok = _filing("南通", level, str(least))
    assert [r.outcome for r in ok if r.rule.startswith("class_hours.minimum")] == [Outcome.PASSED]
    short = _filing("南通", level, str(least - 1))
    assert [r.code for r in blocking(short)] == [ReasonCode.INSUFFICIENT_HOURS]


def test_an_institution_not_approved_or_suspended_and_a_project_not_in_tracking_are_refused():
    suspended = InstitutionStanding(approved_for=False, may_start=False, state_label="暂停开班")
    results = _filing("广州", Level.L4, "56", institution=suspended, project=("已申报", False))
    assert [(r.code, r.message) for r in blocking(results)] == [
        (ReasonCode.INSTITUTION_NOT_APPROVED, "承训机构未获准承担“电工”四级/中级工培训"),
        (ReasonCode.INSTITUTION_CANNOT_START, "承训机构当前状态为“暂停开班”，不得开班"),
        (ReasonCode.PROJECT_NOT_IN_TRACKING, "培训项目当前状态为“已申报”，未处于跟踪实施阶段，不得开班"),
    ]
    fine = _filing("广州", Level.L4, "56", project=("跟踪实施", True))
    assert blocking(fine) == []


def test_forty_percent_online_passes_and_more_fails_for_an_occupation_without_a_star():
    assert [
        r.outcome
        for r in _filing("南通", Level.L4, "100", online="40")
        if r.rule == "class_hours.online_max_pct"
    ] == [Outcome.PASSED]
    over = _filing("南通", Level.L4, "100", online="41")
    assert [r.code for r in blocking(over)] == [ReasonCode.ONLINE_HOURS_EXCEEDED]


# -- the class tables --------------------------------------------------------------------------


def test_the_class_table_runs_from_draft_to_closed_and_names_the_institution_role():
    path, state = [], CLASS.initial
    for action in ("file", "start", "suspend", "resume", "finish", "assess", "close"):
        t = CLASS.transition(action)
        assert t.leaves(state)
        state = t.target
        path.append(state)
    assert path == ["filed", "running", "suspended", "running", "finished", "assessed", "closed"]
    assert CLASS.roles() == {"institution", "district_bureau", "city_bureau", "platform_admin", "system"}
    assert CLASS.transition("file").guards[0] == DEADLINE
    assert CLASS.audit_action("file") == "class.file"
    assert AMENDMENT.transition("approve").roles == {"district_bureau"}


# -- the roster --------------------------------------------------------------------------------

HEADER = ("姓名", "身份证号（必填）", "性别", "出生日期", "手机号", "户籍", "人员类别", "毕业年份")


def _xlsx(path: Path, rows: list[tuple[object, ...]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(("2025年电工培训班花名册",))  # a title line above the header
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _ctx(region: str = "广州", program: Program = Program.PROJECT, start: date = START) -> RosterContext:
    engine = default_engine()
    where = resolve_region(region)
    return RosterContext(where, program, start, engine.regime(where, start), engine.store.params.groups)


def _codes(outcomes):
    return {o.row: [r.code for r in o.reasons] for o in outcomes}


def test_ages_on_the_start_date_count_the_birthday(tmp_path):
    rows = [
        ("满16", with_check("44010620091009001"), "男", "", "13800138000", "是", "无", ""),
        ("差一天16", with_check("44010620091010001"), "男", "", "13800138000", "是", "", ""),
        ("男60", with_check("44010619641010001"), "男", "", "13800138000", "是", "", ""),
        ("男61", with_check("44010619641009001"), "男", "", "13800138000", "是", "", ""),
        ("女55", with_check("44010619691010002"), "女", "", "13800138000", "是", "", ""),
        ("女56", with_check("44010619691009002"), "女", "", "13800138000", "是", "", ""),
    ]
    out = check_roster(_xlsx(tmp_path / "ages.xlsx", rows), _ctx())
    refused = {o.name: [r.message for r in o.reasons if r.blocking] for o in out if not o.ok}
    assert refused == {
        "差一天16": ["2025-10-09年满15周岁，未满16周岁"],
        "男61": ["男性年龄不超过60周岁，2025-10-09已满61周岁"],
        "女56": ["女性年龄不超过55周岁，2025-10-09已满56周岁"],
    }


def test_a_student_counts_as_graduating_for_the_whole_graduation_year(tmp_path):
    student = "非毕业年度全日制在校学生"
    rows = [
        ("今年毕业", with_check("44010620030101001"), "男", "", "13800138000", "是", student, "2025"),
        ("明年毕业", with_check("44010620030101003"), "男", "", "13800138000", "是", student, "2026"),
    ]
    out = check_roster(_xlsx(tmp_path / "students.xlsx", rows), _ctx())
    assert [(o.name, o.ok) for o in out] == [("今年毕业", True), ("明年毕业", False)]
    assert [r.code for r in out[1].reasons] == ["excluded_group"]


def test_a_roster_with_bad_rows_keeps_every_good_row(tmp_path):
    rows = [
        ("张三", MAN_1990, "男", "1990-01-01", "13800138000", "广州市", "", ""),
        ("李四", 320602199001011000, "女", "", "13800138000", "是", "", ""),  # a number cell
        ("王五", MAN_1990, "男", "", "13800138000", "是", "", ""),  # 张三 again
        ("赵六", WOMAN_1990, "男", "1990-02-01", "", "江苏省", "", ""),
        ("钱七", "3.20602E+17", "女", "", "13800138000", "是", "", ""),
    ]
    out = check_roster(_xlsx(tmp_path / "mixed.xlsx", rows), _ctx())
    assert [(o.row, o.name, o.ok) for o in out] == [
        (3, "张三", True),
        (4, "李四", False),
        (5, "王五", False),
        (6, "赵六", False),
        (7, "钱七", False),
    ]
    codes = _codes(out)
    assert codes[4][0] == "id_excel_number"
    assert codes[5] == ["duplicate_in_roster", "input_missing"]
    assert codes[6] == [
        "birth_date_mismatch",
        "sex_mismatch",
        "phone_missing",
        "input_missing",
        "input_missing",
    ]
    assert codes[7][0] == "id_excel_scientific"
    assert out[2].reasons[0].message == "与第3行证件号码相同，同一人不能在名册中出现两次"
    assert [r.message for r in out[3].reasons[:2]] == [
        "出生日期填写为1990-02-01，与证件号码所示的1990-01-01不一致",
        "性别填写为“男”，与证件号码所示的“女”不一致",
    ]


def test_residency_is_local_by_place_within_the_region_that_sets_the_rule(tmp_path):
    # Guangzhou's own rule (002 · 二: 本市) overrides Guangdong's 我省 for its districts.
    path = tmp_path / "residency.csv"
    path.write_text(
        "姓名,证件号码,户籍,参保地,失业登记,人员类别\n"
        f"甲,{MAN_1990},湖南省,广州市海珠区,否,无\n"
        f"乙,{WOMAN_1990},湖南省,深圳市,否,无\n"
        f"丙,{with_check('44010619900101125')},火星,,,无\n",
        encoding="utf-8",
    )
    out = check_roster(path, _ctx("天河区"))
    assert [(o.name, o.ok) for o in out] == [("甲", True), ("乙", False), ("丙", False)]
    assert [(r.code, r.message) for r in out[1].reasons] == [
        ("residency_required", "须具有广州市户籍，或在当地参加社会保险，或在当地进行失业登记")
    ]
    assert [(r.code, r.message) for r in out[2].reasons if r.blocking] == [
        ("bad_value", "“户籍”列的值“火星”无法识别，应为是、否或地名（如广州市）")
    ]


def test_a_roster_without_an_id_column_or_with_too_many_rows_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "no_id.csv"
    path.write_text("姓名,性别\n张三,男\n", encoding="utf-8")
    with pytest.raises(RosterError, match="no ID number column"):
        check_roster(path, _ctx())
    monkeypatch.setattr("skillsubsidy.classes.roster.MAX_ROWS", 1)
    two = tmp_path / "two.csv"
    two.write_text(f"姓名,身份证号\n张三,{MAN_1990}\n李四,{WOMAN_1990}\n", encoding="utf-8")
    with pytest.raises(RosterError, match="2 rows; a roster may have at most 1"):
        check_roster(two, _ctx())


# -- the CLI -------------------------------------------------------------------------------------


def _cli_roster(tmp_path: Path) -> Path:
    return _xlsx(
        tmp_path / "roster.xlsx",
        [
            ("张三", MAN_1990, "男", "1990-01-01", "13800138000", "是", "无", ""),
            ("李四", 320602199001011000, "女", "", "13800138000", "是", "无", ""),
        ],
    )


def test_roster_check_json_has_one_object_per_row_in_file_order(tmp_path):
    result = CliRunner().invoke(
        main,
        ["roster", "check", str(_cli_roster(tmp_path)), "--region", "广州", "--program", "project",
         "--start", "2025-10-09", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {"row": 3, "name": "张三", "ok": True, "reasons": []},
        {
            "row": 4,
            "name": "李四",
            "ok": False,
            "reasons": [
                {
                    "code": "id_excel_number",
                    "message": "证件号码在表格中是数值而非文本，Excel 只保留 15 位有效数字，末几位已丢失；"
                    "请将该列设为文本格式后重新录入",
                },
                {
                    "code": "input_missing",
                    "message": "未提供 trainee.birth_date，未核验最低年龄（年满16周岁）",
                },
                {
                    "code": "input_missing",
                    "message": "未提供 trainee.birth_date，未核验最高年龄（女性不超过55周岁）",
                },
            ],
        },
    ]


def test_roster_check_text_output(tmp_path):
    result = CliRunner().invoke(
        main,
        ["roster", "check", str(_cli_roster(tmp_path)), "--region", "440106", "--program", "training",
         "--start", "2025-10-09", "--occupation", "电工", "--level", "4"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "roster.xlsx: 天河区 · training · starts 2025-10-09 · 电工 四级/中级工",
        f"row     3  ok       张三  4401**********{MAN_1990[-4:]}",
        "row     4  REFUSED  李四  3206**********1008  id_excel_number",
        "    ✗ id_excel_number: 证件号码在表格中是数值而非文本，Excel 只保留 15 位有效数字，末几位已丢失；"
        "请将该列设为文本格式后重新录入",
        "2 rows: 1 ok, 1 refused",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--region", "火星"], "--region: unknown region"),
        (["--program", "free"], "--program: 'free' is not one of training, insured_upgrade, project"),
        (["--start", "2025-13-01"], "--start: '2025-13-01' is not a date; write it as YYYY-MM-DD"),
        (["--level", "6"], "--level: '6' is not a skill level from 1 to 5"),
        (
            ["--occupation", "不存在的职业"],
            "--occupation: '不存在的职业' is neither an occupation code nor a name in any loaded catalog",
        ),
    ],
)
def test_roster_check_bad_options_exit_2_with_one_line(tmp_path, args, message):
    base = {"--region": "广州", "--program": "training", "--start": "2025-10-09"}
    extra = dict(zip(args[::2], args[1::2], strict=True))
    argv = ["roster", "check", str(_cli_roster(tmp_path))] + [
        x for k, v in {**base, **extra}.items() for x in (k, v)
    ]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {message}")
    assert len(result.output.splitlines()) == 1


def test_roster_check_an_unreadable_file_exits_2(tmp_path):
    bad = tmp_path / "roster.xlsx"
    bad.write_bytes(b"not a workbook")
    result = CliRunner().invoke(
        main,
        ["roster", "check", str(bad), "--region", "广州", "--program", "training", "--start", "2025-10-09"],
    )
    assert result.exit_code == 2
    assert result.output.startswith("error: roster.xlsx: cannot read the file as xlsx")


def test_the_sheet_reader_marks_the_cells_stored_as_numbers(tmp_path):
    from skillsubsidy.ingest.tables import read_tables

    path = _xlsx(tmp_path / "roster.xlsx", [("张三", MAN_1990), ("李四", 320602199001011000)])
    rows = read_tables(path)[0].rows
    assert [(c.row, c.col, c.numeric) for c in rows[3][:2]] == [(4, 1, False), (4, 2, True)]
    assert [(c.text, c.numeric) for c in rows[2][:2]] == [("张三", False), (MAN_1990, False)]
