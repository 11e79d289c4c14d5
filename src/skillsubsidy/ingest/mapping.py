"""From raw tables of any layout to catalog entries: find the header, map columns, parse the rows.

The mapping is shown before anything is stored (`preview`), so a bureau can check that next year's
attachment was understood, and override it column by column when its headers are unfamiliar.
Everything odd in the data is reported as an Anomaly and the text as printed is kept.

Anomaly kinds (stable codes):
  unknown_header (warning)        a column whose header maps to no field; the column is ignored
  duplicate_field (warning)       a second column for a field already mapped; it is ignored
  no_name_column (error)          no column holds names; `to_catalog` refuses until one is mapped
  table_skipped (warning)         a further table with another header or column count
  inferred_layout (warning)       a PDF page without ruling lines: columns guessed from word positions
  header_repeated (info)          a header row repeated below the first one (page break), skipped
  repeated_title (info)           a title row repeated below the header (page break), skipped
  empty_name (error)              a data row without a name; the row is skipped
  code_malformed (error)            a code of neither 大典 nor special-ability shape; kept as printed
  code_unknown_group (error)      a 大典 code whose medium group (中类) does not exist
  bad_category (warning)          a category other than A, B, C (optionally with `*` or 类)
  bad_uplift (warning)            an uplift that is not a percentage
  bad_levels (warning)            a levels cell that does not read as skill levels
  bad_serial (info)               a serial that is not a number
  serial_duplicate (warning)      a serial seen before in the same numbering
  serial_gap (warning)            serials skipped: the highest so far in the numbering plus one is missing
  serial_out_of_sequence (info)   a serial below the highest so far in the numbering, not seen before
  unrecognised_section (info)     a section label that names no known certificate type or programme
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple, Protocol

from skillsubsidy.bulk import building
from skillsubsidy.catalog.model import (
    Anomaly,
    CatalogVersion,
    Category,
    CertificateType,
    Provenance,
    Section,
    SectionKind,
    Severity,
    named_entry,
)
from skillsubsidy.ingest.tables import RawCell, RawTable, TableImportError
from skillsubsidy.occupations import (
    CodeKind,
    NameParts,
    clean_code,
    is_known_medium_group,
    normalise_text,
    parse_code,
    parse_levels,
    split_name,
)


class Field(StrEnum):
    SERIAL = "serial"  # 序号
    CODE = "code"  # 编码
    NAME = "name"  # 职业（工种）名称
    OCCUPATION_NAME = "occupation_name"  # 职业名称 beside a 职业（工种）名称 column (seed 003)
    CATEGORY = "category"  # 类别 A/B/C
    INDUSTRY_CLASS = "industry_class"  # 行业分类
    PROGRAMMES = "programmes"  # 类型 (Guangdong: 粤菜师傅 …)
    CERTIFICATE_TYPE = "certificate_type"  # 证书类型 / 补贴项目: also the section label
    LEVELS = "levels"  # 等级
    UPLIFT = "uplift"  # 上浮比例


# Containment is tried in this order, so a narrower field wins over a wider one that its header
# also contains: 行业分类 is not 分类, 证书类型 is not 类型, 职业编码 is not 职业.
_SYNONYMS: tuple[tuple[Field, tuple[str, ...]], ...] = (
    (Field.INDUSTRY_CLASS, ("行业分类", "行业类别", "所属行业")),
    (Field.CERTIFICATE_TYPE, ("证书类型", "补贴项目", "证书类别", "证书种类")),
    (Field.UPLIFT, ("上浮比例", "上浮幅度", "上浮")),
    (Field.CODE, ("编码", "职业编码", "项目编码", "职业代码", "代码")),
    (Field.LEVELS, ("等级", "可评价等级", "评价等级", "鉴定等级")),
    (Field.SERIAL, ("序号",)),
    (Field.CATEGORY, ("类别", "分类")),
    (Field.PROGRAMMES, ("类型",)),
    (
        Field.NAME,
        (
            "职业（工种）名称",
            "职业工种名称",
            "项目名称",
            "工种名称",
            "职业名称",
            "名称",
            "职业（工种）",
            "职业",
            "工种",
        ),
    ),
)
_EXACT = 1.0
_CONTAINS = 0.7

# Section labels name a certificate type or programme; the narrower words come first.
_SECTION_WORDS: tuple[tuple[str, SectionKind, CertificateType | None], ...] = (
    ("专项职业能力", SectionKind.SPECIAL_ABILITIES, CertificateType.SPECIAL_ABILITY),
    ("专项能力", SectionKind.SPECIAL_ABILITIES, CertificateType.SPECIAL_ABILITY),
    ("培训合格", SectionKind.TRAINING_QUALIFICATIONS, CertificateType.TRAINING_QUALIFICATION),
    ("项目制", SectionKind.PROJECTS, None),
    ("技能等级", SectionKind.OCCUPATIONS, CertificateType.SKILL_LEVEL),
    ("职业资格", SectionKind.QUALIFICATIONS, CertificateType.VOCATIONAL_QUALIFICATION),
)

_SCAN = 30  # rows searched for the header: titles and notes above it rarely take more
_NO_CODE = frozenset({"", "/", "-", "无", "\\"})
_INT_RE = re.compile(r"^\d+$")
_ORDINAL_RE = re.compile(r"^[（(]?[一二三四五六七八九十]+[）)]?[、.．]?$")
_CATEGORY_RE = re.compile(r"^([ABC])类?(\*)?$")
_UPLIFT_RE = re.compile(r"^(\d+(?:\.\d+)?)%?$")
_LIST_SPLIT_RE = re.compile(r"[、,，/／;；\s]+")


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    column: int  # 0-based index into the table grid
    field: Field
    header: str  # header text as printed (both rows joined for a two-row header)
    confidence: float  # 1.0 exact synonym or user choice, 0.7 when the header only contains one
    how: str  # exact | contains | fallback | user


class ParsedRow(NamedTuple):
    # A named tuple, as immutable as a frozen dataclass and several times cheaper to build: a
    # preview makes one per data row, 100,000 for a large upload.
    source: str  # file name
    where: str  # RawTable.where(): sheet, page or table
    row: int  # 1-based source row
    section: str | None  # section label as printed, filled down
    serial: str | None
    code: str | None  # cleaned; None when the cell is empty or a placeholder such as `/`
    parts: NameParts
    raw: str  # the row's cells as printed, joined by " | "
    category: Category | None = None
    matched: bool = False
    industry_class: str | None = None
    programmes: tuple[str, ...] = ()
    certificate_type: CertificateType | None = None
    levels: tuple[int, ...] = ()
    uplift_pct: Decimal | None = None
    occupation_name: str | None = None


@dataclass(frozen=True, slots=True)
class MappingPreview:
    tables: tuple[RawTable, ...]  # the tables whose rows were read
    header: tuple[str, ...]  # per column, as printed
    header_rows: tuple[int, ...]  # source rows of the header in the first table
    preamble: tuple[str, ...]  # title lines above the header
    columns: tuple[ColumnMapping, ...]
    rows: tuple[ParsedRow, ...]  # every data row
    anomalies: tuple[Anomaly, ...]
    sample_size: int = 10

    @property
    def sample(self) -> tuple[ParsedRow, ...]:
        return self.rows[: self.sample_size]

    @property
    def fields(self) -> dict[Field, int]:
        return {m.field: m.column for m in self.columns}

    @property
    def source(self) -> str:
        return self.tables[0].source


def match_header(text: str) -> tuple[Field, float, int] | None:
    """(field, confidence, rank among its synonyms) for a header as printed; None if unknown."""
    header = normalise_text(text)
    if not header:
        return None
    for field, words in _SYNONYMS:
        for rank, word in enumerate(words):
            if header == normalise_text(word):
                return field, _EXACT, rank
    for field, words in _SYNONYMS:
        for rank, word in enumerate(words):
            if normalise_text(word) in header:
                return field, _CONTAINS, rank
    return None


def _texts(row: Sequence[RawCell]) -> list[str]:
    return [c.text for c in row if c.text]


def _is_data_like(row: Sequence[RawCell]) -> bool:
    return _are_data_like(_texts(row))


def _are_data_like(texts: Sequence[str]) -> bool:
    return any(_INT_RE.match(t) for t in texts[:2]) or any(parse_code(t) for t in texts)


def _header_score(row: Sequence[RawCell]) -> int:
    return len({m[0] for t in _texts(row) if (m := match_header(t))})


def _find_header(rows: Sequence[Sequence[RawCell]]) -> int | None:
    """Grid index of the row naming the most known fields (at least two) above the first data row."""
    best, best_score = None, 1
    for i, row in enumerate(rows[:_SCAN]):
        if _is_data_like(row):
            break
        score = _header_score(row)
        if score > best_score:
            best, best_score = i, score
    return best


def _guess_header(rows: Sequence[Sequence[RawCell]]) -> int | None:
    """For unfamiliar headers: the last row of several texts above the first data row."""
    first = last = None
    for i, row in enumerate(rows[:_SCAN]):
        if _is_data_like(row):
            return last if last is not None else first
        if len(set(_texts(row))) >= 2:
            first = i if first is None else first
            last = i
    return first


def _continues_header(top: Sequence[RawCell], below: Sequence[RawCell]) -> bool:
    """Is `below` the second row of a two-row header (sub-headers under a merged heading)?"""
    # A title merged across the whole width also sits above the header, but it is one text.
    if _is_data_like(below) or not _texts(below) or len(set(_texts(top))) < 2:
        return False
    for c, cell in enumerate(below):
        if not cell.text:
            continue
        if cell.merged_from is not None and cell.merged_from[0] == top[c].row:
            continue
        above, origin = top[c], top[c].merged_from
        # the cell above is part of a horizontal merge: filled from its left, or the origin of one
        above_spans = (origin is not None and origin[0] == above.row) or (
            c + 1 < len(top) and top[c + 1].merged_from == (above.row, above.col)
        )
        if not above_spans and match_header(cell.text) is None:
            return False
    return True


def _combine(texts: Sequence[str]) -> str:
    out: list[str] = []
    for t in texts:
        if t and t not in out:
            out.append(t)
    return "".join(out)


def _signature(row: Sequence[RawCell]) -> tuple[str, ...]:
    return tuple(normalise_text(c.text) for c in row)


def _anomaly(
    kind: str,
    message: str,
    table: RawTable,
    line: int,
    original: str,
    *,
    section: str | None = None,
    serial: str | None = None,
    severity: Severity = Severity.WARNING,
    suggestion: str | None = None,
) -> Anomaly:
    return Anomaly(
        kind, message, table.source, table.where(), section or "", line, original,
        serial=serial, suggestion=suggestion, severity=severity,
    )  # fmt: skip


def _detect_columns(header: Sequence[str]) -> tuple[dict[int, ColumnMapping], list[tuple[int, str]]]:
    """Columns mapped from header text, strongest claim first; and the columns left over, why."""
    claims = []
    for col, text in enumerate(header):
        if m := match_header(text):
            claims.append((-m[1], m[2], col, m[0]))
    mapped: dict[int, ColumnMapping] = {}
    taken: set[Field] = set()
    leftovers = []
    for neg_conf, _rank, col, field in sorted(claims):
        how = "exact" if -neg_conf == _EXACT else "contains"
        occupation_only = "职业" in normalise_text(header[col])
        if field in taken and field is Field.NAME and occupation_only and Field.OCCUPATION_NAME not in taken:
            field, how = Field.OCCUPATION_NAME, "fallback"
        if field in taken:
            leftovers.append((col, f"a column for {field.value} is already mapped"))
            continue
        taken.add(field)
        mapped[col] = ColumnMapping(col, field, header[col], -neg_conf, how)
    return mapped, leftovers


def _field(value: Field | str | None, key: int | str, source: str) -> Field | None:
    if value is None or isinstance(value, Field):
        return value
    try:
        return Field(value)
    except ValueError:
        names = ", ".join(f.value for f in Field)
        raise TableImportError(
            source, f"mapping sends column {key!r} to unknown field {value!r}; fields are {names}"
        ) from None


def _apply_user_mapping(
    mapped: dict[int, ColumnMapping],
    user: Mapping[int | str, Field | str | None],
    header: Sequence[str],
    source: str,
) -> set[int]:
    """Override detection with the user's choices; return the columns the user decided about."""
    decided: dict[int, Field | None] = {}
    keys = [normalise_text(h) for h in header]
    for key, value in user.items():
        field = _field(value, key, source)
        what = field.value if field else "nothing"
        if isinstance(key, int):
            if not 0 <= key < len(header):
                raise TableImportError(
                    source,
                    f"mapping sends column {key} to {what}, but the table has {len(header)} columns "
                    f"(0–{len(header) - 1})",
                )
            col = key
        elif normalise_text(key) in keys:
            col = keys.index(normalise_text(key))
        else:
            shown = "、".join(h for h in header if h)
            raise TableImportError(
                source, f"mapping sends column {key!r} to {what}, but no header reads so; headers: {shown}"
            )
        if field is not None and field in decided.values():
            raise TableImportError(
                source, f"mapping sends two columns to {field.value} (the second: {key!r})"
            )
        decided[col] = field
    for col, field in decided.items():
        mapped.pop(col, None)
        for other in [c for c, m in mapped.items() if m.field is field]:
            del mapped[other]
        if field is not None:
            mapped[col] = ColumnMapping(col, field, header[col], 1.0, "user")
    return set(decided)


