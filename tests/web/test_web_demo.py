"""`manage.py load_demo` (`make demo`): a demo city through the services, marked, loaded once."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditRecord
from classes import selectors
from classes.models import TrainingClass
from institutions.models import Clerk, Institution

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
    # Guangdong's catalog (002) is in force in 2023 only, so the engine refuses every demo certificate
    # issued now: the claims demo submits them through the service and records the refusals.
    assert out.getvalue().strip().splitlines()[3] == (
        "demo claims: 0; certificates refused by the engine: outside_published_periods 10"
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
