"""Chinese pages speak Chinese: a crawler reads the text a person sees on the portal, on the back-office
pages of catalogs, uploads and standards, and on the pages of institutions, calls, classes and claims
(public, back office, the institution clerk's workspace, the worker's portal), as the roles that use
them, and fails on an untranslated identifier (issue 8, point 6): a snake_case code, a rule key, a
source file name, or an English sentence. Tooltips (`title` attributes) may hold the keys; code
samples (`pre`) are exempt.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date
from html.parser import HTMLParser

import claims_world
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.management import call_command
from django.test import Client
from stdnum.cn import uscc
from web_support import client_for, make_staff

from accounts.models import Role
from audit.models import AuditRecord
from catalogs.services import draft_from_published
from catalogs.uploads import upload_create
from claims import services as claims
from institutions.models import Institution
from portal.templatetags.readable import action_label

pytestmark = pytest.mark.django_db

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
RULE_KEY = re.compile(r"\b[a-z_]+\.[a-z_]+(?:\.[A-Za-z0-9_]+)*\b")
SOURCE_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?:[ ,;:']+[A-Za-z]{2,}){3,}")
# What Chinese pages rightly show in Latin letters: standard names, formats, course names, units, and
# the e-mail and web addresses people give.
ALLOWED = re.compile(
    r"GB/T \d+|SYB|GYB|IYB|EYB|API|JSON|XLSX|CSV|PDF|DOCX|sha256|v\d+|Swagger|OpenAPI"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://[\w./-]+"
)


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
    "/quality/",
    "/quality/?seed=001_f43d9e28fbbbc3d8.txt&kind=serial_gap",
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


# -- the workflow pages: institutions, calls, classes and claims ------------------------------------

HREF = re.compile(r'href="(/[^"#]*)"')
# Downloads, the English site, the API and actions that reveal personal data are not pages to read.
NOT_PAGES = re.compile(
    r"^/(?:en|static|api)/|logout|download|\.xlsx|\.csv|\.pdf|/export/|/reveal/|/attachments/"
)
WORKFLOW = ("/office/", "/institutions", "/calls", "/claims")


def _crawl(client: Client, starts: list[str], *, per_pattern: int = 2) -> tuple[int, dict[str, list[str]]]:
    """Follow the links of the workflow pages from `starts`, reading at most `per_pattern` pages of each
    shape (`/office/claims/N/`), and return how many pages were read and the leaks on each."""
    queue, seen, shapes, problems = list(starts), set(), Counter[str](), {}
    while queue:
        url = queue.pop(0).replace("&amp;", "&")
        shape = re.sub(r"\d+", "N", url.split("?")[0])
        if url in seen or NOT_PAGES.search(url) or shapes[shape] >= per_pattern:
            continue
        seen.add(url)
        shapes[shape] += 1
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if found := leaks(html):
            problems[url] = found
        queue += [h for h in HREF.findall(html) if h.startswith(WORKFLOW)]
    return len(seen), problems


def _nantong_claims() -> dict[str, AbstractUser]:
    """claims_world's closed 砌筑工 class in 崇川区 under a registered institution, with two claims its
    clerk made, one a worker made, one approved into its notice with an objection raised, and a worker
    account: the claim pages as their people see them."""
    first17 = f"52{claims_world.REGION}MJC00009".ljust(17, "0")
    institution = Institution.objects.create(
        name="南通市示范职业培训学校", uscc=first17 + uscc.calc_check_digit(first17), kind="hr_approved",
        region=claims_world.REGION, address="南通市崇川区工农路1号", legal_rep_name="周明",
        contact_name="吴丽", contact_phone_sealed="", contact_phone_masked="138****0000", status="listed",
    )  # fmt: skip
    world = claims_world.build(institution=institution)
    district = make_staff("chongchuan", Role.DISTRICT_BUREAU, claims_world.REGION)
    city = make_staff("nantong", Role.CITY_BUREAU, "320600")
    by_clerk = [
        claims.claim_submit(
            actor=world.clerk,
            certificate_no=world.certificate(i),
            pledge_signed=True,
            today=date(2025, 9, 1),
            payee=claims.PayeeInput("institution_account", "310012345678", institution.name),
        )
        for i in (0, 1)
    ]
    worker = claims.worker_register(
        username="lina", password=claims_world.PASSWORD, name="李娜", id_number=claims_world.id_number(103)
    )
    claims.claim_submit(
        actor=worker.user, certificate_no=world.certificate(2), today=date(2025, 9, 1),
        payee=claims.PayeeInput("bank_card", "6222021234567890128", "李娜"),
    )  # fmt: skip
    claims.notice_setting_set(
        actor=city, region="320600", effective_from=date(2025, 1, 1), working_days=5, reason="局务会决定"
    )
    claims.claim_pass_district(actor=district, pk=by_clerk[0].pk)
    approved = claims.claim_approve(actor=city, pk=by_clerk[0].pk, today=date(2025, 9, 30))
    claims.objection_raise(
        claim_number=approved.number, text="此人未参加培训", raised_by="群众", today=date(2025, 10, 1)
    )
    return {"district": district, "city": city, "clerk": world.clerk, "worker": worker.user}


def test_the_pages_of_institutions_calls_classes_and_claims_have_no_untranslated_identifier() -> None:
    call_command("load_demo", stdout=io.StringIO())  # Guangzhou's institutions, call and classes
    nantong = _nantong_claims()
    users = get_user_model().objects
    bureau = ["/office/", "/office/institutions/", "/office/calls/", "/office/classes/", "/office/audit/"]
    workspace = ["/office/workspace/", "/office/workspace/classes/", "/office/workspace/calls/"]
    walks: list[tuple[AbstractUser | None, list[str]]] = [
        (None, ["/institutions/", "/institutions/removed/", "/calls/", "/claims/notice/", "/claims/figures/",
                "/claims/register/"]),
        (users.get(username="demo-guangzhou"), bureau),
        (users.get(username="demo-440106"), bureau),
        (users.get(username="demo-clerk-1"), workspace),
        (users.get(username="demo-clerk-4"), workspace),
        (nantong["district"], ["/office/claims/"]),
        (nantong["city"], ["/office/claims/", "/office/claims/dashboard/", "/office/claims/notice/",
                           "/office/claims/batches/"]),
        (nantong["clerk"], ["/office/workspace/", "/office/workspace/claims/"]),
        (nantong["worker"], ["/claims/"]),
    ]  # fmt: skip
    read, problems = 0, {}
    for user, starts in walks:
        pages, found = _crawl(client_for(user), starts)
        read += pages
        problems.update(found)
    assert problems == {}
    assert read > 150  # the walk reached the pages, not only the lists


def test_every_audit_action_of_the_workflows_reads_in_words() -> None:
    call_command("load_demo", stdout=io.StringIO())
    _nantong_claims()
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert len(actions) > 60
    assert sorted(a for a in actions if action_label(a) == a) == []
