"""English claim pages speak English (issue 12, and issue 8 point 6: "`/en/` is English throughout"): a
crawler reads the /en/ claim pages of the back office, the institution's workspace and the portal as
the people who use them, and fails on Chinese that is not data (names of people, institutions, classes,
occupations, regions, catalogs and documents, and what people wrote). The refusals of the claim
services read in the page's language too, while the API keeps the Chinese its documentation shows."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from functools import cache

import claims_world
import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from test_web_chinese_only import _nantong_claims, visible_text
from web_support import client_for

from audit.models import AuditRecord
from catalogs.selectors import current_dataset
from claims import services
from claims.models import Claim, Objection, SupervisionCertificate
from classes.models import Trainee, TrainingClass
from institutions.models import Institution
from skillsubsidy.regions import all_regions
from standards.present import titled

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]+")
HREF = re.compile(r'href="(/en/[^"#]*)"')
CLAIM_PAGES = (
    "/en/claims",
    "/en/office/claims",
    "/en/office/workspace/claims",
    "/en/office/workspace/tokens",
)
NOT_PAGES = re.compile(r"download|/export/|\.csv|\.xlsx")


@cache
def _shipped() -> str:
    catalogs = current_dataset().catalogs
    names = [c.title for c in catalogs] + [e.name for c in catalogs for e in c.entries]
    regions = [f"{r.name}\n{r.qualified}" for r in all_regions().values()]
    return "\n".join([*names, *regions, "简体中文"])  # the language switch names Chinese in Chinese


def _data() -> str:
    """What people and records put on the pages: it is shown as written, in any language."""
    rows = [
        *Institution.objects.values_list("name", flat=True),
        *TrainingClass.objects.values_list("title", flat=True),
        *Trainee.objects.values_list("name", flat=True),
        *Claim.objects.values_list("person_name", flat=True),
        *Claim.objects.values_list("payee_name", flat=True),
        *Claim.objects.values_list("occupation", flat=True),
        *(v for c in Claim.objects.values_list("corrections", flat=True) for v in c.values()),
        *(v for e in Claim.objects.values_list("evidence", flat=True) for v in e.values()),
        *(f"{o.text}\n{o.answer}\n{o.raised_by_masked}" for o in Objection.objects.all()),
        *(f"{s.unit}\n{s.number}" for s in SupervisionCertificate.objects.all()),
        *AuditRecord.objects.values_list("reason", flat=True),
    ]
    # A trace step's source is the document's own sentence, cited under its printed title.
    cited = [
        titled(s["source"]) for d in Claim.objects.values_list("decision", flat=True) for s in d["trace"]
    ]
    return "\n".join(rows + cited) + "\n" + _shipped()


def _chinese_not_data(html: str, data: str) -> list[str]:
    return [t for t in visible_text(html) if any(run not in data for run in HAN.findall(t))]


def _crawl(client: Client, starts: list[str]) -> tuple[int, dict[str, list[str]]]:
    queue, seen, shapes, problems = list(starts), set(), Counter[str](), {}
    while queue:
        url = queue.pop(0).replace("&amp;", "&")
        shape = re.sub(r"\d+", "N", url.split("?")[0])
        if url in seen or NOT_PAGES.search(url) or shapes[shape] >= 2:
            continue
        seen.add(url)
        shapes[shape] += 1
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if found := _chinese_not_data(html, _data()):
            problems[url] = found
        queue += [h for h in HREF.findall(html) if h.startswith(CLAIM_PAGES)]
    return len(seen), problems


def _world() -> dict[str, AbstractUser]:
    """The Nantong claims of the Chinese crawl, one of them returned with a comment, and a prison's
    class whose claims show a mismatch and then the supervising unit's certificate."""
    people = _nantong_claims()
    returned = Claim.objects.filter(channel="institution", status="district_review").first()
    assert returned is not None
    services.claim_return(actor=people["district"], pk=returned.pk, corrections={"payee": "请核对对公账号"})
    prison = claims_world.build(tag="-p", trainees=2, short=(1,), uscc_serial=3)
    TrainingClass.objects.filter(pk=prison.klass.pk).update(special_group="inmate_or_rehab")
    payee = services.PayeeInput("institution_account", "310012345678", prison.institution.name)
    for i in (0, 1):
        services.claim_submit(
            actor=prison.clerk, certificate_no=prison.certificate(i), payee=payee, pledge_signed=True,
            today=date(2025, 9, 1),
        )  # fmt: skip
    people["prison clerk"] = prison.clerk
    return people


