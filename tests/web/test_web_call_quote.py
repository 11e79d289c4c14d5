"""The quote reads a project's accepted standard (002 · 六、补贴标准, line 123: at most 800 元 per
qualified trainee, the actual standard set per project by the city). The API and the calculator take
an optional project of a call being tracked in the region; without one they answer as before."""

from __future__ import annotations

from typing import Any

import pytest
from call_support import TIANHE, district_staff, through_notice, today
from django.test import Client

from calls import services
from calls.models import Application

pytestmark = pytest.mark.django_db

SOURCE = "002_192cf03f49fda43c.txt · 六、补贴标准 · line 123"
# 中式烹调师 五级 in Guangzhou under the 2023 provincial catalog (附件5 序号1), issued while the call's
# cap is in force (from 2023-07-30); the seeds give the catalog no amount, so only the cap or the
# project's standard can pay it.
REQUEST: dict[str, Any] = {
    "region": "广州",
    "date": "2023-10-01",
    "program": "project",
    "certificate": {"type": "skill_level", "occupation": "中式烹调师", "level": 5, "issued_on": "2023-09-01"},
}


@pytest.fixture
def tracked() -> Application:
    """The call's Tianhe project, accepted at 750 元 per trainee (call_support), filed and tracked."""
    world = through_notice(started_days_ago=10)
    city, call = world["city"], world["call"]
    services.call_file_with_province(
        actor=city, call_pk=call.pk, filed_on=today(), reference="粤人社备〔2026〕7号"
    )
    services.call_start_tracking(actor=city, call_pk=call.pk)
    return services.application_track(actor=world["district"], pk=world["application"].pk)


def quote(body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    got = Client().post("/api/v1/quote", body, content_type="application/json")
    assert got.status_code == status, got.content
    return dict(got.json())


def test_the_api_pays_the_projects_accepted_standard_and_says_so(tracked: Application) -> None:
    assert tracked.accepted_standard_fen == 75_000
    decision = quote({**REQUEST, "project": {"id": tracked.pk, "qualified_trainees": 20}})
    assert (decision["eligible"], decision["amount"]) == (True, "750.00")
    step = next(s for s in decision["trace"] if s["rule"] == "project.accepted_standard")
    assert step["source"] == SOURCE
    assert step["value"] == (
        f"项目“{tracked.project_name}”（广州市天河区粤厨职业培训学校）核定标准 750.00 元/人"
        "（002 · 六：具体执行标准由市人社部门按项目确定）"
    )
    assert (
        next(s for s in decision["trace"] if s["rule"] == "project.total")["value"]
        == "20 人 × 750.00 = 15000.00 元"
    )
    # Backward compatible: without a project the cap is quoted, as before.
    assert quote(REQUEST)["amount"] == "800.00"
    assert quote({**REQUEST, "region": TIANHE, "project": {"id": tracked.pk}})["amount"] == "750.00"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"region": "440104"}, "is tracked in 天河区, not in 越秀区"),
        ({"program": "training"}, "applies to program project only"),
        ({"project": {"id": "x"}}, "must be a valid integer"),
    ],
)
def test_a_project_outside_the_region_or_the_programme_is_refused_on_its_field(
    tracked: Application, change: dict[str, Any], message: str
) -> None:
    body = {**REQUEST, "project": {"id": tracked.pk}, **change}
    error = quote(body, status=422)["error"]
    assert error["field"] == "project.id" and message in error["message"]


def test_a_removed_project_is_no_longer_quoted(tracked: Application) -> None:
    tianhe = district_staff(TIANHE)
    services.tracking_record(actor=tianhe, pk=tracked.pk, kind="warning", on=today(), text="开班率不足")
    assert quote({**REQUEST, "project": {"id": tracked.pk}})["amount"] == "750.00"  # warned: still accepted
    services.tracking_record(actor=tianhe, pk=tracked.pk, kind="removal", on=today(), text="警告后仍未整改")
    error = quote({**REQUEST, "project": {"id": tracked.pk}}, status=422)["error"]
    assert error["message"] == f"project.id: is not a project of a call being tracked (got {tracked.pk})"


def test_the_calculator_offers_the_tracked_projects_and_quotes_with_one(tracked: Application) -> None:
    params = {
        "region": "440100", "date": "2023-10-01", "program": "project", "type": "skill_level",
        "occupation": "中式烹调师", "level": "5", "issued_on": "2023-09-01", "project": str(tracked.pk),
    }  # fmt: skip
    zh = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/calculator/", params).content.decode()
    assert "揭榜领题项目（按项目核定标准计算）" in zh
    assert f'<option value="{tracked.pk}" selected>广州市天河区粤厨职业培训学校 · ' in zh
    assert 'data-testid="amount">750.00' in zh and "项目核定标准" in zh
    en = Client().get("/en/calculator/", params).content.decode()
    assert "Project of a call (its accepted standard applies)" in en
    assert 'data-testid="amount">750.00' in en and "The project&#x27;s accepted standard" in en
