"""Write a catalog as CSV, XLSX or JSON, with provenance, for download and for other systems."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from skillsubsidy.catalog.dataset import source_title
from skillsubsidy.catalog.fields import ENTRY_FIELD, Field, Kind, category_label, to_json
from skillsubsidy.catalog.model import CatalogVersion, CertificateType, Entry
from skillsubsidy.occupations import Marker

# The entry fields a download shows, in this order, plus the citation of each row.
EXPORTED = tuple(
    ENTRY_FIELD[name]
    for name in (
        "catalog_id", "section", "serial", "code", "name", "occupation", "work_type", "category",
        "markers", "industry_class", "programmes", "certificate_type", "levels", "uplift_pct",
    )
)  # fmt: skip
SOURCE = ("source", "出处")
COLUMNS = (*((f.name, f.label_zh) for f in EXPORTED), SOURCE)
FORMATS = ("csv", "xlsx", "json")
# Spreadsheet cells separate list items with a space, except levels, written as the documents do.
_SEPARATOR = {Kind.INT_LIST: ","}


# OWASP "CSV Injection": a cell starting with one of these is taken by Excel and LibreOffice as a
# formula (tab and CR hide one after a separator), so `=cmd|'/Ccalc'!A0` in a row's name would run.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """`text` as a spreadsheet shows it but never evaluates: prefixed with a single quote (OWASP)."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _cell(f: Field, e: Entry) -> str:
    if f.name == "category":
        return category_label(e)
    value = to_json(f, f.read(e))
    if isinstance(value, list):
        return _SEPARATOR.get(f.kind, " ").join(str(v) for v in value)
    return "" if value is None else str(value)


def _row(e: Entry) -> dict[str, str]:
    return {**{f.name: _cell(f, e) for f in EXPORTED}, SOURCE[0]: e.provenance.cite()}


# What a spreadsheet reader sees instead of the machine values CSV and JSON keep.
CERTIFICATE_TYPE_ZH = {
    CertificateType.VOCATIONAL_QUALIFICATION: "职业资格证书",
    CertificateType.SKILL_LEVEL: "职业技能等级证书",
    CertificateType.SPECIAL_ABILITY: "专项职业能力证书",
    CertificateType.TRAINING_QUALIFICATION: "培训合格证书",
    CertificateType.ENTREPRENEURSHIP: "创业培训",
    CertificateType.PRE_JOB: "职工岗前培训",
    CertificateType.SKILL_EVALUATION: "职业技能评价",
    CertificateType.APPRENTICESHIP: "企业新型学徒制培训",
}
MARKER_ZH = {
    Marker.DIGITAL: "数字职业",
    Marker.GREEN: "绿色职业",
    Marker.ONLINE_OVER_40: "线上课时可超过40%",
    Marker.STAR: "无大典编码",
    Marker.MATCHED: "技岗匹配",
}
# A serial or code written as a number only when it reads back the same: no leading zero, at most 15
# digits (Excel keeps 15 significant digits). "0101", "6-18-02-04" and 16-digit codes stay text.
_WHOLE_NUMBER = re.compile(r"^(?:0|[1-9][0-9]{0,14})$")
_NUMBER_FIELDS = {"serial", "code", "uplift_pct"}
_MAX_WIDTH = 60
_HEADER_FILL = PatternFill("solid", fgColor="083F77")


def _display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: a CJK character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _xlsx_value(name: str, text: str) -> str | int:
    if name in _NUMBER_FIELDS and _WHOLE_NUMBER.match(text):
        return int(text)
    return inert(text)


def _xlsx_row(e: Entry, row: dict[str, str], sections: Mapping[str, str]) -> dict[str, str]:
    """The row as a person reads it: the section's printed title, the certificate type and markers in
    Chinese, and the source named by its document's title."""
    p = e.provenance
    return {
        **row,
        "section": sections.get(e.section, row["section"]),
        "certificate_type": CERTIFICATE_TYPE_ZH[e.certificate_type] if e.certificate_type else "",
        "markers": "、".join(MARKER_ZH.get(Marker(m), m) for m in row["markers"].split())
        if row["markers"]
        else "",
        SOURCE[0]: f"{source_title(p.seed)} · {p.attachment} · {p.section} · 第{p.line}行",
    }


def _xlsx(entries: list[Entry], rows: list[dict[str, str]], title: str, sections: Mapping[str, str]) -> bytes:
    """A workbook people open in Excel: a styled, frozen header row with a filter, columns as wide as
    their content (up to 60), numbers as numbers and codes that must stay text as text."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new Workbook always has one sheet
    ws.title = title[:31]
    ws.append([zh for _, zh in COLUMNS])
    widths = [_display_width(zh) for _, zh in COLUMNS]
    for e, r in zip(entries, rows, strict=True):
        shown = _xlsx_row(e, r, sections)
        # openpyxl stores a string starting with "=" as a formula; the quote makes it text.
        values = [_xlsx_value(en, shown[en]) for en, _ in COLUMNS]
        ws.append(values)
        for i, v in enumerate(values):
            widths[i] = max(widths[i], _display_width(str(v)))
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(width + 2, _MAX_WIDTH)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{ws.max_row}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_entries(
    entries: Iterable[Entry], fmt: str, *, title: str = "catalog", sections: Mapping[str, str] | None = None
) -> bytes:
    """`sections` maps a section key to its printed title, which the XLSX shows."""
    listed = list(entries)
    rows = [_row(e) for e in listed]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1).encode()
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([f"{zh} {en}" for en, zh in COLUMNS])
        writer.writerows([inert(r[en]) for en, _ in COLUMNS] for r in rows)
        # A BOM so that Excel, which bureaus open these with, reads the file as UTF-8.
        return ("\ufeff" + buf.getvalue()).encode()
    if fmt == "xlsx":
        return _xlsx(listed, rows, title, sections or {})
    raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")


def export_catalog(catalog: CatalogVersion, fmt: str) -> bytes:
    return export_entries(catalog.entries, fmt, title=catalog.id, sections=section_titles(catalog))


def section_titles(catalog: CatalogVersion) -> dict[str, str]:
    return {s.key: s.title for s in catalog.sections}
