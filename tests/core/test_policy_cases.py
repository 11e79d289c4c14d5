"""Run the readable policy cases in src/skillsubsidy/policy/tests/<region>/*.yaml against the shipped
catalogs and parameters. Each case names its seed source; this module only executes them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from skillsubsidy.rules.decision import Outcome
from skillsubsidy.rules.engine import default_engine
from skillsubsidy.rules.parameters import package_policy_dir
from skillsubsidy.rules.reasons import CLASS_ONLY, INSTITUTION_ONLY, ReasonCode

CASES_DIR = package_policy_dir() / "tests"
CASE_KEYS = {"name", "date", "source", "input", "output"}


def _cases() -> Iterator[Any]:
    for path in sorted(CASES_DIR.glob("*/*.yaml")):
        doc = yaml.safe_load(path.read_text("utf-8"))
        for i, case in enumerate(doc["cases"], 1):
            # pytest escapes non-ASCII ids, so the id is the file and position; failures print the name.
            yield pytest.param(path.parent.name, case, id=f"{path.relative_to(CASES_DIR)}#{i}")


def _as_json(value: Any) -> Any:
    """The case as the JSON a client would send: YAML dates become ISO strings."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


@pytest.mark.parametrize(("region", "case"), list(_cases()))
def test_policy_case(region: str, case: dict[str, Any]) -> None:
    assert set(case) == CASE_KEYS, f"a case has exactly the keys {sorted(CASE_KEYS)}"
    assert case["source"], "every case cites the seed it takes its expected values from"
    request = {"region": region, "date": case["date"], **case["input"]}
    decision = default_engine().quote(_as_json(request)).to_json()
    expected = case["output"]
    got = {
        "eligible": decision["eligible"],
        "amount": decision["amount"],
        "reasons": sorted({r["code"] for r in decision["reasons"]}),
    }
    assert got == {**expected, "reasons": sorted(set(expected["reasons"]))}, (case["name"], decision)


def test_every_rule_has_a_case_where_it_passes_one_where_it_fails_and_one_left_unchecked() -> None:
    outcomes: dict[str, set[Outcome]] = {}
    for param in _cases():
        region, case = param.values
        request = {"region": region, "date": case["date"], **case["input"]}
        decision = default_engine().quote(_as_json(request))
        for step in decision.trace:
            if step.outcome is not None:
                rule = re.sub(r"\.level_\d$", "", step.rule)  # one minimum-hours rule over five levels
                outcomes.setdefault(rule, set()).add(step.outcome)
    assert set(outcomes) == {
        "certificates.no_same_or_lower_level",
        "class_hours.minimum",
        "class_hours.online_max_pct",
        "project.claim_window_months",
        "project.trainee.min_age",
        "project.trainee.max_age.male",
        "project.trainee.max_age.female",
        "project.trainee.residency_required",
        "project.trainee.excluded_groups",
    }
    assert {r for r, seen in outcomes.items() if not {Outcome.PASSED, Outcome.FAILED} <= seen} == set()
    # A request without the sex is checked against the male maximum, so only that one is seen unchecked.
    unchecked = {r for r, seen in outcomes.items() if Outcome.NOT_CHECKED in seen}
    assert unchecked == set(outcomes) - {"project.trainee.max_age.female"}


def test_the_cases_use_every_reason_code_a_single_quote_can_give() -> None:
    batch_only = {
        ReasonCode.HIGHER_OR_SAME_LEVEL_CLAIMED,
        ReasonCode.DUPLICATE_CLAIM,
        ReasonCode.YEARLY_LIMIT_EXCEEDED,
    }
    used = {code for param in _cases() for code in param.values[1]["output"]["reasons"]}
    not_from_a_quote = batch_only | INSTITUTION_ONLY | CLASS_ONLY
    assert used == {c.value for c in ReasonCode} - {c.value for c in not_from_a_quote}


def test_the_cases_cover_every_region_with_a_catalog() -> None:
    regions = {p.name for p in CASES_DIR.iterdir() if p.is_dir()}
    # and 天河区, a district with no catalog of its own that inherits Guangzhou's and Guangdong's
    assert regions == {"nantong", "jiangsu", "guangzhou", "guangdong", "shanghai", "jinan", "tianhe"}
