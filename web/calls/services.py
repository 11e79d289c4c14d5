"""Writes to project calls. The city creates a call from its file, sets what the documents leave open,
opens it, and grants deadline extensions with a reason (002 · 四). Every write authorises the actor for
the call's region, runs in one transaction and leaves an audit row; state changes go through
common.transitions.change_state."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import account_role
from audit.services import audit_record
from calls import present, selectors
from calls.models import (
    Application,
    ApplicationOccupation,
    Attachment,
    ConflictDeclaration,
    DeadlineExtension,
    DistrictForward,
    Meeting,
    Objection,
    ProjectCall,
    ReturnComment,
    Review,
    Revision,
    TrackingEvent,
)
from calls.sealing import opened_form, sealed_form
from common.actor import Actor, actor_user, authorise
from common.errors import Conflict, required_reason
from common.forms import quoted
from common.personal import digest, mask_name, seal
from common.transitions import change_state
from institutions.models import Clerk, Institution
from institutions.selectors import clerk_institution
from institutions.services import clerk_create, institution_register
from skillsubsidy.calls.call import CallFileError, DeadlinePassed, call_districts, extend, load_call, yuan
from skillsubsidy.calls.forms import ApplicationForm, FormInvalid, read_application
from skillsubsidy.calls.lifecycle import (
    APPLICATION,
    CALL,
    FORM_VALID,
    NOTICE_ENDED,
    OBJECTIONS_ANSWERED,
    REVIEWS_COMPLETE,
    TO_CITY_IN_TIME,
    TO_DISTRICT_IN_TIME,
    WITHIN_BUDGET,
    Notice,
    NoticeState,
    accept_objection,
    answer_objection,
    filing_blockers,
)
from skillsubsidy.calls.lifecycle import Objection as CoreObjection
from skillsubsidy.calls.scoring import Choice, Mark, ScoringError, check_review, decide, shown, weighted_total
from skillsubsidy.calls.scoring import Conflict as ScoreConflict
from skillsubsidy.calls.scoring import Review as ScoreReview
from skillsubsidy.rules.decision import Outcome


def call_create(*, actor: Actor, call_file: str, demo: bool = False) -> ProjectCall:
    try:
        call = load_call(call_file)
    except (KeyError, CallFileError) as exc:
        raise ValidationError({"call_file": str(exc.args[0] if isinstance(exc, KeyError) else exc)}) from None
    authorise(actor, call.region)
    try:
        with transaction.atomic():
            record = ProjectCall.objects.create(
                call_file=call.id,
                region=call.region,
                title=call.title,
                created_by=actor_user(actor),
                demo=demo,
            )
            audit_record(
                actor=actor,
                action="call.create",
                target_type=CALL.name,
                target_id=record.pk,
                region=call.region,
                summary=f"创建征集 {call.title}",
            )
    except IntegrityError:
        raise Conflict(
            f"call {call.id} exists", shown=_("Call %(call)s is already created.") % {"call": call.id}
        ) from None
    return record


def _closed_to_applications(status: str) -> Conflict:
    return Conflict(
        f"call is {status}: no new application",
        shown=_("The call is “%(state)s”: it takes no new applications.")
        % {"state": present.call_state(status)},
    )


def call_configure(
    *,
    actor: Actor,
    pk: int,
    budget_fen: int | None,
    notice_days: int | None,
    rubric_confirmed: bool,
    reason: str,
) -> ProjectCall:
    """Set the budget, the notice length and the rubric confirmation; only while the call is a draft."""
    record = selectors.call_of(actor, pk)
    authorise(actor, record.region)
    why = required_reason(reason)
    if budget_fen is not None and budget_fen <= 0:
        raise ValidationError(
            {"budget_fen": _("The budget must be positive (given: %(value)s).") % {"value": budget_fen}}
        )
    if notice_days is not None and notice_days <= 0:
        raise ValidationError(
            {
                "notice_days": _(
                    "The notice length must be a whole number of days above 0 (given: %(value)s)."
                )
                % {"value": notice_days}
            }
        )
    values = {"budget_fen": budget_fen, "notice_days": notice_days, "rubric_confirmed": rubric_confirmed}
    with transaction.atomic():
        if not ProjectCall.objects.filter(pk=pk, status="draft").update(**values):
            raise Conflict(
                "the call is open: settings are fixed",
                shown=_(
                    "The call is open: the budget, the notice length and the rubric can no longer change."
                ),
            )
        audit_record(
            actor=actor,
            action="call.configure",
            target_type=CALL.name,
            target_id=pk,
            region=record.region,
            summary=f"设定征集 {record.title} 的预算、公示期和评分细则",
            reason=why,
            changes={
                "budget_fen": [record.budget_fen, budget_fen],
                "notice_days": [record.notice_days, notice_days],
                "rubric_confirmed": [record.rubric_confirmed, rubric_confirmed],
            },
        )
    return ProjectCall.objects.get(pk=pk)


def call_open(*, actor: Actor, pk: int) -> ProjectCall:
    """Open the call, refused while a setting the documents leave to the city is missing. The settings
    only change in a draft and only to set values, so what was checked still holds at the move."""
    record = selectors.call_of(actor, pk)
    authorise(actor, record.region)
    missing = selectors.effective_call(record).missing_settings()
    if missing:
        raise ValidationError({"status": list(missing)})
    return change_state(
        model=ProjectCall,
        pk=pk,
        machine=CALL,
        action="open",
        actor=actor,
        reason="",
        summary=f"开放征集 {record.title}",
        region=record.region,
        changes={"rule": "call.settings_complete"},
    )


def call_extend_deadline(
    *, actor: Actor, pk: int, deadline: str, until: date, reason: str
) -> DeadlineExtension:
    """A later last day for one deadline of an open call or one under district review."""
    record = selectors.call_of(actor, pk)
    authorise(actor, record.region)
    call = selectors.effective_call(record)
    if deadline not in {d.code for d in call.deadlines}:
        raise ValidationError({"deadline": _("Not a deadline of this call: %(value)s") % {"value": deadline}})
    user = actor_user(actor)
    name = user.get_username() if user is not None else "system"
    try:
        granted = extend(call=call, deadline=deadline, until=until, granted_by=name, reason=reason)
    except CallFileError as exc:
        raise ValidationError({exc.path.removeprefix("extension."): exc.problem}) from None
    try:
        with transaction.atomic():
            # The lock keeps the state read here true until the extension is written.
            state = (
                ProjectCall.objects.select_for_update().filter(pk=pk).values_list("status", flat=True).get()
            )
            if state not in ("open", "district_review"):
                raise Conflict(
                    f"call is {state}: no extension",
                    shown=_("The call is “%(state)s”: no deadline can be extended.")
                    % {"state": present.call_state(state)},
                )
            extension = DeadlineExtension.objects.create(
                call=record,
                deadline=deadline,
                until=granted.until,
                reason=granted.reason,
                granted_by=user,
                granted_by_name=name,
            )
            audit_record(
                actor=actor,
                action="call.extend_deadline",
                target_type=CALL.name,
                target_id=pk,
                region=record.region,
                summary=f"延长 {call.deadline(deadline).label_zh} 的截止日至 {granted.until.isoformat()}",
                reason=granted.reason,
                changes={
                    "deadline": deadline,
                    "from": call.deadline(deadline).due_on.isoformat(),
                    "to": granted.until.isoformat(),
                },
            )
    except IntegrityError:
        raise Conflict(
            f"already extended to {until.isoformat()}",
            shown=_("The deadline is already extended to %(day)s.") % {"day": until.isoformat()},
        ) from None
    return extension


# --- Applications (附件1/附件2), filed by an institution's clerk to its district (002 · 四（一）) ----------

# Bounds of what a clerk may store: the form as JSON, and each scan (a licence, a lease) with its type
# read from its first bytes, not from the name or the browser's word.
FORM_MAX_BYTES = 512 * 1024
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
ATTACHMENTS_MAX = 20
ATTACHMENT_KINDS = {
    "pdf": (b"%PDF-", "application/pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg"),
}
EDITABLE = ("draft", "returned")


def _clerk(actor: Actor) -> Institution:
    institution = clerk_institution(actor)
    if institution is None:
        raise PermissionDenied("only an institution's clerk files its applications")
    return institution


def _own(actor: Actor, pk: int) -> Application:
    institution = _clerk(actor)
    application = Application.objects.filter(pk=pk, institution=institution).select_related("call").first()
    if application is None:
        raise Http404(f"no application {pk}")
    return application


def _staff_application(actor: Actor, pk: int) -> Application:
    application = selectors.application_for_staff(actor, pk)
    authorise(actor, application.district)
    return application


def _read(record: ProjectCall, form: dict[str, Any]) -> ApplicationForm:
    call = selectors.effective_call(record)
    try:
        return read_application(form, call=call, catalog=selectors.catalog_of(call))
    except FormInvalid as exc:
        raise ValidationError({e.path: f"{e.problem}（填写值：{e.value!r}）" for e in exc.errors}) from None


def _bounded(form: object) -> dict[str, Any]:
    if not isinstance(form, dict):
        raise ValidationError({"form": _("The form must be a set of fields (a JSON object).")})
    size = len(json.dumps(form, ensure_ascii=False).encode())
    if size > FORM_MAX_BYTES:
        raise ValidationError(
            {
                "form": _("The form is too large: %(size)s bytes; at most %(limit)s.")
                % {"size": size, "limit": FORM_MAX_BYTES}
            }
        )
    return form


def _summary_fields(form: dict[str, Any]) -> dict[str, Any]:
    projects = form.get("projects") if isinstance(form.get("projects"), list) else []
    first = projects[0] if projects and isinstance(projects[0], dict) else {}
    return {
        "project_name": str(first.get("name") or "")[:200],
        "project_type": str(first.get("type") or "")[:32],
    }


def application_start(
    *, actor: Actor, call_pk: int, district: str, form: dict[str, Any] | None = None, demo: bool = False
) -> Application:
    """A draft for the clerk's institution in the district it applies to, while the call is open."""
    institution = _clerk(actor)
    record = ProjectCall.objects.filter(pk=call_pk).first()
    if record is None:
        raise Http404(f"no call {call_pk}")
    if record.status != "open":
        raise _closed_to_applications(record.status)
    districts = {c: n for n, c in call_districts(selectors.effective_call(record)).items()}
    if district not in districts:
        raise ValidationError(
            {
                "district": _("Not a district of this call: %(value)s; choose one of %(choices)s")
                % {"value": district, "choices": "、".join(districts.values())}
            }
        )
    data = _bounded(form or {})
    try:
        with transaction.atomic():
            application = Application.objects.create(
                call=record,
                institution=institution,
                district=district,
                form=sealed_form(data),
                created_by=actor_user(actor),
                demo=demo,
                **_summary_fields(data),
            )
            audit_record(
                actor=actor,
                action="call_application.create",
                target_type=APPLICATION.name,
                target_id=application.pk,
                region=district,
                summary=f"{institution.name} 起草申报（{districts[district]}）",
            )
    except IntegrityError:
        raise Conflict(
            "the institution has applied already",
            shown=_("%(name)s has already applied to this call.") % {"name": institution.name},
        ) from None
    return application


