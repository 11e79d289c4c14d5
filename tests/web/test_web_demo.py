"""`manage.py load_demo` (`make demo`): a demo city through the services, marked, loaded once."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AuditRecord
from catalogs.models import CatalogVersion
from claims.models import Claim, Objection, PaymentBatch
from classes import selectors
from classes.models import TrainingClass
from institutions.models import Clerk, Institution
from standards.models import StandardValue
from standards.selectors import generation

pytestmark = pytest.mark.django_db


def test_the_demo_puts_guangzhou_institutions_in_every_state_through_the_services() -> None:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
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
        date(timezone.localdate().year - 1, 1, 1),
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
