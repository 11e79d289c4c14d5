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
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import clerk_account_create
from audit.services import audit_record
from catalogs.selectors import current_dataset, search_index
from common.actor import Actor, actor_user, authorise
from common.errors import required_reason
from common.personal import seal
from common.transitions import actor_role, change_state
from institutions import present, selectors
from institutions.models import (
    Approval,
    Basis,
    Clerk,
    CreditEvent,
    Evaluation,
    FiledScope,
    Finding,
    Inspection,
    Institution,
    Premises,
    Teacher,
)
from institutions.present import condition_label
from skillsubsidy.catalog.profile import OccupationProfile, UnknownOccupation, occupation_profile
from skillsubsidy.institutions.lifecycle import ELIGIBILITY, INSTITUTION
from skillsubsidy.institutions.model import InstitutionKind, InvalidUscc, Role, parse_uscc
from skillsubsidy.institutions.quality import Proposal, ScoreError, evaluation_criteria
from skillsubsidy.occupations import Level
from skillsubsidy.regions import UnknownRegion, resolve_region
from skillsubsidy.workflow import WorkflowError

# Mobile numbers (11 digits from 1[3-9]) or landlines with an area code (0 + 2–3 digits, 7–8 digits).
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
EVALUATION_CATALOG = "evaluation-orgs"  # seed 003: what social training-evaluation organisations may certify


# Each text input by its label on the pages, so that a refusal names the field in the page's language.
_LABELS = {
    "name": gettext_lazy("Name"),
    "address": gettext_lazy("Address"),
    "legal_rep_name": gettext_lazy("Legal representative"),
    "contact_name": gettext_lazy("Contact person"),
    "legal_form": gettext_lazy("Type on the business licence"),
    "website": gettext_lazy("Website"),
    "platform": gettext_lazy("Own online training platform"),
    "text": gettext_lazy("Text: occupations licensed, the scope as printed, or the base's name"),
    "issuer": gettext_lazy("Issuer"),
    "number": gettext_lazy("Number"),
    "username": gettext_lazy("User name"),
    "occupation": gettext_lazy("Occupation taught"),
    "certificate": gettext_lazy("Certificate"),
    "certificate_no": gettext_lazy("Certificate number"),
    "equipment": gettext_lazy("Equipment"),
    "reference": gettext_lazy("Filing reference"),
    "filed_by": gettext_lazy("Filed by (HR department)"),
    "evidence": gettext_lazy("Evidence"),
    "findings": gettext_lazy("What was found"),
    "source": gettext_lazy("Source: the decision or notice"),
    "summary": gettext_lazy("What happened"),
    "evaluator": gettext_lazy("Evaluator"),
}


def _text(field: str, value: str, *, limit: int, required: bool = True) -> str:
    text = value.strip()
    label = _LABELS[field]
    if required and not text:
        raise ValidationError({field: _("%(label)s: required") % {"label": label}})
    if len(text) > limit:
        raise ValidationError(
            {field: _("%(label)s: at most %(limit)d characters (now %(n)d)")
             % {"label": label, "limit": limit, "n": len(text)}}
        )  # fmt: skip
    return text


def _listed(items: list[str]) -> str:
    """Items joined as the page's language writes a list."""
    return present.pick(("、", ", ")).join(items)


def _near(suggestions: list[str]) -> str:
    return _("; did you mean: %(names)s") % {"names": _listed(suggestions)} if suggestions else ""