def application_save(*, actor: Actor, pk: int, form: dict[str, Any]) -> Application:
    """Keep the clerk's draft (or the returned form being corrected); checked only on submission."""
    application = _own(actor, pk)
    data = _bounded(form)
    with transaction.atomic():
        if not Application.objects.filter(pk=pk, status__in=EDITABLE).update(
            form=sealed_form(data), **_summary_fields(data)
        ):
            raise Conflict(
                "submitted: not editable",
                shown=_("The application is submitted and cannot change until the district returns it."),
            )
        audit_record(
            actor=actor,
            action="call_application.save",
            target_type=APPLICATION.name,
            target_id=pk,
            region=application.district,
            summary=f"保存申报表 {_summary_fields(data)['project_name']}",
        )
    return Application.objects.get(pk=pk)


def application_submit(*, actor: Actor, pk: int, at: datetime | None = None) -> Application:
    """Submit (or resubmit after a return) to the district: the form must pass every check of 附件1
    and name the clerk's own institution, and the district deadline must not have passed unless it
    was extended (002 · 四（一）). The submitted form is kept as a new revision."""
    application = _own(actor, pk)
    institution = application.institution
    when = at or timezone.now()
    form = opened_form(application.form)
    read = _read(application.call, form)
    if read.unit.uscc != institution.uscc:
        raise ValidationError(
            {
                "unit.uscc": _("Must be your own unit's code %(code)s (given: %(value)s)")
                % {"code": institution.uscc, "value": repr(read.unit.uscc)}
            }
        )
    try:
        selectors.ensure_in_time(record=application.call, deadline="to_district", at=when)
    except DeadlinePassed as exc:
        raise ValidationError({"submitted_at": str(exc)}) from None
    action = "resubmit" if application.status == "returned" else "submit"
    number = application.revision + 1
    occupations = [
        ApplicationOccupation(
            application=application,
            project=p.name,
            name=o.name,
            code=o.code or "",
            in_catalog=o.in_catalog,
            classes=o.classes,
            trainees=o.trainees,
            proposed_standard_fen=o.proposed_standard_fen,
            certificates=[c.value for c in o.certificates],
        )
        for p in read.projects
        for o in p.occupations
    ]
    try:
        with transaction.atomic():
            moved = change_state(
                model=Application,
                pk=pk,
                machine=APPLICATION,
                action=action,
                actor=actor,
                reason="",
                summary=f"{institution.name} 提交申报（第{number}版）",
                region=application.district,
                values={
                    "revision": number,
                    "submitted_at": application.submitted_at or when,
                    "total_fen": sum(p.budget.total_fen for p in read.projects),
                    "trainees": sum(p.budget.trainees for p in read.projects),
                },
                changes={
                    "revision": number,
                    "rules": [FORM_VALID, TO_DISTRICT_IN_TIME],
                    "at": when.isoformat(),
                },
            )
            Revision.objects.create(
                application=application, number=number, form=application.form, created_by=actor_user(actor)
            )
            ApplicationOccupation.objects.filter(application=application).delete()
            ApplicationOccupation.objects.bulk_create(occupations)
    except IntegrityError:
        raise Conflict(
            "submitted by someone else at the same time",
            shown=_("Someone else submitted the application at the same moment."),
        ) from None
    return moved


