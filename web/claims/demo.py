"""The claims part of `make demo`: claims for the passed trainees of the demo's closed class, moved
through the services into every state (district review, returned, city review, on notice, on notice
with an open objection, payable after an objection was answered, in a batch, paid, failed and put in a
new batch, rejected), some by the institution and some by the worker, so that every claim page has real
content. Marked demo=True; every amount is the engine's, at the demo catalog period and standards that
claims.demo_standards publishes first (Guangdong's shipped catalog covers 2023 only).

It builds on the closed classes the classes part of the demo leaves; with none, it adds nothing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import User

from claims import services
from claims.demo_standards import DemoPeriod, publish_demo_period
from claims.errors import NotEligible
from claims.models import Claim, PaymentBatch, WorkerAccount
from classes import services as class_services
from classes.models import Result, Trainee
from common.personal import unseal
from institutions.models import Clerk
from skillsubsidy.calendar import WorkCalendar
from skillsubsidy.claims.notice import notice_end

# The state each demo claim is brought to, one claim each: "refailed" is paid in a first batch whose
# bank line failed, then put in a second batch; "objection" is on notice with an open objection;
# "payable" had an objection answered (dismissed) before its notice ended.
PLAN = (
    "paid", "refailed", "batched", "payable", "objection", "notice", "city_review", "returned",
    "district_review", "rejected",
)  # fmt: skip
ON_NOTICE = frozenset({"notice", "objection"})
NOTICE_WORKING_DAYS = 5  # the demo city's notice setting, below
# Claims left with the mismatch matching found (the demo's attendance has one absence per trainee).
STAY = frozenset({"district_review", "returned", "rejected"})


@dataclass(frozen=True)
class ClaimsStaff:
    city: User
    districts: dict[str, User]


def _results(limit: int) -> list[Result]:
    return list(
        Result.objects.filter(
            passed=True, trainee__training_class__status="closed", trainee__training_class__demo=True
        )
        .exclude(claims__isnull=False)
        .select_related("trainee__training_class__institution")
        .order_by("trainee__training_class_id", "trainee__row")[:limit]
    )


@dataclass
class ClaimsDemo:
    made: list[Claim] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=dict)  # certificates refused, by first reason code
    period: DemoPeriod | None = None
    batches: list[PaymentBatch] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What `load_demo` prints about claims: what was published for them, and what was made."""
        out = []
        if self.period is not None:
            out.append(
                f"demo catalog period: {self.period.catalog.title} ({self.period.catalog.catalog_id}), "
                f"in force from {self.period.starts}, with {self.period.standards} demo standards "
                "(category A, amounts borrowed from 000 · 附件1 as Nantong 2025 enters them)"
            )
        states: dict[str, int] = {}
        for claim in Claim.objects.filter(pk__in=[c.pk for c in self.made]):
            states[claim.status] = states.get(claim.status, 0) + 1
        shown = ", ".join(f"{status} {n}" for status, n in sorted(states.items()))
        refused = ", ".join(f"{code} {n}" for code, n in sorted(self.refused.items()))
        out.append(
            f"demo claims: {len(self.made)}"
            + (f" ({shown})" if shown else "")
            + (f"; certificates refused by the engine: {refused}" if refused else "")
            + (f"; payment batches: {len(self.batches)}" if self.batches else "")
        )
        return out


def notice_ends(calendar: WorkCalendar, today: date) -> date:
    """The end of the notice of the claims the demo approves today: counting it needs the calendar up
    to that day."""
    return notice_end(calendar, today, NOTICE_WORKING_DAYS)


def load_claims(staff: ClaimsStaff, today: date) -> ClaimsDemo:
    demo = ClaimsDemo()
    results = _results(len(PLAN))
    if not results:
        return demo
    demo.period = publish_demo_period(city=staff.city, today=today)
    regions = {r.trainee.training_class.region[:4] + "00" for r in results}
    for region in sorted(regions):
        services.notice_setting_set(
            actor=staff.city, region=region, effective_from=today - timedelta(days=400),
            working_days=NOTICE_WORKING_DAYS,
            reason="演示：本市申领公示期为5个工作日",
        )  # fmt: skip
    published = today - timedelta(days=30)
    by_target: dict[str, Claim] = {}
    for target, result in zip(PLAN, results, strict=False):
        klass = result.trainee.training_class
        district = staff.districts.get(klass.region)
        if district is None:
            continue
        if target in {"returned", "objection", "refailed"}:  # a worker's own claim (个人申领)
            number = unseal(result.trainee.id_sealed)
            account = WorkerAccount.objects.filter(id_digest=result.trainee.id_digest).first()
            actor = account.user if account is not None else services.worker_register(
                username=f"demo-worker-{result.trainee.pk}", password=secrets.token_urlsafe(24),
                name=result.trainee.name, id_number=number,
            ).user  # fmt: skip
            payee = services.PayeeInput("bank_card", "6222021234567890128", result.trainee.name)
            pledge = False
        else:
            clerk = Clerk.objects.filter(institution=klass.institution).select_related("user").first()
            if clerk is None:
                continue
            actor, pledge = clerk.user, True
            payee = services.PayeeInput("institution_account", "310012345678", klass.institution.name)
        try:
            claim = services.claim_submit(
                actor=actor, certificate_no=result.certificate_no, payee=payee, pledge_signed=pledge,
                evidence={"note": "【演示】培训签到表、考核成绩单、视频记录"},
            )  # fmt: skip
        except NotEligible as refused:
            # The engine decides, also for the demo: a certificate with nothing to pay is refused.
            for code in refused.codes[:1]:
                demo.refused[code] = demo.refused.get(code, 0) + 1
            continue
        if claim.mismatch_count and target not in STAY:
            claim = _fix_attendance(claim, actor, district)
        _move(claim, target, actor, district, staff.city, today, published)
        demo.made.append(claim)
        by_target[target] = claim
    demo.batches = _pay(staff.city, by_target)
    Claim.objects.filter(pk__in=[c.pk for c in demo.made]).update(demo=True)
    PaymentBatch.objects.filter(pk__in=[b.pk for b in demo.batches]).update(demo=True)
    return demo


