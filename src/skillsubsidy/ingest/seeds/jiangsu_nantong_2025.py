"""Seed 000: Nantong 2025 subsidy standards and catalog additions, and the Jiangsu 2025 catalogs.

附件1 is the Nantong standards table (read by `read_standards` and `read_notes`, not a catalog);
附件2–5 are catalogs: Nantong additions, Nantong shortage list, Jiangsu catalog, Jiangsu shortage list.
Column roles come from each table's own header row, the region and year from each table's title.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

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
    entry_anomaly,
    named_entry,
)
from skillsubsidy.ingest.seeds import SeedResult
from skillsubsidy.ingest.serials import serial_anomalies
from skillsubsidy.ingest.text import Cell, SeedText, raw_row, tab_cells
from skillsubsidy.occupations import clean_code, normalise_text, parse_level, split_name
from skillsubsidy.regions import resolve_region

SEED = "000_d6c6a123f4673bde.txt"

_CATALOG_ATTACHMENTS = (2, 3, 4, 5)

# Header texts (spaces removed) → the role of the column under them.
_COLUMNS = {
    "补贴项目": "item",
    "序号": "serial",
    "类别": "category",
    "职业工种名称（含各职业下全部工种）": "name",
    "职业": "name",
    "编码": "code",
    "上浮比例": "uplift",
    "证书": "certificate",
}


@dataclass(frozen=True, slots=True)
class _SectionSpec:
    key: str
    kind: SectionKind
    certificate_type: CertificateType | None


# The 补贴项目 labels that open a section of a catalog table (附件2, 附件4).
_SECTIONS = {
    "职业资格证书、职业技能等级证书": _SectionSpec(
        "occupations", SectionKind.OCCUPATIONS, CertificateType.SKILL_LEVEL
    ),
    "职业技能等级证书": _SectionSpec("skill_level", SectionKind.OCCUPATIONS, CertificateType.SKILL_LEVEL),
    "培训合格证书": _SectionSpec(
        "training_qualifications", SectionKind.TRAINING_QUALIFICATIONS, CertificateType.TRAINING_QUALIFICATION
    ),
    "专项职业能力证书": _SectionSpec(
        "special_abilities", SectionKind.SPECIAL_ABILITIES, CertificateType.SPECIAL_ABILITY
    ),
    "项目制培训": _SectionSpec("projects", SectionKind.PROJECTS, None),
}
_CERTIFICATES = {"等级评价": CertificateType.SKILL_LEVEL}  # 附件5 证书 column

# 职业分类大典 names a "…服务员" after the place served (客房, 餐厅, 前厅 …). 局 is a government bureau,
# no such place, and no 大典 title contains "局服务员": the character is a misprint. Only the position is
# known from this; the intended character has to come from evidence elsewhere in the document.
_MISPRINT_RULES = (re.compile(r"局(?=服务员)"),)

_TITLE_RE = re.compile(r"^(?P<region>.+?[省市])(?P<year>\d{4})年")
_SPACE_BEFORE_TAB = re.compile(r"^[ \u3000]+(?=\t)")
_SERIAL_RE = re.compile(r"^\d+$")
_PCT_RE = re.compile(r"^(\d+(?:\.\d+)?)%$")
_AMOUNT_RE = re.compile(r"^\d+$")
_CLASS_RE = re.compile(r"^([ABC])类$")
_LEVEL_IN_LABEL = re.compile(r"[一二三四五]级")
_NOTE_RE = re.compile(r"^(?:备注[：:])?\s*(\d+)\s*[．.、]\s*(.*)$")


@dataclass(frozen=True, slots=True)
class StandardRow:
    """One row of 附件1, the Nantong subsidy standards (元/人)."""

    item: str  # 补贴项目 as printed, merged cells filled down
    category: str | None  # "A"/"B"/"C", or the printed class label (创业意识培训（A类）, 项目制培训 …)
    level: int | None
    label: str  # 等级 / certificate cell as printed
    amount: Decimal | None  # None where the cell is text: 同职业技能培训, 按照…执行
    text: str  # the amount cell as printed
    line: int


@dataclass(frozen=True, slots=True)
class _Tokens:
    cells: list[Cell]
    printed: list[str]  # each cell exactly as printed, continuation lines appended unstripped
    continued: list[bool]  # the cell had continuation lines
    joined_lines: list[tuple[int, str]]  # lines that held two cells


def _tokenise(text: SeedText, start: int, end: int) -> _Tokens:
    numbered: list[tuple[int, str]] = []
    joined: list[tuple[int, str]] = []
    for no, line in text.span(start, end):
        # A space where an empty cell's own line should be ("  \t234"): the cell and the next share a line.
        if m := _SPACE_BEFORE_TAB.match(line):
            joined.append((no, line))
            numbered += [(no, "\t"), (no, line[m.end() :])]
        else:
            numbered.append((no, line))
    printed: list[str] = []
    continued: list[bool] = []
    for _, line in numbered:
        if line.startswith("\t"):
            printed.append(line[1:])
            continued.append(False)
        elif printed and line.strip():
            printed[-1] += line
            continued[-1] = True
    return _Tokens(tab_cells(numbered), printed, continued, joined)


def _find(text: SeedText, pattern: str, start: int) -> int | None:
    try:
        return text.find(pattern, start)
    except ValueError:
        return None


def _attachment_span(text: SeedText, n: int) -> tuple[int, int]:
    start = text.find(rf"^附件{n}$")
    end = _find(text, rf"^附件{n + 1}$", start + 1)
    return start, end if end is not None else len(text.lines) + 1


def _title(text: SeedText, start: int) -> tuple[str, int]:
    """The title printed under 附件N, and the line of the table's first cell."""
    parts: list[str] = []
    for no, line in text.span(start + 1, len(text.lines) + 1):
        if line.startswith("\t"):
            return "".join(parts), no
        parts.append(line.strip())
    raise ValueError(f"{text.name}: no table after line {start}")


