"""Seed 004: Shanghai's 2026 skill-upgrade subsidy catalog (上海市职业技能提升补贴目录（2026年）).

One TAB-per-cell table with the columns 序号, 项目编码, 项目名称, 分类, cut into three parts by an
ordinal cell (`一、`) followed by the part's title. `——` in 项目编码 means the item has no code; the
three names ending in `★` are such items (the document does not define ★); a `*` after the category
marks 技岗匹配 items, as the note under the table says.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from skillsubsidy.catalog.model import (
    Anomaly,
    CatalogVersion,
    Category,
    CertificateType,
    Entry,
    Provenance,
    Section,
    SectionKind,
    Severity,
    named_entry,
)
from skillsubsidy.ingest.seeds import SeedResult
from skillsubsidy.ingest.text import Cell, SeedText, chunk_rows, raw_row, tab_cells
from skillsubsidy.occupations import Marker, clean_code, parse_code, split_name

SEED = "004_115e8c17921aa92b.txt"
CATALOG_ID = "shanghai-2026"
REGION = "310000"  # 上海市
COLUMNS = ("序号", "项目编码", "项目名称", "分类")

_TITLE = r"^\s*上海市.*目录[（(]\s*20\d\d\s*年\s*[）)]\s*$"
_YEAR_RE = re.compile(r"[（(]\s*(20\d\d)\s*年\s*[）)]")
_MATCHED_NOTE = r"^\s*注：标\*的项目为技岗匹配项目"
_ORDINAL_RE = re.compile(r"^[一二三四五六七八九十]+、$")
_SERIAL_RE = re.compile(r"^\d+$")
_CATEGORY_RE = re.compile(r"^([ABC])(\*?)$")
_NO_CODE = "——"

# Part titles as printed → section. Matched on a keyword so a reworded title still lands right.
_SECTIONS = (
    ("职业技能等级", "skill_levels", SectionKind.OCCUPATIONS, CertificateType.SKILL_LEVEL),
    ("职业资格", "qualifications", SectionKind.QUALIFICATIONS, CertificateType.VOCATIONAL_QUALIFICATION),
    ("专项职业能力", "special_abilities", SectionKind.SPECIAL_ABILITIES, CertificateType.SPECIAL_ABILITY),
)


def read(text: SeedText) -> SeedResult:
    title_line = text.find(_TITLE)
    title = text.lines[title_line - 1].strip()
    # The attachment is printed as a bare "附件" above the title, without a number.
    attachment = text.lines[title_line - 2].strip() if title_line > 1 else ""
    year_match = _YEAR_RE.search(title)
    if year_match is None:
        raise ValueError(f"{text.name}: no year in the title {title!r}")
    year = int(year_match.group(1))
    # The note ends the table; it is also what gives the category `*` its meaning.
    note_line = text.find(_MATCHED_NOTE, title_line + 1)

    cells = tab_cells(text.span(title_line + 1, note_line))
    header = tuple(c.text for c in cells[: len(COLUMNS)])
    if header != COLUMNS:
        raise ValueError(f"{text.name}: expected columns {COLUMNS}, found {header} on line {cells[0].line}")

    sections: list[Section] = []
    entries: list[Entry] = []
    anomalies: list[Anomaly] = []
    for section, body in _parts(text, cells[len(COLUMNS) :]):
        sections.append(section)
        for row in chunk_rows(body, len(COLUMNS)):
            entry, found = _entry(text, attachment, section, row)
            anomalies.extend(found)
            if entry is not None:
                entries.append(entry)

    catalog = CatalogVersion(
        id=CATALOG_ID,
        region=REGION,
        title=title,
        seed=text.name,
        attachment=attachment,
        effective_from=date(year, 1, 1),
        effective_to=date(year, 12, 31),
        sections=tuple(sections),
        entries=tuple(entries),
        assumptions=(f"assumed: effective 1 Jan–31 Dec {year}, the year in the title",),
    )
    return SeedResult([catalog], anomalies)


def _parts(text: SeedText, cells: list[Cell]) -> list[tuple[Section, list[Cell]]]:
    """Split the cells after the header at each ordinal heading (`一、` then the part's title)."""
    parts: list[tuple[Section, list[Cell]]] = []
    i = 0
    while i < len(cells):
        cell = cells[i]
        if _ORDINAL_RE.match(cell.text) and i + 1 < len(cells):
            title = cell.text + cells[i + 1].text
            parts.append((_section(text, title, cell.line), []))
            i += 2
            continue
        if not parts:
            raise ValueError(f"{text.name}: line {cell.line}: row before the first part heading")
        parts[-1][1].append(cell)
        i += 1
    return parts


def _section(text: SeedText, title: str, line: int) -> Section:
    for keyword, key, kind, cert in _SECTIONS:
        if keyword in title:
            return Section(key, title, kind, cert)
    raise ValueError(f"{text.name}: line {line}: no section is known for the part titled {title!r}")


def _entry(
    text: SeedText, attachment: str, section: Section, row: list[Cell]
) -> tuple[Entry | None, list[Anomaly]]:
    serial, code_cell, name_cell, category_cell = row
    raw = raw_row(row)

    def anomaly(kind: str, message: str, severity: Severity) -> Anomaly:
        return Anomaly(
            kind=kind,
            message=message,
            seed=text.name,
            attachment=attachment,
            section=section.title,
            line=serial.line,
            original=raw,
            catalog_id=CATALOG_ID,
            serial=serial.text,
            severity=severity,
        )

    category = _CATEGORY_RE.match(category_cell.text)
    checks = (
        (_SERIAL_RE.match(serial.text) is None, "序号 is not a number"),
        (category is None, "分类 is not A, B or C with an optional *"),
        (not name_cell.text, "项目名称 is empty"),
    )
    if problems := [why for failed, why in checks if failed]:
        message = f"could not read the row ({'; '.join(problems)}); kept here instead of in the catalog"
        return None, [anomaly("unparsed_row", message, Severity.ERROR)]
    assert category is not None  # narrowed by the checks above

    found: list[Anomaly] = []
    parts = split_name(name_cell.text)
    code = None if code_cell.text == _NO_CODE else clean_code(code_cell.text)
    if code is None:
        star = "; the name carries ★" if Marker.STAR in parts.markers else "; the name carries no ★ either"
        found.append(anomaly("code_absent", f"项目编码 is printed as {_NO_CODE}{star}", Severity.INFO))
    elif parse_code(code) is None:
        found.append(
            anomaly("code_malformed", f"项目编码 {code_cell.text!r} has no 大典 code shape", Severity.WARNING)
        )

    matched = category.group(2) == "*"
    if matched:
        parts = replace(parts, markers=parts.markers | {Marker.MATCHED})
    entry = named_entry(
        parts,
        catalog_id=CATALOG_ID,
        section=section.key,
        serial=serial.text,
        code=code,
        provenance=Provenance(text.name, attachment, section.title, serial.line, raw),
        category=Category(category.group(1)),
        matched=matched,
        certificate_type=section.certificate_type,
    )
    return entry, found
