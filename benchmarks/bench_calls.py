"""Project-call benchmarks (issue 10) with many applications: the city's ranking and the public notice.

- ranking, core: skillsubsidy.calls.scoring.rank over N applications with 3 reviews each, the exact
  Fraction arithmetic of the trace included;
- ranking, web: calls.present.ranking as the city's page calls it (the reviews read with their
  reviewers, then ranked);
- the public notice page GET /calls/<id>/notice/ with N projects on it, rendered in process with the
  test client, p50 and p99; the floor is GET /api/v1/health through the same client.

The rows are synthetic and inserted in bulk (a benchmark of reads need not run every application
through the services): one Guangzhou call in its notice, N institutions each with one project of two
occupations in a district of Guangzhou. SQLite in a temporary file, in a child process with its own
settings. Figures are printed, not asserted, with the load average, since the machine they were
taken on is shared; re-measure on a quiet one.

    python -m benchmarks.bench_calls [--applications 100 1000 5000] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.webchild import run_child, setup_child

DISTRICTS = ("440103", "440104", "440105", "440106", "440111", "440112", "440113", "440114", "440115")
CRITERIA = ("qualification", "need", "resources", "plan", "employment", "budget")


def _args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_calls", description=__doc__)
    parser.add_argument("--applications", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per figure (default %(default)s)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _timed(fn: Any, repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return {"p50": round(_pct(times, 50), 2), "p99": round(_pct(times, 99), 2)}


def _fill(n: int) -> Any:
    """One call in its notice with `n` selected projects, each scored by three reviewers."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role
    from accounts.services import staff_create
    from calls.models import Application, ApplicationOccupation, ProjectCall, Review
    from calls.sealing import sealed_form
    from institutions.models import Institution

    today = timezone.localdate()
    # Each stored 附件1 carries its two mobiles sealed, as calls.sealing stores them.
    form = sealed_form(
        {
            "unit": {"legal_representative": {"mobile": "13912345678"}, "contact": {"mobile": "13812345678"}},
            "projects": [{"districts": ["天河区"]}],
        }
    )
    with transaction.atomic():
        reviewers = [
            staff_create(username=f"bench-rev{i}", password="bench-Pw-0001x", role=Role.CITY_BUREAU,
                         region="440100", actor=None)
            for i in range(3)
        ]  # fmt: skip
        record = ProjectCall.objects.create(
            call_file="guangzhou-2023", region="440100", title="基准征集", status="notice",
            budget_fen=10**12, notice_days=7, rubric_confirmed=True, notice_starts_on=today,
            notice_ends_on=today + timedelta(days=6),
        )  # fmt: skip
        institutions = Institution.objects.bulk_create(
            Institution(
                name=f"基准培训学校{i}", uscc=f"52440106BENCH{i:05d}", kind="hr_approved",
                region=DISTRICTS[i % len(DISTRICTS)], address="某路1号", legal_rep_name="某",
                contact_name="某", contact_phone_sealed="-", contact_phone_masked="-", status="listed",
            )
            for i in range(n)
        )  # fmt: skip
        now = timezone.now()
        applications = Application.objects.bulk_create(
            Application(
                call=record, institution=inst, district=inst.region, status="in_notice",
                form=form, project_name=f"基准项目{i}",
                project_type="new_and_digital", revision=1, submitted_at=now + timedelta(seconds=i),
                total_fen=9_600_000, trainees=120, accepted_standard_fen=75_000,
            )
            for i, inst in enumerate(institutions)
        )  # fmt: skip
        ApplicationOccupation.objects.bulk_create(
            ApplicationOccupation(
                application=a, project=a.project_name, name=name, code="", classes=2, trainees=60,
                proposed_standard_fen=80_000, certificates=["skill_level"],
            )
            for a in applications
            for name in ("中式烹调师", "中式面点师")
        )  # fmt: skip
        Review.objects.bulk_create(
            Review(
                application=a, reviewer=r,
                marks=[{"criterion": c, "points": (i + j + k) % 11, "justification": "依申报材料评定"}
                       for k, c in enumerate(CRITERIA)],
                total="50.00",
            )
            for i, a in enumerate(applications)
            for j, r in enumerate(reviewers)
        )  # fmt: skip
    return record


def child(n: int, repeat: int) -> dict[str, Any]:
    setup_child()
    from django.test import Client

    from calls import present, selectors
    from calls.models import Application
    from skillsubsidy.calls.scoring import Mark, rank
    from skillsubsidy.calls.scoring import Review as ScoreReview

    t0 = time.perf_counter()
    record = _fill(n)
    out: dict[str, Any] = {"applications": n, "fill_seconds": round(time.perf_counter() - t0, 1)}
    call = selectors.effective_call(record)
    apps = list(Application.objects.filter(call=record).select_related("institution"))
    reviews = list(selectors.reviews_of(record))
    core_reviews = [
        ScoreReview(r.reviewer.get_username(), str(r.application_id),
                    tuple(Mark(m["criterion"], int(m["points"]), m["justification"]) for m in r.marks))
        for r in reviews
    ]  # fmt: skip
    order = [str(a.pk) for a in apps]
    slow = max(1, repeat // 10) if n > 1000 else repeat
    out["rank_core_ms"] = _timed(
        lambda: rank(rubric=call.rubric, reviews=core_reviews, applications=order), slow
    )
    out["rank_web_ms"] = _timed(lambda: present.ranking(call, apps, list(selectors.reviews_of(record))), slow)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    for name, url in (("health", "/api/v1/health"), ("notice_page", f"/calls/{record.pk}/notice/")):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        out[f"{name}_ms"] = _timed(lambda url=url: client.get(url), slow)
    return out


def _run(n: int, repeat: int, var: Path) -> dict[str, Any]:
    argv = [str(n), "--repeat", str(repeat)]
    return run_child("benchmarks.bench_calls", argv, f"sqlite:///{var / f'calls-{n}.sqlite3'}", var)


def main(argv: list[str] | None = None) -> None:
    args = _args(sys.argv[1:] if argv is None else argv)
    if args.child is not None:
        print(json.dumps(child(args.child, args.repeat)))
        return
    print("project call: ranking and the public notice, SQLite, in process")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.applications:
            result = _run(n, args.repeat, Path(tmp))
            if "error" in result:
                print(f"  {n:>6} applications: error: {result['error']}")
                continue
            print(f"  {n:>6} applications (3 reviews each; filled in {result['fill_seconds']} s)")
            for key in ("rank_core_ms", "rank_web_ms", "health_ms", "notice_page_ms"):
                v = result[key]
                print(f"    {key[:-3]:<12} p50 {v['p50']:>9.2f} ms   p99 {v['p99']:>9.2f} ms")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
