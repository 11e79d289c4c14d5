"""A date outside every published catalog or standard: neither eligible nor ineligible, and the
answer names the nearest published version (issue 8, point 2)."""

from __future__ import annotations

from datetime import date

from skillsubsidy.rules.engine import quote

WELDER = {"program": "training", "certificate": {"type": "skill_level", "occupation": "焊工", "level": 3}}


def test_after_the_2025_catalogs_ended_the_answer_names_the_catalog_and_what_it_paid():
    # 000 · 附件4/附件5 are Jiangsu's and Nantong's 2025 catalogs (2025-01-01–2025-12-31); in 2025
    # 焊工 level 3 is A类 2000 (附件1 line 22) + 30% (附件3) = 2600.
    d = quote({"region": "南通", "date": "2026-03-01", **WELDER})
    assert (d.eligible, d.amount) == (None, None)
    assert d.to_json()["eligible"] is None and d.to_json()["amount"] is None
    assert d.reasons[0].code.value == "outside_published_periods"
    assert d.reasons[0].message == (
        "南通市在2026-03-01没有有效的补贴性培训目录，无法判断是否符合条件："
        "南通市2025年政府补贴性职业技能培训职业（工种）指导目录在2025-12-31失效，"
        "当时该职业技能等级证书补贴2600.00元"
    )
    assert d.answerable_on == date(2025, 12, 31)
    assert "no_standard" not in [r.code.value for r in d.reasons]
    assert [t.value for t in d.trace if t.rule == "amount"] == ["不在已公布的有效期内，不作判断，金额为空"]


def test_before_the_first_catalog_the_answer_names_the_one_that_starts_later():
    d = quote({"region": "南通", "date": "2024-05-01", **WELDER})
    assert (d.eligible, d.amount) == (None, None)
    assert d.reasons[0].message == (
        "南通市在2024-05-01没有有效的补贴性培训目录，无法判断是否符合条件："
        "南通市2025年政府补贴性职业技能培训职业（工种）指导目录自2025-01-01起施行，"
        "届时该职业技能等级证书补贴2600.00元"
    )
    assert d.answerable_on == date(2025, 1, 1)


def test_a_standard_without_a_catalog_names_the_standard_that_lapsed():
    # 000 · 附件1 · 其他培训 · 职工岗前培训 500 (line 154), for 2025 only.
    d = quote({"region": "南通", "date": "2026-03-01", "certificate": {"type": "pre_job"}})
    assert (d.eligible, d.amount) == (None, None)
    assert d.reasons[0].message == (
        "南通市在2026-03-01没有有效的补贴标准，无法判断是否符合条件："
        "补贴标准“其他培训 · 职工岗前培训 · 培训合格证书”在2025-12-31失效，当时该职工岗前培训补贴500.00元"
    )


def test_a_region_that_never_published_an_amount_still_says_no_standard():
    # 004 (Shanghai 2026) publishes categories but no amounts: no period to point to.
    d = quote(
        {"region": "上海", "date": "2026-03-01",
         "certificate": {"type": "skill_level", "occupation": "人工智能训练师", "level": 3}}
    )  # fmt: skip
    assert (d.eligible, d.amount, [r.code.value for r in d.reasons]) == (True, None, ["no_standard"])


def test_inside_the_period_nothing_changes():
    d = quote({"region": "南通", "date": "2025-12-31", **WELDER})
    assert (d.eligible, str(d.amount), d.answerable_on) == (True, "2600.00", None)
