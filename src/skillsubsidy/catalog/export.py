"""Write a catalog as CSV, XLSX or JSON, with provenance, for download and for other systems."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from openpyxl import Workbook

from skillsubsidy.catalog.model import CatalogVersion, Entry

COLUMNS = (
    ("catalog", "目录"),
    ("section", "部分"),
    ("serial", "序号"),
    ("code", "编码"),
    ("name", "名称"),
    ("occupation", "职业"),
    ("work_type", "工种"),
    ("category", "类别"),
    ("markers", "标记"),
    ("industry_class", "行业分类"),
    ("programmes", "类型"),
    ("certificate_type", "证书类型"),
    ("levels", "等级"),
    ("uplift_pct", "上浮比例%"),
    ("source", "出处"),
)
FORMATS = ("csv", "xlsx", "json")


def _row(e: Entry) -> dict[str, str]:
    return {
        "catalog": e.catalog_id,
        "section": e.section,
        "serial": e.serial or "",
        "code": e.code or "",
        "name": e.name,
        "occupation": e.occupation,
        "work_type": e.work_type or "",
        "category": (e.category.value + ("*" if e.matched else "")) if e.category else "",
        "markers": " ".join(sorted(m.value for m in e.markers)),
        "industry_class": e.industry_class or "",
        "programmes": " ".join(e.programmes),
        "certificate_type": e.certificate_type.value if e.certificate_type else "",
        "levels": ",".join(str(v) for v in e.levels),
        "uplift_pct": str(e.uplift_pct) if e.uplift_pct is not None else "",
        "source": e.provenance.cite(),
    }


def export_entries(entries: Iterable[Entry], fmt: str, *, title: str = "catalog") -> bytes:
    rows = [_row(e) for e in entries]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1).encode()
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([f"{zh} {en}" for en, zh in COLUMNS])
        writer.writerows([r[en] for en, _ in COLUMNS] for r in rows)
        # A BOM so that Excel, which bureaus open these with, reads the file as UTF-8.
        return ("\ufeff" + buf.getvalue()).encode()
    if fmt == "xlsx":
        wb = Workbook()
        ws = wb.active
        assert ws is not None  # a new Workbook always has one sheet
        ws.title = title[:31]
        ws.append([zh for _, zh in COLUMNS])
        for r in rows:
            ws.append([r[en] for en, _ in COLUMNS])
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")


def export_catalog(catalog: CatalogVersion, fmt: str) -> bytes:
    return export_entries(catalog.entries, fmt, title=catalog.id)
