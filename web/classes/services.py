"""Writes to classes. The institution's clerk files and runs its own classes; districts inspect,
suspend, approve amendments and close; results come from the bureau or the evaluation institution it
commissions. Every move goes through common.transitions.change_state with the CLASS or AMENDMENT
table, every write leaves an audit row in its transaction, and ID numbers are sealed before storing.

Race safety of the overlap check (the same person in two classes at once): a write that puts people
on a class that holds their time first locks one PersonLock row per person, in digest order, then
looks for overlapping classes, then writes, all in one transaction. On PostgreSQL the lock is
SELECT … FOR UPDATE (the rows are inserted with ON CONFLICT DO NOTHING first, so an absent row is no
gap); on SQLite every write transaction starts with BEGIN IMMEDIATE, so writers run one at a time.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from calendars.selectors import work_calendar
from calls.models import Application
from calls.selectors import IN_TRACKING
from catalogs.uploads import parse_limits
from classes import selectors
from classes.models import (
    HOLDING_STATES,
    Amendment,
    Attendance,
    ClassInspection,
    Employment,
    PersonLock,
    Result,
    Session,
    SpecialGroup,
    Trainee,
    TrainingClass,
)
from common.actor import Actor, actor_user, authorise
from common.errors import Conflict, required_reason
from common.forms import quoted
from common.personal import digest, seal, unseal
from common.transitions import actor_role, change_state, remove_in_state
from institutions.models import Approval, Institution, Teacher
from institutions.selectors import clerk_institution
from skillsubsidy.calls.lifecycle import APPLICATION
from skillsubsidy.catalog.model import CertificateType
from skillsubsidy.classes import filing
from skillsubsidy.classes.ids import IdKind, check_id, mask
from skillsubsidy.classes.lifecycle import AMENDMENT, CLASS
from skillsubsidy.classes.roster import (
    RosterContext,
    RosterError,
    RowOutcome,
    RowReason,
    check_rows,
    roster_rows,
)
from skillsubsidy.ingest.tables import RawTable, TableImportError, read_tables
from skillsubsidy.institutions.lifecycle import INSTITUTION
from skillsubsidy.institutions.model import Role as CatalogRole
from skillsubsidy.occupations import Level
from skillsubsidy.regions import all_regions
from skillsubsidy.rules.checks import HoursFacts
from skillsubsidy.rules.decision import Outcome
from skillsubsidy.rules.regime import listing_kinds, look_up
from skillsubsidy.rules.request import Program
from standards.selectors import engine

MAX_ROSTER_BYTES = 5 * 1024 * 1024
# Amendable after filing, with the district's approval (issue 11: changes after filing are amendments).
AMENDABLE = ("start", "end", "venue", "timetable", "plan", "online_platform", "online_courses")
BUREAU_ROLES = frozenset({"district_bureau", "city_bureau", "platform_admin"})


class FilingRefused(ValidationError):
    """The filing rules that stopped a filing, each with its rule id and plain message."""

    def __init__(self, reasons: Sequence[tuple[str, str]]) -> None:
        super().__init__([f"{message}（{rule}）" for rule, message in reasons])
        self.reasons = tuple(reasons)


# -- who acts ----------------------------------------------------------------------------------


def _clerk_of(actor: Actor, training_class: TrainingClass | None = None) -> Institution:
    """The clerk's institution; for an existing class, it must be the class's."""
    institution = clerk_institution(actor)
    if institution is None:
        raise PermissionDenied("only an institution's clerk files and runs its classes")
    if training_class is not None and training_class.institution_id != institution.pk:
        raise PermissionDenied("a clerk acts only for its own institution's classes")
    return institution


def _bureau(actor: Actor, training_class: TrainingClass) -> None:
    if actor_role(actor) not in BUREAU_ROLES:
        raise PermissionDenied("bureau staff only")
    authorise(actor, training_class.region)


def _audit(training_class: TrainingClass, actor: Actor, action: str, summary: str, **kw: Any) -> None:
    audit_record(
        actor=actor,
        action=f"class.{action}",
        target_type=CLASS.name,
        target_id=training_class.pk,
        region=training_class.region,
        summary=summary,
        **kw,
    )


def _text(field: str, value: str, *, limit: int, required: bool = True) -> str:
    text = value.strip()
    if required and not text:
        raise ValidationError({field: "必填"})
    if len(text) > limit:
        raise ValidationError({field: f"不超过{limit}个字符（现为{len(text)}个）"})
    return text


# -- who may file ------------------------------------------------------------------------------


def refusal_of(institution: Institution) -> str | None:
    """Why this institution may not file a class now, in Chinese; None when it may (listed only:
    002 · 附件4 · 8① — suspended institutions start no class, removed ones are out of the catalog)."""
    if institution.status == "listed":
        return None
    label = INSTITUTION.states[institution.status].label_zh
    if institution.status == "removed":
        return (
            f"本机构已被清退出承训机构目录（当前状态：{label}），不能新建或提交开班备案；"
            "已开班的班级可继续培训至结束"
        )
    if institution.status == "suspended":
        return f"本机构已被暂停开班（当前状态：{label}），暂停期间不能新建或提交开班备案"
    return f"本机构尚未列入承训机构目录（当前状态：{label}），不能开班备案"


def standing(
    institution: Institution, *, occupation: str, level: int | None, on: date
) -> filing.InstitutionStanding:
    """What the registry says for a filing on `on`: an approval to train this occupation at this level
    (an approval without a level covers special abilities) in force on `on`, and the state."""
    approvals = Approval.objects.filter(
        institution=institution,
        role=CatalogRole.TRAINING.value,
        valid_from__lte=on,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    approvals = approvals.filter(Q(occupation=occupation) | Q(occupation_code=occupation))
    approvals = approvals.filter(level=level) if level is not None else approvals.filter(level__isnull=True)
    return filing.InstitutionStanding(
        approved_for=approvals.exists(),
        may_start=institution.status == "listed",
        state_label=INSTITUTION.states[institution.status].label_zh,
    )


def project_standing(training_class: TrainingClass) -> tuple[str | None, bool | None]:
    """Project-based training runs only for a project in tracking (002 · 七（三）; the project call's
    application, calls.selectors.IN_TRACKING): its state's label and whether it is in tracking, read
    on the filing day; (None, None) for other programmes."""
    if training_class.program != Program.PROJECT.value:
        return None, None
    application = (
        Application.objects.filter(pk=training_class.project_id).first()
        if training_class.project_id
        else None
    )
    if application is None:
        return "未指定项目", False
    label = APPLICATION.states[application.status].label_zh
    return label, application.status in IN_TRACKING


# -- creating a draft --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionInput:
    on: date
    topic: str
    hours: Decimal
    online: bool


def _level(value: int | None) -> int | None:
    if value is None:
        return None
    if value not in {lv.value for lv in Level}:
        raise ValidationError({"level": f"等级 {value!r} 无效，应为 1–5"})
    return value


def _occupation(name: str, on: date, region: str, ctype: str, program: str) -> tuple[str, str]:
    """The occupation as the catalog prints it, and its code; an unknown one is refused."""
    text = _text("occupation", name, limit=100)
    eng = engine()
    if not eng.names.known(text):
        near = eng.names.suggest(text)
        hint = f"；您是不是要找：{'、'.join(near)}？" if near else ""
        raise ValidationError({"occupation": f"职业（工种）“{text}”不在任何已载入的目录中{hint}"})
    regime = eng.regime(all_regions()[region], on)
    listing = look_up(
        regime.catalog, eng.names, text, listing_kinds(CertificateType(ctype), Program(program))
    )
    entry = listing.entries[0] if listing.entries else None
    return text, (entry.code or "") if entry is not None else ""


def _sessions(sessions: Sequence[SessionInput], start: date, end: date) -> None:
    if not sessions:
        raise ValidationError({"sessions": "至少填写一次课（日期、内容、课时、线上或线下）"})
    for i, s in enumerate(sessions, 1):
        if not start <= s.on <= end:
            raise ValidationError({"sessions": f"第{i}次课的日期 {s.on} 不在开班日期 {start}–{end} 内"})
        if not s.hours.is_finite() or s.hours <= 0 or s.hours > 24:
            raise ValidationError({"sessions": f"第{i}次课的课时 {s.hours} 无效，应大于 0 且不超过 24"})
        _text("sessions", s.topic, limit=200)


def class_create(
    *,
    actor: Actor,
    title: str,
    occupation: str,
    level: int | None,
    certificate_type: str,
    program: str,
    start: date,
    end: date,
    venue: str,
    plan: str,
    sessions: Sequence[SessionInput],
    teacher_ids: Iterable[int] = (),
    timetable: str = "",
    online_platform: str = "",
    online_courses: str = "",
    project_ref: str = "",
    project_id: int | None = None,
    special_group: str = "",
    demo: bool = False,
) -> TrainingClass:
    """A draft class of the clerk's institution. A suspended or removed institution files nothing.
    Project-based training names the institution's project (its application to a project call). A
    class of a special group (002 · 附件4 · 8③) says so, for its claims' matching."""
    institution = _clerk_of(actor)
    if (why := refusal_of(institution)) is not None:
        raise ValidationError(why)
    if certificate_type not in {c.value for c in CertificateType}:
        raise ValidationError({"certificate_type": f"证书类型 {certificate_type!r} 无效"})
    if program not in {p.value for p in Program}:
        raise ValidationError({"program": f"补贴项目 {program!r} 无效"})
    if end < start:
        raise ValidationError({"end": f"结束日期 {end} 早于开班日期 {start}"})
    if special_group not in SpecialGroup.values:
        raise ValidationError(
            {
                "special_group": _("Not a special group: %(value)s; choose one of %(choices)s")
                % {"value": repr(special_group), "choices": ", ".join(v for v in SpecialGroup.values if v)}
            }
        )
    project = None
    if program == Program.PROJECT.value:
        project = Application.objects.filter(pk=project_id or 0, institution=institution).first()
        if project is None:
            raise ValidationError({"project": f"项目制培训须选择本机构揭榜的项目（收到：{project_id!r}）"})
        project_ref = project_ref.strip() or project.project_name[:64]
    name, code = _occupation(occupation, start, institution.region, certificate_type, program)
    _sessions(sessions, start, end)
    online = any(s.online for s in sessions)
    if online and not online_platform.strip():
        raise ValidationError({"online_platform": "有线上课时的班级须填写线上培训平台名称"})
    if online and not online_courses.strip():
        raise ValidationError({"online_courses": "有线上课时的班级须填写线上课程和资源"})
    teachers = list(Teacher.objects.filter(institution=institution, pk__in=list(teacher_ids)))
    if len(teachers) != len(set(teacher_ids)):
        raise ValidationError({"teachers": "授课教师须从本机构的教师名录中选择"})
    with transaction.atomic():
        cls = TrainingClass.objects.create(
            institution=institution,
            region=institution.region,
            title=_text("title", title, limit=200),
            occupation=name,
            occupation_code=code,
            level=_level(level),
            certificate_type=certificate_type,
            program=program,
            project_ref=_text("project_ref", project_ref, limit=64, required=False),
            project=project,
            special_group=special_group,
            start=start,
            end=end,
            timetable=_text("timetable", timetable, limit=4000, required=False),
            venue=_text("venue", venue, limit=300),
            online_platform=_text("online_platform", online_platform, limit=200, required=False),
            online_courses=_text("online_courses", online_courses, limit=4000, required=False),
            plan=_text("plan", plan, limit=8000),
            created_by=actor_user(actor),
            demo=demo,
        )
        cls.teachers.set(teachers)
        Session.objects.bulk_create(
            Session(
                training_class=cls,
                on=s.on,
                topic=s.topic.strip(),
                hours=s.hours,
                mode=Session.Mode.ONLINE if s.online else Session.Mode.OFFLINE,
            )
            for s in sessions
        )
        _audit(cls, actor, "create", f"新建开班备案草稿：{cls.title}")
    return cls


