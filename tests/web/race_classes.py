"""Race concurrent filings of classes that share one person, round after round: each thread files
its own draft, every draft has the same person on its roster and the same dates, so at most one may
be filed (the overlap check of classes.services, under the person's lock).

Run by test_web_class_race.py in a subprocess with DATABASE_URL set, as race_publish.py is: the
threads share a real database and each has its own connection. Prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import threading
from datetime import date
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).parent))
django.setup()

from class_support import clerk_of, draft, id_number, listed_institution, roster_xlsx  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from catalogs.services import dataset_import  # noqa: E402
from classes import services  # noqa: E402
from classes.models import Trainee, TrainingClass  # noqa: E402
from common.actor import Actor  # noqa: E402
from skillsubsidy.catalog.dataset import load_dataset  # noqa: E402

START, FILED_ON = date(2025, 10, 9), date(2025, 9, 25)


def _file(pk: int, actor: Actor, barrier: threading.Barrier, outcomes: list[str]) -> None:
    try:
        cls = TrainingClass.objects.select_related("institution").get(pk=pk)
        barrier.wait()
        services.class_file(actor=actor, training_class=cls, today=FILED_ON)
        outcomes.append("filed")
    except services.FilingRefused as exc:
        outcomes.append("refused: " + ",".join(sorted({rule for rule, _ in exc.reasons})))
    except Exception as exc:  # reported, so the test shows what else went wrong
        outcomes.append(f"error: {type(exc).__name__}: {exc}")
    finally:
        connection.close()


def main(rounds: int, threads: int) -> dict[str, object]:
    from web_support import make_staff

    from accounts.models import Role

    call_command("migrate", verbosity=0)
    dataset_import(dataset=load_dataset())
    with transaction.atomic():  # as the test run's transaction holds the services the helpers call
        district = make_staff("race-district", Role.DISTRICT_BUREAU, "440106")
        city = make_staff("race-city", Role.CITY_BUREAU, "440100")
        inst = listed_institution(district, city)  # type: ignore[arg-type]
        clerk = clerk_of(inst, district)  # type: ignore[arg-type]
    report: list[dict[str, object]] = []
    for n in range(rounds):
        person = id_number("19900101", 101 + 2 * n)
        drafts = []
        with transaction.atomic():
            for i in range(threads):
                cls = draft(clerk, START, title=f"第{n}轮第{i}班")
                data = roster_xlsx([(f"学员{n}", person)])
                services.roster_upload(actor=clerk, training_class=cls, file_name="r.xlsx", data=data)
                drafts.append(cls.pk)
        barrier = threading.Barrier(threads)
        outcomes: list[str] = []
        workers = [threading.Thread(target=_file, args=(pk, clerk, barrier, outcomes)) for pk in drafts]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        holding = Trainee.objects.filter(
            training_class__pk__in=drafts, training_class__status="filed"
        ).count()
        report.append({"outcomes": sorted(outcomes), "filed_with_the_person": holding})
    return {"vendor": connection.vendor, "rounds": report}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
