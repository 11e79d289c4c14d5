"""/api/v1/classes…: the classes open for enrolment, for the public (`router`: no roster, no names);
and, signed in (`writes`: bureau staff see their regions', a clerk its institution's), a user's
own classes, one class, and filing and running a class (one router, as GET and POST /classes share
a path). Another region's or institution's class is
answered as one that does not exist, as the back office does."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.params.functions import Query
from pydantic import BaseModel, Field

from accounts.selectors import staff_scope
from classes import selectors, services
from classes.models import TrainingClass
from common.api_errors import ApiError, ApiErrorCode
from common.api_schemas import ERRORS, WRITE_ERRORS, Out
from institutions.selectors import clerk_institution

router = Router(tags=["classes"])
writes = Router(tags=["classes"])


class OpenClassOut(Out):
    id: int
    title: str
    institution: str
    occupation: str
    level: int | None
    region: str
    start: date
    end: date
    venue: str


class SessionOut(Out):
    on: date
    topic: str
    hours: Decimal
    mode: str = Field(description="offline or online")


class ClassOut(Out):
    id: int
    title: str
    institution_id: int
    institution: str
    status: str = Field(
        description="draft, filed, running, suspended, finished, assessed, closed or cancelled"
    )
    occupation: str
    occupation_code: str | None
    level: int | None
    certificate_type: str
    program: str
    project_ref: str | None
    region: str
    start: date
    end: date
    filed_on: date | None
    venue: str
    online_platform: str | None
    trainees: int
    hours_total: Decimal
    hours_online: Decimal
    flag: str | None = Field(
        description="set when the institution was suspended or removed while the class runs"
    )


class ClassDetailOut(ClassOut):
    sessions: list[SessionOut]


class SessionIn(BaseModel):
    on: date
    topic: str
    hours: Decimal
    online: bool = False


class ClassIn(BaseModel):
    title: str
    occupation: str
    level: int | None = None
    certificate_type: str = Field(description="e.g. skill_level, special_ability, vocational_qualification")
    program: str = Field(description="training, insured_upgrade or project")
    project_id: int | None = Field(
        None, description="project-based training: the project call application's id"
    )
    special_group: str = Field(
        "",
        description="inmate_or_rehab for a special group's class (002 · 附件4 · 8③: the supervising unit "
        "certifies its training where video records cannot be provided); empty otherwise",
    )
    start: date
    end: date
    venue: str
    plan: str
    sessions: list[SessionIn]
    teacher_ids: list[int] = []
    timetable: str = ""
    online_platform: str = ""
    online_courses: str = ""


class MoveIn(BaseModel):
    action: str = Field(
        description="start, finish, withdraw (clerk); suspend, resume, assess, close, cancel (bureau)"
    )
    reason: str = ""


class RowOut(Out):
    row: int
    name: str
    id_masked: str
    ok: bool
    reasons: list[dict[str, str]]


class AttendanceIn(BaseModel):
    on: date = Field(description="the session's date")
    session: int | None = Field(
        None,
        ge=1,
        description="the session's number in the timetable, from 1: needed only when the class has "
        "more than one session on that date",
    )
    id_number: str
    mark: str = Field(description="present, absent or excused")
    source: str = Field(description="device, person, face or platform")
    at: datetime
    platform_minutes: int | None = None


class ResultIn(BaseModel):
    id_number: str
    passed: bool
    certificate_no: str = ""
    issued_on: date | None = None


class WrittenOut(Out):
    written: int
    refused: list[str]


def _missing(pk: int) -> ApiError:
    return ApiError(ApiErrorCode.UNKNOWN_CLASS, f"no class {pk}", field="class_id", value=pk)


def _visible(request: HttpRequest) -> QuerySet[TrainingClass]:
    clerk = clerk_institution(request.user)
    if clerk is not None:
        return selectors.classes_of(clerk)
    if staff_scope(request.user) is None:
        raise PermissionDenied("reading classes needs a staff role or an institution clerk's account")
    return selectors.classes_for(request.user)


def _get(request: HttpRequest, pk: int) -> TrainingClass:
    found = _visible(request).filter(pk=pk).first()
    if found is None:
        raise _missing(pk)
    return found


def _out(c: TrainingClass) -> dict[str, Any]:
    hours = selectors.hours_of(c)
    return {
        "id": c.pk,
        "title": c.title,
        "institution_id": c.institution_id,
        "institution": c.institution.name,
        "status": c.status,
        "occupation": c.occupation,
        "occupation_code": c.occupation_code or None,
        "level": c.level,
        "certificate_type": c.certificate_type,
        "program": c.program,
        "project_ref": c.project_ref or None,
        "region": c.region,
        "start": c.start,
        "end": c.end,
        "filed_on": c.filed_on,
        "venue": c.venue,
        "online_platform": c.online_platform or None,
        "trainees": c.trainees.count(),
        "hours_total": hours.total,
        "hours_online": hours.online,
        "flag": selectors.institution_flag(c),
    }


@router.get(
    "/classes/open",
    response={200: list[OpenClassOut], **ERRORS},
    url_name="classes_open",
    summary="Classes open for enrolment, by occupation and district (no personal data)",
)
def classes_open(
    request: HttpRequest,
    occupation: str = Query("", max_length=100),
    region: str = Query("", max_length=6, description="a region code; a city includes its districts"),
) -> list[dict[str, Any]]:
    rows = selectors.open_classes(occupation=occupation, region=region, today=timezone.localdate())[:200]
    return [
        {
            "id": c.pk,
            "title": c.title,
            "institution": c.institution.name,
            "occupation": c.occupation,
            "level": c.level,
            "region": c.region,
            "start": c.start,
            "end": c.end,
            "venue": c.venue,
        }
        for c in rows
    ]


@writes.get(
    "/classes",
    response={200: list[ClassOut], **WRITE_ERRORS},
    url_name="classes_list",
    summary="The classes the user may see: a bureau's regions, or a clerk's institution",
)
def classes_list(
    request: HttpRequest, status: str = Query("", max_length=16), limit: int = Query(100, ge=1, le=500)
) -> list[dict[str, Any]]:
    qs = _visible(request)
    if status:
        qs = qs.filter(status=status)
    return [_out(c) for c in qs.order_by("-start", "-id")[:limit]]


@writes.get(
    "/classes/{int:class_id}",
    response={200: ClassDetailOut, **WRITE_ERRORS},
    url_name="class_detail",
    summary="One class",
)
def class_detail(request: HttpRequest, class_id: int) -> dict[str, Any]:
    c = _get(request, class_id)
    return {
        **_out(c),
        "sessions": [
            {"on": s.on, "topic": s.topic, "hours": s.hours, "mode": s.mode} for s in c.sessions.all()
        ],
    }


@writes.post(
    "/classes",
    response={201: ClassDetailOut, **WRITE_ERRORS},
    url_name="class_create",
    summary="Draft a class (a clerk)",
)
def class_create(request: HttpRequest, payload: ClassIn) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    sessions = [
        services.SessionInput(s["on"], s["topic"], s["hours"], s["online"]) for s in data.pop("sessions")
    ]
    c = services.class_create(actor=request.user, sessions=sessions, **data)
    return Status(201, class_detail(request, c.pk))


@writes.post(
    "/classes/{int:class_id}/roster",
    response={200: list[RowOut], **WRITE_ERRORS},
    url_name="class_roster",
    summary="Upload the roster (XLSX or CSV); every row's outcome, the kept rows replacing the draft's",
)
def roster_upload(request: HttpRequest, class_id: int, file: File[UploadedFile]) -> list[dict[str, Any]]:
    c = _get(request, class_id)
    outcomes = services.roster_upload(
        actor=request.user, training_class=c, file_name=file.name or "roster.xlsx", data=file.read()
    )
    return [{**o.to_json(), "id_masked": o.id_masked} for o in outcomes]


@writes.post(
    "/classes/{int:class_id}/filing",
    response={200: ClassOut, **WRITE_ERRORS},
    url_name="class_file",
    summary="File the draft (开班备案): every filing rule, the roster and the overlap with other classes",
)
def class_file(request: HttpRequest, class_id: int) -> dict[str, Any]:
    c = services.class_file(
        actor=request.user, training_class=_get(request, class_id), today=timezone.localdate()
    )
    return _out(c)


@writes.post(
    "/classes/{int:class_id}/moves",
    response={200: ClassOut, **WRITE_ERRORS},
    url_name="class_move",
    summary="Move a class",
)
def class_move(request: HttpRequest, class_id: int, payload: MoveIn) -> dict[str, Any]:
    c = services.class_move(
        actor=request.user,
        training_class=_get(request, class_id),
        action=payload.action,
        reason=payload.reason,
    )
    return _out(c)


@writes.post(
    "/classes/{int:class_id}/attendance",
    response={200: WrittenOut, **WRITE_ERRORS},
    url_name="class_attendance",
    summary="Record attendance; each refused row is named, the valid rows are kept",
)
def attendance(request: HttpRequest, class_id: int, payload: list[AttendanceIn]) -> dict[str, Any]:
    rows = [services.AttendanceInput(**r.model_dump()) for r in payload]
    written, refused = services.attendance_record(
        actor=request.user, training_class=_get(request, class_id), rows=rows
    )
    return {"written": written, "refused": refused}


@writes.post(
    "/classes/{int:class_id}/results",
    response={200: WrittenOut, **WRITE_ERRORS},
    url_name="class_results",
    summary="Record assessment results (the bureau or the commissioned evaluation institution)",
)
def results(request: HttpRequest, class_id: int, payload: list[ResultIn]) -> dict[str, Any]:
    c = _get_for_results(request, class_id)
    rows = [services.ResultInput(**r.model_dump()) for r in payload]
    written, refused = services.results_record(actor=request.user, training_class=c, rows=rows)
    return {"written": written, "refused": refused}


def _get_for_results(request: HttpRequest, pk: int) -> TrainingClass:
    clerk = clerk_institution(request.user)
    if clerk is not None:
        found = TrainingClass.objects.filter(pk=pk, evaluator=clerk).select_related("institution").first()
        if found is None:
            raise _missing(pk)
        return found
    try:
        return selectors.class_for(request.user, pk)
    except Http404:
        raise _missing(pk) from None