# -- the roster --------------------------------------------------------------------------------


def _lock_people(digests: Iterable[str]) -> None:
    """Lock one row per person, in digest order, for the rest of the transaction."""
    ordered = sorted(set(digests))
    if not ordered:
        return
    PersonLock.objects.bulk_create([PersonLock(digest=d) for d in ordered], ignore_conflicts=True)
    for i in range(0, len(ordered), 500):
        list(
            PersonLock.objects.select_for_update()
            .filter(digest__in=ordered[i : i + 500])
            .order_by("digest")
            .values_list("digest", flat=True)
        )


def overlapping(
    digests: Iterable[str], start: date, end: date, *, exclude: int | None
) -> dict[str, TrainingClass]:
    """Each person (by digest) already in another class that holds their time between start and end.
    Two steps, so that the planner uses the (digest, start, end) index and never scans by state: the
    enrolments of these people at these dates, then which of their classes hold time."""
    wanted = sorted(set(digests))
    candidates: list[tuple[str, int]] = []
    for i in range(0, len(wanted), 500):
        candidates += list(
            Trainee.objects.filter(id_digest__in=wanted[i : i + 500], start__lte=end, end__gte=start)
            .exclude(training_class_id=exclude)
            .values_list("id_digest", "training_class_id")
        )
    if not candidates:
        return {}
    ids = sorted({c for _, c in candidates})
    holding = {
        c.pk: c
        for i in range(0, len(ids), 500)
        for c in TrainingClass.objects.filter(pk__in=ids[i : i + 500], status__in=HOLDING_STATES)
    }
    found: dict[str, TrainingClass] = {}
    for d, c in candidates:
        if c in holding:
            found.setdefault(d, holding[c])
    return found


