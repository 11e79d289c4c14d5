"""Answers a worker can trust (issue 8): the same occupation gives the same answer under any spelling,
and a typo gets “did you mean”, in the API and the calculator alike."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.utils import timezone

from catalogs.models import CatalogVersion
from catalogs.selectors import current_dataset, series_predecessor, version_diff
from catalogs.services import draft_from_core

pytestmark = pytest.mark.django_db

TYPO = {
    "region": "南通",
    "date": "2025-06-01",
    "certificate": {"type": "skill_level", "occupation": "焊攻", "level": 3},
}


def test_the_api_answers_a_typo_with_did_you_mean(client: Client) -> None:
    response = client.post(
        "/api/v1/quote", json.dumps(TYPO, ensure_ascii=False), content_type="application/json"
    )
    assert response.status_code == 200
    [reason] = [r for r in response.json()["reasons"] if r["code"] == "unknown_occupation"]
    assert reason["message"] == (
        "“焊攻”既不是有效的职业编码，也不是已载入文件中的职业（工种）或项目名称；"
        "您是不是要找：焊工 6-18-02-04、喷涂喷焊工 6-18-03-04、焊工（电焊工） 6-18-02-04？"
    )


def test_the_calculator_answers_a_typo_with_did_you_mean(client: Client) -> None:
    html = client.get(
        "/calculator/",
        {"type": "skill_level", "occupation": "焊攻", "level": "3", "region": "320600", "date": "2025-06-01"},
    ).content.decode()
    assert "您是不是要找：焊工 6-18-02-04、喷涂喷焊工 6-18-03-04、焊工（电焊工） 6-18-02-04？" in html


def test_the_calculator_prices_the_correct_name_of_a_misprinted_occupation(client: Client) -> None:
    html = client.get(
        "/calculator/",
        {
            "type": "skill_level",
            "occupation": "餐厅服务员",
            "level": "3",
            "region": "320600",
            "date": "2025-06-01",
        },
    ).content.decode()
    assert "1500.00" in html
    # The catalog is named by its title, not its id (issue 8, point 6).
    title = "江苏省2025年政府补贴性职业技能培训职业（工种）指导目录"
    assert f"目录{title}将“餐厅服务员”印作“餐局服务员”（4-03-02-05）" in html


def test_sources_lists_the_documents_by_their_printed_titles(client: Client) -> None:
    html = client.get("/sources/").content.decode()
    titles = re.findall(r'<li><a href="/sources/([0-9a-f_]+\.txt)/">([^<]+)</a>', html)
    assert titles == [
        (
            "000_d6c6a123f4673bde.txt",
            "南通市2025年政府补贴性职业技能培训项目及参保职工技能提升补贴基准（附件1–5）",
        ),
        (
            "001_f43d9e28fbbbc3d8.txt",
            "济南市人力资源和社会保障局 济南市财政局"
            "关于做好规范补贴性职业技能培训目录和补贴标准工作的通知（济人社函〔2023〕28号）",
        ),
        ("002_192cf03f49fda43c.txt", "广州市人力资源和社会保障局关于征集“揭榜领题”职业技能培训项目的通知"),
        ("003_eaf749be2f6ce36e.txt", "社会培训评价组织征集遴选职业（工种）目录（已发布）"),
        ("004_115e8c17921aa92b.txt", "上海市职业技能提升补贴目录（2026年）"),
    ]
    assert "共 5070 行" in html
    assert "江苏省2025年高技能人才培训补贴紧缺型职业（工种）指导目录（附件5）" in html


def test_a_source_page_is_titled_by_the_document_and_marks_where_each_row_ends(client: Client) -> None:
    html = client.get("/sources/000_d6c6a123f4673bde.txt/").content.decode()
    assert (
        '<h1 title="000_d6c6a123f4673bde.txt">'
        "南通市2025年政府补贴性职业技能培训项目及参保职工技能提升补贴基准（附件1–5）</h1>" in html
    )
    assert "<title>南通市2025年" in html
    # 000 · 附件3 序号18 焊工 6-18-02-04 30%: one cell a line, 558–561; 附件4 序号497 餐局服务员: 3592–3596.
    assert '<tr id="L558" data-row-end="561">' in html
    assert '<tr id="L3592" data-row-end="3596">' in html
    assert '<tr id="L559">' in html


def test_search_groups_the_results_by_occupation_with_its_regions(client: Client) -> None:
    html = client.get("/search/", {"q": "6-18-02-04"}).content.decode()
    # 焊工 is listed by Nantong (附件3), Jiangsu (附件4, 附件5), Jinan, Guangdong, the evaluation list
    # and Shanghai: one result, not one per catalog line.
    assert html.count('class="hit-name"') == 1
    assert "“6-18-02-04”找到 1 个职业" in html
    regions = re.search(r'<div class="hit-regions">([^<]*)</div>', html)
    assert regions is not None
    assert regions.group(1) == "南通市、江苏省、济南市、广东省、上海市"


def test_a_search_emptied_by_a_filter_says_which_filter_to_remove(client: Client) -> None:
    html = client.get("/search/", {"q": "焊工", "region": "320600", "year": "2020"}).content.decode()
    assert "在当前筛选条件下没有结果。" in html
    assert '<a href="?q=%E7%84%8A%E5%B7%A5&amp;region=320600">去掉“年份”筛选条件，可找到' in html
    assert "去掉“地区”筛选条件" not in html


def test_a_new_years_draft_is_compared_with_the_catalog_it_follows_whatever_its_id(
    nantong_staff: AbstractUser,
) -> None:
    # The upload form suggests `nantong-2026`: a new id, so a series of its own by id, but the
    # region's 2025 list (000 · 附件2) is what it follows. One row dropped, every other one kept.
    last_year = current_dataset().catalog("nantong-2025")
    dropped = last_year.entries[0]
    new_year = dataclasses.replace(
        last_year,
        id="nantong-2026",
        effective_from=date(2026, 1, 1),
        effective_to=date(2026, 12, 31),
        entries=last_year.entries[1:],
    )
    draft = draft_from_core(catalog=new_year, anomalies=[], actor=nantong_staff, reason="2026年目录")

    diff = version_diff(version=draft)

    assert diff is not None
    assert [c.before.name for c in diff.removed if c.before] == [dropped.name]
    assert diff.counts()["unchanged"] == len(last_year.entries) - 1
    assert series_predecessor(version=draft) == CatalogVersion.objects.get(
        catalog_id="nantong-2025", status="published"
    )


def _effective_row(html: str, region: str) -> tuple[str, str]:
    row = re.search(rf'<th scope="row">{region}</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>', html, re.S)
    assert row is not None, region
    return re.sub(r"<[^>]+>", "|", row.group(1)), re.sub(r"<[^>]+>", "|", row.group(2))


def test_the_catalog_page_shows_each_regions_effective_catalog_on_a_date(client: Client) -> None:
    html = client.get("/catalogs/", {"on": "2025-06-01"}).content.decode()
    assert "2025-06-01各地区有效的补贴性培训目录" in html
    own, inherited = _effective_row(html, "南通市")
    # Nantong = its own 附件2 and 附件3 plus Jiangsu's 附件4 and 附件5 (000).
    assert own == (
        "|南通市2025年政府补贴性职业技能培训职业（工种）指导目录||"
        "|南通市2025年高技能人才培训补贴紧缺型职业（工种）指导目录（第一批）|"
    )
    assert inherited == (
        "|江苏省2025年政府补贴性职业技能培训职业（工种）指导目录||"
        "|江苏省2025年高技能人才培训补贴紧缺型职业（工种）指导目录|"
    )
    assert _effective_row(html, "上海市") == ("|该日无有效目录|", "|该日无有效目录|")
    # The source column names the document, the file only as a tooltip.
    assert (
        'title="000_d6c6a123f4673bde.txt">南通市2025年政府补贴性职业技能培训项目及参保职工技能提升补贴基准'
        in html
    )


def test_the_effective_catalog_defaults_to_today_and_names_a_bad_date(client: Client) -> None:
    today = timezone.localdate().isoformat()
    assert f'name="on" type="date" value="{today}"' in client.get("/catalogs/").content.decode()
    response = client.get("/catalogs/", {"on": "2025-13-01"})
    assert response.status_code == 400
    assert "日期：“2025-13-01”不是有效日期，请按2025-06-01的格式填写。" in response.content.decode()
