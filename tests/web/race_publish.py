"""Race concurrent publications of one draft, round after round, and report what each round left.

Run by test_web_transitions.py in a subprocess with DATABASE_URL set, so that the threads share a
real database (a file for SQLite, a server for PostgreSQL) rather than the test run's in-memory one.
Each thread has its own connection, as each request of a threaded server has. Prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import threading
from datetime import date

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Role  # noqa: E402
from accounts.services import staff_create  # noqa: E402
from audit.models import AuditRecord  # noqa: E402
from audit.selectors import chain_verdict  # noqa: E402
from catalogs.models import CatalogVersion  # noqa: E402
from catalogs.services import dataset_import, draft_from_published, draft_publish  # noqa: E402
from common.actor import Actor  # noqa: E402
from common.errors import Conflict  # noqa: E402
from skillsubsidy.catalog.dataset import load_dataset  # noqa: E402

CATALOG = "nantong-2025-shortage"  # the smallest shipped catalog: 27 rows to copy per round


def _publish(pk: int, actor: Actor, barrier: threading.Barrier, outcomes: list[str]) -> None:
    try:
        version = CatalogVersion.objects.get(pk=pk)
        barrier.wait()
        draft_publish(version=version, actor=actor, effective_from=date(2025, 1, 1), reason="race")
        outcomes.append("won")
    except Conflict:
        outcomes.append("conflict")
    except Exception as exc:  # reported, so the test shows what else went wrong
        outcomes.append(f"error: {type(exc).__name__}: {exc}")
    finally:
        connection.close()


def main(rounds: int, threads: int) -> dict[str, object]:
    call_command("migrate", verbosity=0)
    dataset_import(dataset=load_dataset())
    staff = [
        staff_create(username=f"racer{i}", password="race-only-Pw-41x", role=Role.CITY_BUREAU,
                     region="320000", actor=None)
        for i in range(threads)
    ]  # fmt: skip
    report: list[dict[str, object]] = []
    for n in range(rounds):
        draft = draft_from_published(catalog_id=CATALOG, actor=staff[0], reason=f"round {n}")
        barrier = threading.Barrier(threads)
        outcomes: list[str] = []
        workers = [
            threading.Thread(target=_publish, args=(draft.pk, staff[i], barrier, outcomes))
            for i in range(threads)
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        audits = AuditRecord.objects.filter(action="catalog.publish", target_id=str(draft.pk))
        report.append({
            "outcomes": sorted(outcomes),
            "audit_rows": audits.count(),
            "status": CatalogVersion.objects.get(pk=draft.pk).status,
        })  # fmt: skip
    return {"vendor": connection.vendor, "rounds": report, "audit_chain": chain_verdict().describe()}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