def application_withdraw(*, actor: Actor, pk: int, reason: str) -> Application:
    application = _own(actor, pk)
    return change_state(
        model=Application,
        pk=pk,
        machine=APPLICATION,
        action="withdraw",
        actor=actor,
        reason=reason,
        summary=f"{application.institution.name} 撤回申报",
        region=application.district,
    )


def _attachment_kind(file_name: str, data: bytes) -> str:
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in ATTACHMENT_KINDS:
        raise ValidationError(
            {
                "file": _("Attachment %(name)s is of a type not taken: only %(kinds)s files")
                % {"name": file_name, "kinds": "、".join(sorted(ATTACHMENT_KINDS))}
            }
        )
    magic, content_type = ATTACHMENT_KINDS[extension]
    if not data.startswith(magic):
        raise ValidationError(
            {
                "file": _("Attachment %(name)s is not a %(kind)s file, whatever its name says")
                % {"name": file_name, "kind": extension.upper()}
            }
        )
    return content_type


def attachment_add(*, actor: Actor, pk: int, label: str, file_name: str, data: bytes) -> Attachment:
    """A scan for the application while the clerk may still change it: bounded, its type read from
    its content, stored in the database under its row id (never under the uploader's file name)."""
    application = _own(actor, pk)
    name = re.sub(r"[\\/\x00-\x1f]", "_", file_name.strip())[-200:] or "附件"
    what = label.strip()
    if not what:
        raise ValidationError({"label": _("Say what the attachment is (e.g. business licence scan).")})
    if len(what) > 100:
        raise ValidationError(
            {"label": _("At most 100 characters for the name (%(length)s given).") % {"length": len(what)}}
        )
    if not data:
        raise ValidationError({"file": _("Attachment %(name)s is empty.") % {"name": name}})
    if len(data) > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("Attachment %(name)s is larger than %(limit)s MB.")
                % {"name": name, "limit": ATTACHMENT_MAX_BYTES // (1024 * 1024)}
            }
        )
    content_type = _attachment_kind(name, data)
    with transaction.atomic():
        # The row lock keeps the state and the count read here true until the attachment is written.
        status = Application.objects.select_for_update().filter(pk=pk).values_list("status", flat=True).get()
        if status not in EDITABLE:
            raise Conflict(
                "submitted: no attachment",
                shown=_("The application is submitted: no attachment can be added."),
            )
        if Attachment.objects.filter(application_id=pk).count() >= ATTACHMENTS_MAX:
            raise ValidationError(
                {"file": _("At most %(limit)s attachments per application.") % {"limit": ATTACHMENTS_MAX}}
            )
        attachment = Attachment.objects.create(
            application=application,
            label=what,
            file_name=name,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            uploaded_by=actor_user(actor),
        )
        audit_record(
            actor=actor,
            action="call_application.attach",
            target_type=APPLICATION.name,
            target_id=pk,
            region=application.district,
            summary=f"添加附件 {what}（{name}，{len(data)} 字节）",
        )
    return attachment


# --- District first review (002 · 四（一）) -----------------------------------------------------------