@dataclass
class _Findings:
    seed: str
    attachment: str
    catalog_id: str
    items: list[Anomaly] = field(default_factory=list)

    def add(
        self,
        kind: str,
        message: str,
        *,
        section: str,
        line: int,
        original: str,
        serial: str | None = None,
        suggestion: str | None = None,
        severity: Severity = Severity.WARNING,
    ) -> None:
        self.items.append(
            Anomaly(
                kind=kind,
                message=message,
                seed=self.seed,
                attachment=self.attachment,
                section=section,
                line=line,
                original=original,
                catalog_id=self.catalog_id,
                serial=serial,
                suggestion=suggestion,
                severity=severity,
            )
        )


@dataclass(frozen=True, slots=True)
class _Row:
    start: int  # index of the row's first cell in _Tokens
    cells: list[Cell]


def _row_check(roles: dict[str, int]) -> Callable[[list[Cell]], bool]:
    def valid(cells: list[Cell]) -> bool:
        if len(cells) != len(roles):
            return False
        text = {role: unicodedata.normalize("NFKC", cells[i].text) for role, i in roles.items()}
        return (
            bool(_SERIAL_RE.match(text["serial"]))
            and bool(text["name"])
            and ("category" not in text or text["category"] in Category.__members__)
            and ("uplift" not in text or bool(_PCT_RE.match(text["uplift"])))
            and ("certificate" not in text or bool(text["certificate"]))
        )

    return valid


def _cut_rows(
    tokens: _Tokens, header: list[str], valid: Callable[[list[Cell]], bool], found: _Findings, title: str
) -> list[_Row]:
    """Rows of len(header) cells. A window that is no valid row is reported and skipped up to the next
    valid one, so one bad cell costs its own row, not the rest of the table."""
    cells, n = tokens.cells, len(header)

    def is_header(i: int) -> bool:
        return [c.text for c in cells[i : i + n]] == header

    rows: list[_Row] = []
    i = 0
    while i < len(cells):
        window = cells[i : i + n]
        if is_header(i):
            found.add(
                "header_repeated",
                "the header row is printed again (page break); skipped",
                section=title,
                line=window[0].line,
                original=raw_row(window),
                severity=Severity.INFO,
            )
            i += n
        elif valid(window):
            rows.append(_Row(i, window))
            i += n
        else:
            j = next(
                (k for k in range(i + 1, len(cells)) if valid(cells[k : k + n]) or is_header(k)), len(cells)
            )
            bad = cells[i:j]
            found.add(
                "unparsed_row",
                f"{len(bad)} cells from line {bad[0].line} do not form a row of {n} columns",
                section=title,
                line=bad[0].line,
                original=raw_row(bad),
                severity=Severity.ERROR,
            )
            i = j
    return rows


def _check_name(entry: Entry, printed: str, found: _Findings) -> None:
    normalised = normalise_text(printed)
    if normalised == printed:
        return
    found.items.append(
        entry_anomaly(
            "name_normalised",
            entry,
            f"name {printed!r} matches only after normalisation, as {normalised!r}",
            # Spaces trailing a cell are layout; anything inside the name changes what is printed.
            Severity.INFO if normalised == printed.strip() else Severity.WARNING,
            original=printed,
            suggestion=normalised,
        )
    )


def _year_and_region(title: str, where: str) -> tuple[int, str]:
    m = _TITLE_RE.match(title)
    if m is None:
        raise ValueError(f"{where}: title {title!r} names no region and year")
    return int(m.group("year")), resolve_region(m.group("region")).code


