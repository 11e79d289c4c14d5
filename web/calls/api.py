"""/api/v1/calls…: the project call (揭榜领题, 002). `router` is public: the published calls with their
deadlines, and the notice (公示) of a call. `writes` (mounted with auth in api/views.py) is everything
else: an institution's clerk files and corrects its own applications and sees nothing else; district
staff review and track; city staff score, decide, publish, answer objections and file, and read the
filed result as JSON with its reference. Each route is one service call."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Status
from pydantic import BaseModel, Field

from accounts.selectors import staff_scope
from calls import exports, present, selectors, services
from calls.models import Application, ProjectCall
from common.api_schemas import ERRORS, WRITE_ERRORS, Out
from institutions.selectors import clerk_institution

router = Router(tags=["project calls"])
writes = Router(tags=["project calls"])


class DeadlineOut(Out):
    code: str
    label: str
    due_on: date = Field(description="the last day in the documents")
    closes_at: datetime = Field(description="the first instant a submission is late, extensions included")
    source: str


class CallOut(Out):
    id: int
    call_file: str
    region: str
    title: str
    status: str
    project_types: list[str]
    deadlines: list[DeadlineOut]
    max_per_trainee_fen: int
    budget_fen: int | None
    notice_days: int | None = Field(description="the documents give none; the city sets it")
    notice_starts_on: date | None
    notice_ends_on: date | None
    filed_on: date | None
    filing_reference: str


class NoticeRowOut(Out):
    id: int = Field(description="the project's id; POST /quote takes it as project.id once it is tracked")
    institution: str
    project: str
    occupations: str
    districts: str
    trainees: int
    standard_fen: int | None


class NoticeOut(Out):
    call: int
    starts_on: date
    ends_on: date
    state: str = Field(description="pending, running or ended, from today's date")
    projects: list[NoticeRowOut]


class OccupationOut(Out):
    project: str
    name: str
    code: str | None
    in_catalog: bool
    classes: int
    trainees: int
    proposed_standard_fen: int


class ApplicationOut(Out):
    id: int
    call: int
    institution: str
    district: str
    status: str
    revision: int
    project_name: str
    trainees: int
    total_fen: int
    accepted_standard_fen: int | None
    occupations: list[OccupationOut]
    form: dict[str, Any] = Field(description="附件1 as last saved; mobiles masked")
    comments: list[dict[str, Any]]


class FilingRowOut(Out):
    serial: int
    application: int
    district: str
    district_name: str
    unit: str
    uscc: str
    project: str
    occupation: str
    occupation_code: str | None
    trainees: int
    standard_fen: int | None
    status: str
    status_zh: str


class FilingOut(Out):
    call: int
    title: str
    filed_on: date | None
    reference: str
    rows: list[FilingRowOut]


class IdOut(Out):
    id: int


class StartIn(BaseModel):
    district: str = Field(description="GB/T 2260 code of the district applied to")
    form: dict[str, Any] = Field(default_factory=dict)


class FormIn(BaseModel):
    form: dict[str, Any]


class ReasonIn(BaseModel):
    reason: str = ""


class CommentIn(BaseModel):
    path: str = Field(description="a field of 附件1, e.g. projects[0].budget.total_fen")
    text: str


class ReturnIn(BaseModel):
    comments: list[CommentIn]
    reason: str


class MarkIn(BaseModel):
    criterion: str
    points: int
    justification: str


class ReviewIn(BaseModel):
    marks: list[MarkIn]


class TrackIn(BaseModel):
    kind: str = Field(description="evaluation, warning, correction, removal or completion")
    on: date
    text: str


class ChoiceIn(BaseModel):
    application: int
    selected: bool
    reason: str
    standard_fen: int | None = None


class DecisionIn(BaseModel):
    held_on: date
    members: list[str]
    choices: list[ChoiceIn]
    overrun_reason: str = ""


class NoticeIn(BaseModel):
    starts_on: date


class ObjectionIn(BaseModel):
    text: str
    filed_on: date
    application: int | None = None


class AnswerIn(BaseModel):
    answer: str
    on: date
    uphold: bool = False


class FilingIn(BaseModel):
    filed_on: date
    reference: str


def _call(record: ProjectCall) -> dict[str, Any]:
    call = selectors.effective_call(record)
    extensions = selectors.extensions_of(record)
    return {
        "id": record.pk,
        "call_file": record.call_file,
        "region": record.region,
        "title": record.title,
        "status": record.status,
        "project_types": [t.code for t in call.project_types],
        "deadlines": [
            {
                "code": d.code,
                "label": d.label_zh,
                "due_on": d.due_on,
                "closes_at": call.closes_at(d.code, extensions),
                "source": d.source,
            }
            for d in call.deadlines
        ],
        "max_per_trainee_fen": call.max_per_trainee_fen,
        "budget_fen": record.budget_fen,
        "notice_days": record.notice_days,
        "notice_starts_on": record.notice_starts_on,
        "notice_ends_on": record.notice_ends_on,
        "filed_on": record.filed_on,
        "filing_reference": record.filing_reference,
    }


def _masked(form: dict[str, Any]) -> dict[str, Any]:
    unit = form.get("unit")
    if isinstance(unit, dict):
        for key in ("legal_representative", "contact"):
            person = unit.get(key)
            if isinstance(person, dict) and "mobile_sealed" in person:
                person = dict(person)
                person.pop("mobile_sealed")
                person["mobile"] = person.pop("mobile_masked", "")
                unit = {**unit, key: person}
        return {**form, "unit": unit}
    return form


def _application(a: Application) -> dict[str, Any]:
    return {
        "id": a.pk,
        "call": a.call_id,
        "institution": a.institution.name,
        "district": a.district,
        "status": a.status,
        "revision": a.revision,
        "project_name": a.project_name,
        "trainees": a.trainees,
        "total_fen": a.total_fen,
        "accepted_standard_fen": a.accepted_standard_fen,
        "occupations": [
            {
                "project": o.project,
                "name": o.name,
                "code": o.code or None,
                "in_catalog": o.in_catalog,
                "classes": o.classes,
                "trainees": o.trainees,
                "proposed_standard_fen": o.proposed_standard_fen,
            }
            for o in a.occupations.all()
        ],
        "form": _masked(a.form),
        "comments": [{"revision": c.revision, "path": c.path, "text": c.text} for c in a.comments.all()],
    }


def _visible(request: HttpRequest, pk: int) -> Application:
    """The clerk's own application, or one a staff member's scope covers; anything else is a 404."""
    institution = clerk_institution(request.user)
    if institution is not None:
        found = selectors.applications_of(institution).filter(pk=pk).first()
        if found is None:
            raise Http404(f"no application {pk}")
        return found
    return selectors.application_for_staff(request.user, pk)


@router.get("/calls", response={200: list[CallOut], **ERRORS}, summary="Published calls with their deadlines")
def calls(request: HttpRequest) -> list[dict[str, Any]]:
    return [_call(r) for r in selectors.public_calls()]


@router.get(
    "/calls/{call_id}/notice", response={200: NoticeOut, **ERRORS}, summary="A call's public notice (公示)"
)
def call_notice(request: HttpRequest, call_id: int) -> dict[str, Any]:
    record = selectors.public_calls().filter(pk=call_id).first()
    notice = present.notice_of(record) if record is not None else None
    if record is None or notice is None:
        raise Http404(f"no notice for call {call_id}")
    return {
        "call": record.pk,
        "starts_on": notice.starts_on,
        "ends_on": notice.ends_on,
        "state": notice.state_on(timezone.localdate()).value,
        "projects": [
            {
                "id": p.pk,
                "institution": p.institution,
                "project": p.project,
                "occupations": p.occupations,
                "districts": p.districts,
                "trainees": p.trainees,
                "standard_fen": p.standard_fen,
            }
            for p in selectors.notice_projects(record)
        ],
    }


@writes.get(
    "/calls/{call_id}/applications",
    response={200: list[ApplicationOut], **WRITE_ERRORS},
    summary="A call's applications: a clerk its own, staff those of their districts",
)
def call_applications(request: HttpRequest, call_id: int) -> list[dict[str, Any]]:
    institution = clerk_institution(request.user)
    if institution is not None:
        found = selectors.applications_of(institution).filter(call_id=call_id)
    elif staff_scope(request.user) is not None:
        found = selectors.applications_for(request.user, selectors.call_of(request.user, call_id))
    else:
        raise PermissionDenied("sign in as staff or as an institution's clerk")
    return [_application(a) for a in found.prefetch_related("occupations", "comments")]


@writes.post(
    "/calls/{call_id}/applications",
    response={201: ApplicationOut, **WRITE_ERRORS},
    summary="Start an application (an institution's clerk)",
)
def call_application_start(request: HttpRequest, call_id: int, payload: StartIn) -> Status[dict[str, Any]]:
    made = services.application_start(
        actor=request.user, call_pk=call_id, district=payload.district, form=payload.form
    )
    return Status(201, _application(made))


@writes.get(
    "/calls/applications/{application_id}",
    response={200: ApplicationOut, **WRITE_ERRORS},
    summary="One application",
)
def call_application(request: HttpRequest, application_id: int) -> dict[str, Any]:
    return _application(_visible(request, application_id))


@writes.put(
    "/calls/applications/{application_id}/form",
    response={200: ApplicationOut, **WRITE_ERRORS},
    summary="Save 附件1 (a draft, or a returned form being corrected)",
)
def call_application_save(request: HttpRequest, application_id: int, payload: FormIn) -> dict[str, Any]:
    return _application(services.application_save(actor=request.user, pk=application_id, form=payload.form))


@writes.post(
    "/calls/applications/{application_id}/submit",
    response={200: ApplicationOut, **WRITE_ERRORS},
    summary="Submit (or resubmit) to the district; every field is checked and the deadline enforced",
)
def call_application_submit(request: HttpRequest, application_id: int) -> dict[str, Any]:
    return _application(services.application_submit(actor=request.user, pk=application_id))


@writes.post(
    "/calls/applications/{application_id}/withdraw",
    response={200: ApplicationOut, **WRITE_ERRORS},
    summary="Withdraw",
)
def call_application_withdraw(request: HttpRequest, application_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _application(
        services.application_withdraw(actor=request.user, pk=application_id, reason=payload.reason)
    )


@writes.post(
    "/calls/applications/{application_id}/return",
    response={200: ApplicationOut, **WRITE_ERRORS},
    summary="Return for correction with a comment per field (district)",
)
def call_application_return(request: HttpRequest, application_id: int, payload: ReturnIn) -> dict[str, Any]:
    moved = services.application_return(
        actor=request.user,
        pk=application_id,
        comments=[(c.path, c.text) for c in payload.comments],
        reason=payload.reason,
    )
    return _application(moved)


@writes.post(
    "/calls/applications/{application_id}/decline",
    response={200: ApplicationOut, **WRITE_ERRORS},
    summary="Decline",
)
def call_application_decline(request: HttpRequest, application_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _application(
        services.application_decline(actor=request.user, pk=application_id, reason=payload.reason)
    )


@writes.post(
    "/calls/applications/{application_id}/forward",
    response={200: ApplicationOut, **WRITE_ERRORS},
    summary="Forward to the city (district), by the city deadline",
)
def call_application_forward(request: HttpRequest, application_id: int) -> dict[str, Any]:
    return _application(services.application_forward(actor=request.user, pk=application_id))


@writes.post(
    "/calls/applications/{application_id}/conflicts",
    response={201: IdOut, **WRITE_ERRORS},
    summary="Declare a conflict of interest (reviewer)",
)
def call_conflict_declare(
    request: HttpRequest, application_id: int, payload: ReasonIn
) -> Status[dict[str, Any]]:
    row = services.conflict_declare(actor=request.user, pk=application_id, reason=payload.reason)
    return Status(201, {"id": row.pk})


@writes.post(
    "/calls/applications/{application_id}/reviews",
    response={201: IdOut, **WRITE_ERRORS},
    summary="Score on the call's rubric, each mark justified (reviewer)",
)
def call_review_submit(
    request: HttpRequest, application_id: int, payload: ReviewIn
) -> Status[dict[str, Any]]:
    row = services.review_submit(
        actor=request.user, pk=application_id, marks=[m.model_dump() for m in payload.marks]
    )
    return Status(201, {"id": row.pk})


@writes.post(
    "/calls/applications/{application_id}/tracking",
    response={201: IdOut, **WRITE_ERRORS},
    summary="Record a staged evaluation, warning, correction, removal or completion (district)",
)
def call_tracking_record(
    request: HttpRequest, application_id: int, payload: TrackIn
) -> Status[dict[str, Any]]:
    row = services.tracking_record(actor=request.user, pk=application_id, **payload.model_dump())
    return Status(201, {"id": row.pk})


@writes.post(
    "/calls/applications/{application_id}/track",
    response={200: ApplicationOut, **WRITE_ERRORS},
    summary="Take up a filed project for tracking (district)",
)
def call_application_track(request: HttpRequest, application_id: int) -> dict[str, Any]:
    return _application(services.application_track(actor=request.user, pk=application_id))


_MOVES = {
    "close_applications": services.call_close_applications,
    "start_city_review": services.call_start_city_review,
}


@writes.post(
    "/calls/{call_id}/moves/{action}",
    response={200: CallOut, **WRITE_ERRORS},
    summary="close_applications, start_city_review, close_scoring or start_tracking (city)",
)
def call_move(request: HttpRequest, call_id: int, action: str) -> dict[str, Any]:
    if action in _MOVES:
        _MOVES[action](actor=request.user, pk=call_id)
    elif action == "close_scoring":
        services.scoring_close(actor=request.user, call_pk=call_id)
    elif action == "start_tracking":
        services.call_start_tracking(actor=request.user, call_pk=call_id)
    else:
        raise Http404(f"no move {action}")
    return _call(selectors.call_of(request.user, call_id))


@writes.post("/calls/{call_id}/decision", response={200: CallOut, **WRITE_ERRORS}, summary="集体决策 (city)")
def call_decision(request: HttpRequest, call_id: int, payload: DecisionIn) -> dict[str, Any]:
    services.meeting_record(
        actor=request.user,
        call_pk=call_id,
        held_on=payload.held_on,
        members=payload.members,
        choices=[
            services.ChoiceInput(c.application, c.selected, c.reason, c.standard_fen) for c in payload.choices
        ],
        overrun_reason=payload.overrun_reason,
    )
    return _call(selectors.call_of(request.user, call_id))


@writes.post(
    "/calls/{call_id}/notice/publication",
    response={200: CallOut, **WRITE_ERRORS},
    summary="Publish the notice (city)",
)
def call_notice_publish(request: HttpRequest, call_id: int, payload: NoticeIn) -> dict[str, Any]:
    return _call(services.notice_publish(actor=request.user, call_pk=call_id, starts_on=payload.starts_on))


@writes.post(
    "/calls/{call_id}/objections", response={201: IdOut, **WRITE_ERRORS}, summary="Record an objection (city)"
)
def call_objection_file(request: HttpRequest, call_id: int, payload: ObjectionIn) -> Status[dict[str, Any]]:
    row = services.objection_file(actor=request.user, call_pk=call_id, **payload.model_dump())
    return Status(201, {"id": row.pk})


@writes.post(
    "/calls/objections/{objection_id}/answer",
    response={200: IdOut, **WRITE_ERRORS},
    summary="Answer an objection, upholding it or not (city)",
)
def call_objection_answer(request: HttpRequest, objection_id: int, payload: AnswerIn) -> dict[str, Any]:
    row = services.objection_answer(actor=request.user, pk=objection_id, **payload.model_dump())
    return {"id": row.pk}


@writes.post(
    "/calls/{call_id}/filing", response={200: FilingOut, **WRITE_ERRORS}, summary="File with the province"
)
def call_filing(request: HttpRequest, call_id: int, payload: FilingIn) -> dict[str, Any]:
    record = services.call_file_with_province(
        actor=request.user, call_pk=call_id, filed_on=payload.filed_on, reference=payload.reference
    )
    return _filing(record)


@writes.get(
    "/calls/{call_id}/filing",
    response={200: FilingOut, **WRITE_ERRORS},
    summary="The filed result for the province, with its date and reference (staff)",
)
def call_filing_result(request: HttpRequest, call_id: int) -> dict[str, Any]:
    if staff_scope(request.user) is None:
        raise PermissionDenied("bureau staff only")
    return _filing(selectors.call_of(request.user, call_id))


def _filing(record: ProjectCall) -> dict[str, Any]:
    return {
        "call": record.pk,
        "title": record.title,
        "filed_on": record.filed_on,
        "reference": record.filing_reference,
        "rows": exports.filing_rows(record),
    }
