"""Institution kinds and the unified social credit code (统一社会信用代码)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError


class InstitutionKind(StrEnum):
    """单位性质, the eight boxes of 002 · 附件1 · 一、申报主体单位基本情况 (the code is the API contract)."""

    CHAIN_LEADER = "chain_leader"
    LEADING_ENTERPRISE = "leading_enterprise"
    HR_APPROVED = "hr_approved"
    HR_COMPANY = "hr_company"
    TECHNICIAN_COLLEGE = "technician_college"
    VOCATIONAL_COLLEGE = "vocational_college"
    INDUSTRY_ASSOCIATION = "industry_association"
    OTHER = "other"

    @property
    def label_zh(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    InstitutionKind.CHAIN_LEADER: "链主企业",
    InstitutionKind.LEADING_ENTERPRISE: "龙头企业",
    InstitutionKind.HR_APPROVED: "人社部门批复的培训机构",
    InstitutionKind.HR_COMPANY: "人力资源公司",
    InstitutionKind.TECHNICIAN_COLLEGE: "技工院校",
    InstitutionKind.VOCATIONAL_COLLEGE: "职业院校",
    InstitutionKind.INDUSTRY_ASSOCIATION: "行业协会",
    InstitutionKind.OTHER: "其他",
}


class Role(StrEnum):
    """What an institution is listed for: the two institution catalogs of 001 · 二（二）."""

    TRAINING = "training"  # 承训机构
    EVALUATION = "evaluation"  # 评价机构


class InvalidUscc(ValueError):
    """`problem` in Chinese, `problem_en` in English (an English page must not show the Chinese)."""

    def __init__(self, value: str, problem: str, problem_en: str) -> None:
        super().__init__(f"统一社会信用代码 {value!r} 无效：{problem}")
        self.value = value
        self.problem = problem
        self.problem_en = problem_en


@dataclass(frozen=True, slots=True)
class EntityType:
    code: str  # digits 1–2
    authority: str
    name: str
    legal_person: bool | None  # None: the code alone does not tell


@dataclass(frozen=True, slots=True)
class Uscc:
    """A valid code and what its digits say (GB 32100-2015)."""

    code: str
    entity: EntityType
    division: str  # digits 3–8: the GB/T 2260 code of the registering authority's region

    def registered_within(self, region_code: str) -> bool:
        """True when the registering authority sits in `region_code` or below it. Compared by the
        GB/T 2260 prefix (province 2 digits, city 4), so a code issued under a district's former
        number (440183 增城市, now 440118) still counts for its city."""
        prefix = region_code.rstrip("0") if region_code.endswith("00") else region_code
        if len(prefix) % 2:
            prefix += "0"
        return self.division.startswith(prefix)


@cache
def _types() -> dict[str, Any]:
    text = resources.files("skillsubsidy.data").joinpath("uscc_types.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def legal_form_is_legal_person(form: str) -> bool | None:
    """Whether a form printed on a licence is a legal person; None for a form the data does not list."""
    value = _types()["legal_forms"].get(form.strip())
    return None if value is None else bool(value)


def known_legal_forms() -> tuple[str, ...]:
    return tuple(_types()["legal_forms"])


_PROBLEMS: dict[type[Exception], tuple[str, str]] = {
    stdnum_uscc.InvalidLength: ("应为18位", "it should have 18 characters"),
    stdnum_uscc.InvalidFormat: (
        "含有不允许的字符（只允许数字和除I、O、Z、S、V以外的大写字母）",
        "it has characters that are not allowed (only digits and capital letters other than I, O, Z, S, V)",
    ),
    stdnum_uscc.InvalidChecksum: ("校验码不符", "the check character does not match"),
    stdnum_uscc.InvalidComponent: (
        "登记管理部门或机构类别代码无效",
        "the registering authority or the entity-type code is not valid",
    ),
}


def parse_uscc(value: str) -> Uscc:
    """Validate a code (python-stdnum `cn.uscc`) and read its parts; InvalidUscc names what is wrong."""
    raw = value if isinstance(value, str) else str(value)
    try:
        code = stdnum_uscc.validate(raw)
    except StdnumError as exc:
        zh, en = next((p for kind, p in _PROBLEMS.items() if isinstance(exc, kind)), (str(exc), str(exc)))
        raise InvalidUscc(raw, zh, en) from None
    kinds = _types()
    entry = kinds["types"].get(code[:2])
    if entry is None:
        raise InvalidUscc(
            raw,
            f"机构类别代码 {code[:2]} 不在 GB 32100-2015 表1 中",
            f"the entity-type code {code[:2]} is not in GB 32100-2015 table 1",
        )
    entity = EntityType(code[:2], kinds["authorities"][code[0]], entry["name"], entry["legal_person"])
    return Uscc(code, entity, code[2:8])
