"""Claims on the database (issue 12 · Performance and scale), on PostgreSQL:

- submission throughput (POST /api/v1/claims with a clerk's token: engine decision, matching, the
  never-twice indexes, the audit chain) at 1, 8 and 32 concurrent clients, against the same harness
  calling the app's cheapest endpoint (GET /api/v1/health);
- the district's review list (GET /office/claims/, its first page) p50 and p99, against the health
  endpoint through the same client;
- building a 50,000-line payment batch (claims.services.batch_create), one measurement.

The requests run in process through Django's test client, one thread per client, so the figures are
the application's and the database's, not a web server's. The background claims (`--claims`, spread
over Nantong's districts and states, 50,000 of them payable) and their trainees and results are
bulk-loaded with bulk_create, not through the services: a benchmark of reads and of the batch need
not wait for millions of submissions. The certificates submitted are of closed 60-hour classes with
full attendance, Nantong 2025 砌筑工 level 4 (1,500 元). Figures are printed with the load average,
never asserted. Targets: ≥ 200 submissions/s; review list p99 < 50 ms; the batch in < 10 s.

    SKILLSUBSIDY_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres \\
        python -m benchmarks.bench_claims_db [--claims N] [--submissions N] [--repeat R]

It creates a database of its own on that server and drops it afterwards.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import queue
import secrets
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("SKILLSUBSIDY_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
NANTONG = ("320602", "320611", "320612", "320613", "320614", "320681")
BRICKLAYER = "6-29-01-01"
CLIENTS = (1, 8, 32)
PAYABLE = 50_000


def _args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_claims_db", description=__doc__)
    parser.add_argument(
        "--claims", type=int, default=3_000_000, help="background claims (default %(default)s)"
    )
    parser.add_argument("--submissions", type=int, default=600, help="submissions per client count")
    parser.add_argument("--repeat", type=int, default=300, help="review-list requests")
    parser.add_argument("--batch-lines", type=int, default=PAYABLE, help="lines of the batch built")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _pct(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def _world(claims: int, submissions: int) -> dict[str, Any]:
    """The institution, its clerk's token, the bureau accounts, the classes whose certificates are
    submitted, and the bulk-loaded background claims."""
    from datetime import date, datetime, timedelta
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Role
    from accounts.services import clerk_account_create, staff_create, token_create
    from claims.models import Claim
    from classes.models import Attendance, Result, Session, Trainee, TrainingClass
    from common.personal import seal
    from institutions.models import Approval, Clerk, Institution

    t0 = time.perf_counter()
    with transaction.atomic():
        inst = Institution.objects.create(
            name="基准职业培训学校", uscc="52320613MJB000001X", kind="hr_approved", region="320613",
            address="南通市崇川区某路1号", legal_rep_name="某", contact_name="某", contact_phone_sealed="-",
            contact_phone_masked="-", status="listed",
        )  # fmt: skip
        Approval.objects.create(institution=inst, role="training", occupation_code=BRICKLAYER,
                                occupation="砌筑工", level=4, valid_from=date(2025, 1, 1))  # fmt: skip
        clerk = clerk_account_create(username="bench-clerk", password="bench-Pw-0001x", region="320613")
        Clerk.objects.create(user=clerk, institution=inst)
        token = token_create(user=clerk, name="bench")[1]
        staff_create(username="bench-chongchuan", password="bench-Pw-0001x", role=Role.DISTRICT_BUREAU,
                     region="320613", actor=None)  # fmt: skip
        staff_create(username="bench-nantong", password="bench-Pw-0001x", role=Role.CITY_BUREAU,
                     region="320600", actor=None)  # fmt: skip

    def klass(n: int, region: str) -> TrainingClass:
        return TrainingClass(
            institution=inst, region=region, title=f"基准砌筑工四级班{n}", occupation_code=BRICKLAYER,
            occupation="砌筑工", level=4, certificate_type="skill_level", program="training",
            start=date(2025, 5, 5), end=date(2025, 6, 13), venue="某地", plan="理论与实操", status="closed",
            filed_on=date(2025, 4, 25),
        )  # fmt: skip

    sealed = seal("110101199001010011", masked="1101**********0011")
    payee = seal("310012345678", masked="3100****5678")
    issued = date(2025, 7, 1)

    def people(classes: list[TrainingClass], per: int, tag: str) -> list[Trainee]:
        rows = [
            Trainee(
                training_class=c,
                row=r + 2,
                name="某某",
                id_kind="resident",
                id_sealed=sealed.token,
                id_digest=f"{tag}{c.pk:08d}{r:06d}".ljust(64, "0"),
                id_masked=sealed.masked,
                start=c.start,
                end=c.end,
            )
            for c in classes
            for r in range(per)
        ]
        return Trainee.objects.bulk_create(rows, batch_size=5000)

    def results(trainees: list[Trainee], tag: str) -> list[Result]:
        rows = [
            Result(
                trainee=t,
                passed=True,
                issuer="江苏省职业技能鉴定中心",
                certificate_type="skill_level",
                level=4,
                certificate_no=f"{tag}{t.pk:010d}",
                issued_on=issued,
            )
            for t in trainees
        ]
        return Result.objects.bulk_create(rows, batch_size=5000)

    # The certificates to submit: classes of 30 with 60 planned hours, every trainee present.
    wanted = submissions * len(CLIENTS)
    sub_classes = TrainingClass.objects.bulk_create([klass(n, "320613") for n in range(wanted // 30 + 1)])
    at = timezone.make_aware(datetime(2025, 5, 5, 9))
    sessions = Session.objects.bulk_create(
        Session(
            training_class=c,
            on=date(2025, 5, 5) + timedelta(days=i),
            topic=f"第{i + 1}讲",
            hours=Decimal(8 if i < 7 else 4),
            mode="offline",
        )
        for c in sub_classes
        for i in range(8)
    )
    trainees = people(sub_classes, 30, "s")
    by_class: dict[int, list[Session]] = {}
    for s in sessions:
        by_class.setdefault(s.training_class_id, []).append(s)
    Attendance.objects.bulk_create(
        (
            Attendance(session=s, trainee=t, mark="present", source="device", at=at)
            for t in trainees
            for s in by_class[t.training_class_id]
        ),
        batch_size=5000,
    )
    to_submit = [r.certificate_no for r in results(trainees, "S")][:wanted]

    # The background: bulk-loaded claims over Nantong's districts, 50,000 of them payable in 320613.
    per_class = 1000
    bg_classes = TrainingClass.objects.bulk_create(
        [klass(n, NANTONG[n % len(NANTONG)]) for n in range(claims // per_class + 1)]
    )
    states = ("paid",) * 14 + ("district_review", "district_review", "city_review", "notice", "rejected")
    now = timezone.now()
    made = 0
    for start in range(0, len(bg_classes), 50):
        chunk = bg_classes[start : start + 50]
        rows = results(people(chunk, per_class, "b"), "B")
        claim_rows = []
        for r in rows:
            if made >= claims:
                break
            c = r.trainee.training_class
            status = "payable" if made < PAYABLE else states[made % len(states)]
            region = "320613" if status == "payable" else c.region
            claim_rows.append(
                Claim(
                    number=f"SQB{made:012d}",
                    channel="institution" if made % 3 else "worker",
                    result=r,
                    training_class=c,
                    institution=inst,
                    region=region,
                    program="training",
                    certificate_type="skill_level",
                    certificate_no=r.certificate_no,
                    occupation="砌筑工",
                    occupation_key=BRICKLAYER,
                    level=4,
                    issued_on=issued,
                    person_digest=r.trainee.id_digest,
                    person_name="某某",
                    person_masked=sealed.masked,
                    payee_kind="institution_account",
                    payee_name=inst.name,
                    payee_sealed=payee.token,
                    payee_masked=payee.masked,
                    amount_fen=150000,
                    standards_date=issued,
                    decision={"amount": "1500.00"},
                    status=status,
                    submitted_at=now - timedelta(minutes=made % 100_000),
                    paid_at=now if status == "paid" else None,
                    reject_reason="records_false" if status == "rejected" else "",
                )
            )
            made += 1
        Claim.objects.bulk_create(claim_rows, batch_size=5000)
        if made >= claims:
            break
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {"token": token, "to_submit": to_submit, "fill_seconds": time.perf_counter() - t0}


def _concurrent(clients: int, jobs: list[Any], call: Any) -> float:
    """Run `call(client, job)` for every job from `clients` threads; jobs per second."""
    from django.db import connections
    from django.test import Client

    work: queue.Queue[Any] = queue.Queue()
    for job in jobs:
        work.put(job)
    failures: list[str] = []

    def run() -> None:
        client = Client()
        try:
            while True:
                try:
                    job = work.get_nowait()
                except queue.Empty:
                    return
                problem = call(client, job)
                if problem:
                    failures.append(problem)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. {failures[0]}")
    return len(jobs) / elapsed


def child(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from catalogs.services import dataset_import
    from claims import services
    from claims.models import Claim
    from skillsubsidy.catalog.dataset import load_dataset

    setup_test_environment()
    # The manifest storage of production needs `collectstatic`; the pages render without it here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    dataset_import(dataset=load_dataset())
    world = _world(args.claims, args.submissions)
    out: dict[str, Any] = {"vendor": connection.vendor, "claims": Claim.objects.count(),
                           "fill_seconds": round(world["fill_seconds"], 1)}  # fmt: skip
    auth = {"Authorization": f"Bearer {world['token']}"}

    def submit(client: Any, number: str) -> str | None:
        payee = {"kind": "institution_account", "account": "310012345678", "name": "基准职业培训学校"}
        body = {"certificate_no": number, "pledge_signed": True, "payee": payee}
        answer = client.post("/api/v1/claims", body, content_type="application/json", headers=auth)
        return None if answer.status_code == 201 else f"{answer.status_code} {answer.content[:200]!r}"

    def health(client: Any, _job: int) -> str | None:
        answer = client.get("/api/v1/health")
        return None if answer.status_code == 200 else str(answer.status_code)

    numbers = list(world["to_submit"])
    for clients in CLIENTS:
        mine, numbers = numbers[: args.submissions], numbers[args.submissions :]
        out[f"submit_{clients}"] = round(_concurrent(clients, mine, submit), 1)
        out[f"health_{clients}"] = round(_concurrent(clients, list(range(args.submissions * 4)), health), 1)
        out[f"load_{clients}"] = [round(v, 1) for v in os.getloadavg()]

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-chongchuan"))
    for name, url in (("health", "/api/v1/health"), ("review_list", "/office/claims/"),
                      ("review_list_filtered", "/office/claims/?status=district_review")):  # fmt: skip
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            answer = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert answer.status_code == 200, (url, answer.status_code)
        out[f"{name}_ms"] = {"p50": round(_pct(times, 50), 2), "p99": round(_pct(times, 99), 2)}
    out["load_review"] = [round(v, 1) for v in os.getloadavg()]

    city = get_user_model().objects.get(username="bench-nantong")
    t = time.perf_counter()
    batch = services.batch_create(actor=city, region="320600", limit=args.batch_lines)
    out["batch_seconds"] = round(time.perf_counter() - t, 2)
    out["batch_lines"] = batch.line_count
    out["load_batch"] = [round(v, 1) for v in os.getloadavg()]
    return out


def _run(url: str, args: argparse.Namespace, var: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    env.update({"PYTHONPATH": f"{REPO / 'web'}:{REPO}", "DJANGO_SETTINGS_MODULE": "config.settings",
                "DJANGO_SECRET_KEY": "bench-only", "DATABASE_URL": url, "SKILLSUBSIDY_VAR_DIR": str(var),
                "SKILLSUBSIDY_DATA_KEYS": key})  # fmt: skip
    cmd = [sys.executable, "-m", "benchmarks.bench_claims_db", "--child", "--claims", str(args.claims),
           "--submissions", str(args.submissions), "--repeat", str(args.repeat),
           "--batch-lines", str(args.batch_lines)]  # fmt: skip
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _show(r: dict[str, Any]) -> None:
    if "error" in r:
        print(f"  error: {r['error']}")
        return
    print(f"  {r['vendor']}: {r['claims']:,} claims (bulk-loaded background in {r['fill_seconds']} s)")
    for clients in CLIENTS:
        print(f"  submissions, {clients:>2} clients: {r[f'submit_{clients}']:>8.1f}/s   health floor "
              f"{r[f'health_{clients}']:>8.1f}/s   load average {r[f'load_{clients}']}")  # fmt: skip
    for key in ("health_ms", "review_list_ms", "review_list_filtered_ms"):
        v = r[key]
        print(f"  {key[:-3]:<22} p50 {v['p50']:>8.2f} ms   p99 {v['p99']:>8.2f} ms")
    print(f"  load average after the review list: {r['load_review']}")
    rate = r["batch_lines"] / r["batch_seconds"]
    print(f"  payment batch of {r['batch_lines']:,} lines built in {r['batch_seconds']} s "
          f"({rate:.0f} lines/s; {PAYABLE:,} lines at that rate: {PAYABLE / rate:.0f} s), "
          f"load average {r['load_batch']}")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    args = _args(sys.argv[1:] if argv is None else argv)
    if args.child:
        print(json.dumps(child(args)))
        return
    print(f"{args.claims:,} background claims; {args.submissions} submissions per client count; "
          f"load average {[round(v, 1) for v in os.getloadavg()]}")  # fmt: skip
    import tempfile

    import psycopg

    try:
        admin = psycopg.connect(POSTGRES, autocommit=True, connect_timeout=3)
    except Exception as exc:  # no server: say so and stop
        print(f"  postgresql: not reachable at {POSTGRES} ({type(exc).__name__}); skipped")
        return
    name = f"skillsubsidy_bench_claims_{uuid.uuid4().hex[:8]}"
    with admin, tempfile.TemporaryDirectory() as tmp:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            _show(_run(f"{POSTGRES.rsplit('/', 1)[0]}/{name}", args, Path(tmp)))
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
