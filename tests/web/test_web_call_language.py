"""The call's refusals speak the page's language and name the field by the label the page shows: a
Chinese page reads Chinese throughout, an English page (/en/) English, and neither shows a field's
code (reference, filed_on, marks…)."""

from __future__ import annotations

import pytest
from call_support import MARKS, through_notice, today
from django.test import Client

from calls.models import ProjectCall

pytestmark = pytest.mark.django_db


def _client(user: object, language: str) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(user)  # type: ignore[arg-type]
    return c


def _messages(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


CODE_SHOWN = 'class="msg-error">reference:'  # the message as it read before: the field's code first


@pytest.mark.parametrize(
    ("prefix", "language", "expected"),
    [
        ("", "zh-hans", "省备案文号：备案文号应为1–100字（填写值：&#x27;&#x27;）"),
        (
            "/en",
            "en",
            "The province&#x27;s reference: The reference must be 1–100 characters (given: &#x27;&#x27;)",
        ),
    ],
)
def test_a_refused_filing_names_the_reference_by_its_label(prefix: str, language: str, expected: str) -> None:
    world = through_notice(started_days_ago=10)
    call = world["call"]
    got = _client(world["city"], language).post(
        f"{prefix}/office/calls/{call.pk}/do/file/",
        {"filed_on": today().isoformat(), "reference": ""},
        follow=True,
    )
    page = _messages(got)
    assert expected in page and CODE_SHOWN not in page
    assert ProjectCall.objects.get(pk=call.pk).status == "notice"


def test_a_state_refusal_reads_english_on_an_english_page_and_chinese_on_a_chinese_one() -> None:
    world = through_notice()
    call, city = world["call"], world["city"]
    url = f"/office/calls/{call.pk}/do/extend/"
    posted = {"deadline": "to_district", "until": today().isoformat(), "reason": "再延期"}
    en = _messages(_client(city, "en").post(f"/en{url}", posted, follow=True))
    assert "The call is “In public notice”: no deadline can be extended." in en
    zh = _messages(_client(city, "zh-hans").post(url, posted, follow=True))
    assert "征集处于“公示中”，不能延期" in zh


def test_a_late_score_is_refused_in_the_reviewers_language_without_a_field_code() -> None:
    world = through_notice()
    url = f"/office/calls/applications/{world['application'].pk}/do/review/"
    posted = {f"points-{m['criterion']}": "8" for m in MARKS} | {
        f"why-{m['criterion']}": "材料齐全" for m in MARKS
    }
    en = _messages(_client(world["city"], "en").post(f"/en{url}", posted, follow=True))
    assert "The call is “In public notice”, not in the city review." in en
    zh = _messages(_client(world["city"], "zh-hans").post(url, posted, follow=True))
    assert "征集处于“公示中”，不在市级评审阶段" in zh
