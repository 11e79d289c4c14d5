"""The working-day calendar: the shipped arrangements, is_workday and the filing deadline.

Class filing is due "at least 5 working days before the class starts" (002_192cf03f49fda43c.txt ·
附件4 · 8②). Every expected deadline below is counted by hand in the comment beside it.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from skillsubsidy.calendar import (
    MAX_WORKING_DAYS,
    CalendarDataError,
    CalendarError,
    CalendarYearMissing,
    DayKind,
    Notice,
    WorkCalendar,
    build_year,
    parse_year,
    shipped_years,
)
from skillsubsidy.ingest.seeds import default_seed_dir

CAL = WorkCalendar.shipped()
FESTIVALS = {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}
ANNIVERSARY_2015 = "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"

# The make-up working days (上班) as each year's notice words them, read from the notice text; the
# shipped files must agree exactly (2004–2006 were not checked against their notices). December days
# set by the next year's notice are listed under the year they fall in.
NOTICE_MAKEUP_DAYS = {
    2007: ["02-17", "02-25", "04-28", "04-29", "09-29", "09-30", "12-29"],
    2008: ["02-02", "02-03", "05-04", "09-27", "09-28"],
    2009: ["01-04", "01-24", "02-01", "05-31", "09-27", "10-10"],
    2010: ["02-20", "02-21", "06-12", "06-13", "09-19", "09-25", "09-26", "10-09"],
    2011: ["01-30", "02-12", "04-02", "10-08", "10-09", "12-31"],
    2012: ["01-21", "01-29", "03-31", "04-01", "04-28", "09-29"],
    2013: ["01-05", "01-06", "02-16", "02-17", "04-07", "04-27", "04-28", "06-08", "06-09", "09-22",
           "09-29", "10-12"],
    2014: ["01-26", "02-08", "05-04", "09-28", "10-11"],
    2015: ["01-04", "02-15", "02-28", "09-06", "10-10"],
    2016: ["02-06", "02-14", "06-12", "09-18", "10-08", "10-09"],
    2017: ["01-22", "02-04", "04-01", "05-27", "09-30"],
    2018: ["02-11", "02-24", "04-08", "04-28", "09-29", "09-30", "12-29"],
    2019: ["02-02", "02-03", "04-28", "05-05", "09-29", "10-12"],
    2020: ["01-19", "04-26", "05-09", "06-28", "09-27", "10-10"],
    2021: ["02-07", "02-20", "04-25", "05-08", "09-18", "09-26", "10-09"],
    2022: ["01-29", "01-30", "04-02", "04-24", "05-07", "10-08", "10-09"],
    2023: ["01-28", "01-29", "04-23", "05-06", "06-25", "10-07", "10-08"],
    2024: ["02-04", "02-18", "04-07", "04-28", "05-11", "09-14", "09-29", "10-12"],
    2025: ["01-26", "02-08", "04-27", "09-28", "10-11"],
    2026: ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"],
}  # fmt: skip


def days(year: int, *month_days: str) -> list[date]:
    return [date.fromisoformat(f"{year}-{md}") for md in month_days]


def counted(start: date, n: int) -> list[tuple[str, int | None]]:
    return [(d.answer.day.isoformat(), d.count) for d in CAL.deadline(start, working_days=n).days]


# --- the shipped data ---------------------------------------------------------------------------


def test_every_year_from_2004_to_2026_ships_once():
    assert CAL.years == list(range(2004, 2027))
    assert [a.origin for a in shipped_years()] == [f"{y}.yaml" for y in range(2004, 2027)]


@pytest.mark.parametrize("arrangement", shipped_years(), ids=lambda a: a.origin)
def test_each_year_is_consistent(arrangement):
    y = arrangement.year
    assert all(d.year == y for d in [*arrangement.holidays, *arrangement.makeup_days])
    assert not arrangement.holidays.keys() & arrangement.makeup_days.keys()
    assert all(d.weekday() >= 5 for d in arrangement.makeup_days)
    names = {*arrangement.holidays.values(), *arrangement.makeup_days.values()}
    assert names <= FESTIVALS | ({ANNIVERSARY_2015} if y == 2015 else set())
    main = arrangement.sources[0]
    assert main.title == f"国务院办公厅关于{y}年部分节假日安排的通知"
    # A number is either verified and of the series issued the year before, or absent (title only).
    assert main.number is None or re.fullmatch(rf"国办发明电〔{y - 1}〕\d+号", main.number)
    assert main.issued is None or main.issued.year == y - 1


@pytest.mark.parametrize(("year", "expected"), NOTICE_MAKEUP_DAYS.items(), ids=str)
def test_make_up_days_are_those_the_notices_name(year, expected):
    assert list(CAL.arrangement(year).makeup_days) == days(year, *expected)


def test_the_2025_notice_is_cited_with_its_number_and_date():
    notice = CAL.arrangement(2025).sources[0]
    assert notice.cite() == "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024-11-12）"


def test_the_2026_notice_is_cited_by_title_and_date_its_number_unverified():
    notice = CAL.arrangement(2026).sources[0]
    assert notice.cite() == "国务院办公厅关于2026年部分节假日安排的通知（文号未核实，2025-11-04）"


def test_from_2025_spring_festival_starts_on_new_years_eve_and_labour_day_has_five_days():
    # 国务院令第795号: 春节 and 劳动节 gain a day each from 2025.
    a = CAL.arrangement(2025)
    assert [d for d, n in a.holidays.items() if n == "春节"] == days(
        2025, "01-28", "01-29", "01-30", "01-31", "02-01", "02-02", "02-03", "02-04"
    )
    assert [d for d, n in a.holidays.items() if n == "劳动节"] == days(
        2025, "05-01", "05-02", "05-03", "05-04", "05-05"
    )
    assert "795" in a.note


def test_national_day_2024_and_2025_as_announced():
    assert [d for d, n in CAL.arrangement(2024).holidays.items() if n == "国庆节"] == days(
        2024, "10-01", "10-02", "10-03", "10-04", "10-05", "10-06", "10-07"
    )
    # 2025: 国庆节 and 中秋节 together, 10-01 to 10-08; 10-06 is 中秋 itself.
    assert list(CAL.arrangement(2025).holidays)[-8:] == days(
        2025, "10-01", "10-02", "10-03", "10-04", "10-05", "10-06", "10-07", "10-08"
    )


def test_days_set_by_a_later_notice_cite_it():
    # 2018-12-29..31 were set by the notice for 2019; 2019's 劳动节 was extended by a notice of March 2019.
    assert CAL.is_workday(date(2018, 12, 29)).source.title == "国务院办公厅关于2019年部分节假日安排的通知"
    assert CAL.is_workday(date(2018, 10, 1)).source.title == "国务院办公厅关于2018年部分节假日安排的通知"
    assert CAL.is_workday(date(2019, 5, 3)).source.number == "国办发明电〔2019〕3号"


def test_the_seed_states_the_five_working_day_rule_the_calendar_serves():
    lines = (default_seed_dir() / "002_192cf03f49fda43c.txt").read_text("utf-8").splitlines()
    assert lines[534] == "承训单位应在开班前 5个工作日在省职业技能提升培训补贴申"


# --- is_workday ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "workday", "kind", "reason"),
    [
        (date(2025, 9, 30), True, DayKind.WORKDAY, "工作日"),  # the Tuesday before National Day
        (date(2025, 10, 1), False, DayKind.HOLIDAY, "法定节假日：国庆节"),  # a Wednesday holiday
        (date(2025, 10, 8), False, DayKind.HOLIDAY, "法定节假日：国庆节"),  # the last day of the break
        (date(2025, 10, 9), True, DayKind.WORKDAY, "工作日"),  # the first day back
        (date(2025, 9, 28), True, DayKind.MAKEUP, "周日，调休上班（国庆节）"),
        (date(2025, 10, 11), True, DayKind.MAKEUP, "周六，调休上班（国庆节）"),
        (date(2025, 9, 27), False, DayKind.WEEKEND, "周末"),
        (date(2025, 10, 12), False, DayKind.WEEKEND, "周末"),
        (date(2024, 9, 29), True, DayKind.MAKEUP, "周日，调休上班（国庆节）"),
        (date(2024, 10, 12), True, DayKind.MAKEUP, "周六，调休上班（国庆节）"),
        (date(2024, 2, 9), True, DayKind.WORKDAY, "工作日"),  # 除夕 2024 was not a holiday
        (date(2025, 1, 28), False, DayKind.HOLIDAY, "法定节假日：春节"),  # 除夕 2025 is
    ],
)
def test_is_workday_says_why(day, workday, kind, reason):
    answer = CAL.is_workday(day)
    assert (answer.is_workday, answer.kind, answer.reason) == (workday, kind, reason)


def test_is_workday_as_json():
    assert CAL.is_workday(date(2025, 2, 8)).to_json() == {
        "date": "2025-02-08",
        "weekday": "周六",
        "workday": True,
        "kind": "makeup",
        "festival": "春节",
        "reason": "周六，调休上班（春节）",
        "source": "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024-11-12）",
    }


@pytest.mark.parametrize("day", [date(2003, 12, 31), date(2027, 1, 4)], ids=str)
def test_a_year_without_data_is_refused_not_guessed(day):
    with pytest.raises(CalendarYearMissing) as info:
        CAL.is_workday(day)
    assert info.value.year == day.year
    assert str(info.value).startswith(f"没有{day.year}年的节假日安排数据（已有2004–2026年）")
    assert (info.value.field, info.value.value) == ("date", str(day.year))


# --- deadline -----------------------------------------------------------------------------------


def test_deadline_across_national_day_2025():
    # Start 2025-10-09 (Thu), N=5: 10-08..10-01 are holidays; 09-30 (1), 09-29 (2), 09-28 Sunday
    # make-up (3), 09-27 Saturday skipped, 09-26 (4), 09-25 (5).
    result = CAL.deadline(date(2025, 10, 9), working_days=5)
    assert result.deadline == date(2025, 9, 25)
    assert counted(date(2025, 10, 9), 5) == [
        ("2025-10-08", None), ("2025-10-07", None), ("2025-10-06", None), ("2025-10-05", None),
        ("2025-10-04", None), ("2025-10-03", None), ("2025-10-02", None), ("2025-10-01", None),
        ("2025-09-30", 1), ("2025-09-29", 2), ("2025-09-28", 3), ("2025-09-27", None),
        ("2025-09-26", 4), ("2025-09-25", 5),
    ]  # fmt: skip
    assert result.sources() == [
        "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024-11-12）"
    ]


def test_deadline_across_spring_festival_2025():
    # Start 2025-02-06 (Thu), N=5: 02-05 Wed (1); 02-04..01-28 春节 skipped; 01-27 Mon (2); 01-26
    # Sunday make-up (3); 01-25 Saturday skipped; 01-24 Fri (4); 01-23 Thu (5).
    assert CAL.deadline(date(2025, 2, 6), working_days=5).deadline == date(2025, 1, 23)
    assert [c for _, c in counted(date(2025, 2, 6), 5)] == [1, *[None] * 8, 2, 3, None, 4, 5]


def test_a_make_up_saturday_counts():
    # Start 2025-02-10 (Mon), N=3: 02-09 Sunday skipped; 02-08 Saturday make-up (1); 02-07 Fri (2);
    # 02-06 Thu (3).
    assert counted(date(2025, 2, 10), 3) == [
        ("2025-02-09", None), ("2025-02-08", 1), ("2025-02-07", 2), ("2025-02-06", 3)
    ]  # fmt: skip


def test_deadline_across_spring_festival_2024():
    # Start 2024-02-19 (Mon), N=5: 02-18 Sunday make-up (1); 02-17..02-10 春节 skipped; 02-09 Fri, 除夕
    # but a working day in 2024 (2); 02-08 (3); 02-07 (4); 02-06 (5).
    assert CAL.deadline(date(2024, 2, 19), working_days=5).deadline == date(2024, 2, 6)
    assert [c for _, c in counted(date(2024, 2, 19), 5)] == [1, *[None] * 8, 2, 3, 4, 5]


def test_deadline_in_a_plain_week():
    # Start 2025-03-14 (Fri), N=5: 03-13 (1), 03-12 (2), 03-11 (3), 03-10 (4), the weekend 03-09 and
    # 03-08 skipped, 03-07 Fri (5).
    assert CAL.deadline(date(2025, 3, 14), working_days=5).deadline == date(2025, 3, 7)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # The day before a start is the first candidate: a Friday start with N=1 is due on Thursday.
        (date(2025, 3, 14), 1, date(2025, 3, 13)),
        # Either side of the National Day break: from its last day and from the day after it, the
        # first working day back is 09-30.
        (date(2025, 10, 8), 1, date(2025, 9, 30)),
        (date(2025, 10, 9), 1, date(2025, 9, 30)),
        # From 10-01 itself the day before is 09-30 too; from 09-30 it is the Sunday make-up day.
        (date(2025, 10, 1), 1, date(2025, 9, 30)),
        (date(2025, 9, 30), 1, date(2025, 9, 29)),
        (date(2025, 9, 29), 1, date(2025, 9, 28)),
        # The Saturday make-up day after the break: a Monday start is due that Saturday.
        (date(2025, 10, 13), 1, date(2025, 10, 11)),
        # Across the year boundary, through 2018-12-30/31 (元旦 of the 2019 notice) and the Saturday
        # make-up day 2018-12-29: 01-01 skipped, 12-31 and 12-30 skipped, 12-29 (1), 12-28 (2).
        (date(2019, 1, 2), 2, date(2018, 12, 28)),
        # The first days of the data: 2004-01-02 is a working day, 2004-01-01 a holiday.
        (date(2004, 1, 5), 1, date(2004, 1, 2)),
    ],
)
def test_deadline_on_both_sides_of_each_boundary(start, n, expected):
    assert CAL.deadline(start, working_days=n).deadline == expected


def test_a_count_that_crosses_into_a_year_without_data_is_refused():
    # 2004-01-05: 01-04 and 01-03 weekend, 01-02 (1), 01-01 holiday, then 2003, which has no data.
    with pytest.raises(CalendarYearMissing) as info:
        CAL.deadline(date(2004, 1, 5), working_days=2)
    assert (info.value.year, info.value.field) == (2003, "start")


@pytest.mark.parametrize("start", [date(2027, 3, 1), date(2003, 6, 1), date.min], ids=str)
def test_a_start_in_a_year_without_data_is_refused(start):
    with pytest.raises(CalendarYearMissing) as info:
        CAL.deadline(start, working_days=5)
    assert (info.value.year, info.value.field) == (start.year, "start")


@pytest.mark.parametrize("n", [0, -1, MAX_WORKING_DAYS + 1, True, "5", 2.0])
def test_a_bad_number_of_working_days_names_the_field(n):
    with pytest.raises(CalendarError) as info:
        CAL.deadline(date(2025, 10, 9), working_days=n)
    assert info.value.field == "working_days"
    assert str(info.value) == f"working_days: must be a whole number from 1 to 250 (got {n!r})"


def test_the_largest_count_allowed_counts_that_many_working_days():
    result = CAL.deadline(date(2026, 12, 31), working_days=MAX_WORKING_DAYS)
    counts = [d.count for d in result.days if d.count is not None]
    assert counts == list(range(1, MAX_WORKING_DAYS + 1))
    assert result.days[-1].answer.day == result.deadline and result.days[-1].count == MAX_WORKING_DAYS


# --- years supplied by a caller, and refusals of bad data ----------------------------------------

NOTICE_2027 = Notice(title="国务院办公厅关于2027年部分节假日安排的通知")


def year_2027(**overrides):
    args = {
        "year": 2027,
        "holidays": [("2027-01-01", "元旦")],
        "makeup_days": [("2027-02-06", "春节")],
        "sources": [NOTICE_2027],
        "origin": "added by a bureau",
    }
    return build_year(**{**args, **overrides})


def test_a_caller_supplied_year_extends_the_calendar():
    cal = WorkCalendar.shipped([year_2027()])
    assert cal.years[-1] == 2027
    assert cal.is_workday(date(2027, 1, 1)).reason == "法定节假日：元旦"
    assert cal.is_workday(date(2027, 2, 6)).reason == "周六，调休上班（春节）"
    # 2027-01-04 (Mon): 01-03 Sun, 01-02 Sat, 01-01 holiday, then 2026-12-31 Thu (1).
    assert cal.deadline(date(2027, 1, 4), working_days=1).deadline == date(2026, 12, 31)


def test_a_year_already_shipped_cannot_be_supplied_again():
    with pytest.raises(CalendarDataError, match=r"^added by a bureau: 2025 is already given by 2025.yaml$"):
        WorkCalendar.shipped([year_2027(year=2025, holidays=[], makeup_days=[])])


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"makeup_days": [("2027-01-01", "元旦")]},
            "added by a bureau: 2027-01-01 is listed both as a holiday and as a make-up working day",
        ),
        (
            {"makeup_days": [("2027-02-05", "春节")]},
            "added by a bureau: make-up working day 2027-02-05 is a 周五, not a weekend day; "
            "only a Saturday or Sunday can be made a working day",
        ),
        (
            {"holidays": [("2026-12-31", "元旦")]},
            "added by a bureau: 2026-12-31 is not in 2027; it belongs in 2026's arrangement",
        ),
        (
            {"holidays": [("2027-02-30", "春节")]},
            "added by a bureau: holidays '2027-02-30' is not a date (YYYY-MM-DD)",
        ),
        (
            {"holidays": [("2027-01-01", "元旦"), ("2027-01-01", "元旦")]},
            "added by a bureau: 2027-01-01 is listed twice in holidays",
        ),
        ({"holidays": [("2027-01-01", " ")]}, "added by a bureau: 2027-01-01 needs the festival name"),
        ({"sources": []}, "added by a bureau: cite the notice that sets 2027's arrangement"),
    ],
)
def test_bad_data_is_refused_naming_where_and_which_date(overrides, message):
    with pytest.raises(CalendarDataError) as info:
        year_2027(**overrides)
    assert str(info.value).startswith(message)


def test_a_shipped_file_shape_is_checked_too():
    raw = {
        "year": 2025,
        "sources": [{"title": "国务院办公厅关于2025年部分节假日安排的通知"}],
        "holidays": [{"date": date(2025, 10, 1), "name": "国庆节"}],
        "makeup_days": [{"date": date(2025, 9, 29), "name": "国庆节"}],
    }
    with pytest.raises(CalendarDataError, match=r"^2025\.yaml: make-up working day 2025-09-29 is a 周一"):
        parse_year(raw, origin="2025.yaml")