def _read_catalog(text: SeedText, n: int) -> tuple[CatalogVersion, list[Anomaly]]:
    attachment = f"附件{n}"
    start, end = _attachment_span(text, n)
    title, header_line = _title(text, start)
    where = f"{text.name} · {attachment}"
    year, region = _year_and_region(title, where)
    shortage = "紧缺型" in title
    catalog_id = f"{resolve_region(region).en.lower()}-{year}" + ("-shortage" if shortage else "")
    found = _Findings(text.name, attachment, catalog_id)

    header_end = text.find(r"^\s*$", header_line)
    header = [c.text for c in tab_cells(text.span(header_line, header_end))]
    try:
        roles = {_COLUMNS[normalise_text(h)]: i for i, h in enumerate(header)}
    except KeyError as exc:
        raise ValueError(f"{where}: unknown column {exc.args[0]!r} in header {header}") from None
    table_end = _find(text, r"^备注", header_end)
    tokens = _tokenise(text, header_end, min(end, table_end or end))
    joined = dict(tokens.joined_lines)
    rows = _cut_rows(tokens, header, _row_check(roles), found, title)

    sections: dict[str, Section] = {}
    current = (
        sections.setdefault("shortage", Section("shortage", title, SectionKind.SHORTAGE))
        if shortage
        else None
    )
    entries: list[Entry] = []
    for row in rows:
        cell = {role: row.cells[i] for role, i in roles.items()}
        if "item" in cell and (label := cell["item"].text):
            spec = _SECTIONS.get(normalise_text(label))
            if spec is None:
                raise ValueError(f"{where} · line {cell['item'].line}: unknown section label {label!r}")
            # A label equal to the open section's is the merged cell printed again after a page break.
            if current is None or current.key != spec.key:
                current = sections.setdefault(
                    spec.key, Section(spec.key, label, spec.kind, spec.certificate_type)
                )
        if current is None:
            raise ValueError(f"{where} · line {row.cells[0].line}: a row before any section label")
        provenance = Provenance(text.name, attachment, current.title, row.cells[0].line, raw_row(row.cells))
        serial = cell["serial"].text
        for no in sorted({c.line for c in row.cells} & joined.keys()):
            _report_joined(found, no, joined.pop(no), current.title, serial)
        for offset in range(len(row.cells)):
            if tokens.continued[row.start + offset]:
                printed = tokens.printed[row.start + offset]
                found.add(
                    "row_broken_across_lines",
                    f"cell {printed!r} is printed over several lines",
                    section=current.title,
                    line=row.cells[offset].line,
                    original=printed,
                    serial=serial,
                    severity=Severity.INFO,
                )
        entry = _entry(catalog_id, current, cell, provenance, found)
        entries.append(entry)
        _check_name(entry, tokens.printed[row.start + roles["name"]], found)
    for key in sections:
        found.items.extend(serial_anomalies([e for e in entries if e.section == key]))
    for no, line in sorted(joined.items()):  # inside rows that could not be parsed
        _report_joined(found, no, line, title, None)

    catalog = CatalogVersion(
        id=catalog_id,
        region=region,
        title=title,
        seed=text.name,
        attachment=attachment,
        effective_from=date(year, 1, 1),
        effective_to=date(year, 12, 31),
        sections=tuple(sections.values()),
        entries=tuple(entries),
        assumptions=(
            f"assumed: effective 1 Jan–31 Dec {year}, the year in the title; the text states no dates",
        ),
    )
    return catalog, found.items


def _report_joined(found: _Findings, no: int, line: str, section: str, serial: str | None) -> None:
    found.add(
        "cells_on_one_line",
        "a space stands where an empty cell's own line should be; read as an empty cell and the next",
        section=section,
        line=no,
        original=line,
        serial=serial,
    )


def _entry(
    catalog_id: str, section: Section, cell: dict[str, Cell], provenance: Provenance, found: _Findings
) -> Entry:
    parts = split_name(cell["name"].text)
    uplift = None
    if "uplift" in cell and (m := _PCT_RE.match(unicodedata.normalize("NFKC", cell["uplift"].text))):
        uplift = Decimal(m.group(1))
    certificate = section.certificate_type
    if "certificate" in cell:
        certificate = _CERTIFICATES.get(cell["certificate"].text)
        if certificate is None:
            found.add(
                "certificate_unknown",
                f"证书 {cell['certificate'].text!r} is not a known certificate",
                section=section.title,
                line=provenance.line,
                original=provenance.raw,
                serial=cell["serial"].text,
            )
    return named_entry(
        parts,
        catalog_id=catalog_id,
        section=section.key,
        serial=cell["serial"].text,
        code=clean_code(cell["code"].text) or None,
        provenance=provenance,
        category=Category(cell["category"].text) if "category" in cell else None,
        certificate_type=certificate,
        uplift_pct=uplift,
    )