def application_return(*, actor: Actor, pk: int, comments: list[tuple[str, str]], reason: str) -> Application:
    """Back to the applicant with a comment on each field to correct (the field's path in 附件1)."""
    application = _staff_application(actor, pk)
    kept = [(p.strip(), t.strip()) for p, t in comments if p.strip() or t.strip()]
    if not kept:
        raise ValidationError({"comments": _("Comment on at least one field to return the application.")})
    for i, (path, text) in enumerate(kept):
        if not path or not text:
            raise ValidationError(
                {
                    f"comments[{i}]": _(
                        "Give both the field and the comment (field: %(path)s, comment: %(text)s)"
                    )
                    % {"path": repr(path), "text": repr(text)}
                }
            )
        if not selectors.form_has_path(opened_form(application.form), path):
            raise ValidationError(
                {f"comments[{i}].path": _("The form has no field %(path)s") % {"path": path}}
            )
    with transaction.atomic():
        moved = change_state(
            model=Application,
            pk=pk,
            machine=APPLICATION,
            action="return",
            actor=actor,
            reason=reason,
            summary=f"退回 {application.institution.name} 的申报修改（{len(kept)}处意见）",
            region=application.district,
            changes={"comments": [path for path, _text in kept]},
        )
        ReturnComment.objects.bulk_create(
            ReturnComment(
                application=application,
                revision=application.revision,
                path=path,
                text=text,
                author=actor_user(actor),
            )
            for path, text in kept
        )
    return moved


def application_decline(*, actor: Actor, pk: int, reason: str) -> Application:
    application = _staff_application(actor, pk)
    return change_state(
        model=Application,
        pk=pk,
        machine=APPLICATION,
        action="decline",
        actor=actor,
        reason=reason,
        summary=f"{application.institution.name} 的申报区级初审不通过",
        region=application.district,
    )


def application_forward(*, actor: Actor, pk: int, at: datetime | None = None) -> Application:
    """The district's first review passed: the form is checked again (eligibility with the registry's
    rule ids included) and the application goes to the city by the city deadline."""
    application = _staff_application(actor, pk)
    when = at or timezone.now()
    read = _read(application.call, opened_form(application.form))
    failed = [
        r
        for r in selectors.applicant_checks_of(read, region=application.call.region, on=when.date())
        if r.outcome is Outcome.FAILED
    ]
    if failed:
        raise ValidationError(
            {"eligibility": [f"{r.rule}：{r.reason.message if r.reason else r.step.value}" for r in failed]}
        )
    try:
        selectors.ensure_in_time(record=application.call, deadline="to_city", at=when)
    except DeadlinePassed as exc:
        raise ValidationError({"forwarded_at": str(exc)}) from None
    return change_state(
        model=Application,
        pk=pk,
        machine=APPLICATION,
        action="forward",
        actor=actor,
        reason="",
        summary=f"{application.institution.name} 的申报初审通过，报送市级",
        region=application.district,
        values={"forwarded_at": when},
        changes={"rules": [FORM_VALID, TO_CITY_IN_TIME], "at": when.isoformat()},
    )


def district_stamp(*, actor: Actor, call_pk: int, district: str, signer: str, phone: str) -> DistrictForward:
    """The district merges its forwarded applications into 附件3 and stamps it, once per call."""
    record = selectors.call_of(actor, call_pk)
    authorise(actor, district)
    if account_role(actor) is not Role.DISTRICT_BUREAU:
        raise PermissionDenied("only the district bureau stamps its summary")
    name = signer.strip()
    if not name or len(name) > 50:
        raise ValidationError({"signer": _("1–50 characters (given: %(value)s)") % {"value": repr(signer)}})
    digits = re.sub(r"[\s-]", "", phone)
    if not re.fullmatch(r"1[3-9]\d{9}|0\d{9,11}", digits):
        raise ValidationError(
            {"phone": _("%(value)s is neither a mobile nor a landline number") % {"value": repr(phone)}}
        )
    if not Application.objects.filter(call=record, district=district, status="forwarded").exists():
        raise Conflict(
            "nothing forwarded in the district",
            shown=_("The district has forwarded no application yet: there is nothing to stamp."),
        )
    try:
        with transaction.atomic():
            stamped = DistrictForward.objects.create(
                call=record,
                district=district,
                signer=name,
                phone_masked=seal(digits).masked,
                stamped_by=actor_user(actor),
            )
            audit_record(
                actor=actor,
                action="call.district_stamp",
                target_type=CALL.name,
                target_id=record.pk,
                region=district,
                summary=f"{district} 汇总表（附件3）盖章报送，填报人 {name}",
            )
    except IntegrityError:
        raise Conflict(
            "already stamped", shown=_("The district summary is already stamped and sent.")
        ) from None
    return stamped


# --- The city: review, scoring, decision, notice, filing (002 · 四（二）) ---------------------------


def _call_move(
    *, actor: Actor, pk: int, action: str, summary: str, reason: str = "", **kw: Any
) -> ProjectCall:
    record = selectors.call_of(actor, pk)
    authorise(actor, record.region)
    return change_state(
        model=ProjectCall,
        pk=pk,
        machine=CALL,
        action=action,
        actor=actor,
        reason=reason,
        summary=f"{summary}：{record.title}",
        region=record.region,
        **kw,
    )


def call_close_applications(*, actor: Actor, pk: int) -> ProjectCall:
    return _call_move(actor=actor, pk=pk, action="close_applications", summary="截止申报，进入区级初审")


def call_start_city_review(*, actor: Actor, pk: int) -> ProjectCall:
    return _call_move(actor=actor, pk=pk, action="start_city_review", summary="进入市级评审")


def _city_review_application(actor: Actor, pk: int) -> Application:
    application = _staff_application(actor, pk)
    if application.call.status != "city_review":
        raise Conflict(
            "not in city review",
            shown=_("The call is “%(state)s”, not in the city review.")
            % {"state": present.call_state(application.call.status)},
        )
    if application.status != "forwarded":
        raise Conflict(
            "not being scored",
            shown=_("The application is “%(state)s”, not being scored.")
            % {"state": present.application_state(application.status)},
        )
    return application


