"""Claims in the web app, through the services: submission by the institution and by the worker, never
twice, matching, review, the notice and objections, payment batches and the bank's answers."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import claims_world
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from web_support import make_staff

from accounts.models import Role
from audit.models import AuditRecord
from claims import selectors, services
from claims.errors import DuplicateClaim, NotEligible, UnknownCertificate
from claims.models import Claim, Objection, PaymentLine
from classes import services as class_services
from common.personal import unseal
from skillsubsidy.claims import payment

pytestmark = pytest.mark.django_db

CARD = services.PayeeInput("bank_card", "6222021234567890128", "张伟")
SCHOOL = services.PayeeInput("institution_account", "310012345678", "南通市示范职业培训学校")
TODAY = date(2025, 9, 1)


@pytest.fixture
def world() -> claims_world.World:
    return claims_world.build(short=(1,))


@pytest.fixture
def district() -> Any:
    return make_staff("chongchuan", Role.DISTRICT_BUREAU, claims_world.REGION)


@pytest.fixture
def city() -> Any:
    return make_staff("nantong", Role.CITY_BUREAU, "320600")


def institution_claim(world: claims_world.World, i: int = 0) -> Claim:
    return services.claim_submit(
        actor=world.clerk, certificate_no=world.certificate(i), payee=SCHOOL, pledge_signed=True, today=TODAY
    )


def worker(world: claims_world.World, i: int = 0) -> Any:
    account = services.worker_register(
        username=f"worker{i}",
        password=claims_world.PASSWORD,
        name=world.trainees[i].name,
        id_number=claims_world.id_number(i + 101),
    )
    return account.user


def test_an_institution_claim_freezes_the_engine_amount_and_its_trace(world: claims_world.World) -> None:
    # 000 · 附件1: 职业技能等级证书 · A类 · 中级（四级） 1500 元/人.
    claim = institution_claim(world)
    assert (claim.status, claim.amount_fen, claim.channel, claim.mismatch_count) == (
        "district_review", 150000, "institution", 0,
    )  # fmt: skip
    assert claim.standards_date == date(2025, 7, 1)
    assert claim.decision["amount"] == "1500.00"
    assert "standard.skill_level.A.level_4" in [s["rule"] for s in claim.decision["trace"]]
    assert claim.payee_masked == "3100****5678" and "310012345678" not in claim.payee_sealed
    assert AuditRecord.objects.filter(action="claim.submit", target_id=str(claim.pk)).count() == 1


def test_the_worker_claiming_a_certificate_the_institution_claimed_is_told_the_winner(
    world: claims_world.World,
) -> None:
    first = institution_claim(world)
    user = worker(world)
    with pytest.raises(DuplicateClaim) as dup:
        services.claim_submit(actor=user, certificate_no=world.certificate(0), payee=CARD, today=TODAY)
    assert dup.value.winner == first.number
    assert str(dup.value) == f"该证书已有申领 {first.number}，不能重复申领"
    assert Claim.objects.count() == 1


def test_a_claim_number_drawn_twice_is_drawn_again_not_taken_for_a_duplicate(
    world: claims_world.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Numbers carry 24 random bits: on a busy day of a region two submissions draw the same one. The
    # second is not a duplicate claim; its transaction is rolled back and it draws another number.
    first = institution_claim(world, 0)
    drawn = iter([first.number, f"{first.number[:-6]}0FF1CE"])
    monkeypatch.setattr(services, "_claim_number", lambda region: next(drawn))
    second = institution_claim(world, 1)
    assert second.number == f"{first.number[:-6]}0FF1CE"
    assert second.certificate_no == world.certificate(1)
    assert Claim.objects.count() == 2
    submitted = AuditRecord.objects.filter(action="claim.submit").order_by("seq")
    assert [r.target_id for r in submitted] == [str(first.pk), str(second.pk)]


def test_a_worker_claims_their_own_certificate_to_their_own_card(world: claims_world.World) -> None:
    claim = services.claim_submit(
        actor=worker(world), certificate_no=world.certificate(0), payee=CARD, today=TODAY
    )
    assert (claim.channel, claim.payee_kind, claim.amount_fen) == ("worker", "bank_card", 150000)


def test_a_worker_account_needs_an_id_number_a_roster_holds_under_that_name(
    world: claims_world.World,
) -> None:
    with pytest.raises(ValidationError) as bad:
        services.worker_register(
            username="w", password=claims_world.PASSWORD, name="王芳", id_number=claims_world.id_number(101)
        )
    assert "没有培训记录载有该身份证号和姓名" in bad.value.message_dict["id_number"][0]


def test_a_worker_cannot_claim_someone_elses_certificate(world: claims_world.World) -> None:
    with pytest.raises(UnknownCertificate):
        services.claim_submit(
            actor=worker(world), certificate_no=world.certificate(2), payee=CARD, today=TODAY
        )


def test_an_unknown_certificate_number_is_refused_naming_it(world: claims_world.World) -> None:
    with pytest.raises(UnknownCertificate) as bad:
        services.claim_submit(actor=world.clerk, certificate_no="NOPE-1", payee=SCHOOL, pledge_signed=True)
    assert bad.value.message_dict == {
        "certificate_no": ["没有考核结果载有证书编号“NOPE-1”（或该证书不属于申领人）"]
    }
    assert Claim.objects.count() == 0


def test_an_institution_claim_needs_the_integrity_pledge(world: claims_world.World) -> None:
    with pytest.raises(ValidationError) as bad:
        services.claim_submit(actor=world.clerk, certificate_no=world.certificate(0), payee=SCHOOL)
    assert "诚信承诺书" in bad.value.message_dict["pledge_signed"][0]


def test_a_payee_card_with_a_bad_check_digit_is_refused_and_nothing_is_written(
    world: claims_world.World,
) -> None:
    bad_card = services.PayeeInput("bank_card", "6222021234567890127", "张伟")
    with pytest.raises(ValidationError) as bad:
        services.claim_submit(
            actor=worker(world), certificate_no=world.certificate(0), payee=bad_card, today=TODAY
        )
    assert bad.value.message_dict == {"payee_account": ["银行卡号校验位不正确（6222***********0127）"]}
    assert Claim.objects.count() == 0


def test_a_claim_after_the_12_month_window_is_refused_with_its_code() -> None:
    # 002 · 附件4 · 7: within 12 months of the issue date (Guangdong); issued 2025-07-01.
    gz = claims_world.build(region="440106", tag="gz", uscc_serial=7)
    with pytest.raises(NotEligible) as refused:
        services.claim_submit(
            actor=gz.clerk,
            certificate_no=gz.certificate(0),
            payee=SCHOOL,
            pledge_signed=True,
            today=date(2026, 7, 2),
        )
    # Guangdong's catalog (002) is in force in 2023 only, so nothing could be paid on 2025-07-01 either.
    assert refused.value.codes == ("claim_window_expired", "outside_published_periods")
    assert Claim.objects.count() == 0


def test_short_attendance_is_a_mismatch_that_blocks_the_district_until_fixed(
    world: claims_world.World, district: Any
) -> None:
    claim = institution_claim(world, 1)
    assert claim.mismatches == [
        {
            "code": "match.attendance_short",
            "field": "attendance",
            "message": "出勤52课时，少于应出勤的60课时",
            "message_en": "52 class hours attended, short of the 60 required",
        }
    ]
    with pytest.raises(ValidationError, match=r"match\.attendance_short"):
        services.claim_pass_district(actor=district, pk=claim.pk)
    returned = services.claim_return(
        actor=district, pk=claim.pk, corrections={"attendance": "补交第1讲签到记录"}
    )
    assert (returned.status, returned.corrections) == ("returned", {"attendance": "补交第1讲签到记录"})
    # The district checks the leave note and confirms the trainee's completion by hand, with a reason.
    class_services.completion_override(
        actor=district, trainee=world.trainees[1], completed=True, reason="核对第1讲请假条与补课记录"
    )
    fixed = services.claim_resubmit(actor=world.clerk, pk=claim.pk)
    assert (fixed.status, fixed.mismatch_count, fixed.corrections) == ("district_review", 0, {})
    assert services.claim_pass_district(actor=district, pk=claim.pk).status == "city_review"


def test_a_reviewer_with_a_declared_interest_cannot_review(world: claims_world.World, district: Any) -> None:
    claim = institution_claim(world)
    services.interest_declare(actor=district, institution_id=world.institution.pk, note="亲属任该校校长")
    with pytest.raises(PermissionDenied, match="利害关系"):
        services.claim_pass_district(actor=district, pk=claim.pk)


def test_the_city_cannot_pass_the_district_review_and_the_district_cannot_approve(
    world: claims_world.World, district: Any, city: Any
) -> None:
    claim = institution_claim(world)
    with pytest.raises(PermissionDenied):
        services.claim_pass_district(actor=city, pk=claim.pk)
    services.claim_pass_district(actor=district, pk=claim.pk)
    with pytest.raises(PermissionDenied):
        services.claim_approve(actor=district, pk=claim.pk)


def test_a_rejection_needs_a_known_reason_code(world: claims_world.World, district: Any) -> None:
    claim = institution_claim(world)
    with pytest.raises(ValidationError):
        services.claim_reject(actor=district, pk=claim.pk, reason_code="whim", reason="不喜欢")
    done = services.claim_reject(
        actor=district, pk=claim.pk, reason_code="records_false", reason="签到记录造假"
    )
    assert (done.status, done.reject_reason) == ("rejected", "records_false")


def test_bulk_approval_passes_the_claims_without_mismatch_and_names_the_others(
    world: claims_world.World, district: Any
) -> None:
    good, short = institution_claim(world, 0), institution_claim(world, 1)
    outcome = services.claims_bulk_approve(actor=district, pks=[good.pk, short.pk], reason="材料齐全")
    assert outcome["done"] == [good.number]
    assert outcome["skipped"] == [
        f"{short.number}：比对不一致（match.attendance_short），不能通过；请退回修改"
    ]


def approved(world: claims_world.World, district: Any, city: Any, i: int = 0) -> Claim:
    claim = institution_claim(world, i)
    services.claim_pass_district(actor=district, pk=claim.pk)
    return services.claim_approve(actor=city, pk=claim.pk, today=date(2025, 9, 30))


def test_no_claim_is_paid_until_the_bureau_sets_the_notice_length_the_documents_leave_open(
    world: claims_world.World, district: Any, city: Any
) -> None:
    claim = approved(world, district, city)
    assert (claim.status, claim.notice_from, claim.notice_until) == ("notice", date(2025, 9, 30), None)
    with pytest.raises(ValidationError, match="尚未设定申领公示期"):
        services.claim_clear_notice(actor=city, pk=claim.pk, today=date(2025, 12, 1))
    services.notice_setting_set(
        actor=city, region="320600", effective_from=date(2025, 1, 1), working_days=5, reason="局务会决定"
    )
    claim.refresh_from_db()
    # Five working days after 2025-09-30, over National Day: 10-09, 10-10, 10-11 (调休), 10-13, 10-14.
    assert claim.notice_until == date(2025, 10, 14)
    with pytest.raises(ValidationError, match="期满后才能支付"):
        services.claim_clear_notice(actor=city, pk=claim.pk, today=date(2025, 10, 14))
    assert services.claim_clear_notice(actor=city, pk=claim.pk, today=date(2025, 10, 15)).status == "payable"


def test_an_open_objection_blocks_payment_and_an_upheld_one_rejects(
    world: claims_world.World, district: Any, city: Any
) -> None:
    services.notice_setting_set(
        actor=city, region="320600", effective_from=date(2025, 1, 1), working_days=5, reason="局务会决定"
    )
    one, two = approved(world, district, city, 0), approved(world, district, city, 2)
    first = services.objection_raise(
        claim_number=one.number, text="此人未参加培训", raised_by="匿名", today=date(2025, 10, 1)
    )
    with pytest.raises(ValidationError, match="未答复的异议"):
        services.claim_clear_notice(actor=city, pk=one.pk, today=date(2025, 10, 15))
    services.objection_answer(
        actor=city, pk=first.pk, upheld=False, answer="经核查签到与视频记录，异议不成立"
    )
    assert services.claim_clear_notice(actor=city, pk=one.pk, today=date(2025, 10, 15)).status == "payable"
    second = services.objection_raise(
        claim_number=two.number, text="证书系代考取得", raised_by="李某", today=date(2025, 10, 1)
    )
    services.objection_answer(actor=city, pk=second.pk, upheld=True, answer="经核查属实")
    two.refresh_from_db()
    assert (two.status, two.reject_reason) == ("rejected", "objection_upheld")


def test_an_objectors_name_and_contact_are_sealed_and_shown_masked(
    world: claims_world.World, district: Any, city: Any
) -> None:
    services.notice_setting_set(
        actor=city, region="320600", effective_from=date(2025, 1, 1), working_days=5, reason="局务会决定"
    )
    claim = approved(world, district, city, 0)
    objection = services.objection_raise(
        claim_number=claim.number, text="此人未参加培训", raised_by="李小明", contact="13912345678",
        today=date(2025, 10, 1),
    )  # fmt: skip
    stored = Objection.objects.filter(pk=objection.pk).values().get()
    assert "李小明" not in str(stored) and "13912345678" not in str(stored)
    assert (stored["raised_by_masked"], stored["contact_masked"]) == ("李**", "139****5678")
    assert (unseal(stored["raised_by_sealed"]), unseal(stored["contact_sealed"])) == ("李小明", "13912345678")
    anonymous = services.objection_raise(
        claim_number=claim.number, text="另一条异议", raised_by="", today=date(2025, 10, 1)
    )
    assert (anonymous.raised_by_masked, anonymous.raised_by_sealed, anonymous.contact_sealed) == (
        "匿名",
        "",
        "",
    )


def payable(world: claims_world.World, district: Any, city: Any, *idx: int) -> list[Claim]:
    services.notice_setting_set(
        actor=city, region="320600", effective_from=date(2025, 1, 1), working_days=5, reason="局务会决定"
    )
    done = []
    for i in idx:
        claim = approved(world, district, city, i)
        done.append(services.claim_clear_notice(actor=city, pk=claim.pk, today=date(2025, 10, 15)))
    return done


def test_a_batch_file_sums_to_its_total_and_a_failed_line_is_rebatched_with_a_new_key(
    world: claims_world.World, district: Any, city: Any
) -> None:
    a, b = payable(world, district, city, 0, 2)
    batch = services.batch_create(actor=city, region="320600")
    assert (batch.line_count, batch.total_fen) == (2, 300000)
    batch = services.batch_export(actor=city, pk=batch.pk)
    built = services.payment_file(batch)
    assert payment.checksum(built.csv_bytes()) == batch.csv_sha256
    rows = list(csv.reader(io.StringIO(built.csv_bytes().decode("utf-8-sig"))))
    assert rows[-1][:2] == ["合计", "2"] and rows[-1][7] == "3000.00"
    keys = dict(batch.lines.values_list("line_no", "key"))
    answer = io.StringIO()
    w = csv.writer(answer)
    w.writerow(payment.RESULT_HEADER)
    w.writerow([batch.number, "1", keys[1], "成功", ""])
    w.writerow([batch.number, "2", keys[2], "失败", "户名与账号不符"])
    counts = services.bank_results_import(actor=city, pk=batch.pk, content=answer.getvalue().encode())
    assert counts == {"paid": 1, "failed": 1, "returned": 0, "already": 0}
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == ("paid", "payable")
    batch.refresh_from_db()
    assert batch.status == "reconciled"
    again = services.batch_create(actor=city, region="320600")
    line = again.lines.get()
    assert (line.claim_id, line.attempt) == (b.pk, 2)
    assert line.key != keys[2]
    assert PaymentLine.objects.filter(claim=b).count() == 2


def test_a_line_the_bank_returns_sends_the_claim_back_to_district_review(
    world: claims_world.World, district: Any, city: Any
) -> None:
    (a,) = payable(world, district, city, 0)
    batch = services.batch_export(actor=city, pk=services.batch_create(actor=city, region="320600").pk)
    key = batch.lines.get().key
    content = "\n".join([",".join(payment.RESULT_HEADER), f"{batch.number},1,{key},退票,账户已销户"]).encode()
    services.bank_results_import(actor=city, pk=batch.pk, content=content)
    a.refresh_from_db()
    assert a.status == "district_review"


def test_the_dashboard_counts_claims_and_fen_by_state(world: claims_world.World, district: Any) -> None:
    institution_claim(world, 0)
    institution_claim(world, 1)
    figures = selectors.dashboard(regions=None)
    assert figures["by_state"]["district_review"] == {"claims": 2, "fen": 300000}
    assert figures["personal_share"] == {"personal": 0, "all": 2}


def test_the_dashboard_gives_money_paid_personal_claims_and_days_per_group(
    world: claims_world.World, district: Any, city: Any
) -> None:
    payable(world, district, city, 0, 2)
    batch = services.batch_export(actor=city, pk=services.batch_create(actor=city, region="320600").pk)
    keys = dict(batch.lines.values_list("line_no", "key"))
    content = "\n".join(
        [
            ",".join(payment.RESULT_HEADER),
            f"{batch.number},1,{keys[1]},成功,",
            f"{batch.number},2,{keys[2]},失败,户名不符",
        ]
    ).encode()
    services.bank_results_import(actor=city, pk=batch.pk, content=content)
    services.claim_submit(
        actor=worker(world, 3), certificate_no=world.certificate(3), payee=CARD, today=TODAY
    )
    figures = selectors.dashboard(regions=None)
    assert figures["paid_fen"] == 150000
    (district_row,) = figures["groups"]["district"]
    assert (district_row["district"], district_row["claims"], district_row["fen"]) == ("320613", 3, 450000)
    assert (district_row["paid_fen"], district_row["paid_people"], district_row["personal"]) == (150000, 1, 1)
    assert district_row["days_to_payment"] == 0  # submitted and paid on the same day here
    (institution_row,) = figures["groups"]["institution"]
    assert (institution_row["inst"], institution_row["paid_fen"]) == (world.institution.name, 150000)
    # Public: 3 people, under 10, so no group and no total shows a figure.
    public = selectors.dashboard(regions=None, public=True)
    assert public["groups"]["district"] == [{"district": "320613", "suppressed": True}]
    assert (public["paid_fen"], public["personal_share"], public["suppressed"]) == (None, None, True)
    assert set(public["groups"]) == {"district", "occupation"}


# -- project-based training (002 · 六 / 附件4 · 6) ---------------------------------------------------


def project_claim(world: claims_world.World, i: int = 0) -> Claim:
    return services.claim_submit(
        actor=world.clerk, certificate_no=world.certificate(i), payee=SCHOOL, pledge_signed=True,
        today=date(2024, 3, 1),
    )  # fmt: skip


def test_a_project_claim_pays_the_standard_the_city_accepted_for_the_project() -> None:
    # 002 · 附件4 · 6: at most 800 元 per trainee who passes (project-2023.yaml), the standard set per
    # project; 砌筑工 has no catalog amount in Guangdong (002 · 附件5 lists no amounts), so none is higher.
    world = claims_world.project_world(status="tracking", accepted_standard_fen=60000)
    claim = project_claim(world)
    assert (claim.program, claim.amount_fen, claim.mismatch_count) == ("project", 60000, 0)
    steps = {s["rule"]: s["value"] for s in claim.decision["trace"]}
    # The engine prices it as the quote does (ADR 0016), naming the project and its institution.
    assert steps["project.accepted_standard"].startswith("项目“砌筑工技能提升项目”（")
    assert steps["project.accepted_standard"].endswith(
        "）核定标准 600.00 元/人（002 · 六：具体执行标准由市人社部门按项目确定）"
    )
    assert (steps["amount"], claim.decision["amount"]) == ("600.00 元", "600.00")


def test_a_project_standard_above_the_provinces_cap_pays_the_cap() -> None:
    world = claims_world.project_world(status="completed", accepted_standard_fen=90000)
    claim = project_claim(world)
    assert (claim.amount_fen, claim.mismatch_count) == (80000, 0)


def test_a_project_removed_from_tracking_is_a_mismatch_that_blocks_payment() -> None:
    # 002 · 四: a project that ignores warnings is removed from the list; its claims are not paid.
    world = claims_world.project_world(status="removed", accepted_standard_fen=60000)
    claim = project_claim(world)
    assert claim.mismatches == [
        {
            "code": "match.project_not_in_tracking",
            "field": "project",
            "message": "该班所属项目已不在跟踪管理中",
            "message_en": "The class's project is no longer in tracking",
        }
    ]
    district = make_staff("tianhe", Role.DISTRICT_BUREAU, "440106")
    with pytest.raises(ValidationError, match=r"match\.project_not_in_tracking"):
        services.claim_pass_district(actor=district, pk=claim.pk)


# -- the API --------------------------------------------------------------------------------------


def _post(user: Any, body: dict[str, Any]) -> Any:
    from django.test import Client

    from accounts.services import token_create

    token = token_create(user=user, name="system")[1]
    return Client().post(
        "/api/v1/claims", body, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )


def test_the_api_ignores_a_client_amount_and_answers_the_engine_amount(world: claims_world.World) -> None:
    body = {
        "certificate_no": world.certificate(0),
        "payee": {"kind": "institution_account", "account": "310012345678", "name": "南通市示范职业培训学校"},
        "pledge_signed": True,
        "amount": "99999.00",
    }
    answer = _post(world.clerk, body)
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert (data["amount_fen"], data["amount"], data["status"]) == (150000, "1500.00", "district_review")
    again = _post(
        worker(world), {**body, "payee": {"kind": "bank_card", "account": CARD.account, "name": "张伟"}}
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "duplicate_claim"
    assert again.json()["error"]["winner"] == data["number"]


def test_the_api_names_an_unknown_certificate_and_a_bad_payee(world: claims_world.World) -> None:
    payee = {"kind": "institution_account", "account": "310012345678", "name": "学校"}
    unknown = _post(world.clerk, {"certificate_no": "NOPE", "payee": payee, "pledge_signed": True})
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (422, "unknown_certificate")
    bad = _post(
        world.clerk,
        {
            "certificate_no": world.certificate(0),
            "payee": {**payee, "account": "12AB"},
            "pledge_signed": True,
        },
    )
    assert (bad.status_code, bad.json()["error"]["code"], bad.json()["error"]["field"]) == (
        422, "validation_error", "payee_account",
    )  # fmt: skip
    assert Claim.objects.count() == 0


def test_a_claim_rebatched_while_a_batch_is_being_built_gets_the_key_of_its_new_attempt(
    world: claims_world.World, district: Any, city: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batch A reads the payable claims; before it moves them, batch B takes one, the bank fails that
    line, and the claim is payable again at attempt 1. A then moves it to attempt 2: its line must
    carry attempt 2's key, not the one A read (B's failed line holds attempt 1's key)."""
    (claim,) = payable(world, district, city, 0)
    real = services.change_states

    def meanwhile(**kwargs: Any) -> Any:
        monkeypatch.setattr(services, "change_states", real)
        other = services.batch_export(actor=city, pk=services.batch_create(actor=city, region="320600").pk)
        key = other.lines.get().key
        content = "\n".join([",".join(payment.RESULT_HEADER), f"{other.number},1,{key},失败,户名不符"])
        services.bank_results_import(actor=city, pk=other.pk, content=content.encode())
        return real(**kwargs)

    monkeypatch.setattr(services, "change_states", meanwhile)
    batch = services.batch_create(actor=city, region="320600")
    line = batch.lines.get()
    claim.refresh_from_db()
    assert (line.attempt, claim.payment_attempt) == (2, 2)
    assert line.key == payment.idempotency_key(claim.number, 2)
    assert PaymentLine.objects.filter(claim=claim).count() == 2
