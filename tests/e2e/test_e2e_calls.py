"""The project call (揭榜领题, 002) in a real browser, from opening to a project's removal, as issue 10's
"done when" asks: the city sets up Guangzhou's call and opens it, extending the documents' 2023
deadlines with a reason; 天河区 and 越秀区 each register an applicant and its clerk in the same flow;
天河's clerk sees a budget that does not add up refused on its field, corrects it and submits; 天河区
returns it with a comment beside a field, the clerk corrects and resubmits; both districts forward and
stamp their 附件3; three reviewers score each application, one of them conflicted with 天河's and
blocked (a fourth takes his place there); the city decides, publishes the notice, records and answers
an objection, files with the province and starts tracking; 天河区 takes its project up, evaluates,
warns and removes it. Each person's page is asserted and kept as a screenshot.

The notice is published to start seven days back, so that it has ended today and the call can be
filed in the same run: the public page then refuses an online objection, saying the period is over
(filing one while the notice runs is tested over HTTP in tests/web/test_web_call_objections.py)."""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from stdnum.cn import uscc

from conftest import E2E_NOW, PASSWORD, LiveServer, screenshot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from calls_sample import sample

FIRST17 = "52440106MJE2E0020"
CODE = FIRST17 + uscc.calc_check_digit(FIRST17)
NAME = "天河区浏览器测试烹调培训学校"
YUEXIU_FIRST17 = "52440104MJE2E0021"
YUEXIU_CODE = YUEXIU_FIRST17 + uscc.calc_check_digit(YUEXIU_FIRST17)
YUEXIU_NAME = "越秀区浏览器测试家政培训中心"
PROJECT = "“粤菜师傅”中式烹调培训项目"  # the sample 附件1's project name (tests/core/calls_sample.py)
REVIEWERS = ("e2e-call-rev1", "e2e-call-rev2", "e2e-call-rev3", "e2e-call-rev4")
SELECTS = {"unit.kind", "projects[0].type", "projects[0].delivery", "projects[0].standard_kind"}


