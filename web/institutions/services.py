"""Writes to the institution catalogs. Districts register and inspect; the city decides (the table in
skillsubsidy.institutions.lifecycle). Every write authorises the actor for the institution's region,
runs in one transaction and leaves an audit row; personal data is sealed before it is stored."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.services import clerk_account_create
from audit.services import audit_record
from catalogs.selectors import current_dataset, search_index
from common.actor import Actor, actor_user, authorise
from common.errors import required_reason
from common.personal import seal
from common.transitions import actor_role, change_state
from institutions import selectors
from institutions.models import (
    Approval,
    Basis,
    Clerk,
    CreditEvent,
    Evaluation,
    Finding,
    Inspection,
    Institution,
    Premises,
    Teacher,
)
from institutions.present import condition_label
from skillsubsidy.catalog.profile import UnknownOccupation, occupation_profile
from skillsubsidy.institutions.lifecycle import ELIGIBILITY, INSTITUTION
from skillsubsidy.institutions.model import InstitutionKind, InvalidUscc, Role, parse_uscc
from skillsubsidy.institutions.quality import Proposal, ScoreError, evaluation_criteria
from skillsubsidy.occupations import Level
from skillsubsidy.regions import UnknownRegion, resolve_region
from skillsubsidy.workflow import WorkflowError

# Mobile numbers (11 digits from 1[3-9]) or landlines with an area code (0 + 2–3 digits, 7–8 digits).
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
EVALUATION_CATALOG = "evaluation-orgs"  # seed 003: what social training-evaluation organisations may certify


def _text(field: str, value: str, *, limit: int, required: bool = True) -> str:
    text = value.strip()
    if required and not text:
        raise ValidationError({field: "必填"})
    if len(text) > limit:
        raise ValidationError({field: f"不超过{limit}个字符（现为{len(text)}个）"})
    return text


def _region(value: str) -> str:
    try:
        return resolve_region(value).code
    except UnknownRegion as exc:
        raise ValidationError({"region": str(exc)}) from None


def _audit(institution: Institution, actor: Actor, action: str, summary: str, **kw: Any) -> None:
    audit_record(
        actor=actor,
        action=f"institution.{action}",
        target_type="institution",
        target_id=institution.pk,
        region=institution.region,
        summary=summary,
        **kw,
    )


def institution_register(
    *,
    actor: Actor,
    name: str,
    uscc: str,
    kind: str,
    region: str,
    address: str,
    legal_rep_name: str,
    contact_name: str,
    contact_phone: str,
    legal_form: str = "",
    website: str = "",
    platform: str = "",
    demo: bool = False,
) -> Institution:
    """Register an institution in a district (or a city). It starts as `applied` and is reviewed."""
    code = _region(region)
    authorise(actor, code)
    try:
        parsed = parse_uscc(uscc.strip().upper())
    except InvalidUscc as exc:
        raise ValidationError({"uscc": str(exc)}) from None
    try:
        kind_value = InstitutionKind(kind).value
    except ValueError:
        known = "、".join(f"{k.value}（{k.label_zh}）" for k in InstitutionKind)
        raise ValidationError({"kind": f"单位性质 {kind!r} 无效，应为：{known}"}) from None
    phone = re.sub(r"[\s-]", "", contact_phone)
    if not _PHONE.match(phone):
        raise ValidationError({"contact_phone": f"联系电话 {contact_phone!r} 不是有效的手机号或固定电话"})
    sealed = seal(phone)
    fields = {
        "name": _text("name", name, limit=200),
        "address": _text("address", address, limit=300),
        "legal_rep_name": _text("legal_rep_name", legal_rep_name, limit=50),
        "contact_name": _text("contact_name", contact_name, limit=50),
        "legal_form": _text("legal_form", legal_form, limit=50, required=False),
        "website": _text("website", website, limit=200, required=False),
        "platform": _text("platform", platform, limit=200, required=False),
    }
    try:
        with transaction.atomic():
            institution = Institution.objects.create(
                uscc=parsed.code,
                kind=kind_value,
                region=code,
                contact_phone_sealed=sealed.token,
                contact_phone_masked=sealed.masked,
                created_by=actor_user(actor),
                demo=demo,
                **fields,
            )
    except IntegrityError:
        # The unique constraint decides, so two clerks registering the same code at once get one row.
        other = Institution.objects.filter(uscc=parsed.code).values_list("name", flat=True).first()
        raise ValidationError({"uscc": f"统一社会信用代码 {parsed.code} 已登记（{other}）"}) from None
    _audit(institution, actor, "register", f"登记 {institution.name}（{parsed.code}）", reason="")
    return institution


def _named(actor: Actor, field: str, refusal: str) -> User:
    """The person a record names as its author (a reviewer, an inspector): never the system."""
    user = actor_user(actor)
    if user is None:
        raise ValidationError({field: refusal})
    return user


def _choice(field: str, value: str, allowed: list[str]) -> None:
    if value not in allowed:
        raise ValidationError({field: f"{value!r} 应为 {', '.join(allowed)}"})


def _owned(institution: Institution, actor: Actor) -> None:
    authorise(actor, institution.region)


def _period(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError({"valid_to": f"{valid_to} 早于起始日期 {valid_from}"})


@transaction.atomic
def basis_add(
    *,
    institution: Institution,
    actor: Actor,
    kind: str,
    text: str,
    today: date,
    issuer: str = "",
    number: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Basis:
    """A licence, a business scope or a base (002 · 一). A licence whose period has ended is refused."""
    _owned(institution, actor)
    _choice("kind", kind, Basis.Kind.values)
    _period(valid_from, valid_to)
    if valid_to is not None and valid_to < today:
        raise ValidationError({"valid_to": f"有效期已于 {valid_to} 届满"})
    basis = Basis.objects.create(
        institution=institution,
        kind=kind,
        text=_text("text", text, limit=2000),
        issuer=_text("issuer", issuer, limit=100, required=False),
        number=_text("number", number, limit=100, required=False),
        valid_from=valid_from,
        valid_to=valid_to,
    )
    _audit(institution, actor, "basis.add", f"添加{basis.get_kind_display()}：{basis.text[:100]}")
    return basis


@transaction.atomic
def clerk_create(*, institution: Institution, actor: Actor, username: str, password: str) -> Clerk:
    """An account for the institution's clerk (经办人), made by the bureau that answers for it. The
    clerk then files the institution's own classes, applications and claims, and nothing else."""
    _owned(institution, actor)
    state = INSTITUTION.states[institution.status]
    if state.final:
        raise ValidationError({"institution": f"{institution.name}：{state.label_zh}，不能新增经办人账号"})
    user = clerk_account_create(
        username=_text("username", username, limit=150), password=password, region=institution.region
    )
    clerk = Clerk.objects.create(user=user, institution=institution, created_by=actor_user(actor))
    _audit(institution, actor, "clerk_create", f"创建机构经办人账户 {user.get_username()}", reason="")
    return clerk


