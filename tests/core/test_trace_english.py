"""Every trace step of a quote also states its finding in English (issue 8, point 6: `/en/` is English
throughout, the trace included). Swept over the readable policy cases, which take every rule once where
it applies and once where it does not, and the dates outside every published period. Chinese may
remain only as data: the names of occupations, catalogs and parameters as the files print them, and
what the request itself says."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest

from skillsubsidy.rules.decision import TraceStep
from skillsubsidy.rules.engine import default_engine

from .test_policy_cases import _as_json, _cases

# CJK ideographs with the full-width punctuation printed around them (（工种）, “…”, 、).
CJK = re.compile(
    r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”·]*[\u4e00-\u9fff][\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”·]*"
)


@cache
def _printed() -> str:
    """Every name the dataset and the parameter files print, one a line."""
    engine = default_engine()
    names = [c.title for c in engine.dataset.catalogs]
    names += [e.name for c in engine.dataset.catalogs for e in c.entries]
    for params in engine.store.params.by_region.values():
        names += [p.label for p in params.values()] + [p.note for p in params.values() if p.note]
    return "\n".join(names)


def _data_only(step: TraceStep, request: dict[str, Any]) -> list[str]:
    """The Chinese runs of the English finding that are not data."""
    said = "\n".join(str(v) for v in _walk(request))
    runs = (run.strip("“”（）、·") for run in CJK.findall(step.value_en))
    return [run for run in runs if run not in _printed() and run not in said]


def _walk(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _walk(v)]
    if isinstance(value, list):
        return [x for v in value for x in _walk(v)]
    return [value]


OUTSIDE = [
    {"region": "320600", "date": "2026-03-01", "program": "training",
     "certificate": {"type": "skill_level", "occupation": "焊工", "level": 3}},
    {"region": "320600", "date": "2024-06-01", "program": "training",
     "certificate": {"type": "skill_level", "occupation": "焊工", "level": 3}},
]  # fmt: skip


@pytest.mark.parametrize(
    "request_",
    [{"region": r, "date": c["date"], **c["input"]} for r, c in (p.values for p in _cases())] + OUTSIDE,
)
def test_every_trace_step_states_its_finding_in_english(request_: dict[str, Any]) -> None:
    request = _as_json(request_)
    decision = default_engine().quote(request)
    assert [s.rule for s in decision.trace if not s.value_en] == []
    assert {s.rule: runs for s in decision.trace if (runs := _data_only(s, request))} == {}


def test_the_english_finding_says_what_the_chinese_one_says() -> None:
    # 000 · 附件1 · 备注2: 中级工和高级工及以上培训不低于56课时; 30 of 60 hours online is above the 40% of
    # 000 · 附件4 · 备注.
    request = {
        "region": "320600", "date": "2025-06-01", "program": "training",
        "certificate": {"type": "skill_level", "occupation": "焊工", "level": 3},
        "training": {"hours": 60, "online_hours": 30},
    }  # fmt: skip
    steps = {s.rule: (s.value, s.value_en) for s in default_engine().quote(request).trace}
    assert steps["class_hours.minimum.level_3"] == (
        "60 课时 ≥ 56 课时：通过",
        "60 class hours ≥ 56 class hours: passed",
    )
    assert steps["class_hours.online_max_pct"] == (
        "线上 30/60 = 50.00% > 40%：不通过",
        "online 30/60 = 50.00% > 40%: failed",
    )
    assert steps["region"] == ("南通市 320600 → 江苏省 320000", "Nantong 320600 → Jiangsu 320000")