def conflict_declare(*, actor: Actor, pk: int, reason: str) -> ConflictDeclaration:
    """A reviewer's conflict of interest with an application; refused once they have scored it."""
    application = _city_review_application(actor, pk)
    why = required_reason(reason)
    user = actor_user(actor)
    assert user is not None  # staff_scope let a signed-in account through
    try:
        with transaction.atomic():
            Application.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True).get()
            if Review.objects.filter(application_id=pk, reviewer=user).exists():
                raise Conflict(
                    "scored already",
                    shown=_(
                        "You have scored this application: the city handles it before you declare a conflict."
                    ),
                )
            declared = ConflictDeclaration.objects.create(application=application, reviewer=user, reason=why)
            audit_record(
                actor=actor,
                action="call_application.conflict",
                target_type=APPLICATION.name,
                target_id=pk,
                region=application.district,
                summary=f"{user.get_username()} 申报与 {application.institution.name} 存在利益冲突",
                reason=why,
            )
    except IntegrityError:
        raise Conflict("declared already", shown=_("You have declared this conflict already.")) from None
    return declared


def review_submit(*, actor: Actor, pk: int, marks: list[dict[str, Any]]) -> Review:
    """One reviewer's marks on the call's rubric, each justified; a conflicted reviewer is refused, and
    a reviewer scores an application once (the unique constraint decides between two at once)."""
    application = _city_review_application(actor, pk)
    user = actor_user(actor)
    assert user is not None
    rubric = selectors.effective_call(application.call).rubric
    try:
        review = _score_review(user.get_username(), str(pk), marks)
    except (KeyError, TypeError, ValueError):
        raise ValidationError(
            {"marks": _("Each mark needs criterion, points (a whole number) and justification.")}
        ) from None
    try:
        with transaction.atomic():
            # The lock makes a conflict declared at the same moment either come first (and refuse this
            # review) or wait for it (and be refused by it).
            Application.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True).get()
            conflicts = [
                ScoreConflict(user.get_username(), str(pk), c.reason)
                for c in ConflictDeclaration.objects.filter(application_id=pk, reviewer=user)
            ]
            try:
                check_review(rubric=rubric, review=review, conflicts=conflicts)
            except ScoringError as exc:
                raise ValidationError({exc.path: exc.problem}) from None
            stored = Review.objects.create(
                application=application,
                reviewer=user,
                marks=[
                    {"criterion": m.criterion, "points": m.points, "justification": m.justification}
                    for m in review.marks
                ],
                total=shown(weighted_total(rubric, review)),
            )
            audit_record(
                actor=actor,
                action="call_application.review",
                target_type=APPLICATION.name,
                target_id=pk,
                region=application.district,
                summary=f"{user.get_username()} 评分 {stored.total} 分",
                changes={"marks": stored.marks},
            )
    except IntegrityError:
        raise Conflict(
            "scored already", shown=_("You have scored this application; each reviewer scores once.")
        ) from None
    return stored


def _score_review(reviewer: str, application: str, marks: list[dict[str, Any]]) -> ScoreReview:
    return ScoreReview(
        reviewer,
        application,
        tuple(
            Mark(str(m["criterion"]), _points(m["points"]), str(m.get("justification") or "")) for m in marks
        ),
    )


def _points(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(value)
    return int(value)


def scoring_close(*, actor: Actor, call_pk: int) -> list[Application]:
    """Every forwarded application with enough reviews becomes scored; those without are named."""
    record = selectors.call_of(actor, call_pk)
    authorise(actor, record.region)
    rubric = selectors.effective_call(record).rubric
    pending = list(Application.objects.filter(call=record, status="forwarded").select_related("institution"))
    short = [a for a in pending if a.reviews.count() < rubric.min_reviewers]
    if short:
        raise ValidationError(
            {
                "reviews": [
                    _("%(name)s: too few reviewers; at least %(count)s are needed")
                    % {"name": a.institution.name, "count": rubric.min_reviewers}
                    for a in short
                ]
            }
        )
    moved = []
    with transaction.atomic():
        for a in pending:
            moved.append(
                change_state(
                    model=Application,
                    pk=a.pk,
                    machine=APPLICATION,
                    action="close_scoring",
                    actor=actor,
                    reason="",
                    summary=f"{a.institution.name} 评分完成",
                    region=a.district,
                    changes={"rule": REVIEWS_COMPLETE},
                )
            )
    return moved


@dataclass(frozen=True, slots=True)
class ChoiceInput:
    application: int
    selected: bool
    reason: str
    standard_fen: int | None  # the standard the city sets for a selected project (002 · 六)


def meeting_record(
    *,
    actor: Actor,
    call_pk: int,
    held_on: date,
    members: list[str],
    choices: list[ChoiceInput],
    overrun_reason: str = "",
) -> Meeting:
    """集体决策: the members, a decision with a reason for every scored application, the standard of each
    selected one within the cap, and the total within the budget or the overrun stated. The call and
    each application move in the same transaction; the one-to-one meeting row decides between two."""
    record = selectors.call_of(actor, call_pk)
    authorise(actor, record.region)
    call = selectors.effective_call(record)
    scored = {
        a.pk: a
        for a in Application.objects.filter(call=record, status="scored").select_related("institution")
    }
    given = {c.application for c in choices}
    if given != set(scored):
        missing = "、".join(scored[p].institution.name for p in set(scored) - given) or "—"
        raise ValidationError(
            {"choices": _("Decide on every scored application (not decided: %(names)s)") % {"names": missing}}
        )
    cap = call.max_per_trainee_fen
    for c in choices:
        if c.selected and (c.standard_fen is None or not 0 < c.standard_fen <= cap):
            raise ValidationError(
                {
                    f"standard[{c.application}]": _("The standard must be 0.01–%(cap)s yuan (%(value)s fen)")
                    % {"cap": yuan(cap), "value": c.standard_fen}
                }
            )
    try:
        decision = decide(
            choices=[
                Choice(str(c.application), c.selected, _amount(scored[c.application], c), c.reason)
                for c in choices
            ],
            budget_fen=record.budget_fen or 0,
            members=members,
            overrun_reason=overrun_reason,
        )
    except ScoringError as exc:
        raise ValidationError({exc.path: exc.problem}) from None
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                call=record,
                held_on=held_on,
                members=[m.strip() for m in members if m.strip()],
                statement=decision.statement,
                total_fen=decision.total_fen,
                budget_fen=decision.budget_fen,
                overrun_fen=decision.overrun_fen,
                overrun_reason=overrun_reason.strip(),
                recorded_by=actor_user(actor),
            )
            for c in choices:
                a = scored[c.application]
                change_state(
                    model=Application,
                    pk=a.pk,
                    machine=APPLICATION,
                    action="select" if c.selected else "not_select",
                    actor=actor,
                    reason=c.reason,
                    summary=f"集体决策：{a.institution.name} {'拟入选' if c.selected else '不予入选'}",
                    region=a.district,
                    values={
                        "decision_reason": c.reason.strip(),
                        "accepted_standard_fen": c.standard_fen if c.selected else None,
                    },
                )
            change_state(
                model=ProjectCall,
                pk=record.pk,
                machine=CALL,
                action="decide",
                actor=actor,
                reason=decision.statement,
                summary=f"集体决策：{record.title}",
                region=record.region,
                changes={
                    "rule": WITHIN_BUDGET,
                    "members": meeting.members,
                    "overrun_fen": decision.overrun_fen,
                },
            )
    except IntegrityError:
        raise Conflict(
            "decision recorded already", shown=_("The collective decision of this call is already recorded.")
        ) from None
    return meeting