@transaction.atomic
def teacher_add(
    *,
    institution: Institution,
    actor: Actor,
    name: str,
    occupation: str,
    certificate: str = "",
    certificate_no: str = "",
) -> Teacher:
    _owned(institution, actor)
    teacher = Teacher.objects.create(
        institution=institution,
        name=_text("name", name, limit=50),
        occupation=_text("occupation", occupation, limit=100),
        certificate=_text("certificate", certificate, limit=100, required=False),
        certificate_no=_text("certificate_no", certificate_no, limit=50, required=False),
    )
    _audit(institution, actor, "teacher.add", f"添加{teacher.occupation}师资")
    return teacher


@transaction.atomic
def premises_add(
    *, institution: Institution, actor: Actor, address: str, capacity: int, equipment: str = ""
) -> Premises:
    _owned(institution, actor)
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= 100_000:
        raise ValidationError({"capacity": f"容纳人数 {capacity!r} 应为 1 至 100000 的整数"})
    premises = Premises.objects.create(
        institution=institution,
        address=_text("address", address, limit=300),
        capacity=capacity,
        equipment=_text("equipment", equipment, limit=2000, required=False),
    )
    _audit(institution, actor, "premises.add", f"添加培训场地 {premises.address}（可容纳{capacity}人）")
    return premises


def _evaluation_levels(codes: tuple[str, ...], names: tuple[str, ...]) -> set[int]:
    """The levels seed 003 opens for this occupation (by code, else by name) to evaluation organisations."""
    catalog = next((c for c in current_dataset().catalogs if c.id == EVALUATION_CATALOG), None)
    if catalog is None:
        return set()
    rows = [e for e in catalog.entries if (e.code and e.code in codes) or e.occupation in names]
    return {lvl for e in rows for lvl in e.levels}