def _section_of(label: str) -> tuple[SectionKind, CertificateType | None] | None:
    text = normalise_text(label)
    for word, kind, cert in _SECTION_WORDS:
        if word in text:
            return kind, cert
    return None


def _parse_category(text: str) -> tuple[Category, bool] | None:
    m = _CATEGORY_RE.match(normalise_text(text).upper())
    return (Category(m.group(1)), bool(m.group(2))) if m else None


class _RowReader:
    """Turns data rows into ParsedRows, carrying labels and serial checks across tables."""

    def __init__(self, fields: dict[Field, int]) -> None:
        self.fields = fields
        self.label: str | None = None
        # Serials run per numbering: a label that restarts at 1 opens one (Nantong 附件2), a label
        # printed on every row with numbering running on through it does not (Guangdong 证书类型).
        # Per numbering: the serials seen and the highest of them, so each check is O(1).
        self.serials: dict[str | None, tuple[set[int], list[int]]] = {}
        self.numbering: str | None = None
        self.labels_seen: set[str] = set()
        self.rows: list[ParsedRow] = []
        self.anomalies: list[Anomaly] = []
        # What each distinct text of a column parses to: a sheet repeats its labels, categories
        # and codes down the rows, and parsing each again took much of a large preview's time.
        self.codes: dict[str, tuple[str | None, tuple[str, str] | None]] = {}
        self.categories: dict[str, tuple[Category, bool] | None] = {}
        self.sections: dict[str, tuple[SectionKind, CertificateType | None] | None] = {}

    def cells(self, row: Sequence[RawCell]) -> dict[Field, str]:
        """The row's text in each mapped column, stripped; a field whose column the row lacks is
        absent. Taken once per row: a row is read field by field a dozen times."""
        n = len(row)
        return {field: row[col].text.strip() for field, col in self.fields.items() if col < n}

    def is_heading(self, row: Sequence[RawCell], texts: Sequence[str], cells: dict[Field, str]) -> bool:
        """A section title across the table (一、职业技能等级项目), not an entry. `texts` are the
        row's non-empty texts, `cells` its mapped ones."""
        serial = cells.get(Field.SERIAL, "")
        # The cheap tests first: a data row has a serial, or more than two texts.
        if _INT_RE.match(serial) or len(set(texts)) > 2 or _are_data_like(texts):
            return False
        spans = any(c.merged_from is not None and c.merged_from[0] == c.row for c in row)
        return spans or not cells.get(Field.NAME) or bool(_ORDINAL_RE.match(normalise_text(serial)))

    def set_label(self, label: str, table: RawTable, line: int) -> None:
        self.label = label
        if label not in self.labels_seen:
            self.labels_seen.add(label)
            if _section_of(label) is None:
                self.anomalies.append(
                    _anomaly(
                        "unrecognised_section",
                        f"section 「{label}」 names no known certificate type or programme",
                        table,
                        line,
                        label,
                        section=label,
                        severity=Severity.INFO,
                    )
                )

    def read(self, table: RawTable, where: str, row: Sequence[RawCell], texts: Sequence[str]) -> None:
        """One row of `table` (whose `where()` is `where`); `texts` are its non-empty texts."""
        line, raw = row[0].row, " | ".join([c.text for c in row])

        def report(
            kind: str, message: str, severity: Severity = Severity.WARNING, serial: str | None = None
        ) -> None:
            self.anomalies.append(
                _anomaly(
                    kind, message, table, line, raw, section=self.label, serial=serial, severity=severity
                )
            )

        cells = self.cells(row)
        get = cells.get
        if self.is_heading(row, texts, cells):
            self.set_label(_combine(texts), table, line)
            return
        if label := get(Field.CERTIFICATE_TYPE):
            self.set_label(label, table, line)
        serial = get(Field.SERIAL) or None
        # The serial belongs to the printed sequence even when the rest of the row is unusable.
        self.check_serial(serial, report)
        parts = split_name(get(Field.NAME, ""))
        if not parts.name:
            report("empty_name", "row has no name; skipped", Severity.ERROR, serial)
            return
        code = self.parse_code(get(Field.CODE, ""), serial, report)
        category, matched = None, False
        if text := get(Field.CATEGORY):
            if text in self.categories:
                parsed = self.categories[text]
            else:
                parsed = self.categories[text] = _parse_category(text)
            if parsed:
                category, matched = parsed
            else:
                report("bad_category", f"category {text!r} is not A, B or C", serial=serial)
        uplift = None
        if text := get(Field.UPLIFT):
            if m := _UPLIFT_RE.match(normalise_text(text)):
                uplift = Decimal(m.group(1))
            else:
                report("bad_uplift", f"uplift {text!r} is not a percentage", serial=serial)
        levels: tuple[int, ...] = ()
        if text := get(Field.LEVELS):
            try:
                levels = parse_levels(text)
            except ValueError:
                report("bad_levels", f"levels {text!r} do not read as skill levels", serial=serial)
        section = None
        if self.label:
            if self.label in self.sections:
                section = self.sections[self.label]
            else:
                section = self.sections[self.label] = _section_of(self.label)
        programmes = get(Field.PROGRAMMES)
        occupation_name = get(Field.OCCUPATION_NAME)
        self.rows.append(
            ParsedRow(
                table.source,
                where,
                line,
                self.label,
                serial,
                code,
                parts,
                raw,
                category=category,
                matched=matched,
                industry_class=get(Field.INDUSTRY_CLASS) or None,
                programmes=tuple(p for p in _LIST_SPLIT_RE.split(programmes) if p) if programmes else (),
                certificate_type=section[1] if section else None,
                levels=levels,
                uplift_pct=uplift,
                occupation_name=(normalise_text(occupation_name) or None) if occupation_name else None,
            )
        )

    def check_serial(self, serial: str | None, report: _Report) -> None:
        if serial is None:
            return
        folded = unicodedata.normalize("NFKC", serial)
        if not _INT_RE.match(folded):
            report("bad_serial", f"serial {serial!r} is not a number", Severity.INFO, serial)
            return
        number = int(folded)
        if number == 1 and self.label != self.numbering:
            self.numbering = self.label
        seen, highest = self.serials.setdefault(self.numbering, (set(), [0]))
        top = highest[0]
        if number in seen:
            report("serial_duplicate", f"serial {number} appeared before in this numbering", serial=serial)
        elif number > top + 1:
            missing = f"{top + 1}" if number == top + 2 else f"{top + 1}–{number - 1}"
            report("serial_gap", f"serial {number} follows {top}: {missing} missing", serial=serial)
        elif number < top:
            message = f"serial {number} comes after {top}"
            report("serial_out_of_sequence", message, Severity.INFO, serial)
        seen.add(number)
        highest[0] = max(top, number)

    def parse_code(self, text: str, serial: str | None, report: _Report) -> str | None:
        if text in self.codes:
            code, finding = self.codes[text]
        else:
            code, finding = self.codes[text] = _code_of(text)
        if finding is not None:
            report(finding[0], finding[1], Severity.ERROR, serial)
        return code


