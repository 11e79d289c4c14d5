"""附件1 (申报表) as typed data, read from a plain mapping (JSON, a web form, a YAML file) and checked
field by field. Every problem names its path (`projects[0].budget.total_fen`) and the value given,
and all problems are reported together so an applicant fixes the form in one pass."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from skillsubsidy.calls.call import Call, call_districts
from skillsubsidy.catalog.dataset import EffectiveCatalog
from skillsubsidy.catalog.model import CertificateType
from skillsubsidy.institutions.eligibility import (
    LEGAL_PERSON,
    LOCAL,
    InstitutionFacts,
    check_legal_person,
    check_local_registration,
)
from skillsubsidy.institutions.model import InstitutionKind, InvalidUscc, parse_uscc
from skillsubsidy.rules.checks import CheckResult
from skillsubsidy.rules.regime import Resolved

# The certificates after which a project's trainees may be subsidised (002 · 五, line 117).
CERTIFICATES = (
    CertificateType.TRAINING_QUALIFICATION,
    CertificateType.VOCATIONAL_QUALIFICATION,
    CertificateType.SKILL_LEVEL,
    CertificateType.SPECIAL_ABILITY,
)
CERTIFICATE_LABELS = {
    CertificateType.TRAINING_QUALIFICATION: "培训合格证书",
    CertificateType.VOCATIONAL_QUALIFICATION: "职业资格证书",
    CertificateType.SKILL_LEVEL: "职业技能等级证书",
    CertificateType.SPECIAL_ABILITY: "专项职业能力证书",
}
E = TypeVar("E", bound=StrEnum)
_MOBILE = re.compile(r"1[3-9]\d{9}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_URL = re.compile(r"https?://\S+")


class Delivery(StrEnum):
    """培训形式 (附件1 · 二): 全线下、全线上、线上+线下比例."""

    OFFLINE = "offline"
    ONLINE = "online"
    MIXED = "mixed"

    @property
    def label_zh(self) -> str:
        return {"offline": "全线下", "online": "全线上", "mixed": "线上+线下"}[self.value]


class StandardKind(StrEnum):
    """职业技能标准（考核大纲）: 国家、行业主管部门或自主设计 (附件1 · 二)."""

    NATIONAL = "national"
    INDUSTRY = "industry"
    OWN = "own"

    @property
    def label_zh(self) -> str:
        return {
            "national": "国家职业技能标准",
            "industry": "行业主管部门职业技能标准",
            "own": "自主设计职业技能标准",
        }[self.value]


@dataclass(frozen=True, slots=True)
class FormError:
    path: str
    value: object
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}（填写值：{self.value!r}）"


class FormInvalid(ValueError):
    def __init__(self, errors: tuple[FormError, ...]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    title: str  # 职务
    mobile: str  # personal data: the web seals it at rest and masks it
    email: str


@dataclass(frozen=True, slots=True)
class Staff:
    """人员信息: the total who may teach or train, and how it divides."""

    total: int
    teaching: int  # 教学和现场实训师资
    academic_affairs: int  # 教务
    other: int


@dataclass(frozen=True, slots=True)
class FinanceYear:
    year: int
    income_fen: int
    tax_fen: int | None  # 非企业性单位可不填报


@dataclass(frozen=True, slots=True)
class Unit:
    name: str
    uscc: str
    main_fields: str  # 主要培训领域
    years_established: int
    registered_capital_fen: int
    kind: InstitutionKind
    legal_representative: Person
    contact: Person
    address: str
    website: str
    own_platform_url: str | None  # None: 无
    violations: bool
    violations_detail: str
    staff: Staff
    introduction: str
    finances: tuple[FinanceYear, ...]


@dataclass(frozen=True, slots=True)
class Teachers:
    """该职业(工种）的师资信息. The 其中 groups overlap (a master may hold a title too): each is within the
    total, they need not add up to it."""

    total: int
    titled: int
    certified: int
    masters: int
    assessors: int
    other: int


@dataclass(frozen=True, slots=True)
class EquipmentRow:
    serial: int
    name: str
    brand: str
    quantity: int
    ownership: str  # 所有权归属


@dataclass(frozen=True, slots=True)
class Occupation:
    name: str
    code: str | None
    in_catalog: bool  # found in the catalog in force for the call's region (附件5 for Guangzhou)
    introduction: str
    classes: int  # 拟开设培训班次 (附件2)
    trainees: int  # 拟培训人数 (附件2)
    certificates: tuple[CertificateType, ...]
    proposed_standard_fen: int  # 建议补贴标准 (附件2)
    teachers: Teachers
    premises: str
    equipment: tuple[EquipmentRow, ...]
    strengths: str


@dataclass(frozen=True, slots=True)
class Plan:
    trainees_per_year: int
    classes: int
    class_size: int
    hours: int
    content: str
    schedule: str


@dataclass(frozen=True, slots=True)
class Budget:
    trainees: int
    standard_fen: int
    total_fen: int


@dataclass(frozen=True, slots=True)
class Project:
    type: str
    name: str
    districts: tuple[tuple[str, str], ...]  # (GB/T 2260 code, name)
    occupations: tuple[Occupation, ...]
    plan: Plan
    delivery: Delivery
    online_percent: int  # 0 offline, 100 online, 1–99 mixed
    materials: str
    standard_kind: StandardKind
    standard: str
    assessment: str
    platform: str
    other: str
    need_analysis: str
    employment_plan: str
    budget: Budget


@dataclass(frozen=True, slots=True)
class ApplicationForm:
    call_id: str
    unit: Unit
    projects: tuple[Project, ...]

    @property
    def first_district(self) -> str:
        return self.projects[0].districts[0][1]


# Given an occupation name or code, whether the catalog in force lists it (and its code when it does).
CatalogLookup = Callable[[str], str | None]


@dataclass
class _Reader:
    errors: list[FormError] = field(default_factory=list)

    def fail(self, path: str, value: object, problem: str) -> None:
        self.errors.append(FormError(path, value, problem))

    def mapping(self, data: Any, path: str) -> Mapping[str, Any]:
        if isinstance(data, Mapping):
            return data
        self.fail(path, data, "应为一组字段")
        return {}

    def items(self, data: Mapping[str, Any], key: str, path: str, *, minimum: int = 1) -> list[Any]:
        value = data.get(key)
        if not isinstance(value, list):
            self.fail(path + key, value, "应为列表")
            return []
        if len(value) < minimum:
            self.fail(path + key, value, f"至少填写{minimum}项")
        return value

    def text(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = True, limit: int = 5000
    ) -> str:
        raw = data.get(key) or ""
        if not isinstance(raw, str):
            self.fail(path + key, raw, "应为文字")
            return ""
        value = raw.strip()
        if required and not value:
            self.fail(path + key, value, "必填")
        elif len(value) > limit:
            self.fail(path + key, f"{value[:20]}…", f"不超过{limit}字")
        return value

    def integer(self, data: Mapping[str, Any], key: str, path: str, *, minimum: int = 0) -> int:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path + key, value, "应为整数")
            return 0
        if value < minimum:
            self.fail(path + key, value, f"不得小于{minimum}")
        return value

    def flag(self, data: Mapping[str, Any], key: str, path: str) -> bool:
        value = data.get(key)
        if not isinstance(value, bool):
            self.fail(path + key, value, "应为是或否")
            return False
        return value

    def choice(self, data: Mapping[str, Any], key: str, path: str, enum: type[E]) -> E | None:
        value = data.get(key)
        try:
            return enum(str(value))
        except ValueError:
            self.fail(path + key, value, f"应为 {', '.join(e.value for e in enum)} 之一")
            return None


def _person(r: _Reader, data: Any, path: str) -> Person:
    d = r.mapping(data, path)
    p = path + "."
    mobile = r.text(d, "mobile", p)
    if mobile and not _MOBILE.fullmatch(mobile):
        r.fail(p + "mobile", mobile, "应为11位手机号码")
    email = r.text(d, "email", p)
    if email and not _EMAIL.fullmatch(email):
        r.fail(p + "email", email, "电子邮箱格式不正确")
    return Person(r.text(d, "name", p, limit=50), r.text(d, "title", p, limit=50), mobile, email)


def _unit(r: _Reader, data: Any, call: Call) -> Unit:
    d = r.mapping(data, "unit")
    p = "unit."
    uscc = r.text(d, "uscc", p)
    if uscc:
        try:
            uscc = parse_uscc(uscc).code
        except InvalidUscc as exc:
            r.fail(p + "uscc", uscc, exc.problem)
    website = r.text(d, "website", p, required=False)
    if website and not _URL.fullmatch(website):
        r.fail(p + "website", website, "应为以 http:// 或 https:// 开头的网址")
    has_platform = r.flag(d, "has_own_platform", p)
    platform_url = r.text(d, "own_platform_url", p, required=has_platform) or None
    if platform_url and not has_platform:
        r.fail(p + "own_platform_url", platform_url, "选择“无”自有培训平台时不填网址")
    if platform_url and not _URL.fullmatch(platform_url):
        r.fail(p + "own_platform_url", platform_url, "应为以 http:// 或 https:// 开头的网址")
    violations = r.flag(d, "violations", p)
    detail = r.text(d, "violations_detail", p, required=violations)
    sd = r.mapping(d.get("staff"), p + "staff")
    staff = Staff(
        *(r.integer(sd, k, p + "staff.") for k in ("total", "teaching", "academic_affairs", "other"))
    )
    # 其他 is the rest of the total once teachers and academic staff are counted (附件1 · 一 · 人员信息).
    parts = staff.teaching + staff.academic_affairs + staff.other
    if parts != staff.total:
        r.fail(p + "staff.total", staff.total, f"应等于教学和现场实训师资、教务与其他人数之和 {parts}")
    finances = []
    for i, row in enumerate(r.items(d, "finances", p, minimum=0)):
        rd = r.mapping(row, f"{p}finances[{i}]")
        q = f"{p}finances[{i}]."
        tax = rd.get("tax_fen")
        finances.append(
            FinanceYear(
                r.integer(rd, "year", q, minimum=1900),
                r.integer(rd, "income_fen", q),
                None if tax is None else r.integer(rd, "tax_fen", q),
            )
        )
    years = tuple(f.year for f in finances)
    if years != call.forms.finance_years:
        r.fail(p + "finances", list(years), f"应依次填写 {', '.join(map(str, call.forms.finance_years))} 年")
    kind = r.choice(d, "kind", p, InstitutionKind)
    enterprise = kind in {
        InstitutionKind.CHAIN_LEADER,
        InstitutionKind.LEADING_ENTERPRISE,
        InstitutionKind.HR_COMPANY,
    }
    for i, f in enumerate(finances):
        if enterprise and f.tax_fen is None:
            r.fail(f"{p}finances[{i}].tax_fen", None, "企业性法人单位应填报纳税情况")
    return Unit(
        name=r.text(d, "name", p, limit=200),
        uscc=uscc,
        main_fields=r.text(d, "main_fields", p, limit=500),
        years_established=r.integer(d, "years_established", p),
        registered_capital_fen=r.integer(d, "registered_capital_fen", p),
        kind=kind or InstitutionKind.OTHER,
        legal_representative=_person(r, d.get("legal_representative"), p + "legal_representative"),
        contact=_person(r, d.get("contact"), p + "contact"),
        address=r.text(d, "address", p, limit=300),
        website=website,
        own_platform_url=platform_url,
        violations=violations,
        violations_detail=detail,
        staff=staff,
        introduction=r.text(d, "introduction", p),
        finances=tuple(finances),
    )


def _districts(r: _Reader, raw: list[Any], path: str, call: Call) -> tuple[tuple[str, str], ...]:
    by_name = call_districts(call)
    by_code = {code: name for name, code in by_name.items()}
    found: list[tuple[str, str]] = []
    for i, value in enumerate(raw):
        name = str(value).strip()
        if name in by_code:
            found.append((name, by_code[name]))
        elif name in by_name:
            found.append((by_name[name], name))
        elif name in call.forms.former_districts:
            now, note = call.forms.former_districts[name]
            r.fail(f"{path}[{i}]", value, f"{name}{note}，现为{by_code.get(now, now)}（{now}），请改选")
        else:
            r.fail(f"{path}[{i}]", value, f"不是本次征集所在地的区：可选 {'、'.join(by_name)}")
    codes = [c for c, _ in found]
    if len(set(codes)) != len(codes):
        r.fail(path, raw, "区重复")
    return tuple(found)


def _occupation(r: _Reader, data: Any, path: str, call: Call, catalog: CatalogLookup) -> Occupation:
    d = r.mapping(data, path)
    p = path + "."
    name = r.text(d, "name", p, limit=100)
    certificates: list[CertificateType] = []
    for i, c in enumerate(r.items(d, "certificates", p)):
        try:
            cert = CertificateType(c)
        except ValueError:
            cert = None
        if cert not in CERTIFICATES:
            r.fail(f"{p}certificates[{i}]", c, f"应为 {', '.join(x.value for x in CERTIFICATES)} 之一")
        elif cert is not None:
            certificates.append(cert)
    code = catalog(str(d.get("code") or name)) if name else None
    # 002 · 七（一）: the occupations come from the catalog (附件5); outside it, only a project ending
    # in a 培训合格证书 is allowed.
    if name and code is None and set(certificates) - {CertificateType.TRAINING_QUALIFICATION}:
        r.fail(
            p + "name",
            name,
            "不在本次征集适用的补贴标准目录中；"
            "目录外的职业（工种）只能申报培训合格证书项目（002 · 七（一））",
        )
    td = r.mapping(d.get("teachers"), p + "teachers")
    fields = ("total", "titled", "certified", "masters", "assessors", "other")
    teachers = Teachers(*(r.integer(td, k, p + "teachers.") for k in fields))
    for k in fields[1:]:
        if getattr(teachers, k) > teachers.total:
            r.fail(f"{p}teachers.{k}", getattr(teachers, k), f"不得超过师资总人数 {teachers.total}")
    if teachers.total < 1:
        r.fail(p + "teachers.total", teachers.total, "至少1名师资")
    equipment = []
    for i, row in enumerate(r.items(d, "equipment", p, minimum=0)):
        q = f"{p}equipment[{i}]."
        ed = r.mapping(row, q.rstrip("."))
        equipment.append(
            EquipmentRow(
                i + 1,
                r.text(ed, "name", q, limit=100),
                r.text(ed, "brand", q, required=False, limit=100),
                r.integer(ed, "quantity", q, minimum=1),
                r.text(ed, "ownership", q, limit=50),
            )
        )
    standard = r.integer(d, "proposed_standard_fen", p, minimum=1)
    if standard > call.max_per_trainee_fen:
        r.fail(
            p + "proposed_standard_fen",
            standard,
            f"建议补贴标准不得超过每人{call.max_per_trainee_fen // 100}元（{call.max_per_trainee_fen}分）",
        )
    return Occupation(
        name=name,
        code=code or None,
        in_catalog=code is not None,
        introduction=r.text(d, "introduction", p),
        classes=r.integer(d, "classes", p, minimum=1),
        trainees=r.integer(d, "trainees", p, minimum=1),
        certificates=tuple(certificates),
        proposed_standard_fen=standard,
        teachers=teachers,
        premises=r.text(d, "premises", p),
        equipment=tuple(equipment),
        strengths=r.text(d, "strengths", p),
    )


def _project(r: _Reader, data: Any, path: str, call: Call, catalog: CatalogLookup) -> Project:
    d = r.mapping(data, path)
    p = path + "."
    kind = r.text(d, "type", p)
    if kind and kind not in {t.code for t in call.project_types}:
        r.fail(p + "type", kind, f"应为 {', '.join(t.code for t in call.project_types)} 之一（002 · 三）")
    occupations = tuple(
        _occupation(r, o, f"{p}occupations[{i}]", call, catalog)
        for i, o in enumerate(r.items(d, "occupations", p))
    )
    pd = r.mapping(d.get("plan"), p + "plan")
    q = p + "plan."
    plan = Plan(
        r.integer(pd, "trainees_per_year", q, minimum=1),
        r.integer(pd, "classes", q, minimum=1),
        r.integer(pd, "class_size", q, minimum=1),
        r.integer(pd, "hours", q, minimum=1),
        r.text(pd, "content", q),
        r.text(pd, "schedule", q),
    )
    delivery = r.choice(d, "delivery", p, Delivery) or Delivery.OFFLINE
    online = d.get("online_percent")
    expected = {Delivery.OFFLINE: 0, Delivery.ONLINE: 100}.get(delivery)
    if expected is None:
        online = r.integer(d, "online_percent", p, minimum=1)
        if online > 99:
            r.fail(p + "online_percent", online, "线上+线下须写明线上比例（1–99）")
    elif online not in (None, expected):
        r.fail(p + "online_percent", online, f"{delivery.label_zh}的线上比例应为{expected}")
        online = expected
    else:
        online = expected
    bd = r.mapping(d.get("budget"), p + "budget")
    budget = Budget(
        r.integer(bd, "trainees", p + "budget.", minimum=1),
        r.integer(bd, "standard_fen", p + "budget.", minimum=1),
        r.integer(bd, "total_fen", p + "budget.", minimum=1),
    )
    if budget.trainees * budget.standard_fen != budget.total_fen:
        r.fail(
            p + "budget.total_fen",
            budget.total_fen,
            f"经费预算总额应为 培训对象人数×经费预算标准 = {budget.trainees}×{budget.standard_fen} = "
            f"{budget.trainees * budget.standard_fen} 分",
        )
    planned = sum(o.trainees for o in occupations)
    if occupations and planned != budget.trainees:
        r.fail(p + "budget.trainees", budget.trainees, f"应等于各职业（工种）拟培训人数之和 {planned}")
    return Project(
        type=kind,
        name=r.text(d, "name", p, limit=200),
        districts=_districts(r, r.items(d, "districts", p), p + "districts", call),
        occupations=occupations,
        plan=plan,
        delivery=delivery,
        online_percent=int(online),
        materials=r.text(d, "materials", p),
        standard_kind=r.choice(d, "standard_kind", p, StandardKind) or StandardKind.NATIONAL,
        standard=r.text(d, "standard", p),
        assessment=r.text(d, "assessment", p),
        platform=r.text(d, "platform", p, required=delivery is not Delivery.OFFLINE),
        other=r.text(d, "other", p, required=False),
        need_analysis=r.text(d, "need_analysis", p),
        employment_plan=r.text(d, "employment_plan", p),
        budget=budget,
    )


def read_application(data: Any, *, call: Call, catalog: CatalogLookup) -> ApplicationForm:
    """附件1 from a mapping; FormInvalid lists every problem with its path and value."""
    r = _Reader()
    d = r.mapping(data, "$")
    # A missing unit is one problem, not one per field of it.
    unit = None
    if isinstance(d.get("unit"), Mapping):
        unit = _unit(r, d["unit"], call)
    else:
        r.fail("unit", d.get("unit"), "必填")
    projects = tuple(
        _project(r, p, f"projects[{i}]", call, catalog) for i, p in enumerate(r.items(d, "projects", ""))
    )
    if r.errors or unit is None:
        raise FormInvalid(tuple(r.errors))
    return ApplicationForm(call.id, unit, projects)


def catalog_lookup(effective: EffectiveCatalog) -> CatalogLookup:
    """Occupations the catalog in force lists; for Guangzhou in 2023, 附件5 (guangdong-2023)."""

    def lookup(occupation: str) -> str | None:
        found = effective.find(occupation)
        return (found[0].code or found[0].name) if found else None

    return lookup


def applicant_checks(
    form: ApplicationForm,
    *,
    get: Callable[[str], Resolved | None],
    on: date,
    region_name: Callable[[str], str],
    legal_form: str = "",
) -> tuple[CheckResult, ...]:
    """The conditions of 002 · 一 that 附件1 itself decides, by the registry's own rules: an independent
    legal person and registration in the city, both read from the USCC (and the licence's 类型 when
    the code alone does not tell). The others (training basis, clean record, teaching resources,
    management systems) need the registry's records and a reviewer's findings (institutions)."""
    facts = InstitutionFacts(parse_uscc(form.unit.uscc), legal_form, (), (), {})
    return (
        check_legal_person(facts, rule=get(LEGAL_PERSON), on=on),
        check_local_registration(facts, rule=get(LOCAL), on=on, region_name=region_name),
    )