def _amount(application: Application, choice: ChoiceInput) -> int:
    """What a selected project may cost: its trainees at the standard the city sets (002 · 六)."""
    if choice.selected and choice.standard_fen is not None:
        return application.trainees * choice.standard_fen
    return application.total_fen


def notice_publish(*, actor: Actor, call_pk: int, starts_on: date) -> ProjectCall:
    """公示 from `starts_on` for the call's number of days; the selected projects go into it."""
    record = selectors.call_of(actor, call_pk)
    authorise(actor, record.region)
    try:
        notice = Notice.lasting(starts_on=starts_on, days=record.notice_days)
    except ValueError as exc:
        raise ValidationError({"notice_days": str(exc)}) from None
    with transaction.atomic():
        moved = _call_move(
            actor=actor,
            pk=call_pk,
            action="publish_notice",
            summary=f"发布公示（{notice.starts_on.isoformat()}至{notice.ends_on.isoformat()}）",
            values={"notice_starts_on": notice.starts_on, "notice_ends_on": notice.ends_on},
        )
        for a in Application.objects.filter(call=record, status="selected").select_related("institution"):
            change_state(
                model=Application,
                pk=a.pk,
                machine=APPLICATION,
                action="publish",
                actor=actor,
                reason="",
                summary=f"{a.institution.name} 进入公示",
                region=a.district,
            )
    return moved


def _notice_of(record: ProjectCall) -> Notice:
    if record.notice_starts_on is None or record.notice_ends_on is None:
        raise Conflict("no notice yet", shown=_("The notice is not published yet."))
    return Notice(record.notice_starts_on, record.notice_ends_on)


def objection_file(
    *, actor: Actor, call_pk: int, text: str, filed_on: date, application: int | None = None
) -> Objection:
    """An objection received while the notice runs (the city records what it receives)."""
    record = selectors.call_of(actor, call_pk)
    authorise(actor, record.region)
    if record.status != "notice":
        raise Conflict(
            f"call is {record.status}: no notice",
            shown=_("The call is “%(state)s”, not in its notice.")
            % {"state": present.call_state(record.status)},
        )
    if filed_on > timezone.localdate():
        raise ValidationError(
            {"filed_on": _("The objection is dated %(day)s, after today.") % {"day": filed_on.isoformat()}}
        )
    try:
        accepted = accept_objection(notice=_notice_of(record), filed_on=filed_on, text=text, id="new")
    except ValueError as exc:
        raise ValidationError({"filed_on" if "公示期" in str(exc) else "text": str(exc)}) from None
    target = None
    if application is not None:
        target = Application.objects.filter(pk=application, call=record, status="in_notice").first()
        if target is None:
            raise ValidationError(
                {"application": _("Not a project on this notice: %(value)s") % {"value": application}}
            )
    with transaction.atomic():
        objection = Objection.objects.create(
            call=record,
            application=target,
            filed_on=filed_on,
            text=accepted.text,
            received_by=actor_user(actor),
        )
        audit_record(
            actor=actor,
            action="call.objection",
            target_type=CALL.name,
            target_id=record.pk,
            region=record.region,
            summary=f"收到公示异议 #{objection.pk}",
            changes={"objection": objection.pk, "application": application},
        )
    return objection


class Throttled(Conflict):
    """More public filings from one sender or contact than the throttle allows (answered 429)."""


OBJECTOR_MAX = 50
CONTACT_MAX = 100
GROUNDS_MAX = 2000
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _contact(raw: str) -> str:
    """A mobile, a landline or an e-mail address, normalised; the city answers through it."""
    text = raw.strip().replace(" ", "")
    if not text:
        raise ValidationError(
            {"contact": _("Give a telephone number or an e-mail address to answer you at.")}
        )
    if len(text) > CONTACT_MAX:
        raise ValidationError(
            {
                "contact": _("At most %(limit)d characters (%(length)d given).")
                % {"limit": CONTACT_MAX, "length": len(text)}
            }
        )
    if not (_MOBILE.fullmatch(text) or _LANDLINE.fullmatch(text) or _EMAIL.fullmatch(text)):
        raise ValidationError(
            {
                "contact": _("“%(value)s” is neither a telephone number nor an e-mail address.")
                % {"value": quoted(text)}
            }
        )
    return text.lower() if "@" in text else text


