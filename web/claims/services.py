"""Writes to claims (ADR 0020). A claim is submitted by a worker (个人申领) or an institution's clerk
(代领), decided by the rules engine and matched before review; reviewed by the district then the city;
published (公示), objected to and answered; batched, exported and paid from the bank's answers.

Every state change goes through common.transitions.change_state (conditional UPDATE, audit row in the
same transaction). Never twice is the database's: the partial unique indexes of claims.models refuse a
second live claim, and the refusal names the claim that holds the certificate.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import account_role, staff_scope
from accounts.services import worker_account_create
from audit.services import audit_record
from calendars.selectors import work_calendar
from claims import facts, present
from claims.errors import DuplicateClaim, NotEligible, UnknownCertificate
from claims.models import (
    Claim,
    Interest,
    NoticeSetting,
    Objection,
    PaymentBatch,
    PaymentLine,
    SupervisionCertificate,
    WorkerAccount,
)
from classes.models import PersonLock, Result, Trainee, TrainingClass
from common import rawsql
from common.actor import Actor, actor_user, authorise
from common.bulk import insert_rows
from common.errors import Conflict, required_reason
from common.personal import digest, mask_name, seal, unseal
from common.transitions import Item, change_state, change_states
from institutions.models import Clerk
from institutions.selectors import clerk_institution, clerk_institution_id
from skillsubsidy.calendar import CalendarError
from skillsubsidy.catalog.model import CertificateType
from skillsubsidy.claims import matching, payment
from skillsubsidy.claims.decide import ClaimInput, Frozen, decide
from skillsubsidy.claims.lifecycle import CLAIM, LIVE, OBJECTION, PAYMENT_BATCH
from skillsubsidy.claims.notice import NOTICE_DAYS, notice_end
from skillsubsidy.claims.payee import PERSONAL, PayeeError, PayeeKind, check_payee, mask_account
from skillsubsidy.classes.ids import check_id
from skillsubsidy.classes.ids import mask as mask_id
from skillsubsidy.occupations import Level
from skillsubsidy.regions import resolve_region
from skillsubsidy.rules import checks
from skillsubsidy.rules.engine import Engine
from skillsubsidy.rules.request import Program, ProjectStandard, RequestError
from standards.selectors import GENERATION_COLUMNS
from standards.selectors import engine as rules_engine

CLOSED_CLASS = "closed"


# -- workers ------------------------------------------------------------------------------------


def worker_register(*, username: str, password: str, name: str, id_number: str) -> WorkerAccount:
    """A worker's account, verified against the ID number: the number must be valid and a roster must
    hold it under the same name. The number is sealed; the account is linked to its digest."""
    checked = check_id(id_number)
    if not checked.ok:
        raise ValidationError({"id_number": checked.problems[0].message})
    person = digest(checked.number)
    name = name.strip()
    if not Trainee.objects.filter(id_digest=person, name=name).exists():
        raise ValidationError(
            {
                "id_number": _(
                    "No training record holds this ID number under this name; check them, or ask the "
                    "institution to confirm the roster."
                )
            }
        )
    region = Trainee.objects.filter(id_digest=person).values_list("training_class__region", flat=True)[0]
    try:
        with transaction.atomic():
            user = worker_account_create(username=username, password=password, region=region)
            sealed = seal(checked.number, masked=mask_id(checked.number))
            account = WorkerAccount.objects.create(
                user=user,
                name=name,
                id_sealed=sealed.token,
                id_digest=sealed.digest,
                id_masked=sealed.masked,
                verified_at=timezone.now(),
            )
            audit_record(
                actor=user,
                action="worker.register",
                target_type="worker_account",
                target_id=account.pk,
                region=region,
                summary=f"劳动者 {name} 实名注册（{sealed.masked}）",
            )
    except IntegrityError:
        raise Conflict(
            "an account is already registered for this ID number",
            shown=_("An account is already registered for this ID number: sign in with it."),
        ) from None
    return account


def worker_of(actor: Actor) -> WorkerAccount | None:
    user = actor_user(actor)
    if user is None or account_role(user) is not Role.WORKER:
        return None
    return WorkerAccount.objects.filter(user=user).first()


# -- submission ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PayeeInput:
    kind: str
    account: str
    name: str


NUMBER_DRAWS = 5  # claim numbers drawn before a submission gives up (see claim_submit)


def _claim_number(region: str) -> str:
    return f"SQ{region}{timezone.localdate():%Y%m%d}{secrets.token_hex(3).upper()}"


@dataclass(frozen=True, slots=True)
class _Found:
    result: Result  # the claimant's result carrying the number
    channel: str
    winner: str | None  # the number of the live claim that holds it already, if any
    numbered: Sequence[Result]  # every result carrying the number, the claimant's or not
    generation: tuple[object, ...]  # the standards' generation, read in the same query


def _not_a_claimant() -> PermissionDenied:
    return PermissionDenied(_("Only a registered worker or an institution's clerk can claim."))


def _submission_sql() -> tuple[str, str, str]:
    """The statements of a submission's hot path, written out (common.rawsql): through the ORM the
    certificate's lookup took 2 to 3 ms on this project's 2-core machine, 0.4 to 0.7 ms as written
    here. Built once, from the models' own table and column names."""
    live_in = ", ".join(["%s"] * len(_LIVE_STATES))
    claim, result, trainee, klass = (m._meta.db_table for m in (Claim, Result, Trainee, TrainingClass))
    reads = ", ".join(
        rawsql.columns(alias, model, names)
        for alias, model, names in (
            ("r", Result, _RESULT_READS),
            ("t", Trainee, _TRAINEE_READS),
            ("c", TrainingClass, _CLASS_READS),
        )
    )
    numbered = (
        f"SELECT {reads}, "
        f'(SELECT l."number" FROM {claim} l WHERE l."result_id" = r."id" AND l."status" IN ({live_in}) '
        f"LIMIT 1), ({{claimant}}), {GENERATION_COLUMNS} "
        f'FROM {result} r JOIN {trainee} t ON t."id" = r."trainee_id" '
        f'JOIN {klass} c ON c."id" = t."training_class_id" WHERE r."certificate_no" = %s AND r."passed"'
    )
    worker = f'SELECT "id_digest" FROM {WorkerAccount._meta.db_table} WHERE "user_id" = %s LIMIT 1'
    clerk = f'SELECT "institution_id" FROM {Clerk._meta.db_table} WHERE "user_id" = %s LIMIT 1'
    live = (
        f'SELECT "result_id", "number", "occupation_key", "level" FROM {claim} '
        f'WHERE "person_digest" = %s AND "status" IN ({live_in})'
    )
    return numbered.replace("{claimant}", worker), numbered.replace("{claimant}", clerk), live


