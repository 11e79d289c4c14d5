"""The fields of a catalog entry and of an anomaly, written once.

Every representation of these records (the shipped CSV files, the web's tables, the exports, the
pages and the API) is made by walking these tuples and converting each value by its `Kind`; a field
added here appears everywhere, and a representation cannot forget one or spell it differently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any

from skillsubsidy.catalog.model import Anomaly, Category, CertificateType, Entry, Provenance, Severity
from skillsubsidy.occupations import Marker


class Kind(Enum):
    TEXT = "text"  # str, always present
    OPTIONAL_TEXT = "optional_text"  # str | None
    INT = "int"
    BOOL = "bool"
    DECIMAL = "decimal"  # Decimal | None, kept as written ("30" and "30.00" print differently)
    INT_LIST = "int_list"  # tuple[int, ...]
    TEXT_LIST = "text_list"  # tuple[str, ...]
    ENUM = "enum"  # one member of `Field.enum`
    OPTIONAL_ENUM = "optional_enum"  # a member of `Field.enum` or None
    ENUM_SET = "enum_set"  # frozenset of members of `Field.enum`, written sorted


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # attribute of the core record, column of the CSV file and of the web's table
    kind: Kind
    label_zh: str
    label_en: str
    enum: type[StrEnum] | None = None
    provenance: bool = False  # read from `Entry.provenance`, named without the `prov_` prefix there

    def read(self, record: Entry | Anomaly) -> Any:
        if self.provenance and isinstance(record, Entry):
            return getattr(record.provenance, self.name.removeprefix("prov_"))
        return getattr(record, self.name)


ENTRY_FIELDS: tuple[Field, ...] = (
    Field("catalog_id", Kind.TEXT, "目录", "catalog"),
    Field("section", Kind.TEXT, "部分", "section"),
    Field("serial", Kind.OPTIONAL_TEXT, "序号", "No."),
    Field("code", Kind.OPTIONAL_TEXT, "编码", "code"),
    Field("name", Kind.TEXT, "名称", "name"),
    Field("occupation", Kind.TEXT, "职业", "occupation"),
    Field("work_type", Kind.OPTIONAL_TEXT, "工种", "work type"),
    Field("raw_name", Kind.TEXT, "原文名称", "name as printed"),
    Field("category", Kind.OPTIONAL_ENUM, "类别", "category", enum=Category),
    Field("matched", Kind.BOOL, "技岗匹配", "job-matched"),
    Field("industry_class", Kind.OPTIONAL_TEXT, "行业分类", "industry class"),
    Field("programmes", Kind.TEXT_LIST, "类型", "programmes"),
    Field("certificate_type", Kind.OPTIONAL_ENUM, "证书类型", "certificate type", enum=CertificateType),
    Field("levels", Kind.INT_LIST, "等级", "levels"),
    Field("markers", Kind.ENUM_SET, "标记", "markers", enum=Marker),
    Field("edition", Kind.OPTIONAL_TEXT, "大典版本", "大典 edition"),
    Field("uplift_pct", Kind.DECIMAL, "上浮比例%", "shortage uplift %"),
    Field("occupation_name", Kind.OPTIONAL_TEXT, "职业名称", "occupation name"),
    Field("prov_seed", Kind.TEXT, "来源文件", "source file", provenance=True),
    Field("prov_attachment", Kind.TEXT, "附件", "attachment", provenance=True),
    Field("prov_section", Kind.TEXT, "原文部分", "section as printed", provenance=True),
    Field("prov_line", Kind.INT, "行号", "line", provenance=True),
    Field("prov_raw", Kind.TEXT, "原文", "row as printed", provenance=True),
)

ANOMALY_FIELDS: tuple[Field, ...] = (
    Field("kind", Kind.TEXT, "问题类型", "kind"),
    Field("severity", Kind.ENUM, "严重程度", "severity", enum=Severity),
    Field("message", Kind.TEXT, "说明", "message"),
    Field("seed", Kind.TEXT, "来源文件", "source file"),
    Field("attachment", Kind.TEXT, "附件", "attachment"),
    Field("section", Kind.TEXT, "部分", "section"),
    Field("line", Kind.INT, "行号", "line"),
    Field("serial", Kind.OPTIONAL_TEXT, "序号", "No."),
    Field("catalog_id", Kind.OPTIONAL_TEXT, "目录", "catalog"),
    Field("original", Kind.TEXT, "原文", "original text"),
    Field("suggestion", Kind.OPTIONAL_TEXT, "建议", "suggestion"),
)

ENTRY_FIELD = {f.name: f for f in ENTRY_FIELDS}
ANOMALY_FIELD = {f.name: f for f in ANOMALY_FIELDS}


def values(record: Entry | Anomaly, fields: tuple[Field, ...]) -> dict[str, Any]:
    """The record's typed values keyed by field name, in the fields' order."""
    return {f.name: f.read(record) for f in fields}


_OWN = tuple(f.name for f in ENTRY_FIELDS if not f.provenance)
_PROVENANCE = tuple((f.name, f.name.removeprefix("prov_")) for f in ENTRY_FIELDS if f.provenance)
_ANOMALY = tuple(f.name for f in ANOMALY_FIELDS)


def entry_of(typed: Mapping[str, Any]) -> Entry:
    """An Entry from typed values keyed by field name (every field of ENTRY_FIELDS)."""
    provenance = Provenance(**{attr: typed[name] for name, attr in _PROVENANCE})
    return Entry(provenance=provenance, **{name: typed[name] for name in _OWN})


def anomaly_of(typed: Mapping[str, Any]) -> Anomaly:
    return Anomaly(**{name: typed[name] for name in _ANOMALY})


def to_json(f: Field, value: Any) -> Any:
    """A JSON value: enums by their value, sets sorted, decimals as text, absent values as null."""
    match f.kind:
        case Kind.OPTIONAL_ENUM | Kind.ENUM:
            return value.value if value is not None else None
        case Kind.ENUM_SET:
            return sorted(v.value for v in value)
        case Kind.INT_LIST | Kind.TEXT_LIST:
            return list(value)
        case Kind.DECIMAL:
            return str(value) if value is not None else None
        case _:
            return value


def _same(value: Any) -> Any:
    return value


def _or_none(value: Any) -> Any:
    return value or None


def decoder(f: Field) -> Callable[[Any], Any]:
    """The inverse of `to_json` for field `f` (a stored column's "" also stands for absent). Readers
    that decode many rows take it once per field, not once per value."""
    enum: Callable[[Any], Any] = f.enum if f.enum is not None else _same
    match f.kind:
        case Kind.OPTIONAL_TEXT:
            return _or_none
        case Kind.ENUM:
            return enum
        case Kind.OPTIONAL_ENUM:
            return lambda v: enum(v) if v else None
        case Kind.ENUM_SET:
            return lambda v: frozenset(enum(item) for item in v)
        case Kind.INT_LIST:
            return lambda v: tuple(int(item) for item in v)
        case Kind.TEXT_LIST:
            return tuple
        case Kind.DECIMAL:
            return lambda v: Decimal(v) if v else None
        case _:
            return _same


def category_label(e: Entry) -> str:
    """The category as the documents print it: Shanghai's job-matched items carry a star (B*, C*)."""
    return (e.category.value + ("*" if e.matched else "")) if e.category else ""
