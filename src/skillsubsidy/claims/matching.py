"""Matching a claim against what the system already knows, before anyone reviews it (DataLock-style).

England's DataLock (das-payments-V2, SFA.DAS.Payments.DataLocks.Domain) compares the provider's data
with the approved commitment before paying; each mismatch has a stable code and blocks that payment,
not the file. A claim here is matched the same way (issue 12 · 1):

- the certificate against the class results (the result exists once, passed, and names the same
  person, occupation, level and issue date);
- the trainee against the class roster;
- attendance against the class hours (the class's planned hours, or the level's minimum where the
  plan is not known: 000 · 附件1 · 备注2);
- the institution against the registry on every day of the class (002 · 一; 附件4 · 8①);
- the project against tracking (002 · 四 · districts track projects and remove those that ignore
  warnings);
- for a class of a special group (prisoners, people in compulsory drug rehabilitation), whose
  training cannot provide video records, the supervising unit's certificate in place of the missing
  attendance records (002 · 附件4 · 8③).

Each mismatch is a `Mismatch` with a `match.*` code (docs/reason-codes.md · Matching), the field it is
about and a plain Chinese message. Every mismatch blocks payment of its claim only; a claim without a
class (a worker's evaluation certificate) is matched on the certificate alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from skillsubsidy.occupations import Level


class MatchCode(StrEnum):
    CERTIFICATE_NOT_IN_RESULTS = "match.certificate_not_in_results"
    SEVERAL_RESULTS = "match.several_results"
    RESULT_NOT_PASSED = "match.result_not_passed"
    CERTIFICATE_DIFFERS = "match.certificate_differs"
    TRAINEE_NOT_ON_ROSTER = "match.trainee_not_on_roster"
    ATTENDANCE_SHORT = "match.attendance_short"
    ATTENDANCE_MISSING = "match.attendance_missing"
    SUPERVISION_CERTIFICATE_MISSING = "match.supervision_certificate_missing"
    INSTITUTION_NOT_REGISTERED = "match.institution_not_registered"
    PROJECT_NOT_IN_TRACKING = "match.project_not_in_tracking"

    @property
    def title_zh(self) -> str:
        return _TITLES[self]


_TITLES = {
    MatchCode.CERTIFICATE_NOT_IN_RESULTS: "证书与考核结果不符：无此证书",
    MatchCode.SEVERAL_RESULTS: "同一证书有多条考核结果",
    MatchCode.RESULT_NOT_PASSED: "考核结果为不合格",
    MatchCode.CERTIFICATE_DIFFERS: "证书信息与考核结果不一致",
    MatchCode.TRAINEE_NOT_ON_ROSTER: "学员不在开班花名册内",
    MatchCode.ATTENDANCE_SHORT: "出勤课时不足",
    MatchCode.ATTENDANCE_MISSING: "没有出勤记录",
    MatchCode.INSTITUTION_NOT_REGISTERED: "培训期间机构不在目录内",
    MatchCode.PROJECT_NOT_IN_TRACKING: "项目不在跟踪管理中",
    MatchCode.SUPERVISION_CERTIFICATE_MISSING: "特殊群体培训缺少主管单位证明",
}


@dataclass(frozen=True, slots=True)
class Mismatch:
    code: MatchCode
    field: str  # the claim's field: certificate, trainee, attendance, institution, project, evidence
    message: str
    # The same finding in English, for pages in English (the API's `message` stays Chinese, as
    # documented in docs/reason-codes.md).
    message_en: str = ""

    def to_json(self) -> dict[str, str]:
        return {"code": self.code.value, "field": self.field, "message": self.message,
                "message_en": self.message_en}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ClaimedCertificate:
    number: str
    person: str  # the holder's ID-number digest (never the number itself)
    occupation: str  # 大典 code or item code
    level: Level | None
    issued_on: date


@dataclass(frozen=True, slots=True)
class Result:
    """One assessment result as the class (or the evaluation institution) recorded it."""

    certificate_number: str
    person: str
    occupation: str
    level: Level | None
    issued_on: date | None
    passed: bool


@dataclass(frozen=True, slots=True)
class ClassFacts:
    starts_on: date
    ends_on: date
    planned_hours: Decimal | None  # None: the plan does not say; the level minimum applies
    roster: frozenset[str]  # person digests
    attended_hours: Mapping[str, Decimal]  # person digest → hours attended (课时)
    project_in_tracking: bool | None = None  # None: not a project class
    # person digest → the bureau's completion decision (结业认定), set by hand with a reason after it
    # checked the records (e.g. a leave note or a sign-in the device missed); it decides over the hours.
    completion_set: Mapping[str, bool] = field(default_factory=dict)
    # A class of a special group (002 · 附件4 · 8③), and whether its supervising unit's certificate is
    # recorded: the certificate stands in for the attendance records such a class cannot provide.
    special_group: bool = False
    supervision_certified: bool = False


@dataclass(frozen=True, slots=True)
class Registry:
    """The periods in which the institution was approved to train (its register entries)."""

    approved: tuple[tuple[date, date | None], ...]

    def covers(self, start: date, end: date) -> bool:
        return any(a <= start and (b is None or end <= b) for a, b in self.approved)


@dataclass(frozen=True, slots=True)
class Known:
    """What the system knows that bears on one claim."""

    results: Sequence[Result]  # every result recorded for the certificate number
    klass: ClassFacts | None = None
    registry: Registry | None = None
    minimum_hours: Decimal | None = None  # the level's minimum (000 · 附件1 · 备注2), where known
    extra: tuple[Mismatch, ...] = field(default=())


def _hours(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _level(level: Level | None) -> str:
    return "无等级" if level is None else f"{int(level)}级"


def _level_en(level: Level | None) -> str:
    return "no level" if level is None else f"level {int(level)}"


def _certificate(claim: ClaimedCertificate, results: Sequence[Result]) -> Iterable[Mismatch]:
    if not results:
        yield Mismatch(
            MatchCode.CERTIFICATE_NOT_IN_RESULTS,
            "certificate",
            f"证书编号{claim.number}不在任何考核结果中",
            f"No assessment result holds the certificate number {claim.number}",
        )
        return
    if len(results) > 1:
        yield Mismatch(
            MatchCode.SEVERAL_RESULTS,
            "certificate",
            f"证书编号{claim.number}有{len(results)}条考核结果",
            f"{len(results)} assessment results hold the certificate number {claim.number}",
        )
        return
    result = results[0]
    if not result.passed:
        yield Mismatch(
            MatchCode.RESULT_NOT_PASSED,
            "certificate",
            f"证书编号{claim.number}的考核结果为不合格",
            f"The assessment result of certificate {claim.number} is a fail",
        )
    differs: list[tuple[str, str]] = []
    if result.person != claim.person:
        differs.append(("持证人", "holder"))
    if result.occupation != claim.occupation:
        differs.append(
            (
                f"职业（结果为{result.occupation}，申领为{claim.occupation}）",
                f"occupation (result {result.occupation}, claim {claim.occupation})",
            )
        )
    if result.level != claim.level:
        differs.append(
            (
                f"等级（结果为{_level(result.level)}，申领为{_level(claim.level)}）",
                f"level (result {_level_en(result.level)}, claim {_level_en(claim.level)})",
            )
        )
    if result.issued_on is not None and result.issued_on != claim.issued_on:
        differs.append(
            (
                f"发证日期（结果为{result.issued_on}，申领为{claim.issued_on}）",
                f"issue date (result {result.issued_on}, claim {claim.issued_on})",
            )
        )
    if differs:
        yield Mismatch(
            MatchCode.CERTIFICATE_DIFFERS,
            "certificate",
            "证书与考核结果不一致：" + "、".join(zh for zh, _en in differs),
            "The certificate differs from the assessment result: " + ", ".join(en for _zh, en in differs),
        )


def _class(claim: ClaimedCertificate, klass: ClassFacts, minimum: Decimal | None) -> Iterable[Mismatch]:
    if claim.person not in klass.roster:
        yield Mismatch(
            MatchCode.TRAINEE_NOT_ON_ROSTER,
            "trainee",
            "持证人不在该班开班备案的花名册内",
            "The holder is not on the roster the class was filed with",
        )
    need = klass.planned_hours if klass.planned_hours is not None else minimum
    attended = klass.attended_hours.get(claim.person)
    decided = klass.completion_set.get(claim.person)
    if decided is False:
        yield Mismatch(
            MatchCode.ATTENDANCE_SHORT,
            "attendance",
            "区县已认定该学员未达到结业要求",
            "The district decided the trainee did not complete the class",
        )
    elif decided is True:
        pass  # the bureau confirmed completion after checking the records: the hours are not matched
    elif attended is None or (need is not None and attended < need):
        yield from _records_missing(klass, attended, need)
    if klass.project_in_tracking is False:
        yield Mismatch(
            MatchCode.PROJECT_NOT_IN_TRACKING,
            "project",
            "该班所属项目已不在跟踪管理中",
            "The class's project is no longer in tracking",
        )


def _records_missing(klass: ClassFacts, attended: Decimal | None, need: Decimal | None) -> Iterable[Mismatch]:
    """Attendance missing or short of the hours: a mismatch, except in a class of a special group,
    where the supervising unit's certificate stands in for the records (and its absence is the
    mismatch)."""
    if klass.special_group:
        if not klass.supervision_certified:
            yield Mismatch(
                MatchCode.SUPERVISION_CERTIFICATE_MISSING,
                "evidence",
                "特殊群体培训的出勤或视频记录不全，且未登记主管单位出具的证明",
                "The class is of a special group: its attendance or video records are incomplete and "
                "no certificate of the supervising unit is recorded",
            )
        return
    if attended is None:
        yield Mismatch(
            MatchCode.ATTENDANCE_MISSING,
            "attendance",
            "该学员没有出勤记录",
            "No attendance is recorded for the trainee",
        )
    elif need is not None:
        yield Mismatch(
            MatchCode.ATTENDANCE_SHORT,
            "attendance",
            f"出勤{_hours(attended)}课时，少于应出勤的{_hours(need)}课时",
            f"{_hours(attended)} class hours attended, short of the {_hours(need)} required",
        )


def match(claim: ClaimedCertificate, known: Known) -> tuple[Mismatch, ...]:
    """Every mismatch of one claim, in a stable order (certificate, trainee, attendance, institution,
    project); an empty tuple means the claim may be paid as far as matching goes."""
    found = list(_certificate(claim, known.results))
    if known.klass is not None:
        found.extend(_class(claim, known.klass, known.minimum_hours))
        if known.registry is not None and not known.registry.covers(
            known.klass.starts_on, known.klass.ends_on
        ):
            found.append(
                Mismatch(
                    MatchCode.INSTITUTION_NOT_REGISTERED,
                    "institution",
                    f"机构在培训期间（{known.klass.starts_on}至{known.klass.ends_on}）不在机构目录内",
                    f"The institution was not listed in the registry throughout the class "
                    f"({known.klass.starts_on} to {known.klass.ends_on})",
                )
            )
    found.extend(known.extra)
    order = list(MatchCode)
    return tuple(sorted(found, key=lambda m: order.index(m.code)))
