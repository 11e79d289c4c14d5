"""Seed 001: Jinan's notice 济人社函〔2023〕28号 and its attached 补贴性职业技能培训项目指导目录（试行）.

The notice body comes first; its 二（一）1 lists the ten 行业类别 that the catalog's 行业分类 column
must use, so the reader takes the valid classes from there instead of from code. The attachment
(`附件`) has four sections, each headed `（一）…`. A table row is one line of TAB-separated cells
(序号, 编码, 名称, 行业分类; the 项目制 section has no 编码), and the header row is printed again
after every page break. A row that the extraction split over several lines is rejoined and
reported; a line that cannot be read as a row is reported, never dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, process

from skillsubsidy.catalog.model import (
    Anomaly,
    CatalogVersion,
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
from skillsubsidy.ingest.text import SeedText
from skillsubsidy.occupations import clean_code, split_name
from skillsubsidy.regions import resolve_region

SEED = "001_f43d9e28fbbbc3d8.txt"
CATALOG_ID = "jinan-2023"

_DOCUMENT_NO_RE = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号")
_ISSUER_RE = re.compile(r"^\s*(\S+?[省市])人力资源和社会保障局")
_DATE_RE = re.compile(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*$")
_CLASSES_RE = re.compile(r"涉及(?P<classes>.+?)等\s*(?P<count>\d+)\s*个行业类别")
_ANNEX = r"^\s*附件\s*$"  # the catalog's own heading; `附件：…` in the notice only names it
_SECTION_RE = re.compile(r"^\s*[（(]\s*[一二三四五六七八九十]+\s*[）)]\s*\S")
_NOTE = "备注"

# Our stable section keys, matched on a word of the printed title (the titles mix full- and
# half-width brackets, so they are never compared whole).
_SECTIONS = (
    ("急需紧缺", "urgent", SectionKind.OCCUPATIONS),
    ("一般性", "general", SectionKind.OCCUPATIONS),
    ("制造业", "manufacturing", SectionKind.OCCUPATIONS),
    ("项目制", "projects", SectionKind.PROJECTS),
)
# Header cell → field, matched on a word of the cell: `职业名称（包括所含工种）` and `项目名称` are both
# the name column.
_COLUMNS = (("序号", "serial"), ("编码", "code"), ("名称", "name"), ("行业", "industry_class"))
_REQUIRED = frozenset({"serial", "name", "industry_class"})


@dataclass(frozen=True, slots=True)
class Notice:
    """What the notice itself states, as far as the catalog needs it."""

    document_no: str
    issued: date
    region: str  # GB/T 2260 code of the issuing city
    industry_classes: tuple[str, ...]  # 加工维修 … as the catalog prints them, without the 类 suffix


def read_notice(text: SeedText) -> Notice:
    no_line = text.lines[text.find(_DOCUMENT_NO_RE.pattern) - 1]
    document_no = _DOCUMENT_NO_RE.search(no_line)
    issuer = _ISSUER_RE.match(text.lines[text.find(_ISSUER_RE.pattern) - 1])
    dated = _DATE_RE.match(text.lines[text.find(_DATE_RE.pattern) - 1])
    classes = _CLASSES_RE.search(text.lines[text.find(_CLASSES_RE.pattern) - 1])
    # find() only returns lines these patterns match, so none of the matches can be None here.
    assert document_no and issuer and dated and classes
    # The notice writes `加工维修类、建筑施工类…`; the catalog column prints the bare `加工维修`.
    names = tuple(c.strip().removesuffix("类") for c in classes["classes"].split("、"))
    if len(names) != int(classes["count"]) or len(set(names)) != len(names):
        raise ValueError(f"{text.name}: the notice lists {names} but says there are {classes['count']}")
    return Notice(
        document_no=document_no.group(0),
        issued=date(int(dated[1]), int(dated[2]), int(dated[3])),
        region=resolve_region(issuer[1]).code,
        industry_classes=names,
    )


@dataclass(frozen=True, slots=True)
class _Row:
    cells: tuple[str, ...]
    lines: tuple[tuple[int, str], ...]  # (line number, text) of every printed line it came from


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.rstrip().split("\t")]


def _join(head: list[str], tail: list[str], ncols: int) -> list[str] | None:
    """Rejoin a row split over lines: one cell too many means the break fell inside a cell."""
    if len(head) + len(tail) - 1 == ncols:
        return [*head[:-1], head[-1] + tail[0], *tail[1:]]
    if len(head) + len(tail) <= ncols:
        return head + tail
    return None


class _Reader:
    def __init__(self, text: SeedText, notice: Notice, attachment: str) -> None:
        self.text = text
        self.notice = notice
        self.attachment = attachment
        self.entries: list[Entry] = []
        self.anomalies: list[Anomaly] = []

    def anomaly(
        self,
        kind: str,
        message: str,
        section: Section,
        lines: Sequence[tuple[int, str]],
        severity: Severity,
        *,
        serial: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        self.anomalies.append(
            Anomaly(
                kind=kind,
                message=message,
                seed=self.text.name,
                attachment=self.attachment,
                section=section.title,
                line=lines[0][0],
                original="\n".join(t.strip() for _, t in lines),
                catalog_id=CATALOG_ID,
                serial=serial,
                suggestion=suggestion,
                severity=severity,
            )
        )

    def section(self, section: Section, start: int, end: int) -> None:
        header_no = self.text.find(r"^\s*序号\t", start)
        if header_no >= end:
            raise ValueError(f"{self.text.name}: section {section.title!r} has no header row")
        header = _cells(self.text.lines[header_no - 1])
        columns = {}
        for i, cell in enumerate(header):
            field = next((f for word, f in _COLUMNS if word in cell), None)
            if field is None:
                raise ValueError(f"{self.text.name} line {header_no}: unknown column {cell!r}")
            columns[field] = i
        if missing := _REQUIRED - set(columns):
            raise ValueError(f"{self.text.name} line {header_no}: no column for {sorted(missing)}")
        for row in self.rows(section, header, header_no + 1, end):
            self.add(section, columns, row)

    def rows(self, section: Section, header: list[str], start: int, end: int) -> list[_Row]:
        ncols = len(header)
        rows: list[_Row] = []
        pending: _Row | None = None

        def unparsed(lines: Sequence[tuple[int, str]], why: str) -> None:
            self.anomaly(
                "unparsed_row",
                f"could not read a catalog row ({why}); kept here instead of in the catalog",
                section,
                lines,
                Severity.ERROR,
            )

        for no, line in self.text.span(start, end):
            cells = _cells(line)
            # Blank lines and repeated headers come from page breaks, which may fall inside a row.
            if not line.strip() or cells == header:
                continue
            if line.lstrip().startswith(_NOTE):
                if pending:
                    unparsed(pending.lines, "the row ends before its last cell")
                    pending = None
                continue
            if cells[0].isdigit():
                if pending:
                    unparsed(pending.lines, "the next row starts before this one has all its cells")
                    pending = None
                row = _Row(tuple(cells), ((no, line),))
                if len(cells) == ncols:
                    rows.append(row)
                elif len(cells) < ncols:
                    pending = row
                else:
                    unparsed(row.lines, f"{len(cells)} cells where the header has {ncols}")
            elif pending:
                joined = _join(list(pending.cells), cells, ncols)
                lines = (*pending.lines, (no, line))
                if joined is None:
                    unparsed(lines, f"the continuation line gives more than the header's {ncols} cells")
                    pending = None
                elif len(joined) == ncols:
                    rows.append(_Row(tuple(joined), lines))
                    pending = None
                else:
                    pending = _Row(tuple(joined), lines)
            else:
                unparsed(((no, line),), "the line does not start with a 序号")
        if pending:
            unparsed(pending.lines, "the section ends before the row has all its cells")
        return rows

    def add(self, section: Section, columns: dict[str, int], row: _Row) -> None:
        serial = row.cells[columns["serial"]]
        raw_name = row.cells[columns["name"]]
        industry_class = row.cells[columns["industry_class"]]
        parts = split_name(raw_name)
        if not parts.name:
            self.anomaly("unparsed_row", "the 名称 cell is empty", section, row.lines, Severity.ERROR)
            return
        code = clean_code(row.cells[columns["code"]]) if "code" in columns else None
        raw = " | ".join(row.cells)
        self.entries.append(
            named_entry(
                parts,
                catalog_id=CATALOG_ID,
                section=section.key,
                serial=serial,
                code=code,
                provenance=Provenance(self.text.name, self.attachment, section.title, row.lines[0][0], raw),
                industry_class=industry_class,
            )
        )
        if len(row.lines) > 1:
            self.anomaly(
                "row_broken_across_lines",
                f"row printed over lines {row.lines[0][0]}–{row.lines[-1][0]}; its cells were rejoined",
                section,
                row.lines,
                Severity.INFO,
                serial=serial,
                suggestion=raw,
            )
        if industry_class not in self.notice.industry_classes:
            nearest = process.extractOne(
                industry_class, self.notice.industry_classes, scorer=fuzz.ratio, score_cutoff=50
            )
            self.anomalies.append(
                entry_anomaly(
                    "industry_class_unknown",
                    self.entries[-1],
                    f"行业分类 {industry_class!r} is not one of the notice's "
                    f"{len(self.notice.industry_classes)} 行业类别 (二（一）1); kept as printed",
                    suggestion=nearest[0] if nearest else None,
                )
            )


def read(text: SeedText) -> SeedResult:
    notice = read_notice(text)
    annex = text.find(_ANNEX)
    attachment = text.lines[annex - 1].strip()
    title_no = next(no for no, line in text.span(annex + 1, len(text.lines) + 1) if line.strip())
    # The PDF wrapped the all-CJK title; its spaces are layout, not text.
    title = re.sub(r"\s+", "", text.lines[title_no - 1])

    starts = [no for no, line in text.span(title_no + 1, len(text.lines) + 1) if _SECTION_RE.match(line)]
    if not starts:
        raise ValueError(f"{text.name}: no section heading （一）… after line {title_no}")
    reader = _Reader(text, notice, attachment)
    sections = []
    for start, end in zip(starts, [*starts[1:], len(text.lines) + 1], strict=True):
        printed = text.lines[start - 1].strip()
        match = next(((key, kind) for word, key, kind in _SECTIONS if word in printed), None)
        if match is None:
            raise ValueError(f"{text.name} line {start}: unknown section {printed!r}")
        section = Section(match[0], printed, match[1])
        sections.append(section)
        before = len(reader.entries)
        reader.section(section, start + 1, end)
        reader.anomalies.extend(serial_anomalies(reader.entries[before:]))

    reader.anomalies.extend(_conflicts(reader.entries))
    reader.anomalies.extend(_class_conflicts(reader.entries, notice))
    reader.anomalies.extend(_stutters(reader.entries))

    day = notice.issued.isoformat()
    catalog = CatalogVersion(
        id=CATALOG_ID,
        region=notice.region,
        title=title,
        seed=text.name,
        attachment=attachment,
        effective_from=notice.issued,
        effective_to=None,
        sections=tuple(sections),
        entries=tuple(reader.entries),
        assumptions=(
            f"assumed: in force from the notice date {day} until replaced; the text states no end date",
            "the notice (二) has catalogs published in the first quarter of each year and adjusted at "
            "most once in the second or third; it names no date on which this one lapses",
        ),
        document_no=notice.document_no,
    )
    return SeedResult([catalog], reader.anomalies)


def _where(entries: Iterable[Entry]) -> str:
    return "; ".join(f"{e.provenance.section} 序号 {e.serial} (line {e.provenance.line})" for e in entries)


def _conflict(
    key: str, group: list[Entry], value_of: Callable[[Entry], str], what: str, suggestion: str | None = None
) -> Anomaly:
    """One finding per conflict, on the first row that contradicts an earlier one, naming every row."""
    values = list(dict.fromkeys(value_of(e) for e in group))
    culprit = next(e for e in group if value_of(e) != values[0])
    listing = "; ".join(f"{v} at {_where(e for e in group if value_of(e) == v)}" for v in values)
    return entry_anomaly(
        "code_name_conflict_within_source",
        culprit,
        f"{key} {what} {' and '.join(values)} in this document: {listing}",
        suggestion=suggestion,
    )


def _conflicts(entries: list[Entry]) -> list[Anomaly]:
    """Within this document: one occupation under two codes, or one code under two occupations."""
    by_name: dict[str, list[Entry]] = defaultdict(list)
    by_code: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.code:
            by_name[e.occupation].append(e)
            by_code[e.code].append(e)
    out = []
    for name, group in by_name.items():
        if len({e.code for e in group}) > 1:
            out.append(_conflict(name, group, lambda e: e.code or "", "is printed with codes"))
    for code, group in by_code.items():
        names = list(dict.fromkeys(e.occupation for e in group))
        if len(names) < 2:
            continue
        # Suggest a name only when the evidence points one way: exactly one of the code's names is
        # printed under no other code, and the contradicting row's name is printed under another.
        own = [n for n in names if {e.code for e in by_name[n]} == {code}]
        culprit = next(e for e in group if e.occupation != names[0])
        suggestion = own[0] if len(own) == 1 and culprit.occupation not in own else None
        out.append(_conflict(code, group, lambda e: e.occupation, "is printed as", suggestion))
    return out


def _class_conflicts(entries: list[Entry], notice: Notice) -> list[Anomaly]:
    """One code filed under two valid 行业分类 in different sections of this document."""
    by_code: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.code and e.industry_class in notice.industry_classes:
            by_code[e.code].append(e)
    out = []
    for code, group in by_code.items():
        classes = list(dict.fromkeys(e.industry_class or "" for e in group))
        if len(classes) < 2:
            continue
        culprit = next(e for e in group if e.industry_class != classes[0])
        listing = "; ".join(f"{c} at {_where(e for e in group if e.industry_class == c)}" for c in classes)
        out.append(
            entry_anomaly(
                "industry_class_conflict_within_source",
                culprit,
                f"{code} {culprit.name} is filed under 行业分类 {' and '.join(classes)}: {listing}",
                Severity.INFO,
            )
        )
    return out


def _bigrams(name: str) -> set[str]:
    return {name[i : i + 2] for i in range(len(name) - 1)}


def _stutters(entries: list[Entry]) -> list[Anomaly]:
    """Names with a doubled character that looks like a typing slip (印染染料料配制工).

    Doubled characters are common at word joints (加工|工, 印染|染料, 插花|花艺), so a doubling is only
    suspect when the words on its two sides disagree: one is printed in other names of this
    document and the other in none. A joint of two words this document never prints elsewhere
    (插花花艺师) gives no evidence either way and is left alone. The intended name is not derivable
    from this document, so the finding is `name_suspect` without a suggestion.
    """
    first: dict[str, Entry] = {}
    for e in entries:
        first.setdefault(e.name, e)
    holders: dict[str, set[str]] = defaultdict(set)
    for name in first:
        for pair in _bigrams(name):
            holders[pair].add(name)
    out = []
    for name, e in first.items():
        for i in range(1, len(name) - 2):
            if name[i] != name[i + 1]:
                continue
            left, right = name[i - 1 : i + 1], name[i + 1 : i + 3]
            seen = {w: sorted(holders[w] - {name}) for w in (left, right)}
            if bool(seen[left]) == bool(seen[right]):
                continue
            known, unknown = (left, right) if seen[left] else (right, left)
            out.append(
                entry_anomaly(
                    "name_suspect",
                    e,
                    f"{name[i]} is doubled in {name}: {known} is printed in other names of this document "
                    f"({seen[known][0]}) but {unknown} in none; likely a typing slip, and the document does "
                    "not show the intended name",
                )
            )
    return out
