"""Importing institutions from the spreadsheet a bureau keeps: a preview that lists every row's
anomalies before anything is written, then a commit that writes the valid rows through the services,
all of them or none.

The file is read with the general table reader (skillsubsidy.ingest.tables), which keeps every cell
as text, so an 18-character credit code or a phone number stored as a number is not turned into a
float. The preview is computed again at commit time from the same bytes: what the registry holds may
have changed between the two requests, and the commit must not trust what the browser sends back.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.selectors import staff_scope
from audit.services import audit_record
from catalogs.selectors import current_dataset, search_index
from common.actor import Actor
from institutions import services
from institutions.models import Institution
from skillsubsidy.catalog.profile import UnknownOccupation, occupation_profile
from skillsubsidy.ingest.tables import RawTable, TableImportError, read_tables
from skillsubsidy.institutions.model import InstitutionKind, InvalidUscc, parse_uscc
from skillsubsidy.occupations import parse_levels
from skillsubsidy.regions import UnknownRegion, all_regions, resolve_region

MAX_BYTES = 5 * 1024 * 1024
# The spreadsheet's headings (as bureaus print them) and the service argument each fills.
COLUMNS = {
    "单位名称": "name",
    "统一社会信用代码": "uscc",
    "单位性质": "kind",
    "所在区": "region",
    "地址": "address",
    "法定代表人": "legal_rep_name",
    "联系人": "contact_name",
    "联系电话": "contact_phone",
    "可培训职业(工种)": "occupations",
    "等级": "levels",
    "法人类型": "legal_form",
}
REQUIRED = ("单位名称", "统一社会信用代码", "单位性质", "所在区", "地址", "法定代表人", "联系人", "联系电话")
_KINDS = {k.label_zh: k.value for k in InstitutionKind}


def _heading(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")")


@dataclass
class Row:
    line: int  # the spreadsheet's row number, as the bureau sees it
    values: dict[str, str]
    region: str = ""
    occupations: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()
    anomalies: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Preview:
    file_name: str
    digest: str
    rows: tuple[Row, ...]

    @property
    def valid(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if not r.anomalies)


def _table(file_name: str, data: bytes) -> RawTable:
    if Path(file_name).suffix.lower() != ".xlsx":
        raise ValidationError({"file": f"{file_name!r}：请上传 .xlsx 文件"})
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": f"{file_name!r} 超过 {MAX_BYTES} 字节的上限"})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "import.xlsx"
        path.write_bytes(data)
        try:
            tables = read_tables(path)
        except (TableImportError, OSError, ValueError, KeyError) as exc:
            raise ValidationError({"file": f"{file_name!r} 无法读取：{exc}"}) from None
    for table in tables:
        for i, row in enumerate(table.rows):
            if any(_heading(c.text) == "统一社会信用代码" for c in row):
                return RawTable(table.source, table.fmt, table.index, table.rows[i:], sheet=table.sheet)
    raise ValidationError({"file": f"{file_name!r} 中没有找到含“统一社会信用代码”列的表头"})


def _district(text: str, actor: Actor) -> tuple[str, str | None]:
    """The region code of a 所在区 cell, read within the actor's own region first (天河区 → 广州市天河区)."""
    scope = staff_scope(actor)
    home = all_regions().get(scope.region) if scope and scope.region else None
    attempts = ([f"{home.name}{text}"] if home else []) + [text]
    for attempt in attempts:
        try:
            code = resolve_region(attempt).code
        except UnknownRegion:
            continue
        if scope is None or not scope.covers(code):
            return "", f"所在区 {text!r} 不在本账号的辖区内"
        return code, None
    return "", f"所在区 {text!r} 不是已知的区县"


