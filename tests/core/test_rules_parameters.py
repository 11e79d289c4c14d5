"""Policy parameters: the shipped YAML equals the seed, bad files are refused by name, and a standard
added as a file takes effect without a code change or a restart."""

from __future__ import annotations

import shutil
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from skillsubsidy.ingest.seeds import default_seed_dir
from skillsubsidy.ingest.seeds.jiangsu_nantong_2025 import read_standards
from skillsubsidy.ingest.text import SeedText
from skillsubsidy.regions import ancestry, resolve_region
from skillsubsidy.rules.batch import evaluate_batch, request_from_row
from skillsubsidy.rules.engine import Engine
from skillsubsidy.rules.parameters import (
    POLICY_DIR_ENV,
    ParameterError,
    default_policy_dir,
    load_parameters,
    package_policy_dir,
)
from skillsubsidy.rules.regime import resolve_parameters

NANTONG_SEED = "000_d6c6a123f4673bde.txt"
SEEDS = {p.name for p in default_seed_dir().glob("*.txt")}


@pytest.fixture(scope="module")
def shipped():
    return load_parameters(package_policy_dir())


@pytest.fixture
def policy_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped policy, as the back office keeps one."""
    target = tmp_path / "policy"
    shutil.copytree(package_policy_dir(), target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return target


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


# -- the shipped parameters agree with the documents -----------------------------------------


def test_every_amount_in_nantong_annex_1_is_a_parameter_with_the_same_value_and_line(shipped):
    # 000 · 附件1: the seed reader's rows are the document; every priced row must be one parameter
    # citing that row's line, with that amount from 2025-01-01, and no parameter may cite a row
    # that does not exist.
    rows = read_standards(SeedText.read(default_seed_dir() / NANTONG_SEED))
    params = shipped.region("320600")
    by_line = {}
    for p in params.values():
        source = p.values[0].source
        if source.startswith(f"{NANTONG_SEED} · 附件1 · ") and " · line " in source:
            by_line.setdefault(int(source.rsplit(" · line ", 1)[1]), []).append(p)
    assert sorted(by_line) == sorted(r.line for r in rows)
    for row in rows:
        [param] = by_line[row.line]
        assert row.item in param.label and row.label in param.label
        if row.category and len(row.category) == 1:
            assert f"{row.category}类" in param.label
        first = param.at(date(2025, 1, 1))
        assert first is not None
        if row.amount is not None:
            assert param.unit.value == "CNY"
            assert first.value == row.amount
        elif row.text == "同职业技能培训":
            assert (param.name, first.value) == ("project.same_as_training", True)
        else:
            assert (param.name, first.value, param.note) == ("standard.apprenticeship", None, row.text)


def test_the_nantong_table_has_the_amounts_of_the_document(shipped):
    # 000 · 附件1: A类 高级（三级） 2000; C类 初级（五级） 500; 评价补贴 一级 650; 岗前培训 500.
    p = shipped.region("320600")
    on = date(2025, 6, 1)
    assert p["standard.skill_level.A.level_3"].at(on).value == Decimal("2000")
    assert p["standard.skill_level.C.level_5"].at(on).value == Decimal("500")
    assert p["standard.skill_evaluation.level_1"].at(on).value == Decimal("650")
    assert p["standard.pre_job"].at(on).value == Decimal("500")
    assert p["standard.entrepreneurship.network_live"].matches == ("网络创业培训（直播版）",)


def test_every_shipped_parameter_cites_a_seed_document(shipped):
    for p in shipped.parameters():
        for v in p.values:
            assert v.source.split(" · ")[0] in SEEDS, (p.name, v.source)


def test_a_2025_value_ends_when_2026_begins(shipped):
    # 000 · 附件1 names only the year 2025.
    p = shipped.region("320600")["standard.skill_level.A.level_3"]
    assert p.at(date(2025, 12, 31)).value == Decimal("2000")
    assert p.at(date(2026, 1, 1)).value is None
    assert p.at(date(2024, 12, 31)) is None


def test_a_city_restates_its_province_and_inherits_the_rest(shipped):
    guangzhou = ancestry(resolve_region("广州"))
    resolved = resolve_parameters(shipped, guangzhou, date(2023, 10, 1))
    # 002 · 六、补贴标准 (Guangzhou's own notice) rather than 附件4 (the province's excerpt) …
    assert resolved["project.max_per_person"].source.startswith("002_192cf03f49fda43c.txt · 六、补贴标准")
    # … while the claim window is only in the province's excerpt (附件4 · 7. 申领期限).
    assert resolved["project.claim_window_months"].value == 12
    assert "附件4" in resolved["project.claim_window_months"].source


# -- bad files are refused, naming file and parameter ----------------------------------------


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("unit: CNY\n    source: s\n    values: {2026-01-01: 0.1}", "integer or a quoted decimal"),
        ("unit: CNY\n    source: s\n    values: {2026-01-01: '12.345'}", "at most 2 decimal places"),
        ("unit: euros\n    source: s\n    values: {2026-01-01: 1}", "unit 'euros' is not one of"),
        ("unit: CNY\n    values: {2026-01-01: 1}", "has no source"),
        ("unit: CNY\n    source: s\n    values: {'next year': 1}", "is not a date"),
        ("unit: category\n    source: s\n    values: {2026-01-01: D}", "is not A, B or C"),
        ("unit: groups\n    source: s\n    values: {2026-01-01: [retired]}", "list of group codes"),
        ("unit: CNY\n    source: s\n    value: {2026-01-01: 1}", "unknown keys ['value']"),
    ],
)
def test_a_bad_parameter_is_refused_with_file_and_name(policy_copy: Path, body: str, problem: str):
    _write(policy_copy / "parameters/shanghai/bad.yaml", f"parameters:\n  standard.pre_job:\n    {body}\n")
    with pytest.raises(ParameterError) as err:
        load_parameters(policy_copy)
    assert err.value.file == "parameters/shanghai/bad.yaml"
    assert err.value.name == "standard.pre_job"
    assert problem in str(err.value)


def test_the_same_date_given_twice_names_both_files(policy_copy: Path):
    _write(
        policy_copy / "parameters/nantong/again.yaml",
        "parameters:\n  standard.pre_job:\n    unit: CNY\n    source: s\n    values: {2025-01-01: 600}\n",
    )
    with pytest.raises(ParameterError) as err:
        load_parameters(policy_copy)
    assert str(err.value) == (
        "parameters/nantong/standards-2025.yaml: standard.pre_job: "
        "2025-01-01 is already given in parameters/nantong/again.yaml"
    )


def test_a_directory_that_is_not_a_region_is_refused(policy_copy: Path):
    _write(policy_copy / "parameters/atlantis/a.yaml", "parameters: {}\n")
    with pytest.raises(ParameterError, match="directory is not a region"):
        load_parameters(policy_copy)


def test_the_policy_directory_comes_from_the_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv(POLICY_DIR_ENV, str(tmp_path))
    assert default_policy_dir() == tmp_path
    monkeypatch.delenv(POLICY_DIR_ENV)
    assert default_policy_dir() == package_policy_dir()


# -- staff add a standard: it takes effect with no code change and no restart ------------------

SHANGHAI_2026 = """\
parameters:
  standard.skill_level.A.level_3:
    label: 职业技能等级 · A类 · 三级
    unit: CNY
    source: 上海市2026年补贴标准（录入示例）
    values: {2026-01-01: 2500}
