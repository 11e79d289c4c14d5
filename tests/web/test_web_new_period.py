"""A new year's standards and the dates around them (issue 8, points 2 and 8): amounts as people type
them, a whole table started from last year's, warnings for the rules a new period leaves without a
value, the calculator's opening date, undecided answers outside every period, and a confirmed
publication."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from web_support import client_for

from catalogs.models import CatalogVersion
from catalogs.services import draft_from_published
from skillsubsidy.regions import resolve_region
from standards import selectors
from standards.models import StandardValue
from standards.services import standard_set

pytestmark = pytest.mark.django_db

A3 = "standard.skill_level.A.level_3"
NEW_PERIOD = "/office/standards/320600/new-period/"


def _set(actor: AbstractUser, value: str) -> StandardValue:
    return standard_set(
        actor=actor, region="320600", name=A3, since=date(2026, 1, 1), value=value, source="测试通知 · 附件1",
        reason="测试", based_on=selectors.standard_revision(region="320600", name=A3),
    )  # fmt: skip


@pytest.mark.parametrize("typed", ["2,200", "2200元", "2200 元/人", "２２００", " 2200 "])
def test_an_amount_is_read_as_documents_print_it(nantong_staff: AbstractUser, typed: str) -> None:
    assert _set(nantong_staff, typed).value == "2200"


def test_an_amount_that_is_no_number_is_refused_naming_the_field_and_the_value(
    nantong_staff: AbstractUser,
) -> None:
    with pytest.raises(ValidationError) as refused:
        _set(nantong_staff, "22x0")
    assert refused.value.message_dict == {"value": ["“22x0”不是数字；请写成 2200、2,200 或 2200元。"]}
    assert not StandardValue.objects.exists()


def test_the_new_period_table_starts_from_the_values_of_the_day_before(nantong_staff: AbstractUser) -> None:
    html = client_for(nantong_staff).get(NEW_PERIOD + "?since=2026-01-01").content.decode()
    # 000 · 附件1 line 22: A类 高级（三级） 2000 in 2025; grouped and named in Chinese.
    assert f'name="p:{A3}" value="2000"' in html
    assert "<legend>职业资格证书、职业技能等级证书</legend>" in html
    # The 2025 notes (附件1 · 备注2) have no value from 2026-01-01: listed as warnings.
    assert "高级工培训最低课时：56 课时（最后有效日为2025-12-31）" in html


def test_a_whole_table_is_saved_with_one_source_and_one_reason(nantong_staff: AbstractUser) -> None:
    response = client_for(nantong_staff).post(
        NEW_PERIOD,
        {"since": "2026-01-01", f"p:{A3}": "2,100", "p:standard.skill_level.A.level_2": "2900元",
         "p:standard.skill_level.A.level_1": "", f"r:{A3}": "0", "r:standard.skill_level.A.level_2": "0",
         "source": "测试通知 · 附件1", "reason": "2026年标准"},
    )  # fmt: skip
    assert response.status_code == 302
    saved = {(v.name, v.value, v.source, v.reason) for v in StandardValue.objects.all()}
    assert saved == {
        (A3, "2100", "测试通知 · 附件1", "2026年标准"),
        ("standard.skill_level.A.level_2", "2900", "测试通知 · 附件1", "2026年标准"),
    }
    start, lapses = selectors.period_warnings(resolve_region("320600"))
    assert start == date(2026, 1, 1)
    lapsed = {lapse.name for lapse in lapses}
    assert {"class_hours.minimum.level_3", "standard.skill_level.A.level_1"} <= lapsed
    assert A3 not in lapsed
    page = client_for(nantong_staff).get("/office/standards/").content.decode()
    assert "在2026-01-01起的一期中没有值" in page


def test_a_refused_value_in_the_table_saves_nothing_and_is_marked_on_its_row(
    nantong_staff: AbstractUser,
) -> None:
    response = client_for(nantong_staff).post(
        NEW_PERIOD,
        {"since": "2026-01-01", f"p:{A3}": "abc", "p:standard.skill_level.A.level_2": "2900",
         "source": "测试通知", "reason": "2026年标准"},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "有 1 个值未被接受，全部未保存；请查看表中标出的各项。" in html
    assert "职业资格证书、职业技能等级证书 · A类 · 高级（三级）：“abc”不是数字" in html
    assert not StandardValue.objects.exists()


def test_the_calculator_opens_on_the_last_day_of_the_latest_catalog_and_says_why(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 1, 4, 0, tzinfo=UTC))
    html = client.get("/calculator/?occupation=焊工").content.decode()
    assert 'name="date" type="date" required value="2025-12-31"' in html
    assert (
        "南通市今天（2026-03-01）没有有效的补贴性培训目录，因此日期设为最近一个有目录的日子2025-12-31"
        "（南通市2025年政府补贴性职业技能培训职业（工种）指导目录）。"
    ) in html


def test_the_api_answers_a_date_outside_every_period_with_nulls(client: Client) -> None:
    request = {"region": "南通", "date": "2026-03-01",
               "certificate": {"type": "skill_level", "occupation": "焊工", "level": 3}}  # fmt: skip
    response = client.post("/api/v1/quote", json.dumps(request), content_type="application/json")
    body = response.json()
    assert response.status_code == 200
    assert (body["eligible"], body["amount"], body["reasons"][0]["code"]) == (
        None,
        None,
        "outside_published_periods",
    )


def test_the_calculator_says_a_date_outside_every_period_has_no_answer(client: Client) -> None:
    html = client.get(
        "/calculator/?region=320600&date=2026-03-01&program=training&type=skill_level&occupation=焊工&level=3"
    ).content.decode()
    assert '<p class="verdict">该日期无法判断</p>' in html
    assert "在2025-12-31失效，当时该职业技能等级证书补贴2600.00元" in html


def test_publishing_asks_for_confirmation(admin: AbstractUser) -> None:
    version = draft_from_published(catalog_id="jiangsu-2025", actor=admin, reason="Q2 adjustment")
    response = client_for(admin).post(
        f"/office/versions/{version.pk}/publish/", {"effective_from": "2025-07-01", "reason": "Q2"}
    )
    assert response.status_code == 200
    assert '<p class="field-error" id="confirm-error">确认：请勾选，确认您知晓发布后不能撤回。</p>' in (
        response.content.decode()
    )
    assert CatalogVersion.objects.get(pk=version.pk).status == "draft"
