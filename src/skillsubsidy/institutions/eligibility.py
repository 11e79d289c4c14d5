"""Whether an institution may train with subsidy: the conditions of 002 · 一 and 002 · 附件4 · 8①,
each a rule check with a stable id, over facts the registry holds, on a date.

Four conditions can be decided from records: a legal person (the code's kind, else the form on the
licence), registered locally (the code's region against the region of the rule), a ground for
training (a licence from a named issuer, a business scope with a named term, or a named base), and
a clean record (no serious violation recorded within the window). Two need a person: adequate
teachers, facilities and premises, and the management systems. For those the check reads the
reviewer's latest finding, with its evidence and name; without one it is `not_checked`
(`awaiting_finding`), never a pass.

The region's parameters switch each condition on (`institution.*` in policy/parameters); a region
whose documents state no such condition gets `not_checked` with the trace saying so (rules.checks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from skillsubsidy.institutions.model import InvalidUscc, Uscc, legal_form_is_legal_person
from skillsubsidy.rules.checks import CheckResult, Standing, failed, not_in_force, passed, standing
from skillsubsidy.rules.dates import add_months
from skillsubsidy.rules.decision import Outcome, TraceStep
from skillsubsidy.rules.reasons import Reason, ReasonCode
from skillsubsidy.rules.regime import Resolved

LEGAL_PERSON = "institution.legal_person_required"
LOCAL = "institution.local_registration_required"
BASIS = "institution.training_basis"
LICENCE_ISSUERS = "institution.training_basis.licence_issuers"
SCOPE_TERMS = "institution.training_basis.scope_terms"
BASES = "institution.training_basis.bases"
CLEAN_RECORD = "institution.clean_record_months"
RESOURCES = "institution.teaching_resources_required"
SYSTEMS = "institution.management_systems"

# Parameters each check reads; the web resolves them from the regime of the institution's region.
PARAMETERS = (LEGAL_PERSON, LOCAL, LICENCE_ISSUERS, SCOPE_TERMS, BASES, CLEAN_RECORD, RESOURCES, SYSTEMS)
# The conditions only a person can judge; a finding is recorded against these rule ids.
JUDGEMENTS = (RESOURCES, SYSTEMS)


class BasisKind(StrEnum):
    LICENCE = "licence"
    SCOPE = "scope"
    BASE = "base"


@dataclass(frozen=True, slots=True)
class BasisFacts:
    kind: BasisKind
    text: str
    issuer: str = ""
    valid_from: date | None = None
    valid_to: date | None = None

    def valid_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


@dataclass(frozen=True, slots=True)
class FindingFacts:
    outcome: Outcome  # passed or failed
    evidence: str
    reviewer: str
    on: date


@dataclass(frozen=True, slots=True)
class InstitutionFacts:
    # InvalidUscc when the stored code is not a valid one: the services refuse such a code, but a
    # record written before they did, or by hand, still has to be shown and checked, not crash.
    uscc: Uscc | InvalidUscc
    legal_form: str
    bases: tuple[BasisFacts, ...]
    serious_violations: tuple[date, ...]  # dates of recorded serious violations, breaches, dishonesty
    findings: dict[str, FindingFacts]  # the latest finding per judgement rule id


def check_legal_person(facts: InstitutionFacts, *, rule: Resolved | None, on: date) -> CheckResult:
    """002 · 一 / 附件4 · 8①: 具有独立法人资格. The code's kind decides where GB 32100-2015 does; a code
    of kind 91 (企业) covers companies and partnerships alike, so the licence's form decides then."""
    if (done := not_in_force(LEGAL_PERSON, rule, on)) is not None:
        return done
    assert rule is not None
    if isinstance(facts.uscc, InvalidUscc):
        return _invalid_code(LEGAL_PERSON, rule, facts.uscc)
    entity = facts.uscc.entity
    by_code = f"代码第1–2位 {entity.code}：{entity.authority}·{entity.name}"
    if entity.legal_person is True:
        return passed(rule, f"{by_code}，为法人：通过")
    if entity.legal_person is False:
        message = f"{entity.name}不具有独立法人资格"
        return failed(rule, f"{by_code}，不是法人：不通过", ReasonCode.NOT_A_LEGAL_PERSON, message)
    form = facts.legal_form.strip()
    by_form = legal_form_is_legal_person(form) if form else None
    if by_form is True:
        return passed(rule, f"{by_code}；营业执照类型“{form}”为法人：通过")
    if by_form is False:
        message = f"营业执照类型“{form}”不具有独立法人资格"
        return failed(
            rule, f"{by_code}；类型“{form}”不是法人：不通过", ReasonCode.NOT_A_LEGAL_PERSON, message
        )
    shown = f"“{form}”无法判定" if form else "未填写营业执照类型"
    reason = Reason(ReasonCode.INPUT_MISSING, f"{by_code}，{shown}，未核验是否具有独立法人资格")
    step = TraceStep(LEGAL_PERSON, rule.source, f"未核验：{by_code}，{shown}", Outcome.NOT_CHECKED)
    return CheckResult(LEGAL_PERSON, Outcome.NOT_CHECKED, reason, (step,))