def _code_of(text: str) -> tuple[str | None, tuple[str, str] | None]:
    """A code cell's code as kept (None for a placeholder such as `/`), and the finding about it
    (kind, message), if any."""
    cleaned = clean_code(text).upper()
    if cleaned in _NO_CODE:
        return None, None
    code = parse_code(cleaned)
    if code is None:
        return cleaned, (
            "code_malformed",
            f"code {text!r} is neither a 大典 nor a special-ability code; kept as printed",
        )
    if code.kind is CodeKind.DADIAN and not is_known_medium_group(code):
        return code.text, (
            "code_unknown_group",
            f"code {code.text}: 中类 {code.medium} does not exist in 职业分类大典 (2022)",
        )
    return code.text, None


class _Report(Protocol):
    def __call__(
        self, kind: str, message: str, severity: Severity = ..., serial: str | None = None
    ) -> None: ...


def _first_line(table: RawTable) -> int:
    return table.rows[0][0].row if table.rows and table.rows[0] else 0


def _locate_header(tables: Sequence[RawTable], header_row: int | None, guess: bool) -> tuple[int, int]:
    """(table index, grid row) of the header: the user's row, a detected one, or a guess."""
    if header_row is not None:
        for r, row in enumerate(tables[0].rows):
            if row and row[0].row == header_row:
                return 0, r
        raise TableImportError(
            tables[0].source, f"header_row {header_row} is not a row of {tables[0].location()}"
        )
    for i, table in enumerate(tables):
        if (h := _find_header(table.rows)) is not None:
            return i, h
    # Unfamiliar headers: show the likeliest row so that the user can map its columns.
    if guess:
        for i, table in enumerate(tables):
            if (h := _guess_header(table.rows)) is not None:
                return i, h
    raise TableImportError(tables[0].source, "no header row found (no 序号, 编码, 名称 … in the first rows)")