# What a submission reads of the result, its roster row and its class (their sealed, JSON and free-text
# columns are not needed: each costs a column to convert per submission). Any other field is loaded
# when first used, as for a deferred field.
_RESULT_READS = rawsql.attnames(
    Result, ("id", "trainee", "passed", "issuer", "certificate_type", "level", "certificate_no", "issued_on")
)
_TRAINEE_READS = rawsql.attnames(
    Trainee, ("id", "training_class", "name", "id_digest", "id_masked", "completion_override")
)
_CLASS_READS = rawsql.attnames(
    TrainingClass,
    ("id", "institution", "region", "title", "occupation_code", "occupation", "program", "project", "start",
     "end", "status", "special_group"),
)  # fmt: skip
_LIVE_STATES = sorted(LIVE)
_BY_WORKER, _BY_CLERK, _LIVE_CLAIMS = _submission_sql()


def _numbered(
    sql: str, number: str, user_id: int
) -> list[tuple[Result, str | None, Any, tuple[object, ...]]]:
    """The passed results carrying `number`, with their roster rows and classes, each with the live
    claim holding it, the claimant's identity (the subquery of `sql`) and the standards' generation."""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*_LIVE_STATES, user_id, number])
        rows = cursor.fetchall()
    found = []
    r, t = len(_RESULT_READS), len(_RESULT_READS) + len(_TRAINEE_READS)
    c = t + len(_CLASS_READS)
    for row in rows:
        result = rawsql.instance(Result, _RESULT_READS, row[:r])
        trainee = rawsql.instance(Trainee, _TRAINEE_READS, row[r:t])
        trainee.training_class = rawsql.instance(TrainingClass, _CLASS_READS, row[t:c])
        result.trainee = trainee
        found.append((result, row[c], row[c + 1], tuple(row[c + 2 :])))
    return found


def _find_result(actor: Actor, certificate_no: str) -> _Found:
    """The passed result that carries `certificate_no` and belongs to the claimant, with the channel,
    and the live claim holding it and who the claimant is (a worker's ID digest, a clerk's
    institution) read in the same query."""
    number = certificate_no.strip()
    user = actor_user(actor)
    role = account_role(user)
    if user is not None and role is Role.WORKER:
        channel, sql = Claim.Channel.WORKER, _BY_WORKER
    elif user is not None and role is Role.INSTITUTION:
        channel, sql = Claim.Channel.INSTITUTION, _BY_CLERK
    else:
        raise _not_a_claimant()
    found = _numbered(sql, number, user.pk)
    if not found:
        # No row to carry the claimant: whether this account may claim at all decides the answer.
        known = worker_of(actor) is not None or clerk_institution_id(actor) is not None
        if not known:
            raise _not_a_claimant()
        raise UnknownCertificate(number)
    who, generation = found[0][2], found[0][3]
    if who is None:  # a worker account without its verified record, a clerk without an institution
        raise _not_a_claimant()
    if channel == Claim.Channel.WORKER:
        mine = [(r, live) for r, live, _who, _gen in found if r.trainee.id_digest == who]
    else:
        mine = [(r, live) for r, live, _who, _gen in found if r.trainee.training_class.institution_id == who]
    if len(mine) != 1:
        raise UnknownCertificate(number)
    return _Found(mine[0][0], channel, mine[0][1], [r for r, _live, _who, _gen in found], generation)


def _payee(channel: str, given: PayeeInput) -> tuple[PayeeKind, str, str]:
    try:
        payee = check_payee(given.kind, given.account, given.name)
    except PayeeError as exc:
        problem = exc.problem if present.chinese() else exc.problem_en
        raise ValidationError(
            {exc.field: _("%(problem)s (given: %(value)s)") % {"problem": problem, "value": exc.shown}}
        ) from None
    if channel == Claim.Channel.WORKER and payee.kind not in PERSONAL:
        raise ValidationError(
            {"payee_kind": _("A worker's own claim is paid to their own social-security card or bank card.")}
        )
    return payee.kind, payee.account, payee.name


def _minimum_hours(engine: Engine, region: str, on: date, level: Level | None) -> Decimal | None:
    if level is None:
        return None
    value = engine.regime(resolve_region(region), on).value(checks.hours_minimum_name(level))
    return Decimal(value) if isinstance(value, int | Decimal) else None


def _live_claims(person: str) -> list[tuple[int, str, str, int]]:
    """Every live or paid claim of the person, in every region, as (result id, number, occupation key,
    level): the certificate's own claim, if any, and the certificates the held rule compares with.
    Written out (_LIVE_CLAIMS) for the reason _find_result's query is."""
    with connection.cursor() as cursor:
        cursor.execute(_LIVE_CLAIMS, [person, *_LIVE_STATES])
        return [(pk, number, key, level) for pk, number, key, level in cursor.fetchall()]


def _held(live: list[tuple[int, str, str, int]]) -> tuple[tuple[str, Level], ...]:
    """The certificates held for the held rule (000 · 附件1 · 备注3): the live claims with a level."""
    return tuple((key, Level(level)) for _result, _number, key, level in live if level > 0)


