"""/api/v1/trainers and /api/v1/institutions…: who may train an occupation where, and an
institution's public record (`router`, public); registration, lifecycle moves, inspections, findings
and approvals by bureau systems (`writes`, mounted with auth in api/views.py). Another region's
institution is answered as one that does not exist, as the back office does."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Status
from ninja.params.functions import Query
from pydantic import BaseModel, Field

from accounts.selectors import staff_scope
from common.api_errors import ApiError, ApiErrorCode
from common.api_schemas import ERRORS, WRITE_ERRORS, Out
from common.personal import mask_name
from institutions import selectors, services
from institutions.models import Approval, Inspection, Institution
from skillsubsidy.catalog.profile import UnknownOccupation
from skillsubsidy.regions import UnknownRegion

router = Router(tags=["institutions"])
writes = Router(tags=["back office"])


class ApprovalOut(Out):
    role: str = Field(description="training or evaluation")
    occupation: str
    occupation_code: str | None
    level: int | None = Field(description="1–5 (1 highest); null when the approval has no level")
    valid_from: date
    valid_to: date | None


class InspectionOut(Out):
    on: date
    kind: str = Field(description="first_class, spot_onsite or spot_online (001 · 二（二）4)")
    result: str = Field(description="passed, issues or failed")


class InstitutionOut(Out):
    id: int
    name: str
    uscc: str
    kind: str = Field(description="one of the eight kinds of 002 · 附件1")
    status: str
    region: str
    addresses: list[str] = Field(description="the registered address, then each of its premises")
    legal_representative: str = Field(description="masked: 张*")
    contact: str = Field(description="masked")
    contact_phone: str = Field(description="masked: 138****5678")
    approvals: list[ApprovalOut]
    inspections: list[InspectionOut]
    outcomes: None = Field(
        None,
        description="trainees, pass rate and employment: not available until classes and claims exist",
    )


class PublicRecordOut(InstitutionOut):
    removed_on: date | None = None
    removal_reason: str | None = None


class TrainersOut(Out):
    occupation: str
    region: str
    level: int | None
    institutions: list[InstitutionOut]


def _approval(a: Approval) -> dict[str, Any]:
    return {
        "role": a.role,
        "occupation": a.occupation,
        "occupation_code": a.occupation_code or None,
        "level": a.level,
        "valid_from": a.valid_from,
        "valid_to": a.valid_to,
    }


def _inspection(i: Inspection) -> dict[str, Any]:
    return {"on": i.on, "kind": i.kind, "result": i.result}


def _public(p: selectors.PublicInstitution) -> dict[str, Any]:
    inst = p.institution
    return {
        "id": inst.pk,
        "name": inst.name,
        "uscc": inst.uscc,
        "kind": inst.kind,
        "status": inst.status,
        "region": inst.region,
        "addresses": selectors.addresses(inst),
        "legal_representative": mask_name(inst.legal_rep_name),
        "contact": mask_name(inst.contact_name),
        "contact_phone": inst.contact_phone_masked,
        "approvals": [_approval(a) for a in p.approvals],
        "inspections": [_inspection(i) for i in p.inspections],
        "outcomes": None,
    }


@router.get(
    "/trainers",
    response={200: TrainersOut, **ERRORS},
    url_name="institutions_trainers",
    summary="Who can train me: listed institutions by occupation, level and region",
)
def trainers(
    request: HttpRequest,
    occupation: str = Query(..., min_length=1, max_length=100, description="code or name, e.g. 焊工"),
    region: str = Query(
        ..., min_length=1, max_length=50, description="e.g. 天河区; a district inherits its city's"
    ),
    level: int | None = Query(None, ge=1, le=5),
) -> dict[str, Any]:
    try:
        found = selectors.trainers(occupation=occupation, region=region, level=level, on=timezone.localdate())
    except UnknownOccupation as exc:
        raise ApiError(
            ApiErrorCode.VALIDATION_ERROR,
            str(exc),
            field="occupation",
            value=occupation,
            suggestions=exc.suggestions,
        ) from None
    except UnknownRegion as exc:
        raise ApiError(
            ApiErrorCode.UNKNOWN_REGION, str(exc), field="region", value=region, suggestions=exc.suggestions
        ) from None
    return {
        "occupation": occupation,
        "region": region,
        "level": level,
        "institutions": [_public(p) for p in found],
    }


def _missing(pk: int) -> ApiError:
    message = f"no institution {pk}"
    return ApiError(ApiErrorCode.UNKNOWN_INSTITUTION, message, field="institution_id", value=pk)


@router.get(
    "/institutions/{institution_id}",
    response={200: PublicRecordOut, **ERRORS},
    url_name="institution_public",
    summary="An institution's public record",
)
def institution_public(request: HttpRequest, institution_id: int) -> dict[str, Any]:
    try:
        inst = selectors.public_institution(institution_id)
    except Http404:
        raise _missing(institution_id) from None
    record = selectors.public_record(inst, timezone.localdate())
    removal = record.removal
    return {
        **_public(record.shown),
        "removed_on": removal.on.date() if removal else None,
        "removal_reason": removal.reason if removal else None,
    }


# --- writes ---------------------------------------------------------------------------------------


class StaffInstitutionOut(Out):
    id: int
    name: str
    uscc: str
    kind: str
    status: str
    region: str


class RegisterIn(BaseModel):
    name: str
    uscc: str
    kind: str = Field(
        description="chain_leader, leading_enterprise, hr_approved, hr_company, "
        "technician_college, vocational_college, industry_association or other"
    )
    region: str
    address: str
    legal_rep_name: str
    contact_name: str
    contact_phone: str
    legal_form: str = ""
    website: str = ""
    platform: str = ""


class MoveIn(BaseModel):
    action: str = Field(
        description="review, return, resubmit, propose, list, reject, suspend, reinstate, remove or withdraw"
    )
    reason: str = ""


class InspectionIn(BaseModel):
    kind: str
    on: date
    result: str
    findings: str


class FindingIn(BaseModel):
    rule: str = Field(description="the rule id of a condition that needs a judgement")
    outcome: str = Field(description="passed or failed")
    evidence: str


class ApprovalIn(BaseModel):
    role: str = "training"
    occupation: str
    level: int | None = None
    valid_from: date
    valid_to: date | None = None


class IdOut(Out):
    id: int


def _staff(value: Institution) -> dict[str, Any]:
    return {
        "id": value.pk,
        "name": value.name,
        "uscc": value.uscc,
        "kind": value.kind,
        "status": value.status,
        "region": value.region,
    }


def _owned(request: HttpRequest, pk: int) -> Institution:
    if staff_scope(request.user) is None:
        raise PermissionDenied("changing institutions needs a staff role")
    try:
        return selectors.institution_for(request.user, pk)
    except Http404:
        raise _missing(pk) from None


@writes.post(
    "/institutions",
    response={201: StaffInstitutionOut, **WRITE_ERRORS},
    summary="Register an institution (it starts as applied)",
)
def institution_register(request: HttpRequest, payload: RegisterIn) -> Status[dict[str, Any]]:
    inst = services.institution_register(actor=request.user, **payload.model_dump())
    return Status(201, _staff(inst))


@writes.post(
    "/institutions/{institution_id}/moves",
    response={200: StaffInstitutionOut, **WRITE_ERRORS},
    summary="Move an institution along its lifecycle",
)
def institution_move(request: HttpRequest, institution_id: int, payload: MoveIn) -> dict[str, Any]:
    inst = services.institution_move(
        institution=_owned(request, institution_id),
        actor=request.user,
        action=payload.action,
        reason=payload.reason,
        today=timezone.localdate(),
    )
    return _staff(inst)


@writes.post(
    "/institutions/{institution_id}/inspections",
    response={201: IdOut, **WRITE_ERRORS},
    summary="Record an inspection (001 · 二（二）4)",
)
def inspection_record(
    request: HttpRequest, institution_id: int, payload: InspectionIn
) -> Status[dict[str, Any]]:
    row = services.inspection_record(
        institution=_owned(request, institution_id),
        actor=request.user,
        today=timezone.localdate(),
        **payload.model_dump(),
    )
    return Status(201, {"id": row.pk})


@writes.post(
    "/institutions/{institution_id}/findings",
    response={201: IdOut, **WRITE_ERRORS},
    summary="Record a reviewer's finding on a condition that needs a judgement",
)
def finding_record(request: HttpRequest, institution_id: int, payload: FindingIn) -> Status[dict[str, Any]]:
    row = services.finding_record(
        institution=_owned(request, institution_id), actor=request.user, **payload.model_dump()
    )
    return Status(201, {"id": row.pk})


@writes.post(
    "/institutions/{institution_id}/approvals",
    response={201: ApprovalOut, **WRITE_ERRORS},
    summary="Approve an occupation (and level) to train or evaluate",
)
def approval_add(request: HttpRequest, institution_id: int, payload: ApprovalIn) -> Status[dict[str, Any]]:
    row = services.approval_add(
        institution=_owned(request, institution_id), actor=request.user, **payload.model_dump()
    )
    return Status(201, _approval(row))