def _overlap_reason(other: TrainingClass) -> RowReason:
    return RowReason(
        "overlapping_class",
        f"已在“{other.title}”（{other.start}至{other.end}）的名册中，培训时间重叠，同一人不能同时参加两个班",
        True,
    )


def _context(training_class: TrainingClass) -> RosterContext:
    eng = engine()
    region = all_regions()[training_class.region]
    regime = (
        eng.regime(region, training_class.start) if training_class.program == Program.PROJECT.value else None
    )
    return RosterContext(
        region, Program(training_class.program), training_class.start, regime, dict(eng.store.params.groups)
    )


def read_roster_upload(file_name: str, data: bytes) -> list[RawTable]:
    if Path(file_name).suffix.lower() not in (".xlsx", ".csv"):
        raise ValidationError({"file": f"“{file_name}”：请上传 .xlsx 或 .csv 格式的花名册"})
    if len(data) > MAX_ROSTER_BYTES:
        raise ValidationError({"file": f"“{file_name}”超过 {MAX_ROSTER_BYTES // 1024 // 1024} MB 的上限"})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"roster{Path(file_name).suffix.lower()}"
        path.write_bytes(data)
        # In this process, with the upload limits: the child-process reader's pipe does not carry the
        # mark of a cell stored as a number, which the roster check needs (id_excel_number).
        try:
            return read_tables(path, parse_limits().tables)
        except TableImportError as exc:
            raise ValidationError({"file": f"“{file_name}”无法读取：{exc}"}) from None


@dataclass(frozen=True, slots=True)
class _Person:
    row: int
    name: str
    number: str
    kind: IdKind
    sex: str
    birth_date: date | None
    phone: str
    groups: str


