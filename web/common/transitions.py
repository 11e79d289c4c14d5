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

`change_states` makes one move for many records of a workflow at once (a payment batch of 50,000
claims): the same role and reason checks, one conditional `UPDATE … WHERE pk IN (…) AND status =
<source> RETURNING pk` per state the move leaves, and the audit rows appended in bulk to the same
chain. A record that is not in a state the move leaves (moved meanwhile, or never there) is simply
not moved, and the answer says why for each, so the caller can leave it out or refuse the whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import connections, models, transaction
from django.db.models.sql import UpdateQuery
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.selectors import account_role
from audit.services import Entry, audit_record, audit_records
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
        raise _gone(model, pk)
    return str(state)


def _gone(model: type[models.Model], pk: Any) -> Conflict:
    return Conflict(
        f"{model._meta.verbose_name} {pk} no longer exists", shown=_("This record no longer exists.")
    )


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


@dataclass(frozen=True, slots=True)
class Item:
    """One record of a bulk move: its key, and what its audit row says besides the move itself."""

    pk: Any
    summary: str
    region: str = ""
    changes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Moved:
    """What a bulk move did: the records moved (in the order asked) and, for each other record, the
    Conflict a single move would have raised."""

    moved: tuple[Any, ...]
    refused: Mapping[Any, Conflict]
    # For each moved record, the `returning` columns as the move's own UPDATE left them.
    returned: Mapping[Any, tuple[Any, ...]] = field(default_factory=dict)


# Keys per UPDATE: below SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
_CHUNK = 10_000


def _update_returning(
    model: type[models.Model],
    pks: Sequence[Any],
    field: str,
    source: str,
    values: Mapping[str, Any],
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """`UPDATE … SET values WHERE pk IN pks AND field = source RETURNING pk, returning…`: the rows this
    statement changed, and only those, each its key and the `returning` columns as it left them.
    (Django's `update()` answers a count, which cannot say which rows a concurrent move took first.)
    SQLite has RETURNING since 3.35, PostgreSQL always."""
    manager = model._default_manager
    query = manager.filter(pk__in=pks, **{field: source}).query.chain(UpdateQuery)
    assert isinstance(query, UpdateQuery)
    query.add_update_values(dict(values))
    sql, params = query.get_compiler(manager.db).as_sql()
    connection = connections[manager.db]
    quote = connection.ops.quote_name
    column = {f.name: str(f.column) for f in model._meta.concrete_fields}
    columns = [str(model._meta.pk.column), *(column[name] for name in returning)]
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {', '.join(quote(c) for c in columns)}", params)
        return [tuple(row) for row in cursor.fetchall()]


def _refusals(
    model: type[M], machine: StateMachine, move: Transition, pks: Iterable[Any], field: str
) -> dict[Any, Conflict]:
    wanted = list(pks)
    states: dict[Any, str] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        states.update(model._default_manager.filter(pk__in=chunk).values_list("pk", field))
    refused: dict[Any, Conflict] = {}
    for pk in wanted:
        if pk not in states:
            refused[pk] = _gone(model, pk)
        elif move.leaves(states[pk]):
            refused[pk] = _meanwhile(machine, pk)  # left the state and came back while this ran
        else:
            refused[pk] = _refuse(machine, move, states[pk])
    return refused


def change_states(
    *,
    model: type[M],
    items: Sequence[Item],
    machine: StateMachine,
    action: str,
    actor: Actor,
    reason: str,
    values: Mapping[str, Any] | None = None,
    on_commit: Callable[[], None] | None = None,
    field: str = "status",
    returning: Sequence[str] = (),
) -> Moved:
    """Move every record of `items` that is in a state `action` leaves, setting `values` in the same
    UPDATE; each moved record gets its audit row (`from`, `to` and the item's changes). Raises
    PermissionDenied (role) or ValidationError (missing reason) before anything is written. The
    `returning` fields of each moved record are read by the move itself (`Moved.returned`): values the
    caller read before the move may have changed meanwhile.

    Race-safe as `change_state` is: a row a concurrent move changed first no longer matches the
    UPDATE's state condition (PostgreSQL re-reads it after the other commits; SQLite's writers queue),
    so each record is moved by exactly one of them. Call it inside the caller's transaction to roll
    back the whole when a refusal must stop everything."""
    move, why = _permitted(machine, action, actor, reason)
    assert move.target is not None, f"{machine.name}.{action} removes the record: use remove_in_state"
    by_pk = {item.pk: item for item in items}
    # Ascending keys, chunk by chunk: two bulk moves of overlapping sets meet their rows in the same
    # order (PostgreSQL walks `pk IN (…)` through the primary key ascending), so neither waits on the
    # other in a cycle; the race test runs two in opposite orders.
    pks = sorted(by_pk)
    with transaction.atomic():
        came_from: dict[Any, str] = {}
        returned: dict[Any, tuple[Any, ...]] = {}
        for source in move.source:
            for start in range(0, len(pks), _CHUNK):
                chunk = [pk for pk in pks[start : start + _CHUNK] if pk not in came_from]
                if chunk:
                    rows = _update_returning(
                        model, chunk, field, source, {field: move.target, **(values or {})}, returning
                    )
                    for pk, *rest in rows:
                        came_from[pk] = source
                        if returning:
                            returned[pk] = tuple(rest)
        done = tuple(item.pk for item in items if item.pk in came_from)
        audit_records(
            actor=actor,
            entries=[
                Entry(
                    action=machine.audit_action(move.action),
                    target_type=machine.name,
                    target_id=pk,
                    summary=by_pk[pk].summary,
                    region=by_pk[pk].region,
                    reason=why,
                    changes={"from": came_from[pk], "to": move.target, **by_pk[pk].changes},
                )
                for pk in done
            ],
        )
        if on_commit is not None and done:
            transaction.on_commit(on_commit)
    missed = [item.pk for item in items if item.pk not in came_from]
    return Moved(done, _refusals(model, machine, move, missed, field) if missed else {}, returned)