@dataclass(frozen=True, slots=True)
class _Read:
    """What a claim's decision and matching read about its certificate and class. None of it is what
    the person lock guards (that is the person's other claims), so it is read before the lock."""

    hours: facts.ClassHours
    project_standard: ProjectStandard | None
    claimed: matching.ClaimedCertificate
    known: matching.Known


def _read(result: Result, numbered: Sequence[Result]) -> _Read:
    hours, registry = facts.class_facts(result.trainee)
    claimed, known = facts.known_for(result, same_number=numbered, hours=hours, registry=registry)
    return _Read(hours, facts.project_standard(result.trainee.training_class), claimed, known)


def _decide(
    engine: Engine, result: Result, read: _Read, claimed_on: date, held: tuple[tuple[str, Level], ...]
) -> Frozen:
    klass = result.trainee.training_class
    # The engine checks the class's planned hours against the level's minimum (000 · 附件1 · 备注2);
    # matching checks each trainee's attendance against the plan.
    claim_input = ClaimInput(
        region=klass.region,
        claimed_on=claimed_on,
        program=Program(klass.program),
        certificate_type=CertificateType(result.certificate_type),
        occupation=facts.occupation_key(klass),
        level=facts.level_of(result.level),
        issued_on=result.issued_on or claimed_on,
        held=held,
        hours=read.hours.planned,
        online_hours=read.hours.planned_online if read.hours.planned is not None else None,
        project_standard=read.project_standard,
    )
    try:
        return decide(claim_input, engine=engine)
    except RequestError as exc:
        raise ValidationError({exc.field: exc.problem}) from None


def _mismatches(
    engine: Engine, result: Result, read: _Read, standards_date: date
) -> tuple[matching.Mismatch, ...]:
    """Matching, with the level's minimum hours at the standards date of the claim's decision."""
    minimum = _minimum_hours(
        engine, result.trainee.training_class.region, standards_date, facts.level_of(result.level)
    )
    return matching.match(read.claimed, replace(read.known, minimum_hours=minimum))


def _lock_person(person: str) -> None:
    """Serialise a person's claims (the held rule reads their other claims) on their PersonLock row.
    One statement: the upsert creates the row, or locks the existing one as an UPDATE does, to the
    end of the transaction (PostgreSQL; SQLite's writers are already queued at BEGIN IMMEDIATE)."""
    table = connection.ops.quote_name(PersonLock._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (digest) VALUES (%s) "
            "ON CONFLICT (digest) DO UPDATE SET digest = excluded.digest",
            [person],
        )


def claim_submit(
    *,
    actor: Actor,
    certificate_no: str,
    payee: PayeeInput,
    pledge_signed: bool = False,
    evidence: Mapping[str, str] | None = None,
    today: date | None = None,
) -> Claim:
    """Submit a claim for a certificate. The amount is the engine's (a client's amount is never read);
    a refused decision (e.g. `claim_window_expired`) is a NotEligible naming its codes, and nothing is
    written. A second live claim of the certificate is a DuplicateClaim naming the first."""
    found = _find_result(actor, certificate_no)
    result, channel = found.result, found.channel
    trainee = result.trainee
    klass = trainee.training_class
    if channel == Claim.Channel.INSTITUTION:
        if klass.status != CLOSED_CLASS:
            raise ValidationError(
                {
                    "certificate_no": _(
                        "The class “%(title)s” of this certificate is not closed yet: no claim."
                    )
                    % {"title": klass.title}
                }
            )
        if not pledge_signed:
            # 002 · 附件4 · 8③: the institution files a signed integrity pledge with its claim.
            raise ValidationError(
                {
                    "pledge_signed": _(
                        "An institution's claim needs its signed integrity pledge (002 · Annex 4 · 8③)."
                    )
                }
            )
    kind, account, payee_name = _payee(channel, payee)
    claimed_on = today or timezone.localdate()
    if found.winner is not None:
        raise DuplicateClaim(found.winner)
    # Everything but the person's other claims is read, and the payee sealed, before the person lock:
    # the lock then covers two reads, the decision and the writes. The standards' generation was read
    # with the certificate, now (the engine is rebuilt only when it has changed), so the decision sees
    # every standard committed before the submission.
    engine = rules_engine(read=found.generation)
    read = _read(result, found.numbered)
    sealed = seal(account, masked=mask_account(account))
    # The claim's number is drawn at random; two submissions may draw the same one (with 24 random
    # bits, some do on a busy day of a region), and its unique index then refuses the second, whose
    # transaction is all rolled back: it draws again, rather than being told it is a duplicate.
    for _draw in range(NUMBER_DRAWS):
        drawn = _claim_number(klass.region)
        try:
            with transaction.atomic():
                _lock_person(trainee.id_digest)
                live = _live_claims(trainee.id_digest)
                # A claim of this certificate committed meanwhile is this one's duplicate, not a
                # certificate "held" (which the engine would report as higher_or_same_level_held).
                winner = next((number for pk, number, _key, _level in live if pk == result.pk), None)
                if winner is not None:
                    raise DuplicateClaim(winner)
                frozen = _decide(engine, result, read, claimed_on, _held(live))
                if not frozen.eligible:
                    raise NotEligible(frozen.reasons, [r.message for r in frozen.blocking])
                mismatches = _mismatches(engine, result, read, frozen.standards_date)
                claim = Claim(
                    number=drawn,
                    channel=channel,
                    result=result,
                    training_class=klass,
                    institution_id=klass.institution_id,
                    region=klass.region,
                    program=klass.program,
                    certificate_type=result.certificate_type,
                    certificate_no=result.certificate_no,
                    occupation=klass.occupation,
                    occupation_key=facts.occupation_key(klass),
                    level=result.level or 0,
                    issued_on=result.issued_on or claimed_on,
                    person_digest=trainee.id_digest,
                    person_name=trainee.name,
                    person_masked=trainee.id_masked,
                    payee_kind=kind,
                    payee_name=payee_name,
                    payee_sealed=sealed.token,
                    payee_masked=sealed.masked,
                    amount_fen=frozen.amount_fen,
                    standards_date=frozen.standards_date,
                    decision=frozen.decision,
                    mismatches=[m.to_json() for m in mismatches],
                    mismatch_count=len(mismatches),
                    evidence=dict(evidence or {}),
                    pledge_signed=pledge_signed,
                    submitted_at=timezone.now(),
                    submitted_by=actor_user(actor),
                )
                rawsql.insert(claim)
                audit_record(
                    actor=actor,
                    action="claim.submit",
                    target_type=CLAIM.name,
                    target_id=claim.pk,
                    region=claim.region,
                    summary=f"{claim.get_channel_display()} {claim.number}：{claim.occupation}，"
                    f"{frozen.amount_fen} 分",
                    changes={
                        "to": claim.status,
                        "amount_fen": frozen.amount_fen,
                        "mismatches": [m.code.value for m in mismatches],
                    },
                )
        except IntegrityError:
            winner = (
                Claim.objects.filter(result=result, status__in=LIVE).values_list("number", flat=True).first()
            )
            if winner is None:  # the person × occupation × level × programme index refused it
                winner = (
                    Claim.objects.filter(
                        person_digest=trainee.id_digest,
                        occupation_key=facts.occupation_key(klass),
                        level=result.level or 0,
                        program=klass.program,
                        status__in=LIVE,
                    )
                    .values_list("number", flat=True)
                    .first()
                )
            if winner is None and Claim.objects.filter(number=drawn).exists():
                continue
            raise DuplicateClaim(winner or "?") from None
        return claim
    raise Conflict(
        f"no free claim number in {NUMBER_DRAWS} draws",
        shown=_("The claim could not be numbered; submit it again."),
    )