def roster_upload(
    *, actor: Actor, training_class: TrainingClass, file_name: str, data: bytes
) -> list[RowOutcome]:
    """Check every row of the roster (classes.roster, the CLI's code) and the overlap with other
    classes; keep the rows that pass, replacing the draft's roster; report every row's outcome."""
    _clerk_of(actor, training_class)
    if training_class.status != "draft":
        raise Conflict("花名册只能在提交备案前上传；备案后的变更请提交变更申请")
    try:
        rows = roster_rows(read_roster_upload(file_name, data), Path(file_name).name)
    except RosterError as exc:
        raise ValidationError({"file": str(exc)}) from None
    outcomes = check_rows(rows, _context(training_class))
    people: dict[int, _Person] = {}
    for row, outcome in zip(rows, outcomes, strict=True):
        if not outcome.ok:
            continue
        cell = row.cells["id_number"]
        checked = check_id(cell.text, numeric_cell=cell.numeric)
        sex = checked.sex.value if checked.sex else {"男": "M", "女": "F"}.get(row.text("sex"), "")
        people[row.row] = _Person(
            row.row, outcome.name, checked.number, checked.kind or IdKind.RESIDENT, sex, checked.birth_date,
            row.text("phone"), row.text("groups")[:200],
        )  # fmt: skip
    digests = {r: digest(p.number) for r, p in people.items()}
    with transaction.atomic():
        _lock_people(digests.values())
        clash = overlapping(
            digests.values(), training_class.start, training_class.end, exclude=training_class.pk
        )
        final: list[RowOutcome] = []
        for o in outcomes:
            other = clash.get(digests.get(o.row, ""))
            if other is not None:
                o = RowOutcome(o.row, o.name, o.id_masked, (*o.reasons, _overlap_reason(other)))
                people.pop(o.row, None)
            final.append(o)
        Trainee.objects.filter(training_class=training_class).delete()
        trainees = []
        for p in people.values():
            sealed = seal(p.number, masked=mask(p.number))
            phone = seal(p.phone) if p.phone else None
            trainees.append(
                Trainee(
                    training_class=training_class,
                    row=p.row,
                    name=p.name[:50],
                    id_kind=p.kind.value,
                    id_sealed=sealed.token,
                    id_digest=sealed.digest,
                    id_masked=sealed.masked,
                    sex=p.sex,
                    birth_date=p.birth_date,
                    phone_sealed=phone.token if phone else "",
                    phone_masked=phone.masked if phone else "",
                    groups=p.groups,
                    start=training_class.start,
                    end=training_class.end,
                )
            )
        Trainee.objects.bulk_create(trainees, batch_size=1000)
        report = [{**o.to_json(), "id_masked": o.id_masked} for o in final]
        TrainingClass.objects.filter(pk=training_class.pk).update(roster_report=report)
        refused = sum(not o.ok for o in final)
        _audit(
            training_class,
            actor,
            "roster",
            f"上传花名册“{Path(file_name).name}”：{len(final)}行，"
            f"通过{len(final) - refused}行，未通过{refused}行",
        )
    training_class.roster_report = report
    return final


# -- filing and the moves ----------------------------------------------------------------------


def hours_facts(training_class: TrainingClass) -> HoursFacts:
    sessions = list(training_class.sessions.all())
    total = sum((s.hours for s in sessions), Decimal(0))
    online = sum((s.hours for s in sessions if s.mode == Session.Mode.ONLINE), Decimal(0))
    level = Level(training_class.level) if training_class.level else None
    eng = engine()
    regime = eng.regime(all_regions()[training_class.region], training_class.start)
    listing = look_up(
        regime.catalog,
        eng.names,
        training_class.occupation,
        listing_kinds(CertificateType(training_class.certificate_type), Program(training_class.program)),
    )
    entry = listing.entries[0] if listing.entries else None
    return HoursFacts(level=level, total=total, online=online, entry=entry)


def filing_checks(training_class: TrainingClass, *, today: date) -> list[Any]:
    """Every filing rule (classes.filing) for this class if it were filed today."""
    project_state, in_tracking = project_standing(training_class)
    facts = filing.ClassFacts(
        occupation=training_class.occupation,
        level=Level(training_class.level) if training_class.level else None,
        start=training_class.start,
        filed_on=today,
        hours=hours_facts(training_class),
        institution=standing(
            training_class.institution,
            occupation=training_class.occupation,
            level=training_class.level,
            on=training_class.start,
        ),
        project_state=project_state,
        project_in_tracking=in_tracking,
    )
    regime = engine().regime(all_regions()[training_class.region], training_class.start)
    return filing.check_filing(facts, regime=regime, calendar=work_calendar())