"""
# 004 · 一、职业技能等级项目 序号6: 人工智能训练师 4-04-05-05, category A (line 36).
SHANGHAI_REQUEST = {
    "region": "上海",
    "date": "2026-03-01",
    "certificate": {"type": "skill_level", "occupation": "人工智能训练师", "level": 3},
}


def test_a_shanghai_2026_standard_added_as_a_file_takes_effect(policy_copy: Path):
    before = Engine(policy_dir=policy_copy).quote(SHANGHAI_REQUEST)
    assert (before.eligible, before.amount, [r.code.value for r in before.reasons]) == (
        True,
        None,
        ["no_standard"],
    )

    _write(policy_copy / "parameters/shanghai/standards-2026.yaml", SHANGHAI_2026)
    after = Engine(policy_dir=policy_copy).quote(SHANGHAI_REQUEST).to_json()
    assert (after["eligible"], after["amount"], after["reasons"]) == (True, "2500.00", [])
    step = next(s for s in after["trace"] if s["rule"] == "standard.skill_level.A.level_3")
    assert step == {
        "rule": "standard.skill_level.A.level_3",
        "source": "上海市2026年补贴标准（录入示例）",
        "value": "2500.00 元/人（2026-01-01 起）",
        "outcome": None,
    }


# An engine that remembers its decisions forgets them with the parameters they came from.
@pytest.mark.parametrize("remember", [0, 8])
def test_a_running_engine_picks_up_an_edited_file(policy_copy: Path, remember: int):
    engine = Engine(policy_dir=policy_copy, poll_seconds=0, remember=remember)
    assert engine.quote(SHANGHAI_REQUEST).amount is None
    _write(policy_copy / "parameters/shanghai/standards-2026.yaml", SHANGHAI_2026)
    assert engine.quote(SHANGHAI_REQUEST).amount == Decimal("2500.00")
    time.sleep(0.01)  # a new modification time, even on coarse file systems
    _write(policy_copy / "parameters/shanghai/standards-2026.yaml", SHANGHAI_2026.replace("2500", "2600"))
    assert engine.quote(SHANGHAI_REQUEST).amount == Decimal("2600.00")


@pytest.mark.parametrize("remember", [0, 8])
def test_reload_applies_a_change_when_polling_is_off(policy_copy: Path, remember: int):
    engine = Engine(policy_dir=policy_copy, poll_seconds=None, remember=remember)
    assert engine.quote(SHANGHAI_REQUEST).amount is None
    _write(policy_copy / "parameters/shanghai/standards-2026.yaml", SHANGHAI_2026)
    assert engine.quote(SHANGHAI_REQUEST).amount is None
    engine.reload()
    assert engine.quote(SHANGHAI_REQUEST).amount == Decimal("2500.00")


def test_a_remembered_decision_is_the_one_the_engine_gives_and_at_most_so_many_are_kept():
    plain, remembering = Engine(poll_seconds=None), Engine(poll_seconds=None, remember=2)
    asked = [
        {**SHANGHAI_REQUEST, "certificate": {**SHANGHAI_REQUEST["certificate"], "level": level}}
        for level in (1, 2, 3, 4, 5)
    ]
    for request in [*asked, *asked]:
        assert remembering.quote(request) == plain.quote(request)
        assert len(remembering._decisions) <= 2
    # The same question spelled otherwise (a name for the code) is the same request.
    again = remembering.quote({**asked[4], "region": "310000"})
    assert again is remembering.quote(asked[4])


def test_a_broken_edit_keeps_the_last_good_parameters_and_says_why(policy_copy: Path):
    engine = Engine(policy_dir=policy_copy, poll_seconds=0)
    _write(policy_copy / "parameters/shanghai/standards-2026.yaml", SHANGHAI_2026)
    assert engine.quote(SHANGHAI_REQUEST).amount == Decimal("2500.00")
    _write(policy_copy / "parameters/shanghai/standards-2026.yaml", SHANGHAI_2026.replace("2500", "2500.5"))
    assert engine.quote(SHANGHAI_REQUEST).amount == Decimal("2500.00")
    assert engine.store.last_error is not None
    assert engine.store.last_error.file == "parameters/shanghai/standards-2026.yaml"
    with pytest.raises(ParameterError):
        engine.reload()


def test_a_provincial_catalog_standard_above_the_project_cap_is_paid_by_both_engines(policy_copy: Path):
    # 002 · 六、补贴标准: certificates in the provincial catalog may be paid at its higher standard.
    # The seeds print 附件5 without amounts; a bureau enters one for 中式烹调师 (附件5 序号1, 4-03-02-01).
    _write(
        policy_copy / "parameters/guangdong/catalog-standards.yaml",
        "parameters:\n  standard.occupation.4-03-02-01.level_4:\n    unit: CNY\n    source: 录入示例\n"
        "    values: {2023-07-30: 1200}\n",
    )
    engine = Engine(policy_dir=policy_copy)
    row = {
        "region": "广州",
        "date": "2023-10-01",
        "program": "project",
        "certificate_type": "skill_level",
        "occupation": "中式烹调师",
        "level": "4",
        "issued_on": "2023-09-01",
        "birth_date": "1990-05-01",
        "sex": "F",
        "hukou_local": "true",
        "groups": "",
    }
    decision = engine.quote(request_from_row(row)).to_json()
    assert (decision["amount"], decision["reasons"]) == ("1200.00", [])
    step = next(s for s in decision["trace"] if s["rule"] == "project.higher_standard")
    assert step["value"] == "目录证书标准 1200.00 元高于上限，按更高标准执行"
    batch = evaluate_batch(pl.DataFrame([row]), engine=engine, progress=False).frame
    assert batch.select("amount", "reasons").row(0) == ("1200.00", "")
    lower = {**row, "level": "5"}  # no standard entered for level 5: the cap applies
    assert engine.quote(request_from_row(lower)).amount == Decimal("800.00")
