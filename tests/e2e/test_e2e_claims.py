"""A worker's claim in a real browser (issue 12): a closed 砌筑工 class in 崇川区 whose institution has
already claimed one trainee's certificate; a worker registers with their ID number, claims their own
certificate to their bank card and sees the engine's amount; a second worker, whose certificate the
institution claimed, is told it is a duplicate and which claim holds it; the district sees both
claims in its queue. The class records are written by the same helper as the web tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import PASSWORD, REPO, LiveServer

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
    env = {**web_server.env, "PYTHONPATH": f"{REPO / 'web'}{os.pathsep}{REPO / 'tests' / 'web'}",
           "DJANGO_SETTINGS_MODULE": "config.settings"}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", SEED], cwd=REPO / "web", env=env, capture_output=True,
                          text=True, check=True, timeout=300)  # fmt: skip
    web_server.manage("create_staff", "e2e-chongchuan", "--role", "district_bureau", "--region", "320613",
                      "--password-env", "E2E_PASSWORD")  # fmt: skip
    yield json.loads(done.stdout.strip().splitlines()[-1])


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
