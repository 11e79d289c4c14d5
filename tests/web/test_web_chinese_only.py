"""Chinese pages speak Chinese: a crawler reads the text a person sees on the portal and on the
back-office pages of catalogs, uploads and standards (as the roles that use them), and fails on an
untranslated identifier (issue 8, point 6): a snake_case code, a rule key, a source file name, or an
English sentence. Tooltips (`title` attributes) may hold the keys; code samples (`pre`) are exempt.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from web_support import client_for

from catalogs.services import draft_from_published
from catalogs.uploads import upload_create

pytestmark = pytest.mark.django_db

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
RULE_KEY = re.compile(r"\b[a-z_]+\.[a-z_]+(?:\.[A-Za-z0-9_]+)*\b")
SOURCE_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?:[ ,;:']+[A-Za-z]{2,}){3,}")
# What Chinese pages rightly show in Latin letters: standard names, formats, course names, units.
ALLOWED = re.compile(r"GB/T \d+|SYB|GYB|IYB|EYB|API|JSON|XLSX|CSV|PDF|DOCX|sha256|v\d+|Swagger|OpenAPI")


class _Text(HTMLParser):
    """The text nodes a person reads: not scripts, styles, code samples, or attribute values."""

    SKIP = frozenset({"script", "style", "pre", "template"})

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


def leaks(html: str) -> list[str]:
    found = []
    for text in visible_text(html):
        plain = ALLOWED.sub(" ", text)
        for pattern in (SOURCE_FILE, RULE_KEY, SNAKE, ENGLISH):
            found += [f"{m.group(0)!r} in {text[:120]!r}" for m in pattern.finditer(plain)]
    return found


CALCULATOR = "/calculator/?region=320600&date={on}&program=training&type=skill_level&occupation={occ}&level=3"
PORTAL = [
    "/",
    "/search/?q=焊工",
    "/search/?q=焊工&year=2030",
    "/occupations/6-18-02-04/",
    "/occupations/4-03-02-05/",
    "/occupations/焊公/",
    "/calculator/",
    CALCULATOR.format(on="2025-06-01", occ="6-18-02-04"),  # every rule not checked: input missing
    CALCULATOR.format(on="2025-06-01", occ="餐厅服务员")
    + "&hours=60&online_hours=30&held_occupation=焊工&held_level=2",
    CALCULATOR.format(on="2026-03-01", occ="焊工"),  # outside every period
    CALCULATOR.format(on="2025-06-01", occ="焊公"),  # did you mean
    "/catalogs/",
    "/catalogs/320000/jiangsu-2025/",
    "/sources/",
]


def test_the_portal_has_no_untranslated_identifier(client: Client) -> None:
    problems = {}
    for url in PORTAL:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        if found := leaks(response.content.decode()):
            problems[url] = found
    assert problems == {}


def test_the_back_office_of_catalogs_uploads_and_standards_has_no_untranslated_identifier(
    admin: AbstractUser, nantong_staff: AbstractUser
) -> None:
    draft = draft_from_published(catalog_id="nantong-2025", actor=admin, reason="测试")
    upload = upload_create(
        actor=admin, file_name="南通市2026年目录.csv",
        data="序号,职业名称,编码\n1,焊公,6-18-02-04\n2,家政服务原,\n".encode(),
        region="320600", catalog_id="nantong-2026", title="南通市2026年目录",
    )  # fmt: skip
    pages = {
        nantong_staff: [
            "/office/standards/",
            "/office/standards/320600/standard.skill_level.A.level_3/",
            "/office/standards/320600/new-period/?since=2026-01-01",
        ],
        admin: [
            f"/office/versions/{draft.pk}/",
            f"/office/uploads/{upload.pk}/",
            "/office/standards/?region=320600",
        ],
    }
    problems = {}
    for user, urls in pages.items():
        client = client_for(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            if found := leaks(response.content.decode()):
                problems[url] = found
    assert problems == {}


def test_the_crawler_catches_each_kind_of_leak() -> None:
    assert leaks("<p>input_missing</p>") == ["'input_missing' in 'input_missing'"]
    assert len(leaks("<li>standard.skill_level.A.level_3</li>")) == 3  # a rule key, two snake_case parts
    assert leaks("<td>000_d6c6a123f4673bde.txt · 附件4</td>")[0].startswith("'000_d6c6a123f4673bde.txt'")
    assert leaks("<p>code 4-03-02-05 is named differently elsewhere</p>") != []
    assert leaks('<p title="input_missing">缺少信息</p><pre>curl /api/v1/search?q=焊工</pre>') == []


def test_english_pages_show_reasons_in_english(client: Client) -> None:
    html = client.get("/en" + CALCULATOR.format(on="2026-03-01", occ="焊工")).content.decode()
    reasons = html[
        html.index('<ul class="reasons">') : html.index("</ul>", html.index('<ul class="reasons">'))
    ]
    assert "No catalog or standard is in force on this date: no answer can be given" in reasons
    assert re.search(r"[\u4e00-\u9fff]", reasons) is None  # no Chinese reason on the English page


def test_every_shipped_reading_assumption_reads_in_chinese() -> None:
    from django.utils import translation

    from catalogs.selectors import current_dataset

    with translation.override("zh-hans"):
        untranslated = {
            a for c in current_dataset().catalogs for a in c.assumptions if translation.gettext(a) == a
        }
    assert untranslated == set()