def objection_submit_online(
    *,
    call_pk: int,
    application: int | None,
    name: str,
    contact: str,
    grounds: str,
    sender: str,
    today: date | None = None,
) -> Objection:
    """An objection filed by anyone on the public notice page while the notice runs (002 · 四（二）
    asks for a public notice; it names no channel for objections, so the page offers one). The name
    and the contact are sealed; the sender's address and the contact count against the throttle
    through keyed digests only. The city answers it as any other."""
    on = today or timezone.localdate()
    record = selectors.public_calls().filter(pk=call_pk).first()
    if record is None or record.notice_starts_on is None or record.notice_ends_on is None:
        raise Http404(f"no notice for call {call_pk}")
    notice = _notice_of(record)
    state = notice.state_on(on)
    if record.status != "notice" or state is not NoticeState.RUNNING:
        period = {"start": notice.starts_on.isoformat(), "end": notice.ends_on.isoformat()}
        message = (
            _("The notice runs from %(start)s to %(end)s; objections can be filed from its first day.")
            if state is NoticeState.PENDING
            else _("The notice ran from %(start)s to %(end)s; objections are no longer accepted.")
        ) % period
        raise Conflict(
            f"objection outside the notice period {period['start']}–{period['end']}", shown=message
        )
    who = name.strip()
    if not who:
        raise ValidationError({"name": _("Give your name.")})
    if len(who) > OBJECTOR_MAX:
        raise ValidationError(
            {
                "name": _("At most %(limit)d characters (%(length)d given).")
                % {"limit": OBJECTOR_MAX, "length": len(who)}
            }
        )
    reach = _contact(contact)
    text = grounds.strip()
    if not text:
        raise ValidationError({"grounds": _("Say what the objection is and on what grounds.")})
    if len(text) > GROUNDS_MAX:
        raise ValidationError(
            {
                "grounds": _("At most %(limit)d characters (%(length)d given).")
                % {"limit": GROUNDS_MAX, "length": len(text)}
            }
        )
    if application is None:
        raise ValidationError({"application": _("Choose the project the objection is about.")})
    target = Application.objects.filter(pk=application, call=record, status="in_notice").first()
    if target is None:
        raise ValidationError(
            {"application": _("Not a project on this notice: %(value)s") % {"value": application}}
        )
    sealed_name = seal(who, masked=mask_name(who))
    sealed_contact = seal(reach)
    sender_digest = digest(f"call-objection-sender:{sender}")
    since = timezone.now() - timedelta(days=1)
    with transaction.atomic():
        # The call's row lock orders concurrent filings, so the counts below hold until the insert.
        ProjectCall.objects.select_for_update().filter(pk=record.pk).values_list("pk", flat=True).get()
        recent = Objection.objects.filter(call=record, channel="online", created_at__gte=since)
        if (
            recent.filter(sender_digest=sender_digest).count() >= settings.CALL_OBJECTIONS_PER_SENDER
            or recent.filter(contact_digest=sealed_contact.digest).count()
            >= settings.CALL_OBJECTIONS_PER_CONTACT
        ):
            raise Throttled(
                "too many objections from this sender or contact in 24 hours",
                shown=_(
                    "Too many objections were filed from here or with this contact today; "
                    "try again tomorrow or write to the bureau."
                ),
            )
        objection = Objection.objects.create(
            call=record,
            application=target,
            filed_on=on,
            text=text,
            channel="online",
            objector_sealed=sealed_name.token,
            objector_masked=sealed_name.masked,
            contact_sealed=sealed_contact.token,
            contact_masked=sealed_contact.masked,
            contact_digest=sealed_contact.digest,
            sender_digest=sender_digest,
        )
        audit_record(
            actor=None,
            action="call.objection",
            target_type=CALL.name,
            target_id=record.pk,
            region=record.region,
            summary=f"公示页收到异议 #{objection.pk}（{sealed_name.masked}）",
            changes={"objection": objection.pk, "application": target.pk, "channel": "online"},
        )
    return objection


def objection_answer(*, actor: Actor, pk: int, answer: str, on: date, uphold: bool = False) -> Objection:
    """The city's answer; an upheld objection takes its project off the list. Answered once."""
    objection = (
        Objection.objects.filter(pk=pk, call__in=selectors.calls_for(actor)).select_related("call").first()
    )
    if objection is None:
        raise Http404(f"no objection {pk}")
    record = objection.call
    authorise(actor, record.region)
    try:
        answered = answer_objection(
            objection=CoreObjection(str(pk), objection.filed_on, objection.text), answer=answer, on=on
        )
    except ValueError as exc:
        raise ValidationError({"answer" if "答复不能为空" in str(exc) else "answered_on": str(exc)}) from None
    if uphold and objection.application_id is None:
        raise ValidationError(
            {"uphold": _("The objection names no project, so upholding it cannot take one off the list.")}
        )
    with transaction.atomic():
        if not Objection.objects.filter(pk=pk, answered_on__isnull=True).update(
            answer=answered.answer, answered_on=on, answered_by=actor_user(actor)
        ):
            raise Conflict(
                f"objection {pk} answered already",
                shown=_("Objection #%(number)s is answered already.") % {"number": pk},
            )
        audit_record(
            actor=actor,
            action="call.objection_answer",
            target_type=CALL.name,
            target_id=record.pk,
            region=record.region,
            summary=f"答复公示异议 #{pk}{'（异议成立）' if uphold else ''}",
            reason=answered.answer,
        )
        if uphold and objection.application_id is not None:
            change_state(
                model=Application,
                pk=objection.application_id,
                machine=APPLICATION,
                action="uphold_objection",
                actor=actor,
                reason=answered.answer,
                summary=f"异议 #{pk} 成立，取消入选",
                region=record.region,
            )
    return Objection.objects.get(pk=pk)