@building()
def preview(
    tables: Sequence[RawTable],
    mapping: Mapping[int | str, Field | str | None] | None = None,
    *,
    header_row: int | None = None,
    sample: int = 10,
) -> MappingPreview:
    """Find the header, map its columns and parse every row, without storing anything.

    `mapping` overrides detection column by column: keys are 0-based column indexes or header
    texts, values are fields (or None to ignore a column). `header_row` is the source row number
    of the header when detection picks the wrong one. Later tables with the same columns (next
    pages, a split sheet) continue the first; a table with another header is skipped and reported.
    """
    if not tables:
        raise TableImportError("(no file)", "no table to preview")
    first, h = _locate_header(tables, header_row, guess=True)
    table = tables[first]
    # The best-scoring row may be either row of a two-row header: sub-headers score too.
    if header_row is None and h > 0 and _continues_header(table.rows[h - 1], table.rows[h]):
        h -= 1
    span = 2 if h + 1 < len(table.rows) and _continues_header(table.rows[h], table.rows[h + 1]) else 1
    header_cells = table.rows[h : h + span]
    header = tuple(_combine([r[c].text for r in header_cells]) for c in range(table.ncols))
    head_line = header_cells[0][0].row
    anomalies = [
        _anomaly("table_skipped", f"{t.location()} comes before the header; skipped", t, _first_line(t), "")
        for t in tables[:first]
    ]

    mapped, leftovers = _detect_columns(header)
    decided = _apply_user_mapping(mapped, mapping, header, table.source) if mapping else set()
    reasons = dict(leftovers)
    for col, text in enumerate(header):
        if col in mapped or col in decided:
            continue
        if col in reasons:
            message = f"column {col} 「{text}」 ignored: {reasons[col]}"
            anomalies.append(_anomaly("duplicate_field", message, table, head_line, text))
        elif text:
            message = f"column {col} 「{text}」 maps to no field; ignored"
            anomalies.append(_anomaly("unknown_header", message, table, head_line, text))
        elif any(row[col].text for row in table.rows[h + span :]):
            message = f"column {col} has no header but holds data; ignored"
            anomalies.append(_anomaly("unknown_header", message, table, head_line, text))
    fields = {m.field: m.column for m in mapped.values()}
    if Field.NAME not in fields:
        shown = "、".join(t for t in header if t)
        message = f"no column maps to name (名称); headers: {shown}"
        anomalies.append(
            _anomaly("no_name_column", message, table, head_line, shown, severity=Severity.ERROR)
        )

    used = [table]
    reader = _RowReader(fields)
    if Field.NAME in fields:
        header_sigs = {_signature(r) for r in header_cells}
        title_sigs = {_signature(r) for r in table.rows[:h] if _texts(r)}
        # A row can repeat the header or a title only if its first cell does: one normalised text
        # per row, looked up once per distinct text, instead of one per cell.
        firsts = {sig[0] for sig in (*header_sigs, *title_sigs) if sig}
        first_of: dict[str, str] = {}

        def read(t: RawTable, rows: Sequence[Sequence[RawCell]]) -> None:
            where = t.where()
            for row in rows:
                texts = _texts(row)
                if not texts:
                    continue
                first = row[0].text
                if first not in first_of:
                    first_of[first] = normalise_text(first)
                sig = _signature(row) if first_of[first] in firsts else None
                if sig is not None and (sig in header_sigs or sig in title_sigs):
                    kind = "header_repeated" if sig in header_sigs else "repeated_title"
                    message = f"{kind.replace('_', ' ')} skipped"
                    line, raw = row[0].row, " | ".join(c.text for c in row)
                    reader.anomalies.append(
                        _anomaly(kind, message, t, line, raw, section=reader.label, severity=Severity.INFO)
                    )
                else:
                    reader.read(t, where, row, texts)

        read(table, table.rows[h + span :])
        for t in tables[first + 1 :]:
            th = _find_header(t.rows)
            if t.ncols != table.ncols or (th is not None and _signature(t.rows[th]) not in header_sigs):
                why = f"{t.ncols} columns" if t.ncols != table.ncols else "another header"
                message = f"{t.location()} has {why}, unlike the table at {table.location()}; skipped"
                anomalies.append(_anomaly("table_skipped", message, t, _first_line(t), ""))
                continue
            used.append(t)
            read(t, t.rows)
    for t in used:
        if t.inferred:
            message = "no ruling lines on this page: columns were guessed from word positions"
            anomalies.append(_anomaly("inferred_layout", message, t, _first_line(t), ""))

    return MappingPreview(
        tables=tuple(used),
        header=header,
        header_rows=tuple(r[0].row for r in header_cells),
        preamble=tuple(_combine(_texts(r)) for r in table.rows[:h] if _texts(r)),
        columns=tuple(sorted(mapped.values(), key=lambda m: m.column)),
        rows=tuple(reader.rows),
        anomalies=(*anomalies, *reader.anomalies),
        sample_size=sample,
    )


