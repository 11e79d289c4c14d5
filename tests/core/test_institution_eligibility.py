"""Eligibility of training institutions, condition by condition (002 · 一; 002 · 附件4 · 8①), with the
Guangzhou and Guangdong parameters as shipped (policy/parameters/guangzhou|guangdong/institutions-2023)."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import uscc

from skillsubsidy.institutions.eligibility import (
    RESOURCES,
    SYSTEMS,
    BasisFacts,
    BasisKind,
    FindingFacts,
    InstitutionFacts,
    evaluate,
)
from skillsubsidy.institutions.model import parse_uscc
from skillsubsidy.regions import all_regions, resolve_region
from skillsubsidy.rules.decision import Outcome
from skillsubsidy.rules.engine import Engine

ON = date(2025, 6, 1)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def code(first17: str) -> str:
    return parse_uscc(first17 + uscc.calc_check_digit(first17)).code


def facts(first17: str = "52440106MJL1234A6", **over: object) -> InstitutionFacts:
    base: dict[str, object] = {
        "uscc": parse_uscc(code(first17)),
        "legal_form": "",
        "bases": (
            BasisFacts(
                BasisKind.LICENCE, "焊工、电工 初级至高级", issuer="广州市人力资源和社会保障局（人社部门）"
            ),
        ),
        "serious_violations": (),
        "findings": {
            RESOURCES: FindingFacts(
                Outcome.PASSED, "实训车间800㎡，焊机40台，教师6人", "王审核", date(2025, 5, 20)
            ),
            SYSTEMS: FindingFacts(
                Outcome.PASSED, "六项制度齐全，抽查培训档案3份", "王审核", date(2025, 5, 20)
            ),
        },
    }
    base.update(over)
    return InstitutionFacts(**base)  # type: ignore[arg-type]


def outcomes(
    engine: Engine, f: InstitutionFacts, region: str = "广州", on: date = ON
) -> dict[str, tuple[str, str | None]]:
    regime = engine.regime(resolve_region(region), on)
    results = evaluate(f, get=regime.get, on=on, region_name=lambda c: all_regions()[c].name)
    return {r.rule: (r.outcome.value, r.reason.code.value if r.reason else None) for r in results}


def test_a_local_private_school_with_a_licence_and_passed_findings_meets_every_condition(
    engine: Engine,
) -> None:
    assert outcomes(engine, facts()) == {
        "institution.legal_person_required": ("passed", None),
        "institution.local_registration_required": ("passed", None),
        "institution.training_basis": ("passed", None),
        "institution.clean_record_months": ("passed", None),
        "institution.teaching_resources_required": ("passed", None),
        "institution.management_systems": ("passed", None),
    }


def test_a_sole_trader_registered_in_nantong_fails_legal_person_and_local_registration_in_guangzhou(
    engine: Engine,
) -> None:
    got = outcomes(engine, facts("92320602MA1MX0E5X"))
    assert got["institution.legal_person_required"] == ("failed", "not_a_legal_person")
    assert got["institution.local_registration_required"] == ("failed", "not_registered_locally")


def test_an_enterprise_code_needs_the_licence_form_to_tell_a_company_from_a_partnership(
    engine: Engine,
) -> None:
    assert outcomes(engine, facts("91440106MA59B8J13", legal_form="有限责任公司"))[
        "institution.legal_person_required"
    ] == ("passed", None)
    assert outcomes(engine, facts("91440106MA59B8J13", legal_form="合伙企业"))[
        "institution.legal_person_required"
    ] == ("failed", "not_a_legal_person")
    assert outcomes(engine, facts("91440106MA59B8J13"))["institution.legal_person_required"] == (
        "not_checked",
        "input_missing",
    )


def test_guangzhou_asks_for_registration_in_the_city_and_guangdong_in_the_province(engine: Engine) -> None:
    shenzhen = facts("52440300MJL1234A6")  # 440300 深圳市
    assert outcomes(engine, shenzhen, "广州")["institution.local_registration_required"] == (
        "failed",
        "not_registered_locally",
    )
    assert outcomes(engine, shenzhen, "广东")["institution.local_registration_required"] == ("passed", None)


def test_a_code_issued_by_the_province_needs_a_reviewer_to_confirm_the_city(engine: Engine) -> None:
    assert outcomes(engine, facts("52440000MJL1234A6"))["institution.local_registration_required"] == (
        "not_checked",
        "awaiting_finding",
    )


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        (
            BasisFacts(BasisKind.SCOPE, "企业管理咨询；教育咨询服务（不含涉许可审批的教育培训活动）"),
            ("passed", None),
        ),
        (BasisFacts(BasisKind.BASE, "广东省技能大师工作室（焊接）"), ("passed", None)),
        (BasisFacts(BasisKind.SCOPE, "销售五金交电；货物进出口"), ("failed", "no_training_basis")),
        # 002 · 一: a licence from 教育部门 or 人社部门; one from another department is no ground
        (BasisFacts(BasisKind.LICENCE, "烹饪", issuer="市场监督管理局"), ("failed", "no_training_basis")),
        (
            BasisFacts(BasisKind.LICENCE, "焊工", issuer="人社部门", valid_to=date(2025, 5, 31)),
            ("failed", "no_training_basis"),
        ),
        (
            BasisFacts(BasisKind.LICENCE, "焊工", issuer="人社部门", valid_to=date(2025, 6, 1)),
            ("passed", None),
        ),
    ],
    ids=[
        "scope-term",
        "named-base",
        "scope-without-term",
        "other-issuer",
        "licence-ended-day-before",
        "licence-last-day",
    ],
)
def test_a_ground_for_training_is_a_valid_licence_a_scope_term_or_a_named_base(
    engine: Engine, basis: BasisFacts, expected: tuple[str, str | None]
) -> None:
    assert outcomes(engine, facts(bases=(basis,)))["institution.training_basis"] == expected


def test_a_serious_violation_counts_for_36_months_up_to_the_day(engine: Engine) -> None:
    # 近3年内 = the 36 months before 2025-06-01: after 2022-06-01, up to 2025-06-01 included
    assert outcomes(engine, facts(serious_violations=(date(2022, 6, 1),)))[
        "institution.clean_record_months"
    ] == (
        "passed",
        None,
    )
    assert outcomes(engine, facts(serious_violations=(date(2022, 6, 2),)))[
        "institution.clean_record_months"
    ] == (
        "failed",
        "recent_serious_violation",
    )


def test_judgement_conditions_wait_for_a_finding_and_follow_it(engine: Engine) -> None:
    none = outcomes(engine, facts(findings={}))
    assert none[RESOURCES] == ("not_checked", "awaiting_finding")
    assert none[SYSTEMS] == ("not_checked", "awaiting_finding")
    lacking = {SYSTEMS: FindingFacts(Outcome.FAILED, "无培训档案管理制度", "王审核", date(2025, 5, 20))}
    assert outcomes(engine, facts(findings=lacking))[SYSTEMS] == ("failed", "found_lacking")


def test_a_region_whose_documents_state_no_conditions_checks_none_and_says_so(engine: Engine) -> None:
    got = outcomes(engine, facts(), "南通")
    assert set(got.values()) == {("not_checked", None)}


def test_before_the_notice_the_conditions_are_not_yet_in_force(engine: Engine) -> None:
    got = outcomes(engine, facts(), "广州", date(2023, 7, 29))
    assert got["institution.legal_person_required"] == ("not_checked", "rule_lapsed")
