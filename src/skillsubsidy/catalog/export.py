"""Write a catalog as CSV, XLSX or JSON, with provenance, for download and for other systems."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from openpyxl import Workbook

from skillsubsidy.catalog.fields import ENTRY_FIELD, Field, Kind, category_label, to_json
from skillsubsidy.catalog.model import CatalogVersion, Entry

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


def export_entries(entries: Iterable[Entry], fmt: str, *, title: str = "catalog") -> bytes:
    rows = [_row(e) for e in entries]
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
        wb = Workbook()
        ws = wb.active
        assert ws is not None  # a new Workbook always has one sheet
        ws.title = title[:31]
        ws.append([zh for _, zh in COLUMNS])
        for r in rows:
            # openpyxl stores a string starting with "=" as a formula; the quote makes it text.
            ws.append([inert(r[en]) for en, _ in COLUMNS])
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")


def export_catalog(catalog: CatalogVersion, fmt: str) -> bytes:
    return export_entries(catalog.entries, fmt, title=catalog.id)