def _claimant_may(actor: Actor, claim: Claim) -> None:
    worker = worker_of(actor)
    if (
        worker is not None
        and claim.channel == Claim.Channel.WORKER
        and worker.id_digest == claim.person_digest
    ):
        return
    institution = clerk_institution(actor)
    if (
        institution is not None
        and claim.channel == Claim.Channel.INSTITUTION
        and claim.institution_id == institution.pk
    ):
        return
    raise PermissionDenied(_("Only whoever submitted the claim can correct or withdraw it."))


def claim_resubmit(
    *, actor: Actor, pk: int, payee: PayeeInput | None = None, evidence: Mapping[str, str] | None = None
) -> Claim:
    """After a return: the claimant corrects the payee or the evidence; matching runs again (the class's
    records may have been corrected meanwhile); the frozen decision stays."""
    claim = Claim.objects.select_related("result__trainee__training_class").get(pk=pk)
    _claimant_may(actor, claim)
    values: dict[str, Any] = {"corrections": {}}
    if payee is not None:
        kind, account, name = _payee(claim.channel, payee)
        sealed = seal(account, masked=mask_account(account))
        values.update(payee_kind=kind, payee_name=name, payee_sealed=sealed.token, payee_masked=sealed.masked)
    if evidence is not None:
        values["evidence"] = dict(evidence)
    # The frozen decision stays, so only matching runs, at the standards date it was decided on.
    read = _read(claim.result, list(facts.numbered(claim.result.certificate_no)))
    mismatches = _mismatches(rules_engine(), claim.result, read, claim.standards_date)
    values.update(mismatches=[m.to_json() for m in mismatches], mismatch_count=len(mismatches))
    return change_state(
        model=Claim,
        pk=pk,
        machine=CLAIM,
        action="resubmit",
        actor=actor,
        reason="",
        summary=f"重新提交申领 {claim.number}",
        region=claim.region,
        values=values,
        changes={"mismatches": [m.code.value for m in mismatches]},
    )


def claim_withdraw(*, actor: Actor, pk: int, reason: str) -> Claim:
    claim = Claim.objects.get(pk=pk)
    _claimant_may(actor, claim)
    return change_state(
        model=Claim,
        pk=pk,
        machine=CLAIM,
        action="withdraw",
        actor=actor,
        reason=reason,
        summary=f"撤回申领 {claim.number}",
        region=claim.region,
    )


# -- special groups ------------------------------------------------------------------------------


def supervision_certificate_record(
    *, actor: Actor, class_id: int, unit: str, number: str, issued_on: date, today: date | None = None
) -> SupervisionCertificate:
    """The clerk records the supervising unit's certificate for a class of a special group (002 ·
    附件4 · 8③). Its claims still waiting for the district are matched again at once; a returned one
    is matched again when it is resubmitted."""
    institution = clerk_institution(actor)
    if institution is None:
        raise PermissionDenied(_("Only the institution's clerk records its classes' certificates."))
    klass = TrainingClass.objects.filter(pk=class_id, institution=institution).first()
    if klass is None:
        raise ValidationError(
            {"training_class": _("No class %(value)s of your institution.") % {"value": class_id}}
        )
    if not klass.special_group:
        raise ValidationError(
            {
                "training_class": _(
                    "The class “%(title)s” is not filed as a special group's: its claims rest on its "
                    "attendance records."
                )
                % {"title": klass.title}
            }
        )
    unit, number = unit.strip(), number.strip()
    if not 1 <= len(unit) <= 200:
        raise ValidationError({"unit": _("Name the supervising unit (1–200 characters).")})
    if not 1 <= len(number) <= 64:
        raise ValidationError({"number": _("Give the certificate's number (1–64 characters).")})
    day = today or timezone.localdate()
    if not klass.start <= issued_on <= day:
        raise ValidationError(
            {
                "issued_on": _(
                    "The certificate's date %(value)s must lie between the class's start %(start)s and today."
                )
                % {"value": issued_on.isoformat(), "start": klass.start.isoformat()}
            }
        )
    try:
        with transaction.atomic():
            certificate = SupervisionCertificate.objects.create(
                training_class=klass,
                unit=unit,
                number=number,
                issued_on=issued_on,
                recorded_by=actor_user(actor),
            )
            rematched = {}
            for claim in Claim.objects.filter(training_class=klass, status="district_review").select_related(
                "result__trainee__training_class"
            ):
                # As on resubmission: the frozen decision stays; matching runs at its standards date.
                read = _read(claim.result, list(facts.numbered(claim.result.certificate_no)))
                mismatches = _mismatches(rules_engine(), claim.result, read, claim.standards_date)
                codes = [m.code.value for m in mismatches]
                if Claim.objects.filter(pk=claim.pk, status="district_review").update(
                    mismatches=[m.to_json() for m in mismatches], mismatch_count=len(mismatches)
                ):
                    rematched[claim.number] = codes
            audit_record(
                actor=actor,
                action="claim.supervision_certificate",
                target_type="supervision_certificate",
                target_id=certificate.pk,
                region=klass.region,
                summary=f"登记主管单位证明：{klass.title}，{unit} {number}（{issued_on}）",
                changes={"class": klass.pk, "rematched": rematched},
            )
    except IntegrityError:
        raise Conflict(
            f"certificate {number} is already recorded for class {klass.pk}",
            shown=_("Certificate %(number)s is already recorded for this class.") % {"number": number},
        ) from None
    return certificate


