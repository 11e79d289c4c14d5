"""The Guangzhou 2023 call as data: the values of 002 and what it leaves for the city to set."""

from __future__ import annotations

from datetime import date, datetime
from importlib import resources
from zoneinfo import ZoneInfo

import pytest
import yaml

from skillsubsidy.calls.call import (
    CallFileError,
    CallNotReady,
    DeadlinePassed,
    extend,
    load_call,
    parse_call,
    shipped_calls,
    yuan,
)
from skillsubsidy.catalog.dataset import source_lines

SEED = "002_192cf03f49fda43c.txt"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def raw() -> dict[str, object]:
    text = resources.files("skillsubsidy.policy").joinpath("calls", "guangzhou-2023.yaml").read_text("utf-8")
    data: dict[str, object] = yaml.safe_load(text)
    return data


def test_the_guangzhou_call_is_shipped_with_its_region_and_date() -> None:
    call = load_call("guangzhou-2023")
    assert "guangzhou-2023" in shipped_calls()
    assert (call.region, call.published_on) == ("440100", date(2023, 7, 30))
    assert source_lines(SEED)[190] == "2023年 7月 30日"


def test_the_four_project_types_of_002_section_three() -> None:
    call = load_call("guangzhou-2023")
    assert [t.code for t in call.project_types] == [
        "new_and_digital",
        "key_industry_chains",
        "major_programmes",
        "public_interest",
    ]
    assert call.project_type("major_programmes").label_zh.startswith(
        "“粤菜师傅”“南粤家政”“乡村工匠”“农村电商”"
    )
    assert (
        call.project_type("public_interest").label_zh
        == "面向失业人员、高校毕业生、退役军人等重点群体开展的公益性职业技能培训项目"
    )


def test_the_deadlines_are_10_and_25_august_2023() -> None:
    call = load_call("guangzhou-2023")
    assert [(d.code, d.due_on) for d in call.deadlines] == [
        ("to_district", date(2023, 8, 10)),
        ("to_city", date(2023, 8, 25)),
    ]
    lines = source_lines(SEED)
    assert "8月 10日前" in lines[90] and "8月 25日" in lines[92]


def test_the_cap_is_800_yuan_per_qualified_trainee_in_fen() -> None:
    call = load_call("guangzhou-2023")
    assert call.max_per_trainee_fen == 80000
    assert yuan(call.max_per_trainee_fen) == "800"
    assert "每人不超过 800元" in source_lines(SEED)[122]


def test_a_submission_on_the_last_day_counts_and_a_minute_after_it_is_refused() -> None:
    call = load_call("guangzhou-2023")
    call.ensure_in_time("to_district", datetime(2023, 8, 10, 23, 59, tzinfo=SHANGHAI))
    with pytest.raises(DeadlinePassed) as late:
        call.ensure_in_time("to_district", datetime(2023, 8, 11, 0, 1, tzinfo=SHANGHAI))
    assert str(late.value) == (
        "应征单位向区人社部门提交附件1、附件2的截止时间为8月10日（2023-08-11T00:00:00+08:00前），"
        "提交时间 2023-08-11T00:01:00+08:00 已过期限"
    )


def test_an_extension_with_a_reason_lets_a_late_submission_in() -> None:
    call = load_call("guangzhou-2023")
    ext = extend(
        call=call,
        deadline="to_district",
        until=date(2023, 8, 14),
        granted_by="市人社局 郭英",
        reason="台风停工",
    )
    at = datetime(2023, 8, 11, 0, 1, tzinfo=SHANGHAI)
    call.ensure_in_time("to_district", at, (ext,))
    assert call.closes_at("to_district", (ext,)) == datetime(2023, 8, 15, tzinfo=SHANGHAI)
    with pytest.raises(DeadlinePassed):
        call.ensure_in_time("to_city", datetime(2023, 8, 26, 9, 0, tzinfo=SHANGHAI), (ext,))


