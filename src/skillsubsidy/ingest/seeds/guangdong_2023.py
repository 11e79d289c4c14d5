"""Seed 002: the Guangdong 2023 standard catalog, 附件5 of Guangzhou's 2023-07-30 "揭榜领题" call.

The annex is PDF text, not a TAB-per-cell table: a row is `序号 编码 名称 类型 证书类型` on one line
when it fits, but a wrapped cell spills its fragments onto lines of their own, the 编码 cell carries
an edition line `（2022年版）`, and the column header is printed again after every page break, where
the overflow of the last row of the page lands after the header. So the reader walks whitespace
tokens and relies on the two anchors every row has: it starts with a bare 序号 and ends with a
certificate type (the only cell that ends in 证书).

Rows are split into one section per certificate type so that special-ability rows, which carry no
大典 code, sit in a special-ability section as they do in the other catalogs; each entry keeps its
line, so the printed order is never lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from skillsubsidy.catalog.model import (
    Anomaly,
    CatalogVersion,
    CertificateType,
    Entry,
    Provenance,
    Section,
    SectionKind,
    Severity,
    named_entry,
)
from skillsubsidy.ingest.seeds import SeedResult
from skillsubsidy.ingest.text import SeedText
from skillsubsidy.occupations import clean_code, parse_code, split_name

SEED = "002_192cf03f49fda43c.txt"
CATALOG_ID = "guangdong-2023"
REGION = "440000"  # 广东省: the catalog is the province's, the notice around it is Guangzhou's
ATTACHMENT = "附件5"

_ANNEX = r"^\s*附件\s*5\s*$"
_HEADER = r"^\s*序号\s+编码\s+名称\s+类型\s+证书类型\s*$"
_HEADER_RE = re.compile(_HEADER)
_FOOTER = r"^\s*公开方式"  # the notice's closing line follows the last row
_YEAR_RE = re.compile(r"[（(]\s*(20\d\d)\s*年度\s*[）)]")
_SERIAL_RE = re.compile(r"^\d+$")
_EDITION_RE = re.compile(r"^[（(]\s*(20\d\d)\s*年版\s*[）)]$")
_NO_CODE = "/"

# The 证书类型 column as printed → certificate type and the section its rows go to. Guangdong writes
# the short 专项能力证书; the longer national wordings are accepted as well.
_CERTIFICATES = {
    "技能等级证书": CertificateType.SKILL_LEVEL,
    "职业技能等级证书": CertificateType.SKILL_LEVEL,
    "专项能力证书": CertificateType.SPECIAL_ABILITY,
    "专项职业能力证书": CertificateType.SPECIAL_ABILITY,
    "职业资格证书": CertificateType.VOCATIONAL_QUALIFICATION,
    "培训合格证书": CertificateType.TRAINING_QUALIFICATION,
}
_SECTIONS = {
    CertificateType.SKILL_LEVEL: ("skill_levels", SectionKind.OCCUPATIONS),
    CertificateType.SPECIAL_ABILITY: ("special_abilities", SectionKind.SPECIAL_ABILITIES),
    CertificateType.VOCATIONAL_QUALIFICATION: ("qualifications", SectionKind.QUALIFICATIONS),
    CertificateType.TRAINING_QUALIFICATION: ("training_qualifications", SectionKind.TRAINING_QUALIFICATIONS),
}


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    line: int


@dataclass
class _Row:
    serial: _Token
    code: _Token | None = None
    edition: _Token | None = None
    body: list[_Token] = field(default_factory=list)  # 名称 then 类型, possibly in fragments
    cert: _Token | None = None
    overflow: list[_Token] = field(default_factory=list)  # fragments printed after a page header

    def tokens(self) -> list[_Token]:
        head = [t for t in (self.serial, self.code, self.edition) if t is not None]
        tail = [self.cert] if self.cert is not None else []
        return head + self.body + tail + self.overflow


def read(text: SeedText) -> SeedResult:
    annex = text.find(_ANNEX)
    header = text.find(_HEADER, annex + 1)
    footer = text.find(_FOOTER, header + 1)
    title = "".join(line.strip() for _, line in text.span(annex + 1, header))
    year_match = _YEAR_RE.search(title)
    if year_match is None:
        raise ValueError(f"{text.name}: no year in the title of {ATTACHMENT}: {title!r}")
    year = int(year_match.group(1))

    tokens = [
        _Token(word, no)
        for no, line in text.span(header + 1, footer)
        if not _HEADER_RE.match(line)
        for word in line.split()
    ]
    rows, orphans = _group(tokens)
    builder = _Builder(text, title)
    for token in orphans:
        builder.unparsed([token], "text before the first 序号 of the table")
    for row in rows:
        builder.add(row)
    builder.check_serials(rows)

    catalog = CatalogVersion(
        id=CATALOG_ID,
        region=REGION,
        title=title,
        seed=text.name,
        attachment=ATTACHMENT,
        effective_from=date(year, 1, 1),
        effective_to=date(year, 12, 31),
        sections=tuple(builder.sections.values()),
        entries=tuple(builder.entries),
        assumptions=(
            f"assumed: effective 1 Jan–31 Dec {year}, the year in the title; the document states no "
            "start or end date for the catalog",
        ),
    )
    return SeedResult([catalog], builder.anomalies)


def _group(tokens: list[_Token]) -> tuple[list[_Row], list[_Token]]:
    """Cut the token stream into rows at each 序号 that follows a finished row."""
    rows: list[_Row] = []
    orphans: list[_Token] = []
    for tok in tokens:
        row = rows[-1] if rows else None
        if row is None or row.cert is not None:
            if _SERIAL_RE.match(tok.text):
                rows.append(_Row(tok))
            elif row is None:
                orphans.append(tok)
            else:
                row.overflow.append(tok)
        elif row.code is None:
            # Whatever follows the 序号 is the 编码 cell, even when it is not a code (row 39 prints 48).
            row.code = tok
        elif _EDITION_RE.match(tok.text):
            row.edition = tok
        elif tok.text.endswith("证书"):
            row.cert = tok
        elif _SERIAL_RE.match(tok.text):
            # A new row began before this one reached its certificate type: it stays unfinished.
            rows.append(_Row(tok))
        else:
            row.body.append(tok)
    return rows, orphans


class _Builder:
    def __init__(self, text: SeedText, title: str) -> None:
        self.text = text
        self.title = title
        self.sections: dict[CertificateType, Section] = {}
        self.entries: list[Entry] = []
        self.anomalies: list[Anomaly] = []

    def _anomaly(
        self,
        kind: str,
        message: str,
        row_tokens: list[_Token],
        severity: Severity,
        *,
        section: str = "",
        serial: str | None = None,
    ) -> None:
        lines = sorted({t.line for t in row_tokens})
        self.anomalies.append(
            Anomaly(
                kind=kind,
                message=message,
                seed=self.text.name,
                attachment=ATTACHMENT,
                section=section,
                line=lines[0],
                original="\n".join(self.text.lines[no - 1].strip() for no in lines),
                catalog_id=CATALOG_ID,
                serial=serial,
                severity=severity,
            )
        )

    def unparsed(self, tokens: list[_Token], why: str, serial: str | None = None) -> None:
        self._anomaly(
            "unparsed_row",
            f"could not read a catalog row ({why}); kept here instead of in the catalog",
            tokens,
            Severity.ERROR,
            serial=serial,
        )

    def _section(self, cert: CertificateType, printed: str) -> Section:
        if cert not in self.sections:
            key, kind = _SECTIONS[cert]
            self.sections[cert] = Section(key, printed, kind, cert)
        return self.sections[cert]

    def add(self, row: _Row) -> None:
        serial = row.serial.text
        if row.cert is None or row.code is None:
            self.unparsed(row.tokens(), "no 证书类型 cell before the next 序号", serial)
            return
        cert = _CERTIFICATES.get(row.cert.text)
        if cert is None:
            self.unparsed(row.tokens(), f"unknown 证书类型 {row.cert.text!r}", serial)
            return
        if len(row.body) < 2:
            self.unparsed(row.tokens(), "the 名称 or the 类型 cell is missing", serial)
            return
        section = self._section(cert, row.cert.text)

        # A wrapped 类型 cell always holds several programmes joined by "/", and names never do, so
        # the 类型 cell starts at the first fragment with a "/" or else is the last fragment.
        start = next((i for i, t in enumerate(row.body) if "/" in t.text), len(row.body) - 1)
        name = "".join(t.text for t in row.body[:start])
        programme = "".join(t.text for t in row.body[start:])
        # Overflow after a page header continues a cell of the row above: the 类型 cell when it is a
        # multi-programme one (the only kind long enough to wrap), else the 名称 cell.
        overflow = "".join(t.text for t in row.overflow)
        joined_to = "类型" if "/" in programme else "名称"
        if joined_to == "类型":
            programme += overflow
        else:
            name += overflow

        code_cell = row.code.text
        code = None if code_cell == _NO_CODE else clean_code(code_cell)
        edition_match = _EDITION_RE.match(row.edition.text) if row.edition else None
        edition = edition_match.group(1) if edition_match else None
        printed_code = code_cell + (row.edition.text if row.edition else "")
        raw = " | ".join((serial, printed_code, name, programme, row.cert.text))
        parts = split_name(name)
        # The edition printed under the code outranks one printed in the name.
        parts = replace(parts, edition=edition or parts.edition)
        self.entries.append(
            named_entry(
                parts,
                catalog_id=CATALOG_ID,
                section=section.key,
                serial=serial,
                code=code,
                provenance=Provenance(self.text.name, ATTACHMENT, section.title, row.serial.line, raw),
                programmes=tuple(p for p in programme.split("/") if p),
                certificate_type=cert,
            )
        )

        where = {"section": section.title, "serial": serial}
        if code is not None and parse_code(code) is None:
            self._anomaly(
                "code_malformed",
                f"编码 {code_cell!r} is neither a 大典 code nor {_NO_CODE!r}; kept as printed",
                [row.serial, row.code],
                Severity.WARNING,
                **where,
            )
        lines = sorted({t.line for t in row.tokens()})
        if len(lines) > 1:
            message = f"row printed over lines {lines[0]}–{lines[-1]}; its cells were rejoined"
            if overflow:
                message += (
                    f", and {overflow!r} printed after the page header on line {row.overflow[0].line} "
                    f"was appended to the {joined_to} cell"
                )
            self._anomaly("row_broken_across_lines", message, row.tokens(), Severity.INFO, **where)

    def check_serials(self, rows: list[_Row]) -> None:
        first_seen: dict[str, int] = {}
        previous: int | None = None
        section_of = {e.provenance.line: e.provenance.section for e in self.entries}
        for row in rows:
            serial = row.serial.text
            where = {"section": section_of.get(row.serial.line, ""), "serial": serial}
            if serial in first_seen:
                self._anomaly(
                    "serial_duplicate",
                    f"序号 {serial} is printed again (first on line {first_seen[serial]}); "
                    "rows are kept and never keyed on 序号",
                    [row.serial],
                    Severity.WARNING,
                    **where,
                )
            else:
                first_seen[serial] = row.serial.line
            if previous is not None and int(serial) != previous + 1:
                self._anomaly(
                    "serial_out_of_sequence",
                    f"序号 {serial} follows 序号 {previous}",
                    [row.serial],
                    Severity.INFO,
                    **where,
                )
            previous = int(serial)