def _region(value: str) -> str:
    try:
        return resolve_region(value).code
    except UnknownRegion as exc:
        raise ValidationError(
            {
                "region": _("Unknown region %(value)r%(near)s")
                % {"value": value, "near": _near(exc.suggestions)}
            }
        ) from None


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
        problem = present.pick((exc.problem, exc.problem_en))
        raise ValidationError(
            {"uscc": _("Unified social credit code %(value)r is not valid: %(problem)s")
             % {"value": exc.value, "problem": problem}}
        ) from None  # fmt: skip
    try:
        kind_value = InstitutionKind(kind).value
    except ValueError:
        known = _listed(
            [present.pick(("{}（{}）", "{} ({})")).format(k, label) for k, label in present.kinds()]
        )
        raise ValidationError(
            {"kind": _("Kind of entity %(value)r is not valid; it should be one of: %(known)s")
             % {"value": kind, "known": known}}
        ) from None  # fmt: skip
    phone = re.sub(r"[\s-]", "", contact_phone)
    if not _PHONE.match(phone):
        raise ValidationError(
            {"contact_phone": _("Contact phone %(value)r is not a valid mobile or landline number")
             % {"value": contact_phone}}
        )  # fmt: skip
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
        raise ValidationError(
            {"uscc": _("Unified social credit code %(code)s is already registered (%(name)s)")
             % {"code": parsed.code, "name": other}}
        ) from None  # fmt: skip
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
        raise ValidationError(
            {
                field: _("%(value)r should be one of: %(allowed)s")
                % {"value": value, "allowed": ", ".join(allowed)}
            }
        )


def _owned(institution: Institution, actor: Actor) -> None:
    authorise(actor, institution.region)