def _pay(city: User, by_target: dict[str, Claim]) -> list[PaymentBatch]:
    """A first batch pays one line and fails the other; the failed claim goes into a second batch,
    which waits for the bank; the last claim stays payable, outside any batch."""
    batches: list[PaymentBatch] = []

    def clear(*targets: str) -> list[Claim]:
        cleared = [by_target[t] for t in targets if t in by_target and not by_target[t].mismatch_count]
        for claim in cleared:
            services.claim_clear_notice(actor=city, pk=claim.pk)
        return cleared

    first = clear("paid", "refailed")
    if first:
        region = first[0].region[:4] + "00"
        batch = services.batch_create(actor=city, region=region, limit=len(first))
        services.batch_export(actor=city, pk=batch.pk)
        outcome = {by_target["paid"].pk: "成功"} if "paid" in by_target else {}
        rows = ["批次号,行号,幂等键,结果,说明"] + [
            f"{batch.number},{line.line_no},{line.key},{outcome.get(line.claim_id, '失败')},"
            + ("" if line.claim_id in outcome else "演示：户名与账号不符")
            for line in batch.lines.order_by("line_no")
        ]
        services.bank_results_import(actor=city, pk=batch.pk, content="\n".join(rows).encode())
        batches.append(batch)
    second = clear("batched")
    waiting = Claim.objects.filter(pk__in=[c.pk for c in first + second], status="payable")
    if waiting.exists():
        region = waiting[0].region[:4] + "00"
        batch = services.batch_create(actor=city, region=region)
        services.batch_export(actor=city, pk=batch.pk)
        batches.append(batch)
    clear("payable")
    return batches


def _fix_attendance(claim: Claim, claimant: User, district: User) -> Claim:
    """The fix for a short attendance, as a district makes it: return the claim, check the records the
    institution sends, confirm the trainee's completion by hand with the reason, and let the claimant
    resubmit; matching then runs again."""
    services.claim_return(actor=district, pk=claim.pk, corrections={"attendance": "请补交缺勤课次的请假条"})
    trainee = Trainee.objects.get(pk=claim.result.trainee_id)
    class_services.completion_override(
        actor=district, trainee=trainee, completed=True,
        reason="【演示】核对请假条与补课记录，认定结业",
    )  # fmt: skip
    return services.claim_resubmit(
        actor=claimant, pk=claim.pk, evidence={"note": "【演示】已补交请假条与补课记录"}
    )


def _move(
    claim: Claim, target: str, claimant: User, district: User, city: User, today: date, published: date
) -> None:
    """Bring a submitted claim towards `target`; paying is `_pay`'s."""
    pk = claim.pk
    if target == "district_review":
        return
    if target == "returned":
        services.claim_return(actor=district, pk=pk, corrections={"evidence": "请补交考核现场视频记录"})
        return
    if target == "rejected":
        services.claim_reject(
            actor=district, pk=pk, reason_code="records_false", reason="演示：签到记录与视频不符"
        )
        return
    if claim.mismatch_count:
        return  # a mismatch stays in district review, as it would
    services.claim_pass_district(actor=district, pk=pk)
    if target == "city_review":
        return
    # A claim still on notice was approved on the demo's day; the others' notice ended before it.
    services.claim_approve(actor=city, pk=pk, today=today if target in ON_NOTICE else published)
    if target in {"objection", "payable"}:
        objection = services.objection_raise(
            claim_number=claim.number, text="【演示】该学员培训期间在外地务工", raised_by="",
            today=today if target in ON_NOTICE else published,
        )  # fmt: skip
        if target == "payable":
            services.objection_answer(
                actor=city, pk=objection.pk, upheld=False, answer="演示：经核实，该学员按时参训，异议不成立"
            )
