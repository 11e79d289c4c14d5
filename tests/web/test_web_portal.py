"""The public portal's pages, in Chinese first and in English."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from django.test import Client

from catalogs import selectors

pytestmark = pytest.mark.django_db


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def test_the_home_page_speaks_chinese_first_and_english_under_en(client: Client) -> None:
    assert "您所在地哪些培训有补贴？一张证书能补多少？" in page(client, "/")
    assert "What training is subsidised where you live" in page(client, "/en/")


def test_the_home_page_counts_every_shipped_entry(client: Client) -> None:
    total = sum(len(c.entries) for c in selectors.current_dataset().catalogs)
    assert f"来自 8 个官方目录的 {total} 个条目" in page(client, "/")


def test_search_results_come_as_a_fragment_for_as_you_type(client: Client) -> None:
    fragment = page(client, "/search/?q=hangong&partial=1")
    assert "<html" not in fragment
    assert "焊工" in fragment
    full = page(client, "/search/?q=焊工&region=320600")
    assert "<html" in full and "焊工" in full and "江苏省2025年政府补贴性职业技能" in full


def test_the_occupation_page_shows_nantongs_amounts_and_the_source_line(client: Client) -> None:
    html = page(client, "/occupations/6-18-02-04/")
    # 000 · 附件1 A类 高级（三级） 2000, +30% for 焊工 on 附件3 → 2600.00; the Jiangsu row is line 1440.
    assert "2600.00" in html
    # The source is named by its printed title, never by its file name (issue 8, point 6).
    title = "《南通市2025年政府补贴性职业技能培训项目及参保职工技能提升补贴基准（附件1–5）》"
    assert f"{title} · 附件4 · 职业资格证书、职业技能等级证书 · 第1440行" in html
    assert "000_d6c6a123f4673bde.txt · " not in html
    assert "<svg" in html and "上海市" in html


def test_an_unknown_occupation_page_suggests_near_names(client: Client) -> None:
    html = page(client, "/occupations/焊公/", status=404)
    assert "未找到该职业" in html and "焊工" in html


def test_the_catalog_browser_sorts_and_pages(client: Client) -> None:
    html = page(client, "/catalogs/320000/jiangsu-2025/?section=occupations&sort=code")
    assert "共 529 行" in html and "第 1 页，共 11 页" in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_a_catalog_downloads_in_each_format_with_every_row(client: Client, fmt: str) -> None:
    response = client.get(f"/catalogs/320000/jiangsu-2025/download.{fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="jiangsu-2025-v1.{fmt}"'
    body = response.content
    if fmt == "json":
        assert len(json.loads(body)) == 652  # 000 · 附件4: 529 + 123 rows
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert len(rows) == 653 and rows[0][2] == "序号 serial"
    else:
        assert zipfile.is_zipfile(io.BytesIO(body))


def test_the_calculator_shows_the_amount_the_reasons_and_the_trace(client: Client) -> None:
    html = page(
        client,
        "/calculator/?region=320600&date=2025-06-01&program=training&type=skill_level"
        "&occupation=6-18-02-04&level=3&issued_on=2025-05-20&hours=60&online_hours=10",
    )
    assert "2600.00" in html
    assert "焊工列入紧缺型职业目录，高技能等级补贴上浮30%" in html
    # Each step is named in Chinese; its rule key is only a tooltip.
    standard = "职业资格证书、职业技能等级证书 · A类 · 高级（三级）"
    assert f'<strong title="standard.skill_level.A.level_3">{standard}</strong>' in html
    passed = '<span class="outcome passed">通过</span>'
    assert f'<strong title="class_hours.minimum.level_3">高级工培训最低课时</strong> {passed}' in html
    assert "&quot;occupation&quot;: &quot;6-18-02-04&quot;" in html  # the request, ready for the API


def test_the_calculator_names_the_field_of_a_bad_request(client: Client) -> None:
    html = page(client, "/calculator/?region=320600&date=2025-06-01&type=skill_level&occupation=6-18-02-04")
    assert "字段“certificate.level”" in html


def test_the_quality_page_lists_findings_per_document(client: Client) -> None:
    html = page(client, "/quality/?seed=001_f43d9e28fbbbc3d8.txt")
    assert "001_f43d9e28fbbbc3d8.txt" in html and "原始文件的数据质量" in html


def test_a_missing_page_is_a_friendly_404_with_a_search_box(client: Client) -> None:
    html = page(client, "/no/such/page/", status=404)
    assert "页面不存在" in html and 'role="search"' in html


def test_a_server_error_shows_the_friendly_500_page(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(selectors, "current_dataset", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/catalogs/")
    assert response.status_code == 500
    assert "抱歉，服务出错了" in response.content.decode()


def test_pages_label_every_form_field(client: Client) -> None:
    import re

    for url in ("/", "/search/?q=焊工", "/calculator/", "/catalogs/320000/jiangsu-2025/", "/quality/"):
        html = page(client, url)
        ids = set(re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html))
        labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
        assert ids <= labelled, (url, ids - labelled)


def test_a_citation_links_to_its_line_in_the_source_document(client: Client) -> None:
    # 000 · 附件4 · 序号138: 焊工's row starts on line 1440 of the seed
    html = page(client, "/occupations/6-18-02-04/")
    assert 'href="/sources/000_d6c6a123f4673bde.txt/#L1440"' in html
    source = page(client, "/sources/000_d6c6a123f4673bde.txt/")
    assert '<tr id="L1443"><th scope="row"><a href="#L1443">1443</a></th><td> ⇥ 焊工</td></tr>' in source


def test_the_quality_page_links_each_finding_to_its_line(client: Client) -> None:
    html = page(client, "/quality/?seed=001_f43d9e28fbbbc3d8.txt&kind=serial_gap")
    assert 'href="/sources/001_f43d9e28fbbbc3d8.txt/#L184"' in html  # 001 · (二) · 序号9 missing


def test_an_unknown_source_document_is_a_404(client: Client) -> None:
    page(client, "/sources/..%2F..%2Fsettings.py/", status=404)
    page(client, "/sources/nothing.txt/", status=404)


SEVEN = ["310000", "320000", "320600", "370000", "370100", "440000", "440100"]


@pytest.mark.parametrize("url", ["/en/search/", "/en/calculator/"])
def test_the_public_region_choices_are_the_regions_in_use_not_the_whole_tree(
    client: Client, url: str
) -> None:
    # Each has a catalog (000, 001, 004, and 广东省 for 002) or standards (policy/parameters/guangzhou),
    # or lies above one that does; the other 446 regions would repeat their city's answer.
    select = page(client, url).split('name="region"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="(\d+)"', select) == SEVEN


def test_a_district_search_finds_its_citys_and_provinces_catalogs(client: Client) -> None:
    def found(region: str) -> set[str]:
        return {h.entry.catalog_id for h in selectors.search("6-18-02-04", region=region, limit=50)}

    # The welder: 000 · 附件3 line 558 (Nantong's shortage list), 附件4 line 1440 (Jiangsu's catalog) and
    # 附件5 line 4901 (Jiangsu's shortage list), as for 南通 itself.
    assert (
        found("崇川区") == found("南通") == {"nantong-2025-shortage", "jiangsu-2025", "jiangsu-2025-shortage"}
    )
    body = page(client, "/en/search/?q=6-18-02-04&region=崇川区")
    assert "南通市2025年" in body and "unknown region" not in body
