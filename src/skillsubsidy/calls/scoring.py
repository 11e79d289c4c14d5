"""量化标准评审 and 集体决策 (002 · 四（二）; 附件4 · （三）8①) as pure functions.

Reviewers score each application on the call's rubric, independently, with a justification per
criterion. A reviewer who declared a conflict of interest with an application may not score it.
The weighted total of one review is Σ weight × points / max_points, out of 100. Applications are
ranked by the mean of their reviews' totals; a spread between reviewers above the call's threshold
is flagged for the meeting to look at. The meeting's decision is checked against the budget: it
stays within it, or the overrun is stated with a reason."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from skillsubsidy.calls.call import Rubric, yuan


class ScoringError(ValueError):
    def __init__(self, path: str, value: object, problem: str) -> None:
        super().__init__(f"{path}: {problem}（填写值：{value!r}）")
        self.path = path
        self.value = value
        self.problem = problem


class Conflicted(ScoringError):
    """The reviewer declared a conflict of interest with this application."""


@dataclass(frozen=True, slots=True)
class Mark:
    criterion: str
    points: int
    justification: str


@dataclass(frozen=True, slots=True)
class Review:
    reviewer: str
    application: str
    marks: tuple[Mark, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    reviewer: str
    application: str
    reason: str


def check_review(*, rubric: Rubric, review: Review, conflicts: Iterable[Conflict]) -> Review:
    """A review the rubric accepts: one mark per criterion, within its maximum, each justified."""
    for c in conflicts:
        if c.reviewer == review.reviewer and c.application == review.application:
            raise Conflicted(
                "reviewer",
                review.reviewer,
                f"已申报与 {review.application} 存在利益冲突（{c.reason}），不得评分",
            )
    given = [m.criterion for m in review.marks]
    expected = [c.code for c in rubric.criteria]
    if sorted(given) != sorted(expected) or len(set(given)) != len(given):
        raise ScoringError("marks", given, f"每项评分标准各打一次分：{', '.join(expected)}")
    for i, m in enumerate(review.marks):
        top = rubric.criterion(m.criterion).max_points
        if not 0 <= m.points <= top:
            raise ScoringError(f"marks[{i}].points", m.points, f"{m.criterion} 的分值应在 0–{top} 之间")
        if not m.justification.strip():
            raise ScoringError(f"marks[{i}].justification", m.justification, "每项评分须写明理由")
    return review


def weighted_total(rubric: Rubric, review: Review) -> Fraction:
    return sum(
        (
            Fraction(
                rubric.criterion(m.criterion).weight * m.points, rubric.criterion(m.criterion).max_points
            )
            for m in review.marks
        ),
        Fraction(0),
    )


def shown(value: Fraction) -> Decimal:
    """A score as printed: two decimals, halves up."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Standing:
    application: str
    rank: int
    mean: Decimal
    totals: Mapping[str, Decimal]  # reviewer → weighted total
    spread: Decimal
    flagged: bool  # the spread is above the call's threshold
    complete: bool  # at least the call's minimum number of reviews
    trace: tuple[str, ...]


