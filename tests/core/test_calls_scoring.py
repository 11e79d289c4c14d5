"""Scoring on the example rubric: independent reviews, conflicts, disagreements, ranking, decision."""

from __future__ import annotations

from decimal import Decimal

import pytest

from skillsubsidy.calls.scoring import (
    Choice,
    Conflict,
    Conflicted,
    Mark,
    Review,
    ScoringError,
    check_review,
    decide,
    rank,
    weighted_total,
)

from .calls_sample import call

CODES = ("qualification", "need", "resources", "plan", "employment", "budget")


def review(reviewer: str, application: str, *points: int) -> Review:
    return Review(
        reviewer,
        application,
        tuple(Mark(c, p, f"{c}：依据申报表评分") for c, p in zip(CODES, points, strict=True)),
    )


def test_the_weighted_total_is_out_of_100() -> None:
    rubric = call().rubric
    assert weighted_total(rubric, review("张", "A", 10, 10, 10, 10, 10, 10)) == 100
    # 20·8/10 + 20·7/10 + 25·9/10 + 15·6/10 + 10·5/10 + 10·10/10 = 16 + 14 + 22.5 + 9 + 5 + 10
    assert weighted_total(rubric, review("张", "A", 8, 7, 9, 6, 5, 10)) == Decimal("76.5")


def test_a_conflicted_reviewer_cannot_score() -> None:
    conflicts = [Conflict("王", "A", "曾任该单位顾问")]
    with pytest.raises(Conflicted) as blocked:
        check_review(rubric=call().rubric, review=review("王", "A", 5, 5, 5, 5, 5, 5), conflicts=conflicts)
    assert (
        str(blocked.value) == "reviewer: 已申报与 A 存在利益冲突（曾任该单位顾问），不得评分（填写值：'王'）"
    )
    assert check_review(rubric=call().rubric, review=review("王", "B", 5, 5, 5, 5, 5, 5), conflicts=conflicts)


def test_every_mark_needs_a_justification_and_stays_within_its_maximum() -> None:
    rubric = call().rubric
    bare = review("张", "A", 5, 5, 5, 5, 5, 5)
    unjustified = Review("张", "A", (Mark("qualification", 5, " "), *bare.marks[1:]))
    with pytest.raises(ScoringError) as no_reason:
        check_review(rubric=rubric, review=unjustified, conflicts=[])
    assert (no_reason.value.path, no_reason.value.problem) == ("marks[0].justification", "每项评分须写明理由")
    with pytest.raises(ScoringError) as too_high:
        check_review(rubric=rubric, review=review("张", "A", 5, 11, 5, 5, 5, 5), conflicts=[])
    assert (too_high.value.path, too_high.value.value) == ("marks[1].points", 11)
    with pytest.raises(ScoringError) as missing:
        check_review(rubric=rubric, review=Review("张", "A", bare.marks[:5]), conflicts=[])
    assert missing.value.path == "marks"


def test_the_ranking_has_its_trace_and_flags_a_disagreement_above_the_threshold() -> None:
    rubric = call().rubric
    reviews = [
        review("张", "A", 8, 7, 9, 6, 5, 10),  # 76.5
        review("李", "A", 8, 8, 8, 8, 8, 8),  # 80
        review("赵", "A", 9, 9, 9, 9, 9, 9),  # 90
        review("张", "B", 10, 10, 10, 10, 10, 10),  # 100
        review("李", "B", 6, 6, 6, 6, 6, 6),  # 60
        review("赵", "B", 9, 9, 9, 9, 9, 9),  # 90
    ]
    first, second = rank(rubric=rubric, reviews=reviews, applications=["A", "B"])
    assert (first.application, first.rank, first.mean, first.flagged) == ("B", 1, Decimal("83.33"), True)
    assert first.spread == Decimal("40.00")
    assert first.trace == (
        "张：100.00分",
        "李：60.00分",
        "赵：90.00分",
        "平均分 83.33（3名评审人）",
        "评分分歧 40.00 分，超过阈值 15 分，提请集体决策讨论",
    )
    assert (second.application, second.mean, second.spread, second.flagged) == (
        "A",
        Decimal("82.17"),
        Decimal("13.50"),
        False,
    )
    assert second.complete and second.totals == {
        "张": Decimal("76.50"),
        "李": Decimal("80.00"),
        "赵": Decimal("90.00"),
    }


def test_ties_follow_the_order_of_submission_and_too_few_reviews_are_marked() -> None:
    rubric = call().rubric
    reviews = [review("张", "A", 5, 5, 5, 5, 5, 5), review("张", "B", 5, 5, 5, 5, 5, 5)]
    first, second = rank(rubric=rubric, reviews=reviews, applications=["B", "A"])
    assert (first.application, second.application) == ("B", "A")
    assert second.trace[-1] == "与 B 同分，按提交先后排序（第2个提交）"
    assert not first.complete and "评审人数不足：需要至少3名" in first.trace


def test_a_reviewer_scores_an_application_once() -> None:
    reviews = [review("张", "A", 5, 5, 5, 5, 5, 5), review("张", "A", 6, 6, 6, 6, 6, 6)]
    with pytest.raises(ScoringError) as twice:
        rank(rubric=call().rubric, reviews=reviews, applications=["A"])
    assert twice.value.value == ("张", "A")


def test_a_decision_within_the_budget_says_what_is_left() -> None:
    choices = [Choice("A", True, 13_199_940, "排名第一"), Choice("B", False, 9_000_000, "师资不足")]
    decision = decide(choices=choices, budget_fen=20_000_000, members=["陈", "郭", "肖"])
    assert (decision.selected, decision.total_fen, decision.overrun_fen) == (("A",), 13_199_940, 0)
    assert decision.statement == "入选1个项目，合计131999.40元，在预算200000元以内（余68000.60元）"


def test_an_overrun_is_refused_unless_it_is_stated() -> None:
    choices = [Choice("A", True, 13_199_940, "排名第一"), Choice("B", True, 9_000_000, "急需工种")]
    with pytest.raises(ScoringError) as unstated:
        decide(choices=choices, budget_fen=20_000_000, members=["陈", "郭"])
    assert unstated.value.problem == "入选项目合计超出预算 21999.40 元，须说明超出的理由"
    decision = decide(
        choices=choices, budget_fen=20_000_000, members=["陈", "郭"], overrun_reason="追加预算已报批"
    )
    assert decision.overrun_fen == 2_199_940
    assert decision.statement == "入选2个项目，合计221999.40元，超出预算200000元 21999.40元：追加预算已报批"


def test_a_decision_needs_two_members_and_a_reason_for_each_application() -> None:
    with pytest.raises(ScoringError) as alone:
        decide(choices=[Choice("A", True, 100, "好")], budget_fen=1000, members=["陈", " "])
    assert alone.value.path == "members"
    with pytest.raises(ScoringError) as silent:
        decide(choices=[Choice("A", True, 100, "")], budget_fen=1000, members=["陈", "郭"])
    assert silent.value.path == "choices[0].reason"
