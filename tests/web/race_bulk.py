"""Race two bulk moves (common.transitions.change_states) against one single move per record, round
after round, and report what each round left: every record must be moved by exactly one of them.

Each round submits K claims of the claims world (district review), then starts at one barrier: two
district reviewers passing all K at once (the set-based move, in opposite orders) and K threads each
rejecting one claim (the single move). Run by test_web_bulk_transitions.py in a subprocess with
DATABASE_URL set, so that the threads share a real database (a file for SQLite, a server for
PostgreSQL), each with its own connection. Prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import threading
from datetime import date
from typing import Any

import django

django.setup()

import claims_world  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Role  # noqa: E402
from accounts.services import staff_create  # noqa: E402
from audit.models import AuditRecord  # noqa: E402
from audit.selectors import chain_verdict  # noqa: E402
from catalogs.services import dataset_import  # noqa: E402
from claims import services  # noqa: E402
from claims.models import Claim  # noqa: E402
from common.errors import Conflict  # noqa: E402
from common.transitions import Item, change_state, change_states  # noqa: E402
from skillsubsidy.catalog.dataset import load_dataset  # noqa: E402
from skillsubsidy.claims.lifecycle import CLAIM  # noqa: E402

SCHOOL = services.PayeeInput("institution_account", "310012345678", "南通市示范职业培训学校")


def _bulk(
    actor: Any, pks: list[int], barrier: threading.Barrier, won: dict[int, list[str]], tag: str
) -> None:
    try:
        items = [Item(pk, f"pass {pk}", claims_world.REGION) for pk in pks]
        barrier.wait()
        moved = change_states(
            model=Claim, items=items, machine=CLAIM, action="pass_district", actor=actor, reason=""
        )
        for pk in moved.moved:
            won[pk].append(tag)
        for pk, refusal in moved.refused.items():
            if not isinstance(refusal, Conflict):
                won[pk].append(f"error: {refusal!r}")
    except Exception as exc:  # reported, so the test shows what else went wrong
        for pk in pks:
            won[pk].append(f"error: {type(exc).__name__}: {exc}")
    finally:
        connection.close()


def _single(actor: Any, pk: int, barrier: threading.Barrier, won: dict[int, list[str]]) -> None:
    try:
        barrier.wait()
        change_state(model=Claim, pk=pk, machine=CLAIM, action="reject_district", actor=actor,
                     reason="race", summary=f"reject {pk}", region=claims_world.REGION)  # fmt: skip
        won[pk].append("single")
    except Conflict:
        pass
    except Exception as exc:
        won[pk].append(f"error: {type(exc).__name__}: {exc}")
    finally:
        connection.close()


def main(rounds: int, per_round: int) -> dict[str, object]:
    call_command("migrate", verbosity=0)
    dataset_import(dataset=load_dataset())
    world = claims_world.build(trainees=rounds * per_round)
    reviewers = [
        staff_create(username=f"district{i}", password="race-only-Pw-41x", role=Role.DISTRICT_BUREAU,
                     region=claims_world.REGION, actor=None)
        for i in range(2)
    ]  # fmt: skip
    report: list[dict[str, object]] = []
    for n in range(rounds):
        pks = [
            services.claim_submit(actor=world.clerk, certificate_no=world.certificate(i), payee=SCHOOL,
                                  pledge_signed=True, today=date(2025, 9, 1)).pk
            for i in range(n * per_round, (n + 1) * per_round)
        ]  # fmt: skip
        won: dict[int, list[str]] = {pk: [] for pk in pks}
        barrier = threading.Barrier(2 + len(pks))
        threads = [
            threading.Thread(target=_bulk, args=(reviewers[0], pks, barrier, won, "bulk")),
            threading.Thread(target=_bulk, args=(reviewers[1], pks[::-1], barrier, won, "bulk")),
            *(threading.Thread(target=_single, args=(reviewers[0], pk, barrier, won)) for pk in pks),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        states = dict(Claim.objects.filter(pk__in=pks).values_list("pk", "status"))
        audits = AuditRecord.objects.filter(
            action__in=("claim.pass_district", "claim.reject_district"), target_id__in=[str(pk) for pk in pks]
        )
        report.append({
            "winners_per_claim": sorted({len(w) for w in won.values()}),
            "errors": [w for ws in won.values() for w in ws if w.startswith("error")],
            "state_agrees": all(
                states[pk] == ("rejected" if w == ["single"] else "city_review") for pk, w in won.items()
            ),
            "audit_rows": audits.count() == len(pks),
            "single_wins": sum(w == ["single"] for w in won.values()),
        })  # fmt: skip
    return {"vendor": connection.vendor, "rounds": report, "audit_chain": chain_verdict().describe()}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
