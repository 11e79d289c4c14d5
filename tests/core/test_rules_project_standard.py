"""A project's accepted standard in the quote (002 · 六、补贴标准): each qualified trainee is paid at the
standard the city set for the project, at most 800 元 (line 123); a trainee whose certificate has a
higher standard in the provincial catalog is paid at that. The web supplies the accepted standard
(calls.Application.accepted_standard_fen); a JSON request cannot name one."""

from __future__ import annotations

import shutil
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from skillsubsidy.rules.engine import Engine
from skillsubsidy.rules.parameters import package_policy_dir
from skillsubsidy.rules.request import ProjectStandard, RequestError

SOURCE = "002_192cf03f49fda43c.txt · 六、补贴标准 · line 123"  # guangzhou/project-2023.yaml
PROJECT = ProjectStandard(Decimal("600"), "项目“粤菜师傅”中式烹调培训项目")


def request(level: int = 4, program: str = "project") -> dict[str, Any]:
    return {
        "region": "广州",
        "date": "2023-10-01",
        "program": program,
        "certificate": {
            "type": "skill_level",
            "occupation": "中式烹调师",
            "level": level,
            "issued_on": "2023-09-01",
        },
        "project": {"qualified_trainees": 30},
    }


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The shipped policy plus a provincial catalog standard for 中式烹调师 level 4 (附件5 序号1,
    4-03-02-01): the seeds print 附件5 without amounts, so a bureau enters one (as
    test_rules_parameters does); level 5 has none."""
    target = tmp_path_factory.mktemp("policy") / "policy"
    shutil.copytree(package_policy_dir(), target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    (target / "parameters/guangdong/catalog-standards.yaml").write_text(
        "parameters:\n  standard.occupation.4-03-02-01.level_4:\n    unit: CNY\n    source: 录入示例\n"
        "    values: {2023-07-30: 700}\n",
        "utf-8",
    )
    return Engine(policy_dir=target)


def quote(engine: Engine, raw: dict[str, Any], accepted: ProjectStandard | None) -> dict[str, Any]:
    return engine.quote(replace(engine.parse(raw), project_standard=accepted)).to_json()


def step(decision: dict[str, Any], rule: str) -> dict[str, Any]:
    return next(s for s in decision["trace"] if s["rule"] == rule)


def test_without_a_catalog_standard_the_projects_accepted_standard_is_paid(engine: Engine) -> None:
    decision = quote(engine, request(level=5), PROJECT)
    assert decision["amount"] == "600.00" and decision["eligible"] is True
    accepted = step(decision, "project.accepted_standard")
    assert accepted["source"] == SOURCE
    assert accepted["value"] == (
        "项目“粤菜师傅”中式烹调培训项目核定标准 600.00 元/人（002 · 六：具体执行标准由市人社部门按项目确定）"
    )
    assert step(decision, "project.total")["value"] == "30 人 × 600.00 = 18000.00 元"
    # Without the project, the same request is quoted at the cap, as before.
    assert quote(engine, request(level=5), None)["amount"] == "800.00"


def test_a_higher_catalog_standard_is_paid_instead_and_the_trace_says_which(engine: Engine) -> None:
    decision = quote(engine, request(level=4), PROJECT)
    assert decision["amount"] == "700.00"
    higher = step(decision, "project.higher_standard")
    assert higher["source"] == f"{SOURCE}；录入示例"
    assert higher["value"] == (
        "目录证书标准 700.00 元高于项目“粤菜师傅”中式烹调培训项目核定标准 600.00 元，"
        "按更高标准执行（002 · 六）"
    )
    assert not any(s["rule"] == "project.accepted_standard" for s in decision["trace"])
    generous = ProjectStandard(Decimal("750"), "项目甲")
    kept = quote(engine, request(level=4), generous)
    assert kept["amount"] == "750.00"
    assert step(kept, "project.accepted_standard")["value"].endswith("，不低于目录证书标准 700.00 元")


def test_a_standard_above_the_cap_is_held_to_it_and_another_programme_ignores_it(engine: Engine) -> None:
    over = quote(engine, request(level=5), ProjectStandard(Decimal("900"), "项目乙"))
    assert over["amount"] == "800.00"
    assert (
        step(over, "project.accepted_standard")["value"]
        == "项目乙核定标准 900.00 元高于每人上限 800.00 元，按上限执行"
    )
    training = quote(engine, request(level=5, program="training"), PROJECT)
    assert step(training, "project.accepted_standard")["value"].endswith("未适用：仅适用于项目制培训")


def test_a_json_request_cannot_name_its_own_standard(engine: Engine) -> None:
    raw = request()
    raw["project"]["accepted_standard"] = 800
    with pytest.raises(RequestError) as refused:
        engine.parse(raw)
    assert refused.value.field == "project.accepted_standard"
