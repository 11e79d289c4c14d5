"""The public portal in a real browser: search as you type → occupation page → calculator."""

from __future__ import annotations

from typing import Any

from conftest import screenshot


def test_search_then_occupation_then_calculator(page: Any) -> None:
    page.goto("/")
    page.get_by_label("职业名称、大典编码、拼音或首字母").fill("hangong")
    results = page.locator("#results")
    # As-you-type: results appear without submitting the form.
    results.get_by_role("link", name="焊工", exact=True).first.wait_for()
    screenshot(page, "01-home-search")

    results.get_by_role("link", name="焊工", exact=True).first.click()
    page.wait_for_url("**/occupations/6-18-02-04/")
    assert page.get_by_role("heading", level=1).inner_text() == "焊工"
    # 000 · 附件1 A类 高级（三级） 2000 + 30% (附件3) for Nantong; the table repeats the chart's figures.
    standards = page.locator("table", has_text="按等级的每人补贴")
    assert "2600.00" in standards.inner_text()
    assert page.locator("svg[role=img]").count() == 1
    screenshot(page, "02-occupation")

    page.get_by_role("link", name="测算补贴").click()
    page.wait_for_url("**/calculator/?occupation=6-18-02-04")
    assert page.get_by_label("职业：编码或名称（创业培训填写课程，如 SYB）").input_value() == "6-18-02-04"
    page.get_by_label("申领日期").fill("2025-06-01")
    page.get_by_label("等级", exact=True).select_option("3")
    page.get_by_role("button", name="测算").click()
    amount = page.get_by_test_id("amount")
    amount.wait_for()
    assert amount.inner_text().split() == ["2600.00", "元"]
    assert "焊工列入紧缺型职业目录，高技能等级补贴上浮30%" in page.locator(".reasons").inner_text()
    # The step is named by its parameter's label; the rule key is its tooltip.
    step = page.locator(".trace strong[title='standard.skill_level.A.level_3']")
    assert step.inner_text() == "职业资格证书、职业技能等级证书 · A类 · 高级（三级）"
    screenshot(page, "03-calculator")


def test_the_catalog_browser_pages_and_downloads(page: Any) -> None:
    page.goto("/catalogs/")
    page.get_by_role("link", name="江苏省2025年政府补贴性职业技能培训职业（工种）指导目录").click()
    assert "共 652 行" in page.locator(".result-count").inner_text()  # 000 · 附件4: 529 + 123 rows
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename == "jiangsu-2025-v1.xlsx"
    screenshot(page, "04-catalog-browser")


def test_the_data_quality_page_and_the_api_docs(page: Any) -> None:
    page.goto("/quality/")
    assert page.get_by_role("heading", level=1).inner_text() == "原始文件的数据质量"
    screenshot(page, "05-data-quality")
    page.goto("/api/v1/docs")
    page.get_by_text("/api/v1/quote").first.wait_for()
    screenshot(page, "06-api-docs")


def test_english_is_one_click_away(page: Any) -> None:
    page.goto("/search/?q=焊工")
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/en/search/?q=*")
    assert page.get_by_role("heading", level=1).inner_text() == "Search the catalogs"


def test_the_first_tab_reaches_the_skip_link(page: Any) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "跳到主要内容"


def test_pages_fit_a_phone_screen(browser: Any, web_server: Any) -> None:
    context = browser.new_context(
        base_url=web_server.url, viewport={"width": 375, "height": 812}, locale="zh-CN"
    )
    page = context.new_page()
    for url in ("/", "/occupations/6-18-02-04/", "/calculator/", "/catalogs/320000/jiangsu-2025/"):
        page.goto(url)
        # Wide tables scroll inside their own box; the page itself must not scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, url
    screenshot(page, "07-phone-catalog")
    context.close()


def test_a_missing_page_is_friendly(page: Any) -> None:
    response = page.goto("/no/such/page/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "页面不存在"
    assert page.get_by_role("search").count() == 1
