"""A class in a real browser, from filing to closing (issue 11): the institution's clerk drafts a
焊工 level-4 class starting 14 days from today, uploads a roster XLSX with a bad row (a wrong check
character) and sees it refused, uploads the fixed roster and files on time; 天河区 finds it in its
class list and records a first-class inspection; the clerk starts it and imports attendance; the
clerk finishes it; the district imports the results, assesses and closes it.

The institution, its approval, teacher and clerk are set up through the services in the server's
database (`manage.py shell`): the institution catalog's own walk is test_e2e_institutions.py."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from stdnum.cn import ric
from test_e2e_phone import LEAK, PHONE, keep

from conftest import PASSWORD, LiveServer

SETUP = """
from datetime import date
from stdnum.cn import uscc
from accounts.models import Role
from accounts.services import staff_create
from institutions import services as s
from skillsubsidy.institutions.eligibility import RESOURCES, SYSTEMS
pw = "{password}"
d = staff_create(username="e2e-class-tianhe", password=pw, role=Role.DISTRICT_BUREAU, region="440106",
                 actor=None)
c = staff_create(username="e2e-class-gz", password=pw, role=Role.CITY_BUREAU, region="440100",
                 actor=None)
first17 = "52440106MJE2E0030"  # its own code: the browser tests share one database
i = s.institution_register(actor=d, name="天河区浏览器开班测试学校",
    uscc=first17 + uscc.calc_check_digit(first17),
    kind="hr_approved", region="440106", address="广州市天河区体育西路2号", legal_rep_name="张三",
    contact_name="李四", contact_phone="13812345678", legal_form="民办非企业单位法人")
s.basis_add(institution=i, actor=d, kind="licence", issuer="广州市人社部门", number="E2E", text="焊工",
            today=date(2025, 1, 1))
s.premises_add(institution=i, actor=d, address="实训楼", capacity=40)
s.teacher_add(institution=i, actor=d, name="黄师傅", occupation="焊工", certificate="焊工 技师")
s.approval_add(institution=i, actor=d, role="training", occupation="焊工", level=4,
               valid_from=date(2025, 1, 1))
for rule in (RESOURCES, SYSTEMS):
    s.finding_record(institution=i, actor=d, rule=rule, outcome="passed", evidence="实地核查")
for who, action in ((d, "review"), (d, "propose"), (c, "list")):
    i = s.institution_move(institution=i, actor=who, action=action, reason="审核", today=date(2025, 1, 1))