def preview(*, actor: Actor, file_name: str, data: bytes) -> Preview:
    """Every row with its anomalies; nothing is written."""
    table = _table(file_name, data)
    header = [_heading(c.text) for c in table.rows[0]]
    where = {name: header.index(_heading(name)) for name in COLUMNS if _heading(name) in header}
    missing = [name for name in REQUIRED if name not in where]
    if missing:
        raise ValidationError({"file": f"{file_name!r} 缺少列：{'、'.join(missing)}"})
    registered = dict(Institution.objects.values_list("uscc", "name"))
    seen: dict[str, int] = {}
    rows = []
    for cells in table.rows[1:]:
        values = {COLUMNS[name]: cells[i].text.strip() if i < len(cells) else "" for name, i in where.items()}
        if not any(values.values()):
            continue
        row = Row(line=cells[0].row, values=values)
        for name in REQUIRED:
            if not values[COLUMNS[name]]:
                row.anomalies.append(f"{name} 为空")
        _check(row, actor, registered, seen)
        rows.append(row)
    if not rows:
        raise ValidationError({"file": f"{file_name!r} 表头下没有数据行"})
    return Preview(file_name, hashlib.sha256(data).hexdigest(), tuple(rows))


def _check(row: Row, actor: Actor, registered: dict[str, str], seen: dict[str, int]) -> None:
    v = row.values
    if v["uscc"]:
        try:
            code = parse_uscc(v["uscc"].upper()).code
        except InvalidUscc as exc:
            row.anomalies.append(str(exc))
        else:
            v["uscc"] = code
            if code in seen:
                row.anomalies.append(f"统一社会信用代码 {code} 与第 {seen[code]} 行重复")
            else:
                seen[code] = row.line
            if code in registered:
                row.anomalies.append(f"统一社会信用代码 {code} 已登记（{registered[code]}）")
    if v["kind"]:
        if v["kind"] in _KINDS:
            v["kind"] = _KINDS[v["kind"]]
        else:
            row.anomalies.append(f"单位性质 {v['kind']!r} 无效，应为：{'、'.join(_KINDS)}")
    if v["region"]:
        row.region, problem = _district(v["region"], actor)
        if problem:
            row.anomalies.append(problem)
    occupations = tuple(p for p in re.split(r"[、,，;；\n]+", v.get("occupations", "")) if p.strip())
    names = []
    for occupation in occupations:
        try:
            profile = occupation_profile(current_dataset(), occupation.strip(), search_index())
        except UnknownOccupation:
            row.anomalies.append(f"可培训职业(工种) {occupation.strip()!r} 不在任何已发布目录中")
        else:
            names.append(profile.names[0] if len(profile.names) == 1 else occupation.strip())
    row.occupations = tuple(names)
    if v.get("levels"):
        try:
            row.levels = parse_levels(v["levels"])
        except ValueError:
            row.anomalies.append(f"等级 {v['levels']!r} 无效，应为 一级 至 五级（或 1 至 5）")


def commit(
    *, actor: Actor, file_name: str, data: bytes, expected_digest: str, today: date
) -> list[Institution]:
    """Write every row without anomalies, with an approval to train for each occupation and level, in
    one transaction: a refusal by any service undoes the whole import."""
    found = preview(actor=actor, file_name=file_name, data=data)
    if found.digest != expected_digest:
        raise ValidationError({"file": "文件与预览时不同，请重新预览"})
    if not found.valid:
        raise ValidationError({"file": "没有可导入的行：每一行都有问题"})
    created = []
    with transaction.atomic():
        for row in found.valid:
            v = row.values
            try:
                inst = services.institution_register(
                    actor=actor,
                    name=v["name"],
                    uscc=v["uscc"],
                    kind=v["kind"],
                    region=row.region,
                    address=v["address"],
                    legal_rep_name=v["legal_rep_name"],
                    contact_name=v["contact_name"],
                    contact_phone=v["contact_phone"],
                    legal_form=v.get("legal_form", ""),
                )
                for occupation in row.occupations:
                    for level in row.levels or (None,):
                        services.approval_add(
                            institution=inst,
                            actor=actor,
                            role="training",
                            occupation=occupation,
                            level=level,
                            valid_from=today,
                        )
            except ValidationError as exc:
                problems = "；".join(f"{k}: {' '.join(m)}" for k, m in exc.message_dict.items())
                raise ValidationError({"file": f"第 {row.line} 行：{problems}；未导入任何行"}) from None
            created.append(inst)
        audit_record(
            actor=actor,
            action="institution.import",
            target_type="institution",
            target_id=found.digest[:16],
            summary=f"imported {len(created)} institutions from {file_name}",
            changes={
                "rows": len(found.rows),
                "imported": len(created),
                "skipped": len(found.rows) - len(created),
            },
        )
    return created
