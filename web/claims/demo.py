"""The claims part of `make demo`: claims for the passed trainees of the demo's closed classes, moved
through the services into every state (district review, returned, city review, on notice with an open
objection, payable, in an exported batch, paid, rejected, withdrawn), some by the institution and some
by the worker, so that every claim page has real content. Marked demo=True.

It builds on the closed classes the classes part of the demo leaves; with none, it adds nothing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import User

from claims import services
from claims.errors import NotEligible
from claims.models import Claim, PaymentBatch, WorkerAccount
from classes.models import Result
from common.personal import unseal
from institutions.models import Clerk

# The order in which the demo's claims are moved: one (at least) in each state.
PLAN = (
    "paid", "batched", "payable", "notice", "city_review", "returned", "district_review", "rejected",
    "withdrawn",
)  # fmt: skip


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


def load_claims(staff: ClaimsStaff, today: date) -> ClaimsDemo:
    demo = ClaimsDemo()
    results = _results(len(PLAN) * 2)
    if not results:
        return demo
    made = demo.made
    regions = {r.trainee.training_class.region[:4] + "00" for r in results}
    for region in sorted(regions):
        services.notice_setting_set(
            actor=staff.city, region=region, effective_from=today - timedelta(days=400), working_days=5,
            reason="演示：本市申领公示期为5个工作日",
        )  # fmt: skip
    published = today - timedelta(days=30)
    for i, result in enumerate(results):
        target = PLAN[i % len(PLAN)]
        klass = result.trainee.training_class
        district = staff.districts.get(klass.region)
        if district is None:
            continue
        if i % 3 == 1:  # a worker's own claim (个人申领), to their own card
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
                evidence={"note": "培训签到表、考核成绩单、视频记录"},
            )  # fmt: skip
        except NotEligible as refused:
            # The engine decides, also for the demo: a certificate with nothing to pay is refused.
            for code in refused.codes[:1]:
                demo.refused[code] = demo.refused.get(code, 0) + 1
            continue
        _move(claim, target, actor, district, staff.city, published)
        made.append(claim)
    payable = Claim.objects.filter(pk__in=[c.pk for c in made], status="payable")
    regions_paying = sorted({c.region[:4] + "00" for c in payable})
    for region in regions_paying:
        batch = services.batch_create(actor=staff.city, region=region, limit=2)
        services.batch_export(actor=staff.city, pk=batch.pk)
        lines = list(batch.lines.order_by("line_no").values_list("line_no", "key"))
        rows = ["批次号,行号,幂等键,结果,说明", f"{batch.number},{lines[0][0]},{lines[0][1]},成功,"]
        services.bank_results_import(actor=staff.city, pk=batch.pk, content="\n".join(rows).encode())
    Claim.objects.filter(pk__in=[c.pk for c in made]).update(demo=True)
    PaymentBatch.objects.filter(created_by=staff.city).update(demo=True)
    return demo


def _move(claim: Claim, target: str, claimant: User, district: User, city: User, published: date) -> None:
    pk = claim.pk
    if target == "district_review":
        return
    if target == "withdrawn":
        services.claim_withdraw(actor=claimant, pk=pk, reason="演示：证书信息有误，撤回后重新申领")
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
    services.claim_approve(actor=city, pk=pk, today=published if target != "notice" else date.today())
    if target == "notice":
        services.objection_raise(
            claim_number=claim.number, text="演示：该学员培训期间在外地务工", raised_by="匿名"
        )
        return
    services.claim_clear_notice(actor=city, pk=pk)