# -- review -------------------------------------------------------------------------------------


def _declared(actor: Actor) -> set[int]:
    """The institutions the reviewer declared an interest in."""
    user = actor_user(actor)
    if user is None:
        return set()
    return set(Interest.objects.filter(user=user).values_list("institution_id", flat=True))


def _reviewable(actor: Actor, claim: Claim, declared: set[int] | None = None) -> None:
    """The reviewer acts for the claim's region, did not submit it and declared no interest in its
    institution (`declared`, when the caller read them once for many claims)."""
    authorise(actor, claim.region)
    user = actor_user(actor)
    if user is not None and claim.submitted_by_id == user.pk:
        raise PermissionDenied(_("You cannot review a claim you submitted."))
    interests = _declared(actor) if declared is None else declared
    if user is not None and claim.institution_id is not None and claim.institution_id in interests:
        raise PermissionDenied(
            _("You declared an interest in this institution: you do not review its claims.")
        )


def _no_mismatch(claim: Claim) -> None:
    if claim.mismatch_count:
        codes = "、".join(m["code"] for m in claim.mismatches)
        raise ValidationError(
            {
                "mismatches": _("Matching found mismatches (%(codes)s): return the claim for correction.")
                % {"codes": codes}
            }
        )


def claim_return(*, actor: Actor, pk: int, corrections: Mapping[str, str], reason: str = "") -> Claim:
    """Return for correction, with a comment per field (at least one)."""
    claim = Claim.objects.get(pk=pk)
    _reviewable(actor, claim)
    comments = {k: v.strip() for k, v in corrections.items() if v and v.strip()}
    if not comments:
        raise ValidationError({"corrections": _("Comment on at least one item to return the claim.")})
    action = "return_district" if claim.status == "district_review" else "return_city"
    why = reason.strip() or "；".join(f"{k}：{v}" for k, v in comments.items())
    return change_state(
        model=Claim,
        pk=pk,
        machine=CLAIM,
        action=action,
        actor=actor,
        reason=why,
        summary=f"退回申领 {claim.number}",
        region=claim.region,
        values={"corrections": comments},
        changes={"corrections": comments},
    )


def claim_pass_district(*, actor: Actor, pk: int) -> Claim:
    claim = Claim.objects.get(pk=pk)
    _reviewable(actor, claim)
    _no_mismatch(claim)
    return change_state(
        model=Claim,
        pk=pk,
        machine=CLAIM,
        action="pass_district",
        actor=actor,
        reason="",
        summary=f"区县审核通过 {claim.number}",
        region=claim.region,
        values={"district_reviewer": actor_user(actor)},
        changes={"rule": "claim.no_mismatch"},
    )


def notice_days(region: str, on: date) -> int | None:
    """The notice length in force for `region` on `on`: a bureau's setting for the region or a region
    above it, else the policy parameter (which the documents leave empty)."""
    codes = _ancestors(region)
    setting = (
        NoticeSetting.objects.filter(region__in=codes, effective_from__lte=on)
        .order_by("-effective_from")
        .values_list("region", "working_days")
    )
    by_region: dict[str, int] = {}
    for code, days in setting:
        by_region.setdefault(code, days)
    for code in codes:
        if code in by_region:
            return by_region[code]
    value = rules_engine().regime(resolve_region(region), on).value(NOTICE_DAYS)
    return value if isinstance(value, int) else None


def _ancestors(region: str) -> list[str]:
    """The region and those above it, nearest first (district, city, province)."""
    codes = [region]
    if region[4:] != "00":
        codes.append(region[:4] + "00")
    if region[2:] != "0000":
        codes.append(region[:2] + "0000")
    return codes


def _notice_until(region: str, day: date) -> date | None:
    """The last day of a notice that starts on `day`; None while the region has no notice length."""
    days = notice_days(region, day)
    if days is None:
        return None
    try:
        return notice_end(work_calendar(), day, days)
    except CalendarError as exc:
        raise ValidationError({"notice_until": str(exc)}) from None


def claim_approve(*, actor: Actor, pk: int, today: date | None = None) -> Claim:
    """The city approves: the claim goes on public notice from today. Its last day is set now when the
    region has a notice length, else when the bureau sets one (payment waits until then)."""
    claim = Claim.objects.get(pk=pk)
    _reviewable(actor, claim)
    _no_mismatch(claim)
    day = today or timezone.localdate()
    until = _notice_until(claim.region, day)
    return change_state(
        model=Claim,
        pk=pk,
        machine=CLAIM,
        action="approve",
        actor=actor,
        reason="",
        summary=f"市级审核通过并公示 {claim.number}",
        region=claim.region,
        values={"notice_from": day, "notice_until": until},
        changes={"notice_from": day.isoformat(), "notice_until": until.isoformat() if until else None},
    )


