"""The rule checks called directly, as class filing and claims call them: each on both sides of its
boundary with the seeds' values, and each left unchecked, never passed, when its rule has no value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from skillsubsidy.catalog.model import Entry, SectionKind
from skillsubsidy.occupations import Level
from skillsubsidy.regions import resolve_region
from skillsubsidy.rules.checks import (
    CheckResult,
    ClaimWindowFacts,
    HeldFacts,
    HoursFacts,
    Outcome,
    TraineeFacts,
    check_claim_window,
    check_excluded_groups,
    check_held,
    check_hours,
    check_max_age,
    check_min_age,
    check_online_share,
    check_residency,
)
from skillsubsidy.rules.decision import TraceStep
from skillsubsidy.rules.engine import Engine, default_engine
from skillsubsidy.rules.reasons import Reason, ReasonCode
from skillsubsidy.rules.regime import Regime, Resolved
from skillsubsidy.rules.request import HeldCertificate, Sex

from .policy_2026 import SOURCE_2026, engine_with_2026_policy

SEED = "000_d6c6a123f4673bde.txt"
HOURS_SOURCE = f"{SEED} · 附件1 · 备注2 · 中级工和高级工及以上培训不低于56课时"
L5_SOURCE = f"{SEED} · 附件1 · 备注2 · 初级工培训不低于40课时"
ONLINE_SOURCE = f"{SEED} · 附件4 · 备注 · line 4557 (附件5 · 备注 · line 5067 repeats it)"
HELD_SOURCE = (
    f"{SEED} · 附件1 · 备注3 · 获得高等级证书的不得再申领同一职业（不区分工种或方向）同等级或低等级证书补贴"
)
GD = "002_192cf03f49fda43c.txt · 附件4 · （三）项目制培训补贴"
GZ_TRAINEE = "002_192cf03f49fda43c.txt · 二、培训对象"
NANTONG_2025 = date(2025, 6, 1)
NANTONG_2026 = date(2026, 3, 1)
LAPSED_2025 = "未核验：该参数在2026-03-01无有效值（2025-01-01至2025-12-31有效）"
NEVER = "未核验：所在地区及其上级地区均未规定此项规则"


def _regime(region: str, on: date, engine: Engine | None = None) -> Regime:
    return (engine or default_engine()).regime(resolve_region(region), on)


def _get(region: str, on: date, name: str) -> Resolved | None:
    return _regime(region, on).get(name)


def _entry(name: str) -> Entry:
    found = _regime("南通", NANTONG_2025).catalog.find(name, frozenset({SectionKind.OCCUPATIONS}))
    assert len(found) == 1
    return found[0]


def _passed(result: CheckResult, rule: str, source: str, value: str) -> None:
    assert (result.rule, result.outcome, result.reason) == (rule, Outcome.PASSED, None)
    assert result.step == TraceStep(rule, source, value, Outcome.PASSED)


def _failed(result: CheckResult, rule: str, code: ReasonCode, message: str, value: str) -> None:
    assert (result.rule, result.outcome, result.reason) == (rule, Outcome.FAILED, Reason(code, message))
    assert result.step.value == value
    assert result.step.outcome is Outcome.FAILED


def _unchecked(result: CheckResult, rule: str, reason: Reason | None, value: str) -> None:
    assert (result.rule, result.outcome, result.reason) == (rule, Outcome.NOT_CHECKED, reason)
    assert (result.step.rule, result.step.value, result.step.outcome) == (rule, value, Outcome.NOT_CHECKED)


# -- 000 · 附件1 · 备注2: 40 课时 for level 5, 56 for levels 4 and above; 45 minutes a 课时 ----------


def _hours(level: int, total: str | None, *, on: date = NANTONG_2025, minutes: bool = False) -> CheckResult:
    lv = Level(level)
    return check_hours(
        HoursFacts(lv, None if total is None else Decimal(total), in_minutes=minutes),
        minimum=_get("南通", on, f"class_hours.minimum.level_{level}"),
        minutes_per_hour=_get("南通", on, "class_hours.minutes_per_hour"),
        on=on,
    )


def test_level_5_needs_40_class_hours():
    _passed(_hours(5, "40"), "class_hours.minimum.level_5", L5_SOURCE, "40 课时 ≥ 40 课时：通过")
    _failed(
        _hours(5, "39.99"),
        "class_hours.minimum.level_5",
        ReasonCode.INSUFFICIENT_HOURS,
        "五级/初级工培训不低于40课时，实际39.99 课时",
        "39.99 课时 < 40 课时：不通过",
    )


@pytest.mark.parametrize("level", [4, 3, 2, 1])
def test_levels_4_and_above_need_56_class_hours(level):
    rule = f"class_hours.minimum.level_{level}"
    _passed(_hours(level, "56"), rule, HOURS_SOURCE, "56 课时 ≥ 56 课时：通过")
    assert _hours(level, "55.99").outcome is Outcome.FAILED
    assert _hours(level, "40").reason == Reason(
        ReasonCode.INSUFFICIENT_HOURS, f"{Level(level).label_zh}培训不低于56课时，实际40 课时"
    )


def test_minutes_count_45_to_the_class_hour():
    # 40 课时 × 45 = 1800 minutes is exactly the level-5 minimum; one minute less is not.
    result = _hours(5, "1800", minutes=True)
    assert result.outcome is Outcome.PASSED
    assert result.steps[0] == TraceStep(
        "class_hours.minutes_per_hour",
        f"{SEED} · 附件1 · 备注2 · 每培训45分钟为1课时",
        "1800 分钟 ÷ 45 = 40 课时",
    )
    assert result.step.value == "40 课时（1800分钟折算） ≥ 40 课时：通过"
    failed = _hours(5, "1799", minutes=True)
    assert failed.outcome is Outcome.FAILED
    assert failed.reason is not None
    assert failed.reason.message.startswith("五级/初级工培训不低于40课时，实际39.97")


def test_hours_not_given_are_not_checked_and_not_passed():
    _unchecked(
        _hours(4, None),
        "class_hours.minimum.level_4",
        Reason(ReasonCode.INPUT_MISSING, "未提供 training.hours，未核验最低课时要求（56课时）"),
        "未核验：缺少 training.hours",
    )


def test_the_2025_minimum_has_no_value_in_2026_and_is_not_checked():
    _unchecked(
        _hours(4, "10", on=NANTONG_2026),
        "class_hours.minimum.level_4",
        Reason(
            ReasonCode.RULE_LAPSED,
            "“中级工培训最低课时”在2026-03-01无有效值（2025-01-01至2025-12-31有效），未核验",
        ),
        LAPSED_2025,
    )
    assert _hours(4, "10", on=NANTONG_2026).step.source == HOURS_SOURCE


def test_a_region_that_never_had_a_minimum_says_so():
    # Shanghai's 2026 catalog (004) states no class hours.
    on = date(2026, 6, 1)
    result = check_hours(
        HoursFacts(Level.L3, Decimal("1")),
        minimum=_get("上海", on, "class_hours.minimum.level_3"),
        minutes_per_hour=_get("上海", on, "class_hours.minutes_per_hour"),
        on=on,
    )
    _unchecked(result, "class_hours.minimum.level_3", None, NEVER)


def test_bad_hours_name_the_field_and_the_value():
    with pytest.raises(ValueError, match=r"HoursFacts\.total: must be a number not below 0 \(got -1\)"):
        HoursFacts(Level.L5, Decimal("-1"))
    with pytest.raises(ValueError, match=r"HoursFacts\.online: exceeds the total 10 \(got 11\)"):
        HoursFacts(Level.L5, Decimal("10"), Decimal("11"))
    with pytest.raises(ValueError, match=r"HoursFacts\.level"):
        check_hours(HoursFacts(None, Decimal("10")), minimum=None, minutes_per_hour=None, on=NANTONG_2025)


# -- 000 · 附件4/5 · 备注: at most 40% online, unless the occupation carries `*` -------------------


def _online(
    total: str | None, online: str | None, entry: Entry | None, on: date = NANTONG_2025
) -> CheckResult:
    facts = HoursFacts(
        Level.L4,
        None if total is None else Decimal(total),
        None if online is None else Decimal(online),
        entry=entry,
    )
    return check_online_share(facts, max_pct=_get("南通", on, "class_hours.online_max_pct"), on=on)


def test_forty_percent_online_passes_and_more_fails():
    welder = _entry("焊工")
    _passed(
        _online("100", "40", welder),
        "class_hours.online_max_pct",
        ONLINE_SOURCE,
        "线上 40/100 = 40.00% ≤ 40%：通过",
    )
    _failed(
        _online("100", "40.01", welder),
        "class_hours.online_max_pct",
        ReasonCode.ONLINE_HOURS_EXCEEDED,
        "焊工未带“*”标识，线上培训课时不得高于总课时的40%，实际40.01%",
        "线上 40.01/100 = 40.01% > 40%：不通过",
    )


def test_a_starred_occupation_may_be_taught_wholly_online():
    clerk = _entry("行政办事员")  # 附件4 line 2146: *行政办事员
    _passed(
        _online("100", "100", clerk),
        "class_hours.online_max_pct",
        f"{SEED} · 附件4 · 职业资格证书、职业技能等级证书 · line 2146",
        "行政办事员带“*”标识，线上课时可高于40%：通过",
    )


def test_online_hours_not_given_or_an_occupation_outside_the_catalog_are_not_checked():
    _unchecked(
        _online("60", None, _entry("焊工")),
        "class_hours.online_max_pct",
        Reason(ReasonCode.INPUT_MISSING, "未提供 training.online_hours，未核验线上课时占比（不高于40%）"),
        "未核验：缺少 training.online_hours",
    )
    _unchecked(
        _online("60", "60", None),
        "class_hours.online_max_pct",
        None,
        "未核验：该职业（工种）不在目录中，无从判断是否带“*”标识",
    )


def test_the_2025_online_limit_has_no_value_in_2026():
    _unchecked(
        _online("60", "60", _entry("焊工"), NANTONG_2026),
        "class_hours.online_max_pct",
        Reason(
            ReasonCode.RULE_LAPSED,
            "“不带“*”标识的职业（工种）线上培训课时占总课时的上限”在2026-03-01无有效值（2025-01-01至2025-12-31有效），未核验",
        ),
        LAPSED_2025,
    )


# -- 000 · 附件1 · 备注3: nothing for the same or a lower level in an occupation already held ------


def _held(
    occupation: str, level: int, held: list[tuple[str, int]] | None, on: date = NANTONG_2025
) -> CheckResult:
    facts = HeldFacts(
        occupation,
        Level(level),
        None if held is None else tuple(HeldCertificate(o, Level(v)) for o, v in held),
    )
    rule = _get("南通", on, "certificates.no_same_or_lower_level")
    return check_held(facts, rule=rule, on=on, identity=default_engine().names.identity)


def test_a_held_certificate_at_the_same_level_fails_and_a_lower_one_passes():
    rule = "certificates.no_same_or_lower_level"
    _failed(
        _held("焊工", 3, [("6-18-02-04", 3)]),
        rule,
        ReasonCode.HIGHER_OR_SAME_LEVEL_HELD,
        "已持有“6-18-02-04”三级/高级工证书，不得再申领同一职业同等级或低等级证书补贴",
        "已持 6-18-02-04 三级/高级工 ≥ 申领的三级/高级工：不通过",
    )
    assert _held("焊工", 3, [("焊工", 2)]).outcome is Outcome.FAILED
    _passed(
        _held("焊工", 3, [("焊工", 4)]),
        rule,
        HELD_SOURCE,
        "已持同一职业 四级/中级工，低于申领的三级/高级工：通过",
    )
    _passed(_held("焊工", 3, [("电工", 1)]), rule, HELD_SOURCE, "已持证书中没有同一职业的证书：通过")


def test_work_types_are_not_distinguished():
    # 备注3: 不区分工种或方向.
    assert _held("电子商务师", 3, [("电子商务师（跨境电子商务师）", 3)]).outcome is Outcome.FAILED


def test_held_certificates_not_given_or_the_rule_lapsed_are_not_checked():
    assert _held("焊工", 3, None).reason == Reason(
        ReasonCode.INPUT_MISSING, "未提供 held_certificates，未核验是否已持有同一职业同等级或更高等级证书"
    )
    _unchecked(
        _held("焊工", 3, [("焊工", 1)], NANTONG_2026),
        "certificates.no_same_or_lower_level",
        Reason(
            ReasonCode.RULE_LAPSED,
            "“获得高等级证书的不得再申领同一职业同等级或低等级证书补贴”在2026-03-01无有效值（2025-01-01至2025-12-31有效），未核验",
        ),
        LAPSED_2025,
    )


# -- 002 · 附件4 · 7: claims within 12 months of the certificate's issue date ---------------------


def _window(issued: date | None, claimed: date, on: date | None = None) -> CheckResult:
    when = on or issued or claimed
    rule = _get("广州", when, "project.claim_window_months")
    return check_claim_window(ClaimWindowFacts(issued, claimed), months=rule, on=when)


def test_a_claim_on_the_last_day_of_12_months_passes_and_the_next_day_fails():
    _passed(
        _window(date(2023, 9, 1), date(2024, 9, 1)),
        "project.claim_window_months",
        f"{GD} · 7. 申领期限 · line 487",
        "2023-09-01 核发，2024-09-01 截止可申领，申领日 2024-09-01：通过",
    )
    _failed(
        _window(date(2023, 9, 1), date(2024, 9, 2)),
        "project.claim_window_months",
        ReasonCode.CLAIM_WINDOW_EXPIRED,
        "证书2023-09-01核发，应在12个月内（截至2024-09-01）申领，申领日为2024-09-02",
        "申领日 2024-09-02 晚于 2024-09-01：不通过",
    )


def test_a_certificate_issued_on_29_february_may_be_claimed_until_28_february():
    assert _window(date(2024, 2, 29), date(2025, 2, 28)).outcome is Outcome.PASSED
    assert _window(date(2024, 2, 29), date(2025, 3, 1)).outcome is Outcome.FAILED


def test_the_window_before_the_rules_were_published_is_not_checked():
    _unchecked(
        _window(date(2023, 6, 1), date(2023, 8, 1)),
        "project.claim_window_months",
        Reason(
            ReasonCode.RULE_LAPSED,
            "“申领期限（证书核发之日起）”在2023-06-01无有效值（2023-07-30起有效），未核验",
        ),
        "未核验：该参数在2023-06-01无有效值（2023-07-30起有效）",
    )
    assert _window(None, date(2023, 9, 1)).reason == Reason(
        ReasonCode.INPUT_MISSING, "未提供 certificate.issued_on，未核验申领期限（证书核发之日起12个月内）"
    )


# -- 002 · 二、培训对象: 16 to 60 (men) or 55 (women); local; not excluded ------------------------

CLASS_START = date(2023, 9, 11)  # class filing checks the roster on the class's start date


def _gz(name: str, on: date = CLASS_START) -> Resolved | None:
    return _get("广州", on, name)


def _ages(birth: date | None, sex: Sex | None, on: date = CLASS_START) -> tuple[CheckResult, CheckResult]:
    facts = TraineeFacts(birth_date=birth, sex=sex)
    low = check_min_age(facts, min_age=_gz("project.trainee.min_age", on), on=on)
    male, female = _gz("project.trainee.max_age.male", on), _gz("project.trainee.max_age.female", on)
    return low, check_max_age(facts, male=male, female=female, on=on)


def test_a_trainee_is_16_on_the_16th_birthday():
    low, _ = _ages(date(2007, 9, 11), Sex.F)
    _passed(low, "project.trainee.min_age", f"{GZ_TRAINEE} · line 64", "2023-09-11 年满 16 周岁 ≥ 16：通过")
    low, _ = _ages(date(2007, 9, 12), Sex.F)
    _failed(
        low,
        "project.trainee.min_age",
        ReasonCode.AGE_OUT_OF_RANGE,
        "2023-09-11年满15周岁，未满16周岁",
        "15 周岁 < 16：不通过",
    )


def test_a_man_is_over_60_from_his_61st_birthday():
    _, high = _ages(date(1962, 9, 12), Sex.M)
    _passed(high, "project.trainee.max_age.male", f"{GZ_TRAINEE} · line 64", "男性 60 周岁 ≤ 60：通过")
    _, high = _ages(date(1962, 9, 11), Sex.M)
    _failed(
        high,
        "project.trainee.max_age.male",
        ReasonCode.AGE_OUT_OF_RANGE,
        "男性年龄不超过60周岁，2023-09-11已满61周岁",
        "男性 61 周岁 > 60：不通过",
    )


def test_a_woman_is_over_55_from_her_56th_birthday():
    _, high = _ages(date(1967, 9, 12), Sex.F)
    _passed(high, "project.trainee.max_age.female", f"{GZ_TRAINEE} · line 66", "女性 55 周岁 ≤ 55：通过")
    _, high = _ages(date(1967, 9, 11), Sex.F)
    assert (high.outcome, high.step.value) == (Outcome.FAILED, "女性 56 周岁 > 55：不通过")


def test_the_trainee_rules_are_checked_on_the_date_given():
    # Born 2007-10-01: 15 on the class's start date, 16 by the claim a year later.
    birth = date(2007, 10, 1)
    assert _ages(birth, Sex.M, CLASS_START)[0].outcome is Outcome.FAILED
    assert _ages(birth, Sex.M, date(2024, 9, 11))[0].outcome is Outcome.PASSED


def test_an_age_without_birth_date_or_sex_is_not_checked():
    low, high = _ages(None, Sex.M)
    assert low.reason == Reason(
        ReasonCode.INPUT_MISSING, "未提供 trainee.birth_date，未核验最低年龄（年满16周岁）"
    )
    assert high.reason == Reason(
        ReasonCode.INPUT_MISSING, "未提供 trainee.birth_date，未核验最高年龄（男性不超过60周岁）"
    )
    _, high = _ages(date(1990, 1, 1), None)
    _unchecked(
        high,
        "project.trainee.max_age.male",
        Reason(
            ReasonCode.INPUT_MISSING,
            "未提供 trainee.sex，未核验按性别规定的最高年龄（男性不超过60周岁、女性不超过55周岁）",
        ),
        "未核验：缺少 trainee.sex",
    )


def _residency(hukou: bool | None, insured: bool | None, registered: bool | None) -> CheckResult:
    facts = TraineeFacts(
        hukou_local=hukou, social_insurance_local=insured, unemployment_registered=registered
    )
    rule = _gz("project.trainee.residency_required")
    return check_residency(facts, rule=rule, region_name="广州市", on=CLASS_START)


def test_any_one_of_hukou_social_insurance_or_unemployment_registration_is_enough():
    rule = "project.trainee.residency_required"
    for facts in [(True, None, None), (False, True, False), (None, None, True)]:
        _passed(
            _residency(*facts),
            rule,
            f"{GZ_TRAINEE} · line 66",
            "具有本地户籍、本地社保或本地失业登记之一：通过",
        )
    _failed(
        _residency(False, False, False),
        rule,
        ReasonCode.RESIDENCY_REQUIRED,
        "须具有广州市户籍，或在当地参加社会保险，或在当地进行失业登记",
        "户籍、社保、失业登记均不在本地：不通过",
    )
    assert _residency(False, None, False).outcome is Outcome.NOT_CHECKED
    assert _residency(False, None, False).reason is not None


def _groups(facts: TraineeFacts, on: date = CLASS_START) -> CheckResult:
    labels = default_engine().store.params.groups
    return check_excluded_groups(facts, rule=_gz("project.trainee.excluded_groups", on), labels=labels, on=on)


def test_excluded_groups_fail_and_others_pass():
    rule = "project.trainee.excluded_groups"
    _failed(
        _groups(TraineeFacts(groups=("pensioner", "veteran"))),
        rule,
        ReasonCode.EXCLUDED_GROUP,
        "培训对象不含已依法享受养老保险待遇人员",
        "属于 pensioner：不通过",
    )
    assert _groups(TraineeFacts(groups=("establishment_post",))).outcome is Outcome.FAILED
    _passed(
        _groups(TraineeFacts(groups=("veteran",))),
        rule,
        f"{GZ_TRAINEE} · line 60",
        "不属于不予补贴的人员：通过",
    )
    assert _groups(TraineeFacts()).reason == Reason(
        ReasonCode.INPUT_MISSING, "未提供 trainee.groups，未核验是否属于不予补贴的人员"
    )


def test_a_graduation_year_that_is_not_a_year_is_refused_by_name():
    with pytest.raises(
        ValueError, match=r"TraineeFacts\.graduation_year: must be a year such as 2025 \(got 24\)"
    ):
        TraineeFacts(groups=(), graduation_year=24)


def test_a_graduate_counts_for_the_whole_graduation_year():
    # 002 · 二: 毕业年度高校毕业生 (毕业当年1月1日至12月31日) are in; students outside it are not.
    student = TraineeFacts(groups=("non_graduating_student",), graduation_year=2024)
    assert (
        _groups(student, date(2024, 1, 1)).step.value
        == "2024年毕业，2024-01-01属毕业年度；不属于不予补贴的人员：通过"
    )
    assert _groups(student, date(2024, 12, 31)).outcome is Outcome.PASSED
    _failed(
        _groups(student, date(2023, 12, 31)),
        "project.trainee.excluded_groups",
        ReasonCode.EXCLUDED_GROUP,
        "培训对象不含非毕业年度全日制在校学生",
        "2024年毕业，2023-12-31属非毕业年度；属于 non_graduating_student：不通过",
    )
    graduated = _groups(student, date(2025, 3, 1))
    assert (graduated.outcome, graduated.step.value) == (
        Outcome.PASSED,
        "2024年毕业，2025-03-01已毕业；不属于不予补贴的人员：通过",
    )


# -- a rule with no value on the date is not checked; one never set is said to be absent -------------


@pytest.fixture(scope="module")
def engine_2026(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return engine_with_2026_policy(tmp_path_factory.mktemp("policy"))


def test_a_2026_quote_shows_the_lapsed_2025_notes_as_not_checked(engine_2026):
    request = {
        "region": "南通",
        "date": "2026-03-01",
        "certificate": {"type": "skill_level", "occupation": "焊工", "level": 3},
        "held_certificates": [{"occupation": "焊工", "level": 2}],
        "training": {"hours": 10, "online_hours": 10},
    }
    decision = engine_2026.quote(request)
    # The held level 2 and the 10 online hours would fail in 2025; in 2026 nothing says so.
    assert (decision.eligible, decision.amount) == (True, Decimal("2100.00"))
    assert decision.codes == (ReasonCode.RULE_LAPSED,) * 3
    checks = [(s.rule, s.source, s.value, s.outcome) for s in decision.trace if s.outcome is not None]
    assert checks == [
        ("certificates.no_same_or_lower_level", HELD_SOURCE, LAPSED_2025, Outcome.NOT_CHECKED),
        ("class_hours.minimum.level_3", HOURS_SOURCE, LAPSED_2025, Outcome.NOT_CHECKED),
        ("class_hours.online_max_pct", ONLINE_SOURCE, LAPSED_2025, Outcome.NOT_CHECKED),
    ]


def test_a_rule_switched_off_is_not_checked_without_a_reason(engine_2026):
    on = date(2026, 3, 1)
    regime = _regime("广州", on, engine_2026)
    source = SOURCE_2026
    _unchecked(
        check_residency(
            TraineeFacts(hukou_local=False, social_insurance_local=False, unemployment_registered=False),
            rule=regime.get("project.trainee.residency_required"),
            region_name="广州市",
            on=on,
        ),
        "project.trainee.residency_required",
        None,
        "未核验：该参数规定自2026-01-01起不适用此项规则",
    )
    result = check_excluded_groups(
        TraineeFacts(groups=("pensioner",)),
        rule=regime.get("project.trainee.excluded_groups"),
        labels=engine_2026.store.params.groups,
        on=on,
    )
    assert (result.outcome, result.reason, result.step.source) == (Outcome.NOT_CHECKED, None, source)


def test_a_region_without_the_rules_lists_them_as_not_checked_in_a_quote():
    # Jinan (001) sets no class hours, online share or held-certificate rule.
    request = {
        "region": "济南",
        "date": "2024-03-01",
        "certificate": {"type": "skill_level", "occupation": "焊工", "level": 3},
    }
    decision = default_engine().quote(request)
    assert ReasonCode.RULE_LAPSED not in decision.codes
    assert ReasonCode.INPUT_MISSING not in decision.codes
    assert [(s.rule, s.value, s.outcome) for s in decision.trace if s.outcome is not None] == [
        ("certificates.no_same_or_lower_level", NEVER, Outcome.NOT_CHECKED),
        ("class_hours.minimum.level_3", NEVER, Outcome.NOT_CHECKED),
        ("class_hours.online_max_pct", NEVER, Outcome.NOT_CHECKED),
    ]


def test_a_step_that_checks_nothing_has_no_outcome_in_json():
    decision = (
        default_engine()
        .quote({"region": "南通", "date": "2025-06-01", "certificate": {"type": "apprenticeship"}})
        .to_json()
    )
    assert [t["outcome"] for t in decision["trace"]] == [None, None, None, None]
