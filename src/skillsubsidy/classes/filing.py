"""The rules a class filing (开班备案) must pass, as rule checks with ids and citations.

002 · 附件4 · 8②: the institution files the class at least N working days before it starts (N is the
dated parameter `class.filing.working_days_before`, 5 in Guangdong), counted on the working-day
calendar. The class hours and the online share are the rule checks of `rules.checks`, read from the
same regime. Who may file are facts the web supplies from the institution registry and the project
calls: the institution approved for the occupation and level and in a state that may start classes,
and, for project-based training, the project in tracking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from skillsubsidy.calendar import CalendarYearMissing, WorkCalendar
from skillsubsidy.occupations import Level
from skillsubsidy.rules import checks
from skillsubsidy.rules.checks import CheckResult, HoursFacts, failed, not_in_force, passed
from skillsubsidy.rules.decision import Outcome, TraceStep
from skillsubsidy.rules.reasons import Reason, ReasonCode
from skillsubsidy.rules.regime import Regime, Resolved

DEADLINE = "class.filing.working_days_before"
INSTITUTION_APPROVED = "class.institution.approved"
INSTITUTION_MAY_START = "class.institution.may_start"
PROJECT_IN_TRACKING = "class.project.in_tracking"

_WHO_MAY_FILE = "002_192cf03f49fda43c.txt · 附件4 · 8. ①确定承训机构"
_PROJECT_SOURCE = "002_192cf03f49fda43c.txt · 附件4 · （三）项目制培训补贴 · 1–2"


@dataclass(frozen=True, slots=True)
class InstitutionStanding:
    """What the institution registry says about the institution filing, on the filing date."""

    approved_for: bool  # approved for this class's occupation and level
    may_start: bool  # listed and neither suspended nor removed
    state_label: str  # the registry state as shown, e.g. 暂停开班


@dataclass(frozen=True, slots=True)
class ClassFacts:
    occupation: str
    level: Level | None
    start: date
    filed_on: date
    hours: HoursFacts
    institution: InstitutionStanding
    project_state: str | None = None  # project-based training: the project's state label
    project_in_tracking: bool | None = None  # None: not project-based


def _fixed(rule: str, source: str, value: str, outcome: Outcome, reason: Reason | None = None) -> CheckResult:
    return CheckResult(rule, outcome, reason, (TraceStep(rule, source, value, outcome),))


def check_deadline(
    start: date, filed_on: date, *, rule: Resolved | None, calendar: WorkCalendar
) -> CheckResult:
    """002 · 附件4 · 8②: filed at least N working days before the start. Boundary: filing on the
    N-th working day counted back from the day before the start passes; the next day fails. A year
    the count reaches without calendar data refuses the filing, as the deadline cannot be known."""
    if (done := not_in_force(DEADLINE, rule, start)) is not None:
        return done
    assert rule is not None and isinstance(rule.value, int)
    n = rule.value
    try:
        deadline = calendar.deadline(start, working_days=n).deadline
    except CalendarYearMissing as exc:
        return failed(
            rule,
            f"无法计算：没有{exc.year}年的节假日安排数据",
            ReasonCode.CALENDAR_YEAR_MISSING,
            f"没有{exc.year}年的节假日安排数据，无法计算开班日{start}的备案期限，暂不能备案；"
            f"请先录入国务院办公厅关于{exc.year}年部分节假日安排的通知",
        )
    if filed_on <= deadline:
        return passed(rule, f"开班日 {start}，最迟 {deadline} 备案，备案日 {filed_on}：通过")
    return failed(
        rule,
        f"开班日 {start}，最迟 {deadline} 备案，备案日 {filed_on}：不通过",
        ReasonCode.FILING_TOO_LATE,
        f"应在开班前{n}个工作日（{deadline}前，含当日）备案，备案日为{filed_on}",
    )


def check_institution(facts: ClassFacts) -> list[CheckResult]:
    """002 · 附件4 · 8①: only a selected institution trains, for what it was selected for; one that is
    suspended or removed starts no class."""
    level = f"{facts.level.label_zh}" if facts.level else ""
    what = f"“{facts.occupation}”{level}"
    approved = (
        _fixed(INSTITUTION_APPROVED, _WHO_MAY_FILE, f"已获准承担{what}培训：通过", Outcome.PASSED)
        if facts.institution.approved_for
        else _fixed(
            INSTITUTION_APPROVED,
            _WHO_MAY_FILE,
            f"未获准承担{what}培训：不通过",
            Outcome.FAILED,
            Reason(ReasonCode.INSTITUTION_NOT_APPROVED, f"承训机构未获准承担{what}培训"),
        )
    )
    state = facts.institution.state_label
    may_start = (
        _fixed(INSTITUTION_MAY_START, _WHO_MAY_FILE, f"机构状态“{state}”可开班：通过", Outcome.PASSED)
        if facts.institution.may_start
        else _fixed(
            INSTITUTION_MAY_START,
            _WHO_MAY_FILE,
            f"机构状态“{state}”不可开班：不通过",
            Outcome.FAILED,
            Reason(ReasonCode.INSTITUTION_CANNOT_START, f"承训机构当前状态为“{state}”，不得开班"),
        )
    )
    return [approved, may_start]


def check_project(facts: ClassFacts) -> CheckResult | None:
    """Project-based training runs only for a project in tracking (the project-call workflow)."""
    if facts.project_in_tracking is None:
        return None
    state = facts.project_state or "未知"
    if facts.project_in_tracking:
        return _fixed(PROJECT_IN_TRACKING, _PROJECT_SOURCE, f"项目状态“{state}”：通过", Outcome.PASSED)
    return _fixed(
        PROJECT_IN_TRACKING,
        _PROJECT_SOURCE,
        f"项目状态“{state}”：不通过",
        Outcome.FAILED,
        Reason(
            ReasonCode.PROJECT_NOT_IN_TRACKING, f"培训项目当前状态为“{state}”，未处于跟踪实施阶段，不得开班"
        ),
    )


def check_filing(facts: ClassFacts, *, regime: Regime, calendar: WorkCalendar) -> list[CheckResult]:
    """Every filing rule for one class, in a fixed order; the roster is checked row by row apart
    (classes.roster). `regime` is the class region's on the start date."""
    get = regime.get
    results = [check_deadline(facts.start, facts.filed_on, rule=get(DEADLINE), calendar=calendar)]
    if facts.hours.level is not None:
        results.append(
            checks.check_hours(
                facts.hours,
                minimum=get(checks.hours_minimum_name(facts.hours.level)),
                minutes_per_hour=get(checks.MINUTES_PER_HOUR),
                on=facts.start,
            )
        )
    results.append(checks.check_online_share(facts.hours, max_pct=get(checks.ONLINE_MAX_PCT), on=facts.start))
    results.extend(check_institution(facts))
    if (project := check_project(facts)) is not None:
        results.append(project)
    return results


def blocking(results: list[CheckResult]) -> list[Reason]:
    return [r.reason for r in results if r.outcome is Outcome.FAILED and r.reason is not None]