def claim_reject(*, actor: Actor, pk: int, reason_code: str, reason: str) -> Claim:
    claim = Claim.objects.get(pk=pk)
    _reviewable(actor, claim)
    code = reason_code.strip()
    if code not in REJECT_REASONS:
        raise ValidationError(
            {
                "reason_code": _("The reason for rejection must be one of %(choices)s (given: %(value)s).")
                % {"choices": ", ".join(REJECT_REASONS), "value": repr(code)}
            }
        )
    action = {"district_review": "reject_district", "city_review": "reject_city"}.get(
        claim.status, "reject_district"
    )
    return change_state(
        model=Claim,
        pk=pk,
        machine=CLAIM,
        action=action,
        actor=actor,
        reason=reason,
        summary=f"不予补贴 {claim.number}（{REJECT_REASONS[code]}）",
        region=claim.region,
        values={"reject_reason": code},
        changes={"reason_code": code},
    )


# Stable codes of a reviewer's rejection (docs/reason-codes.md · Rejection).
REJECT_REASONS: Mapping[str, str] = {
    "records_false": "培训或考核记录不实",
    "not_the_trainee": "持证人与培训学员不是同一人",
    "not_eligible": "不符合补贴条件",
    "evidence_missing": "材料不全且逾期未补正",
    "objection_upheld": "公示异议成立",
    "other": "其他原因",
}


def claims_bulk_approve(
    *, actor: Actor, pks: Iterable[int], reason: str, today: date | None = None
) -> dict[str, list[str]]:
    """Approve (city) or pass (district) every listed claim that has no mismatch, with one reason for all.
    Returns the claim numbers done and those skipped with why; one claim's refusal stops no other.
    The claims the checks let through move together (common.transitions.change_states); the city's
    in one move per notice end, which depends on the claim's region."""
    why = required_reason(reason)
    scope = staff_scope(actor)
    city = scope is not None and scope.role is Role.CITY_BUREAU
    day = today or timezone.localdate()
    declared = _declared(actor)
    skipped: list[str] = []
    groups: dict[date | None, list[Claim]] = {}
    ends: dict[str, date | None] = {}
    for claim in Claim.objects.filter(pk__in=sorted(set(pks))).only(
        "pk", "number", "region", "institution", "submitted_by", "mismatches", "mismatch_count"
    ):
        try:
            _reviewable(actor, claim, declared)
            _no_mismatch(claim)
            if city and claim.region not in ends:
                ends[claim.region] = _notice_until(claim.region, day)
        except (ValidationError, PermissionDenied) as exc:
            skipped.append(_("%(number)s: %(why)s") % {"number": claim.number, "why": _first_message(exc)})
            continue
        groups.setdefault(ends.get(claim.region), []).append(claim)
    done: list[str] = []
    with transaction.atomic():
        for until, claims in groups.items():
            numbers = {c.pk: c.number for c in claims}
            if city:
                summary, action = "市级审核通过并公示 {}", "approve"
                values: dict[str, Any] = {"notice_from": day, "notice_until": until}
                changes: dict[str, Any] = {
                    "notice_from": day.isoformat(),
                    "notice_until": until.isoformat() if until else None,
                }
            else:
                summary, action = "区县审核通过 {}", "pass_district"
                values, changes = {"district_reviewer": actor_user(actor)}, {"rule": "claim.no_mismatch"}
            moved = change_states(
                model=Claim,
                items=[Item(c.pk, summary.format(c.number), c.region, changes) for c in claims],
                machine=CLAIM,
                action=action,
                actor=actor,
                reason="",
                values=values,
            )
            done += [numbers[pk] for pk in moved.moved]
            skipped += [
                _("%(number)s: %(why)s") % {"number": numbers[pk], "why": refusal.shown}
                for pk, refusal in moved.refused.items()
            ]
        if done:
            audit_record(
                actor=actor,
                action="claim.bulk_approve",
                target_type=CLAIM.name,
                target_id="bulk",
                summary=f"批量审核通过 {len(done)} 件",
                reason=why,
                changes={"claims": done},
            )
    return {"done": done, "skipped": skipped}


def _first_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(str(m) for m in exc.messages)
    if isinstance(exc, Conflict):
        return exc.shown
    return str(exc)


# -- notice and objections ----------------------------------------------------------------------


def notice_setting_set(
    *, actor: Actor, region: str, effective_from: date, working_days: int, reason: str
) -> NoticeSetting:
    authorise(actor, region)
    why = required_reason(reason)
    if working_days <= 0:
        raise ValidationError(
            {
                "working_days": _("The notice lasts a positive number of working days (given: %(value)s).")
                % {"value": working_days}
            }
        )
    try:
        with transaction.atomic():
            setting = NoticeSetting.objects.create(
                region=region,
                effective_from=effective_from,
                working_days=working_days,
                reason=why,
                set_by=actor_user(actor),
            )
            audit_record(
                actor=actor,
                action="claim.notice_setting",
                target_type="notice_setting",
                target_id=setting.pk,
                region=region,
                summary=f"申领公示期自 {effective_from} 起为 {working_days} 个工作日",
                reason=why,
            )
            # Claims already on notice without a last day get one, counted from their publication.
            for claim in Claim.objects.filter(
                status="notice", notice_until__isnull=True, region__startswith=region.rstrip("0")
            ):
                if claim.notice_from is not None and claim.notice_from >= effective_from:
                    until = notice_end(work_calendar(), claim.notice_from, working_days)
                    Claim.objects.filter(pk=claim.pk, notice_until__isnull=True).update(notice_until=until)
    except IntegrityError:
        raise Conflict(
            f"the notice length of {region} is already set from {effective_from}",
            shown=_("The notice length of %(region)s is already set from %(day)s.")
            % {"region": region, "day": effective_from.isoformat()},
        ) from None
    return setting


