"""A worker's claim in a real browser (issue 12): a closed 砌筑工 class in 崇川区 whose institution has
already claimed one trainee's certificate; a worker registers with their ID number, claims their own
certificate to their bank card and sees the engine's amount; a second worker, whose certificate the
institution claimed, is told it is a duplicate and which claim holds it; the district sees both
claims in its queue. The class records are written by the same helper as the web tests.

The second test is the issue's "done when" scenario: an institution claims for its class; one
trainee also claims by themselves and is told it is a duplicate; matching flags the trainee whose
attendance is short; the district returns that claim and it is fixed (the district confirms the
trainee's completion by hand after checking the leave note, and the institution resubmits); the city
approves; the notice shows and one objection is answered; the payment batch is exported; the bank's
results are imported with one failure, which is re-batched; the dashboard shows the figures.

The class records are written by the web tests' helper (tests/web/claims_world.py, 崇川区, 砌筑工 level
4, 1,500 元 at Nantong's 2025 standard: 000 · 附件1 · A类 · 中级（四级）). One step is not a browser's:
the notice period (5 working days from today) is let pass by clearing the notices with the service on
the day after it ends, as the city's page would on that day.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import PASSWORD, LiveServer, screenshot

SEED = """
import json, django
django.setup()
import claims_world
from claims import services
world = claims_world.build(tag="-e2e", trainees=2)
claim = services.claim_submit(
    actor=world.clerk, certificate_no=world.certificate(1), pledge_signed=True,
    payee=services.PayeeInput("institution_account", "310012345678", world.institution.name),
)
print(json.dumps({"certificates": [world.certificate(0), world.certificate(1)], "winner": claim.number,
                  "names": [t.name for t in world.trainees],
                  "ids": [claims_world.id_number(101), claims_world.id_number(102)]}))
"""


@pytest.fixture(scope="module")
def claim_world(web_server: LiveServer) -> Iterator[dict[str, Any]]:
    seeded = web_server.script(SEED)
    web_server.manage("create_staff", "e2e-chongchuan", "--role", "district_bureau", "--region", "320613",
                      "--password-env", "E2E_PASSWORD")  # fmt: skip
    yield json.loads(seeded.strip().splitlines()[-1])


def register(page: Any, world: dict[str, Any], i: int) -> None:
    page.goto("/claims/register/")
    page.locator("#r-name").fill(world["names"][i])
    page.locator("#r-id").fill(world["ids"][i])
    page.locator("#r-user").fill(f"e2e-worker-{i}")
    page.locator("#r-pw").fill(PASSWORD)
    page.get_by_role("button", name="注册账户").click()
    page.wait_for_url("**/claims/")


def claim(page: Any, certificate: str, name: str) -> None:
    page.locator("#w-cert").fill(certificate)
    page.locator("#w-kind").select_option("bank_card")
    page.locator("#w-account").fill("6222021234567890128")
    page.locator("#w-name").fill(name)
    page.get_by_role("button", name="提交申领").click()
    page.wait_for_load_state()


def test_a_worker_claims_and_another_is_told_of_the_duplicate(
    browser: Any, web_server: LiveServer, claim_world: dict[str, Any], tmp_path: Path
) -> None:
    first = browser.new_context(base_url=web_server.url, locale="zh-CN")
    page = first.new_page()
    register(page, claim_world, 0)
    assert "实名验证通过" in page.content()
    claim(page, claim_world["certificates"][0], claim_world["names"][0])
    body = page.content()
    assert "区县审核中" in body and "1,500.00" in body and "个人申领" in body
    page.screenshot(path=str(tmp_path / "worker-claim.png"), full_page=True)
    first.close()

    second = browser.new_context(base_url=web_server.url, locale="zh-CN")
    page = second.new_page()
    register(page, claim_world, 1)
    claim(page, claim_world["certificates"][1], claim_world["names"][1])
    assert f"该证书已有申领 {claim_world['winner']}，不能重复申领" in page.content()
    second.close()

    office = browser.new_context(base_url=web_server.url, locale="zh-CN")
    page = office.new_page()
    page.goto("/office/login/")
    page.get_by_label("用户名").fill("e2e-chongchuan")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/office/")
    page.goto("/office/claims/")
    queue = page.content()
    assert claim_world["winner"] in queue and "个人申领" in queue and "机构代领" in queue
    office.close()


WORLD_PASSWORD = "correct horse battery staple 42"  # claims_world.PASSWORD
DISTRICT = "e2e-claims-district"

SEED_FULL = """
import json, django
django.setup()
import claims_world
world = claims_world.build(tag="-e2e-full", trainees=2, short=(1,), uscc_serial=3)
print(json.dumps({"certificates": [world.certificate(0), world.certificate(1)],
                  "klass": world.klass.pk, "trainees": [t.pk for t in world.trainees],
                  "names": [t.name for t in world.trainees], "institution": world.institution.name,
                  "ids": [claims_world.id_number(301), claims_world.id_number(302)],
                  "clerk": world.clerk.username}))
