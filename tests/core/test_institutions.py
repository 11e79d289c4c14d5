"""Institutions in the core: kinds, the unified social credit code, and the listing lifecycle."""

from __future__ import annotations

import pytest
from stdnum.cn import uscc

from skillsubsidy.institutions.lifecycle import ELIGIBILITY, INSTITUTION
from skillsubsidy.institutions.model import (
    InstitutionKind,
    InvalidUscc,
    legal_form_is_legal_person,
    parse_uscc,
)


def code(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


def test_the_eight_kinds_are_the_boxes_of_the_application_form_in_order() -> None:
    # 002_192cf03f49fda43c.txt · 附件1 · 一、申报主体单位基本情况 · 单位性质 (lines 208–211)
    assert [k.label_zh for k in InstitutionKind] == [
        "链主企业", "龙头企业", "人社部门批复的培训机构", "人力资源公司",
        "技工院校", "职业院校", "行业协会", "其他",
    ]  # fmt: skip


def test_a_valid_code_tells_the_registering_authority_the_kind_of_entity_and_the_region() -> None:
    parsed = parse_uscc(code("52440106MJL1234A6"))
    assert (parsed.entity.authority, parsed.entity.name, parsed.entity.legal_person) == (
        "民政",
        "民办非企业单位",
        True,
    )
    assert parsed.division == "440106"
    assert parsed.registered_within("440106") and parsed.registered_within("440100")
    assert parsed.registered_within("440000") and not parsed.registered_within("320600")


def test_a_code_issued_under_a_former_district_number_still_counts_for_its_city() -> None:
    # 增城市 440183 became 增城区 440118 in 2014; codes issued before keep the old number.
    assert parse_uscc(code("91440183MA5D00001")).registered_within("440100")


def test_a_sole_trader_is_not_a_legal_person_and_an_enterprise_depends_on_its_licence() -> None:
    assert parse_uscc(code("92440106MA5D00001")).entity.legal_person is False
    assert parse_uscc(code("91440106MA5D00001")).entity.legal_person is None
    assert legal_form_is_legal_person("有限责任公司") is True
    assert legal_form_is_legal_person("合伙企业") is False
    assert legal_form_is_legal_person("某种新形式") is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("91440106MA5D0000", "应为18位"),
        ("91440106MA5D0000IX", "含有不允许的字符"),
        (
            code("91440106MA5D00001")[:-1] + ("0" if code("91440106MA5D00001")[-1] != "0" else "1"),
            "校验码不符",
        ),
    ],
    ids=["short", "letter-I", "checksum"],
)
def test_a_bad_code_is_refused_naming_the_value_and_what_is_wrong(value: str, problem: str) -> None:
    with pytest.raises(InvalidUscc) as caught:
        parse_uscc(value)
    assert caught.value.value == value
    assert problem in str(caught.value)
    assert repr(value) in str(caught.value)


def test_districts_propose_and_the_city_lists_suspends_and_removes() -> None:
    # 001 · 二（二）4–5; 002 · 附件4 · 8①
    by_action = {t.action: t for t in INSTITUTION.transitions}
    assert by_action["propose"].roles == {"district_bureau", "city_bureau", "platform_admin"}
    assert by_action["list"].roles == {"city_bureau", "platform_admin"}
    assert by_action["remove"].roles == {"city_bureau", "platform_admin"}
    assert by_action["list"].guards == ELIGIBILITY
    assert [t.action for t in INSTITUTION.moves_from("listed")] == ["suspend", "remove"]
    assert [t.action for t in INSTITUTION.moves_from("suspended")] == ["reinstate", "remove"]
    assert INSTITUTION.moves_from("removed") == ()


def test_a_returned_application_goes_back_to_review_after_more_information() -> None:
    assert [t.target for t in INSTITUTION.moves_from("returned")] == ["under_review", "withdrawn"]