def objection_raise(
    *, claim_number: str, text: str, raised_by: str, contact: str = "", today: date | None = None
) -> Objection:
    """Anyone may object to a claim on notice, until the notice's last day."""
    claim = Claim.objects.filter(number=claim_number.strip(), status="notice").first()
    if claim is None:
        raise ValidationError(
            {"claim_number": _("No claim “%(number)s” is on notice.") % {"number": claim_number}}
        )
    if claim.notice_until is not None and (today or timezone.localdate()) > claim.notice_until:
        raise ValidationError(
            {
                "claim_number": _("The notice of claim %(number)s ended on %(day)s.")
                % {"number": claim.number, "day": claim.notice_until.isoformat()}
            }
        )
    if not text.strip():
        raise ValidationError({"text": _("Write what the objection is.")})
    with transaction.atomic():
        name, reach = raised_by.strip(), contact.strip()
        sealed_name = seal(name, masked=mask_name(name)) if name else None
        sealed_contact = seal(reach) if reach else None
        objection = Objection.objects.create(
            claim=claim,
            text=text.strip(),
            raised_by_sealed=sealed_name.token if sealed_name else "",
            raised_by_masked=sealed_name.masked if sealed_name else "匿名",
            contact_sealed=sealed_contact.token if sealed_contact else "",
            contact_masked=sealed_contact.masked if sealed_contact else "",
        )
        audit_record(
            actor=None,
            action="claim_objection.raise",
            target_type=OBJECTION.name,
            target_id=objection.pk,
            region=claim.region,
            summary=f"对申领 {claim.number} 提出异议",
        )
    return objection


def objection_answer(*, actor: Actor, pk: int, upheld: bool, answer: str) -> Objection:
    objection = Objection.objects.select_related("claim").get(pk=pk)
    claim = objection.claim
    _reviewable(actor, claim)
    text = answer.strip()
    if not text:
        raise ValidationError({"answer": _("Write the answer.")})
    with transaction.atomic():
        done = change_state(
            model=Objection,
            pk=pk,
            machine=OBJECTION,
            action="uphold" if upheld else "dismiss",
            actor=actor,
            reason=text,
            summary=f"答复对申领 {claim.number} 的异议",
            region=claim.region,
            values={"answer": text, "answered_by": actor_user(actor), "answered_at": timezone.now()},
        )
        if upheld:
            change_state(
                model=Claim,
                pk=claim.pk,
                machine=CLAIM,
                action="reject_after_objection",
                actor=actor,
                reason=text,
                summary=f"异议成立，不予补贴 {claim.number}",
                region=claim.region,
                values={"reject_reason": "objection_upheld"},
            )
    return done


def claim_clear_notice(*, actor: Actor, pk: int, today: date | None = None) -> Claim:
    """A claim whose notice has ended with no open objection (and no mismatch) becomes payable."""
    claim = Claim.objects.get(pk=pk)
    day = today or timezone.localdate()
    if claim.notice_until is None:
        raise ValidationError(
            {
                "notice_until": _(
                    "%(region)s has not set the notice length (the documents give none): no payment yet."
                )
                % {"region": claim.region}
            }
        )
    if day <= claim.notice_until:
        raise ValidationError(
            {
                "notice_until": _("The notice lasts until %(day)s: payment starts after it.")
                % {"day": claim.notice_until.isoformat()}
            }
        )
    if Objection.objects.filter(claim_id=pk, status="open").exists():
        raise ValidationError({"objections": _("An objection is not answered yet: no payment.")})
    _no_mismatch(claim)
    return change_state(
        model=Claim,
        pk=pk,
        machine=CLAIM,
        action="clear_notice",
        actor=actor,
        reason="",
        summary=f"公示期满无异议 {claim.number}",
        region=claim.region,
        changes={"notice_until": claim.notice_until.isoformat()},
    )


def notices_clear_due(*, actor: Actor, region: str, today: date | None = None) -> list[str]:
    """Every claim of `region` whose notice has ended and that may be paid (no open objection, no
    mismatch), moved together; the others are left."""
    authorise(actor, region)
    day = today or timezone.localdate()
    due = list(
        Claim.objects.filter(
            status="notice", notice_until__lt=day, mismatch_count=0, region__startswith=region.rstrip("0")
        )
        .exclude(objections__status="open")
        .order_by("pk")
        .values_list("pk", "number", "region", "notice_until")
    )
    moved = change_states(
        model=Claim,
        items=[
            Item(
                pk, f"公示期满无异议 {number}", where, {"notice_until": until.isoformat() if until else None}
            )
            for pk, number, where, until in due
        ],
        machine=CLAIM,
        action="clear_notice",
        actor=actor,
        reason="",
    )
    numbers = {pk: number for pk, number, _where, _until in due}
    return [numbers[pk] for pk in moved.moved]


# -- payment ------------------------------------------------------------------------------------


def _batch_number(region: str) -> str:
    return f"PB-{region}-{timezone.localdate():%Y%m%d}-{secrets.token_hex(3).upper()}"


# What a batch's move reads of each claim for its line (payment_attempt as the move raised it).
_LINE_SOURCES = (
    "number", "payment_attempt", "amount_fen", "payee_kind", "payee_name", "payee_sealed", "payee_masked",
)  # fmt: skip
_LINE_COLUMNS = (
    "batch_id",
    "line_no",
    "claim_id",
    "key",
    "attempt",
    "amount_fen",
    "payee_kind",
    "payee_name",
    "payee_sealed",
    "payee_masked",
    "outcome",
    "message",
    "answered_at",
)


