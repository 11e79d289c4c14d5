"""Claims core: the decision frozen at submission, matching, the notice, payees, payment files and the
bank's results. Amounts are the seeds' (cited per test)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from skillsubsidy.calendar import WorkCalendar
from skillsubsidy.catalog.model import CertificateType
from skillsubsidy.claims import lifecycle, matching, payment
from skillsubsidy.claims.decide import ClaimInput, decide, fen
from skillsubsidy.claims.notice import notice_end
from skillsubsidy.claims.payee import PayeeError, PayeeKind, check_payee, mask_account
from skillsubsidy.occupations import Level
from skillsubsidy.rules.request import Program, ProjectStandard

BRICKLAYER = "6-29-01-01"  # 砌筑工, Jiangsu 2025 catalog category A (000 · 附件4 · line 1908)


def nantong(level: int = 4, **kw: object) -> ClaimInput:
    base: dict[str, object] = {
        "region": "320600",
        "claimed_on": date(2025, 9, 1),
        "program": Program.TRAINING,
        "certificate_type": CertificateType.SKILL_LEVEL,
        "occupation": BRICKLAYER,
        "level": Level(level),
        "issued_on": date(2025, 7, 1),
        "hours": Decimal(60),
    }
    base.update(kw)
    return ClaimInput(**base)  # type: ignore[arg-type]


def accepted(yuan: int) -> ProjectStandard:
    """A standard the city accepted for a project, as the calls app hands it to the engine."""
    return ProjectStandard(Decimal(yuan), "项目“砌筑工培训”")


def guangzhou_project(claimed_on: date) -> ClaimInput:
    return ClaimInput(
        region="440100",
        claimed_on=claimed_on,
        program=Program.PROJECT,
        certificate_type=CertificateType.TRAINING_QUALIFICATION,
        occupation=BRICKLAYER,
        level=None,
        issued_on=date(2023, 9, 1),
    )


# -- the decision ---------------------------------------------------------------------------------


def test_a_nantong_level_4_category_a_certificate_is_worth_1500_yuan_in_fen() -> None:
    # 000 · 附件1: 职业资格证书、职业技能等级证书 · A类 · 中级（四级） 1500 元/人.
    frozen = decide(nantong())
    assert (frozen.eligible, frozen.amount_fen, frozen.standards_date) == (True, 150000, date(2025, 7, 1))
    assert frozen.decision["amount"] == "1500.00"
    rules = [step["rule"] for step in frozen.decision["trace"]]
    assert "standard.skill_level.A.level_4" in rules
    assert rules[-1] == "amount"


def test_a_level_5_claim_is_refused_when_the_person_already_claimed_level_4_in_that_occupation() -> None:
    # 000 · 附件1 · 备注3: no subsidy for the same or a lower level of an occupation already held.
    frozen = decide(nantong(5, held=((BRICKLAYER, Level(4)),)))
    assert (frozen.eligible, frozen.amount_fen) == (False, 0)
    assert frozen.reasons[0] == "higher_or_same_level_held"


def test_a_level_3_claim_after_a_level_4_one_is_paid_at_the_level_3_standard() -> None:
    # 000 · 附件1 · A类 · 高级（三级） 2000 元/人.
    frozen = decide(nantong(3, held=((BRICKLAYER, Level(4)),)))
    assert (frozen.eligible, frozen.amount_fen) == (True, 200000)


def test_a_guangzhou_project_claim_on_the_last_day_of_12_months_is_paid_800_yuan() -> None:
    # 002 · 六 / 附件4 · 6: at most 800 元 per qualified trainee; 附件4 · 7: 12 months from issue.
    frozen = decide(guangzhou_project(date(2024, 9, 1)))
    assert (frozen.eligible, frozen.amount_fen) == (True, 80000)
    assert "amount_is_maximum" in frozen.reasons


def test_a_guangzhou_project_claim_pays_the_projects_accepted_standard_below_the_cap() -> None:
    # 002 · 六: the city sets each project's standard, at most 800 元 (附件4 · 6); a training
    # qualification has no catalog amount in Guangdong, so no higher catalog standard applies.
    frozen = decide(replace(guangzhou_project(date(2024, 3, 1)), project_standard=accepted(650)))
    assert (frozen.eligible, frozen.amount_fen) == (True, 65000)
    steps = {s["rule"]: s["value"] for s in frozen.decision["trace"]}
    assert steps["project.accepted_standard"] == (
        "项目“砌筑工培训”核定标准 650.00 元/人（002 · 六：具体执行标准由市人社部门按项目确定）"
    )
    assert steps["amount"] == "650.00 元"


def test_a_project_standard_above_the_cap_is_paid_at_the_cap() -> None:
    frozen = decide(replace(guangzhou_project(date(2024, 3, 1)), project_standard=accepted(1200)))
    assert frozen.amount_fen == 80000
    steps = [s["value"] for s in frozen.decision["trace"] if s["rule"] == "project.accepted_standard"]
    assert steps[0] == "项目“砌筑工培训”核定标准 1200.00 元高于每人上限 800.00 元，按上限执行"


def test_a_guangzhou_project_claim_one_day_after_12_months_is_refused_with_the_window_code() -> None:
    frozen = decide(guangzhou_project(date(2024, 9, 2)))
    assert (frozen.eligible, frozen.amount_fen, frozen.reasons[0]) == (False, 0, "claim_window_expired")


def test_the_window_is_checked_for_a_guangzhou_training_claim_too() -> None:
    claim = ClaimInput(
        region="440100",
        claimed_on=date(2024, 9, 2),
        program=Program.TRAINING,
        certificate_type=CertificateType.SKILL_LEVEL,
        occupation=BRICKLAYER,
        level=Level(4),
        issued_on=date(2023, 9, 1),
    )
    frozen = decide(claim)
    # Guangdong 2023 (002) publishes no amount for skill-level training, so nothing could be paid anyway.
    assert frozen.reasons == ("claim_window_expired", "no_standard")
    window = [s for s in frozen.decision["trace"] if s["rule"] == "project.claim_window_months"]
    assert window[0]["outcome"] == "failed"
    assert window[0]["source"].startswith("002_192cf03f49fda43c.txt · 附件4")


def test_nantong_sets_no_claim_window_and_the_trace_says_it_was_not_checked() -> None:
    steps = [s for s in decide(nantong()).decision["trace"] if s["rule"] == "project.claim_window_months"]
    assert steps[0]["outcome"] == "not_checked"


def test_a_certificate_issued_after_nantongs_2025_catalog_expired_is_refused_not_paid_zero() -> None:
    # Nantong's catalogs run to 2025-12-31 (000): on 2026-01-05 no catalog or standard is in force, so
    # the quote is undecided; a claim, which pays money, is refused and names the nearest version.
    frozen = decide(nantong(issued_on=date(2026, 1, 5), claimed_on=date(2026, 2, 1)))
    assert (frozen.eligible, frozen.amount_fen) == (False, 0)
    assert frozen.reasons[0] == "outside_published_periods"
    assert frozen.blocking[0].code.value == "outside_published_periods"


def test_fen_refuses_an_amount_finer_than_one_fen() -> None:
    assert fen(Decimal("1500.00")) == 150000
    with pytest.raises(ValueError, match="finer than one fen"):
        fen(Decimal("0.001"))


# -- the transition tables ------------------------------------------------------------------------


def test_a_claim_is_live_until_rejected_or_withdrawn() -> None:
    assert lifecycle.LIVE == (
        "district_review", "returned", "city_review", "notice", "payable", "batched", "paid",
    )  # fmt: skip


def test_a_failed_bank_line_makes_the_claim_payable_again_and_a_returned_one_goes_back_to_review() -> None:
    assert lifecycle.CLAIM.transition("fail").target == "payable"
    assert lifecycle.CLAIM.transition("bounce").target == "district_review"


def test_only_the_city_approves_and_only_the_district_passes_the_first_review() -> None:
    assert lifecycle.CLAIM.transition("approve").roles == frozenset({"city_bureau"})
    assert lifecycle.CLAIM.transition("pass_district").roles == frozenset({"district_bureau"})


# -- matching -------------------------------------------------------------------------------------

CERT = matching.ClaimedCertificate("CERT-1", "p1", BRICKLAYER, Level(4), date(2025, 7, 1))
PASSED = matching.Result("CERT-1", "p1", BRICKLAYER, Level(4), date(2025, 7, 1), passed=True)
CLASS = matching.ClassFacts(
    starts_on=date(2025, 5, 1),
    ends_on=date(2025, 6, 15),
    planned_hours=Decimal(60),
    roster=frozenset({"p1"}),
    attended_hours={"p1": Decimal(60)},
)
REGISTERED = matching.Registry(((date(2025, 1, 1), None),))


def test_a_claim_that_agrees_with_everything_has_no_mismatch() -> None:
    known = matching.Known(results=(PASSED,), klass=CLASS, registry=REGISTERED)
    assert matching.match(CERT, known) == ()


def test_short_attendance_is_one_mismatch_naming_the_hours() -> None:
    klass = matching.ClassFacts(
        CLASS.starts_on, CLASS.ends_on, Decimal(60), frozenset({"p1"}), {"p1": Decimal(52)}
    )
    found = matching.match(CERT, matching.Known(results=(PASSED,), klass=klass, registry=REGISTERED))
    assert [m.to_json() for m in found] == [
        {
            "code": "match.attendance_short",
            "field": "attendance",
            "message": "出勤52课时，少于应出勤的60课时",
            "message_en": "52 class hours attended, short of the 60 required",
        }
    ]


def test_the_bureaus_completion_decision_settles_attendance_either_way() -> None:
    # A completion confirmed by hand (after the bureau checked a leave note) is not matched on hours;
    # one refused by hand is a mismatch whatever the hours say.
    short = matching.ClassFacts(
        CLASS.starts_on, CLASS.ends_on, Decimal(60), frozenset({"p1"}), {"p1": Decimal(52)},
        completion_set={"p1": True},
    )  # fmt: skip
    assert matching.match(CERT, matching.Known(results=(PASSED,), klass=short, registry=REGISTERED)) == ()
    full = replace(CLASS, completion_set={"p1": False})
    found = matching.match(CERT, matching.Known(results=(PASSED,), klass=full, registry=REGISTERED))
    assert [m.to_json() for m in found] == [
        {
            "code": "match.attendance_short",
            "field": "attendance",
            "message": "区县已认定该学员未达到结业要求",
            "message_en": "The district decided the trainee did not complete the class",
        }
    ]


def test_every_kind_of_mismatch_is_reported_in_a_stable_order() -> None:
    failed = matching.Result("CERT-1", "p2", BRICKLAYER, Level(3), date(2025, 7, 1), passed=False)
    klass = matching.ClassFacts(
        CLASS.starts_on, CLASS.ends_on, None, frozenset(), {}, project_in_tracking=False
    )
    lapsed = matching.Registry(((date(2025, 1, 1), date(2025, 5, 31)),))
    found = matching.match(CERT, matching.Known(results=(failed,), klass=klass, registry=lapsed))
    assert [m.code.value for m in found] == [
        "match.result_not_passed",
        "match.certificate_differs",
        "match.trainee_not_on_roster",
        "match.attendance_missing",
        "match.institution_not_registered",
        "match.project_not_in_tracking",
    ]
    assert found[1].message == "证书与考核结果不一致：持证人、等级（结果为3级，申领为4级）"
    assert found[1].message_en == (
        "The certificate differs from the assessment result: holder, level (result level 3, claim level 4)"
    )


def test_a_certificate_no_result_knows_and_one_with_two_results_are_mismatches() -> None:
    assert [m.code.value for m in matching.match(CERT, matching.Known(results=()))] == [
        "match.certificate_not_in_results"
    ]
    assert [m.code.value for m in matching.match(CERT, matching.Known(results=(PASSED, PASSED)))] == [
        "match.several_results"
    ]


def test_without_a_plan_the_level_minimum_is_the_attendance_needed() -> None:
    # 000 · 附件1 · 备注2: at least 56 class hours for level 4.
    klass = matching.ClassFacts(CLASS.starts_on, CLASS.ends_on, None, frozenset({"p1"}), {"p1": Decimal(55)})
    known = matching.Known(results=(PASSED,), klass=klass, registry=REGISTERED, minimum_hours=Decimal(56))
    assert [m.message for m in matching.match(CERT, known)] == ["出勤55课时，少于应出勤的56课时"]


def test_a_special_groups_certificate_stands_in_for_missing_or_short_attendance() -> None:
    # 002 · 附件4 · 8③: 对于在粤服刑人员、强制戒毒人员等特殊群体培训无法提供视频等资料的，
    # 由主管单位出具相应证明.
    missing = matching.ClassFacts(
        CLASS.starts_on, CLASS.ends_on, Decimal(60), frozenset({"p1"}), {}, special_group=True
    )
    short = replace(missing, attended_hours={"p1": Decimal(20)})

    def codes(klass: matching.ClassFacts) -> list[str]:
        known = matching.Known(results=(PASSED,), klass=klass, registry=REGISTERED)
        return [m.code.value for m in matching.match(CERT, known)]

    assert codes(missing) == codes(short) == ["match.supervision_certificate_missing"]
    assert codes(replace(missing, supervision_certified=True)) == []
    assert codes(replace(short, supervision_certified=True)) == []
    # Full attendance needs no certificate; the bureau's refusal of completion is never overridden.
    assert codes(replace(CLASS, special_group=True)) == []
    refused = replace(short, supervision_certified=True, completion_set={"p1": False})
    assert codes(refused) == ["match.attendance_short"]
    # Outside a special group the certificate counts for nothing: the records are required.
    assert codes(replace(short, special_group=False, supervision_certified=True)) == [
        "match.attendance_short"
    ]


# -- the notice -----------------------------------------------------------------------------------


def test_a_five_working_day_notice_published_before_national_day_2025_ends_on_14_october() -> None:
    # 国务院办公厅 2025 arrangement: 10-01…10-08 off, Saturday 10-11 a working day.
    assert notice_end(WorkCalendar.shipped(), date(2025, 9, 30), 5) == date(2025, 10, 14)


# -- payees ---------------------------------------------------------------------------------------


def test_a_bank_card_with_a_good_luhn_digit_is_accepted_and_one_with_a_bad_digit_is_refused() -> None:
    assert check_payee("bank_card", "6222 0212 3456 7890 128", "张三").account == "6222021234567890128"
    with pytest.raises(PayeeError) as bad:
        check_payee("bank_card", "6222021234567890127", "张三")
    assert (bad.value.field, bad.value.problem, bad.value.shown) == (
        "payee_account", "银行卡号校验位不正确", "6222***********0127",
    )  # fmt: skip


def test_an_institution_account_is_checked_for_shape_only() -> None:
    assert (
        check_payee("institution_account", "3100 1234 5678", "某培训学校").kind
        is PayeeKind.INSTITUTION_ACCOUNT
    )
    with pytest.raises(PayeeError, match="对公账号应为8至30位数字"):
        check_payee("institution_account", "12AB", "某培训学校")
    assert mask_account("12345678") == "****"


# -- payment files --------------------------------------------------------------------------------


def lines(*amounts: int) -> list[payment.Line]:
    return [
        payment.Line(0, f"C{i}", "张三", "6222021234567890128", "bank_card", fen_, attempt=1)
        for i, fen_ in enumerate(amounts, start=1)
    ]


def test_yuan_is_written_with_two_decimals_by_integer_arithmetic() -> None:
    assert [payment.yuan(f) for f in (0, 5, 150000, 80001)] == ["0.00", "0.05", "1500.00", "800.01"]


def test_a_payment_file_sums_exactly_to_its_total_and_ends_with_a_trailer() -> None:
    built = payment.build("PB-440100-000001", lines(150000, 80000, 1))
    assert built.total_fen == 230001
    rows = list(csv.reader(io.StringIO(built.csv_bytes().decode("utf-8-sig"))))
    assert rows[0] == list(payment.HEADER)
    assert [r[1] for r in rows[1:4]] == ["1", "2", "3"]
    assert [r[7] for r in rows[1:4]] == ["1500.00", "800.00", "0.01"]
    assert rows[4] == ["合计", "3", "", "", "", "", "", "2300.01", payment.FORMAT]
    assert payment.checksum(built.csv_bytes()) == payment.checksum(built.csv_bytes())


def test_a_resent_line_keeps_its_key_and_a_retry_after_failure_gets_a_new_one() -> None:
    assert payment.idempotency_key("C1", 1) == payment.idempotency_key("C1", 1)
    assert payment.idempotency_key("C1", 1) != payment.idempotency_key("C1", 2)


def test_a_batch_refuses_a_zero_amount_and_a_claim_twice() -> None:
    with pytest.raises(ValueError, match="金额为 0 分"):
        payment.build("B", lines(0))
    twice = lines(1, 2)
    with pytest.raises(ValueError, match="出现两次"):
        payment.build("B", [twice[0], twice[0]])


def test_the_xlsx_file_keeps_account_numbers_as_text() -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(payment.build("B", lines(150000)).xlsx_bytes()))
    row = [c.value for c in book["支付明细"][2]]
    assert row[5] == "6222021234567890128" and row[7] == "1500.00"


# -- the bank's results ---------------------------------------------------------------------------


def result_file(*rows: tuple[str, ...]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(payment.RESULT_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def test_bank_results_are_read_per_line_with_paid_failed_and_returned() -> None:
    built = payment.build("PB-1", lines(100, 200, 300))
    keys = {line.number: line.key for line in built.lines}
    content = result_file(
        ("PB-1", "1", keys[1], "成功", ""),
        ("PB-1", "2", keys[2], "失败", "户名不符"),
        ("PB-1", "3", keys[3], "退票", "账户已销户"),
    )
    found = payment.parse_results(content, batch_number="PB-1", keys=keys)
    assert [(r.line, r.outcome.value, r.message) for r in found] == [
        (1, "paid", ""), (2, "failed", "户名不符"), (3, "returned", "账户已销户"),
    ]  # fmt: skip


def test_a_bank_file_with_bad_rows_is_refused_whole_naming_each_row_and_field() -> None:
    built = payment.build("PB-1", lines(100, 200))
    keys = {line.number: line.key for line in built.lines}
    content = result_file(
        ("PB-2", "1", keys[1], "成功", ""),
        ("PB-1", "9", keys[1], "成功", ""),
        ("PB-1", "1", "wrong", "成功", ""),
        ("PB-1", "2", keys[2], "不知道", ""),
    )
    with pytest.raises(payment.BankFileError) as bad:
        payment.parse_results(content, batch_number="PB-1", keys=keys)
    assert bad.value.problems == (
        "第2行 批次号：'PB-2' 不是本批次 PB-1",
        "第3行 行号：'9' 不是本批次的行",
        "第4行 幂等键：'wrong' 与本批次第1行不符",
        "第5行 结果：'不知道' 应为 成功、失败 或 退票",
    )


def test_every_match_code_is_documented() -> None:
    import re
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "reason-codes.md").read_text("utf-8")
    documented = set(re.findall(r"^\| `(match\.[a-z_]+)` \|", doc, flags=re.MULTILINE))
    assert documented == {c.value for c in matching.MatchCode}
