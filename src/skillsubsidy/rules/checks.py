"""Rule checks anyone can call: each one over typed facts, the parameters it reads and a date.

A check takes the facts it looks at (small frozen dataclasses), the parameters it needs as
`Resolved` values (`Regime.get(name)`; None when no region in the chain has the parameter) and the
date it is checked on. It returns a `CheckResult`: the rule id (the parameter's name), an `Outcome`,
the reason a decision carries, and the trace steps, the last of which is the check's own and carries
the outcome. The quote engine checks on its standards date; class filing checks every trainee on the
class's start date; claims check the claim window and the certificates already held.

Which checks apply to a request (its programme, its certificate) is the caller's business. Once
called, a check always answers, never drops out silently:

- its parameter has a value on the date: `passed` or `failed` (with the blocking reason);
- its parameter exists but has no value on the date (lapsed, or not yet in force): `not_checked`
  with `rule_lapsed`, and the trace names the periods in which it had one;
- its parameter switches the rule off (`false`, or an empty list of groups): `not_checked`, no reason;
- no region in the chain ever had the parameter: `not_checked`, no reason (a region without the rule
  is not a gap in the claim); the trace says the region sets no such rule;
- an input it needs is missing: `not_checked` with `input_missing`.

No `not_checked` result is blocking. The batch engine (`rules.batch`) compiles the same parameters
per regime with `standing` and applies the same boundaries to arrays; a property test keeps the two
in agreement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from skillsubsidy.catalog.model import Entry
from skillsubsidy.occupations import Level, Marker
from skillsubsidy.rules.dates import add_months, age_on
from skillsubsidy.rules.decision import Outcome, TraceStep
from skillsubsidy.rules.reasons import Reason, ReasonCode
from skillsubsidy.rules.regime import Resolved
from skillsubsidy.rules.request import HeldCertificate, Sex, Trainee

__all__ = [
    "CheckResult",
    "ClaimWindowFacts",
    "HeldFacts",
    "HoursFacts",
    "Outcome",
    "Standing",
    "TraineeFacts",
    "check_claim_window",
    "check_excluded_groups",
    "check_held",
    "check_hours",
    "check_max_age",
    "check_min_age",
    "check_online_share",
    "check_residency",
    "failed",
    "hours_minimum_name",
    "missing_input",
    "not_in_force",
    "passed",
    "standing",
]

HELD = "certificates.no_same_or_lower_level"
MINUTES_PER_HOUR = "class_hours.minutes_per_hour"
ONLINE_MAX_PCT = "class_hours.online_max_pct"
CLAIM_WINDOW = "project.claim_window_months"
MIN_AGE = "project.trainee.min_age"
MAX_AGE = {Sex.M: "project.trainee.max_age.male", Sex.F: "project.trainee.max_age.female"}
RESIDENCY = "project.trainee.residency_required"
EXCLUDED_GROUPS = "project.trainee.excluded_groups"
# Codes of policy/groups.yaml (an API contract) that a graduation year decides (002 · 二、培训对象:
# 毕业年度高校毕业生, from 1 January to 31 December of the year of graduation).
GRADUATING = "graduating_student"
NON_GRADUATING = "non_graduating_student"

CENT = Decimal("0.01")


def hours_minimum_name(level: Level) -> str:
    return f"class_hours.minimum.level_{int(level)}"


class Standing(Enum):
    """Where a parameter stands on a date, as far as a check is concerned."""

    IN_FORCE = "in_force"  # a value that switches the rule on
    OFF = "off"  # a value that switches it off: false, or an empty list
    NO_VALUE = "no_value"  # the parameter exists but has no value on the date
    ABSENT = "absent"  # no region in the chain has the parameter


def standing(r: Resolved | None) -> Standing:
    if r is None:
        return Standing.ABSENT
    if r.value is None:
        return Standing.NO_VALUE
    if r.value is False or (isinstance(r.value, tuple) and not r.value):
        return Standing.OFF
    return Standing.IN_FORCE


@dataclass(frozen=True, slots=True)
class CheckResult:
    rule: str  # a stable rule id: the name of the parameter the check reads
    outcome: Outcome
    reason: Reason | None  # blocking when failed; rule_lapsed or input_missing when not checked
    steps: tuple[TraceStep, ...]  # the check's own step last; a conversion it made before it

    @property
    def step(self) -> TraceStep:
        return self.steps[-1]


# -- facts -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HeldFacts:
    occupation: str  # the certificate claimed, as code or name
    level: Level
    held: tuple[HeldCertificate, ...] | None  # None: not known


@dataclass(frozen=True, slots=True)
class HoursFacts:
    """Class time, in 课时 or in minutes, and the catalog entry whose `*` lifts the online limit."""

    level: Level | None  # the certificate's; the online share does not need it
    total: Decimal | None  # None: not given
    online: Decimal | None = None
    in_minutes: bool = False
    entry: Entry | None = None  # None: the occupation was not found in the catalog in force

    def __post_init__(self) -> None:
        for name, value in (("total", self.total), ("online", self.online)):
            if value is not None and (not value.is_finite() or value < 0):
                raise ValueError(f"HoursFacts.{name}: must be a number not below 0 (got {value})")
        if self.total is not None and self.online is not None and self.online > self.total:
            raise ValueError(f"HoursFacts.online: exceeds the total {self.total} (got {self.online})")


@dataclass(frozen=True, slots=True)
class ClaimWindowFacts:
    issued_on: date | None  # the certificate's issue date; None: not given
    claimed_on: date


@dataclass(frozen=True, slots=True)
class TraineeFacts:
    birth_date: date | None = None
    sex: Sex | None = None
    hukou_local: bool | None = None
    social_insurance_local: bool | None = None
    unemployment_registered: bool | None = None
    groups: tuple[str, ...] | None = None  # codes from policy/groups.yaml; None: not known
    # For a full-time student, the year of graduation: it decides graduating_student or
    # non_graduating_student on the date checked, whatever `groups` says about studying.
    graduation_year: int | None = None

    def __post_init__(self) -> None:
        year = self.graduation_year
        if year is not None and (isinstance(year, bool) or not 1900 <= year <= 9999):
            raise ValueError(f"TraineeFacts.graduation_year: must be a year such as 2025 (got {year!r})")

    @classmethod
    def of(cls, trainee: Trainee | None) -> TraineeFacts:
        if trainee is None:
            return cls()
        return cls(
            birth_date=trainee.birth_date,
            sex=trainee.sex,
            hukou_local=trainee.hukou_local,
            social_insurance_local=trainee.social_insurance_local,
            unemployment_registered=trainee.unemployment_registered,
            groups=trainee.groups,
        )

    def groups_on(self, on: date) -> tuple[str, ...] | None:
        if self.groups is None or self.graduation_year is None:
            return self.groups
        kept = tuple(g for g in self.groups if g not in (GRADUATING, NON_GRADUATING))
        if on.year == self.graduation_year:
            return (*kept, GRADUATING)
        if on.year < self.graduation_year:
            return (*kept, NON_GRADUATING)
        return kept


# -- shared pieces (other workflows' checks, e.g. institutions.eligibility, build on them too) -----


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _spans(r: Resolved) -> list[tuple[date, date | None]]:
    """The periods in which the parameter had a value: (first day, last day or None if open-ended)."""
    values = r.parameter.values if r.parameter else ()
    return [
        (v.since, values[i + 1].since - timedelta(days=1) if i + 1 < len(values) else None)
        for i, v in enumerate(values)
        if v.value is not None
    ]


def _periods(r: Resolved) -> str:
    """`2025-01-01至2025-12-31有效`, `2023-07-30起有效`."""
    spans = [f"{since}至{until}有效" if until else f"{since}起有效" for since, until in _spans(r)]
    return "、".join(spans) or "从未有有效值"


def _periods_en(r: Resolved) -> str:
    """`_periods` in English: `in force 2025-01-01 to 2025-12-31`, `in force from 2023-07-30`."""
    spans = [
        f"in force {since} to {until}" if until else f"in force from {since}" for since, until in _spans(r)
    ]
    return ", ".join(spans) or "never had a value"


def _source(r: Resolved) -> str:
    if r.source:
        return r.source
    values = r.parameter.values if r.parameter else ()
    return values[0].source if values else ""


def not_in_force(rule: str, r: Resolved | None, on: date) -> CheckResult | None:
    """The result of a check whose parameter is not in force on `on`; None when it is."""
    s = standing(r)
    if s is Standing.IN_FORCE:
        return None
    if s is Standing.ABSENT or r is None:
        step = TraceStep(
            rule,
            "",
            "未核验：所在地区及其上级地区均未规定此项规则",
            Outcome.NOT_CHECKED,
            "not checked: neither the region nor the regions above it set this rule",
        )
        return CheckResult(rule, Outcome.NOT_CHECKED, None, (step,))
    if s is Standing.OFF:
        since = r.dated.since if r.dated else on
        step = TraceStep(
            rule,
            _source(r),
            f"未核验：该参数规定自{since}起不适用此项规则",
            Outcome.NOT_CHECKED,
            f"not checked: the parameter turns this rule off from {since}",
        )
        return CheckResult(rule, Outcome.NOT_CHECKED, None, (step,))
    periods = _periods(r)
    label = r.parameter.label if r.parameter else rule
    reason = Reason(ReasonCode.RULE_LAPSED, f"“{label}”在{on}无有效值（{periods}），未核验")
    step = TraceStep(
        rule,
        _source(r),
        f"未核验：该参数在{on}无有效值（{periods}）",
        Outcome.NOT_CHECKED,
        f"not checked: the parameter has no value on {on} ({_periods_en(r)})",
    )
    return CheckResult(rule, Outcome.NOT_CHECKED, reason, (step,))


def missing_input(rule: str, r: Resolved, field: str, what: str) -> CheckResult:
    reason = Reason(ReasonCode.INPUT_MISSING, f"未提供 {field}，未核验{what}")
    step = TraceStep(
        rule, r.source, f"未核验：缺少 {field}", Outcome.NOT_CHECKED, f"not checked: {field} not given"
    )
    return CheckResult(rule, Outcome.NOT_CHECKED, reason, (step,))


def passed(
    r: Resolved,
    value: str,
    *,
    en: str = "",
    source: str | None = None,
    before: tuple[TraceStep, ...] = (),
) -> CheckResult:
    step = TraceStep(r.name, r.source if source is None else source, value, Outcome.PASSED, en)
    return CheckResult(r.name, Outcome.PASSED, None, (*before, step))


def failed(
    r: Resolved,
    value: str,
    code: ReasonCode,
    message: str,
    *,
    en: str = "",
    before: tuple[TraceStep, ...] = (),
) -> CheckResult:
    step = TraceStep(r.name, r.source, value, Outcome.FAILED, en)
    return CheckResult(r.name, Outcome.FAILED, Reason(code, message), (*before, step))


# -- the checks --------------------------------------------------------------------------------


def check_held(
    facts: HeldFacts, *, rule: Resolved | None, on: date, identity: Callable[[str], str]
) -> CheckResult:
    """000 · 附件1 · 备注3: no subsidy for a certificate at the same or a lower level than one already
    held in the same occupation, work types and directions not distinguished. `identity` maps a code
    or name to a key under which mentions of one occupation compare equal (`OccupationNames.identity`).
    Boundary: a held level equal to the level claimed fails."""
    if (done := not_in_force(HELD, rule, on)) is not None:
        return done
    assert rule is not None
    if facts.held is None:
        return missing_input(HELD, rule, "held_certificates", "是否已持有同一职业同等级或更高等级证书")
    mine = identity(facts.occupation)
    same = [h for h in facts.held if identity(h.occupation) == mine]
    for h in same:
        if h.level <= facts.level:
            return failed(
                rule,
                f"已持 {h.occupation} {h.level.label_zh} ≥ 申领的{facts.level.label_zh}：不通过",
                ReasonCode.HIGHER_OR_SAME_LEVEL_HELD,
                f"已持有“{h.occupation}”{h.level.label_zh}证书，不得再申领同一职业同等级或低等级证书补贴",
                en=f"holds {h.occupation} {h.level.label_en}, not below the {facts.level.label_en} "
                "claimed: failed",
            )
    if same:
        lowest = ", ".join(sorted({h.level.label_zh for h in same}))
        lowest_en = ", ".join(sorted({h.level.label_en for h in same}))
        return passed(
            rule,
            f"已持同一职业 {lowest}，低于申领的{facts.level.label_zh}：通过",
            en=f"holds the same occupation at {lowest_en}, below the {facts.level.label_en} claimed: passed",
        )
    return passed(
        rule, "已持证书中没有同一职业的证书：通过", en="no certificate held in the same occupation: passed"
    )


def check_hours(
    facts: HoursFacts, *, minimum: Resolved | None, minutes_per_hour: Resolved | None, on: date
) -> CheckResult:
    """000 · 附件1 · 备注2: at least the level's minimum of 课时; minutes convert at the region's 课时
    length (45 minutes). Boundary: exactly the minimum passes (minutes: minimum × length passes)."""
    if facts.level is None:
        raise ValueError("HoursFacts.level: the minimum class hours depend on the level (got None)")
    name = hours_minimum_name(facts.level)
    if (done := not_in_force(name, minimum, on)) is not None:
        return done
    assert minimum is not None and isinstance(minimum.value, Decimal)
    least = minimum.value
    what = f"最低课时要求（{_num(least)}课时）"
    if facts.total is None:
        return missing_input(name, minimum, "training.hours", what)
    total: Decimal = facts.total
    before: tuple[TraceStep, ...] = ()
    level = facts.level
    if facts.in_minutes:
        if standing(minutes_per_hour) is not Standing.IN_FORCE:
            return missing_input(name, minimum, "training.hours", what + "（无法将分钟折算为课时）")
        assert minutes_per_hour is not None and isinstance(minutes_per_hour.value, int)
        per = minutes_per_hour.value
        ok = total >= least * per
        before = (
            TraceStep(
                minutes_per_hour.name,
                minutes_per_hour.source,
                f"{_num(total)} 分钟 ÷ {per} = {_num(total / per)} 课时",
                value_en=f"{_num(total)} minutes ÷ {per} = {_num(total / per)} class hours",
            ),
        )
        shown = f"{_num(total / per)} 课时（{_num(total)}分钟折算）"
        shown_en = f"{_num(total / per)} class hours (from {_num(total)} minutes)"
    else:
        ok = total >= least
        shown = f"{_num(total)} 课时"
        shown_en = f"{_num(total)} class hours"
    if ok:
        return passed(
            minimum,
            f"{shown} ≥ {_num(least)} 课时：通过",
            en=f"{shown_en} ≥ {_num(least)} class hours: passed",
            before=before,
        )
    return failed(
        minimum,
        f"{shown} < {_num(least)} 课时：不通过",
        ReasonCode.INSUFFICIENT_HOURS,
        f"{level.label_zh}培训不低于{_num(least)}课时，实际{shown}",
        en=f"{shown_en} < {_num(least)} class hours: failed",
        before=before,
    )


def check_online_share(facts: HoursFacts, *, max_pct: Resolved | None, on: date) -> CheckResult:
    """000 · 附件4/5 · 备注: an occupation without `*` takes at most the given share of its class hours
    online. Boundary: exactly the share passes; an entry marked `*` passes whatever the hours."""
    if (done := not_in_force(ONLINE_MAX_PCT, max_pct, on)) is not None:
        return done
    assert max_pct is not None and isinstance(max_pct.value, Decimal)
    pct, entry = max_pct.value, facts.entry
    if entry is None:
        # The limit is a property of catalog occupations: without the entry there is no `*` to read.
        step = TraceStep(
            ONLINE_MAX_PCT,
            max_pct.source,
            "未核验：该职业（工种）不在目录中，无从判断是否带“*”标识",
            Outcome.NOT_CHECKED,
            "not checked: the occupation is not in the catalog, so whether it is marked “*” is unknown",
        )
        return CheckResult(ONLINE_MAX_PCT, Outcome.NOT_CHECKED, None, (step,))
    if Marker.ONLINE_OVER_40 in entry.markers:
        return passed(
            max_pct,
            f"{entry.name}带“*”标识，线上课时可高于{pct}%：通过",
            en=f"{entry.name} is marked “*”: online hours may exceed {pct}%: passed",
            source=entry.provenance.cite(),
        )
    what = f"线上课时占比（不高于{pct}%）"
    if facts.total is None:
        return missing_input(ONLINE_MAX_PCT, max_pct, "training.hours", what)
    if facts.online is None:
        return missing_input(ONLINE_MAX_PCT, max_pct, "training.online_hours", what)
    total, online = facts.total, facts.online
    share = (online * 100 / total).quantize(CENT, rounding=ROUND_HALF_UP) if total else Decimal(0)
    shown = f"线上 {_num(online)}/{_num(total)} = {share}%"
    shown_en = f"online {_num(online)}/{_num(total)} = {share}%"
    if online * 100 <= pct * total:
        return passed(max_pct, f"{shown} ≤ {pct}%：通过", en=f"{shown_en} ≤ {pct}%: passed")
    return failed(
        max_pct,
        f"{shown} > {pct}%：不通过",
        ReasonCode.ONLINE_HOURS_EXCEEDED,
        f"{entry.name}未带“*”标识，线上培训课时不得高于总课时的{pct}%，实际{share}%",
        en=f"{shown_en} > {pct}%: failed",
    )


def check_claim_window(facts: ClaimWindowFacts, *, months: Resolved | None, on: date) -> CheckResult:
    """002 · 附件4 · 7: claim within the months from the certificate's issue date. Boundary: the last
    day (the same day that many months later, or that month's last day) still passes."""
    if (done := not_in_force(CLAIM_WINDOW, months, on)) is not None:
        return done
    assert months is not None and isinstance(months.value, int)
    if facts.issued_on is None:
        return missing_input(
            CLAIM_WINDOW, months, "certificate.issued_on", f"申领期限（证书核发之日起{months.value}个月内）"
        )
    last = add_months(facts.issued_on, months.value)
    if facts.claimed_on <= last:
        return passed(
            months,
            f"{facts.issued_on} 核发，{last} 截止可申领，申领日 {facts.claimed_on}：通过",
            en=f"issued {facts.issued_on}, claimable until {last}, claimed {facts.claimed_on}: passed",
        )
    return failed(
        months,
        f"申领日 {facts.claimed_on} 晚于 {last}：不通过",
        ReasonCode.CLAIM_WINDOW_EXPIRED,
        f"证书{facts.issued_on}核发，应在{months.value}个月内（截至{last}）申领，申领日为{facts.claimed_on}",
        en=f"claimed {facts.claimed_on}, after {last}: failed",
    )


def check_min_age(facts: TraineeFacts, *, min_age: Resolved | None, on: date) -> CheckResult:
    """002 · 二、培训对象: at least 16 (年满) on the date checked. Boundary: the 16th birthday passes."""
    if (done := not_in_force(MIN_AGE, min_age, on)) is not None:
        return done
    assert min_age is not None and isinstance(min_age.value, int)
    if facts.birth_date is None:
        return missing_input(MIN_AGE, min_age, "trainee.birth_date", f"最低年龄（年满{min_age.value}周岁）")
    age = age_on(facts.birth_date, on)
    if age < min_age.value:
        return failed(
            min_age,
            f"{age} 周岁 < {min_age.value}：不通过",
            ReasonCode.AGE_OUT_OF_RANGE,
            f"{on}年满{age}周岁，未满{min_age.value}周岁",
            en=f"aged {age} < {min_age.value}: failed",
        )
    return passed(
        min_age,
        f"{on} 年满 {age} 周岁 ≥ {min_age.value}：通过",
        en=f"aged {age} on {on} ≥ {min_age.value}: passed",
    )


def check_max_age(
    facts: TraineeFacts, *, male: Resolved | None, female: Resolved | None, on: date
) -> CheckResult:
    """002 · 二、培训对象: men at most 60, women at most 55 (不超过, completed years) on the date checked.
    Boundary: the 61st (56th) birthday fails; the day before it passes. Without the sex, the rule
    is the male one when that is in force, as either may apply."""
    by_sex = {Sex.M: male, Sex.F: female}
    if facts.sex is None:
        ruling = [r for r in (male, female) if r is not None and standing(r) is Standing.IN_FORCE]
        if not ruling:
            r = male if male is not None else female
            done = not_in_force(r.name if r else MAX_AGE[Sex.M], r, on)
            assert done is not None
            return done
        limits = "、".join(f"{'男性' if r is male else '女性'}不超过{r.value}周岁" for r in ruling)
        field_ = "trainee.birth_date" if facts.birth_date is None else "trainee.sex"
        return missing_input(ruling[0].name, ruling[0], field_, f"按性别规定的最高年龄（{limits}）")
    high = by_sex[facts.sex]
    if (done := not_in_force(MAX_AGE[facts.sex], high, on)) is not None:
        return done
    assert high is not None and isinstance(high.value, int)
    sex = "男性" if facts.sex is Sex.M else "女性"
    sex_en = "man" if facts.sex is Sex.M else "woman"
    if facts.birth_date is None:
        return missing_input(
            high.name, high, "trainee.birth_date", f"最高年龄（{sex}不超过{high.value}周岁）"
        )
    age = age_on(facts.birth_date, on)
    if age > high.value:
        return failed(
            high,
            f"{sex} {age} 周岁 > {high.value}：不通过",
            ReasonCode.AGE_OUT_OF_RANGE,
            f"{sex}年龄不超过{high.value}周岁，{on}已满{age}周岁",
            en=f"{sex_en} aged {age} > {high.value}: failed",
        )
    return passed(
        high, f"{sex} {age} 周岁 ≤ {high.value}：通过", en=f"{sex_en} aged {age} ≤ {high.value}: passed"
    )


def check_residency(facts: TraineeFacts, *, rule: Resolved | None, region_name: str, on: date) -> CheckResult:
    """002 · 二、培训对象: local hukou, or local social insurance, or local unemployment registration.
    One `true` passes; all three `false` fails; otherwise the rule is not checked."""
    if (done := not_in_force(RESIDENCY, rule, on)) is not None:
        return done
    assert rule is not None
    known = (facts.hukou_local, facts.social_insurance_local, facts.unemployment_registered)
    if any(f is True for f in known):
        return passed(
            rule,
            "具有本地户籍、本地社保或本地失业登记之一：通过",
            en="local hukou, local social insurance or local unemployment registration: passed",
        )
    if all(f is False for f in known):
        return failed(
            rule,
            "户籍、社保、失业登记均不在本地：不通过",
            ReasonCode.RESIDENCY_REQUIRED,
            f"须具有{region_name}户籍，或在当地参加社会保险，或在当地进行失业登记",
            en="neither hukou, social insurance nor unemployment registration is local: failed",
        )
    return missing_input(
        RESIDENCY,
        rule,
        "trainee.hukou_local / social_insurance_local / unemployment_registered",
        "户籍、社保或失业登记要求",
    )


def check_excluded_groups(
    facts: TraineeFacts, *, rule: Resolved | None, labels: Mapping[str, str], on: date
) -> CheckResult:
    """002 · 二、培训对象: not on an establishment post, not a full-time student outside the graduation
    year, not drawing a pension. A graduation year counts from 1 January to 31 December."""
    if (done := not_in_force(EXCLUDED_GROUPS, rule, on)) is not None:
        return done
    assert rule is not None and isinstance(rule.value, tuple)
    groups = facts.groups_on(on)
    if groups is None:
        return missing_input(EXCLUDED_GROUPS, rule, "trainee.groups", "是否属于不予补贴的人员")
    year = facts.graduation_year
    graduation = graduation_en = ""
    if year is not None:
        when = "属毕业年度" if on.year == year else ("属非毕业年度" if on.year < year else "已毕业")
        graduation = f"{year}年毕业，{on}{when}；"
        when_en = (
            "in the graduation year"
            if on.year == year
            else ("before the graduation year" if on.year < year else "graduated")
        )
        graduation_en = f"graduating in {year}, on {on} {when_en}; "
    hit = [g for g in rule.value if g in groups]
    if hit:
        return failed(
            rule,
            f"{graduation}属于 {', '.join(hit)}：不通过",
            ReasonCode.EXCLUDED_GROUP,
            f"培训对象不含{'、'.join(labels[g] for g in hit)}",
            en=f"{graduation_en}belongs to {', '.join(hit)}: failed",
        )
    return passed(
        rule,
        f"{graduation}不属于不予补贴的人员：通过",
        en=f"{graduation_en}not in a group left out of the subsidy: passed",
    )