def test_the_english_claim_pages_have_no_chinese_but_data() -> None:
    people = _world()
    walks = [
        (None, ["/en/claims/", "/en/claims/notice/", "/en/claims/figures/", "/en/claims/register/"]),
        (people["district"], ["/en/office/claims/"]),
        (people["city"], ["/en/office/claims/", "/en/office/claims/dashboard/", "/en/office/claims/notice/",
                          "/en/office/claims/batches/"]),
        (people["clerk"], ["/en/office/workspace/claims/", "/en/office/workspace/tokens/"]),
        (people["prison clerk"], ["/en/office/workspace/claims/"]),
        (people["worker"], ["/en/claims/", "/en/claims/tokens/"]),
    ]  # fmt: skip
    read, problems = 0, {}
    for user, starts in walks:
        pages, found = _crawl(client_for(user), starts)
        read += pages
        problems.update(found)
    assert problems == {}, "\n".join(f"{u}: {p}" for u, p in problems.items())
    assert read > 15  # the walk reached the claims themselves, not only the lists


def test_a_claims_page_in_english_shows_the_mismatch_the_trace_and_the_certificate_in_english() -> None:
    people = _world()
    short = Claim.objects.get(mismatch_count=1)
    page = client_for(people["district"]).get(f"/en/office/claims/{short.pk}/").content.decode()
    assert "The class is of a special group: its attendance or video records are incomplete" in page
    assert "Standard for a skill-level certificate, category A, level 4" in page or "1500.00" in page
    assert "No certificate of the supervising unit is recorded." in page
    zh = client_for(people["district"]).get(f"/office/claims/{short.pk}/").content.decode()
    assert "特殊群体培训的出勤或视频记录不全，且未登记主管单位出具的证明" in zh
    assert "尚未登记主管单位出具的证明。" in zh


def test_a_refusal_reads_in_the_pages_language_and_the_api_keeps_its_documented_chinese(
    client: Client,
) -> None:
    world = claims_world.build()
    posted = {"certificate_no": "NOPE-1", "payee_kind": "institution_account",
              "payee_account": "310012345678", "payee_name": "学校", "pledge_signed": "1"}  # fmt: skip
    clerk = client_for(world.clerk)
    en = clerk.post("/en/office/workspace/claims/", posted).content.decode()
    assert (
        "No assessment result holds the certificate number “NOPE-1” (or it is not the claimant&#x27;s)." in en
    )
    zh = clerk.post("/office/workspace/claims/", posted).content.decode()
    assert "没有考核结果载有证书编号“NOPE-1”（或该证书不属于申领人）" in zh
    bad_card = {**posted, "certificate_no": world.certificate(0), "payee_account": "12"}
    en = clerk.post("/en/office/workspace/claims/", bad_card).content.decode()
    assert "A corporate account number has 8 to 30 digits (given: ****)" in en
    from accounts.services import token_create

    token = token_create(user=world.clerk, name="system")[1]
    body = {"certificate_no": "NOPE-1", "payee": {"kind": "institution_account", "account": "310012345678",
                                                  "name": "学校"}, "pledge_signed": True}  # fmt: skip
    answer = client.post(
        "/api/v1/claims", body, content_type="application/json", headers={"Authorization": f"Bearer {token}",
                                                                          "Accept-Language": "en"},
    )  # fmt: skip
    assert answer.json()["error"]["message"] == "没有考核结果载有证书编号“NOPE-1”（或该证书不属于申领人）"
    assert Claim.objects.count() == 0
