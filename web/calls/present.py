"""What the call pages show: state, deadline, type and tracking labels in the page's language (no
internal code on a Chinese page), the ranking with its trace, and the downloads' names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import get_language

from calls.models import Application, ProjectCall, Review
from skillsubsidy.calls.call import Call, Deadline, ProjectType, yuan
from skillsubsidy.calls.lifecycle import APPLICATION, CALL, Notice, NoticeState
from skillsubsidy.calls.scoring import Mark, Standing, rank
from skillsubsidy.calls.scoring import Review as ScoreReview
from skillsubsidy.regions import all_regions

TRACKING_EN = {
    "evaluation": "Staged evaluation",
    "warning": "Warning",
    "correction": "Correction",
    "removal": "Removed from the list",
    "completion": "Completed",
}
NOTICE_STATES = {
    NoticeState.PENDING: ("未开始", "Not started"),
    NoticeState.RUNNING: ("公示中", "Running"),
    NoticeState.ENDED: ("已结束", "Ended"),
}


def _zh() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def call_state(status: str) -> str:
    s = CALL.states[status]
    return s.label_zh if _zh() else s.label_en


def application_state(status: str) -> str:
    s = APPLICATION.states[status]
    return s.label_zh if _zh() else s.label_en


def deadline_label(d: Deadline) -> str:
    return d.label_zh if _zh() else d.label_en


def type_label(t: ProjectType) -> str:
    return t.label_zh if _zh() else t.label_en


def tracking_label(kind: str) -> str:
    return dict(TRACKING_ZH)[kind] if _zh() else TRACKING_EN[kind]


TRACKING_ZH = (
    ("evaluation", "阶段性评估"),
    ("warning", "提醒警告"),
    ("correction", "调整纠正"),
    ("removal", "退出揭榜单位名单"),
    ("completion", "完成实施"),
)


def region_name(code: str) -> str:
    region = all_regions().get(code)
    return region.name if region else code


def money(fen: int | None) -> str:
    return "—" if fen is None else yuan(fen)


def notice_of(record: ProjectCall) -> Notice | None:
    if record.notice_starts_on is None or record.notice_ends_on is None:
        return None
    return Notice(record.notice_starts_on, record.notice_ends_on)


def notice_state(notice: Notice, today: date) -> str:
    pair = NOTICE_STATES[notice.state_on(today)]
    return pair[0] if _zh() else pair[1]


@dataclass(frozen=True, slots=True)
class Ranked:
    application: Application
    standing: Standing


def ranking(call: Call, applications: list[Application], reviews: list[Review]) -> list[Ranked]:
    """The city's ranking with its trace (scoring.rank), in order of submission for ties."""
    by_pk = {str(a.pk): a for a in applications}
    scored = [
        ScoreReview(
            r.reviewer.get_username(),
            str(r.application_id),
            tuple(Mark(m["criterion"], int(m["points"]), m["justification"]) for m in r.marks),
        )
        for r in reviews
        if str(r.application_id) in by_pk
    ]
    order = [
        str(a.pk) for a in sorted(applications, key=lambda a: (a.submitted_at is None, a.submitted_at, a.pk))
    ]
    return [
        Ranked(by_pk[s.application], s) for s in rank(rubric=call.rubric, reviews=scored, applications=order)
    ]