def call_file_with_province(*, actor: Actor, call_pk: int, filed_on: date, reference: str) -> ProjectCall:
    """报省备案: only once the notice has ended and every objection is answered; records the day and
    the province's reference, and files every project still in the notice."""
    record = selectors.call_of(actor, call_pk)
    authorise(actor, record.region)
    if filed_on > timezone.localdate():
        raise ValidationError(
            {"filed_on": _("Filed on %(day)s, after today.") % {"day": filed_on.isoformat()}}
        )
    ref = reference.strip()
    if not ref or len(ref) > 100:
        raise ValidationError(
            {
                "reference": _("The reference must be 1–100 characters (given: %(value)s)")
                % {"value": repr(reference)}
            }
        )
    with transaction.atomic():
        # Locked so that an objection recorded at the same moment comes before or after, not between.
        ProjectCall.objects.select_for_update().filter(pk=call_pk).values_list("pk", flat=True).get()
        objections = [
            CoreObjection(str(o.pk), o.filed_on, o.text, o.answer, o.answered_on)
            for o in Objection.objects.filter(call=record)
        ]
        blockers = filing_blockers(notice=_notice_of(record), objections=objections, today=filed_on)
        if blockers:
            raise ValidationError({"filed_on": list(blockers)})
        moved = _call_move(
            actor=actor,
            pk=call_pk,
            action="file",
            summary=f"报省备案（{ref}）",
            values={"filed_on": filed_on, "filing_reference": ref},
            changes={"rules": [NOTICE_ENDED, OBJECTIONS_ANSWERED], "reference": ref},
        )
        for a in Application.objects.filter(call=record, status="in_notice").select_related("institution"):
            change_state(
                model=Application,
                pk=a.pk,
                machine=APPLICATION,
                action="file",
                actor=actor,
                reason="",
                summary=f"{a.institution.name} 已报省备案（{ref}）",
                region=a.district,
            )
    return moved


def call_start_tracking(*, actor: Actor, call_pk: int) -> ProjectCall:
    """The call enters tracking (002 · 七（三））; each district then takes up its filed projects."""
    return _call_move(actor=actor, pk=call_pk, action="start_tracking", summary="开始跟踪实施")


def application_track(*, actor: Actor, pk: int) -> Application:
    """A district takes up one filed project for tracking, once the call is in tracking; from then on
    its classes may be filed (calls.selectors.project_for_filing)."""
    application = _staff_application(actor, pk)
    if application.call.status != "tracking":
        raise Conflict(
            "call not in tracking",
            shown=_("The call is “%(state)s”, not yet in tracking.")
            % {"state": present.call_state(application.call.status)},
        )
    return change_state(
        model=Application,
        pk=pk,
        machine=APPLICATION,
        action="track",
        actor=actor,
        reason="",
        summary=f"{application.institution.name} 进入跟踪实施",
        region=application.district,
    )


# --- Tracking by the districts (002 · 七（三）) ----------------------------------------------------

TRACKING_MOVES = {"warning": "warn", "correction": "correct", "removal": "remove", "completion": "complete"}


def tracking_record(*, actor: Actor, pk: int, kind: str, on: date, text: str) -> TrackingEvent:
    """A staged evaluation (no move), a warning, a correction after it, removal of a project still not
    corrected after a warning, or completion; each with what was found."""
    application = _staff_application(actor, pk)
    kinds = dict(TrackingEvent.KINDS)
    if kind not in kinds:
        raise ValidationError(
            {
                "kind": _("%(value)s is not a kind of tracking record; choose one of %(choices)s")
                % {"value": repr(kind), "choices": "、".join(present.tracking_label(k) for k in kinds)}
            }
        )
    what = text.strip()
    if not what:
        raise ValidationError(
            {"text": _("Say what was found and why (%(kind)s).") % {"kind": present.tracking_label(kind)}}
        )
    with transaction.atomic():
        if kind in TRACKING_MOVES:
            change_state(
                model=Application,
                pk=pk,
                machine=APPLICATION,
                action=TRACKING_MOVES[kind],
                actor=actor,
                reason=what,
                summary=f"{application.institution.name}：{kinds[kind]}",
                region=application.district,
                changes={"on": on.isoformat()},
            )
        else:
            status = (
                Application.objects.select_for_update().filter(pk=pk).values_list("status", flat=True).get()
            )
            if status not in ("tracking", "warned"):
                raise Conflict(
                    "not in tracking",
                    shown=_("The application is “%(state)s”, not in tracking.")
                    % {"state": present.application_state(status)},
                )
            audit_record(
                actor=actor,
                action="call_application.evaluation",
                target_type=APPLICATION.name,
                target_id=pk,
                region=application.district,
                summary=f"{application.institution.name}：阶段性评估",
                reason=what,
            )
        event = TrackingEvent.objects.create(
            application=application, kind=kind, on=on, text=what, author=actor_user(actor)
        )
    return event


def applicant_register(
    *,
    actor: Actor,
    call_pk: int,
    username: str,
    password: str,
    demo: bool = False,
    **institution: str,
) -> Clerk:
    """An applicant not yet in the registry: the district registers it (it starts as `applied` and is
    reviewed as any other, institutions.services) and gives it a clerk account in the same step, so its
    clerk can file the application at once (002 · 一: applicants are checked against the registry)."""
    record = selectors.call_of(actor, call_pk)
    if record.status != "open":
        raise _closed_to_applications(record.status)
    with transaction.atomic():
        registered = institution_register(actor=actor, demo=demo, **institution)
        return clerk_create(institution=registered, actor=actor, username=username, password=password)
