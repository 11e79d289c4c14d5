"""Transition tables as data: a table that contradicts itself is refused when it is built."""

from __future__ import annotations

import pytest

from skillsubsidy.catalog.lifecycle import CATALOG_VERSION, STAFF
from skillsubsidy.workflow import State, StateMachine, Transition, WorkflowError

STATES = {"draft": State("草稿", "Draft"), "done": State("完成", "Done", final=True)}
ANYONE = frozenset({"city_bureau"})


def machine(*transitions: Transition, states: dict[str, State] | None = None, initial: str = "draft") -> None:
    StateMachine("thing", "thing", initial, states or STATES, transitions)


def test_the_catalog_version_table_publishes_or_discards_a_draft_and_nothing_leaves_published() -> None:
    assert CATALOG_VERSION.reachable() == {"draft", "published"}
    assert [(t.action, t.target) for t in CATALOG_VERSION.moves_from("draft")] == [
        ("publish", "published"),
        ("discard", None),
    ]
    assert CATALOG_VERSION.moves_from("published") == ()
    assert CATALOG_VERSION.audit_action("publish") == "catalog.publish"
    assert CATALOG_VERSION.roles() == STAFF
    assert all(t.reason_required for t in CATALOG_VERSION.transitions)


def test_an_unknown_action_names_the_known_ones() -> None:
    with pytest.raises(
        WorkflowError, match=r"catalog_version has no action 'approve' \(known: publish, discard\)"
    ):
        CATALOG_VERSION.transition("approve")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: machine(Transition("go", ("draft",), "gone", ANYONE, "去", "Go")),
            r"thing\.go: unknown state 'gone'",
        ),
        (lambda: machine(Transition("go", (), "done", ANYONE, "去", "Go")), r"thing\.go: leaves no state"),
        (lambda: machine(Transition("go", ("draft",), "done", frozenset(), "去", "Go")), "nobody may make"),
        (
            lambda: machine(
                Transition("go", ("draft",), "done", ANYONE, "去", "Go"),
                Transition("back", ("done",), "draft", ANYONE, "回", "Back"),
            ),
            "leaves the final state 'done'",
        ),
        (
            lambda: machine(
                Transition("go", ("draft",), "done", ANYONE, "去", "Go"),
                Transition("go", ("draft",), "done", ANYONE, "去", "Go"),
            ),
            "action 'go' is defined twice",
        ),
        (lambda: machine(states=STATES), r"unreachable states \['done'\]"),
        (lambda: machine(initial="nowhere"), "initial state 'nowhere' is not a state"),
    ],
    ids=["unknown-target", "no-source", "no-role", "out-of-final", "duplicate", "unreachable", "bad-initial"],
)
def test_a_table_that_contradicts_itself_is_refused(build: object, message: str) -> None:
    with pytest.raises(WorkflowError, match=message):
        build()  # type: ignore[operator]