def batch_create(*, actor: Actor, region: str, limit: int = 50_000) -> PaymentBatch:
    """A batch of the region's payable claims (no mismatch, no open objection), oldest first."""
    authorise(actor, region)
    prefix = region.rstrip("0") or region
    candidates = list(
        Claim.objects.filter(status="payable", mismatch_count=0, region__startswith=prefix)
        .exclude(objections__status="open")
        .order_by("submitted_at", "pk")
        .values_list("pk", "number")[:limit]
    )
    if not candidates:
        raise ValidationError({"region": _("No claim is waiting for payment.")})
    with transaction.atomic():
        batch = PaymentBatch.objects.create(
            number=_batch_number(region), region=region, created_by=actor_user(actor)
        )
        audit_record(
            actor=actor,
            action="payment_batch.create",
            target_type=PAYMENT_BATCH.name,
            target_id=batch.pk,
            region=region,
            summary=f"组建支付批次 {batch.number}",
        )
        # One set-based move for every candidate; a claim another batch took meanwhile is left out.
        # A line is made of what the move itself read: a candidate may have been batched, failed and
        # made payable again since it was listed, at a later attempt (whose key its line must carry).
        moved = change_states(
            model=Claim,
            items=[
                Item(pk, f"{number} 纳入支付批次 {batch.number}", region, {"batch": batch.number})
                for pk, number in candidates
            ],
            machine=CLAIM,
            action="batch",
            actor=actor,
            reason="",
            values={"payment_attempt": F("payment_attempt") + 1},
            returning=_LINE_SOURCES,
        ).returned
        if not moved:
            raise ValidationError(
                {"region": _("No claim is waiting for payment: another batch took them meanwhile.")}
            )
        lines = [
            (batch.pk, n, pk, payment.idempotency_key(number, attempt), attempt, amount, kind, name, sealed,
             masked, "", "", None)
            for n, (pk, (number, attempt, amount, kind, name, sealed, masked)) in enumerate(
                ((pk, moved[pk]) for pk, _number in candidates if pk in moved), start=1
            )
        ]  # fmt: skip
        insert_rows(PaymentLine, _LINE_COLUMNS, lines)
        total = sum(line[5] for line in lines)
        PaymentBatch.objects.filter(pk=batch.pk).update(line_count=len(lines), total_fen=total)
    batch.refresh_from_db()
    return batch


def payment_file(batch: PaymentBatch) -> payment.PaymentFile:
    """The batch's file, rebuilt from its stored lines (so a later download is byte-identical)."""
    rows = batch.lines.select_related("claim").order_by("line_no")
    return payment.PaymentFile(
        batch.number,
        tuple(
            payment.Line(
                line.line_no,
                line.claim.number,
                line.payee_name,
                unseal(line.payee_sealed),
                line.payee_kind,
                line.amount_fen,
                line.attempt,
            )
            for line in rows
        ),
    )


def batch_export(*, actor: Actor, pk: int) -> PaymentBatch:
    """Fix the batch: its files' checksums are stored and it waits for the bank."""
    batch = PaymentBatch.objects.get(pk=pk)
    authorise(actor, batch.region)
    built = payment_file(batch)
    assert built.total_fen == batch.total_fen
    return change_state(
        model=PaymentBatch,
        pk=pk,
        machine=PAYMENT_BATCH,
        action="export",
        actor=actor,
        reason="",
        summary=f"导出支付文件 {batch.number}（{batch.line_count} 笔，{payment.yuan(batch.total_fen)} 元）",
        region=batch.region,
        values={
            "csv_sha256": payment.checksum(built.csv_bytes()),
            "xlsx_sha256": "",
            "exported_at": timezone.now(),
        },
        changes={"lines": batch.line_count, "total_fen": batch.total_fen},
    )


def bank_results_import(*, actor: Actor, pk: int, content: bytes) -> dict[str, int]:
    """Apply the bank's answers. A line already answered keeps its answer (re-importing changes
    nothing); when every line is answered the batch is reconciled."""
    batch = PaymentBatch.objects.get(pk=pk)
    authorise(actor, batch.region)
    if batch.status != "exported":
        raise Conflict(
            f"batch {batch.number} is not waiting for the bank's results",
            shown=_("Batch %(number)s is not waiting for the bank's results.") % {"number": batch.number},
        )
    keys = dict(batch.lines.values_list("line_no", "key"))
    try:
        results = payment.parse_results(content, batch_number=batch.number, keys=keys)
    except payment.BankFileError as exc:
        raise ValidationError({"file": list(exc.problems)}) from None
    counts = {"paid": 0, "failed": 0, "returned": 0, "already": 0}
    action = {"paid": "pay", "failed": "fail", "returned": "bounce"}
    with transaction.atomic():
        for result in results:
            line = batch.lines.get(line_no=result.line)
            now = timezone.now()
            if not PaymentLine.objects.filter(pk=line.pk, outcome="").update(
                outcome=result.outcome.value, message=result.message, answered_at=now
            ):
                counts["already"] += 1
                continue
            values: dict[str, Any] = {"paid_at": now} if result.outcome.value == "paid" else {}
            change_state(
                model=Claim,
                pk=line.claim_id,
                machine=CLAIM,
                action=action[result.outcome.value],
                actor=actor,
                reason=result.message,
                summary=f"银行结果 {batch.number} 第{line.line_no}行：{result.outcome.label_zh}",
                region=batch.region,
                values=values,
                changes={"batch": batch.number, "line": line.line_no},
            )
            counts[result.outcome.value] += 1
        if not batch.lines.filter(outcome="").exists():
            change_state(
                model=PaymentBatch,
                pk=pk,
                machine=PAYMENT_BATCH,
                action="reconcile",
                actor=actor,
                reason="",
                summary=f"批次 {batch.number} 对账完成",
                region=batch.region,
                changes={"rule": "payment_batch.every_line_answered"},
            )
    return counts


def interest_declare(*, actor: User, institution_id: int, note: str) -> Interest:
    with transaction.atomic():
        interest, _created = Interest.objects.get_or_create(
            user=actor, institution_id=institution_id, defaults={"note": note}
        )
        audit_record(
            actor=actor,
            action="claim.interest_declare",
            target_type="institution",
            target_id=institution_id,
            summary="申报利害关系，回避该机构的申领审核",
            reason=note,
        )
    return interest