"""

NOTICE_PASSES = """
import datetime, django
django.setup()
from django.contrib.auth.models import User
from claims import services
from claims.models import Claim
last = max(Claim.objects.filter(status="notice", region="320613").values_list("notice_until", flat=True))
print(services.notices_clear_due(actor=User.objects.get(username="nantong"), region="320600",
                                 today=last + datetime.timedelta(days=1)))
"""


def _python(server: LiveServer, script: str) -> str:
    return server.script(script).strip().splitlines()[-1]


@pytest.fixture(scope="module")
def full_world(web_server: LiveServer) -> Iterator[dict[str, Any]]:
    seeded = json.loads(_python(web_server, SEED_FULL))
    web_server.manage("create_staff", DISTRICT, "--role", "district_bureau", "--region", "320613",
                      "--password-env", "E2E_PASSWORD")  # fmt: skip
    yield seeded


def _session(browser: Any, server: LiveServer) -> Any:
    context = browser.new_context(
        base_url=server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    return context


def _sign_in(page: Any, username: str, password: str) -> None:
    page.goto("/office/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/office/**")


def _press(page: Any, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def test_a_claim_runs_from_the_institution_to_the_bank_in_the_browser(
    browser: Any, web_server: LiveServer, full_world: dict[str, Any], tmp_path: Path
) -> None:
    world = full_world
    good_cert, short_cert = world["certificates"]
    good_name, short_name = world["names"]

    # The institution claims for the two passed trainees of its closed class.
    clerk = _session(browser, web_server).new_page()
    _sign_in(clerk, world["clerk"], WORLD_PASSWORD)
    for cert in (good_cert, short_cert):
        clerk.goto("/office/workspace/claims/")
        clerk.locator("#c-cert").select_option(cert)
        clerk.locator("#c-account").fill("310012345678")
        clerk.locator("#c-evidence").fill("培训签到表、考核成绩单、视频记录")
        clerk.locator("input[name=pledge_signed]").check()
        _press(clerk, "提交申领")
    clerk.goto("/office/workspace/claims/")
    good_row = clerk.locator("tr", has_text=good_name)
    short_row = clerk.locator("tr", has_text=short_name)
    good_number = good_row.locator("a").inner_text()
    short_number = short_row.locator("a").inner_text()
    # The institution sees the engine's amount and, on the short trainee, matching's finding.
    assert "1,500.00" in good_row.inner_text() and "区县审核中" in good_row.inner_text()
    assert "出勤课时不足" in short_row.inner_text()
    screenshot(clerk, "claims-institution-claims")

    # The first trainee claims the same certificate themselves and is told which claim holds it.
    worker = _session(browser, web_server).new_page()
    worker.goto("/claims/register/")
    worker.locator("#r-name").fill(good_name)
    worker.locator("#r-id").fill(world["ids"][0])
    worker.locator("#r-user").fill("e2e-full-worker")
    worker.locator("#r-pw").fill(PASSWORD)
    worker.get_by_role("button", name="注册账户").click()
    worker.wait_for_url("**/claims/")
    worker.locator("#w-cert").fill(good_cert)
    worker.locator("#w-kind").select_option("bank_card")
    worker.locator("#w-account").fill("6222021234567890128")
    worker.locator("#w-name").fill(good_name)
    worker.get_by_role("button", name="提交申领").click()
    worker.wait_for_load_state()
    assert f"该证书已有申领 {good_number}，不能重复申领" in worker.content()
    screenshot(worker, "claims-worker-duplicate")

    # The district sees the mismatch and returns the claim with a comment on attendance.
    district = _session(browser, web_server).new_page()
    _sign_in(district, DISTRICT, PASSWORD)
    district.goto("/office/claims/")
    district.locator("a", has_text=short_number).click()
    detail = district.content()
    assert "出勤课时不足" in detail and "出勤52课时，少于应出勤的60课时" in detail
    district.locator("input[name=action][value=return]").check()
    district.locator("#fix-attendance").fill("请补交第1讲的请假条与补课记录")
    _press(district, "提交审核结论")
    assert "退回修改" in district.content()
    # After checking the leave note, the district confirms the trainee's completion on the class page.
    trainee = world["trainees"][1]
    district.goto(f"/office/classes/{world['klass']}/")
    district.locator(f"#cp-{trainee}").select_option("yes")
    district.locator(f"#cr-{trainee}").fill("核对第1讲请假条与补课记录，认定结业")
    district.locator(f"form[action$='/trainees/{trainee}/completion/'] button").click()
    district.wait_for_load_state()

    # The institution sees the comment, and resubmits; matching runs again and agrees.
    clerk.goto("/office/workspace/claims/")
    clerk.locator("a", has_text=short_number).click()
    assert "请补交第1讲的请假条与补课记录" in clerk.content()
    clerk.locator("#r-evidence").fill("已补交请假条与补课记录")
    _press(clerk, "重新提交")
    assert "区县审核中" in clerk.content()

    # The district passes both claims at once, with one reason.
    district.goto("/office/claims/?status=district_review")
    for number in (good_number, short_number):
        district.get_by_label(number).check()
    district.locator("#bulk-reason").fill("材料齐全，比对一致")
    _press(district, "批量审核通过所选申领")

    # The city sets the notice length the documents leave open, and approves both claims.
    city = _session(browser, web_server).new_page()
    _sign_in(city, "nantong", PASSWORD)
    city.goto("/office/claims/notice/")
    city.locator("#n-region").fill("320600")
    city.locator("#n-from").fill("2025-01-01")
    city.locator("#n-days").fill("5")
    city.locator("#n-reason").fill("局务会决定：申领公示期为5个工作日")
    _press(city, "保存")
    for number in (good_number, short_number):
        city.goto("/office/claims/?status=city_review")
        city.locator("a", has_text=number).click()
        assert "市级审核中" in city.content()
        city.locator("input[name=action][value=approve]").check()
        _press(city, "提交审核结论")
        assert "公示中" in city.content()

    # The public notice shows the claims masked; someone objects to one, and the city answers.
    public = _session(browser, web_server).new_page()
    public.goto("/claims/notice/")
    row = public.locator("tr", has_text=good_number).inner_text()
    assert f"{good_name[0]}*" in row and "1,500.00" in row and good_name not in row
    public.locator("#o-number").fill(good_number)
    public.locator("#o-text").fill("此人未参加培训")
    _press(public, "提交异议")
    screenshot(public, "claims-public-notice")
    city.goto("/office/claims/")
    city.locator("a", has_text=good_number).click()
    assert "此人未参加培训" in city.content()
    city.locator("input[id^=answer-]").fill("经核查签到与视频记录，异议不成立")
    _press(city, "答复异议")
    assert "异议不成立" in city.content()

    assert json.loads(_python(web_server, NOTICE_PASSES).replace("'", '"')) != []

    # The city builds the batch, exports the payment file and downloads it.
    city.goto("/office/claims/batches/")
    city.locator("#b-region").fill("320600")
    _press(city, "将待支付申领组建支付批次")
    _press(city, "导出支付文件")
    with city.expect_download() as download:
        city.get_by_role("link", name="下载 CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[-1][:2] == ["合计", "2"] and rows[-1][7] == "3000.00"
    lines = {r[3]: r for r in rows[1:-1]}  # by claim number
    assert set(lines) == {good_number, short_number}
    batch_number = rows[1][0]

    # The bank pays one line and fails the other; the results file is imported.
    answer = io.StringIO()
    writer = csv.writer(answer)
    writer.writerow(["批次号", "行号", "幂等键", "结果", "说明"])
    writer.writerow([batch_number, lines[good_number][1], lines[good_number][2], "成功", ""])
    writer.writerow([batch_number, lines[short_number][1], lines[short_number][2], "失败", "户名与账号不符"])
    results = tmp_path / "bank-results.csv"
    results.write_text(answer.getvalue(), encoding="utf-8")
    city.locator("#bank-file").set_input_files(str(results))
    _press(city, "导入银行回盘结果")
    page = city.content()
    assert "已对账" in page and "成功" in page and "失败 · 户名与账号不符" in page
    screenshot(city, "claims-bank-results")

    # The failed line goes into a new batch.
    city.goto("/office/claims/batches/")
    city.locator("#b-region").fill("320600")
    _press(city, "将待支付申领组建支付批次")
    again = city.content()
    assert short_number in again and good_number not in again

    # The dashboard shows the figures, per institution among the others.
    city.goto("/office/claims/dashboard/")
    institution_row = city.locator("tr", has_text=world["institution"]).first.inner_text()
    assert institution_row.split("\t")[1:4] == ["2", "3,000.00", "1,500.00"]
    screenshot(city, "claims-dashboard")
