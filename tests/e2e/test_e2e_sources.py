"""A citation opens its whole printed row in the middle of the screen (issue 8 · 7)."""

from __future__ import annotations

from typing import Any

from conftest import SCREENSHOTS


def test_a_source_link_marks_the_whole_row_and_centres_it(page: Any) -> None:
    page.goto("/occupations/6-18-02-04/")
    link = page.locator('a[href="/sources/000_d6c6a123f4673bde.txt/#L558"]').first
    link.evaluate("a => a.closest('details') && (a.closest('details').open = true)")
    link.click()
    page.wait_for_url("**/sources/000_d6c6a123f4673bde.txt/#L558")
    page.wait_for_function("document.querySelectorAll('tr.cited').length > 0")
    # 000 · 附件3 序号18 焊工 6-18-02-04 30%, printed one cell a line on 558–561.
    assert page.eval_on_selector_all("tr.cited", "rows => rows.map(r => r.id)") == [
        "L558",
        "L559",
        "L560",
        "L561",
    ]
    page.wait_for_function(
        "Math.abs(document.getElementById('L559').getBoundingClientRect().top - innerHeight / 2) < 60"
    )
    # The viewport only: a full-page shot of 5,070 lines outlasts the timeout, and the view is the point.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "source-row.png"))


def test_the_sources_page_lists_the_documents(page: Any) -> None:
    page.goto("/")
    page.get_by_role("link", name="来源文件").click()
    page.wait_for_url("**/sources/")
    links = page.locator("ul.documents > li > a")
    assert links.count() == 5
    assert (
        links.first.inner_text()
        == "南通市2025年政府补贴性职业技能培训项目及参保职工技能提升补贴基准（附件1–5）"
    )