def check_local_registration(
    facts: InstitutionFacts, *, rule: Resolved | None, on: date, region_name: Callable[[str], str]
) -> CheckResult:
    """002 · 一 (在我市依法注册或登记) and 附件4 · 8① (在我省…): the registering authority's region,
    digits 3–8 of the code, lies within the region whose document sets the rule. A code issued by an
    authority above that region (a province for a city's rule) cannot show where the institution is
    registered, so a reviewer's finding decides it."""
    if (done := not_in_force(LOCAL, rule, on)) is not None:
        return done
    assert rule is not None and rule.parameter is not None
    if isinstance(facts.uscc, InvalidUscc):
        return _invalid_code(LOCAL, rule, facts.uscc)
    where = rule.parameter.region
    division = facts.uscc.division
    said = f"登记机关所在地 {division}（代码第3–8位），要求在{region_name(where)}登记"
    if facts.uscc.registered_within(where):
        return passed(rule, f"{said}：通过")
    above = where.startswith(division.rstrip("0")) if division.rstrip("0") else True
    if above:
        finding = facts.findings.get(LOCAL)
        if finding is not None:
            return _judged(LOCAL, rule, finding)
        return _awaiting(LOCAL, rule, f"{said}：登记机关级别高于本地，需审核人员核实")
    message = f"登记机关所在地为{division}，不在{region_name(where)}"
    return failed(rule, f"{said}：不通过", ReasonCode.NOT_REGISTERED_LOCALLY, message)


def check_training_basis(
    facts: InstitutionFacts,
    *,
    issuers: Resolved | None,
    terms: Resolved | None,
    bases: Resolved | None,
    on: date,
) -> CheckResult:
    """002 · 一 / 附件4 · 8①: a licence for the occupation from 教育部门 or 人社部门, or a business scope
    that includes 人才培养、培训、业务培训、教育咨询、人力资源服务, or one of the named bases. Any one
    of them, valid on the date, is enough."""
    present = [p for p in (issuers, terms, bases) if p is not None]
    params = [p for p in present if standing(p) is Standing.IN_FORCE]
    if not params:
        unchecked = not_in_force(BASIS, present[0] if present else None, on)
        assert unchecked is not None
        return unchecked
    source = params[0].source
    issuer_list = _texts(issuers)
    for b in facts.bases:
        if b.kind is BasisKind.LICENCE and b.valid_on(on) and any(i in b.issuer for i in issuer_list):
            return _basis_passed(source, f"{b.issuer}颁发的办学许可证（{b.text}）在{on}有效：通过")
    for term in _texts(terms):
        for b in facts.bases:
            if b.kind is BasisKind.SCOPE and b.valid_on(on) and term in b.text:
                return _basis_passed(source, f"业务范围含“{term}”：通过")
    for name in _texts(bases):
        for b in facts.bases:
            if b.kind is BasisKind.BASE and b.valid_on(on) and name in b.text:
                return _basis_passed(source, f"建有{name}（{b.text}）：通过")
    shown = (
        "；".join(f"{b.kind.value}：{b.text}" for b in facts.bases) or "未登记任何许可证、业务范围或培训基地"
    )
    step = TraceStep(BASIS, source, f"{shown}：不通过", Outcome.FAILED)
    message = "没有在该日有效的相关职业办学许可证，业务范围不含人才培养、培训等内容，也未建有规定的培训基地"
    return CheckResult(BASIS, Outcome.FAILED, Reason(ReasonCode.NO_TRAINING_BASIS, message), (step,))