def _parts_label(tables: Sequence[RawTable]) -> str:
    """Which parts of the file the catalog came from: `sheet 附件3`, `pages 1–2`, `table 1`."""
    sheets = list(dict.fromkeys(t.sheet for t in tables if t.sheet is not None))
    if sheets:
        return "sheet " + "、".join(sheets)
    pages = [t.page for t in tables if t.page is not None]
    if pages:
        return f"page {pages[0]}" if min(pages) == max(pages) else f"pages {min(pages)}–{max(pages)}"
    return "、".join(t.where() for t in tables if t.where())


def _sections(pv: MappingPreview, title: str) -> tuple[dict[str | None, Section], list[str]]:
    """One section per label, in order of appearance; keys come from what the label names."""
    # A table's columns say what it is when its labels do not: an uplift makes a shortage list,
    # levels per row make a list of what evaluation organisations may certify (seed 003).
    implied = (
        SectionKind.SHORTAGE
        if Field.UPLIFT in pv.fields
        else SectionKind.EVALUATION
        if Field.LEVELS in pv.fields
        else None
    )
    sections: dict[str | None, Section] = {}
    assumptions = []
    used_keys: dict[str, int] = {}
    for label in dict.fromkeys(r.section for r in pv.rows):
        named = _section_of(label) if label else None
        kind, cert = named if named else (SectionKind.OCCUPATIONS, None)
        if implied is not None:
            kind = implied
        used_keys[kind.value] = used_keys.get(kind.value, 0) + 1
        key = kind.value if used_keys[kind.value] == 1 else f"{kind.value}-{used_keys[kind.value]}"
        sections[label] = Section(key, label or title, kind, cert)
        if label:
            what = f"{kind.value}, certificate {cert.value}" if cert else kind.value
            assumptions.append(f"section 「{label}」 read as {what}")
    return sections, assumptions