def _period(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError(
            {
                "valid_to": _("%(to)s is earlier than the start date %(start)s")
                % {"to": valid_to, "start": valid_from}
            }
        )


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
        raise ValidationError({"valid_to": _("The period ended on %(date)s") % {"date": valid_to}})
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
    if INSTITUTION.states[institution.status].final:
        raise ValidationError(
            {"institution": _("%(name)s: %(state)s; no new clerk account can be added")
             % {"name": institution.name, "state": present.status_label(institution.status)}}
        )  # fmt: skip
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
        raise ValidationError(
            {
                "capacity": _("Capacity %(value)r should be a whole number from 1 to 100000")
                % {"value": capacity}
            }
        )
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


def _profile(occupation: str) -> OccupationProfile:
    """The occupation as the published catalogs know it; refused, with the nearest names, if none does."""
    try:
        return occupation_profile(current_dataset(), occupation.strip(), search_index())
    except UnknownOccupation as exc:
        raise ValidationError(
            {"occupation": _("No published catalog has the occupation (work type) %(value)r%(near)s")
             % {"value": occupation, "near": _near(exc.suggestions)}}
        ) from None  # fmt: skip


def _named_in(profile: OccupationProfile, occupation: str) -> tuple[str, str]:
    """The code and the name to store: the catalog's, when the profile is one occupation."""
    code = profile.codes[0] if len(profile.codes) == 1 else ""
    return code, profile.names[0] if len(profile.names) == 1 else occupation.strip()


def _seed_003_levels(profile: OccupationProfile, occupation: str) -> set[int]:
    levels = _evaluation_levels(profile.codes, profile.names)
    if not levels:
        raise ValidationError(
            {"occupation": _("%(value)r is not among the occupations (work types) that social "
                             "training-evaluation organisations may certify (seed 003)")
             % {"value": occupation}}
        )  # fmt: skip
    return levels


@transaction.atomic
def scope_file(
    *,
    institution: Institution,
    actor: Actor,
    occupation: str,
    levels: list[int],
    reference: str,
    filed_by: str,
    filed_on: date,
    today: date,
) -> FiledScope:
    """Record the scope an HR department filed for an evaluation institution (备案范围): one
    occupation and its levels, which must lie within what seed 003 opens to evaluation organisations."""
    _owned(institution, actor)
    user = _named(actor, "recorded_by", "a filed scope needs a named recorder")
    profile = _profile(occupation)
    allowed = _seed_003_levels(profile, occupation)
    code, name = _named_in(profile, occupation)
    if not levels or any(isinstance(lv, bool) or lv not in allowed for lv in levels):
        raise ValidationError(
            {"levels": _("%(occupation)s may be evaluated at %(levels)s, not %(level)s")
             % {"occupation": name, "levels": _listed([present.level_label(lv) for lv in sorted(allowed)]),
                "level": _listed([str(lv) for lv in levels]) or "—"}}
        )  # fmt: skip
    if filed_on > today:
        raise ValidationError(
            {
                "filed_on": _("The date %(on)s is later than today (%(today)s)")
                % {"on": filed_on, "today": today}
            }
        )
    scope = FiledScope.objects.create(
        institution=institution,
        occupation_code=code,
        occupation=name,
        levels=sorted(set(levels)),
        reference=_text("reference", reference, limit=100),
        filed_by=_text("filed_by", filed_by, limit=200),
        filed_on=filed_on,
        recorded_by=user,
    )
    _audit(
        institution,
        actor,
        "scope.file",
        f"登记备案评价范围 {scope.reference}（{filed_on}）：{name} {scope.levels}级",
        reason="",
    )
    return scope


def _within_filed_scope(institution: Institution, code: str, name: str, level: int | None) -> None:
    """An evaluation approval lies within one of the institution's filed scopes (备案范围)."""
    scopes = FiledScope.objects.filter(institution=institution).filter(
        Q(occupation_code=code) if code else Q(occupation=name)
    )
    if any(level in s.levels for s in scopes):
        return
    filed = _listed(
        [
            present.pick(("{} {}（{}）", "{} {} ({})")).format(
                s.occupation, "/".join(str(lv) for lv in s.levels), s.reference
            )
            for s in institution.filed_scopes.all()
        ]
    )
    message = _("%(occupation)s at %(level)s is outside this institution's filed scope (filed: %(filed)s)")
    shown = {"occupation": name, "level": present.level_label(level), "filed": filed or _("none")}
    raise ValidationError({"level": message % shown})


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
    organisations, at the levels it lists, and within the institution's own filed scope
    (001 · 二（二）: 评价机构目录以备案公布的机构名单为准)."""
    _owned(institution, actor)
    try:
        role_value = Role(role)
    except ValueError:
        raise ValidationError(
            {"role": _("%(value)r should be training or evaluation") % {"value": role}}
        ) from None
    if level is not None:
        try:
            Level(level)
        except ValueError:
            raise ValidationError(
                {"level": _("Level %(value)r should be 1 to 5") % {"value": level}}
            ) from None
    _period(valid_from, valid_to)
    profile = _profile(occupation)
    code, name = _named_in(profile, occupation)
    if role_value is Role.EVALUATION:
        levels = _seed_003_levels(profile, occupation)
        if level is None or level not in levels:
            shown = _listed([present.level_label(lv) for lv in sorted(levels)])
            raise ValidationError(
                {"level": _("%(occupation)s may be evaluated at %(levels)s, not %(level)r")
                 % {"occupation": occupation, "levels": shown, "level": level}}
            )  # fmt: skip
        _within_filed_scope(institution, code, name, level)
    approval = Approval.objects.create(
        institution=institution,
        role=role_value.value,
        occupation_code=code,
        occupation=name,
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
        raise ValidationError(
            {"rule": _("%(value)r is not a rule id of the eligibility conditions; they are: %(known)s")
             % {"value": rule, "known": _listed(list(ELIGIBILITY))}}
        )  # fmt: skip
    if outcome not in Finding.Verdict.values:
        raise ValidationError({"outcome": _("%(value)r should be passed or failed") % {"value": outcome}})
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
        raise ValidationError(
            {
                "on": _("The inspection date %(on)s is later than today (%(today)s)")
                % {"on": on, "today": today}
            }
        )
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
        known = _listed(
            [
                present.pick((f"{t.action}（{t.label_zh}）", f"{t.action} ({t.label_en})"))
                for t in INSTITUTION.transitions
            ]
        )
        raise ValidationError(
            {
                "action": _("There is no move %(value)r; the moves are: %(known)s")
                % {"value": action, "known": known}
            }
        ) from None
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
        raise ValidationError(
            {
                "year": _("Year %(value)r should be a year from 2000 to %(last)d")
                % {"value": year, "last": today.year}
            }
        )
    criteria = evaluation_criteria()
    try:
        total = criteria.total(scores)
    except ScoreError as exc:
        raise ValidationError({exc.field: present.pick((str(exc), exc.message_en))}) from None
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
        raise ValidationError(
            {"year": _("The evaluation of %(year)d is already recorded") % {"year": year}}
        ) from None
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
