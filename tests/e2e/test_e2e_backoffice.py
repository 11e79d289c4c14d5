"""The back office in a real browser: login → upload → preview → draft → diff → publish."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from conftest import PASSWORD, screenshot

# 000_d6c6a123f4673bde.txt · 附件2 (Nantong additions): its header and the four skill-level rows.
HEADER = ["补贴项目", "序号", "类别", "职业工种名称（含各职业下全部工种）", "编码"]
ROWS = [
    ["职业技能等级证书", "1", "A", "航空器机械维护员", "6-31-02-02"],
    ["", "2", "B", "家禽饲养员", "5-03-02-02"],
    ["", "3", "C", "生活垃圾清运工L", "4-09-08-02"],
    ["", "4", "C", "生活垃圾处理工L", "4-09-08-03"],
]


def attachment(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["南通市2025年政府补贴性职业技能培训职业（工种）指导目录"])
    ws.append(HEADER)
    for row in ROWS:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    path = tmp_path / "附件2.xlsx"
    path.write_bytes(buf.getvalue())
    return path


def login(page: Any, username: str) -> None:
    page.goto("/office/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/office/")


def test_login_upload_diff_publish(page: Any, tmp_path: Path) -> None:
    login(page, "nantong")
    screenshot(page, "10-office-home")

    page.get_by_role("link", name="上传附件").first.click()
    page.get_by_label("文件").set_input_files(str(attachment(tmp_path)))
    # The city bureau uploads for Nantong or one of its seven districts and counties.
    regions = page.get_by_label("地区").locator("option").all_inner_texts()
    assert (regions[0], regions[2], len(regions)) == ("南通市 (320600)", "南通市崇川区 (320613)", 8)
    page.get_by_label("目录标识（新建或已有，如 nantong-2026）").fill("nantong-2025")
    page.get_by_label("原文标题").fill("南通市2025年政府补贴性职业技能培训职业（工种）指导目录")
    page.get_by_role("button", name="上传并预览").click()

    page.wait_for_url("**/office/uploads/*/")
    assert page.get_by_role("heading", name="已读取 4 行").is_visible()
    assert "航空器机械维护员" in page.locator("table").nth(1).inner_text()
    screenshot(page, "11-upload-preview")

    page.get_by_label("附件编号（如 附件2）").fill("附件2")
    page.get_by_label("原因", exact=True).fill("Q2 adjustment: the additions list as republished")
    page.get_by_role("button", name="保存为草稿").click()
    page.wait_for_url("**/office/versions/*/")
    assert "已保存为草稿 v2。" in page.locator(".messages").inner_text()

    page.get_by_role("link", name="新增").click()
    page.wait_for_url("**/diff/")
    removed = page.get_by_role("heading", name="删除 (39)")
    assert removed.is_visible()  # the 39 other rows of nantong-2025 are not in the uploaded list
    assert page.get_by_role("heading", name="新增 (0)").is_visible()
    screenshot(page, "12-diff")

    page.get_by_role("link", name="返回该版本").click()
    page.get_by_label("生效日期").fill("2025-07-01")
    # Blanks pass the browser's `required` check; the server refuses them, beside the field.
    page.get_by_label("原因", exact=True).fill("   ")
    confirm = page.get_by_label("我已知晓：版本发布后不能修改或撤回，检索和测算立即使用该版本。")
    confirm.check()
    page.get_by_role("button", name="发布").click()
    assert page.locator("#reason-error").inner_text().startswith("请说明修改原因")
    assert page.get_by_label("原因", exact=True).get_attribute("aria-describedby") == "reason-error"
    page.get_by_label("原因", exact=True).fill("publish the Q2 adjustment")
    page.get_by_role("button", name="发布").click()
    # Publication cannot be undone: the browser holds the form until it is confirmed again.
    assert page.locator(".messages").count() == 0
    confirm.check()
    page.get_by_role("button", name="发布").click()
    assert "已发布" in page.locator(".messages").inner_text()
    screenshot(page, "13-published")

    # The public site shows the new version at once, with the old one still selectable.
    page.goto("/catalogs/320600/nantong-2025/")
    assert "共 4 行" in page.locator(".result-count").inner_text()
    assert page.get_by_label("版本").locator("option").all_inner_texts()[0].startswith("v2")

    page.goto("/office/audit/")
    log = page.locator("table").inner_text()
    # Actions are named in Chinese; their codes are tooltips.
    assert "发布" in log and "创建草稿" in log and "上传" in log
    assert page.locator("td[title='catalog.publish']").count() >= 1
    screenshot(page, "14-audit")


def test_a_city_bureau_cannot_open_its_provinces_catalog(page: Any) -> None:
    login(page, "nantong")
    page.goto("/office/catalogs/")
    assert "jiangsu-2025" not in page.locator("main").inner_text()
    response = page.goto("/office/versions/3/")  # jiangsu-2025 v1 (third catalog in the manifest)
    assert response.status == 404
