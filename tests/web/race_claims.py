"""Race 16 submissions of one certificate, half by the worker and half by the institution, round after
round, and report what each round left (issue 12 · 2: exactly one claim, the others refused with the
winner's number).

Run by test_web_claims_race.py in a subprocess with DATABASE_URL set, so that the threads share a real
database (a file for SQLite, a server for PostgreSQL). Each thread has its own connection, as each
request of a threaded server has. Prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import threading
from datetime import date

import django

django.setup()

import claims_world  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from audit.models import AuditRecord  # noqa: E402
from audit.selectors import chain_verdict  # noqa: E402
from catalogs.services import dataset_import  # noqa: E402
from claims import services  # noqa: E402
from claims.errors import DuplicateClaim  # noqa: E402
from claims.models import Claim  # noqa: E402
from common.actor import Actor  # noqa: E402
from skillsubsidy.catalog.dataset import load_dataset  # noqa: E402

CARD = services.PayeeInput("bank_card", "6222021234567890128", "张伟")
SCHOOL = services.PayeeInput("institution_account", "310012345678", "南通市示范职业培训学校")


def _submit(
    actor: Actor,
    certificate: str,
    payee: services.PayeeInput,
    barrier: threading.Barrier,
    outcomes: list[str],
) -> None:
    try:
        barrier.wait()
        services.claim_submit(
            actor=actor, certificate_no=certificate, payee=payee, pledge_signed=True, today=date(2025, 9, 1)
        )
        outcomes.append("created")
    except DuplicateClaim as exc:
        outcomes.append(f"409 {exc.winner}")
    except Exception as exc:  # reported, so the test shows what else went wrong
        outcomes.append(f"error: {type(exc).__name__}: {exc}")
    finally:
        connection.close()


def main(rounds: int, threads: int) -> dict[str, object]:
    call_command("migrate", verbosity=0)
    # Claims are priced by the published catalogs, as after `manage.py bootstrap`.
    dataset_import(dataset=load_dataset())
    world = claims_world.build(trainees=rounds)
    report: list[dict[str, object]] = []
    for n in range(rounds):
        trainee = world.trainees[n]
        worker = services.worker_register(
            username=f"racer{n}",
            password=claims_world.PASSWORD,
            name=trainee.name,
            id_number=claims_world.id_number(n + 101),
        ).user
        certificate = world.certificate(n)
        barrier = threading.Barrier(threads)
        outcomes: list[str] = []
        racers = [
            threading.Thread(
                target=_submit,
                args=(
                    worker if i % 2 else world.clerk,
                    certificate,
                    CARD if i % 2 else SCHOOL,
                    barrier,
                    outcomes,
                ),
            )
            for i in range(threads)
        ]
        for r in racers:
            r.start()
        for r in racers:
            r.join()
        stored = list(Claim.objects.filter(certificate_no=certificate).values_list("number", flat=True))
        pks = [
            str(pk) for pk in Claim.objects.filter(certificate_no=certificate).values_list("pk", flat=True)
        ]
        winner = stored[0] if len(stored) == 1 else None
        report.append({
            "claims": len(stored),
            "created": outcomes.count("created"),
            "refused_naming_the_winner": outcomes.count(f"409 {winner}"),
            "other": [o for o in outcomes if o != "created" and o != f"409 {winner}"],
            "audit_rows": AuditRecord.objects.filter(action="claim.submit", target_id__in=pks).count(),
        })  # fmt: skip
    return {"vendor": connection.vendor, "rounds": report, "audit_chain": chain_verdict().describe()}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
