"""Seed 003: occupations and work types open to social training-evaluation organisations (附件2).

A TAB-per-cell table: 序号, 职业编码, 职业（工种）名称, 职业名称, 等级. The document names no issuer,
region or date. Rows are cut where a bare 序号 is followed by a code, because a 等级 cell can be a
bare digit too (`5`); a stretch of cells that does not fill a row is reported, never dropped.
"""

from __future__ import annotations

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
from skillsubsidy.ingest.serials import serial_anomalies
from skillsubsidy.ingest.text import Cell, SeedText, raw_row, tab_cells
from skillsubsidy.occupations import clean_code, normalise_text, parse_code, parse_levels, split_name

SEED = "003_eaf749be2f6ce36e.txt"
CATALOG_ID = "evaluation-orgs"
SECTION = "evaluation"

_ANNEX = r"^\s*附件\s*\d*\s*$"
_NOTE = r"^\s*注[：:]"  # the closing note; without this stop it would be glued to the last 等级 cell
_COLUMNS = {
    "序号": "serial",
    "职业编码": "code",
    "职业（工种）名称": "name",
    "职业名称": "occupation_name",
    "等级": "levels",
}
# A 等级 cell with this text holds no level: the row is a 专项职业能力 item (4-04-05-Z1, -Z2).
_SPECIAL_ABILITY = "专项职业能力"


def _starts_row(cells: list[Cell], i: int) -> bool:
    return cells[i].text.isdigit() and i + 1 < len(cells) and parse_code(cells[i + 1].text) is not None


def read(text: SeedText) -> SeedResult:
    annex = text.find(_ANNEX)
    attachment = text.lines[annex - 1].strip()
    title_no = next(no for no, line in text.span(annex + 1, len(text.lines) + 1) if line.strip())
    title = text.lines[title_no - 1].strip()
    note_no = text.find(_NOTE, title_no)
    note = text.lines[note_no - 1].strip()
    cells = tab_cells(text.span(title_no + 1, note_no))

    first = next((i for i in range(len(cells)) if _starts_row(cells, i)), len(cells))
    header = [c.text for c in cells[:first]]
    if sorted(header) != sorted(_COLUMNS):
        raise ValueError(f"{text.name}: header {header} is not the expected {list(_COLUMNS)}")
    col = {_COLUMNS[h]: i for i, h in enumerate(header)}
    starts = [i for i in range(first, len(cells)) if _starts_row(cells, i)]

    section = Section(SECTION, title, SectionKind.EVALUATION)
    entries: list[Entry] = []
    anomalies: list[Anomaly] = []

    def anomaly(kind: str, row: list[Cell], message: str, severity: Severity) -> None:
        anomalies.append(
            Anomaly(
                kind=kind,
                message=message,
                seed=text.name,
                attachment=attachment,
                section=title,
                line=row[0].line,
                original=raw_row(row),
                catalog_id=CATALOG_ID,
                serial=row[col["serial"]].text if len(row) > col["serial"] else None,
                severity=severity,
            )
        )

    for start, end in zip(starts, [*starts[1:], len(cells)], strict=True):
        row = cells[start:end]
        if len(row) != len(header):
            anomaly(
                "unparsed_row",
                row,
                f"{len(row)} cells between this 序号 and the next where the header has {len(header)}; "
                "kept here instead of in the catalog",
                Severity.ERROR,
            )
            continue
        raw_name = row[col["name"]].text
        parts = split_name(raw_name)
        occupation_name = row[col["occupation_name"]].text
        levels_cell = row[col["levels"]].text
        certificate = CertificateType.SKILL_LEVEL
        levels: tuple[int, ...] = ()
        if normalise_text(levels_cell) == _SPECIAL_ABILITY:
            certificate = CertificateType.SPECIAL_ABILITY
        else:
            try:
                levels = parse_levels(levels_cell)
            except ValueError:
                anomaly(
                    "levels_unparsed",
                    row,
                    f"等级 {levels_cell!r} is not a list of levels; the row is kept without levels",
                    Severity.ERROR,
                )
        entries.append(
            named_entry(
                parts,
                catalog_id=CATALOG_ID,
                section=SECTION,
                serial=row[col["serial"]].text,
                code=clean_code(row[col["code"]].text),
                provenance=Provenance(text.name, attachment, title, row[0].line, raw_row(row)),
                certificate_type=certificate,
                levels=levels,
                occupation_name=occupation_name,
            )
        )
        if parts.occupation != normalise_text(occupation_name):
            anomaly(
                "occupation_name_mismatch",
                row,
                f"职业（工种）名称 {raw_name!r} names the occupation {parts.occupation!r}, "
                f"but the 职业名称 column says {occupation_name!r}",
                Severity.WARNING,
            )
    anomalies.extend(serial_anomalies(entries))

    catalog = CatalogVersion(
        id=CATALOG_ID,
        region=None,
        title=title,
        seed=text.name,
        attachment=attachment,
        effective_from=None,
        effective_to=None,
        sections=(section,),
        entries=tuple(entries),
        assumptions=(
            "region not stated in the text",
            "no date stated: neither when the list takes effect nor when it ends",
            "rows with levels are read as 职业技能等级证书 (skill_level) items, the certificate social "
            f"training-evaluation organisations issue; rows whose 等级 reads {_SPECIAL_ABILITY} are "
            "special-ability items without levels",
            f"the closing note says codes, names and levels follow the current 职业分类大典: {note}",
        ),
    )
    return SeedResult([catalog], anomalies)