def class_file(*, actor: Actor, training_class: TrainingClass, today: date) -> TrainingClass:
    """File the draft (draft → filed) when every filing rule passes, the roster has people and no
    refused row, and none of them is in another class at the same time."""
    institution = _clerk_of(actor, training_class)
    institution.refresh_from_db()
    if (why := refusal_of(institution)) is not None:
        raise FilingRefused([(filing.INSTITUTION_MAY_START, why)])
    results = filing_checks(training_class, today=today)
    reasons = [
        (r.rule, r.reason.message) for r in results if r.outcome is Outcome.FAILED and r.reason is not None
    ]
    report = TrainingClass.objects.filter(pk=training_class.pk).values_list("roster_report", flat=True).get()
    refused = [r for r in report if not r.get("ok")]
    if refused:
        reasons.append(("class.roster.checked", f"花名册中有{len(refused)}行未通过检查，请修改后重新上传"))
    with transaction.atomic():
        digests = list(
            Trainee.objects.filter(training_class=training_class).values_list("id_digest", flat=True)
        )
        if not digests:
            reasons.append(("class.roster.checked", "花名册为空，请先上传花名册"))
        _lock_people(digests)
        clash = overlapping(digests, training_class.start, training_class.end, exclude=training_class.pk)
        for d, other in clash.items():
            who = Trainee.objects.filter(training_class=training_class, id_digest=d).first()
            shown = f"{who.name}（{who.id_masked}）" if who else ""
            reasons.append(
                (
                    "class.roster.overlap",
                    f"{shown}已在“{other.title}”（{other.start}至{other.end}）的名册中，培训时间重叠",
                )
            )
        if reasons:
            raise FilingRefused(reasons)
        return change_state(
            model=TrainingClass,
            pk=training_class.pk,
            machine=CLASS,
            action="file",
            actor=actor,
            reason="",
            summary=f"提交开班备案：{training_class.title}，{len(digests)}人",
            region=training_class.region,
            values={"filed_on": today},
            changes={
                "checks": [
                    {
                        "rule": r.rule,
                        "outcome": r.outcome.value,
                        "code": r.reason.code.value if r.reason else None,
                    }
                    for r in results
                ]
            },
        )


def class_move(
    *, actor: Actor, training_class: TrainingClass, action: str, reason: str = "", today: date | None = None
) -> TrainingClass:
    """A move of the CLASS table other than filing: the clerk withdraws, starts and finishes its own
    class; bureau staff of the class's region suspend, resume, assess, close and cancel.

    A class starts on its filed start date or later (`today`: the bureau's local date unless
    given): it was filed for that date, and its roster was checked on it (002 · 附件4 · 8②)."""
    if action == "file":
        raise ValueError("filing checks the rules: use class_file")
    move = CLASS.transition(action)
    if actor is None:
        pass  # a machine step (starting and finishing on the day); the table checks the role
    elif "institution" in move.roles and actor_role(actor) == "institution":
        _clerk_of(actor, training_class)
    else:
        _bureau(actor, training_class)
    if action == "assess":
        missing = Trainee.objects.filter(training_class=training_class, result__isnull=True).count()
        if missing:
            raise ValidationError(f"还有{missing}名学员没有考核结果，全部录入后才能完成考核")
    if action == "discard":
        raise ValueError("drafts are deleted with class_discard")
    unless_changed: dict[str, Any] = {}
    if action == "start":
        day = today or timezone.localdate()
        # The start date as stored now (an approved amendment may have moved it), and the same
        # condition in the move's UPDATE, so a date moved meanwhile cannot let it through.
        start = TrainingClass.objects.filter(pk=training_class.pk).values_list("start", flat=True).first()
        if start is not None and day < start:
            raise ValidationError(
                _("This class can start on its filed start date, %(start)s, or later; today is %(today)s.")
                % {"start": start.isoformat(), "today": day.isoformat()}
            )
        unless_changed["start__lte"] = day
    return change_state(
        model=TrainingClass,
        pk=training_class.pk,
        machine=CLASS,
        action=action,
        actor=actor,
        reason=reason,
        summary=f"{move.label_zh}：{training_class.title}",
        region=training_class.region,
        unless_changed=unless_changed,
    )


def class_commission(*, actor: Actor, training_class: TrainingClass, evaluator: Institution | None) -> None:
    """The bureau commissions an evaluation institution (or assesses itself, with None)."""
    _bureau(actor, training_class)
    if evaluator is not None:
        ok = Approval.objects.filter(
            institution=evaluator, role=CatalogRole.EVALUATION.value, occupation=training_class.occupation
        ).exists()
        if not ok or evaluator.status != "listed":
            raise ValidationError(
                {
                    "evaluator": f"“{evaluator.name}”不是已列入目录、"
                    f"可评价“{training_class.occupation}”的评价机构"
                }
            )
    with transaction.atomic():
        TrainingClass.objects.filter(pk=training_class.pk).update(evaluator=evaluator)
        _audit(
            training_class,
            actor,
            "commission",
            f"委托评价机构：{evaluator.name if evaluator else '由人社部门自行考核'}",
        )
    training_class.evaluator = evaluator


# -- inspections -------------------------------------------------------------------------------


def inspection_record(
    *,
    actor: Actor,
    training_class: TrainingClass,
    kind: str,
    on: date,
    outcome: str,
    findings: str,
    present: int | None = None,
    suspend: bool = False,
) -> ClassInspection:
    """A district's on-site or online check (001 · 二（二）4). Suspending a running class is the
    CLASS table's `suspend`, with the findings as its reason, in the same transaction."""
    _bureau(actor, training_class)
    if kind not in ClassInspection.Kind.values:
        raise ValidationError({"kind": f"检查方式 {kind!r} 无效"})
    if outcome not in ClassInspection.Outcome.values:
        raise ValidationError({"outcome": f"检查结论 {outcome!r} 无效"})
    text = _text("findings", findings, limit=4000)
    user = actor_user(actor)
    if user is None:
        raise PermissionDenied("an inspection names its inspector")
    with transaction.atomic():
        if suspend:
            class_move(actor=actor, training_class=training_class, action="suspend", reason=text)
        inspection = ClassInspection.objects.create(
            training_class=training_class,
            kind=kind,
            on=on,
            outcome=outcome,
            findings=text,
            present=present,
            suspended=suspend,
            inspector=user,
        )
        _audit(
            training_class,
            actor,
            "inspect",
            f"检查（{ClassInspection.Kind(kind).label}）：{ClassInspection.Outcome(outcome).label}",
            changes={"inspection": inspection.pk, "suspended": suspend},
        )
    return inspection


