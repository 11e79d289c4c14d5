"""Writes to project calls. The city creates a call from its file, sets what the documents leave open,
opens it, and grants deadline extensions with a reason (002 · 四). Every write authorises the actor for
the call's region, runs in one transaction and leaves an audit row; state changes go through
common.transitions.change_state."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.services import audit_record
from calls import selectors
from calls.models import DeadlineExtension, ProjectCall
from common.actor import Actor, actor_user, authorise
from common.errors import Conflict, required_reason
from common.transitions import change_state
from skillsubsidy.calls.call import CallFileError, extend, load_call
from skillsubsidy.calls.lifecycle import CALL


def call_create(*, actor: Actor, call_file: str) -> ProjectCall:
    try:
        call = load_call(call_file)
    except (KeyError, CallFileError) as exc:
        raise ValidationError({"call_file": str(exc.args[0] if isinstance(exc, KeyError) else exc)}) from None
    authorise(actor, call.region)
    try:
        with transaction.atomic():
            record = ProjectCall.objects.create(
                call_file=call.id, region=call.region, title=call.title, created_by=actor_user(actor)
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
        raise Conflict(f"征集 {call.id} 已创建") from None
    return record


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
        raise ValidationError({"budget_fen": f"培训资金预算应为正数（填写值：{budget_fen}）"})
    if notice_days is not None and notice_days <= 0:
        raise ValidationError({"notice_days": f"公示期天数应为正整数（填写值：{notice_days}）"})
    values = {"budget_fen": budget_fen, "notice_days": notice_days, "rubric_confirmed": rubric_confirmed}
    with transaction.atomic():
        if not ProjectCall.objects.filter(pk=pk, status="draft").update(**values):
            raise Conflict("征集已开放，不能再修改预算、公示期和评分细则")
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
        raise ValidationError({"deadline": f"不是本次征集的截止日期：{deadline}"})
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
                raise Conflict(f"征集处于“{CALL.states[state].label_zh}”，不能延期")
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
        raise Conflict(f"截止日已延至 {until.isoformat()}") from None
    return extension
