"""Forms of the class pages: each parses what its service cannot receive untyped (dates, the sessions
written one a line, files) and shows the service's refusal beside the input it names."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from classes import services
from classes.models import Amendment, ClassInspection, Employment, TrainingClass
from common.actor import Actor
from common.forms import IsoDateField, ReasonField, ServiceForm, WholeNumberField, quoted
from institutions.models import Institution
from skillsubsidy.ingest.tables import RawTable

_SPLIT = re.compile(r"\s*[|｜,，\t]\s*")
_ONLINE = {"线上": True, "online": True, "线下": False, "offline": False}


def parse_sessions(text: str) -> list[services.SessionInput]:
    """One session a line: `date | topic | class hours | 线上 or 线下`."""
    out = []
    for n, line in enumerate((ln for ln in text.splitlines() if ln.strip()), 1):
        parts = _SPLIT.split(line.strip())
        if len(parts) != 4:
            raise ValidationError(
                {"sessions": f"第{n}行“{line.strip()}”应为“日期 | 内容 | 课时 | 线上或线下”四项，用竖线分隔"}
            )
        day, topic, hours, mode = parts
        try:
            on = date.fromisoformat(day)
        except ValueError:
            raise ValidationError({"sessions": f"第{n}行的日期“{day}”无效，应为 YYYY-MM-DD"}) from None
        try:
            amount = Decimal(hours)
        except InvalidOperation:
            raise ValidationError({"sessions": f"第{n}行的课时“{hours}”不是数字"}) from None
        if mode.lower() not in _ONLINE:
            raise ValidationError({"sessions": f"第{n}行的方式“{mode}”无效，应为线上或线下"})
        out.append(services.SessionInput(on, topic, amount, _ONLINE[mode.lower()]))
    return out


class ClassForm(ServiceForm):
    inputs: ClassVar[tuple[str, ...]] = (
        "title",
        "occupation",
        "level",
        "certificate_type",
        "program",
        "project",
        "special_group",
        "start",
        "end",
        "venue",
        "timetable",
        "sessions",
        "teachers",
        "online_platform",
        "online_courses",
        "plan",
    )
    title = forms.CharField(required=False, label=_("Class name"))
    occupation = forms.CharField(required=False, label=_("Occupation (work type)"))
    level = WholeNumberField(required=False, label=_("Level"))
    certificate_type = forms.CharField(required=False, label=_("Certificate type"))
    program = forms.CharField(required=False, label=_("Programme"))
    project = WholeNumberField(required=False, label=_("Project"))
    special_group = forms.CharField(required=False, label=_("Special group"))
    start = IsoDateField(label=_("Start date"))
    end = IsoDateField(label=_("End date"))
    venue = forms.CharField(required=False, label=_("Venue"))
    timetable = forms.CharField(required=False, label=_("Timetable"))
    sessions = forms.CharField(required=False, label=_("Sessions"), max_length=8000)
    teachers = forms.MultipleChoiceField(required=False, label=_("Teachers"), choices=())
    online_platform = forms.CharField(required=False, label=_("Online platform"))
    online_courses = forms.CharField(required=False, label=_("Online courses and resources"))
    plan = forms.CharField(required=False, label=_("Training plan"), max_length=8000)

    def __init__(self, data: Any, *, institution: Institution) -> None:
        super().__init__(data)
        field = self.fields["teachers"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(t.pk), f"{t.name}（{t.occupation}）") for t in institution.teachers.all()]

    def submit(self, *, actor: Actor) -> TrainingClass | None:
        def create(d: dict[str, Any]) -> TrainingClass:
            return services.class_create(
                actor=actor,
                title=d["title"],
                occupation=d["occupation"],
                level=d["level"],
                certificate_type=d["certificate_type"],
                program=d["program"],
                project_id=d["project"],
                special_group=d["special_group"],
                start=d["start"],
                end=d["end"],
                venue=d["venue"],
                timetable=d["timetable"],
                sessions=parse_sessions(d["sessions"]),
                teacher_ids=[int(t) for t in d["teachers"]],
                online_platform=d["online_platform"],
                online_courses=d["online_courses"],
                plan=d["plan"],
            )

        return self.run(create)


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))


class MoveForm(ServiceForm):
    action = forms.CharField()
    reason = ReasonField(label=_("Reason"))


class InspectionForm(ServiceForm):
    """A district's check of a class. The class page lists every refusal above its forms, so no field
    is an input shown beside its own message: each one names its field by its label."""

    inputs: ClassVar[tuple[str, ...]] = ()
    # Plain text: the service refuses an unknown kind or outcome, naming it, as the API gets it too.
    kind = forms.CharField(required=False, label=_("Kind of check"))
    on = IsoDateField(label=_("Date"))
    outcome = forms.CharField(required=False, label=_("Result"))
    findings = forms.CharField(required=False, label=_("Findings"))
    present = WholeNumberField(required=False, label=_("Trainees present"))
    suspend = forms.BooleanField(required=False, label=_("Suspend the class"))

    def submit(self, *, actor: Actor, training_class: TrainingClass) -> ClassInspection | None:
        return self.run(
            lambda d: services.inspection_record(
                actor=actor,
                training_class=training_class,
                kind=d["kind"],
                on=d["on"],
                outcome=d["outcome"],
                findings=d["findings"],
                present=d["present"],
                suspend=d["suspend"],
            )
        )


class AmendmentForm(ServiceForm):
    """A clerk's amendment of a filed class; as on the inspection form, every refusal names its field
    by its label above the form."""

    inputs: ClassVar[tuple[str, ...]] = ()
    start = forms.CharField(required=False, label=_("Start date"))
    end = forms.CharField(required=False, label=_("End date"))
    venue = forms.CharField(required=False, label=_("Venue"))
    timetable = forms.CharField(required=False, label=_("Timetable"))
    plan = forms.CharField(required=False, label=_("Training plan"), max_length=8000)
    online_platform = forms.CharField(required=False, label=_("Online platform"))
    online_courses = forms.CharField(required=False, label=_("Online courses and resources"))
    reason = ReasonField(label=_("Reason"))

    def submit(self, *, actor: Actor, training_class: TrainingClass) -> Amendment | None:
        def propose(d: dict[str, Any]) -> Amendment:
            changes = {f: d[f] for f in services.AMENDABLE if d.get(f, "").strip()}
            return services.amendment_propose(
                actor=actor, training_class=training_class, changes=changes, reason=d["reason"]
            )

        return self.run(propose)


class RevealForm(ServiceForm):
    reason = ReasonField(label=_("Reason"))


class CompletionForm(ServiceForm):
    completed = forms.ChoiceField(choices=(("yes", "yes"), ("no", "no"), ("auto", "auto")))
    reason = ReasonField(label=_("Reason"))


# -- spreadsheets of attendance and results ----------------------------------------------------

_MARKS = {"出勤": "present", "缺勤": "absent", "请假": "excused", "present": "present", "absent": "absent"}
_SOURCES = {"考勤机": "device", "人工": "person", "人脸识别": "face", "平台": "platform"}
_ATTENDANCE = {"上课日期": "on", "日期": "on", "课次": "session", "证件号码": "id", "身份证号": "id"}
_ATTENDANCE |= {"出勤情况": "mark", "来源": "source", "时间": "at"}
_ATTENDANCE |= {"平台学习时长（分钟）": "minutes", "平台学习时长(分钟)": "minutes"}
_RESULTS = {
    "证件号码": "id",
    "身份证号": "id",
    "考核结果": "passed",
    "证书编号": "number",
    "发证日期": "issued",
}


def _rows(
    tables: Sequence[RawTable], headings: dict[str, str], required: tuple[str, ...]
) -> list[dict[str, str]]:
    for table in tables:
        for i, row in enumerate(table.rows[:10]):
            columns = {headings[c.text.strip()]: j for j, c in enumerate(row) if c.text.strip() in headings}
            if all(r in columns for r in required):
                return [
                    {f: (cells[j].text.strip() if j < len(cells) else "") for f, j in columns.items()}
                    for cells in table.rows[i + 1 :]
                    if any(c.text.strip() for c in cells)
                ]
    wanted = "、".join(k for k, v in headings.items() if v in required)
    raise ValidationError({"file": f"表中没有找到所需的列：{wanted}"})


def attendance_rows(tables: Sequence[RawTable]) -> tuple[list[services.AttendanceInput], list[str]]:
    """Attendance rows: 上课日期 (the session's date), 课次 (its number in the timetable, needed only
    when the class has two sessions that day), 证件号码, 出勤情况 (出勤/缺勤/请假), 来源
    (考勤机/人工/人脸识别/平台), 时间, and for online sessions the platform's 学习时长（分钟）."""
    out, problems = [], []
    for n, r in enumerate(_rows(tables, _ATTENDANCE, ("on", "id", "mark", "source", "at")), 1):
        try:
            on = date.fromisoformat(r["on"].replace("/", "-")[:10])
        except ValueError:
            problems.append(
                gettext("Row %(row)d: session date “%(value)s” is not a date; write it as YYYY-MM-DD.")
                % {"row": n, "value": quoted(r["on"])}
            )
            continue
        number = r.get("session", "")
        if number and not number.isdecimal():
            problems.append(
                gettext("Row %(row)d: session number “%(value)s” is not a whole number.")
                % {"row": n, "value": quoted(number)}
            )
            continue
        try:
            at = datetime.fromisoformat(r["at"].replace("/", "-"))
        except ValueError:
            problems.append(
                gettext("Row %(row)d: time “%(value)s” is not a time; write it as YYYY-MM-DD HH:MM.")
                % {"row": n, "value": quoted(r["at"])}
            )
            continue
        minutes = r.get("minutes", "")
        out.append(
            services.AttendanceInput(
                on=on,
                session=int(number) if number else None,
                id_number=r["id"],
                mark=_MARKS.get(r["mark"], r["mark"]),
                source=_SOURCES.get(r["source"], r["source"]),
                at=timezone.make_aware(at) if timezone.is_naive(at) else at,
                platform_minutes=int(minutes) if minutes.isdecimal() else None,
            )
        )
    return out, problems