def check_clean_record(facts: InstitutionFacts, *, rule: Resolved | None, on: date) -> CheckResult:
    """002 · 一 / 附件4 · 8①: 近3年内无重大违法、违规、失信等不良行为记录, read as the window of the
    parameter's months up to and including the date. Only the records this system holds are seen;
    the trace says so."""
    if (done := not_in_force(CLEAN_RECORD, rule, on)) is not None:
        return done
    assert rule is not None and isinstance(rule.value, int)
    since = add_months(on, -rule.value)
    hits = sorted(d for d in facts.serious_violations if since < d <= on)
    if hits:
        shown = "、".join(str(d) for d in hits)
        message = f"{since}之后有重大违法、违规或失信记录（{shown}）"
        return failed(
            rule, f"{since} 至 {on} 有记录 {shown}：不通过", ReasonCode.RECENT_SERIOUS_VIOLATION, message
        )
    return passed(rule, f"{since} 至 {on} 本系统无重大违法、违规、失信记录：通过")


def check_judgement(facts: InstitutionFacts, *, name: str, rule: Resolved | None, on: date) -> CheckResult:
    """A condition a person judges (teaching resources, management systems): the latest finding."""
    if (done := not_in_force(name, rule, on)) is not None:
        return done
    assert rule is not None
    finding = facts.findings.get(name)
    if finding is None:
        items = _texts(rule)
        what = "、".join(items) if items else (rule.parameter.label if rule.parameter else name)
        return _awaiting(name, rule, f"需审核人员核查并记录结论：{what}")
    return _judged(name, rule, finding)


def evaluate(
    facts: InstitutionFacts,
    *,
    get: Callable[[str], Resolved | None],
    on: date,
    region_name: Callable[[str], str],
) -> tuple[CheckResult, ...]:
    """Every condition, in the order the documents state them."""
    return (
        check_legal_person(facts, rule=get(LEGAL_PERSON), on=on),
        check_local_registration(facts, rule=get(LOCAL), on=on, region_name=region_name),
        check_training_basis(
            facts, issuers=get(LICENCE_ISSUERS), terms=get(SCOPE_TERMS), bases=get(BASES), on=on
        ),
        check_clean_record(facts, rule=get(CLEAN_RECORD), on=on),
        check_judgement(facts, name=RESOURCES, rule=get(RESOURCES), on=on),
        check_judgement(facts, name=SYSTEMS, rule=get(SYSTEMS), on=on),
    )


def _texts(r: Resolved | None) -> tuple[str, ...]:
    return r.value if r is not None and isinstance(r.value, tuple) else ()


def _basis_passed(source: str, value: str) -> CheckResult:
    return CheckResult(BASIS, Outcome.PASSED, None, (TraceStep(BASIS, source, value, Outcome.PASSED),))


def _invalid_code(name: str, rule: Resolved, bad: InvalidUscc) -> CheckResult:
    """Not checked: what the code would tell (its kind, its registering authority) cannot be read
    from a code that is not valid, so the condition waits for the code to be corrected."""
    said = f"统一社会信用代码“{bad.value}”无效（{bad.problem}），无法据此核验"
    reason = Reason(ReasonCode.INPUT_MISSING, f"{said}，请更正代码")
    return CheckResult(
        name,
        Outcome.NOT_CHECKED,
        reason,
        (TraceStep(name, rule.source, f"未核验：{said}", Outcome.NOT_CHECKED),),
    )


def _awaiting(name: str, rule: Resolved, value: str) -> CheckResult:
    reason = Reason(
        ReasonCode.AWAITING_FINDING, f"“{rule.parameter.label if rule.parameter else name}”{value}"
    )
    step = TraceStep(name, rule.source, f"未核验：{value}", Outcome.NOT_CHECKED)
    return CheckResult(name, Outcome.NOT_CHECKED, reason, (step,))


def _judged(name: str, rule: Resolved, finding: FindingFacts) -> CheckResult:
    said = f"{finding.reviewer} 于 {finding.on} 核查：{finding.evidence}"
    if finding.outcome is Outcome.PASSED:
        return CheckResult(
            name, Outcome.PASSED, None, (TraceStep(name, rule.source, f"{said}：通过", Outcome.PASSED),)
        )
    label = rule.parameter.label if rule.parameter else name
    reason = Reason(ReasonCode.FOUND_LACKING, f"审核人员认定不符合“{label}”：{finding.evidence}")
    return CheckResult(
        name, Outcome.FAILED, reason, (TraceStep(name, rule.source, f"{said}：不通过", Outcome.FAILED),)
    )
