"""Transition tables: each workflow's states and the moves between them, as data.

A workflow (a catalog version, an institution's listing, a project application, a class, a claim, a
payment batch) is a small state machine. Its table says, for every move: the states it leaves, the
state it reaches, the roles that may make it, the rule ids that must pass first, and whether a person
must say why. The tables are plain data so that the core can check them without Django (every state
reachable, no move out of a final state, no unknown role), the back office can show them, and the one
state-change helper in `web/common/transitions.py` can enforce them.

Roles are the staff roles of the web app (`platform_admin`, `city_bureau`, `district_bureau`) plus
`system` for a machine step (a loader, a date that passes); later workflows add their own (an
institution's clerk, a worker). The web checks that every role named here exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

SYSTEM = "system"


class WorkflowError(ValueError):
    """A transition table that contradicts itself, or a request for a move the table does not have."""


@dataclass(frozen=True, slots=True)
class State:
    label_zh: str
    label_en: str
    final: bool = False


@dataclass(frozen=True, slots=True)
class Transition:
    """One move. `target=None` means the record is removed (a discarded draft); the audit row stays."""

    action: str  # stable code, part of the audit action (e.g. catalog.publish)
    source: tuple[str, ...]
    target: str | None
    roles: frozenset[str]
    label_zh: str
    label_en: str
    guards: tuple[str, ...] = ()  # rule ids checked before the move; their outcomes go in the audit
    reason_required: bool = True

    def leaves(self, state: str) -> bool:
        return state in self.source


@dataclass(frozen=True)
class StateMachine:
    name: str  # the audited target type, e.g. catalog_version
    audit_prefix: str  # audit actions read `<prefix>.<action>`
    initial: str
    states: Mapping[str, State]
    transitions: tuple[Transition, ...]
    _by_action: Mapping[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_action: dict[str, Transition] = {}
        for t in self.transitions:
            if t.action in by_action:
                raise WorkflowError(f"{self.name}: action {t.action!r} is defined twice")
            by_action[t.action] = t
        object.__setattr__(self, "states", MappingProxyType(dict(self.states)))
        object.__setattr__(self, "_by_action", MappingProxyType(by_action))
        self._validate()

    def _validate(self) -> None:
        if self.initial not in self.states:
            raise WorkflowError(f"{self.name}: initial state {self.initial!r} is not a state")
        for t in self.transitions:
            unknown = [s for s in (*t.source, t.target) if s is not None and s not in self.states]
            if unknown:
                raise WorkflowError(f"{self.name}.{t.action}: unknown state {unknown[0]!r}")
            if not t.source:
                raise WorkflowError(f"{self.name}.{t.action}: leaves no state")
            if not t.roles:
                raise WorkflowError(f"{self.name}.{t.action}: nobody may make this move")
            final = [s for s in t.source if self.states[s].final]
            if final:
                raise WorkflowError(f"{self.name}.{t.action}: leaves the final state {final[0]!r}")
        unreachable = set(self.states) - self.reachable()
        if unreachable:
            raise WorkflowError(f"{self.name}: unreachable states {sorted(unreachable)}")

    def reachable(self) -> set[str]:
        seen = {self.initial}
        frontier = [self.initial]
        while frontier:
            state = frontier.pop()
            for t in self.moves_from(state):
                if t.target is not None and t.target not in seen:
                    seen.add(t.target)
                    frontier.append(t.target)
        return seen

    def moves_from(self, state: str) -> tuple[Transition, ...]:
        return tuple(t for t in self.transitions if t.leaves(state))

    def transition(self, action: str) -> Transition:
        try:
            return self._by_action[action]
        except KeyError:
            known = ", ".join(self._by_action)
            raise WorkflowError(f"{self.name} has no action {action!r} (known: {known})") from None

    def roles(self) -> frozenset[str]:
        return frozenset(r for t in self.transitions for r in t.roles)

    def audit_action(self, action: str) -> str:
        return f"{self.audit_prefix}.{self.transition(action).action}"
