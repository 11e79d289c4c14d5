"""The catalog version's transition table (issue 4's publication flow, as data).

A draft is a working copy of a catalog series; publishing it is final (published versions never
change, 001 · 二 has the catalog published for workers to look up). Discarding removes the draft and
keeps its audit rows.
"""

from __future__ import annotations

from skillsubsidy.workflow import State, StateMachine, Transition

STAFF = frozenset({"platform_admin", "city_bureau", "district_bureau"})

CATALOG_VERSION = StateMachine(
    name="catalog_version",
    audit_prefix="catalog",
    initial="draft",
    states={
        "draft": State("草稿", "Draft"),
        "published": State("已发布", "Published", final=True),
    },
    transitions=(
        Transition("publish", ("draft",), "published", STAFF, "发布", "Publish"),
        Transition("discard", ("draft",), None, STAFF, "放弃草稿", "Discard draft"),
    ),
)