def later(days: int) -> str:
    """A day counted from the server's today (negative: before today)."""
    return (E2E_NOW.date() + timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
def guangzhou_staff(web_server: LiveServer) -> Iterator[None]:
    staff = [
        ("e2e-call-tianhe", "district_bureau", "440106"),
        ("e2e-call-yuexiu", "district_bureau", "440104"),
        ("e2e-call-city", "city_bureau", "440100"),
        *((r, "city_bureau", "440100") for r in REVIEWERS),
    ]
    for username, role, region in staff:  # fmt: skip
        web_server.manage("create_staff", username, "--role", role, "--region", region,
                          "--password-env", "E2E_PASSWORD")  # fmt: skip
    yield


def login(page: Any, username: str, password: str = PASSWORD) -> None:
    page.goto("/office/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def one_occupation_form(code: str = CODE, name: str = NAME, district: str = "天河区") -> dict[str, Any]:
    """The sample 附件1 with one occupation and one equipment row, as the page shows by default."""
    form = copy.deepcopy(sample())
    form["unit"].update({"uscc": code, "name": name, "kind": "hr_approved"})
    project = form["projects"][0]
    project["districts"] = [district]
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


def test_a_whole_call_from_opening_to_a_projects_removal(
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

    # 越秀区 registers a second applicant; its clerk applies in 越秀区, which forwards it.
    yuexiu = context(browser, web_server)
    yx = yuexiu.new_page()
    login(yx, "e2e-call-yuexiu")
    yx.goto(call_url)
    assert NAME not in yx.locator("body").inner_text()  # a district sees its own applications only
    yx.get_by_role("link", name="登记尚未入库的应征单位").click()
    for field, value in (("#id_name", YUEXIU_NAME), ("#id_uscc", YUEXIU_CODE),
                         ("#id_address", "越秀区中山五路1号"), ("#id_legal_rep_name", "周慧"),
                         ("#id_contact_name", "吴婷"),
                         ("#id_contact_phone", "13912340000"), ("#id_username", "e2e-call-clerk2"),
                         ("#id_password", PASSWORD)):  # fmt: skip
        yx.locator(field).fill(value)
    yx.locator("#r-kind").select_option("hr_approved")
    yx.get_by_role("button", name="登记并开设经办人账号").click()
    second = context(browser, web_server)
    theirs = second.new_page()
    login(theirs, "e2e-call-clerk2")
    theirs.goto("/office/workspace/calls/")
    theirs.locator("select[name=district]").select_option("440104")
    theirs.get_by_role("button", name="开始申报").click()
    theirs.wait_for_url("**/workspace/calls/applications/*/")
    fill(theirs, one_occupation_form(YUEXIU_CODE, YUEXIU_NAME, "越秀区"))
    theirs.get_by_role("button", name="提交至区人社部门").click()
    assert "已提交区级" in theirs.locator("strong.status").inner_text()
    yx.goto(call_url)
    yx.get_by_role("link", name=PROJECT).click()
    yx.get_by_role("button", name="初审通过，报送市级").click()
    assert "区级已报送市级" in yx.locator("strong.status").inner_text()

    # Each district stamps its 附件3 and sends it to the city.
    for office_page, signer in ((office, "王芳"), (yx, "赵敏")):
        office_page.goto(call_url)
        office_page.locator("#s-signer").fill(signer)
        office_page.locator("#s-phone").fill("020-83330000")
        office_page.get_by_role("button", name="汇总表盖章报送").click()
        assert "本区汇总表已盖章报送。" in office_page.locator("ul.messages").inner_text()
    page.goto(call_url)
    received = page.locator("body").inner_text()
    assert "王芳" in received and "赵敏" in received
    page.get_by_role("button", name="截止申报").click()
    assert page.locator("p strong.status").inner_text() == "区级初审"
    page.get_by_role("button", name="进入市级评审").click()
    assert page.locator("p strong.status").inner_text() == "市级评审"
    tianhe_url = absolute(
        web_server, page.locator("tr", has_text=NAME).get_by_role("link", name=PROJECT).get_attribute("href")
    )
    yuexiu_url = absolute(
        web_server,
        page.locator("tr", has_text=YUEXIU_NAME).get_by_role("link", name=PROJECT).get_attribute("href"),
    )

    # Three reviewers score each application. The third declares a conflict with 天河's while his
    # scores for it are still open in another tab: the conflict bars him, and the fourth scores it.
    rev = [context(browser, web_server) for _ in REVIEWERS]
    pages = [c.new_page() for c in rev]
    for p, name in zip(pages, REVIEWERS, strict=True):
        login(p, name)
    for p, points in ((pages[0], 8), (pages[1], 7)):
        for url in (tianhe_url, yuexiu_url):
            score(p, url, points)
    pages[2].goto(tianhe_url)
    marks(pages[2], 9)
    other_tab = rev[2].new_page()
    other_tab.goto(tianhe_url)
    other_tab.locator("#cf-reason").fill("曾任该校兼职教师")
    other_tab.get_by_role("button", name="申报利益冲突").click()
    assert "已申报利益冲突：您不参与该申报的评分。" in other_tab.locator("ul.messages").inner_text()
    assert "您已申报与该申报存在利益冲突，不得评分。" in other_tab.locator("body").inner_text()
    pages[2].get_by_role("button", name="保存评分").click()
    refused = pages[2].locator("ul.messages").inner_text()
    assert "存在利益冲突（曾任该校兼职教师），不得评分" in refused
    assert "您已申报与该申报存在利益冲突，不得评分。" in pages[2].locator("body").inner_text()
    screenshot(pages[2], "call-7-conflicted-reviewer-blocked")
    score(pages[2], yuexiu_url, 6)
    score(pages[3], tianhe_url, 8)

    # The city sees the ranking with its trace, closes the scoring and records the decision.
    page.goto(call_url)
    ranking = page.locator("table", has=page.locator("th", has_text="名次"))
    assert NAME in ranking.locator("tbody tr").nth(0).inner_text()
    assert YUEXIU_NAME in ranking.locator("tbody tr").nth(1).inner_text()
    page.get_by_role("button", name="完成评分").click()
    page.locator("#d-members").fill("张局长，李副局长，王处长")
    for name, standard in ((NAME, "750"), (YUEXIU_NAME, "700")):
        choice = page.locator("fieldset", has_text=name)
        choice.locator('input[value="yes"]').check()
        choice.locator('input[name^="standard-"]').fill(standard)
        choice.locator('input[name^="reason-"]').fill("评分排名靠前，经费在预算内")
    page.get_by_role("button", name="提交审核结论").click()
    assert page.locator("p strong.status").inner_text() == "已集体决策"
    assert "张局长、李副局长、王处长" in page.locator("body").inner_text()

    # The notice: published from seven days back, so its seven days have ended today.
    page.locator("#n-start").fill(later(-7))
    page.get_by_role("button", name="发布公示").click()
    assert page.locator("p strong.status").inner_text() == "公示中"
    page.locator("#o-text").fill("来信反映：该校2022年曾因虚报培训人数被通报。")
    page.locator("#o-on").fill(later(-3))
    page.locator("#o-app").select_option(label=f"{NAME} · {PROJECT}")
    page.get_by_role("button", name="登记异议").click()
    assert "异议已登记。" in page.locator("ul.messages").inner_text()
    call_id = call_url.rstrip("/").rsplit("/", 1)[-1]
    public = context(browser, web_server).new_page()
    public.goto(f"/calls/{call_id}/notice/")
    notice = public.locator("table.data").inner_text()
    assert NAME in notice and YUEXIU_NAME in notice and "750" in notice and "700" in notice
    assert public.locator("#objection-closed").inner_text() == (
        f"公示期为{later(-7)}至{later(-1)}，已结束，不再受理异议。"
    )
    page.locator("li.objection").locator('input[name="answer"]').fill(
        "经核查，该校已于2022年整改到位，不影响本次入选。"
    )
    page.get_by_role("button", name="答复异议").click()
    assert "异议已答复。" in page.locator("ul.messages").inner_text()
    public.reload()
    assert "经核查，该校已于2022年整改到位，不影响本次入选。" in public.locator("body").inner_text()
    screenshot(public, "call-8-public-notice-objection-answered")

    # Filing with the province, then tracking.
    page.locator("#fl-ref").fill("粤人社备〔2026〕12号")
    page.get_by_role("button", name="报省备案").click()
    assert page.locator("p strong.status").inner_text() == "已报省备案"
    assert "粤人社备〔2026〕12号" in page.locator("body").inner_text()
    page.get_by_role("button", name="开始跟踪实施").click()
    assert page.locator("p strong.status").inner_text() == "跟踪实施"
    screenshot(page, "call-9-city-filed-and-tracking")

    # 天河区 takes its project up, evaluates it, warns it and removes it after no correction.
    office.goto(office_application)
    office.get_by_role("button", name="将项目纳入跟踪实施").click()
    assert office.locator("strong.status").inner_text() == "跟踪实施中"
    steps = (("evaluation", "第一阶段：开班2期，合格率62%", "跟踪实施中"),
             ("warning", "开班进度滞后，限期一个月整改", "已提醒警告"),
             ("removal", "警告后仍未整改，退出揭榜单位名单", "已退出揭榜单位名单"))  # fmt: skip
    for kind, text, state in steps:
        office.locator("#t-kind").select_option(kind)
        office.locator("#t-text").fill(text)
        office.get_by_role("button", name="记录", exact=True).click()
        assert office.locator("strong.status").inner_text() == state
    assert office.locator("ul.tracking li").count() == 3
    screenshot(office, "call-10-district-removed")

    # The clerk sees the warning and the removal; the public list no longer shows the project.
    mine.goto(application_url)
    assert mine.locator("strong.status").inner_text() == "已退出揭榜单位名单"
    assert "警告后仍未整改，退出揭榜单位名单" in mine.locator("body").inner_text()
    screenshot(mine, "call-11-clerk-sees-removal")
    public.reload()
    listed = public.locator("table.data").inner_text()
    assert NAME not in listed and YUEXIU_NAME in listed
    for c in (district, clerk, yuexiu, second, *rev, public.context):
        c.close()


def context(browser: Any, web_server: LiveServer) -> Any:
    made = browser.new_context(
        base_url=web_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    made.set_default_timeout(15_000)
    return made


def absolute(web_server: LiveServer, href: str | None) -> str:
    assert href is not None
    return web_server.url + href


def marks(p: Any, points: int) -> None:
    """The six criteria of the example rubric (guangzhou-2023.yaml), each with a justification."""
    for criterion in ("qualification", "need", "resources", "plan", "employment", "budget"):
        p.locator(f"#p-{criterion}").fill(str(points))
        p.locator(f"#w-{criterion}").fill("依申报材料评定")


def score(p: Any, url: str, points: int) -> None:
    p.goto(url)
    marks(p, points)
    p.get_by_role("button", name="保存评分").click()
    assert "评分已保存。" in p.locator("ul.messages").inner_text()