def _misprints(catalogs: list[CatalogVersion]) -> list[Anomaly]:
    """Names a misprint rule flags. The suggestion is an occupation printed elsewhere in this document
    under the same code, or one that differs only at the misprinted character; None unless unique."""
    everyone = [e for c in catalogs for e in c.entries]
    out: list[Anomaly] = []
    for entry in everyone:
        spots = [m.start() for rule in _MISPRINT_RULES for m in rule.finditer(entry.occupation)]
        if not spots:
            continue

        def differs_only_at_spots(
            other: str, occupation: str = entry.occupation, at: list[int] = spots
        ) -> bool:
            return len(other) == len(occupation) and all(
                a == b or i in at for i, (a, b) in enumerate(zip(other, occupation, strict=True))
            )

        candidates = {
            e.occupation
            for e in everyone
            if e.occupation != entry.occupation
            and not any(rule.search(e.occupation) for rule in _MISPRINT_RULES)
            and ((entry.code is not None and e.code == entry.code) or differs_only_at_spots(e.occupation))
        }
        suggestion = candidates.pop() if len(candidates) == 1 else None
        out.append(
            entry_anomaly(
                "name_misspelled",
                entry,
                f"{entry.occupation!r} (code {entry.code}) has a misprinted character at position "
                f"{', '.join(str(s + 1) for s in spots)}"
                + ("" if suggestion else "; this document prints no corrected form to suggest"),
                original=entry.raw_name,
                suggestion=suggestion,
            )
        )
    return out


def read(text: SeedText) -> SeedResult:
    result = SeedResult()
    for n in _CATALOG_ATTACHMENTS:
        catalog, anomalies = _read_catalog(text, n)
        result.catalogs.append(catalog)
        result.anomalies.extend(anomalies)
    result.anomalies.extend(_misprints(result.catalogs))
    return result


def _standards_span(text: SeedText) -> tuple[int, int, int]:
    """Line of the 附件1 header row, of its 备注, and of 附件2."""
    start, end = _attachment_span(text, 1)
    _, header = _title(text, start)
    return header, text.find(r"^备注", header), end


def read_standards(text: SeedText) -> list[StandardRow]:
    """附件1. Rows are cut at a blank line followed by a new cell: merged cells make rows of 3 or 4 cells."""
    header_line, notes_line, _ = _standards_span(text)
    tokens = _tokenise(text, header_line, notes_line)
    if tokens.joined_lines:
        raise ValueError(f"{text.name} · 附件1: lines {tokens.joined_lines} hold two cells")
    groups: list[list[Cell]] = []
    for cell in tokens.cells:
        before = text.lines[cell.line - 2]
        if not groups or not (before.startswith("\t") or before.strip()):
            groups.append([])
        groups[-1].append(cell)
    header, *body = groups
    ncols = len(header)

    rows: list[StandardRow] = []
    item, cls, label = "", "", ""
    for group in body:
        texts = [c.text for c in group]
        merged_class = False
        if len(texts) == ncols:
            new_item, new_cls, new_label, amount_text = texts
        elif len(texts) == ncols - 1 and _AMOUNT_RE.match(texts[-1]):
            # 类别 and 等级 merged (职业技能评价补贴): the level is the only label.
            new_item, new_label, amount_text = texts
            new_cls, merged_class = "", True
        elif len(texts) == ncols - 1:
            # 等级 and 补贴基准 merged (项目制培训, 企业新型学徒制): the amount is text.
            new_item, new_cls, amount_text = texts
            new_label = amount_text
        else:
            raise ValueError(
                f"{text.name} · 附件1 · line {group[0].line}: row {texts} has {len(texts)} cells"
            )
        if new_item:
            item, cls, label = new_item, "", ""
        cls = "" if merged_class else new_cls or cls
        label = new_label or label
        m = _CLASS_RE.match(cls)
        rows.append(
            StandardRow(
                item=item,
                category=m.group(1) if m else cls or None,
                level=int(parse_level(label)) if _LEVEL_IN_LABEL.search(label) else None,
                label=label,
                amount=Decimal(amount_text) if _AMOUNT_RE.match(amount_text) else None,
                text=amount_text,
                line=group[0].line,
            )
        )
    return rows


def read_notes(text: SeedText) -> dict[str, str]:
    """附件1 备注, keyed 备注1, 备注2 …, each without its number."""
    _, notes_line, end = _standards_span(text)
    notes: dict[str, str] = {}
    key = None
    for no, line in text.span(notes_line, end):
        if not line.strip():
            continue
        if m := _NOTE_RE.match(line.strip()):
            key = f"备注{m.group(1)}"
            notes[key] = m.group(2)
        elif key is not None:
            notes[key] += line.strip()
        else:
            raise ValueError(f"{text.name} · 附件1 · line {no}: text before the first numbered 备注")
    return notes