@pytest.mark.parametrize(
    ("until", "granted_by", "reason", "path"),
    [
        (date(2023, 8, 14), "郭英", " ", "extension.reason"),
        (date(2023, 8, 14), "", "台风", "extension.granted_by"),
        (date(2023, 8, 10), "郭英", "台风", "extension.until"),
    ],
)
def test_an_extension_needs_a_person_a_reason_and_a_later_day(
    until: date, granted_by: str, reason: str, path: str
) -> None:
    with pytest.raises(CallFileError) as bad:
        extend(
            call=load_call("guangzhou-2023"),
            deadline="to_district",
            until=until,
            granted_by=granted_by,
            reason=reason,
        )
    assert bad.value.path == path


def test_a_naive_submission_time_is_refused() -> None:
    with pytest.raises(ValueError, match="has no time zone"):
        load_call("guangzhou-2023").ensure_in_time("to_district", datetime(2023, 8, 1, 9, 0))


def test_the_call_cannot_open_until_the_notice_period_budget_and_rubric_are_set() -> None:
    call = load_call("guangzhou-2023")
    assert call.notice_days is None and call.budget_fen is None and call.rubric.example
    with pytest.raises(CallNotReady) as not_ready:
        call.ensure_ready()
    assert (
        not_ready.value.missing[0]
        == "公示期天数未设定：征集通知未规定公示期，须由市人社部门设定后方可开放征集"
    )
    assert len(not_ready.value.missing) == 3


def test_another_city_opens_its_own_call_from_data_alone(raw: dict[str, object]) -> None:
    data = dict(raw)
    data["id"] = "nantong-2026"
    data["region"] = "320600"
    data["notice"] = {"days": 7}
    data["budget_fen"] = 500_000_000
    data["scoring"] = dict(raw["scoring"], example=False)  # type: ignore[arg-type]
    data["deadlines"] = [dict(d, due_on=date(2026, 9, i + 1)) for i, d in enumerate(raw["deadlines"])]  # type: ignore[attr-defined]
    call = parse_call(data)
    call.ensure_ready()
    assert (call.region, call.notice_days, call.deadline("to_city").due_on) == ("320600", 7, date(2026, 9, 2))


def test_the_example_rubric_weights_add_up_to_100() -> None:
    rubric = load_call("guangzhou-2023").rubric
    assert [(c.code, c.weight, c.max_points) for c in rubric.criteria] == [
        ("qualification", 20, 10),
        ("need", 20, 10),
        ("resources", 25, 10),
        ("plan", 15, 10),
        ("employment", 10, 10),
        ("budget", 10, 10),
    ]
    assert (rubric.min_reviewers, rubric.disagreement_threshold) == (3, 15)


@pytest.mark.parametrize(
    ("change", "path", "value"),
    [
        ({"region": "449999"}, "region", "449999"),
        (
            {"subsidy": {"max_per_qualified_trainee_fen": "800元"}},
            "subsidy.max_per_qualified_trainee_fen",
            "800元",
        ),
        ({"notice": {"days": 0}}, "notice.days", 0),
        ({"timezone": "Mars/Olympus"}, "timezone", "Mars/Olympus"),
    ],
)
def test_a_call_file_that_says_something_wrong_names_the_key_and_value(
    raw: dict[str, object], change: dict[str, object], path: str, value: object
) -> None:
    with pytest.raises(CallFileError) as bad:
        parse_call({**raw, **change})
    assert (bad.value.path, bad.value.value) == (path, value)


def test_weights_that_do_not_add_up_to_100_are_refused(raw: dict[str, object]) -> None:
    scoring = dict(raw["scoring"])  # type: ignore[call-overload]
    scoring["criteria"] = scoring["criteria"][:-1]
    with pytest.raises(CallFileError) as bad:
        parse_call({**raw, "scoring": scoring})
    assert (bad.value.path, bad.value.value) == ("scoring.criteria[].weight", 90)