@building()
def to_catalog(
    preview_or_tables: MappingPreview | Sequence[RawTable],
    *,
    catalog_id: str,
    region: str | None,
    title: str,
    effective_from: date | None,
    effective_to: date | None,
    source_name: str,
) -> tuple[CatalogVersion, list[Anomaly]]:
    """Entries for every parsed row; `source_name` is the document as cited (seed, provenance)."""
    pv = preview_or_tables if isinstance(preview_or_tables, MappingPreview) else preview(preview_or_tables)
    if Field.NAME not in pv.fields:
        shown = "、".join(t for t in pv.header if t)
        raise TableImportError(
            pv.source, f"no column maps to the field name (名称); headers are {shown}; pass a mapping"
        )
    if not pv.rows:
        raise TableImportError(pv.source, f"no data rows below the header at {pv.tables[0].location()}")
    sections, assumptions = _sections(pv, title)
    assumptions = [
        *(
            f"column {m.column} 「{m.header}」 read as {m.field.value} ({m.how})"
            for m in pv.columns
            if m.how != "exact"
        ),
        *assumptions,
    ]
    entries = []
    for row in pv.rows:
        section = sections[row.section]
        entries.append(
            named_entry(
                row.parts,
                catalog_id=catalog_id,
                section=section.key,
                serial=row.serial,
                code=row.code,
                provenance=Provenance(source_name, row.where, section.title, row.row, row.raw),
                category=row.category,
                matched=row.matched,
                industry_class=row.industry_class,
                programmes=row.programmes,
                certificate_type=row.certificate_type,
                levels=row.levels,
                uplift_pct=row.uplift_pct,
                occupation_name=row.occupation_name,
            )
        )
    catalog = CatalogVersion(
        id=catalog_id,
        region=region,
        title=title,
        seed=source_name,
        attachment=_parts_label(pv.tables),
        effective_from=effective_from,
        effective_to=effective_to,
        sections=tuple(sections.values()),
        entries=tuple(entries),
        assumptions=tuple(assumptions),
    )
    return catalog, [replace(a, seed=source_name, catalog_id=catalog_id) for a in pv.anomalies]
