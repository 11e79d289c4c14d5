"""The core catalog types. Framework-free; the web layer maps these onto its own tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TypedDict, Unpack

from skillsubsidy.occupations import Marker, NameParts


class Category(StrEnum):
    """类别 (000 · 附件1 · 备注1): A mostly manufacturing, B production services, C life services."""

    A = "A"
    B = "B"
    C = "C"


class CertificateType(StrEnum):
    VOCATIONAL_QUALIFICATION = "vocational_qualification"  # 职业资格证书
    SKILL_LEVEL = "skill_level"  # 职业技能等级证书
    SPECIAL_ABILITY = "special_ability"  # 专项职业能力证书
    TRAINING_QUALIFICATION = "training_qualification"  # 培训合格证书
    ENTREPRENEURSHIP = "entrepreneurship"  # 创业培训
    PRE_JOB = "pre_job"  # 职工岗前培训
    SKILL_EVALUATION = "skill_evaluation"  # 职业技能评价补贴
    APPRENTICESHIP = "apprenticeship"  # 企业新型学徒制


class SectionKind(StrEnum):
    OCCUPATIONS = "occupations"  # occupations and work types with a 大典 code
    SPECIAL_ABILITIES = "special_abilities"
    TRAINING_QUALIFICATIONS = "training_qualifications"
    QUALIFICATIONS = "qualifications"  # 职业资格 items (Shanghai)
    PROJECTS = "projects"  # 项目制培训
    SHORTAGE = "shortage"  # 紧缺型 lists with an uplift
    EVALUATION = "evaluation"  # 社会培训评价组织 may certify these levels (seed 003)


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a row came from, so every fact can be traced to its line in the official text."""

    seed: str  # file name, e.g. 000_d6c6a123f4673bde.txt
    attachment: str  # 附件4
    section: str  # section title as printed
    line: int  # 1-based line of the row's first cell in the seed
    raw: str  # the row's cells as printed, joined by " | "

    def cite(self) -> str:
        return f"{self.seed} · {self.attachment} · {self.section} · line {self.line}"


@dataclass(frozen=True, slots=True)
class Entry:
    catalog_id: str
    section: str  # Section.key
    serial: str | None  # 序号 as printed (may repeat or skip)
    code: str | None  # cleaned code as printed; validity is the quality report's business
    name: str  # normalised full name, work type included, markers removed
    occupation: str  # name without the work type
    work_type: str | None
    raw_name: str
    provenance: Provenance
    category: Category | None = None
    matched: bool = False  # Shanghai B*/C* 技岗匹配
    industry_class: str | None = None  # Jinan 行业分类, as printed
    programmes: tuple[str, ...] = ()  # Guangdong 类型
    certificate_type: CertificateType | None = None
    levels: tuple[int, ...] = ()  # levels this row may certify (seed 003)
    markers: frozenset[Marker] = field(default_factory=frozenset)
    edition: str | None = None  # 大典 edition when the source states one
    uplift_pct: Decimal | None = None  # shortage lists: 30 for "30%"
    occupation_name: str | None = None  # seed 003 职业名称 column


class EntryDetails(TypedDict, total=False):
    """Entry's optional fields, for `named_entry`; mypy checks each against Entry's own type."""

    category: Category | None
    matched: bool
    industry_class: str | None
    programmes: tuple[str, ...]
    certificate_type: CertificateType | None
    levels: tuple[int, ...]
    uplift_pct: Decimal | None
    occupation_name: str | None


def named_entry(
    parts: NameParts,
    *,
    catalog_id: str,
    section: str,
    serial: str | None,
    code: str | None,
    provenance: Provenance,
    **details: Unpack[EntryDetails],
) -> Entry:
    """An entry for a row whose name `split_name` read: name, occupation, work type, raw name,
    markers and edition all come from `parts`, so no reader can take one and forget another."""
    return Entry(
        catalog_id=catalog_id,
        section=section,
        serial=serial,
        code=code,
        name=parts.name,
        occupation=parts.occupation,
        work_type=parts.work_type,
        raw_name=parts.raw,
        provenance=provenance,
        markers=parts.markers,
        edition=parts.edition,
        **details,
    )


@dataclass(frozen=True, slots=True)
class Section:
    key: str  # stable within its catalog: "occupations", "urgent", ...
    title: str  # as printed
    kind: SectionKind
    certificate_type: CertificateType | None = None


@dataclass(frozen=True, slots=True)
class CatalogVersion:
    """One published catalog: a region's list for a period, as one official attachment states it."""

    id: str  # "jiangsu-2025", "nantong-2025-additions"
    region: str | None  # GB/T 2260 code; None when the document does not say
    title: str
    seed: str
    attachment: str
    effective_from: date | None  # None when the document states no date at all (seed 003)
    effective_to: date | None  # None: in force until replaced
    sections: tuple[Section, ...]
    entries: tuple[Entry, ...]
    assumptions: tuple[str, ...] = ()  # every guess we had to make, in words
    document_no: str | None = None  # 文号, e.g. 济人社函〔2023〕28号

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"catalog {self.id} has no section {key!r}")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Anomaly:
    """A data-quality finding. `kind` is a stable code; the original text is always kept."""

    kind: str
    message: str
    seed: str
    attachment: str
    section: str
    line: int
    original: str
    catalog_id: str | None = None
    serial: str | None = None
    suggestion: str | None = None
    severity: Severity = Severity.WARNING

    def location(self) -> str:
        where = f"{self.seed} · {self.attachment}"
        if self.section:
            where += f" · {self.section}"
        if self.serial:
            where += f" · 序号 {self.serial}"
        return f"{where} · line {self.line}"


def entry_anomaly(
    kind: str,
    entry: Entry,
    message: str,
    severity: Severity = Severity.WARNING,
    *,
    serial: str | None = None,
    suggestion: str | None = None,
    original: str | None = None,
) -> Anomaly:
    """An anomaly about one catalog entry, located by the entry's provenance and quoting its row,
    or `original` when the finding is about one cell."""
    p = entry.provenance
    return Anomaly(
        kind=kind,
        message=message,
        seed=p.seed,
        attachment=p.attachment,
        section=p.section,
        line=p.line,
        original=p.raw if original is None else original,
        catalog_id=entry.catalog_id,
        serial=entry.serial if serial is None else serial,
        suggestion=suggestion,
        severity=severity,
    )
