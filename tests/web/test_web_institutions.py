"""Institution registry services: registration, its grounds and approvals, inspections and credit.
Values come from the documents: seed 003 lists what evaluation organisations may certify."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from stdnum.cn import uscc
from web_support import make_staff

from accounts.models import Role
from audit.models import AuditRecord
from common.personal import unseal
from institutions import services
from institutions.models import Institution

TODAY = date(2025, 6, 1)


def code(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


@pytest.fixture
def guangzhou(db: None) -> Any:
    return make_staff("guangzhou", Role.CITY_BUREAU, "440100")


def register(actor: Any, **over: Any) -> Institution:
    fields: dict[str, Any] = {
        "name": "广州市示范职业培训学校", "uscc": code("52440106MJL1234A6"), "kind": "hr_approved",
        "region": "440100", "address": "广州市天河区示范路1号", "legal_rep_name": "张三",
        "contact_name": "李四", "contact_phone": "138 1234 5678", "legal_form": "民办非企业单位法人",
    }  # fmt: skip
    return services.institution_register(actor=actor, **{**fields, **over})


@pytest.mark.django_db
def test_a_registered_institution_starts_applied_with_its_phone_sealed_and_an_audit_row(
    guangzhou: Any,
) -> None:
    inst = register(guangzhou)
    assert (inst.status, inst.region, inst.uscc) == ("applied", "440100", code("52440106MJL1234A6"))
    assert inst.contact_phone_masked == "138****5678"
    assert "13812345678" not in inst.contact_phone_sealed
    assert unseal(inst.contact_phone_sealed) == "13812345678"
    row = AuditRecord.objects.get(action="institution.register", target_id=str(inst.pk))
    assert (row.actor_name, row.region) == ("guangzhou", "440100")
    assert "13812345678" not in str(row.changes) + row.summary


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("over", "field", "words"),
    [
        ({"uscc": "91440106MA5D0000"}, "uscc", "应为18位"),
        ({"uscc": code("91440106MA5D00001")[:-1] + "Y"}, "uscc", "校验码不符"),
        ({"kind": "school"}, "kind", "'school'"),
        ({"contact_phone": "12345"}, "contact_phone", "'12345'"),
        ({"name": "  "}, "name", "必填"),
        ({"region": "火星"}, "region", "火星"),
    ],
    ids=["uscc-length", "uscc-checksum", "kind", "phone", "name", "region"],
)
def test_bad_registration_input_is_refused_naming_the_field_and_nothing_is_stored(
    guangzhou: Any, over: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        register(guangzhou, **over)
    assert list(caught.value.message_dict) == [field]
    assert words in caught.value.message_dict[field][0]
    assert not Institution.objects.exists()


@pytest.mark.django_db
def test_a_code_registered_twice_is_refused_naming_the_first_institution(guangzhou: Any) -> None:
    register(guangzhou)
    with pytest.raises(ValidationError) as caught:
        register(guangzhou, name="另一个名字")
    assert caught.value.message_dict["uscc"] == [
        f"统一社会信用代码 {code('52440106MJL1234A6')} 已登记（广州市示范职业培训学校）"
    ]
    assert Institution.objects.count() == 1


@pytest.mark.django_db
def test_a_bureau_registers_only_within_its_region(guangzhou: Any) -> None:
    nantong = make_staff("nantong-city", Role.CITY_BUREAU, "320600")
    with pytest.raises(PermissionDenied):
        register(nantong)
    assert not Institution.objects.exists()


def file_scope(inst: Institution, actor: Any, levels: list[int], **over: Any) -> Any:
    fields: dict[str, Any] = {
        "occupation": "政务服务办事员", "reference": "穗人社评备〔2025〕1号", "filed_by": "广州市人社局",
        "filed_on": date(2025, 3, 1), "today": TODAY,
    }  # fmt: skip
    return services.scope_file(institution=inst, actor=actor, levels=levels, **{**fields, **over})


def evaluate(inst: Institution, actor: Any, level: int) -> Any:
    return services.approval_add(
        institution=inst, actor=actor, role="evaluation", occupation="政务服务办事员", level=level,
        valid_from=TODAY,
    )  # fmt: skip


@pytest.mark.django_db
def test_an_evaluation_approval_must_lie_within_seed_003_and_its_levels(guangzhou: Any) -> None:
    inst = register(guangzhou)
    file_scope(inst, guangzhou, [3, 4, 5])
    # 003_eaf749be2f6ce36e.txt · 附件2 · row 1: 3-01-01-02 政务服务办事员, levels 5、4、3
    ok = evaluate(inst, guangzhou, 3)
    assert (ok.occupation_code, ok.occupation, ok.level) == ("3-01-01-02", "政务服务办事员", 3)
    with pytest.raises(ValidationError) as caught:
        evaluate(inst, guangzhou, 2)
    assert caught.value.message_dict["level"] == [
        "政务服务办事员 可评价的等级为 三级/高级工、四级/中级工、五级/初级工，不含 2"
    ]


@pytest.mark.django_db
def test_an_evaluation_approval_must_lie_within_the_institutions_filed_scope(guangzhou: Any) -> None:
    """001 · 二（二）: the evaluation catalog is the list HR departments file and publish, so seed 003's
    levels are not enough: the institution's own filing must cover the level too."""
    inst = register(guangzhou)
    with pytest.raises(ValidationError) as caught:
        evaluate(inst, guangzhou, 3)
    assert caught.value.message_dict == {
        "level": ["政务服务办事员 三级/高级工 不在本机构的备案评价范围内（已备案：无）"]
    }
    scope = file_scope(inst, guangzhou, [4, 3])
    assert (scope.occupation_code, scope.levels) == ("3-01-01-02", [3, 4])
    assert evaluate(inst, guangzhou, 4).level == 4
    with pytest.raises(ValidationError) as caught:
        evaluate(inst, guangzhou, 5)  # in seed 003, not in the filing
    assert caught.value.message_dict == {
        "level": [
            "政务服务办事员 五级/初级工 不在本机构的备案评价范围内"
            "（已备案：政务服务办事员 3/4（穗人社评备〔2025〕1号））"
        ]
    }
    assert list(inst.approvals.values_list("level", flat=True)) == [4]
    row = AuditRecord.objects.get(action="institution.scope.file", target_id=str(inst.pk))
    assert "穗人社评备〔2025〕1号" in row.summary


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("over", "levels", "field", "message"),
    [
        ({}, [2], "levels", "政务服务办事员 可评价的等级为 三级/高级工、四级/中级工、五级/初级工，不含 2"),
        # 000_d6c6a123f4673bde.txt lists 砌筑工; 003_eaf749be2f6ce36e.txt · 附件2 does not.
        ({"occupation": "砌筑工"}, [3], "occupation",
         "'砌筑工' 不在社会培训评价组织可评价的职业（工种）目录（seed 003）内"),
        ({"reference": " "}, [3], "reference", "备案文号：必填"),
        ({"filed_on": date(2025, 6, 2)}, [3], "filed_on", "日期 2025-06-02 晚于今天 2025-06-01"),
    ],
    ids=["level-outside-seed-003", "occupation-outside-seed-003", "no-reference", "future-date"],
)  # fmt: skip
def test_a_filed_scope_outside_seed_003_or_without_its_filing_is_refused_and_nothing_is_stored(
    guangzhou: Any, over: dict[str, Any], levels: list[int], field: str, message: str
) -> None:
    inst = register(guangzhou)
    with pytest.raises(ValidationError) as caught:
        file_scope(inst, guangzhou, levels, **over)
    assert caught.value.message_dict == {field: [message]}
    assert not inst.filed_scopes.exists()


