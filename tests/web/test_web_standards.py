"""Subsidy standards entered in the back office take effect in quotes without a restart."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditRecord
from standards.models import StandardValue
from standards.selectors import quote, standard_revision
from standards.services import standard_set

pytestmark = pytest.mark.django_db

# 焊工 6-18-02-04 is a category B item of Shanghai's 2026 catalog (004 · 一、职业技能等级项目 · 序号 46),
# which states categories but no amounts.
SHANGHAI_WELDER = {
    "region": "310000",
    "date": "2026-03-01",
    "certificate": {"type": "skill_level", "occupation": "6-18-02-04", "level": 3},
}


def shanghai(actor: AbstractUser, value: str, since: date = date(2026, 1, 1)) -> StandardValue:
    # 1800 is a value a bureau might enter; it is test input, not a figure from the seeds.
    return standard_set(
        actor=actor,
        region="310000",
        name="standard.skill_level.B.level_3",
        since=since,
        value=value,
        source="沪人社〔2026〕test notice · 附件 · B类 三级",
        reason="2026 standards published",
        based_on=standard_revision(region="310000", name="standard.skill_level.B.level_3"),
    )


def decision(request: dict[str, Any]) -> dict[str, Any]:
    return quote(request).to_json()


def test_shanghai_has_no_standard_until_one_is_entered(shanghai_staff: AbstractUser) -> None:
    before = decision(SHANGHAI_WELDER)
    assert (before["eligible"], before["amount"]) == (True, None)
    assert "no_standard" in [r["code"] for r in before["reasons"]]

    shanghai(shanghai_staff, "1800")

    after = decision(SHANGHAI_WELDER)
    assert (after["eligible"], after["amount"]) == (True, "1800.00")
    used = next(t for t in after["trace"] if t["rule"] == "standard.skill_level.B.level_3")
    assert used["source"] == "沪人社〔2026〕test notice · 附件 · B类 三级"


def test_a_corrected_value_replaces_the_one_entered_for_the_same_date(shanghai_staff: AbstractUser) -> None:
    shanghai(shanghai_staff, "1800")
    shanghai(shanghai_staff, "1850")
    assert decision(SHANGHAI_WELDER)["amount"] == "1850.00"
    assert StandardValue.objects.count() == 2  # the first value stays in the history


def test_a_value_applies_only_from_its_date(shanghai_staff: AbstractUser) -> None:
    shanghai(shanghai_staff, "1800", since=date(2026, 4, 1))
    assert decision(SHANGHAI_WELDER)["amount"] is None
    assert decision({**SHANGHAI_WELDER, "date": "2026-05-01"})["amount"] == "1800.00"


def test_a_shipped_nantong_standard_can_be_corrected_for_its_own_period(admin: AbstractUser) -> None:
    request = {
        "region": "320600",
        "date": "2025-06-01",
        "certificate": {"type": "skill_level", "occupation": "6-18-02-04", "level": 4},
    }
    # 000 · 附件1: A类 中级（四级） 1500; levels 4–5 get no shortage uplift.
    assert decision(request)["amount"] == "1500.00"
    standard_set(
        actor=admin, region="320600", name="standard.skill_level.A.level_4", since=date(2025, 1, 1),
        value="1550", source="test correction", reason="test", based_on=0,
    )  # fmt: skip
    assert decision(request)["amount"] == "1550.00"


@pytest.mark.parametrize(
    ("value", "field"),
    [("12a", "value"), ("-5", "value"), ("1.005", "value")],
)
def test_an_invalid_value_is_refused_and_nothing_is_stored(
    shanghai_staff: AbstractUser, value: str, field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        shanghai(shanghai_staff, value)
    assert list(exc.value.message_dict) == [field]
    assert not StandardValue.objects.exists()
    assert decision(SHANGHAI_WELDER)["amount"] is None


def test_a_standard_needs_a_source_and_a_reason(shanghai_staff: AbstractUser) -> None:
    with pytest.raises(ValidationError) as exc:
        standard_set(
            actor=shanghai_staff, region="310000", name="standard.skill_level.B.level_3",
            since=date(2026, 1, 1), value="1800", source=" ", reason="x", based_on=0,
        )  # fmt: skip
    assert list(exc.value.message_dict) == ["source"]


def test_staff_set_standards_only_for_their_regions(nantong_staff: AbstractUser) -> None:
    with pytest.raises(PermissionDenied):
        shanghai(nantong_staff, "1800")


def test_setting_a_standard_is_audited_with_before_and_after(admin: AbstractUser) -> None:
    standard_set(
        actor=admin, region="320600", name="standard.skill_level.A.level_4", since=date(2025, 1, 1),
        value="1550", source="test correction", reason="typo in the table", based_on=0,
    )  # fmt: skip
    record = AuditRecord.objects.get(action="standard.set")
    assert (record.region, record.reason) == ("320600", "typo in the table")
    assert record.changes == {
        "name": "standard.skill_level.A.level_4", "since": "2025-01-01", "before": "1500", "after": "1550",
    }  # fmt: skip