# -- amendments --------------------------------------------------------------------------------


def amendment_propose(
    *, actor: Actor, training_class: TrainingClass, changes: Mapping[str, str], reason: str
) -> Amendment:
    """A change to a filed or running class, waiting for the district; the class keeps its state."""
    _clerk_of(actor, training_class)
    why = required_reason(reason)
    if training_class.status not in ("filed", "running"):
        raise Conflict("只有已备案或培训中的班级可以申请变更")
    diff: dict[str, dict[str, str]] = {}
    for field, value in changes.items():
        if field not in AMENDABLE:
            raise ValidationError({field: "该项不能通过变更申请修改"})
        old = str(getattr(training_class, field))
        new = value.strip()
        if field in ("start", "end"):
            try:
                date.fromisoformat(new)
            except ValueError:
                raise ValidationError({field: f"日期“{value}”无效，应为 YYYY-MM-DD"}) from None
            if field == "start" and training_class.status != "filed":
                raise ValidationError({"start": "已开班的班级不能变更开班日期"})
        if new != old:
            diff[field] = {"from": old, "to": new}
    if not diff:
        raise ValidationError("没有需要变更的内容")
    try:
        with transaction.atomic():
            amendment = Amendment.objects.create(
                training_class=training_class, changes=diff, reason=why, proposed_by=actor_user(actor)
            )
            _audit(training_class, actor, "amend", f"申请变更：{'、'.join(diff)}", reason=why, changes=diff)
    except IntegrityError:
        raise Conflict("该班级已有一项待审核的变更申请") from None
    return amendment


def amendment_decide(*, actor: Actor, amendment: Amendment, action: str, reason: str = "") -> Amendment:
    """approve / refuse (the district of the class) or withdraw (the clerk). Approving applies the
    changes; new dates move the roster's dates too, under the overlap check."""
    cls = amendment.training_class
    if action == "withdraw":
        _clerk_of(actor, cls)
    else:
        if actor_role(actor) != "district_bureau":
            raise PermissionDenied("the district approves amendments")
        authorise(actor, cls.region)
    with transaction.atomic():
        if action == "approve":
            fresh = TrainingClass.objects.select_for_update().get(pk=cls.pk)
            values: dict[str, Any] = {}
            for field, change in amendment.changes.items():
                values[field] = (
                    date.fromisoformat(change["to"]) if field in ("start", "end") else change["to"]
                )
            start, end = values.get("start", fresh.start), values.get("end", fresh.end)
            if end < start:
                raise ValidationError({"end": f"结束日期 {end} 早于开班日期 {start}"})
            if "start" in values or "end" in values:
                digests = list(fresh.trainees.values_list("id_digest", flat=True))
                _lock_people(digests)
                clash = overlapping(digests, start, end, exclude=fresh.pk)
                if clash:
                    raise ValidationError(f"变更后的日期与其他班级重叠（{len(clash)}人），不能同意")
                Trainee.objects.filter(training_class=fresh).update(start=start, end=end)
            TrainingClass.objects.filter(pk=fresh.pk).update(**values)
        return change_state(
            model=Amendment,
            pk=amendment.pk,
            machine=AMENDMENT,
            action=action,
            actor=actor,
            reason=reason,
            summary=f"变更申请（{'、'.join(amendment.changes)}）：{AMENDMENT.transition(action).label_zh}",
            region=cls.region,
            changes=dict(amendment.changes) if action == "approve" else None,
        )


# -- attendance and completion -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttendanceInput:
    on: date  # the session's date
    id_number: str
    mark: str
    source: str
    at: datetime
    # The session's number in the timetable, from 1: needed only when the class has more than one
    # session that day (the timetable keeps no time of day).
    session: int | None = None
    platform_minutes: int | None = None


def _numbers(day: Sequence[tuple[int, Session]]) -> str:
    return ", ".join(str(n) for n, _s in day)


def _session_of(
    row: int, r: AttendanceInput, by_day: Mapping[date, list[tuple[int, Session]]], span: str
) -> Session | str:
    """The session an attendance row names by its date (and number, when its day has two), or why
    none: each message names the field and the value given."""
    day = by_day.get(r.on, [])
    if not day:
        return _(
            "Row %(row)d: session date %(value)s: the class has no session that day (its sessions: %(span)s)."
        ) % {"row": row, "value": r.on.isoformat(), "span": span}
    if r.session is None:
        if len(day) > 1:
            return _(
                "Row %(row)d: session date %(value)s has %(n)d sessions (numbers %(numbers)s): "
                "give the session number too."
            ) % {"row": row, "value": r.on.isoformat(), "n": len(day), "numbers": _numbers(day)}
        return day[0][1]
    for n, session in day:
        if n == r.session:
            return session
    return _("Row %(row)d: session number %(value)d is not on %(date)s (that day's: %(numbers)s).") % {
        "row": row,
        "value": r.session,
        "date": r.on.isoformat(),
        "numbers": _numbers(day),
    }


