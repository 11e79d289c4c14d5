"""Quality and credit: a third party's evaluation scored against criteria that are data, and next
year's listing proposed from the record, for a person to confirm.

001 · 二（二）5: 引入第三方机构评估培训质量, 评估结果作为是否列入下一年度目录的依据, and a credit
record is kept; 002 · 附件4 · 8①: 对存在严重违法违规行为、培训质量差的及时清退. The documents give no
criteria, weights or marks, so the shipped set (policy/evaluation/example.yaml) is an example a city
replaces with its own published method.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

import yaml


class ScoreError(ValueError):
    """A score sheet the criteria refuse; `field` names the criterion (or `scores`); the message in
    Chinese, `message_en` in English."""

    def __init__(self, field: str, message: str, message_en: str) -> None:
        super().__init__(message)
        self.field = field
        self.message_en = message_en


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    label: str
    maximum: int
    weight: int  # share of the total, in percent; the weights of a set add up to 100


@dataclass(frozen=True, slots=True)
class Criteria:
    title: str
    source: str
    example: bool
    pass_mark: int
    review_mark: int
    criteria: tuple[Criterion, ...]

    def total(self, scores: Mapping[str, object]) -> int:
        """The weighted total out of 100, rounded half up, after checking every score: each criterion
        scored once, a whole number from 0 to its maximum, and nothing else."""
        known = {c.id: c for c in self.criteria}
        extra = sorted(set(scores) - set(known))
        if extra:
            raise ScoreError(
                "scores",
                f"评估标准中没有这些项目：{'、'.join(extra)}",
                f"the criteria have no such items: {', '.join(extra)}",
            )
        missing = [c.label for c in self.criteria if c.id not in scores]
        if missing:
            raise ScoreError(
                "scores",
                f"缺少以下项目的得分：{'、'.join(missing)}",
                f"scores are missing for: {', '.join(missing)}",
            )
        weighted = Fraction(0)
        for c in self.criteria:
            value = scores[c.id]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= c.maximum:
                raise ScoreError(
                    c.id,
                    f"{c.label}的得分 {value!r} 应为 0 至 {c.maximum} 的整数",
                    f"the score {value!r} for {c.label} should be a whole number from 0 to {c.maximum}",
                )
            weighted += Fraction(value * c.weight, c.maximum)
        return int(weighted + Fraction(1, 2))  # half up

    def passed(self, total: int) -> bool:
        return total >= self.pass_mark


def parse_criteria(data: Mapping[str, Any]) -> Criteria:
    items = tuple(
        Criterion(str(c["id"]), str(c["label"]), int(c["maximum"]), int(c["weight"]))
        for c in data["criteria"]
    )
    if sum(c.weight for c in items) != 100:
        raise ValueError(
            f"the weights of {data['title']!r} add up to {sum(c.weight for c in items)}, not 100"
        )
    if len({c.id for c in items}) != len(items) or any(c.maximum < 1 for c in items):
        raise ValueError(f"{data['title']!r}: criteria ids must be distinct and maxima positive")
    return Criteria(
        title=str(data["title"]),
        source=str(data["source"]),
        example=bool(data.get("example", False)),
        pass_mark=int(data["pass_mark"]),
        review_mark=int(data["review_mark"]),
        criteria=items,
    )


@cache
def evaluation_criteria() -> Criteria:
    text = resources.files("skillsubsidy.policy").joinpath("evaluation/example.yaml").read_text("utf-8")
    return parse_criteria(yaml.safe_load(text))


class Proposal(StrEnum):
    KEEP = "keep"
    REVIEW = "review"
    REMOVE = "remove"

    @property
    def label_zh(self) -> str:
        return {"keep": "保留", "review": "复核", "remove": "清退"}[self.value]

    @property
    def label_en(self) -> str:
        return {"keep": "Keep", "review": "Review", "remove": "Remove"}[self.value]


@dataclass(frozen=True, slots=True)
class EvaluationFacts:
    year: int
    total: int
    passed: bool


@dataclass(frozen=True, slots=True)
class ListingProposal:
    year: int  # the catalog year the proposal is for
    proposal: Proposal
    reasons: tuple[str, ...]  # in Chinese, each naming the record it rests on (the audit keeps these)
    reasons_en: tuple[str, ...]  # the same, in English, for the English pages


def propose_listing(
    *,
    year: int,
    criteria: Criteria,
    evaluation: EvaluationFacts | None,
    serious_violations: Sequence[date],
    failed_inspections: Sequence[date],
    issue_inspections: Sequence[date],
) -> ListingProposal:
    """Next year's listing from the evaluation of `year - 1` and the year's record. A serious violation
    or a failed evaluation proposes removal (002 · 附件4 · 8① 及时清退); a failed inspection, problems
    found, a low pass or no evaluation at all propose a review; otherwise keep."""
    last = year - 1
    remove: list[tuple[str, str]] = []  # (Chinese, English)
    review: list[tuple[str, str]] = []
    for on in serious_violations:
        remove.append(
            (
                f"{on.isoformat()} 记录严重违法违规（002 · 附件4 · 8①：及时清退）",
                f"{on.isoformat()}: a serious violation is recorded (002 · 附件4 · 8①: removed promptly)",
            )
        )
    if evaluation is None:
        review.append(
            (
                f"没有 {last} 年度第三方评估结果（001 · 二（二）5）",
                f"no third-party evaluation for {last} (001 · 二（二）5)",
            )
        )
    elif not evaluation.passed:
        remove.append(
            (
                f"{last} 年度第三方评估 {evaluation.total} 分，低于合格线 {criteria.pass_mark} 分",
                f"third-party evaluation {last}: {evaluation.total} points, below the pass mark of "
                f"{criteria.pass_mark}",
            )
        )
    elif evaluation.total < criteria.review_mark:
        review.append(
            (
                f"{last} 年度第三方评估 {evaluation.total} 分，低于 {criteria.review_mark} 分",
                f"third-party evaluation {last}: {evaluation.total} points, below {criteria.review_mark}",
            )
        )
    for on in failed_inspections:
        review.append(
            (f"{on.isoformat()} 检查发现严重问题", f"{on.isoformat()}: an inspection found serious problems")
        )
    for on in issue_inspections:
        review.append(
            (
                f"{on.isoformat()} 检查发现问题需整改",
                f"{on.isoformat()}: an inspection found problems to correct",
            )
        )
    if remove:
        return _proposal(year, Proposal.REMOVE, remove + review)
    if review:
        return _proposal(year, Proposal.REVIEW, review)
    assert evaluation is not None
    return _proposal(
        year,
        Proposal.KEEP,
        [
            (
                f"{last} 年度第三方评估 {evaluation.total} 分，期间无严重违法违规和检查问题",
                f"third-party evaluation {last}: {evaluation.total} points; no serious violation or "
                "inspection problem in the period",
            )
        ],
    )


def _proposal(year: int, proposal: Proposal, reasons: list[tuple[str, str]]) -> ListingProposal:
    return ListingProposal(year, proposal, tuple(zh for zh, _ in reasons), tuple(en for _, en in reasons))
