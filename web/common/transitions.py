"""The one way to change a workflow's state.

Every workflow moves its records through `change_state` (or `remove_in_state` for a move that
deletes the record). In one short transaction it:

1. finds the move in the workflow's transition table and checks the actor's role against it, and the
   reason when the table asks for one;
2. reads the record's state and refuses a move the table does not allow from there;
3. writes the new state with a conditional `UPDATE … WHERE pk = … AND status = <the state read>`, so
   that of two concurrent requests from the same state exactly one changes a row; the other gets
   `Conflict`, on SQLite (whose writers queue at BEGIN IMMEDIATE) and on PostgreSQL (whose second
   UPDATE waits for the first to commit, re-reads the row and no longer matches);
4. writes the audit row in the same transaction, so the trail has one row per move that happened;
5. schedules side effects with `transaction.on_commit`, so nothing leaves the database for a move
   that rolled back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.selectors import account_role
from audit.services import audit_record
from common.actor import Actor
from common.errors import Conflict, required_reason
from skillsubsidy.workflow import SYSTEM, StateMachine, Transition

M = TypeVar("M", bound=models.Model)


def actor_role(actor: Actor) -> str | None:
    """The role the transition tables name: an account's role (bureau staff or an institution's
    clerk), `system` for machine steps, else None."""
    if actor is None:
        return SYSTEM
    role = account_role(actor)
    return role.value if role is not None else None


def _permitted(machine: StateMachine, action: str, actor: Actor, reason: str) -> tuple[Transition, str]:
    move = machine.transition(action)
    role = actor_role(actor)
    if role not in move.roles:
        raise PermissionDenied(f"{role or 'anonymous'} may not {machine.name}.{action}")
    return move, required_reason(reason) if move.reason_required else reason.strip()


def _current_state(model: type[M], pk: Any, field: str) -> str:
    state = model._default_manager.filter(pk=pk).values_list(field, flat=True).first()
    if state is None:
        raise Conflict(
            f"{model._meta.verbose_name} {pk} no longer exists", shown=_("This record no longer exists.")
        )
    return str(state)


def _zh() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def _refuse(machine: StateMachine, move: Transition, state: str) -> Conflict:
    allowed = "、".join(machine.states[s].label_zh for s in move.source)
    now = machine.states[state].label_zh if state in machine.states else state
    zh = _zh()
    shown = _("Cannot %(action)s: the record is now “%(now)s”; this can be done only from %(allowed)s.") % {
        "action": move.label_zh if zh else move.label_en[:1].lower() + move.label_en[1:],
        "now": now if zh or state not in machine.states else machine.states[state].label_en,
        "allowed": allowed if zh else ", ".join(machine.states[s].label_en for s in move.source),
    }
    return Conflict(f"cannot {move.action}: the record is {state} ({now}); only from {allowed}", shown=shown)


def _meanwhile(machine: StateMachine, pk: Any) -> Conflict:
    return Conflict(
        f"{machine.name} {pk} changed meanwhile; reload and try again",
        shown=_("Someone changed this record meanwhile; reload the page and try again."),
    )


def _moved(
    machine: StateMachine,
    move: Transition,
    pk: Any,
    actor: Actor,
    why: str,
    summary: str,
    region: str,
    changes: dict[str, Any],
) -> None:
    audit_record(
        actor=actor,
        action=machine.audit_action(move.action),
        target_type=machine.name,
        target_id=pk,
        region=region,
        summary=summary,
        reason=why,
        changes=changes,
    )


def change_state(
    *,
    model: type[M],
    pk: Any,
    machine: StateMachine,
    action: str,
    actor: Actor,
    reason: str,
    summary: str,
    region: str = "",
    values: Mapping[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
    on_commit: Callable[[], None] | None = None,
    field: str = "status",
    unless_changed: Mapping[str, Any] | None = None,
) -> M:
    """Move record `pk` of `model` by `action` of `machine`, setting `values` in the same UPDATE.

    `unless_changed` adds filter conditions to that UPDATE: a rule the caller checked on a field
    that another request may change meanwhile (a class's start date) holds when the row is written.

    Raises PermissionDenied (role), ValidationError (missing reason) or Conflict (the record is not
    in a state the move leaves, or another request moved it first, or changed a field
    `unless_changed` names). Returns the record as stored."""
    move, why = _permitted(machine, action, actor, reason)
    assert move.target is not None, f"{machine.name}.{action} removes the record: use remove_in_state"
    with transaction.atomic():
        before = _current_state(model, pk, field)
        if not move.leaves(before):
            raise _refuse(machine, move, before)
        updated = (
            model._default_manager.filter(pk=pk, **{field: before}, **(unless_changed or {}))
            .update(**{field: move.target, **(values or {})})
        )  # fmt: skip
        if not updated:
            raise _meanwhile(machine, pk)
        _moved(
            machine,
            move,
            pk,
            actor,
            why,
            summary,
            region,
            {"from": before, "to": move.target, **(changes or {})},
        )
        if on_commit is not None:
            transaction.on_commit(on_commit)
        return model._default_manager.get(pk=pk)


def remove_in_state(
    *,
    model: type[M],
    pk: Any,
    machine: StateMachine,
    action: str,
    actor: Actor,
    reason: str,
    summary: str,
    region: str = "",
    on_commit: Callable[[], None] | None = None,
    field: str = "status",
) -> None:
    """A move to no state: delete record `pk` only while it is in a state the move leaves."""
    move, why = _permitted(machine, action, actor, reason)
    assert move.target is None, f"{machine.name}.{action} keeps the record: use change_state"
    with transaction.atomic():
        before = _current_state(model, pk, field)
        if not move.leaves(before):
            raise _refuse(machine, move, before)
        # Django deletes by primary key after collecting related rows, so the state condition of a
        # plain filtered delete would be checked before the delete, not by it. The row lock makes a
        # concurrent move wait (PostgreSQL re-reads the row after it and no longer matches).
        still = model._default_manager.select_for_update().filter(pk=pk, **{field: before})
        if not list(still.values_list("pk", flat=True)):
            raise _meanwhile(machine, pk)
        model._default_manager.filter(pk=pk).delete()
        _moved(machine, move, pk, actor, why, summary, region, {"from": before, "to": None})
        if on_commit is not None:
            transaction.on_commit(on_commit)