def result_rows(tables: Sequence[RawTable]) -> tuple[list[services.ResultInput], list[str]]:
    """Result rows: 证件号码, 考核结果 (合格/不合格), 证书编号, 发证日期."""
    out, problems = [], []
    for n, r in enumerate(_rows(tables, _RESULTS, ("id", "passed")), 1):
        if r["passed"] not in ("合格", "不合格"):
            problems.append(f"第{n}行：考核结果“{r['passed']}”无效，应为合格或不合格")
            continue
        issued = None
        if r.get("issued"):
            try:
                issued = date.fromisoformat(r["issued"].replace("/", "-"))
            except ValueError:
                problems.append(f"第{n}行：发证日期“{r['issued']}”无效，应为 YYYY-MM-DD")
                continue
        out.append(services.ResultInput(r["id"], r["passed"] == "合格", r.get("number", ""), issued))
    return out, problems


class EmploymentForm(ServiceForm):
    """A former trainee's employment after training, recorded from the institution's page."""

    inputs: ClassVar[tuple[str, ...]] = ("id_number", "employed", "employer", "source", "on")
    id_number = forms.CharField(required=False)
    employed = forms.ChoiceField(
        label=_("Employed"), choices=(("yes", _("Employed")), ("no", _("Not employed")))
    )
    employer = forms.CharField(required=False)
    source = forms.CharField(required=False)
    on = IsoDateField(label=_("Known on"))

    def __init__(self, data: Any, *, institution: Institution, actor: Actor, today: date) -> None:
        super().__init__(data)
        self.institution, self.actor, self.today = institution, actor, today

    def submit(self) -> Employment | None:
        return self.run(
            lambda d: services.employment_record(
                actor=self.actor,
                institution=self.institution,
                id_number=d["id_number"],
                employed=d["employed"] == "yes",
                employer=d["employer"],
                source=d["source"],
                on=d["on"],
                today=self.today,
            )
        )
