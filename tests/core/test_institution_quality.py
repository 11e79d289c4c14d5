"""Third-party evaluation against criteria that are data, and next year's listing proposed from the
record (001 · 二（二）5; 002 · 附件4 · 8① 及时清退)."""

from __future__ import annotations

from datetime import date

import pytest

from skillsubsidy.institutions.quality import (
    EvaluationFacts,
    Proposal,
    ScoreError,
    evaluation_criteria,
    parse_criteria,
    propose_listing,
)

CRITERIA = evaluation_criteria()
GOOD = {"teaching": 8, "teachers": 7, "outcomes": 9, "employment": 6, "satisfaction": 10}


def test_the_shipped_criteria_are_marked_as_an_example_with_weights_adding_to_100() -> None:
    assert CRITERIA.example is True
    assert [(c.id, c.maximum, c.weight) for c in CRITERIA.criteria] == [
        ("teaching", 10, 30),
        ("teachers", 10, 25),
        ("outcomes", 10, 25),
        ("employment", 10, 10),
        ("satisfaction", 10, 10),
    ]
    assert (CRITERIA.pass_mark, CRITERIA.review_mark) == (60, 75)


def test_the_total_is_the_weighted_sum_rounded_half_up() -> None:
    # 8/10·30 + 7/10·25 + 9/10·25 + 6/10·10 + 10/10·10 = 24 + 17.5 + 22.5 + 6 + 10
    assert CRITERIA.total(GOOD) == 80
    # 24 + 17.5 + 0 + 0 + 0 = 41.5, half up
    assert CRITERIA.total({**GOOD, "outcomes": 0, "employment": 0, "satisfaction": 0}) == 42
    assert CRITERIA.passed(60) and not CRITERIA.passed(59)


@pytest.mark.parametrize(
    ("scores", "field", "message"),
    [
        ({**GOOD, "teaching": 11}, "teaching", "教学组织与培训过程管理的得分 11 应为 0 至 10 的整数"),
        ({**GOOD, "teachers": -1}, "teachers", "师资与实训条件的得分 -1 应为 0 至 10 的整数"),
        ({**GOOD, "outcomes": "9"}, "outcomes", "培训合格率与取证情况的得分 '9' 应为 0 至 10 的整数"),
        ({**GOOD, "extra": 1}, "scores", "评估标准中没有这些项目：extra"),
        (
            {k: v for k, v in GOOD.items() if k != "employment"},
            "scores",
            "缺少以下项目的得分：培训后就业情况",
        ),
    ],
    ids=["above-maximum", "negative", "text", "unknown-criterion", "missing"],
)
def test_a_bad_score_sheet_is_refused_naming_the_criterion(
    scores: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ScoreError) as caught:
        CRITERIA.total(scores)
    assert (caught.value.field, str(caught.value)) == (field, message)


def test_a_set_whose_weights_do_not_add_up_to_100_is_refused() -> None:
    data = {
        "title": "T",
        "source": "S",
        "pass_mark": 60,
        "review_mark": 75,
        "criteria": [{"id": "a", "label": "A", "maximum": 10, "weight": 90}],
    }
    with pytest.raises(ValueError, match="add up to 90, not 100"):
        parse_criteria(data)


def _propose(
    evaluation: EvaluationFacts | None, **record: tuple[date, ...]
) -> tuple[Proposal, tuple[str, ...]]:
    p = propose_listing(
        year=2026,
        criteria=CRITERIA,
        evaluation=evaluation,
        serious_violations=record.get("serious", ()),
        failed_inspections=record.get("failed", ()),
        issue_inspections=record.get("issues", ()),
    )
    return p.proposal, p.reasons


def test_a_good_evaluation_and_a_clean_year_keep_the_institution() -> None:
    assert _propose(EvaluationFacts(2025, 80, True)) == (
        Proposal.KEEP,
        ("2025 年度第三方评估 80 分，期间无严重违法违规和检查问题",),
    )


def test_a_failed_evaluation_or_a_serious_violation_proposes_removal_with_every_reason() -> None:
    assert _propose(EvaluationFacts(2025, 55, False)) == (
        Proposal.REMOVE,
        ("2025 年度第三方评估 55 分，低于合格线 60 分",),
    )
    assert _propose(
        EvaluationFacts(2025, 90, True), serious=(date(2025, 3, 2),), issues=(date(2025, 4, 1),)
    ) == (
        Proposal.REMOVE,
        ("2025-03-02 记录严重违法违规（002 · 附件4 · 8①：及时清退）", "2025-04-01 检查发现问题需整改"),
    )


def test_a_low_pass_a_failed_inspection_or_no_evaluation_proposes_a_review() -> None:
    assert _propose(EvaluationFacts(2025, 70, True)) == (
        Proposal.REVIEW,
        ("2025 年度第三方评估 70 分，低于 75 分",),
    )
    assert _propose(None, failed=(date(2025, 6, 1),)) == (
        Proposal.REVIEW,
        ("没有 2025 年度第三方评估结果（001 · 二（二）5）", "2025-06-01 检查发现严重问题"),
    )
