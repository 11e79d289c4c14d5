"""The batch engine: it agrees with `quote`, checks claims against each other, reads and writes CSV
and Parquet, and refuses a bad cell by column and row."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click
import polars as pl
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillsubsidy.catalog.dataset import load_dataset
from skillsubsidy.rules import RequestError
from skillsubsidy.rules.batch import evaluate_batch, project_totals, read_claims, request_from_row
from skillsubsidy.rules.commands import batch_command
from skillsubsidy.rules.engine import Engine, default_engine
from skillsubsidy.rules.parameters import package_policy_dir

from .policy_2026 import engine_with_2026_policy

COLUMNS = [
    "region", "date", "program", "certificate_type", "occupation", "level", "issued_on", "hours",
    "online_hours", "minutes", "online_minutes", "held", "birth_date", "sex", "hukou_local",
    "social_insurance_local", "unemployment_registered", "groups",
]  # fmt: skip


def _frame(rows: list[dict[str, Any]], columns: list[str] = COLUMNS) -> pl.DataFrame:
    return pl.DataFrame(
        {c: [r.get(c) for r in rows] for c in columns}, schema=dict.fromkeys(columns, pl.String)
    )


def _outcome(
    eligible: bool | None, amount: str | None, codes: set[str]
) -> tuple[bool | None, str | None, list[str]]:
    return eligible, amount, sorted(codes - {""})


def _batch_outcomes(frame: pl.DataFrame, **kwargs: Any) -> list[tuple[bool | None, str | None, list[str]]]:
    out = evaluate_batch(frame, progress=False, **kwargs).frame
    return [
        _outcome(r["eligible"], r["amount"], set(r["reasons"].split("|"))) for r in out.iter_rows(named=True)
    ]


def _quote_outcome(
    row: dict[str, Any], engine: Engine | None = None
) -> tuple[bool | None, str | None, list[str]]:
    d = (engine or default_engine()).quote(request_from_row(row)).to_json()
    return _outcome(d["eligible"], d["amount"], {r["code"] for r in d["reasons"]})


# -- batch and quote agree ---------------------------------------------------------------------


def _agreement(rows: list[dict[str, Any]], engine: Engine | None = None) -> tuple[list[Any], list[Any]]:
    """(batch, quote) outcomes of every row, those outside every published period included."""
    quoted = [_quote_outcome(r, engine) for r in rows]
    batch = _batch_outcomes(_frame(rows), **({"engine": engine} if engine else {}))
    return batch, quoted


# A date outside every published catalog or standard is neither eligible nor ineligible
# (`outside_published_periods`, ADR 0014): Nantong's 2025 catalogs (000 · 附件4/附件5) and the
# 2025 standards of 000 · 附件1 end on 2025-12-31, and nothing is published for 2024 or 2026.
def _welder(on: str, occupation: str = "焊工") -> dict[str, Any]:
    return {"region": "南通", "date": on, "certificate_type": "skill_level", "occupation": occupation,
            "level": "3"}  # fmt: skip


OUTSIDE_ROWS = [
    # No catalog in force: 焊工 level 3, after and before the 2025 catalogs.
    _welder("2026-03-01"),
    _welder("2024-05-01"),
    # No standard in force: 职工岗前培训 500 (附件1 line 154) is for 2025 only; no catalog is needed.
    {"region": "南通", "date": "2026-03-01", "certificate_type": "pre_job"},
    # Outside the period, a blocking reason is still listed, and the claim still not decided.
    _welder("2026-03-01", "不存在的职业"),
    # A region that never published an amount keeps no_standard (004, Shanghai 2026).
    {**_welder("2026-03-01", "人工智能训练师"), "region": "上海"},
]  # fmt: skip


def test_the_batch_leaves_a_date_outside_every_period_undecided():
    row = OUTSIDE_ROWS[0]
    assert _batch_outcomes(_frame([row])) == [_quote_outcome(row)]
    assert _quote_outcome(row) == (None, None, ["outside_published_periods", "rule_lapsed"])


def test_the_batch_answers_every_date_outside_the_periods_as_the_quote_does():
    assert (
        _batch_outcomes(_frame(OUTSIDE_ROWS))
        == [_quote_outcome(r) for r in OUTSIDE_ROWS]
        == [
            (None, None, ["outside_published_periods", "rule_lapsed"]),
            (None, None, ["outside_published_periods", "rule_lapsed"]),
            (None, None, ["outside_published_periods"]),
            (None, None, ["outside_published_periods", "rule_lapsed", "unknown_occupation"]),
            (True, None, ["no_standard"]),
        ]
    )
    result = evaluate_batch(_frame(OUTSIDE_ROWS), progress=False)
    assert result.frame["amount_fen"].to_list() == [None] * 5
    assert (result.report.eligible, result.report.undecided, result.report.without_standard) == (1, 4, 1)


def _row_from_request(region: str, when: Any, request: dict[str, Any]) -> dict[str, Any]:
    """A policy case as a batch row, written the way a CSV holds it (all text)."""
    c = request["certificate"]
    t, tr = request.get("training") or {}, request.get("trainee") or {}
    row = {
        "region": request.get("region", region),
        "date": str(when),
        "program": request.get("program"),
        "certificate_type": c["type"],
        "occupation": c.get("occupation"),
        "level": None if c.get("level") is None else str(c["level"]),
        "issued_on": None if c.get("issued_on") is None else str(c["issued_on"]),
        **{
            k: None if t.get(k) is None else str(t[k])
            for k in ("hours", "online_hours", "minutes", "online_minutes")
        },
        "birth_date": None if tr.get("birth_date") is None else str(tr["birth_date"]),
        "sex": tr.get("sex"),
        **{
            k: None if tr.get(k) is None else str(tr[k]).lower()
            for k in ("hukou_local", "social_insurance_local", "unemployment_registered")
        },
        "groups": None if tr.get("groups") is None else "|".join(tr["groups"]),
    }
    if "held_certificates" in request:
        row["held"] = "|".join(f"{h['occupation']}:{h['level']}" for h in request["held_certificates"])
    return row


def test_the_batch_engine_gives_every_policy_case_its_expected_outcome():
    cases, rows = [], []
    for path in sorted((package_policy_dir() / "tests").glob("*/*.yaml")):
        for case in yaml.safe_load(path.read_text("utf-8"))["cases"]:
            cases.append(case)
            rows.append(_row_from_request(path.parent.name, case["date"], case["input"]))
    got = _batch_outcomes(_frame(rows))
    expected = [
        _outcome(c["output"]["eligible"], c["output"]["amount"], set(c["output"]["reasons"])) for c in cases
    ]
    assert [(c["name"], g) for c, g in zip(cases, got, strict=True)] == [
        (c["name"], e) for c, e in zip(cases, expected, strict=True)
    ]


def _pool() -> list[str]:
    """Occupations as people write them: codes and names from every catalog, courses, and misses."""
    ds = load_dataset()
    picked = []
    for c in ds.catalogs:
        for e in c.entries[:: max(1, len(c.entries) // 12)]:
            picked += [q for q in (e.code, e.name, e.raw_name) if q]
    courses = ["GYB", "SYB", "IYB", "eyb", "网络创业培训", "网络创业培训（直播版）", "创业实训", "创业沙龙"]
    return (
        sorted(set(picked))
        + courses
        + ["2-02-07-01", "9-99-99-99", "不存在的职业", "电子商务师（跨境电子商务师）"]
    )


POOL = _pool()
REGIONS = ["320600", "南通", "320000", "440100", "440000", "310000", "370100"]
TYPES = [
    "skill_level", "vocational_qualification", "special_ability", "training_qualification",
    "entrepreneurship", "pre_job", "skill_evaluation", "apprenticeship",
]  # fmt: skip
NEED_OCCUPATION = {"skill_level", "vocational_qualification", "special_ability", "training_qualification",
                   "entrepreneurship"}  # fmt: skip
NEED_LEVEL = {"skill_level", "vocational_qualification", "skill_evaluation"}
GROUPS = ["pensioner", "graduating_student", "non_graduating_student", "establishment_post", "veteran"]


@st.composite
def claim_rows(draw: st.DrawFn) -> dict[str, Any]:
    ctype = draw(st.sampled_from(TYPES))
    on = draw(st.dates(date(2023, 6, 1), date(2026, 12, 31)))
    issued = draw(st.none() | st.integers(0, 500).map(lambda d: on - timedelta(days=d)))
    occupation = (
        draw(st.sampled_from(POOL)) if ctype in NEED_OCCUPATION else draw(st.none() | st.sampled_from(POOL))
    )
    level = draw(st.integers(1, 5)) if ctype in NEED_LEVEL else draw(st.none() | st.integers(1, 5))
    row: dict[str, Any] = {
        "region": draw(st.sampled_from(REGIONS)),
        "date": on.isoformat(),
        "program": draw(st.none() | st.sampled_from(["training", "insured_upgrade", "project"])),
        "certificate_type": ctype,
        "occupation": occupation,
        "level": None if level is None else str(level),
        "issued_on": None if issued is None else issued.isoformat(),
    }
    unit = draw(st.sampled_from(["hours", "minutes", None]))
    if unit == "hours":
        total = draw(st.integers(0, 12000)) / 100
        row["hours"] = str(total)
        row["online_hours"] = draw(st.none() | st.integers(0, int(total * 100)).map(lambda c: str(c / 100)))
    elif unit == "minutes":
        total_m = draw(st.integers(0, 6000))
        row["minutes"] = str(total_m)
        row["online_minutes"] = draw(st.none() | st.integers(0, total_m).map(str))
    held = draw(st.none() | st.lists(st.tuples(st.sampled_from(POOL), st.integers(1, 5)), max_size=3))
    if held is not None:
        row["held"] = "|".join(f"{o}:{lv}" for o, lv in held)
    birth = draw(st.none() | st.dates(date(1950, 1, 1), date(2012, 12, 31)))
    row["birth_date"] = None if birth is None else birth.isoformat()
    row["sex"] = draw(st.none() | st.sampled_from(["M", "F"]))
    for k in ("hukou_local", "social_insurance_local", "unemployment_registered"):
        row[k] = draw(st.none() | st.sampled_from(["true", "false"]))
    groups = draw(st.none() | st.lists(st.sampled_from(GROUPS), max_size=2, unique=True))
    row["groups"] = None if groups is None else "|".join(groups)
    return row


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(claim_rows(), min_size=1, max_size=25))
def test_batch_and_quote_agree_on_random_claims(rows):
    # No person_id or certificate_no: each row stands alone, as one quote request does.
    batch, quoted = _agreement(rows)
    assert batch == quoted


@pytest.fixture(scope="module")
def engine_2026(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return engine_with_2026_policy(tmp_path_factory.mktemp("policy"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(claim_rows(), min_size=1, max_size=25))
def test_batch_and_quote_agree_where_rules_lapse_or_are_switched_off(engine_2026, rows):
    # Nantong's 2025 notes have no value in 2026 although a 2026 catalog and standard exist, and
    # Guangzhou switches two trainee rules off in 2026: rule_lapsed, and no reason, in both engines.
    batch, quoted = _agreement(rows, engine_2026)
    assert batch == quoted


def test_the_rules_without_a_value_are_reported_by_the_batch_as_by_quote(engine_2026):
    rows = [
        {  # Nantong 2026: held level 2, 10 hours all online; nothing checked, 2100 paid
            "region": "南通", "date": "2026-03-01", "certificate_type": "skill_level", "occupation": "焊工",
            "level": "3", "hours": "10", "online_hours": "10", "held": "焊工:2",
        },
        {  # the same in 2025: each of the three rules fails
            "region": "南通", "date": "2025-06-01", "certificate_type": "skill_level", "occupation": "焊工",
            "level": "3", "hours": "10", "online_hours": "10", "held": "焊工:2",
        },
        {  # Guangdong, issued before its rules (2023-07-30): no project rule is checked, no standard
            "region": "广东", "date": "2023-08-01", "program": "project",
            "certificate_type": "special_ability", "occupation": "潮汕卤鹅制作", "issued_on": "2023-06-01",
        },
    ]  # fmt: skip
    assert _batch_outcomes(_frame(rows), engine=engine_2026) == [
        (True, "2100.00", ["rule_lapsed"]),
        (False, "0.00", ["higher_or_same_level_held", "insufficient_hours", "online_hours_exceeded"]),
        (True, None, ["no_standard", "rule_lapsed"]),
    ]
    assert _batch_outcomes(_frame(rows), engine=engine_2026) == [_quote_outcome(r, engine_2026) for r in rows]


# -- checks across claims ----------------------------------------------------------------------


def _claim(person: str, occupation: str, level: int, issued: str, **extra: Any) -> dict[str, Any]:
    # Nantong 2025; 附件1 · 备注3 switches the same-or-lower-level rule on there.
    return {
        "person_id": person,
        "region": "南通",
        "date": "2025-11-30",
        "program": "insured_upgrade",
        "certificate_type": "skill_level",
        "occupation": occupation,
        "level": str(level),
        "issued_on": issued,
        "held": "",  # none held before this batch
        **extra,
    }


def _run(rows: list[dict[str, Any]], engine: Engine | None = None) -> pl.DataFrame:
    columns = sorted({k for r in rows for k in r})
    return evaluate_batch(_frame(rows, columns), engine=engine, progress=False).frame


def test_a_lower_level_claimed_after_a_higher_one_gets_nothing():
    # 000 · 附件1 · 备注3: level 2 in March, then level 3 in May of the same occupation (焊工 = 6-18-02-04).
    out = _run([_claim("p1", "焊工", 3, "2025-05-01"), _claim("p1", "6-18-02-04", 2, "2025-03-01")])
    assert out["reasons"].to_list() == ["higher_or_same_level_claimed", ""]
    assert out["amount"].to_list() == ["0.00", "3500.00"]


def test_climbing_levels_in_one_occupation_is_paid_each_time():
    # 附件1 · A类: 四级 1500, 三级 2000 (insured upgrade: no shortage uplift).
    out = _run([_claim("p1", "焊工", 4, "2025-03-01"), _claim("p1", "焊工", 3, "2025-06-01")])
    assert out["amount"].to_list() == ["1500.00", "2000.00"]


def test_a_second_certificate_at_the_same_level_in_another_work_type_gets_nothing():
    # 附件1 · 备注3: 不区分工种或方向. 电子商务师 4-01-06-01 is B; 四级 1200.
    out = _run(
        [
            _claim("p1", "电子商务师", 4, "2025-03-01", certificate_no="A-1"),
            _claim("p1", "电子商务师（跨境电子商务师）", 4, "2025-04-01", certificate_no="A-2"),
        ]
    )
    assert out["amount"].to_list() == ["1200.00", "0.00"]
    assert out["reasons"].to_list() == ["", "higher_or_same_level_claimed"]


def test_different_people_and_regions_without_the_rule_are_not_compared():
    rows = [
        _claim("p1", "焊工", 2, "2025-03-01"),
        _claim("p2", "焊工", 3, "2025-05-01"),
        # Shanghai 2026 states no such rule (and no amounts).
        {**_claim("p1", "焊工", 3, "2026-02-01"), "region": "上海", "date": "2026-03-01"},
    ]
    assert _run(rows)["reasons"].to_list() == ["", "", "no_standard"]


def test_the_same_certificate_claimed_twice_is_paid_once():
    rows = [
        _claim("p1", "焊工", 3, "2025-05-01", certificate_no="JS-2025-001"),
        _claim("p9", "焊工", 3, "2025-05-01", certificate_no="JS-2025-001"),
        _claim("p2", "电工", 4, "2025-05-01"),
        _claim("p2", "6-31-01-03", 4, "2025-05-01"),
    ]
    out = _run(rows)
    assert out["reasons"].to_list() == ["", "duplicate_claim", "", "duplicate_claim"]


def test_no_yearly_limit_applies_where_no_document_sets_one():
    result = evaluate_batch(
        _frame([_claim("p1", "焊工", 3, "2025-05-01")], [*COLUMNS, "person_id"]), progress=False
    )
    assert result.report.notes == [
        "claims.max_per_person_per_year has no value for any region and date in this input "
        "(no seed document sets one), so no yearly limit was applied"
    ]


def test_a_yearly_limit_entered_for_a_region_stops_the_extra_claims(tmp_path: Path):
    policy = tmp_path / "policy"
    shutil.copytree(package_policy_dir(), policy, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    (policy / "parameters/nantong/limits.yaml").write_text(
        "parameters:\n  claims.max_per_person_per_year:\n    unit: count\n    source: 示例\n"
        "    values: {2025-01-01: 2}\n",
        "utf-8",
    )
    rows = [
        _claim("p1", "焊工", 4, "2025-02-01", date="2025-02-10"),
        _claim("p1", "电工", 4, "2025-03-01", date="2025-03-10"),
        _claim("p1", "不存在的职业", 4, "2025-03-15", date="2025-03-20"),  # not payable: does not count
        _claim("p1", "车工", 4, "2025-04-01", date="2025-04-10"),
        _claim("p1", "车工", 3, "2025-04-01", date="2026-01-05"),  # the next year
    ]
    out = _run(rows, Engine(policy_dir=policy))
    assert out["reasons"].to_list() == ["", "", "unknown_occupation", "yearly_limit_exceeded", ""]


def test_an_occupations_own_standard_is_paid_only_where_its_region_enters_it(tmp_path: Path):
    # The batch shares a catalog's answers between regimes with the same catalogs in force and looks
    # for an occupation's own standard only in a regime that has one: Nantong's 焊工 at level 3 in
    # 2025 only, by code or name; Guangzhou and Nantong's other occupations keep the table.
    policy = tmp_path / "policy"
    shutil.copytree(package_policy_dir(), policy, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    (policy / "parameters/nantong/own.yaml").write_text(
        "parameters:\n  standard.occupation.6-18-02-04.level_3:\n    unit: CNY\n    source: 示例\n"
        "    values: {2025-01-01: 4100, 2026-01-01: null}\n",
        "utf-8",
    )
    engine = Engine(policy_dir=policy)
    welder = {"region": "南通", "certificate_type": "skill_level", "occupation": "焊工", "level": "3"}
    rows = [
        {**welder, "date": "2025-06-01"},
        {**welder, "date": "2025-06-01", "occupation": "6-18-02-04"},
        {**welder, "date": "2025-06-01", "level": "4"},
        {**welder, "date": "2025-06-01", "occupation": "电工"},
        {**welder, "date": "2026-03-01"},
        {**welder, "date": "2025-06-01", "region": "广州"},
    ]
    batch = _batch_outcomes(_frame(rows), engine=engine)
    # 4,100 and the shortage uplift of 30%.
    assert [amount for _, amount, _ in batch[:2]] == ["5330.00", "5330.00"]
    assert "5330.00" not in [amount for _, amount, _ in batch[2:]]
    assert batch == [_quote_outcome(r, engine) for r in rows]


# -- files and the command ---------------------------------------------------------------------

CSV = """\
claim_id,person_id,region,date,program,certificate_type,occupation,level,issued_on,hours,online_hours,held,project_id
1,p1,南通,2025-06-01,training,skill_level,6-18-02-04,3,2025-05-20,60,10,6-18-02-04:4,
2,p2,广州,2023-10-01,project,skill_level,中式烹调师,4,2023-09-01,,,,GZ-1
3,p3,广州,2023-10-01,project,special_ability,潮汕卤鹅制作,,2023-09-01,,,,GZ-1
4,p4,上海,2026-03-01,training,skill_level,4-04-05-05,3,,,,,
"""


def _cli() -> click.Group:
    group = click.Group("skillsubsidy")
    group.add_command(batch_command)
    return group


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_the_batch_command_writes_decisions_and_project_totals(tmp_path: Path, suffix: str):
    source = tmp_path / "claims.csv"
    source.write_text(CSV, "utf-8")
    if suffix == ".parquet":
        read_claims(source).write_parquet(source := tmp_path / "claims.parquet")
    out, totals = tmp_path / f"decisions{suffix}", tmp_path / f"totals{suffix}"
    result = CliRunner().invoke(
        _cli(), ["batch", str(source), "-o", str(out), "--project-totals", str(totals), "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    frame = read_claims(out).with_columns(pl.col("eligible").cast(pl.String))
    # 2600: the issue's example; 800: 002 · 六、补贴标准, with the trainee unchecked; Shanghai: no amounts.
    assert frame.select("claim_id", "eligible", "amount", "reasons").rows() == [
        ("1", "true", "2600.00", "shortage_uplift"),
        ("2", "true", "800.00", "amount_is_maximum|input_missing"),
        ("3", "true", "800.00", "amount_is_maximum|input_missing"),
        ("4", "true", None, "no_standard"),
    ]
    assert read_claims(totals).select("project_id", "qualified_trainees", "total").rows()[0][0] == "GZ-1"
    assert "total payable: 4200.00 CNY" in result.output


def test_project_totals_multiply_qualified_trainees_by_their_amounts():
    frame = evaluate_batch(read_claims_text(CSV), progress=False).frame
    assert project_totals(frame).select("project_id", "qualified_trainees", "total_fen", "total").rows() == [
        ("GZ-1", 2, 160000, "1600.00")
    ]


def read_claims_text(text: str) -> pl.DataFrame:
    return pl.read_csv(text.encode(), infer_schema=False)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("level", "7", "error: level (row 2): must be a skill level 1–5 (got '7')"),
        ("date", "2025-02-30", "error: date (row 2): must be a date written YYYY-MM-DD (got '2025-02-30')"),
        ("region", "火星", "error: region (row 2): is not a known region (got '火星')"),
        ("hours", "sixty", "error: hours (row 2): must be a number (got 'sixty')"),
        ("held", "焊工", "error: held (row 2): items must be written occupation:level (got '焊工')"),
    ],
)
def test_a_bad_cell_exits_2_naming_column_and_row_and_writes_nothing(tmp_path, column, value, message):
    frame = read_claims_text(CSV).with_columns(
        pl.when(pl.col("claim_id") == "2").then(pl.lit(value)).otherwise(pl.col(column)).alias(column)
    )
    frame.write_csv(source := tmp_path / "claims.csv")
    result = CliRunner().invoke(_cli(), ["batch", str(source), "-o", str(tmp_path / "out.csv")])
    assert (result.exit_code, result.output.strip()) == (2, message)
    assert list(tmp_path.iterdir()) == [source]


def test_a_missing_required_column_is_named():
    with pytest.raises(RequestError, match=r"^certificate_type: required column missing"):
        evaluate_batch(read_claims_text(CSV).drop("certificate_type"), progress=False)


def test_request_from_row_is_the_quote_request_of_the_issue():
    row = read_claims_text(CSV).row(0, named=True)
    assert json.loads(json.dumps(request_from_row(row))) == {
        "region": "南通",
        "date": "2025-06-01",
        "program": "training",
        "certificate": {
            "type": "skill_level",
            "occupation": "6-18-02-04",
            "level": "3",
            "issued_on": "2025-05-20",
        },
        "held_certificates": [{"occupation": "6-18-02-04", "level": "4"}],
        "training": {"hours": "60", "online_hours": "10"},
    }


# -- Parquet to Parquet in chunks -------------------------------------------------------------


@pytest.mark.parametrize("row_group_size", [None, 700], ids=["one-row-group", "row-groups-of-700"])
def test_a_parquet_input_decided_in_chunks_gives_the_decisions_of_one_pass(tmp_path: Path, row_group_size):
    # Row groups of 700 rows: chunks of 1,200 span two row groups, and the output has the input's
    # row groups (its columns copied as stored, the decisions cut to the same rows).
    from skillsubsidy.rules.batch import evaluate_file
    from skillsubsidy.rules.synthetic import generate_claims

    claims = generate_claims(5_000, seed=5)
    claims.write_parquet(source := tmp_path / "claims.parquet", row_group_size=row_group_size)
    whole = evaluate_batch(claims, progress=False)
    report = evaluate_file(source, target := tmp_path / "out.parquet", chunk_rows=1_200, progress=False)
    whole.report.timings = report.timings = {}
    assert pl.read_parquet(target).equals(whole.frame)
    assert report == whole.report
    groups = pq.ParquetFile(target).metadata
    assert groups.num_row_groups == pq.ParquetFile(source).metadata.num_row_groups


def test_a_bad_cell_in_a_later_chunk_is_named_by_its_row_in_the_input(tmp_path: Path):
    from skillsubsidy.rules.batch import evaluate_file

    rows = [_claim("p1", "焊工", 3, "2025-05-01") for _ in range(10)]
    rows[7]["level"] = "7"
    _frame(rows, sorted(rows[0])).write_parquet(source := tmp_path / "claims.parquet")
    with pytest.raises(RequestError, match=r"^level \(row 8\): must be a skill level 1–5 \(got '7'\)$"):
        evaluate_file(source, tmp_path / "out.parquet", chunk_rows=3, progress=False)


def test_the_checks_across_claims_group_rows_in_parts_as_one_sort_would():
    # More rows than one part (~65,536) holds: groups are numbered and sorted part by part.
    import numpy as np

    from skillsubsidy.rules.batch import _group_order

    rng = np.random.default_rng(1)
    n = 300_000
    groups = rng.integers(0, 100_000, n).astype(np.int64) * 7919
    order = rng.integers(0, 400, n).astype(np.int64)
    perm, starts = _group_order(groups, order)
    # Every row that shares its group with another, once; a row alone in its group is left out.
    _, inverse, sizes = np.unique(groups, return_inverse=True, return_counts=True)
    shared = np.flatnonzero(sizes[inverse] > 1)
    assert len(shared) < n and np.array_equal(np.sort(perm), shared)
    in_groups = groups[perm]
    assert np.array_equal(starts[1:], in_groups[1:] != in_groups[:-1]) and starts[0]
    # Each group's rows together, by `order` then position, as one lexicographic sort gives them.
    expected = np.lexsort((shared, order[shared], groups[shared]))
    expected = shared[expected]
    ours = pl.DataFrame({"group": in_groups, "row": perm}).group_by("group").agg("row").sort("group")
    theirs = pl.DataFrame({"group": groups[expected], "row": expected}).group_by("group").agg("row")
    assert ours.equals(theirs.sort("group"))


@pytest.mark.parametrize("dtype", ["uint64", "int64"])
def test_the_rows_sharing_a_value_are_found_as_counting_each_value_would(dtype):
    import numpy as np

    from skillsubsidy.rules.batch import _shared

    rng = np.random.default_rng(3)
    values = rng.integers(0, 2**62, 200_000).astype(dtype)
    values[rng.integers(0, 200_000, 3_000)] = values[rng.integers(0, 200_000, 3_000)]
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    expected = np.flatnonzero(counts[inverse] > 1)
    assert 3_000 <= len(expected) < 12_000
    assert np.array_equal(_shared(values), expected)
    assert len(_shared(values[:0])) == len(_shared(values[:1])) == len(_shared(np.unique(values))) == 0
    assert np.array_equal(_shared(np.zeros(5, dtype=dtype)), np.arange(5))


def test_parquet_to_parquet_keeps_the_input_columns_and_their_types(tmp_path: Path):
    # Text columns are read as dictionary columns and written back from their dictionaries; the
    # output reads back as the input's own types, whatever the columns hold, beside the decisions.
    from datetime import UTC, datetime

    from skillsubsidy.rules.batch import evaluate_file

    rows = [_claim(f"p{i % 3}", "焊工", 3 + i % 2, "2025-05-01") for i in range(6)]
    claims = _frame(rows, sorted(rows[0])).with_columns(
        pl.Series("person_id", [i % 3 for i in range(6)], dtype=pl.Int64),
        pl.Series("received", [datetime(2025, 6, 1, 8, tzinfo=UTC)] * 6).dt.convert_time_zone(
            "Asia/Shanghai"
        ),
        pl.Series("note", ["a", None, "b", "a", "c", None], dtype=pl.String),
    )
    claims.write_parquet(source := tmp_path / "claims.parquet")
    report = evaluate_file(source, target := tmp_path / "out.parquet", progress=False)
    whole = evaluate_batch(claims, progress=False)
    out = pl.read_parquet(target)
    assert out.schema == whole.frame.schema
    assert out.equals(whole.frame)
    whole.report.timings = report.timings = {}
    assert report == whole.report
    # Persons 0 and 2 claim level 4 after level 3 of the same occupation (附件1 · 备注3); person 1
    # climbs from level 4 to level 3, which is allowed.
    claimed = "higher_or_same_level_claimed"
    assert out["reasons"].to_list()[3:] == [claimed, "", claimed]


def test_an_empty_parquet_input_gives_an_empty_output(tmp_path: Path):
    from skillsubsidy.rules.batch import evaluate_file

    rows = [_claim("p1", "焊工", 3, "2025-05-01")]
    _frame(rows, sorted(rows[0])).head(0).write_parquet(source := tmp_path / "claims.parquet")
    report = evaluate_file(source, target := tmp_path / "out.parquet", progress=False)
    assert report.rows == 0
    decisions = ["eligible", "amount", "amount_fen", "reasons"]
    assert pl.read_parquet(target).columns == [*sorted(rows[0]), *decisions]