@pytest.mark.django_db
def test_an_occupation_no_catalog_knows_is_refused_with_the_nearest_names(guangzhou: Any) -> None:
    inst = register(guangzhou)
    with pytest.raises(ValidationError) as caught:
        services.approval_add(
            institution=inst, actor=guangzhou, role="training", occupation="焊公", level=3, valid_from=TODAY
        )
    message = caught.value.message_dict["occupation"][0]
    assert message.startswith("没有任何已发布目录包含职业（工种）'焊公'")
    assert "焊工" in message


@pytest.mark.django_db
def test_a_training_approval_takes_the_code_of_the_occupation_named(guangzhou: Any) -> None:
    inst = register(guangzhou)
    a = services.approval_add(
        institution=inst, actor=guangzhou, role="training", occupation="焊工", level=3, valid_from=TODAY
    )
    assert (a.occupation_code, a.occupation) == ("6-18-02-04", "焊工")


@pytest.mark.django_db
def test_a_licence_whose_period_has_ended_is_refused(guangzhou: Any) -> None:
    inst = register(guangzhou)
    with pytest.raises(ValidationError) as caught:
        services.basis_add(
            institution=inst, actor=guangzhou, kind="licence", issuer="人社部门", text="焊工 初级至高级",
            valid_from=date(2020, 1, 1), valid_to=date(2024, 12, 31), today=TODAY,
        )  # fmt: skip
    assert caught.value.message_dict == {"valid_to": ["有效期已于 2024-12-31 届满"]}
    assert not inst.bases.exists()


@pytest.mark.django_db
def test_an_inspection_and_a_credit_event_are_recorded_with_their_author(guangzhou: Any) -> None:
    inst = register(guangzhou)
    check = services.inspection_record(
        institution=inst, actor=guangzhou, kind="first_class", on=date(2025, 5, 20), result="issues",
        findings="签到表缺2人次", today=TODAY,
    )  # fmt: skip
    assert (check.inspector.username, check.result) == ("guangzhou", "issues")
    with pytest.raises(ValidationError) as caught:
        services.credit_event_record(
            institution=inst, actor=guangzhou, kind="warning", on=TODAY, source="穗人社函〔2025〕1号",
            summary="签到不实", reason="",
        )  # fmt: skip
    assert list(caught.value.message_dict) == ["reason"]
