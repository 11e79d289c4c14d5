"""What the class pages and the API show: labels in the page's language for the codes the records
keep (no internal code reaches a Chinese page)."""

from __future__ import annotations

from django.utils.translation import get_language

from classes.models import Attendance, ClassInspection, Session
from skillsubsidy.calls.lifecycle import APPLICATION
from skillsubsidy.catalog.model import CertificateType
from skillsubsidy.classes.lifecycle import AMENDMENT, CLASS
from skillsubsidy.occupations import Level
from skillsubsidy.regions import all_regions
from skillsubsidy.rules.request import Program
from skillsubsidy.workflow import StateMachine

CERTIFICATES = {
    CertificateType.VOCATIONAL_QUALIFICATION: ("职业资格证书", "Vocational qualification certificate"),
    CertificateType.SKILL_LEVEL: ("职业技能等级证书", "Skill level certificate"),
    CertificateType.SPECIAL_ABILITY: ("专项职业能力证书", "Special ability certificate"),
    CertificateType.TRAINING_QUALIFICATION: ("培训合格证书", "Training completion certificate"),
    CertificateType.ENTREPRENEURSHIP: ("创业培训合格证书", "Entrepreneurship training certificate"),
    CertificateType.PRE_JOB: ("岗前培训合格证明", "Pre-job training record"),
    CertificateType.SKILL_EVALUATION: ("职业技能评价证书", "Skill evaluation certificate"),
    CertificateType.APPRENTICESHIP: ("企业新型学徒制培训证书", "Apprenticeship certificate"),
}
PROGRAMS = {
    Program.TRAINING: ("政府补贴性职业技能培训", "Subsidised vocational training"),
    Program.INSURED_UPGRADE: ("参保职工技能提升", "Skill upgrade of insured employees"),
    Program.PROJECT: ("项目制培训", "Project-based training"),
}
_MARKS = {
    Attendance.Mark.PRESENT: ("出勤", "Present"),
    Attendance.Mark.ABSENT: ("缺勤", "Absent"),
    Attendance.Mark.EXCUSED: ("请假", "Excused"),
}
_SOURCES = {
    Attendance.Source.DEVICE: ("考勤机", "Attendance device"),
    Attendance.Source.PERSON: ("人工记录", "Recorded by a person"),
    Attendance.Source.FACE: ("人脸识别", "Face check"),
    Attendance.Source.PLATFORM: ("平台学习记录", "Platform record"),
}
_KINDS = {
    ClassInspection.Kind.FIRST_CLASS: ("首期班实地检查", "First subsidised class, on site"),
    ClassInspection.Kind.SPOT_ONSITE: ("实地抽查", "Spot check on site"),
    ClassInspection.Kind.SPOT_ONLINE: ("线上抽查", "Spot check online"),
}
_OUTCOMES = {
    ClassInspection.Outcome.PASSED: ("未发现问题", "No problems"),
    ClassInspection.Outcome.ISSUES: ("发现问题需整改", "Problems to correct"),
    ClassInspection.Outcome.FAILED: ("发现严重问题", "Serious problems"),
}
_LEVEL_EN = {1: "Level 1", 2: "Level 2", 3: "Level 3", 4: "Level 4", 5: "Level 5"}
FIELDS = {
    "start": ("开班日期", "Start date"),
    "end": ("结束日期", "End date"),
    "venue": ("培训地点", "Venue"),
    "timetable": ("课程表", "Timetable"),
    "plan": ("培训计划", "Training plan"),
    "online_platform": ("线上培训平台", "Online platform"),
    "online_courses": ("线上课程和资源", "Online courses and resources"),
}


def _zh() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def _pick(pair: tuple[str, str]) -> str:
    return pair[0] if _zh() else pair[1]


def _pick_from(table: dict[object, tuple[str, str]], value: str) -> str:
    for key, pair in table.items():
        if key == value:
            return _pick(pair)
    return value


def _state(machine: StateMachine, value: str) -> str:
    state = machine.states.get(value)
    if state is None:
        return value
    return state.label_zh if _zh() else state.label_en


def application_label(value: str) -> str:
    return _state(APPLICATION, value)


def status_label(value: str) -> str:
    return _state(CLASS, value)


def amendment_label(value: str) -> str:
    return _state(AMENDMENT, value)


def statuses() -> list[tuple[str, str]]:
    return [(s, status_label(s)) for s in CLASS.states]


def certificate_label(value: str) -> str:
    return _pick_from(CERTIFICATES, value)  # type: ignore[arg-type]


def program_label(value: str) -> str:
    return _pick_from(PROGRAMS, value)  # type: ignore[arg-type]


def level_label(level: int | None) -> str:
    if level is None:
        return "—"
    return Level(level).label_zh if _zh() else _LEVEL_EN[level]


def mode_label(value: str) -> str:
    return str(Session.Mode(value).label) if value in Session.Mode.values else value


def mark_label(value: str) -> str:
    return _pick_from(_MARKS, value)  # type: ignore[arg-type]


def source_label(value: str) -> str:
    return _pick_from(_SOURCES, value)  # type: ignore[arg-type]


def kind_label(value: str) -> str:
    return _pick_from(_KINDS, value)  # type: ignore[arg-type]


def outcome_label(value: str) -> str:
    return _pick_from(_OUTCOMES, value)  # type: ignore[arg-type]


def field_label(value: str) -> str:
    return _pick(FIELDS[value]) if value in FIELDS else value


def move_label(action: str) -> str:
    move = CLASS.transition(action)
    return move.label_zh if _zh() else move.label_en


def certificates() -> list[tuple[str, str]]:
    return [(c.value, _pick(p)) for c, p in CERTIFICATES.items()]


def programs() -> list[tuple[str, str]]:
    return [(p.value, _pick(pair)) for p, pair in PROGRAMS.items()]


def region_label(code: str) -> str:
    """广州市天河区 on a Chinese page; "Tianhe, Guangzhou" on an English one."""
    region = all_regions().get(code)
    if region is None:
        return code
    if _zh():
        return region.qualified
    parent = all_regions().get(region.parent or "") if region.level == "district" else None
    return f"{region.en}, {parent.en}" if parent is not None else region.en
