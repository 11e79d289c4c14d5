"""`manage.py load_demo` (`make demo`): a demo city through the services, marked, loaded once."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditRecord
from institutions.models import Clerk, Institution

pytestmark = pytest.mark.django_db


def test_the_demo_puts_guangzhou_institutions_in_every_state_through_the_services() -> None:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert out.getvalue().strip() == (
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
        c.user.username: c.institution.status for c in Clerk.objects.select_related("user", "institution")
    }
    assert sorted(clerks.values()) == ["listed", "listed", "listed", "suspended"]


def test_a_second_load_is_refused_and_changes_nothing() -> None:
    call_command("load_demo", stdout=io.StringIO())
    before = (Institution.objects.count(), AuditRecord.objects.count())
    with pytest.raises(CommandError, match="the demo is already loaded"):
        call_command("load_demo", stdout=io.StringIO())
    assert (Institution.objects.count(), AuditRecord.objects.count()) == before
