"""Special groups (002 · 附件4 · 8③: 对于在粤服刑人员、强制戒毒人员等特殊群体培训无法提供视频等资料的，
由主管单位出具相应证明): a class filed as a special group's may rest on the supervising unit's
certificate where its attendance records are missing or short; without the certificate its claims get
`match.supervision_certificate_missing` (docs/reason-codes.md · Matching)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import claims_world
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from web_support import client_for, make_staff

from accounts.models import Role
from audit.models import AuditRecord
from claims import services
from claims.models import Claim, SupervisionCertificate
from classes import services as class_services
from classes.models import Attendance, TrainingClass
from common.errors import Conflict

pytestmark = pytest.mark.django_db

TODAY = date(2025, 9, 1)
MISSING = "match.supervision_certificate_missing"


@pytest.fixture
def world() -> claims_world.World:
    """claims_world's class, filed as a prison's: trainee 1 attended 52 of the 60 hours, trainee 2 has no
    attendance record at all (the class could not keep one)."""
    built = claims_world.build(short=(1,))
    TrainingClass.objects.filter(pk=built.klass.pk).update(special_group="inmate_or_rehab")
    Attendance.objects.filter(trainee=built.trainees[2]).delete()
    built.klass.refresh_from_db()
    return built


@pytest.fixture
def district() -> Any:
    return make_staff("chongchuan", Role.DISTRICT_BUREAU, claims_world.REGION)


def claim(world: claims_world.World, i: int) -> Claim:
    payee = services.PayeeInput("institution_account", "310012345678", world.institution.name)
    return services.claim_submit(
        actor=world.clerk, certificate_no=world.certificate(i), payee=payee, pledge_signed=True, today=TODAY
    )


def record(
    world: claims_world.World, number: str = "苏狱证〔2025〕18号", **kw: Any
) -> SupervisionCertificate:
    args = {"unit": "江苏省南通监狱", "issued_on": date(2025, 6, 20), "today": TODAY} | kw
    return services.supervision_certificate_record(
        actor=world.clerk, class_id=world.klass.pk, number=number, **args
    )


def test_without_the_certificate_missing_records_are_one_stable_mismatch_that_blocks_the_district(
    world: claims_world.World, district: Any
) -> None:
    short, missing, full = claim(world, 1), claim(world, 2), claim(world, 0)
    assert [m["code"] for m in short.mismatches] == [MISSING]
    assert [m["code"] for m in missing.mismatches] == [MISSING]
    assert short.mismatches[0]["field"] == "evidence"
    assert full.mismatch_count == 0  # full attendance needs no certificate
    with pytest.raises(ValidationError, match=MISSING):
        services.claim_pass_district(actor=district, pk=short.pk)


def test_the_certificate_rematches_the_claims_waiting_for_the_district_and_is_audited(
    world: claims_world.World, district: Any
) -> None:
    short, missing = claim(world, 1), claim(world, 2)
    certificate = record(world)
    assert Claim.objects.get(pk=short.pk).mismatch_count == 0
    assert Claim.objects.get(pk=missing.pk).mismatches == []
    audit = AuditRecord.objects.get(action="claim.supervision_certificate")
    assert (audit.target_id, audit.actor_id) == (str(certificate.pk), world.clerk.pk)
    assert audit.changes["rematched"] == {short.number: [], missing.number: []}
    assert services.claim_pass_district(actor=district, pk=short.pk).status == "city_review"


def test_a_certificate_recorded_first_is_matched_at_submission_and_a_returned_claim_on_resubmission(
    world: claims_world.World, district: Any
) -> None:
    returned = claim(world, 1)
    services.claim_return(actor=district, pk=returned.pk, corrections={"evidence": "请上传监狱出具的证明"})
    record(world)
    assert claim(world, 2).mismatch_count == 0
    assert Claim.objects.get(pk=returned.pk).mismatch_count == 1  # returned: the claimant resubmits
    assert services.claim_resubmit(actor=world.clerk, pk=returned.pk).mismatch_count == 0


def test_the_bureaus_refusal_of_completion_stands_over_the_certificate(
    world: claims_world.World, district: Any
) -> None:
    record(world)
    class_services.completion_override(
        actor=district, trainee=world.trainees[1], completed=False, reason="核查监所记录，未完成培训"
    )
    assert [m["code"] for m in claim(world, 1).mismatches] == ["match.attendance_short"]


def test_an_ordinary_class_takes_no_certificate_and_its_missing_attendance_stays_a_mismatch() -> None:
    world = claims_world.build(short=(1,))
    with pytest.raises(ValidationError) as refused:
        record(world)
    assert "training_class" in refused.value.message_dict
    assert SupervisionCertificate.objects.count() == 0
    assert [m["code"] for m in claim(world, 1).mismatches] == ["match.attendance_short"]


def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(world: claims_world.World) -> None:
    for kw, field in (
        ({"unit": " "}, "unit"),
        ({"number": ""}, "number"),
        ({"issued_on": date(2025, 5, 1)}, "issued_on"),  # before the class started on 2025-05-05
        ({"issued_on": date(2025, 9, 2)}, "issued_on"),  # after today
    ):
        with pytest.raises(ValidationError) as refused:
            record(world, **kw)
        assert field in refused.value.message_dict, kw
    record(world)
    with pytest.raises(Conflict):
        record(world)
    assert SupervisionCertificate.objects.count() == 1
    assert AuditRecord.objects.filter(action="claim.supervision_certificate").count() == 1


def test_only_the_classs_own_clerk_records_it(world: claims_world.World, district: Any) -> None:
    other = claims_world.build(tag="-other", trainees=1, uscc_serial=5)
    with pytest.raises(ValidationError):
        services.supervision_certificate_record(
            actor=other.clerk, class_id=world.klass.pk, unit="某监狱", number="1", issued_on=date(2025, 6, 20)
        )
    with pytest.raises(PermissionDenied):
        services.supervision_certificate_record(
            actor=district, class_id=world.klass.pk, unit="某监狱", number="1", issued_on=date(2025, 6, 20)
        )
    assert SupervisionCertificate.objects.count() == 0


def test_the_clerk_records_it_on_the_workspace_and_the_district_sees_it_on_the_claim(
    world: claims_world.World, district: Any
) -> None:
    short = claim(world, 1)
    clerk = client_for(world.clerk)
    page = clerk.get("/office/workspace/claims/").content.decode()
    assert "江苏省南通监狱" not in page and world.klass.title in page
    posted = {"training_class": world.klass.pk, "unit": "江苏省南通监狱", "number": "苏狱证〔2025〕18号",
              "issued_on": date.today().isoformat()}  # fmt: skip
    answer = clerk.post("/office/workspace/claims/certificates/", posted)
    assert answer.status_code == 302, answer.content.decode()
    bad = clerk.post("/office/workspace/claims/certificates/", {**posted, "issued_on": "2025-13-01"})
    assert bad.status_code == 400 and SupervisionCertificate.objects.count() == 1
    review = client_for(district).get(f"/office/claims/{short.pk}/").content.decode()
    assert "江苏省南通监狱" in review and "苏狱证〔2025〕18号" in review
    assert Claim.objects.get(pk=short.pk).mismatch_count == 0


def test_the_class_filing_says_whether_it_is_a_special_groups() -> None:
    world = claims_world.build(trainees=1)
    common = {
        "title": "服刑人员砌筑工培训班", "occupation": "砌筑工", "level": 4,
        "certificate_type": "skill_level",
        "program": "training", "start": date(2026, 3, 2), "end": date(2026, 3, 6), "venue": "南通监狱",
        "plan": "理论与实操",
        "sessions": [class_services.SessionInput(date(2026, 3, 2), "安全", Decimal(8), False)],
    }  # fmt: skip
    made = class_services.class_create(actor=world.clerk, special_group="inmate_or_rehab", **common)
    assert made.special_group == "inmate_or_rehab"
    with pytest.raises(ValidationError) as refused:
        class_services.class_create(actor=world.clerk, special_group="prison", **common)
    assert "special_group" in refused.value.message_dict


def test_the_class_api_files_a_special_groups_class_and_names_a_bad_group() -> None:
    from accounts.services import token_create

    world = claims_world.build(trainees=1)
    token = token_create(user=world.clerk, name="system")[1]
    body = {"title": "服刑人员砌筑工培训班", "occupation": "砌筑工", "level": 4,
            "certificate_type": "skill_level", "program": "training", "start": "2026-03-02",
            "end": "2026-03-06", "venue": "南通监狱", "plan": "理论与实操",
            "sessions": [{"on": "2026-03-02", "topic": "安全", "hours": "8"}]}  # fmt: skip

    def post(group: str) -> Any:
        return Client().post(
            "/api/v1/classes", {**body, "special_group": group}, content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )  # fmt: skip

    bad = post("prison")
    assert (bad.status_code, bad.json()["error"]["fields"][0]["field"]) == (422, "special_group")
    made = post("inmate_or_rehab")
    assert made.status_code == 201, made.content
    assert TrainingClass.objects.get(pk=made.json()["id"]).special_group == "inmate_or_rehab"
