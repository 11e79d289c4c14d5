"""The project call (揭榜领题, 002) in a real browser: the city sets up Guangzhou's call and opens it,
extending the documents' 2023 deadlines with a reason; 天河区 registers an applicant and its clerk in
the same flow; the clerk fills 附件1 field by field, sees a budget that does not add up refused on its
field, corrects it and submits; 天河区 returns it with a comment beside a field; the clerk corrects
and resubmits; 天河区 forwards it to the city. Each person's page is asserted and kept as a screenshot."""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from stdnum.cn import uscc

from conftest import PASSWORD, LiveServer, screenshot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from calls_sample import sample

FIRST17 = "52440106MJE2E0020"
CODE = FIRST17 + uscc.calc_check_digit(FIRST17)
NAME = "天河区浏览器测试烹调培训学校"
SELECTS = {"unit.kind", "projects[0].type", "projects[0].delivery", "projects[0].standard_kind"}


def later(days: int) -> str:
    return (datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
def guangzhou_staff(web_server: LiveServer) -> Iterator[None]:
    for username, role, region in (("e2e-call-tianhe", "district_bureau", "440106"),
                                   ("e2e-call-city", "city_bureau", "440100")):  # fmt: skip
        web_server.manage("create_staff", username, "--role", role, "--region", region,
                          "--password-env", "E2E_PASSWORD")  # fmt: skip
    yield


def login(page: Any, username: str, password: str = PASSWORD) -> None:
    page.goto("/office/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def one_occupation_form() -> dict[str, Any]:
    """The sample 附件1 with one occupation and one equipment row, as the page shows by default."""
    form = copy.deepcopy(sample())
    form["unit"].update({"uscc": CODE, "name": NAME, "kind": "hr_approved"})
    project = form["projects"][0]
    project["districts"] = ["天河区"]
    project["occupations"] = project["occupations"][:1]
    project["occupations"][0]["equipment"] = project["occupations"][0]["equipment"][:1]
    project["plan"].update({"trainees_per_year": 120, "classes": 4})
    project["budget"] = {"trainees": 120, "standard_fen": 80000, "total_fen": 9_600_000}
    return form


def fill(page: Any, node: Any, path: str = "") -> None:
    """Type 附件1 into the page, one input per field path: money in 元, yes/no boxes, ticked lists."""
    if isinstance(node, dict):
        for key, value in node.items():
            fill(page, value, f"{path}.{key}" if path else key)
    elif isinstance(node, list) and (path.endswith(".districts") or path.endswith(".certificates")):
        for value in node:
            page.locator(f'input[name="{path}"][value="{value}"]').check()
    elif isinstance(node, list):
        for i, value in enumerate(node):
            fill(page, value, f"{path}[{i}]")
    elif isinstance(node, bool):
        page.locator(f'input[name="{path}"][value="{"yes" if node else "no"}"]').check()
    elif path.endswith(".year"):
        return  # printed by the page, not typed
    elif path in SELECTS:
        page.locator(f'select[name="{path}"]').select_option(str(node))
    elif path.endswith("_fen"):
        page.locator(f'[name="{path}"]').fill(f"{node / 100:.2f}")
    else:
        page.locator(f'[name="{path}"]').fill(str(node))


def test_a_clerk_applies_the_district_returns_and_forwards(
    page: Any, browser: Any, web_server: LiveServer, guangzhou_staff: None
) -> None:
    # The city: create, set what the documents leave open, open, extend the passed deadlines.
    login(page, "e2e-call-city")
    page.goto("/office/calls/")
    page.get_by_role("button", name="创建", exact=True).click()
    page.wait_for_url("**/office/calls/*/")
    call_url = page.url
    body = page.locator("body").inner_text()
    assert "公示期天数未设定：征集通知未规定公示期，须由市人社部门设定后方可开放征集" in body
    page.locator("#id_budget_yuan").fill("500000")
    page.locator("#id_notice_days").fill("7")
    page.locator("#id_rubric_confirmed").check()
    page.locator("#id_reason").fill("局务会议定")
    page.get_by_role("button", name="保存设置").click()
    page.get_by_role("button", name="开放征集").click()
    assert "征集中" in page.locator("p strong.status").inner_text()
    for label in ("应征单位向区人社部门提交附件1、附件2", "区人社局初审、合并汇总表并盖章后报送市人社部门"):
        page.locator("#x-deadline").select_option(label=label)
        page.locator("#x-until").fill(later(30))
        page.locator("#x-reason").fill("演练：文件规定的截止日已过，延期")
        page.get_by_role("button", name="延期", exact=True).click()
    assert page.locator("text=演练：文件规定的截止日已过，延期").count() == 2
    screenshot(page, "call-1-city-opened")

    # 天河区 registers the applicant and its clerk in the same flow.
    district = browser.new_context(base_url=web_server.url, locale="zh-CN")
    office = district.new_page()
    login(office, "e2e-call-tianhe")
    office.goto(call_url)
    office.get_by_role("link", name="登记尚未入库的应征单位").click()
    for field, value in (("#id_name", NAME), ("#id_uscc", CODE), ("#id_address", "广州市天河区天河路1号"),
                         ("#id_legal_rep_name", "陈明"), ("#id_contact_name", "李华"),
                         ("#id_contact_phone", "13912345678"), ("#id_username", "e2e-call-clerk"),
                         ("#id_password", PASSWORD)):  # fmt: skip
        office.locator(field).fill(value)
    office.locator("#r-kind").select_option("hr_approved")
    office.get_by_role("button", name="登记并开设经办人账号").click()
    assert f"已登记{NAME}；经办人e2e-call-clerk登录后填报申报。" in office.locator("body").inner_text()

    # The clerk applies: a budget that does not add up is refused on its field, then corrected.
    clerk = browser.new_context(base_url=web_server.url, locale="zh-CN")
    mine = clerk.new_page()
    login(mine, "e2e-call-clerk")
    mine.goto("/office/workspace/calls/")
    mine.locator("select[name=district]").select_option("440106")
    mine.get_by_role("button", name="开始申报").click()
    mine.wait_for_url("**/workspace/calls/applications/*/")
    application_url = mine.url
    form = one_occupation_form()
    form["projects"][0]["budget"]["total_fen"] = 9_000_000
    fill(mine, form)
    mine.get_by_role("button", name="提交至区人社部门").click()
    field = mine.locator(".call-field", has=mine.locator('[name="projects[0].budget.total_fen"]'))
    assert field.locator(".field-error").inner_text() == (
        "经费预算总额应为 培训对象人数×经费预算标准 = 120×80000 = 9600000 分（填写值：9000000）"
    )
    screenshot(mine, "call-2-clerk-refused")
    mine.locator('[name="projects[0].budget.total_fen"]').fill("96000.00")
    mine.get_by_role("button", name="提交至区人社部门").click()
    assert "已提交区级" in mine.locator("strong.status").inner_text()
    screenshot(mine, "call-3-clerk-submitted")

    # 天河区 returns it with a comment on the need analysis.
    office.goto(call_url)
    office.get_by_role("link", name="“粤菜师傅”中式烹调培训项目").click()
    office_application = office.url
    office.locator("#c-path-0").fill("projects[0].need_analysis")
    office.locator("#c-text-0").fill("请补充本区餐饮企业用工调查数据")
    office.locator("#r-reason").fill("需求分析依据不足")
    office.get_by_role("button", name="连同意见退回").click()
    assert "退回修改" in office.locator("strong.status").inner_text()

    # The clerk sees the comment beside the field, corrects it and resubmits.
    mine.goto(application_url)
    need = mine.locator(".call-field", has=mine.locator('[name="projects[0].need_analysis"]'))
    assert need.locator(".comment").inner_text() == "区人社部门意见: 请补充本区餐饮企业用工调查数据"
    screenshot(mine, "call-4-clerk-returned")
    mine.locator('[name="projects[0].need_analysis"]').fill(
        "天河区餐饮企业2023年缺厨师约1200人（区人社局调查）。"
    )
    mine.get_by_role("button", name="提交至区人社部门").click()
    assert "修改后重新提交" in mine.locator("strong.status").inner_text()

    # 天河区 sees the revision's change and forwards it to the city.
    office.goto(office_application)
    diff = office.locator("table.diff").inner_text()
    assert "projects[0].need_analysis" in diff and "天河区餐饮企业2023年缺厨师约1200人" in diff
    office.get_by_role("button", name="初审通过，报送市级").click()
    assert "区级已报送市级" in office.locator("strong.status").inner_text()
    screenshot(office, "call-5-district-forwarded")

    # The city sees it forwarded; the clerk sees the same state in its workspace.
    page.goto(call_url)
    row = page.locator("tr", has_text=NAME)
    assert row.locator("td.status").inner_text() == "区级已报送市级"
    mine.goto("/office/workspace/calls/")
    assert mine.locator("td.status").inner_text() == "区级已报送市级"
    screenshot(page, "call-6-city-sees-forwarded")
    district.close()
    clerk.close()