def rank(*, rubric: Rubric, reviews: Sequence[Review], applications: Sequence[str]) -> list[Standing]:
    """Every application ranked by its mean weighted total, highest first; ties by the order in which
    the applications were submitted (the order given), which the trace states. Reviews are assumed
    checked; a second review by the same reviewer of the same application is refused."""
    seen: set[tuple[str, str]] = set()
    ranked = set(applications)
    # Grouped once, so that a call with thousands of applications ranks in time linear in the reviews
    # (benchmarks/bench_calls.py), not applications × reviews.
    by_application: dict[str, list[Review]] = {}
    for r in reviews:
        key = (r.reviewer, r.application)
        if key in seen:
            raise ScoringError("reviews", key, "同一评审人对同一申报只能评分一次")
        seen.add(key)
        if r.application not in ranked:
            raise ScoringError("reviews", r.application, "不是本次评审的申报")
        by_application.setdefault(r.application, []).append(r)
    rows = []
    for order, app in enumerate(applications):
        totals = {r.reviewer: weighted_total(rubric, r) for r in by_application.get(app, ())}
        mean = sum(totals.values(), Fraction(0)) / len(totals) if totals else Fraction(0)
        spread = max(totals.values()) - min(totals.values()) if totals else Fraction(0)
        trace = [f"{who}：{shown(t)}分" for who, t in sorted(totals.items())]
        trace.append(f"平均分 {shown(mean)}（{len(totals)}名评审人）")
        complete = len(totals) >= rubric.min_reviewers
        if not complete:
            trace.append(f"评审人数不足：需要至少{rubric.min_reviewers}名")
        flagged = spread > rubric.disagreement_threshold
        if flagged:
            trace.append(
                f"评分分歧 {shown(spread)} 分，超过阈值 {rubric.disagreement_threshold} 分，提请集体决策讨论"
            )
        rows.append((mean, order, app, totals, spread, flagged, complete, trace))
    rows.sort(key=lambda r: (-r[0], r[1]))
    standings = []
    for position, (mean, order, app, totals, spread, flagged, complete, trace) in enumerate(rows, start=1):
        if position > 1 and rows[position - 2][0] == mean:
            trace.append(f"与 {rows[position - 2][2]} 同分，按提交先后排序（第{order + 1}个提交）")
        standings.append(
            Standing(
                app,
                position,
                shown(mean),
                {k: shown(v) for k, v in sorted(totals.items())},
                shown(spread),
                flagged,
                complete,
                tuple(trace),
            )
        )
    return standings


@dataclass(frozen=True, slots=True)
class Choice:
    application: str
    selected: bool
    amount_fen: int  # the project's budget total (附件1 · 三 · 经费预算总额)
    reason: str


@dataclass(frozen=True, slots=True)
class Decision:
    selected: tuple[str, ...]
    total_fen: int
    budget_fen: int
    overrun_fen: int  # 0 when within the budget
    statement: str


def decide(
    *, choices: Sequence[Choice], budget_fen: int, members: Sequence[str], overrun_reason: str = ""
) -> Decision:
    """The meeting's decision: each application decided with a reason by at least two members, the
    selected total within the budget, or the overrun stated with its reason."""
    if len({m.strip() for m in members if m.strip()}) < 2:
        raise ScoringError("members", list(members), "集体决策至少需要两名成员")
    if budget_fen <= 0:
        raise ScoringError("budget_fen", budget_fen, "须先设定培训资金预算")
    apps = [c.application for c in choices]
    if len(set(apps)) != len(apps):
        raise ScoringError("choices", apps, "每个申报只能决定一次")
    for i, c in enumerate(choices):
        if not c.reason.strip():
            raise ScoringError(f"choices[{i}].reason", c.reason, "每项决定须写明理由")
        if c.amount_fen < 0:
            raise ScoringError(f"choices[{i}].amount_fen", c.amount_fen, "金额不得为负")
    selected = tuple(c.application for c in choices if c.selected)
    total = sum(c.amount_fen for c in choices if c.selected)
    overrun = max(0, total - budget_fen)
    if overrun and not overrun_reason.strip():
        raise ScoringError(
            "overrun_reason", overrun_reason, f"入选项目合计超出预算 {yuan(overrun)} 元，须说明超出的理由"
        )
    if overrun:
        statement = (
            f"入选{len(selected)}个项目，合计{yuan(total)}元，"
            f"超出预算{yuan(budget_fen)}元 {yuan(overrun)}元：{overrun_reason.strip()}"
        )
    else:
        statement = (
            f"入选{len(selected)}个项目，合计{yuan(total)}元，在预算{yuan(budget_fen)}元以内"
            f"（余{yuan(budget_fen - total)}元）"
        )
    return Decision(selected, total, budget_fen, overrun, statement)
