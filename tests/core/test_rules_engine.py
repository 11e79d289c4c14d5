"""The scalar quote engine: the decision contract, its trace, request errors, and the CLI command."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from skillsubsidy.catalog.dataset import load_dataset
from skillsubsidy.catalog.model import SectionKind
from skillsubsidy.rules import Outcome, ReasonCode, RequestError, quote
from skillsubsidy.rules.commands import quote_command
from skillsubsidy.rules.dates import add_months, age_on
from skillsubsidy.rules.regime import CatalogIndex, OccupationNames

# The request of the rules issue (焊工 6-18-02-04, level 3, in Nantong), as the README shows it.
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "quote-nantong-welder.json"
ISSUE_REQUEST = json.loads(EXAMPLE.read_text("utf-8"))


SHORTAGE_TITLE = "南通市2025年高技能人才培训补贴紧缺型职业（工种）指导目录（第一批）"


def test_the_issue_request_gets_2600_with_every_step_traced_to_its_line():
    # 附件4 序号138 焊工 A (line 1440) → 附件1 A类 高级（三级） 2000 (line 22) → 附件3 序号18 焊工 30%
    # (line 558): 2000 × 130% = 2600. Held level 4 is lower; 60 ≥ 56 课时 (备注2); 10/60 ≤ 40% online.
    seed = "000_d6c6a123f4673bde.txt"
    assert quote(ISSUE_REQUEST).to_json() == {
        "eligible": True,
        "amount": "2600.00",
        "currency": "CNY",
        "reasons": [{"code": "shortage_uplift", "message": "焊工列入紧缺型职业目录，高技能等级补贴上浮30%"}],
        "trace": [
            {
                "rule": "region",
                "source": "GB/T 2260",
                "value": "南通市 320600 → 江苏省 320000",
                "outcome": None,
            },
            {
                "rule": "standards_date",
                "source": "certificate.issued_on",
                "value": "2025-05-20：适用该日有效的目录与补贴标准",
                "outcome": None,
            },
            {
                "rule": "catalog.entry",
                "source": f"{seed} · 附件4 · 职业资格证书、职业技能等级证书 · line 1440",
                "value": "焊工 6-18-02-04 · A类（jiangsu-2025）",
                "outcome": None,
            },
            {
                "rule": "standard.skill_level.A.level_3",
                "source": f"{seed} · 附件1 · 职业资格证书、职业技能等级证书 · A类 · 高级（三级） · line 22",
                "value": "2000.00 元/人（2025-01-01 起）",
                "outcome": None,
            },
            {
                "rule": "shortage_uplift",
                "source": f"{seed} · 附件3 · {SHORTAGE_TITLE} · line 558",
                "value": "+30%：2000.00 × 130% = 2600.00",
                "outcome": None,
            },
            {
                "rule": "certificates.no_same_or_lower_level",
                "source": f"{seed} · 附件1 · 备注3 · "
                "获得高等级证书的不得再申领同一职业（不区分工种或方向）同等级或低等级证书补贴",
                "value": "已持同一职业 四级/中级工，低于申领的三级/高级工：通过",
                "outcome": "passed",
            },
            {
                "rule": "class_hours.minimum.level_3",
                "source": f"{seed} · 附件1 · 备注2 · 中级工和高级工及以上培训不低于56课时",
                "value": "60 课时 ≥ 56 课时：通过",
                "outcome": "passed",
            },
            {
                "rule": "class_hours.online_max_pct",
                "source": f"{seed} · 附件4 · 备注 · line 4557 (附件5 · 备注 · line 5067 repeats it)",
                "value": "线上 10/60 = 16.67% ≤ 40%：通过",
                "outcome": "passed",
            },
            {"rule": "amount", "source": "", "value": "2600.00 元", "outcome": None},
        ],
    }


def test_a_rule_without_its_input_says_so_instead_of_passing():
    request = {k: v for k, v in ISSUE_REQUEST.items() if k not in {"training", "held_certificates"}}
    decision = quote(request)
    assert decision.eligible is True
    unchecked = [s.rule for s in decision.trace if s.outcome is Outcome.NOT_CHECKED]
    assert unchecked == [
        "certificates.no_same_or_lower_level",
        "class_hours.minimum.level_3",
        "class_hours.online_max_pct",
    ]
    missing = [r.message for r in decision.reasons if r.code.value == "input_missing"]
    assert missing == [
        "未提供 held_certificates，未核验是否已持有同一职业同等级或更高等级证书",
        "未提供 training.hours，未核验最低课时要求（56课时）",
        "未提供 training.hours，未核验线上课时占比（不高于40%）",
    ]


def test_an_ineligible_claim_pays_zero_and_a_missing_standard_pays_null():
    held_higher = {**ISSUE_REQUEST, "held_certificates": [{"occupation": "焊工", "level": 2}]}
    assert quote(held_higher).to_json()["amount"] == "0.00"
    # 000 · 附件1 · 企业新型学徒制培训: 按照企业新型学徒制专项文件执行, no amount in the seeds.
    apprenticeship = {"region": "南通", "date": "2025-06-01", "certificate": {"type": "apprenticeship"}}
    decision = quote(apprenticeship).to_json()
    assert (decision["eligible"], decision["amount"]) == (True, None)
    assert decision["reasons"] == [
        {
            "code": "no_standard",
            "message": "南通市在2025-06-01没有适用于该企业新型学徒制培训的补贴标准，无法给出金额",
        }
    ]


def test_the_project_total_is_qualified_trainees_times_the_amount():
    # 002 · 六、补贴标准: 培训考核合格人数 × 每人不超过800元.
    request = {
        "region": "广州",
        "date": "2023-10-01",
        "program": "project",
        "certificate": {
            "type": "training_qualification",
            "occupation": "直播电商运营",
            "issued_on": "2023-09-01",
        },
        "project": {"qualified_trainees": 30},
    }
    trace = quote(request).to_json()["trace"]
    assert trace[-1] == {
        "rule": "project.total",
        "source": "project.qualified_trainees",
        "value": "30 人 × 800.00 = 24000.00 元",
        "outcome": None,
    }


def test_the_standards_of_the_issue_date_apply_not_those_of_the_claim_date():
    # Issued in 2025 (附件1 in force), claimed in 2026 (no standard for 2026 in the seeds).
    request = {**ISSUE_REQUEST, "date": "2026-02-01"}
    assert quote(request).amount == Decimal("2600.00")
    request = {
        **ISSUE_REQUEST,
        "date": "2026-02-01",
        "certificate": {**ISSUE_REQUEST["certificate"], "issued_on": None},
    }
    assert quote(request).amount is None


@pytest.mark.parametrize(
    ("change", "field", "value"),
    [
        ({"certificate": {"type": "skill_level", "occupation": "焊工", "level": 7}}, "certificate.level", 7),
        ({"certificate": {"type": "skill_level", "occupation": "焊工"}}, "certificate.level", None),
        ({"certificate": {"type": "diploma", "occupation": "焊工"}}, "certificate.type", "diploma"),
        ({"certificate": {"type": "special_ability"}}, "certificate.occupation", None),
        ({"program": "voucher"}, "program", "voucher"),
        ({"region": "Atlantis"}, "region", "Atlantis"),
        ({"date": "2025-13-01"}, "date", "2025-13-01"),
        ({"date": None}, "date", None),
        ({"certficate": {}}, "certficate", {}),
        (
            {
                "certificate": {
                    "type": "skill_level",
                    "occupation": "焊工",
                    "level": 3,
                    "issued_on": "2025-07-01",
                }
            },
            "certificate.issued_on",
            "2025-07-01",
        ),
        ({"training": {"hours": 60, "minutes": 2700}}, "training.minutes", 2700),
        ({"training": {"hours": 60, "online_hours": 61}}, "training.online_hours", 61),
        ({"training": {"hours": 60.125}}, "training.hours", 60.125),
        ({"training": {"minutes": 60.5}}, "training.minutes", 60.5),
        ({"training": {"hours": -1}}, "training.hours", -1),
        ({"held_certificates": [{"occupation": "焊工", "level": 0}]}, "held_certificates[0].level", 0),
        ({"trainee": {"sex": "X"}}, "trainee.sex", "X"),
        ({"trainee": {"groups": ["retired"]}}, "trainee.groups[0]", "retired"),
        ({"trainee": {"hukou_local": "yes"}}, "trainee.hukou_local", "yes"),
        ({"project": {"qualified_trainees": -3}}, "project.qualified_trainees", -3),
    ],
)
def test_a_bad_request_names_the_field_and_the_value(change, field, value):
    with pytest.raises(RequestError) as err:
        quote({**ISSUE_REQUEST, **change})
    assert (err.value.field, err.value.value) == (field, value)
    assert str(err.value).startswith(f"{field}: ")


@pytest.mark.parametrize("region", ["320600", 320600, "南通", "南通市", "Nantong", "nantong"])
def test_a_region_is_accepted_as_code_or_name(region):
    assert quote({**ISSUE_REQUEST, "region": region}).amount == Decimal("2600.00")


def test_levels_are_accepted_as_words():
    certificate = {**ISSUE_REQUEST["certificate"], "level": "高级工"}
    assert quote({**ISSUE_REQUEST, "certificate": certificate}).amount == Decimal("2600.00")


def test_minutes_convert_at_45_to_the_class_hour():
    # 000 · 附件1 · 备注2: 每培训45分钟为1课时; 2520 minutes = 56 课时.
    decision = quote({**ISSUE_REQUEST, "training": {"minutes": 2520, "online_minutes": 0}}).to_json()
    steps = {s["rule"]: (s["value"], s["outcome"]) for s in decision["trace"]}
    # The conversion is a step of the check, not a check: it has no outcome of its own.
    assert steps["class_hours.minutes_per_hour"] == ("2520 分钟 ÷ 45 = 56 课时", None)
    assert steps["class_hours.minimum.level_3"] == ("56 课时（2520分钟折算） ≥ 56 课时：通过", "passed")


# -- the lookups under the engine ------------------------------------------------------------


def test_the_catalog_index_finds_what_the_effective_catalog_finds():
    ds = load_dataset()
    for region, on in (("南通", date(2025, 6, 1)), ("上海", date(2026, 6, 1)), ("济南", date(2024, 1, 1))):
        effective = ds.effective(region, on)
        index = CatalogIndex(effective)
        kinds = frozenset({SectionKind.OCCUPATIONS, SectionKind.QUALIFICATIONS})
        queries = {
            q for e in effective.entries(kinds) for q in (e.code, e.name, e.raw_name, e.occupation) if q
        }
        for q in sorted(queries):
            assert index.find(q, kinds) == effective.find(q, kinds), q


def test_a_code_and_a_name_of_the_same_occupation_are_the_same_occupation():
    names = OccupationNames(load_dataset())
    assert names.identity("焊工") == names.identity("6-18-02-04") == "6-18-02-04"
    # 000 · 附件1 · 备注3: 不区分工种或方向.
    assert names.identity("电子商务师（跨境电子商务师）") == names.identity("4-01-06-01")
    assert names.identity("不存在的职业") == "name:不存在的职业"
    assert names.known("2-02-07-01") and not names.known("9-99-99-99") and not names.known("不存在的职业")


def test_age_counts_the_birthday_itself():
    assert age_on(date(2007, 9, 1), date(2023, 9, 1)) == 16
    assert age_on(date(2007, 9, 2), date(2023, 9, 1)) == 15
    assert age_on(date(2008, 2, 29), date(2024, 2, 28)) == 15
    assert age_on(date(2008, 2, 29), date(2025, 3, 1)) == 17


def test_a_period_of_months_ends_on_the_same_day_or_the_months_last_day():
    assert add_months(date(2023, 9, 1), 12) == date(2024, 9, 1)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)


# -- the command -------------------------------------------------------------------------------


def _cli() -> click.Group:
    group = click.Group("skillsubsidy")
    group.add_command(quote_command)
    return group


def test_the_quote_command_prints_the_decision():
    result = CliRunner().invoke(_cli(), ["quote"], input=json.dumps(ISSUE_REQUEST))
    assert result.exit_code == 0
    assert json.loads(result.output) == quote(ISSUE_REQUEST).to_json()


def test_the_quote_command_reads_a_request_file(tmp_path):
    path = tmp_path / "request.json"
    path.write_text(json.dumps(ISSUE_REQUEST, ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(_cli(), ["quote", "--request", str(path)])
    assert json.loads(result.output)["amount"] == "2600.00"


LEVEL_7 = {"type": "skill_level", "occupation": "焊工", "level": 7}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (json.dumps({**ISSUE_REQUEST, "certificate": LEVEL_7}),
         "error: certificate.level: must be a skill level 1–5 (1 is the highest) (got 7)\n"),
        ('{"region": ', "error: request: not valid JSON (Expecting value: line 1 column 12 (char 11))\n"),
        ("[]", "error: request: must be a JSON object (got [])\n"),
    ],
)  # fmt: skip
def test_a_bad_request_exits_2_with_one_line_and_no_traceback(text, message):
    result = CliRunner().invoke(_cli(), ["quote"], input=text)
    assert (result.exit_code, result.output) == (2, message)


def test_every_reason_code_is_documented():
    doc = (Path(__file__).parents[2] / "docs" / "reason-codes.md").read_text("utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", doc, flags=re.MULTILINE))
    assert documented == {c.value for c in ReasonCode}