def attendance_record(
    *, actor: Actor, training_class: TrainingClass, rows: Sequence[AttendanceInput]
) -> tuple[int, list[str]]:
    """Record attendance (one row per session and trainee; a second record replaces the first). A row
    names its session by date, and by its number in the timetable when that day has two. Returns how
    many were written and a message per refused row; valid rows are kept."""
    if actor_role(actor) == "institution":
        _clerk_of(actor, training_class)
    else:
        _bureau(actor, training_class)
    if training_class.status not in ("running", "suspended", "finished"):
        raise Conflict(
            "attendance is recorded once the class has started",
            shown=_("Attendance can be recorded only once the class has started."),
        )
    sessions = list(training_class.sessions.order_by("on", "id"))
    by_day: dict[date, list[tuple[int, Session]]] = {}
    for n, s in enumerate(sessions, 1):
        by_day.setdefault(s.on, []).append((n, s))
    span = f"{sessions[0].on.isoformat()} – {sessions[-1].on.isoformat()}" if sessions else "—"
    trainees = {t.id_digest: t for t in training_class.trainees.all()}
    problems: list[str] = []
    keep: dict[tuple[int, int], Attendance] = {}
    for i, r in enumerate(rows, 1):
        session = _session_of(i, r, by_day, span)
        if isinstance(session, str):
            problems.append(session)
            continue
        trainee = trainees.get(digest(r.id_number.strip().upper()))
        if trainee is None:
            problems.append(
                _("Row %(row)d: ID number %(value)s is not on this class's roster.")
                % {"row": i, "value": mask(r.id_number.strip())}
            )
            continue
        if r.mark not in Attendance.Mark.values:
            problems.append(
                _("Row %(row)d: attendance “%(value)s” is not one of present, absent or excused.")
                % {"row": i, "value": quoted(r.mark)}
            )
            continue
        if r.source not in Attendance.Source.values:
            problems.append(
                _("Row %(row)d: source “%(value)s” is not one of device, person, face check or platform.")
                % {"row": i, "value": quoted(r.source)}
            )
            continue
        keep[(session.pk, trainee.pk)] = Attendance(
            session=session,
            trainee=trainee,
            mark=r.mark,
            source=r.source,
            at=r.at,
            platform_minutes=r.platform_minutes,
        )
    with transaction.atomic():
        for (session_id, trainee_id), a in keep.items():
            Attendance.objects.update_or_create(
                session_id=session_id,
                trainee_id=trainee_id,
                defaults={
                    "mark": a.mark,
                    "source": a.source,
                    "at": a.at,
                    "platform_minutes": a.platform_minutes,
                },
            )
        _audit(training_class, actor, "attendance", f"录入考勤{len(keep)}条，未通过{len(problems)}条")
    return len(keep), problems


_COMPLETION = {True: "合格", False: "不合格", None: "按考勤计算"}


def completion_override(*, actor: Actor, trainee: Trainee, completed: bool | None, reason: str) -> None:
    """Set a trainee's completion by hand, which attendance otherwise decides: bureau staff only, with a
    reason (issue 11: never entered by hand without one). None goes back to attendance."""
    _bureau(actor, trainee.training_class)
    why = required_reason(reason)
    with transaction.atomic():
        Trainee.objects.filter(pk=trainee.pk).update(completion_override=completed, completion_reason=why)
        _audit(
            trainee.training_class,
            actor,
            "completion",
            f"{trainee.name}（{trainee.id_masked}）结业认定改为：{_COMPLETION[completed]}",
            reason=why,
        )


# -- results -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResultInput:
    id_number: str
    passed: bool
    certificate_no: str = ""
    issued_on: date | None = None


def _assessor(actor: Actor, training_class: TrainingClass) -> tuple[Institution | None, str]:
    """Who records results: the bureau of the class's region (issuer: the evaluator commissioned, or
    the bureau), or the clerk of the commissioned evaluation institution."""
    if actor_role(actor) == "institution":
        institution = clerk_institution(actor)
        if institution is None or training_class.evaluator_id != institution.pk:
            raise PermissionDenied(
                "only the evaluation institution commissioned for this class records its results"
            )
        return institution, institution.name
    _bureau(actor, training_class)
    if training_class.evaluator is not None:
        return training_class.evaluator, training_class.evaluator.name
    return None, f"{selectors.region_name(training_class.region)}人力资源和社会保障局"


