"""The institution catalog in a real browser: 天河区 registers an institution, records its grounds, a
passed first-class inspection (001 · 二（二）4) and the reviewer's findings, and proposes it; the city
lists it; the portal finds it by 焊工 in 天河区; the district opens a clerk account, and the clerk files
a 焊工 level-3 class on time and starts it; the city removes the institution with a reason; it leaves
the portal and appears among the removals, the district sees its running class flagged on the class
list and the class page, and the clerk's next class is refused (issue 9: removal stops new filings at
once; classes already running finish and are flagged)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from stdnum.cn import ric, uscc

from conftest import E2E_NOW, PASSWORD, LiveServer, screenshot

FIRST17 = "52440106MJE2E0010"
CODE = FIRST17 + uscc.calc_check_digit(FIRST17)
NAME = "天河区浏览器测试焊接培训学校"
CLASS = "焊工三级清退跟踪测试班"
CLERK = "e2e-inst-clerk"


def server_day() -> date:
    return E2E_NOW.date()


def today() -> str:
    """The server's date (settings.TIME_ZONE), which dates the inspection and the removal."""
    return server_day().isoformat()


def roster(path: Path) -> Path:
    """Two trainees of 天河区 with valid ID numbers (GB 11643-1999 check character), as the clerk's XLSX."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(("姓名", "身份证号"))
    for name, first17 in (("周一", "44010619910303451"), ("吴二", "44010619930404562")):
        ws.append((name, first17 + ric.calc_check_digit(first17 + "0")))
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def draft_class(page: Any, start: date) -> None:
    """The clerk's draft of a 焊工 level-3 class: 8 sessions of 7 class hours (56, the level's minimum
    in 000 · 附件1 · 备注2), starting `start`."""
    page.goto("/office/workspace/classes/new/")
    page.locator("#c-title").fill(CLASS)
    page.locator("#c-occupation").fill("焊工")
    page.locator("#c-level").select_option("3")
    page.locator("#c-cert").select_option(label="职业技能等级证书")
    page.locator("#c-start").fill(start.isoformat())
    page.locator("#c-end").fill((start + timedelta(days=10)).isoformat())
    page.locator("#c-venue").fill("实训车间")
    lines = [f"{start + timedelta(days=i)} | 第{i + 1}次课 | 7 | 线下" for i in range(8)]
    page.locator("#c-sessions").fill("\n".join(lines))
    page.locator("#c-plan").fill("理论 16 课时，实操 40 课时")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()


@pytest.fixture(scope="module")
def guangzhou_staff(web_server: LiveServer) -> Iterator[None]:
    for username, role, region in (("e2e-tianhe", "district_bureau", "440106"),
                                   ("e2e-guangzhou", "city_bureau", "440100")):  # fmt: skip
        web_server.manage("create_staff", username, "--role", role, "--region", region,
                          "--password-env", "E2E_PASSWORD")  # fmt: skip
    yield


def login(page: Any, username: str) -> None:
    page.goto("/office/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(
        re.compile(r"/office/(workspace/)?$")
    )  # staff land on the office, clerks on their workspace


def shot(page: Any, name: str) -> None:
    screenshot(page, f"institutions-{name}")


def move(page: Any, button: str, reason: str) -> None:
    page.locator("#m-reason").fill(reason)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def test_register_inspect_list_find_remove(
    page: Any, browser: Any, web_server: LiveServer, guangzhou_staff: None, tmp_path: Path
) -> None:
    login(page, "e2e-tianhe")
    page.goto("/office/institutions/new/")
    for field, value in (("#r-name", NAME), ("#r-uscc", CODE), ("#r-legal-form", "民办非企业单位法人"),
                         ("#r-address", "广州市天河区体育西路1号"), ("#r-rep", "张三丰"),
                         ("#r-contact", "欧阳娜娜"), ("#r-phone", "13812345678")):  # fmt: skip
        page.locator(field).fill(value)
    page.locator("#r-kind").select_option(label="人社部门批复的培训机构")
    page.get_by_role("button", name="登记", exact=True).click()
    page.wait_for_url("**/office/institutions/*/")
    detail = page.url
    assert page.locator("tr.check-failed td").first.inner_text() == "培训资质：办学许可、经营范围或培训基地"

    page.locator("#b-kind").select_option(label="办学许可证")
    page.locator("#b-issuer").fill("广州市人社部门")
    page.locator("#b-text").fill("焊工 五级至三级")
    page.locator("#b-text").press("Tab")
    page.locator("form[action$='/basis/'] button").click()
    for rule in ("具备相应的师资、设施和场地", "财务、教学、学员、师资、档案管理制度健全"):
        page.locator("#fi-rule").select_option(label=rule)
        page.locator("#fi-outcome").select_option(label="符合条件")
        page.locator("#fi-evidence").fill("实地核查：实训车间 20 个工位，制度上墙")
        page.get_by_role("button", name="记录审核意见").click()
    page.locator("#a-occupation").fill("焊工")
    page.locator("#a-level").fill("3")
    page.locator("#a-from").fill("2025-01-01")
    page.locator("form[action$='/approval/'] button").click()
    page.locator("#in-kind").select_option(label="首次开展补贴性培训，实地检查")
    page.locator("#in-on").fill(today())
    page.locator("#in-result").select_option(label="无问题")
    page.locator("#in-findings").fill("首期班实地检查，签到与课表一致")
    page.get_by_role("button", name="记录检查").click()
    assert page.locator("tr.check-passed").count() == 6
    move(page, "开始审核", "材料齐全")
    move(page, "推荐列入目录", "区级审核通过")
    assert "区级已推荐" in page.locator("main, body").first.inner_text()
    # The district cannot list: no such button is offered.
    assert page.get_by_role("button", name="列入目录", exact=True).count() == 0
    shot(page, "1-proposed")

    city = browser.new_context(base_url=web_server.url, locale="zh-CN")
    office = city.new_page()
    login(office, "e2e-guangzhou")
    office.goto(detail)
    move(office, "列入目录", "局务会集体决策")
    assert "已列入目录" in office.locator("body").inner_text()

    page.goto("/institutions/?occupation=焊工&level=3&region=天河区")
    card = page.locator("article.institution", has_text=NAME)
    assert card.count() == 1
    text = card.inner_text()
    assert "焊工 · 三级/高级工" in text and "欧阳** 138****5678" in text and "张三丰" not in text
    shot(page, "2-portal")

    # The district opens the clerk's account; the clerk files a class 14 days ahead (the deadline is 5
    # working days, 002 · 附件4 · 8②), and it starts on its day.
    page.goto(detail)
    page.locator("#k-username").fill(CLERK)
    page.locator("#k-password").fill(PASSWORD)
    page.get_by_role("button", name="创建账号").click()
    page.wait_for_load_state()
    assert CLERK in page.locator("#clerks + p + ul").inner_text()
    clerk = browser.new_context(base_url=web_server.url, locale="zh-CN").new_page()
    login(clerk, CLERK)
    start = server_day() + timedelta(days=14)
    draft_class(clerk, start)
    clerk.wait_for_url("**/office/workspace/classes/*/")
    class_page = clerk.url
    clerk.locator("#r-file").set_input_files(str(roster(tmp_path / "名册.xlsx")))
    clerk.get_by_role("button", name="上传并检查").click()
    clerk.wait_for_load_state()
    clerk.get_by_role("button", name="提交开班备案").click()
    clerk.wait_for_load_state()
    assert "已提交开班备案。" in clerk.locator("body").inner_text()
    # The class starts on its start date (the one step not taken in the browser).
    web_server.start_class_on_its_day(CLASS)
    clerk.goto(class_page)
    assert "培训中" in clerk.locator("dl.facts").inner_text()
    page.goto("/office/classes/?flagged=1")
    assert page.locator("tr", has_text=CLASS).count() == 0  # not flagged while its institution is listed

    office.goto(detail)
    move(office, "清退出目录", "虚报培训人数，经查属实")
    assert "已清退" in office.locator("body").inner_text()
    city.close()

    # The running class goes on, flagged for the bureau; the clerk files nothing new.
    flag = "承训机构已清退，本班可培训至结束，请重点跟踪"
    page.goto("/office/classes/?flagged=1")
    row = page.locator("tbody tr", has_text=CLASS)
    assert row.count() == 1
    assert row.locator("td").nth(5).inner_text() == "培训中"
    assert row.locator("td").nth(6).inner_text() == flag
    shot(page, "3-flagged-list")
    row.get_by_role("link", name=CLASS).click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").first.inner_text() == flag
    assert "培训中" in page.locator("dl.facts").inner_text()
    shot(page, "4-flagged-class")
    draft_class(clerk, start + timedelta(days=30))
    assert (
        "本机构已被清退出承训机构目录（当前状态：已清退），不能新建或提交开班备案"
        in clerk.locator("body").inner_text()
    )
    assert "/office/workspace/classes/new/" in clerk.url
    shot(clerk, "5-filing-refused")

    page.goto("/institutions/?occupation=焊工&level=3&region=天河区")
    assert page.locator("article.institution", has_text=NAME).count() == 0
    page.goto("/institutions/removed/")
    row = page.locator("tr", has_text=NAME)
    assert row.locator("td").nth(1).inner_text() == CODE
    assert row.locator("td").nth(2).inner_text() == today()
    assert row.locator("td").nth(3).inner_text() == "虚报培训人数，经查属实"
    shot(page, "6-removals")
