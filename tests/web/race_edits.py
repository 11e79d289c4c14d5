"""Race one publication of a draft against seven corrections of its rows, round after round, and
report whether a published version's rows changed after it showed `published`.

Run by test_web_transitions.py in a subprocess with DATABASE_URL set, as race_publish.py is: each
thread has its own connection to a real database, as each request of a threaded server has. Every
editor reads its row (and the row's revision) before the start line, as a person who opened the form
before the publication did. Prints one JSON object.
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
from catalogs.models import CatalogVersion, Entry  # noqa: E402
from catalogs.services import dataset_import, draft_from_published, draft_publish, entry_update  # noqa: E402
from common.actor import Actor  # noqa: E402
from common.errors import Conflict  # noqa: E402
from skillsubsidy.catalog.dataset import load_dataset  # noqa: E402

CATALOG = "nantong-2025-shortage"  # the smallest shipped catalog: 27 rows to copy per round

Rows = list[tuple[int, str, int]]


def _rows(pk: int) -> Rows:
    return list(
        Entry.objects.filter(version_id=pk).order_by("pk").values_list("pk", "industry_class", "revision")
    )


def _publish(pk: int, actor: Actor, barrier: threading.Barrier, out: dict[str, object]) -> None:
    try:
        version = CatalogVersion.objects.get(pk=pk)
        barrier.wait()
        draft_publish(version=version, actor=actor, effective_from=date(2025, 1, 1), reason="race")
        # Committed: what the version holds the moment it shows `published`.
        out["at_publication"] = _rows(pk)
        out["publish"] = "won"
    except Exception as exc:  # reported, so the test shows what went wrong
        out["publish"] = f"error: {type(exc).__name__}: {exc}"
    finally:
        connection.close()


def _edit(entry_pk: int, value: str, actor: Actor, barrier: threading.Barrier, outcomes: list[str]) -> None:
    try:
        entry = Entry.objects.select_related("version").get(pk=entry_pk)
        barrier.wait()
        entry_update(
            entry=entry,
            actor=actor,
            changes={"industry_class": value},
            reason="race",
            revision=entry.revision,
        )
        outcomes.append("saved")
    except Conflict:
        outcomes.append("conflict")
    except Exception as exc:
        outcomes.append(f"error: {type(exc).__name__}: {exc}")
    finally:
        connection.close()


def main(rounds: int, editors: int) -> dict[str, object]:
    call_command("migrate", verbosity=0)
    dataset_import(dataset=load_dataset())
    staff = [
        staff_create(username=f"racer{i}", password="race-only-Pw-41x", role=Role.CITY_BUREAU,
                     region="320000", actor=None)
        for i in range(editors + 1)
    ]  # fmt: skip
    report: list[dict[str, object]] = []
    for n in range(rounds):
        draft = draft_from_published(catalog_id=CATALOG, actor=staff[0], reason=f"round {n}")
        targets = list(Entry.objects.filter(version=draft).order_by("position").values_list("pk", flat=True))
        barrier = threading.Barrier(editors + 1)
        published: dict[str, object] = {}
        outcomes: list[str] = []
        workers = [threading.Thread(target=_publish, args=(draft.pk, staff[0], barrier, published))] + [
            threading.Thread(
                target=_edit, args=(targets[i], f"round {n} editor {i}", staff[i + 1], barrier, outcomes)
            )
            for i in range(editors)
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        final = _rows(draft.pk)
        edited = sum(1 for _, text, _ in final if text.startswith(f"round {n} "))
        report.append({
            "publish": published.get("publish"),
            "status": CatalogVersion.objects.get(pk=draft.pk).status,
            "changed_after_publication": published.get("at_publication") != final,
            # Every edit answered "saved" is in the published rows, and no other edit is.
            "saved_edits_published": edited == outcomes.count("saved"),
            "other_outcomes": sorted(o for o in outcomes if o not in ("saved", "conflict")),
        })  # fmt: skip
    return {"vendor": connection.vendor, "rounds": report}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