s.clerk_create(institution=i, actor=d, username="e2e-class-clerk", password=pw)
"""


def number(birth: str, seq: int) -> str:
    first17 = f"440106{birth}{seq:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


PEOPLE = [
    ("陈一", number("19900101", 123)),
    ("林二", number("19920202", 224)),
    ("黄三", number("19850505", 335)),
]


def xlsx(path: Path, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture(scope="module")
def institution(web_server: LiveServer) -> Iterator[None]:
    web_server.manage("shell", "-c", SETUP.format(password=PASSWORD))
    yield


def login(page: Any, username: str) -> None:
    page.goto("/office/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_a_clerk_files_a_class_on_time_and_it_runs_to_its_close(
    page: Any, browser: Any, web_server: LiveServer, institution: None, tmp_path: Path
) -> None:
    start = web_server.today + timedelta(days=14)
    login(page, "e2e-class-clerk")
    page.get_by_role("link", name="本机构培训班").click()
    page.get_by_role("link", name="新建开班备案").click()
    page.locator("#c-title").fill("焊工四级浏览器测试班")
    page.locator("#c-occupation").fill("焊工")
    page.locator("#c-level").select_option("4")
    page.locator("#c-cert").select_option(label="职业技能等级证书")
    page.locator("#c-start").fill(start.isoformat())
    page.locator("#c-end").fill((start + timedelta(days=10)).isoformat())
    page.locator("#c-venue").fill("实训楼 201")
    lines = [f"{start + timedelta(days=i)} | 第{i + 1}次课 | 7 | 线下" for i in range(8)]
    page.locator("#c-sessions").fill("\n".join(lines))
    page.get_by_label("黄师傅（焊工）").check()
    page.locator("#c-plan").fill("理论 16 课时，实操 40 课时")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/office/workspace/classes/*/")
    detail = page.url

    bad = [PEOPLE[0], (PEOPLE[1][0], PEOPLE[1][1][:-1] + ("0" if PEOPLE[1][1][-1] != "0" else "1"))]
    page.locator("#r-file").set_input_files(str(xlsx(tmp_path / "名册.xlsx", ("姓名", "身份证号"), bad)))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_load_state()
    body = page.locator("body").inner_text()
    assert "最近一次检查：共 2 行，未通过 1 行" in body and "校验码不正确" in body
    assert PEOPLE[0][1] not in page.content()
    page.get_by_role("button", name="提交开班备案").click()
    assert "花名册中有1行未通过检查，请修改后重新上传" in page.locator("body").inner_text()

    page.goto(detail)
    page.locator("#r-file").set_input_files(str(xlsx(tmp_path / "名册2.xlsx", ("姓名", "身份证号"), PEOPLE)))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="提交开班备案").click()
    page.wait_for_load_state()
    assert "已提交开班备案。" in page.locator("body").inner_text()
    assert "已备案" in page.locator("dl.facts").inner_text()

    # The public finds it among the classes open for enrolment, on a phone, by its city.
    phone = browser.new_context(
        base_url=web_server.url, viewport=PHONE, locale="zh-CN", device_scale_factor=1
    ).new_page()
    phone.goto("/")
    phone.get_by_role("link", name="招生班级").click()
    phone.get_by_label("地区").select_option(label="广州市")
    phone.get_by_role("button", name="查找").click()
    phone.wait_for_load_state()
    card = phone.locator("li.card", has_text="焊工四级浏览器测试班")
    assert "天河区浏览器开班测试学校" in card.inner_text() and "广州市天河区" in card.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert card.bounding_box()["width"] > 300
    assert LEAK.findall(phone.locator("main").inner_text()) == []
    assert all(name not in phone.content() for name, _ in PEOPLE)
    keep(phone, "phone-open-classes")

    district = browser.new_context(base_url=web_server.url, locale="zh-CN").new_page()
    login(district, "e2e-class-tianhe")
    district.goto("/office/classes/?status=filed")
    district.get_by_role("link", name="焊工四级浏览器测试班").click()
    office = district.url
    district.locator("#i-kind").select_option(label="首期班实地检查")
    district.locator("#i-on").fill(start.isoformat())
    district.locator("#i-outcome").select_option(label="未发现问题")
    district.locator("#i-present").fill("3")
    district.locator("#i-findings").fill("首期班实地检查，签到与名册一致")
    district.get_by_role("button", name="记录", exact=True).click()
    assert "首期班实地检查，签到与名册一致" in district.locator("body").inner_text()

    # Two weeks before its start date the class cannot start; on that day it does.
    page.goto(detail)
    page.get_by_role("button", name="开班", exact=True).click()
    page.wait_for_load_state()
    assert f"本班备案的开班日期为{start.isoformat()}，当天或之后才能开班" in page.locator("body").inner_text()
    web_server.start_class_on_its_day("焊工四级浏览器测试班")
    page.goto(detail)
    assert "培训中" in page.locator("dl.facts").inner_text()
    # Each row names its session by its date (one session a day, as filed above).
    header = ("上课日期", "证件号码", "出勤情况", "来源", "时间")
    days = [start + timedelta(days=i) for i in range(8)]
    rows = [(d.isoformat(), n, "出勤", "人脸识别", f"{d} 09:00") for d in days for _, n in PEOPLE]
    page.locator("#a-file").set_input_files(str(xlsx(tmp_path / "考勤.xlsx", header, rows)))
    page.get_by_role("button", name="导入考勤").click()
    page.wait_for_load_state()
    assert "已保存 24 条考勤记录。" in page.locator("body").inner_text()
    page.get_by_role("button", name="结束培训", exact=True).click()
    page.wait_for_load_state()
    assert "培训结束" in page.locator("dl.facts").inner_text()

    district.goto(office)
    issued = (start + timedelta(days=20)).isoformat()
    results = [(n, "合格", f"E2E-{i:04d}", issued) for i, (_, n) in enumerate(PEOPLE[:2])]
    results.append((PEOPLE[2][1], "不合格", "", ""))
    header = ("证件号码", "考核结果", "证书编号", "发证日期")
    district.locator("#r-file").set_input_files(str(xlsx(tmp_path / "结果.xlsx", header, results)))
    district.get_by_role("button", name="导入考核结果").click()
    district.wait_for_load_state()
    assert "已录入 3 条考核结果。" in district.locator("body").inner_text()
    for button in ("录入考核结果", "结班"):
        district.get_by_role("button", name=button, exact=True).click()
        district.wait_for_load_state()
    assert "已结班" in district.locator("dl.facts").inner_text()
    district.screenshot(path=str(tmp_path / "closed.png"), full_page=True)