def results_record(
    *, actor: Actor, training_class: TrainingClass, rows: Sequence[ResultInput]
) -> tuple[int, list[str]]:
    """Record each trainee's result (a second one for the same trainee is refused: a result is a
    record, corrected by the bureau in the audit trail, not overwritten). Returns how many were
    written and a message per refused row; the valid rows are kept."""
    evaluator, issuer = _assessor(actor, training_class)
    if training_class.status != "finished":
        raise Conflict("考核结果只能在培训结束后、完成考核前录入")
    trainees = {t.id_digest: t for t in training_class.trainees.filter(result__isnull=True)}
    written, problems = 0, []
    for i, r in enumerate(rows, 1):
        trainee = trainees.pop(digest(r.id_number.strip().upper()), None)
        if trainee is None:
            problems.append(f"第{i}行：证件号码 {mask(r.id_number.strip())} 不在本班名册中，或已有考核结果")
            continue
        number = r.certificate_no.strip()
        if r.passed and (not number or r.issued_on is None):
            problems.append(f"第{i}行：考核合格须填写证书编号和发证日期")
            continue
        if not r.passed and (number or r.issued_on):
            problems.append(f"第{i}行：考核不合格不应有证书编号或发证日期")
            continue
        try:
            with transaction.atomic():
                Result.objects.create(
                    trainee=trainee,
                    passed=r.passed,
                    evaluator=evaluator,
                    issuer=issuer,
                    certificate_type=training_class.certificate_type,
                    level=training_class.level,
                    certificate_no=number if r.passed else "",
                    issued_on=r.issued_on if r.passed else None,
                    recorded_by=actor_user(actor),
                )
                written += 1
        except IntegrityError:
            problems.append(
                f"第{i}行：证书编号“{number}”已被{issuer}用于另一张证书，同一发证机构的证书编号不能重复"
            )
    with transaction.atomic():
        _audit(
            training_class,
            actor,
            "results",
            f"录入考核结果{written}条（发证：{issuer}），未通过{len(problems)}条",
        )
    return written, problems


# -- employment after training -----------------------------------------------------------------

# A trainee's later work is asked about once the training is over (finished, assessed or closed).
TRAINED_STATES = ("finished", "assessed", "closed")


@transaction.atomic
def employment_record(
    *,
    actor: Actor,
    institution: Institution,
    id_number: str,
    employed: bool,
    source: str,
    on: date,
    today: date,
    employer: str = "",
) -> Employment:
    """Record what is known of a former trainee's employment: by the institution's own clerk (its
    follow-up) or by bureau staff of its region (a social-insurance record, a worker's report). The
    person is found by ID number among the institution's trainees whose class ended by `on`."""
    if actor_role(actor) == "institution":
        if clerk_institution(actor) != institution:
            raise PermissionDenied("a clerk records only its own institution's trainees")
    elif actor_role(actor) in BUREAU_ROLES:
        authorise(actor, institution.region)
    else:
        raise PermissionDenied("the institution's clerk or bureau staff only")
    user = actor_user(actor)
    if user is None:
        raise PermissionDenied("an employment record needs a named recorder")
    if source not in Employment.Source.values:
        raise ValidationError(
            {"source": _("Source %(value)r is not one of: %(known)s")
             % {"value": source, "known": ", ".join(str(label) for label in Employment.Source.labels)}}
        )  # fmt: skip
    if on > today:
        raise ValidationError(
            {"on": _("The date %(on)s is later than today (%(today)s)") % {"on": on, "today": today}}
        )
    name = employer.strip()
    if not employed and name:
        raise ValidationError({"employer": _("Give an employer only for someone who is employed")})
    if len(name) > 200:
        raise ValidationError(
            {"employer": _("%(label)s: at most %(limit)d characters (now %(n)d)")
             % {"label": _("Employer"), "limit": 200, "n": len(name)}}
        )  # fmt: skip
    number = id_number.strip().upper()
    trainee = (
        Trainee.objects.filter(
            training_class__institution=institution,
            training_class__status__in=TRAINED_STATES,
            id_digest=digest(number),
            end__lte=on,
        )
        .select_related("training_class")
        .order_by("-end", "-pk")
        .first()
    )
    if trainee is None:
        raise ValidationError(
            {"id_number": _("%(id)s is not on the roster of a class of this institution that ended by %(on)s")
             % {"id": mask(number), "on": on}}
        )  # fmt: skip
    try:
        with transaction.atomic():
            record = Employment.objects.create(
                trainee=trainee, employed=employed, employer=name, source=source, on=on, recorded_by=user
            )
    except IntegrityError:
        raise ValidationError(
            {
                "id_number": _("Employment after training is already recorded for %(id)s")
                % {"id": trainee.id_masked}
            }
        ) from None
    _audit(
        trainee.training_class,
        actor,
        "employment",
        f"记录 {trainee.id_masked} 培训后就业情况：{'已就业' if employed else '未就业'}（{on}，"
        f"来源：{Employment.Source(source).label}）",
    )
    return record


# -- personal data -----------------------------------------------------------------------------


def id_reveal(*, actor: Actor, trainee: Trainee, reason: str) -> str:
    """The whole ID number, for bureau staff of the class's region who need it; audited."""
    _bureau(actor, trainee.training_class)
    why = required_reason(reason)
    with transaction.atomic():
        _audit(trainee.training_class, actor, "reveal_id", f"查看{trainee.name}的完整证件号码", reason=why)
    return unseal(trainee.id_sealed)


def class_discard(*, actor: Actor, training_class: TrainingClass) -> None:
    _clerk_of(actor, training_class)
    remove_in_state(
        model=TrainingClass,
        pk=training_class.pk,
        machine=CLASS,
        action="discard",
        actor=actor,
        reason="",
        summary=f"删除草稿：{training_class.title}",
        region=training_class.region,
    )