@transaction.atomic
def approval_add(
    *,
    institution: Institution,
    actor: Actor,
    role: str,
    occupation: str,
    valid_from: date,
    level: int | None = None,
    valid_to: date | None = None,
) -> Approval:
    """Approve an occupation (and level) to train or evaluate. The occupation must be one a published
    catalog knows; an evaluation approval must lie within what seed 003 opens to evaluation
    organisations, at the levels it lists (001 · 二（二）: 评价机构目录以备案公布的机构名单为准)."""
    _owned(institution, actor)
    try:
        role_value = Role(role)
    except ValueError:
        raise ValidationError({"role": f"{role!r} 应为 training 或 evaluation"}) from None
    if level is not None:
        try:
            Level(level)
        except ValueError:
            raise ValidationError({"level": f"等级 {level!r} 应为 1 至 5"}) from None
    _period(valid_from, valid_to)
    try:
        profile = occupation_profile(current_dataset(), occupation.strip(), search_index())
    except UnknownOccupation as exc:
        near = f"；是否要找：{'、'.join(exc.suggestions)}" if exc.suggestions else ""
        raise ValidationError(
            {"occupation": f"没有任何已发布目录包含职业（工种）{occupation!r}{near}"}
        ) from None
    if role_value is Role.EVALUATION:
        levels = _evaluation_levels(profile.codes, profile.names)
        if not levels:
            raise ValidationError(
                {"occupation": f"{occupation!r} 不在社会培训评价组织可评价的职业（工种）目录（seed 003）内"}
            )
        if level is None or level not in levels:
            shown = "、".join(Level(lv).label_zh for lv in sorted(levels))
            raise ValidationError({"level": f"{occupation} 可评价的等级为 {shown}，不含 {level!r}"})
    approval = Approval.objects.create(
        institution=institution,
        role=role_value.value,
        occupation_code=profile.codes[0] if len(profile.codes) == 1 else "",
        occupation=profile.names[0] if len(profile.names) == 1 else occupation.strip(),
        level=level,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    shown_level = f" level {level}" if level else ""
    _audit(
        institution,
        actor,
        "approval.add",
        f"approved to {role_value.value} {approval.occupation}{shown_level}",
    )
    return approval


@transaction.atomic
def finding_record(
    *, institution: Institution, actor: Actor, rule: str, outcome: str, evidence: str
) -> Finding:
    """A reviewer's judgement on a condition that needs one; the reviewer is the actor, by name."""
    _owned(institution, actor)
    user = _named(actor, "reviewer", "a finding needs a named reviewer")
    if rule not in ELIGIBILITY:
        raise ValidationError({"rule": f"{rule!r} 不是资格条件的规则编号，应为：{'、'.join(ELIGIBILITY)}"})
    if outcome not in Finding.Verdict.values:
        raise ValidationError({"outcome": f"{outcome!r} 应为 passed 或 failed"})
    finding = Finding.objects.create(
        institution=institution,
        rule=rule,
        outcome=outcome,
        evidence=_text("evidence", evidence, limit=4000),
        reviewer=user,
    )
    _audit(
        institution,
        actor,
        "finding",
        f"{condition_label(rule)}：{finding.get_outcome_display()}",
        reason=finding.evidence,
    )
    return finding


@transaction.atomic
def inspection_record(
    *, institution: Institution, actor: Actor, kind: str, on: date, result: str, findings: str, today: date
) -> Inspection:
    """An on-site or online check (001 · 二（二）4). Its result is public."""
    _owned(institution, actor)
    user = _named(actor, "inspector", "an inspection needs a named inspector")
    _choice("kind", kind, Inspection.Kind.values)
    _choice("result", result, Inspection.Result.values)
    if on > today:
        raise ValidationError({"on": f"检查日期 {on} 晚于今天 {today}"})
    inspection = Inspection.objects.create(
        institution=institution,
        kind=kind,
        on=on,
        result=result,
        findings=_text("findings", findings, limit=4000),
        inspector=user,
    )
    _audit(
        institution,
        actor,
        "inspection",
        f"{on} {inspection.get_kind_display()}：{inspection.get_result_display()}",
        reason=inspection.findings,
    )
    return inspection


@transaction.atomic
def credit_event_record(
    *, institution: Institution, actor: Actor, kind: str, on: date, source: str, summary: str, reason: str
) -> CreditEvent:
    _owned(institution, actor)
    user = _named(actor, "recorded_by", "a credit event needs a named recorder")
    _choice("kind", kind, CreditEvent.Kind.values)
    why = required_reason(reason)
    event = CreditEvent.objects.create(
        institution=institution,
        kind=kind,
        on=on,
        source=_text("source", source, limit=300),
        summary=_text("summary", summary, limit=4000),
        recorded_by=user,
    )
    _audit(
        institution, actor, "credit", f"{on} {event.get_kind_display()}：{event.summary[:100]}", reason=why
    )
    return event


def institution_move(
    *, institution: Institution, actor: Actor, action: str, reason: str, today: date
) -> Institution:
    """Move an institution along its lifecycle (skillsubsidy.institutions.lifecycle). A move guarded
    by the eligibility conditions (propose, list) is refused while any of them fails or waits for a
    finding, naming each; the outcomes of all conditions go into the audit row."""
    _owned(institution, actor)
    try:
        move = INSTITUTION.transition(action)
    except WorkflowError:
        known = "、".join(f"{t.action}（{t.label_zh}）" for t in INSTITUTION.transitions)
        raise ValidationError({"action": f"没有 {action!r} 这一操作，可用：{known}"}) from None
    checks: dict[str, str] = {}
    if move.guards:
        results = selectors.eligibility(institution, today)
        stopping = selectors.blocking(results, move.guards)
        if stopping:
            raise ValidationError(
                {
                    "eligibility": [
                        f"{condition_label(r.rule)}：{r.reason.message if r.reason else r.step.value}"
                        for r in stopping
                    ]
                }
            )
        checks = {r.rule: r.outcome.value for r in results}
    return change_state(
        model=Institution,
        pk=institution.pk,
        machine=INSTITUTION,
        action=action,
        actor=actor,
        reason=reason,
        region=institution.region,
        summary=f"{move.label_zh}：{institution.name}",
        values={"status_changed_at": timezone.now()},
        changes={"checks": checks} if checks else None,
    )


@transaction.atomic
def evaluation_record(
    *,
    institution: Institution,
    actor: Actor,
    year: int,
    evaluator: str,
    scores: dict[str, object],
    today: date,
) -> Evaluation:
    """A third party's evaluation of a year (001 · 二（二）5). The total and the result are computed
    from the scores against the criteria (skillsubsidy.institutions.quality), never typed in."""
    _owned(institution, actor)
    user = _named(actor, "recorded_by", "an evaluation needs a named recorder")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= today.year:
        raise ValidationError({"year": f"评估年度 {year!r} 应为 2000 至 {today.year} 之间的年份"})
    criteria = evaluation_criteria()
    try:
        total = criteria.total(scores)
    except ScoreError as exc:
        raise ValidationError({exc.field: str(exc)}) from None
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                institution=institution,
                year=year,
                evaluator=_text("evaluator", evaluator, limit=200),
                scores=dict(scores),
                total=total,
                passed=criteria.passed(total),
                recorded_by=user,
            )
    except IntegrityError:
        raise ValidationError({"year": f"{year} 年度的评估已经记录"}) from None
    _audit(institution, actor, "evaluation", f"{year}年度评估（{evaluation.evaluator}）：{total}分")
    return evaluation


def listing_confirm(*, institution: Institution, actor: Actor, year: int, reason: str, today: date) -> str:
    """A city person confirms next year's proposal (skillsubsidy.institutions.quality.propose_listing),
    recomputed here so that what is confirmed is what the record says now. Removal goes through
    institution_move; keeping or reviewing leaves an audit row with the reasons."""
    _owned(institution, actor)
    if actor_role(actor) not in INSTITUTION.transition("remove").roles:
        raise PermissionDenied("only the city decides next year's listing")
    why = required_reason(reason)
    proposal = selectors.listing_proposal(institution, year)
    reasons = "；".join(proposal.reasons)
    if proposal.proposal is Proposal.REMOVE:
        institution_move(
            institution=institution, actor=actor, action="remove", reason=f"{why}（{reasons}）", today=today
        )
    else:
        _audit(
            institution,
            actor,
            f"listing.{proposal.proposal.value}",
            f"{year} listing confirmed: {proposal.proposal.value}",
            reason=why,
            changes={"year": year, "proposal": proposal.proposal.value, "reasons": list(proposal.reasons)},
        )
    return proposal.proposal.value
