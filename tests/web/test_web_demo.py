"""`manage.py load_demo` (`make demo`): a demo city through the services, marked, loaded once.

The clock is set in-process: to a day whose year and the weeks after it the shipped working-day
calendar covers (2004–2026), so that these tests mean the same in any year, and, for the dated-back
demo, to days whose following weeks fall in 2027, for which no holiday notice is shipped."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from audit.models import AuditRecord
from calendars.models import CalendarYear
from catalogs.models import CatalogVersion
from claims.models import Claim, Objection, PaymentBatch
from classes import selectors
from classes.models import TrainingClass
from institutions.models import Clerk, Institution
from standards.models import StandardValue
from standards.selectors import generation

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _clock(day: date) -> time_machine.travel:
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=True)


@pytest.fixture(autouse=True)
def covered_clock() -> Iterator[None]:
    """A Monday in June 2026: the demo's classes (up to 21 days ahead) and notices fall in 2026. A test
    that sets another day travels on from here."""
    with _clock(date(2026, 6, 1)):
        yield


def test_the_demo_puts_guangzhou_institutions_in_every_state_through_the_services() -> None:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    # Today is covered, so the demo is dated today and says nothing about the calendar.
    assert not any(line.startswith("演示数据的日期") for line in out.getvalue().splitlines())
    assert out.getvalue().strip().splitlines()[0] == (
        "demo loaded: 11 institutions (applied 1, listed 3, proposed 1, rejected 1, removed 1, returned 1, "
        "suspended 1, under_review 1, withdrawn 1)"
    )
    rows = Institution.objects.all()
    assert all(i.demo and i.name.startswith("【演示】") and i.region.startswith("4401") for i in rows)
    listed = Institution.objects.get(name="【演示】天河区焊接职业培训学校")
    assert [(a.occupation, a.level) for a in listed.approvals.all()] == [("焊工", 3), ("焊工", 4)]
    # 8/10·30 + 8/10·25 + 8/10·25 + 6/10·10 + 9/10·10 against the example criteria
    assert (listed.inspections.get().result, listed.evaluations.get().total) == ("passed", 79)
    assert listed.findings.count() == 2 and listed.bases.count() == 1
    removed = Institution.objects.get(status="removed")
    assert removed.credit_events.get().kind == "serious_violation"
    # Every write left its audit row, by a named demo account.
    moves = AuditRecord.objects.filter(action="institution.list")
    assert sorted(m.actor_name for m in moves) == ["demo-guangzhou"] * 5
    # The listed and suspended institutions each have a clerk, who lands on its own workspace.
    clerks = {
        c.user.username: c.institution.status
        for c in Clerk.objects.select_related("user", "institution").filter(
            user__username__startswith="demo-clerk-"
        )
    }
    assert sorted(clerks.values()) == ["listed", "listed", "listed", "suspended"]


def test_a_second_load_is_refused_and_changes_nothing() -> None:
    call_command("load_demo", stdout=io.StringIO())
    before = (Institution.objects.count(), AuditRecord.objects.count())
    with pytest.raises(CommandError, match="the demo is already loaded"):
        call_command("load_demo", stdout=io.StringIO())
    assert (Institution.objects.count(), AuditRecord.objects.count()) == before


def test_the_demo_has_a_class_in_every_state_filed_by_the_demo_clerks() -> None:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert out.getvalue().strip().splitlines()[2] == (
        "demo classes: 9 (assessed 1, cancelled 1, closed 1, draft 1, filed 1, finished 1, running 2, "
        "suspended 1)"
    )
    # The claims part publishes its own demo catalog period first (claims.demo_standards), so the
    # engine prices every demo certificate; the output says so.
    assert (
        out.getvalue()
        .strip()
        .splitlines()[3]
        .startswith(
            "demo catalog period: 【演示】广州市补贴性职业技能培训目录（演示用，非正式文件） (guangzhou-demo)"
        )
    )
    classes = TrainingClass.objects.all()
    assert all(c.demo and c.title.startswith("【演示】") for c in classes)
    assert {a.actor_name for a in AuditRecord.objects.filter(action="class.file")} <= {
        "demo-clerk-1",
        "demo-clerk-2",
        "demo-clerk-3",
        "demo-clerk-4",
    }
    # The running class of the institution suspended again is flagged on the bureau's pages.
    flagged = [c for c in classes.select_related("institution") if selectors.institution_flag(c)]
    assert [(c.title, c.status, c.institution.status) for c in flagged] == [
        ("【演示】家政服务员四级（中级工）班", "running", "suspended")
    ]
    closed = TrainingClass.objects.get(status="closed")
    # 12 trainees, every fifth failed: 10 passed, so the public page shows its figures.
    out_ = selectors.public_outcomes(closed.institution)
    assert (out_.trainees, out_.suppressed) == (12 + 6 + 8 + 10, False)


def test_the_demo_has_claims_in_every_state_at_the_engines_amounts(settings: Any) -> None:
    # As served: a quote may lag a publication by the generation check (ADR 0011), but a claim's
    # decision must not, or the demo's claims, made right after its standards, find none.
    settings.GENERATION_CHECK_SECONDS = 3600.0
    generation.expire()
    # Nothing of the demo's catalog period exists before the demo is loaded.
    assert not CatalogVersion.objects.filter(title__startswith="【演示】").exists()
    assert not StandardValue.objects.filter(source__startswith="【演示】").exists()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert out.getvalue().strip().splitlines()[4] == (
        "demo claims: 10 (batched 2, city_review 1, district_review 1, notice 2, paid 1, payable 1, "
        "rejected 1, returned 1); payment batches: 2"
    )
    demo = CatalogVersion.objects.get(catalog_id="guangzhou-demo")
    assert (demo.status, demo.region, demo.effective_from) == (
        "published",
        "440100",
        date(2025, 1, 1),
    )
    assert all(v.source.startswith("【演示】") for v in StandardValue.objects.filter(region="440100"))
    claims = Claim.objects.all()
    assert all(c.demo for c in claims) and all(b.demo for b in PaymentBatch.objects.all())
    # 焊工 (6-18-02-04, 002 · 附件5 · line 1347) level 4, category A in the demo period: 1,500 元, the
    # demo's borrowed standard (000 · 附件1 · A类 · 中级（四级） · line 27), frozen with its trace.
    assert {c.amount_fen for c in claims} == {150000}
    assert all(c.decision["trace"][-1]["value"] == "1500.00 元" for c in claims)
    assert {c.channel for c in claims} == {"institution", "worker"}
    # One claim was paid, one failed at the bank and went into the second batch, with an objection
    # open on one claim on notice and one answered (dismissed) on the payable claim.
    first, second = PaymentBatch.objects.order_by("pk")
    assert (first.status, second.status) == ("reconciled", "exported")
    assert sorted(first.lines.values_list("outcome", flat=True)) == ["failed", "paid"]
    failed = first.lines.get(outcome="failed").claim
    assert second.lines.filter(claim=failed, attempt=2).exists() and failed.status == "batched"
    assert Objection.objects.filter(status="open", claim__status="notice").count() == 1
    assert Objection.objects.filter(status="dismissed", claim__status="payable").count() == 1
    # The mismatch stays on the claims in district review and returned; the others passed matching
    # after the district confirmed the trainee's completion by hand.
    short = {c.status for c in claims if c.mismatch_count}
    assert short == {"district_review", "returned", "rejected"}


# 2026-12-10 is the latest day whose class still to start (21 days on: 2026-12-31) and whose notice of
# 5 working days (to 2026-12-17) the 2026 calendar covers. On 2026-12-28 that notice has ended but the
# class is still open for enrolment; on 2027-01-15 the class has started too.
@pytest.mark.parametrize(
    ("today", "seen"),
    [
        (date(2026, 12, 28), "2 条公示中的演示申领公示期已满，门户不再接受对其的异议"),
        (
            date(2027, 1, 15),
            "2 条公示中的演示申领公示期已满，门户不再接受对其的异议，"
            "1 个演示班级已过开班日期，门户不再列为可报名",
        ),
    ],
)
def test_without_the_calendar_of_the_weeks_ahead_the_demo_is_dated_back_and_says_so(
    today: date, seen: str
) -> None:
    out = io.StringIO()
    with _clock(today):
        call_command("load_demo", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == (
        "演示数据的日期以 2026-12-10 为准：工作日历尚无 2027 年的节假日安排（请在后台录入国务院办公厅"
        f"关于2027年部分节假日安排的通知后重新载入）；按今天（{today}）看，{seen}。"
    )
    # Everything else loads as on a covered day, dated from 2026-12-10.
    assert lines[2] == (
        "demo classes: 9 (assessed 1, cancelled 1, closed 1, draft 1, filed 1, finished 1, running 2, "
        "suspended 1)"
    )
    assert lines[4].startswith("demo claims: 10 (")
    filed = TrainingClass.objects.get(status="filed")
    assert filed.start == date(2026, 12, 31)
    assert {c.notice_until for c in Claim.objects.filter(status="notice")} == {date(2026, 12, 17)}
    assert CatalogVersion.objects.get(catalog_id="guangzhou-demo").effective_from == date(2025, 1, 1)
    # Nothing was made up for 2027: the calendar still has no such year.
    assert not CalendarYear.objects.filter(year=2027).exists()
