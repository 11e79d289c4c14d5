"""Race the project call's decisive moves, round after round, and report what each round left.

Run by test_web_call_races.py in a subprocess with DATABASE_URL set (a file for SQLite, a server for
PostgreSQL), each thread on its own connection as each request of a threaded server is:

- per round, a submitted application is forwarded by two district officers, returned by a third
  and declined by a fourth at the same moment: one move wins, the others are refused;
- per round, one reviewer's review is sent twice at once, and another reviewer declares a conflict
  while sending a review: one review each, and never both a conflict and a review;
- once, two city officers record the collective decision at once: one meeting, one decision per
  application.
Prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import django

django.setup()

sys.path.insert(0, str(Path(__file__).resolve().parent))

from call_support import MARKS, TIANHE, form_for, opened_call  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from stdnum.cn import uscc  # noqa: E402

from accounts.models import Role  # noqa: E402
from accounts.services import staff_create  # noqa: E402
from audit.models import AuditRecord  # noqa: E402
from audit.selectors import chain_verdict  # noqa: E402
from calls import services  # noqa: E402
from calls.models import Application, ConflictDeclaration, Meeting, Review  # noqa: E402
from catalogs.services import dataset_import  # noqa: E402
from common.errors import Conflict  # noqa: E402
from skillsubsidy.catalog.dataset import load_dataset  # noqa: E402

PASSWORD = "race-only-Pw-41x"


def _staff(name: str, role: Role, region: str) -> Any:
    return staff_create(username=name, password=PASSWORD, role=role, region=region, actor=None)


def _run(moves: list[Callable[[], object]]) -> list[str]:
    barrier = threading.Barrier(len(moves))
    outcomes: list[str] = []

    def go(move: Callable[[], object]) -> None:
        try:
            barrier.wait()
            move()
            outcomes.append("won")
        except (Conflict, ValidationError):
            outcomes.append("refused")
        except Exception as exc:  # reported, so the test shows what else went wrong
            outcomes.append(f"error: {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    workers = [threading.Thread(target=go, args=(m,)) for m in moves]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sorted(outcomes)


def main(rounds: int) -> dict[str, object]:
    call_command("migrate", verbosity=0)
    dataset_import(dataset=load_dataset())
    city = _staff("race-city", Role.CITY_BUREAU, "440100")
    other_city = _staff("race-city-2", Role.CITY_BUREAU, "440100")
    officers = [_staff(f"race-tianhe-{i}", Role.DISTRICT_BUREAU, TIANHE) for i in range(4)]
    reviewers = [_staff(f"race-reviewer-{i}", Role.CITY_BUREAU, "440100") for i in range(4)]
    call = opened_call(city)
    report: list[dict[str, object]] = []
    forwarded: list[Application] = []
    for n in range(rounds):
        first17 = f"52{TIANHE}MJR{n:06d}"
        code = first17 + uscc.calc_check_digit(first17)
        name = f"天河区竞速培训学校{n}"
        clerk = services.applicant_register(
            actor=officers[0], call_pk=call.pk, username=f"race-clerk-{n}", password=PASSWORD, name=name,
            uscc=code, kind="hr_approved", region=TIANHE, address="天河区某路1号", legal_rep_name="陈明",
            contact_name="李华", contact_phone="13912345678",
        ).user  # fmt: skip
        form = form_for(TIANHE)
        form["unit"].update({"uscc": code, "name": name})
        pk = services.application_start(actor=clerk, call_pk=call.pk, district=TIANHE, form=form).pk
        services.application_submit(actor=clerk, pk=pk)
        outcomes = _run(
            [
                lambda pk=pk: services.application_forward(actor=officers[0], pk=pk),  # type: ignore[misc]
                lambda pk=pk: services.application_forward(actor=officers[1], pk=pk),  # type: ignore[misc]
                lambda pk=pk: services.application_return(  # type: ignore[misc]
                    actor=officers[2], pk=pk, comments=[("unit.address", "请核实")], reason="race"
                ),
                lambda pk=pk: services.application_decline(actor=officers[3], pk=pk, reason="race"),  # type: ignore[misc]
            ]
        )
        moves = AuditRecord.objects.filter(
            target_id=str(pk),
            action__in=("call_application.forward", "call_application.return", "call_application.decline"),
        )
        status = Application.objects.get(pk=pk).status
        report.append({"district": outcomes, "audit_rows": moves.count(), "moved": status != "submitted"})
        if status == "forwarded":  # a round the return or the decline won leaves nothing to score
            forwarded.append(Application.objects.get(pk=pk))
    services.call_close_applications(actor=city, pk=call.pk)
    services.call_start_city_review(actor=city, pk=call.pk)
    reviews: list[dict[str, object]] = []
    for a in forwarded:
        twice = _run([lambda a=a: services.review_submit(actor=reviewers[0], pk=a.pk, marks=MARKS)] * 2)  # type: ignore[misc]
        both = _run(
            [
                lambda a=a: services.review_submit(actor=reviewers[1], pk=a.pk, marks=MARKS),  # type: ignore[misc]
                lambda a=a: services.conflict_declare(actor=reviewers[1], pk=a.pk, reason="race"),  # type: ignore[misc]
            ]
        )
        reviews.append(
            {
                "twice": twice,
                "reviews_by_first": Review.objects.filter(application=a, reviewer=reviewers[0]).count(),
                "review_or_conflict": both,
                "second_has_both": Review.objects.filter(application=a, reviewer=reviewers[1]).exists()
                and ConflictDeclaration.objects.filter(application=a, reviewer=reviewers[1]).exists(),
            }
        )
        for r in reviewers[2:]:
            services.review_submit(actor=r, pk=a.pk, marks=MARKS)
        if not Review.objects.filter(application=a, reviewer=reviewers[1]).exists():
            services.review_submit(
                actor=_staff(f"race-extra-{a.pk}", Role.CITY_BUREAU, "440100"), pk=a.pk, marks=MARKS
            )
    services.scoring_close(actor=city, call_pk=call.pk)
    choices = [services.ChoiceInput(a.pk, True, "race", 60_000) for a in forwarded]

    def decide(who: Any) -> Callable[[], object]:
        return lambda: services.meeting_record(
            actor=who, call_pk=call.pk, held_on=date(2026, 1, 5), members=["甲", "乙"], choices=choices,
            overrun_reason="race",
        )  # fmt: skip

    meeting = _run([decide(city), decide(other_city)])
    selected_audits = AuditRecord.objects.filter(action="call_application.select").count()
    return {
        "vendor": connection.vendor,
        "rounds": report,
        "reviews": reviews,
        "meeting": meeting,
        "meetings": Meeting.objects.count(),
        "forwarded": len(forwarded),
        "selected_audits": selected_audits,
        "selected": Application.objects.filter(status="selected").count(),
        "audit_chain": chain_verdict().describe(),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
