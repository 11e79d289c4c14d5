"""One occupation, one answer (issue 8 · 1): every way the five documents print an occupation gives the
decision its code gives, in every region and period that has a catalog."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal

import pytest
from click.testing import CliRunner

from skillsubsidy.catalog.dataset import load_dataset
from skillsubsidy.cli import main
from skillsubsidy.occupations import split_name
from skillsubsidy.rules.engine import default_engine, quote

ASIDE = "listed_under_other_spelling"  # says how the catalog was reached; not part of the decision


def _spellings() -> dict[str, set[str]]:
    """Each code printed in any of the five documents, with every name printed under it: as printed
    (work type and markers kept), normalised, and the occupation without its work type.

    A code/name conflict is left out of its code's group: 001 prints 重冶金法冶炼工 under both
    6-17-05-03 (line 754) and 6-17-05-04 (line 755, where 002 prints 重冶湿法冶炼工), so it names another
    occupation than the rest of 6-17-05-04's group."""
    entries = [e for e in load_dataset().entries() if e.code]
    codes_of: dict[str, set[str]] = defaultdict(set)
    occupations_of: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        codes_of[e.occupation].add(e.code)
        occupations_of[e.code].add(e.occupation)
    by_code: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        by_code[e.code].add(e.code)
        if len(codes_of[e.occupation]) > 1 and len(occupations_of[e.code]) > 1:
            continue
        by_code[e.code] |= {e.name, e.occupation, split_name(e.raw_name or e.name).name}
    return by_code


def _decision(region: str, on: str, occupation: str) -> tuple[bool, str | None, frozenset[str]]:
    request = {
        "region": region,
        "date": on,
        "certificate": {"type": "skill_level", "occupation": occupation, "level": 3},
    }
    d = quote(request, engine=default_engine()).to_json()
    return d["eligible"], d["amount"], frozenset(r["code"] for r in d["reasons"]) - {ASIDE}


@pytest.mark.parametrize(
    ("region", "on"),
    [("320600", "2025-06-01"), ("370100", "2025-06-01"), ("440000", "2023-06-01"), ("310000", "2026-06-01")],
)
def test_every_code_and_name_in_the_five_documents_gives_its_codes_decision(region: str, on: str) -> None:
    spellings = _spellings()
    assert len(spellings) == 879  # distinct codes printed across the five documents
    differing = {}
    for code, names in spellings.items():
        decisions = {name: _decision(region, on, name) for name in sorted(names)}
        if len(set(decisions.values())) > 1:
            differing[code] = decisions
    assert differing == {}


def test_the_correct_name_of_a_misprinted_occupation_gets_the_catalog_lines_decision_and_both_citations() -> (
    None
):
    # 000 · 附件4 prints 4-03-02-05 as 餐局服务员 (line 3592); 001 prints 餐厅服务员 under the same code.
    d = quote(
        {
            "region": "南通",
            "date": "2025-06-01",
            "certificate": {"type": "skill_level", "occupation": "餐厅服务员", "level": 3},
        }
    ).to_json()
    assert (d["eligible"], d["amount"]) == (True, "1500.00")
    [aside] = [r for r in d["reasons"] if r["code"] == ASIDE]
    assert aside["message"] == (
        "目录jiangsu-2025将“餐厅服务员”印作“餐局服务员”（4-03-02-05），"
        "见000_d6c6a123f4673bde.txt · 附件4 · 职业资格证书、职业技能等级证书 · line 3592；"
        "001_f43d9e28fbbbc3d8.txt · 附件 · （一）急需紧缺培训项目目录 · line 128"
        "印作“餐厅服务员”（4-03-02-05），按同一职业处理"
    )
    assert not any(r["code"] == "not_in_catalog" for r in d["reasons"])


@pytest.mark.parametrize("occupation", ["健康照护师", "健康照护师（长期照护师）", "4-14-01-03"])
def test_a_bare_name_gets_the_shortage_uplift_its_code_gets(occupation: str) -> None:
    # 000 · 附件3 line 478 lists 健康照护师（长期照护师） 4-14-01-03 at +30%; B 类 level 3 is 1800 (附件1).
    d = quote(
        {
            "region": "南通",
            "date": "2025-06-01",
            "certificate": {"type": "skill_level", "occupation": occupation, "level": 3},
        }
    ).to_json()
    assert Decimal(d["amount"]) == Decimal("2340.00")
    assert "健康照护师（长期照护师）列入紧缺型职业目录，高技能等级补贴上浮30%" in [
        r["message"] for r in d["reasons"]
    ]


def test_a_code_another_document_prints_for_the_same_name_reaches_the_catalog_line() -> None:
    # 001 prints 工业机器人系统运维员 as 6-31-01-10; Jiangsu (000 · 附件4) and Nantong's shortage
    # list print it as 6-31-07-01.
    by_code = _decision("320600", "2025-06-01", "6-31-01-10")
    assert by_code == _decision("320600", "2025-06-01", "工业机器人系统运维员")
    assert by_code[:2] == (True, "2600.00")


def test_a_typo_gets_did_you_mean_in_the_cli() -> None:
    request = {
        "region": "南通",
        "date": "2025-06-01",
        "certificate": {"type": "skill_level", "occupation": "焊攻", "level": 3},
    }
    result = CliRunner().invoke(main, ["quote"], input=json.dumps(request, ensure_ascii=False))
    assert result.exit_code == 0, result.output
    [reason] = [r for r in json.loads(result.output)["reasons"] if r["code"] == "unknown_occupation"]
    assert reason["message"].endswith(
        "；您是不是要找：焊工 6-18-02-04、喷涂喷焊工 6-18-03-04、焊工（电焊工） 6-18-02-04？"
    )


def test_pinyin_typed_for_an_occupation_gets_did_you_mean() -> None:
    d = quote(
        {
            "region": "南通",
            "date": "2025-06-01",
            "certificate": {"type": "skill_level", "occupation": "hangong", "level": 3},
        }
    ).to_json()
    [reason] = [r for r in d["reasons"] if r["code"] == "unknown_occupation"]
    assert "您是不是要找：焊工 6-18-02-04" in reason["message"]
