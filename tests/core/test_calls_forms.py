"""附件1 read and checked: every problem names its field path and the value given."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from stdnum.cn import uscc

from skillsubsidy.calls.forms import CertificateType, Delivery, FormError, FormInvalid, applicant_checks
from skillsubsidy.institutions.model import InstitutionKind
from skillsubsidy.regions import all_regions, resolve_region
from skillsubsidy.rules.engine import Engine

from .calls_sample import USCC, read, sample


def errors_of(data: dict[str, Any]) -> list[FormError]:
    with pytest.raises(FormInvalid) as bad:
        read(data)
    return list(bad.value.errors)


def test_a_complete_form_reads_into_typed_data() -> None:
    form = read(sample())
    assert (form.call_id, form.unit.uscc, form.unit.kind) == (
        "guangzhou-2023",
        USCC,
        InstitutionKind.HR_APPROVED,
    )
    project = form.projects[0]
    assert project.districts == (("440106", "天河区"), ("440112", "黄埔区"))
    assert (project.delivery, project.online_percent) == (Delivery.MIXED, 20)
    assert [(o.name, o.code, o.in_catalog) for o in project.occupations] == [
        ("中式烹调师", "4-03-02-01", True),
        ("预制菜加工员", None, False),
    ]
    assert project.budget.total_fen == 180 * 73333
    assert [f.year for f in form.unit.finances] == [2020, 2021, 2022]


def test_a_budget_that_does_not_add_up_names_the_total_and_its_value() -> None:
    data = sample()
    data["projects"][0]["budget"]["total_fen"] = 14_400_000
    [error] = errors_of(data)
    assert (error.path, error.value) == ("projects[0].budget.total_fen", 14_400_000)
    assert error.problem == "经费预算总额应为 培训对象人数×经费预算标准 = 180×73333 = 13199940 分"


def test_a_proposed_standard_over_800_yuan_is_refused() -> None:
    data = sample()
    data["projects"][0]["occupations"][0]["proposed_standard_fen"] = 80001
    [error] = errors_of(data)
    assert (error.path, error.value) == ("projects[0].occupations[0].proposed_standard_fen", 80001)
    assert error.problem == "建议补贴标准不得超过每人800元（80000分）"


def test_an_occupation_outside_the_catalog_is_allowed_only_for_a_training_qualification() -> None:
    data = sample()
    data["projects"][0]["occupations"][1]["certificates"] = ["skill_level"]
    [error] = errors_of(data)
    assert (error.path, error.value) == ("projects[0].occupations[1].name", "预制菜加工员")
    assert error.problem.endswith("目录外的职业（工种）只能申报培训合格证书项目（002 · 七（一））")
    assert read(sample()).projects[0].occupations[1].certificates == (CertificateType.TRAINING_QUALIFICATION,)


def test_luogang_is_printed_on_the_form_but_no_longer_a_district() -> None:
    data = sample()
    data["projects"][0]["districts"] = ["萝岗区"]
    [error] = errors_of(data)
    assert (error.path, error.value) == ("projects[0].districts[0]", "萝岗区")
    assert error.problem == "萝岗区2014年撤销，并入黄埔区，现为黄埔区（440112），请改选"


def test_a_district_of_another_city_is_refused_with_the_choices() -> None:
    data = sample()
    data["projects"][0]["districts"] = ["崇川区"]
    [error] = errors_of(data)
    assert error.path == "projects[0].districts[0]"
    assert error.problem.startswith("不是本次征集所在地的区：可选 荔湾区、越秀区、海珠区、天河区")


def test_every_problem_is_reported_at_once() -> None:
    data = sample()
    data["unit"]["uscc"] = "91440106MA5D00001X"
    data["unit"]["contact"]["mobile"] = "8330642"
    data["unit"]["staff"]["other"] = 5
    data["projects"][0]["type"] = "tourism"
    data["projects"][0]["delivery"] = "online"
    data["projects"][0]["online_percent"] = 50
    assert [(e.path, e.value) for e in errors_of(data)] == [
        ("unit.uscc", "91440106MA5D00001X"),
        ("unit.staff.total", 40),
        ("unit.contact.mobile", "8330642"),
        ("projects[0].type", "tourism"),
        ("projects[0].online_percent", 50),
    ]


def test_a_mixed_delivery_needs_its_online_share() -> None:
    data = sample()
    del data["projects"][0]["online_percent"]
    [error] = errors_of(data)
    assert (error.path, error.value) == ("projects[0].online_percent", None)


def test_the_finances_are_the_three_years_the_call_asks_for() -> None:
    data = sample()
    data["unit"]["finances"] = data["unit"]["finances"][1:]
    [error] = errors_of(data)
    assert (error.path, error.value) == ("unit.finances", [2021, 2022])
    assert error.problem == "应依次填写 2020, 2021, 2022 年"


def test_an_enterprise_states_its_tax_and_a_college_need_not() -> None:
    data = sample()
    data["unit"]["finances"][0]["tax_fen"] = None
    assert read(data).unit.finances[0].tax_fen is None
    data["unit"]["kind"] = "chain_leader"
    [error] = errors_of(data)
    assert (error.path, error.problem) == ("unit.finances[0].tax_fen", "企业性法人单位应填报纳税情况")


def test_the_trainees_of_the_budget_are_those_of_its_occupations() -> None:
    data = sample()
    data["projects"][0]["occupations"][0]["trainees"] = 100
    [error] = errors_of(data)
    assert (error.path, error.value, error.problem) == (
        "projects[0].budget.trainees",
        180,
        "应等于各职业（工种）拟培训人数之和 160",
    )


def test_a_form_that_is_not_a_mapping_is_one_error_not_a_traceback() -> None:
    with pytest.raises(FormInvalid) as bad:
        read([])  # type: ignore[arg-type]
    assert [(e.path, e.value) for e in bad.value.errors] == [("$", []), ("unit", None), ("projects", None)]


def outcomes(data: dict[str, Any], legal_form: str = "") -> dict[str, tuple[str, str | None]]:
    regime = Engine().regime(resolve_region("440100"), date(2023, 8, 1))
    results = applicant_checks(
        read(data),
        get=regime.get,
        on=date(2023, 8, 1),
        region_name=lambda c: all_regions()[c].name,
        legal_form=legal_form,
    )
    return {r.rule: (r.outcome.value, r.reason.code.value if r.reason else None) for r in results}


def test_the_applicant_is_checked_by_the_registrys_rules_for_legal_person_and_local_registration() -> None:
    assert outcomes(sample()) == {
        "institution.legal_person_required": ("not_checked", "input_missing"),
        "institution.local_registration_required": ("passed", None),
    }
    assert outcomes(sample(), legal_form="有限责任公司")["institution.legal_person_required"] == (
        "passed",
        None,
    )
    nantong = sample()
    nantong["unit"]["uscc"] = "92320602MA1MX0E5X" + uscc.calc_check_digit("92320602MA1MX0E5X")
    got = outcomes(nantong)
    assert got["institution.legal_person_required"][0] == "failed"
    assert got["institution.local_registration_required"][0] == "failed"
