"""Raw tables out of the files bureaus publish: .xlsx, .docx, .pdf, .csv and TAB-separated text.

Every reader returns the same shape, a grid of text cells that remember where they stood in the
source, so that the mapping step (`ingest.mapping`) never needs to know which format it came from.
Merged cells are filled from their top-left cell on every position they cover, and each filled
cell records its origin: a label printed once down a merged column belongs to every row beside it.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any


class TableImportError(ValueError):
    """A file or a mapping the importer cannot use; the message names the file and the culprit."""

    def __init__(self, source: str, detail: str) -> None:
        super().__init__(f"{source}: {detail}")
        self.source = source
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Limits:
    """How much of a file the readers take on. A file past any of them is refused before (or while)
    it is read, with the limit named, so a few hostile bytes cannot claim the memory of a sheet of a
    million rows (an .xlsx can declare a cell at XFD1048576 in 1.6 KB)."""

    rows: int = 200_000
    columns: int = 200
    cells: int = 2_000_000  # the filled rectangle of a sheet or table, which is what gets held
    pages: int = 1_000
    unpacked_bytes: int = 200 * 1024 * 1024  # an .xlsx or .docx, unzipped
    cell_chars: int = 100_000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class RawCell:
    text: str
    row: int  # 1-based row in the source: the sheet's row number, or the row within the table
    col: int  # 1-based column in the source (grid column for Word tables)
    merged_from: tuple[int, int] | None = None  # (row, col) of the merge's top-left cell when copied
    # xlsx only: the sheet stored a number, not text (an ID number stored so has lost digits)
    numeric: bool = False


@dataclass(frozen=True, slots=True)
class RawTable:
    source: str  # file name
    fmt: str  # xlsx | docx | pdf | csv | text
    index: int  # 1-based: table number within the document (docx) or the page (pdf); 1 otherwise
    rows: tuple[tuple[RawCell, ...], ...]
    sheet: str | None = None
    page: int | None = None
    # pdf only: no ruling lines were found, so columns were guessed from where the words stand
    inferred: bool = False

    @property
    def ncols(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def where(self) -> str:
        """The part of the file this table is, as a citation: `sheet 附件3`, `page 2 · table 1`."""
        if self.sheet is not None:
            return f"sheet {self.sheet}"
        if self.page is not None:
            return f"page {self.page} · table {self.index}"
        if self.fmt == "docx":
            return f"table {self.index}"
        return ""

    def location(self) -> str:
        part = self.where()
        return f"{self.source} · {part}" if part else self.source


# Wrapped cells: a line break inside CJK text is layout, not a word boundary.
_CJK = re.compile(r"[\u2e80-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


def join_wrapped(text: str) -> str:
    """Join the lines of a wrapped cell: no space where either side is CJK, one space otherwise."""
    if "\n" not in text and "\r" not in text:
        return text.strip()
    parts = [p.strip() for p in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    parts = [p for p in parts if p]
    if not parts:
        return ""
    out = parts[0]
    for part in parts[1:]:
        glue = "" if _CJK.match(out[-1]) or _CJK.match(part[0]) else " "
        out += glue + part
    return out


def read_tables(path: Path, limits: Limits = DEFAULT_LIMITS) -> list[RawTable]:
    """Every table in the file, in document order; raise TableImportError for anything unusable or
    past `limits`. Run it in a process with its own memory and CPU limits (`ingest.bounded`) on
    files from outside: a library can still be driven to loop or allocate inside what it accepts."""
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        known = ", ".join(sorted(_READERS))
        hint = " (save it as .xlsx)" if suffix in (".xls", ".et") else ""
        hint = " (save it as .docx)" if suffix in (".doc", ".wps") else hint
        raise TableImportError(path.name, f"unsupported file type {suffix or '(none)'!r}{hint}; use {known}")
    if not path.is_file():
        raise TableImportError(path.name, f"file not found: {path}")
    try:
        tables = reader(path, limits)
    except TableImportError:
        raise
    except Exception as exc:  # every library has its own error types; the user needs one clear message
        raise TableImportError(
            path.name, f"cannot read the file as {suffix[1:]} ({type(exc).__name__}: {exc})"
        ) from exc
    tables = [t for t in tables if any(c.text for row in t.rows for c in row)]
    if not tables:
        raise TableImportError(path.name, "no table found in the file")
    return tables


def _trim(grid: list[list[RawCell]]) -> tuple[tuple[RawCell, ...], ...]:
    """Pad ragged rows and drop trailing empty rows and columns; interior blanks stay put."""
    width = max((len(r) for r in grid), default=0)
    padded = [
        r
        if len(r) == width
        else r + [RawCell("", r[-1].row, r[-1].col + 1 + i) for i in range(width - len(r))]
        for r in grid
    ]
    while padded and not any(c.text for c in padded[-1]):
        padded.pop()
    while width and not any(r[width - 1].text for r in padded):
        width -= 1
    return tuple(tuple(r[:width]) for r in padded)


def _fill(
    grid: list[list[RawCell]],
    top: int,
    left: int,
    bottom: int,
    right: int,
    text: str,
    origin: tuple[int, int],
) -> None:
    """Write `text` on grid[top:bottom][left:right], marking every cell but the origin as filled."""
    for r in range(top, bottom):
        for c in range(left, right):
            cell = grid[r][c]
            merged = None if (r, c) == (top, left) else origin
            grid[r][c] = RawCell(text, cell.row, cell.col, merged)


# --- xlsx -------------------------------------------------------------------------------------
#
# One streaming pass over each worksheet's XML with expat's callbacks (no element tree, no object
# per cell beyond its text): the limits are checked at each cell as it is met, and its value is
# kept at the same time, so the sheet is read once and never materialised beyond the rectangle its
# real cells fill. openpyxl is used for what it does well and cheaply (number formats, date serials),
# not for the cells: its read-only reader builds several objects per cell and took 19 s for a
# 100,000-row sheet that this pass reads in about 4 s on the same shared machine (ADR 0012).


def _xlsx_text(value: Any, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        if "%" in number_format:
            return f"{value * 100:g}%"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return join_wrapped(str(value))


def _is_number(value: Any) -> bool:
    # A roster's ID number stored as a number has lost digits already (classes.ids refuses it).
    return isinstance(value, int | float) and not isinstance(value, bool)


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")


def _cell_position(ref: str) -> tuple[int, int] | None:
    m = _REF.match(ref)
    return (int(m.group(2)), _column_number(m.group(1))) if m else None


Box = tuple[int, int, int, int]  # top row, left column, bottom row, right column; 1-based, inclusive


def _check_zip(path: Path, lim: Limits) -> zipfile.ZipFile:
    """The archive, once its unpacked size (as declared, and as read) is within the limit."""
    zf = zipfile.ZipFile(path)
    unpacked = sum(info.file_size for info in zf.infolist())
    if unpacked > lim.unpacked_bytes:
        zf.close()
        raise TableImportError(
            path.name, f"unpacks to {unpacked} bytes; the limit is {lim.unpacked_bytes} bytes unpacked"
        )
    return zf


_MAIN_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XLSX_RELS = (_MAIN_RELS, "http://purl.oclc.org/ooxml/officeDocument/relationships")


def _local(name: str) -> str:
    """An element's or attribute's name without its namespace (expat reports `uri}local`)."""
    return name[name.rfind("}") + 1 :]


def _expat(handlers: dict[str, Callable[..., None]]) -> Any:
    """An expat parser with namespaces resolved, that refuses any document type declaration:
    a workbook never has one, and a DTD is where entity expansion attacks live."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = 1 << 16

    def no_doctype(*_: Any) -> None:
        raise ValueError("the XML declares a document type, which a workbook never does")

    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    for name, handler in handlers.items():
        setattr(parser, name, handler)
    return parser


def _parse_member(zf: zipfile.ZipFile, member: str, handlers: dict[str, Callable[..., None]]) -> None:
    with zf.open(member) as stream:
        _expat(handlers).ParseFile(stream)


def _attrs(attrs: dict[str, str]) -> dict[str, str]:
    return {_local(k): v for k, v in attrs.items()}


def _relationships(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id → (type's last word, member path inside the archive)."""
    folder, _, name = part.rpartition("/")
    rels = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
    found: dict[str, tuple[str, str]] = {}
    if rels not in zf.NameToInfo:
        return found

    def start(tag: str, attrs: dict[str, str]) -> None:
        if _local(tag) == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            found[attrs.get("Id", "")] = (attrs.get("Type", "").rsplit("/", 1)[-1], path)

    _parse_member(zf, rels, {"StartElementHandler": start})
    return found


@dataclass(slots=True)
class _Book:
    sheets: list[tuple[str, str]]  # (name, member) of each worksheet, in the workbook's order
    strings: list[str]
    formats: list[str]  # number format code of each cell style (cellXfs), by index
    epoch: datetime


def _read_book(zf: zipfile.ZipFile) -> _Book:
    from openpyxl.styles.numbers import BUILTIN_FORMATS
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    roots = _relationships(zf, "")
    book_part = next((p for kind, p in roots.values() if kind == "officeDocument"), "xl/workbook.xml")
    rels = _relationships(zf, book_part)
    sheet_ids: list[tuple[str, str]] = []
    epoch = [CALENDAR_WINDOWS_1900]

    def book_start(tag: str, raw: dict[str, str]) -> None:
        name = _local(tag)
        if name == "sheet":
            attrs = _attrs(raw)
            rid = next(
                (v for k, v in raw.items() if k.rpartition("}")[0] in _XLSX_RELS and _local(k) == "id"), ""
            )
            sheet_ids.append((attrs.get("name", ""), rid))
        elif name == "workbookPr" and _attrs(raw).get("date1904") in ("1", "true"):
            epoch[0] = CALENDAR_MAC_1904

    _parse_member(zf, book_part, {"StartElementHandler": book_start})
    sheets = [(name, rels[rid][1]) for name, rid in sheet_ids if rid in rels and rels[rid][0] == "worksheet"]
    strings: list[str] = []
    shared = next((p for kind, p in rels.values() if kind == "sharedStrings"), None)
    if shared and shared in zf.NameToInfo:
        strings = _shared_strings(zf, shared)
    formats: list[str] = []
    styles = next((p for kind, p in rels.values() if kind == "styles"), None)
    if styles and styles in zf.NameToInfo:
        formats = _cell_formats(zf, styles, BUILTIN_FORMATS)
    return _Book(sheets, strings, formats, epoch[0])


def _shared_strings(zf: zipfile.ZipFile, member: str) -> list[str]:
    """Each <si>'s text: its <t> runs joined, phonetic guides (<rPh>) left out, as openpyxl reads it."""
    strings: list[str] = []
    parts: list[str] = []
    state = {"phonetic": 0, "text": False}

    def start(tag: str, _attrs: dict[str, str]) -> None:
        name = _local(tag)
        if name == "si":
            parts.clear()
        elif name == "rPh":
            state["phonetic"] += 1
        elif name == "t" and not state["phonetic"]:
            state["text"] = True

    def end(tag: str) -> None:
        name = _local(tag)
        if name == "si":
            strings.append("".join(parts).replace("x005F_", ""))
        elif name == "rPh":
            state["phonetic"] -= 1
        elif name == "t":
            state["text"] = False

    def chars(data: str) -> None:
        if state["text"]:
            parts.append(data)

    _parse_member(
        zf, member, {"StartElementHandler": start, "EndElementHandler": end, "CharacterDataHandler": chars}
    )
    return strings


def _cell_formats(zf: zipfile.ZipFile, member: str, builtin: dict[int, str]) -> list[str]:
    custom: dict[int, str] = {}
    formats: list[str] = []
    depth = {"cellXfs": 0}

    def start(tag: str, raw: dict[str, str]) -> None:
        name = _local(tag)
        if name == "numFmt":
            attrs = _attrs(raw)
            if (attrs.get("numFmtId") or "").isdigit():
                custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif name == "cellXfs":
            depth["cellXfs"] += 1
        elif name == "xf" and depth["cellXfs"]:
            fid = _attrs(raw).get("numFmtId") or "0"
            number = int(fid) if fid.isdigit() else 0
            formats.append(custom.get(number) or builtin.get(number) or "General")

    def end(tag: str) -> None:
        if _local(tag) == "cellXfs":
            depth["cellXfs"] -= 1

    _parse_member(zf, member, {"StartElementHandler": start, "EndElementHandler": end})
    return formats


class _SheetReader:
    """The cells of one worksheet, read in one expat pass and checked against the limits as met.

    `cells` holds (row, col, type, style, text) for every <c> with a value; `box` is the rectangle
    every <c> (valued or not) spans, the way the limits count it."""

    def __init__(self, source: str, name: str, lim: Limits) -> None:
        self.source, self.name, self.lim = source, name, lim
        self.cells: list[tuple[int, int, str, int, str]] = []
        self.merges: list[Box] = []
        self.count = 0
        self.row = self.col = 0
        self.top = self.left = self.bottom = self.right = 0
        self.cell: tuple[int, int, str, int] | None = None
        self.collect = False  # inside a <v>, or a <t> of an inline string
        self.phonetic = 0
        self.parts: list[str] = []

    def refuse(self, detail: str) -> TableImportError:
        return TableImportError(self.source, f"sheet {self.name} {detail}")

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = tag[tag.rfind("}") + 1 :]
        if name == "c":
            pos = _cell_position(attrs.get("r") or "")
            row, col = pos if pos else (self.row, self.col + 1)
            self.row, self.col = row, col
            self.count += 1
            lim = self.lim
            if row > lim.rows:
                raise self.refuse(f"has a cell in row {row}; the limit is {lim.rows} rows")
            if col > lim.columns:
                raise self.refuse(f"has a cell in column {col}; the limit is {lim.columns} columns")
            if self.count > lim.cells:
                raise self.refuse(f"has more than {lim.cells} cells, the limit")
            if not self.top or row < self.top:
                self.top = row
            if not self.left or col < self.left:
                self.left = col
            if row > self.bottom:
                self.bottom = row
            if col > self.right:
                self.right = col
            if (self.bottom - self.top + 1) * (self.right - self.left + 1) > lim.cells:
                raise self.refuse(
                    f"spans rows {self.top}–{self.bottom} and columns {self.left}–{self.right}, more "
                    f"than {lim.cells} cells, the limit"
                )
            style = attrs.get("s") or "0"
            self.cell = (row, col, attrs.get("t") or "n", int(style) if style.isdigit() else 0)
            self.parts.clear()
        elif name == "v" or (name == "t" and not self.phonetic):
            self.collect = self.cell is not None
        elif name == "row":
            r = attrs.get("r") or ""
            self.row = int(r) if r.isdigit() else self.row + 1
            self.col = 0
        elif name == "rPh":
            self.phonetic += 1
        elif name == "dimension":
            self.dimension(attrs.get("ref") or "")
        elif name == "mergeCell":
            ends = [_cell_position(p) for p in (attrs.get("ref") or "").split(":")]
            if len(ends) == 2 and ends[0] and ends[1]:
                self.merges.append((ends[0][0], ends[0][1], ends[1][0], ends[1][1]))

    def end(self, tag: str) -> None:
        name = tag[tag.rfind("}") + 1 :]
        if name == "c":
            if self.cell is not None and self.parts:
                self.cells.append((*self.cell, "".join(self.parts)))
            self.cell = None
        elif name in ("v", "t"):
            self.collect = False
        elif name == "rPh":
            self.phonetic -= 1

    def chars(self, data: str) -> None:
        if self.collect:
            self.parts.append(data)

    def dimension(self, ref: str) -> None:
        last = ref.split(":")[-1]
        pos = _cell_position(last)
        if pos and pos[0] > self.lim.rows:
            raise self.refuse(f"declares {pos[0]} rows; the limit is {self.lim.rows} rows")
        if pos and pos[1] > self.lim.columns:
            raise self.refuse(f"declares {pos[1]} columns ({last}); the limit is {self.lim.columns} columns")

    def read(self, zf: zipfile.ZipFile, member: str) -> None:
        handlers: dict[str, Callable[..., None]] = {
            "StartElementHandler": self.start,
            "EndElementHandler": self.end,
            "CharacterDataHandler": self.chars,
        }
        _parse_member(zf, member, handlers)


def _xlsx_value(kind: str, raw: str, fmt: str, book: _Book, dates: dict[str, int]) -> Any:
    """A cell's value as openpyxl's reader (data_only) gives it: numbers, dates by their number
    format, booleans, shared and inline strings, and error codes as their text."""
    if kind == "n":
        number: float = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
        kind_of_date = dates.get(fmt)
        if kind_of_date is None:
            from openpyxl.styles.numbers import is_date_format, is_timedelta_format

            kind_of_date = dates[fmt] = 2 if is_timedelta_format(fmt) else 1 if is_date_format(fmt) else 0
        if kind_of_date:
            from openpyxl.utils.datetime import from_excel

            try:
                return from_excel(number, book.epoch, timedelta=kind_of_date == 2)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number
    if kind == "s":
        return book.strings[int(raw)]
    if kind == "b":
        return bool(int(raw))
    if kind == "d":
        from openpyxl.utils.datetime import from_ISO8601

        return from_ISO8601(raw)  # type: ignore[no-untyped-call]
    return raw  # str (a formula's text result), inlineStr, e (an error such as #N/A)


def _xlsx_table(source: str, name: str, reader: _SheetReader, book: _Book) -> RawTable:
    r0, c0, r1, c1 = reader.top, reader.left, reader.bottom, reader.right
    width = c1 - c0 + 1
    slots: list[list[RawCell | None]] = [[None] * width for _ in range(r1 - r0 + 1)]
    formats, dates = book.formats, dict[str, int]()
    for row, col, kind, style, raw in reader.cells:
        fmt = formats[style] if style < len(formats) else "General"
        try:
            value = raw if kind == "inlineStr" or kind == "str" else _xlsx_value(kind, raw, fmt, book, dates)
        except (ValueError, IndexError) as exc:
            raise TableImportError(
                source,
                f"sheet {name} cell {_column_letters(col)}{row} holds {raw[:40]!r}, "
                f"not a {kind} value ({exc})",
            ) from None
        text = join_wrapped(value) if isinstance(value, str) else _xlsx_text(value, fmt)
        slots[row - r0][col - c0] = RawCell(text, row, col, numeric=_is_number(value))
    # Only the gaps get an empty cell of their own: a full sheet builds one object per cell.
    grid = [
        [c if c is not None else RawCell("", r0 + i, c0 + j) for j, c in enumerate(r)]
        for i, r in enumerate(slots)
    ]
    del slots
    for m_top, m_left, m_bottom, m_right in reader.merges:
        top, left = m_top - r0, m_left - c0
        if top < 0 or left < 0 or top >= len(grid) or left >= width:
            continue
        bottom = min(m_bottom - r0 + 1, len(grid))
        right = min(m_right - c0 + 1, width)
        _fill(grid, top, left, bottom, right, grid[top][left].text, (m_top, m_left))
    return RawTable(source, "xlsx", 1, _trim(grid), sheet=name)


def _column_letters(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _read_xlsx(path: Path, lim: Limits) -> list[RawTable]:
    tables = []
    with _check_zip(path, lim) as zf:
        book = _read_book(zf)
        for name, member in book.sheets:
            reader = _SheetReader(path.name, name, lim)
            reader.read(zf, member)
            if reader.count:
                tables.append(_xlsx_table(path.name, name, reader, book))
                reader.cells.clear()
    return tables


# --- docx -------------------------------------------------------------------------------------


def _docx_table(source: str, index: int, table: Any) -> RawTable:
    """Walk the XML: python-docx repeats a merged cell's object, which would double its text."""
    from docx.table import _Cell

    grid: list[list[RawCell]] = []
    for r, tr in enumerate(table._tbl.tr_lst):
        row: list[RawCell] = []
        col = tr.grid_before
        row.extend(RawCell("", r + 1, c + 1) for c in range(col))
        for tc in tr.tc_lst:
            span = tc.grid_span
            if tc.vMerge == "continue" and r > 0 and col < len(grid[r - 1]):
                above = grid[r - 1][col]
                origin = above.merged_from or (above.row, above.col)
                row.extend(RawCell(above.text, r + 1, col + 1 + i, origin) for i in range(span))
            else:
                text = join_wrapped(_Cell(tc, table).text)
                row.append(RawCell(text, r + 1, col + 1))
                row.extend(RawCell(text, r + 1, col + 1 + i, (r + 1, col + 1)) for i in range(1, span))
            col += span
        grid.append(row or [RawCell("", r + 1, 1)])
    return RawTable(source, "docx", index, _trim(grid))


def _read_docx(path: Path, lim: Limits) -> list[RawTable]:
    import docx  # each reader imports its library when used: a child reading an .xlsx skips them

    _check_zip(path, lim).close()
    # Top-level tables only: a table nested in a cell is layout inside that cell.
    return [_docx_table(path.name, i + 1, t) for i, t in enumerate(docx.Document(str(path)).tables)]


# --- pdf --------------------------------------------------------------------------------------

_TEXT_STRATEGY = {"vertical_strategy": "text", "horizontal_strategy": "text"}
_TOL = 0.5  # points; pdfplumber groups rows and columns by exact coordinates of cell edges


def _pdf_table(source: str, page_no: int, index: int, table: Any, inferred: bool) -> RawTable:
    texts: list[list[str | None]] = table.extract()
    tops = sorted({cell[1] for cell in table.cells})
    lefts = sorted({cell[0] for cell in table.cells})
    grid = [
        [RawCell(join_wrapped(t or ""), r + 1, c + 1) for c, t in enumerate(row)]
        for r, row in enumerate(texts)
    ]
    for x0, top, x1, bottom in table.cells:
        r0, c0 = tops.index(top), lefts.index(x0)
        r1 = sum(1 for t in tops if t < bottom - _TOL)
        c1 = sum(1 for x in lefts if x < x1 - _TOL)
        if (r1 - r0, c1 - c0) != (1, 1):
            _fill(grid, r0, c0, r1, c1, grid[r0][c0].text, (r0 + 1, c0 + 1))
    return RawTable(source, "pdf", index, _trim(grid), page=page_no, inferred=inferred)


def _read_pdf(path: Path, lim: Limits) -> list[RawTable]:
    import pdfplumber

    tables: list[RawTable] = []
    with pdfplumber.open(str(path)) as pdf:
        # Counting the pages walks the page tree only; no page is laid out yet.
        if len(pdf.pages) > lim.pages:
            raise TableImportError(path.name, f"has {len(pdf.pages)} pages; the limit is {lim.pages} pages")
        for page in pdf.pages:
            found, inferred = page.find_tables(), False
            if not found:
                found, inferred = page.find_tables(table_settings=_TEXT_STRATEGY), True
            tables.extend(
                _pdf_table(path.name, page.page_number, i + 1, t, inferred) for i, t in enumerate(found)
            )
    return tables


# --- csv and TAB-separated text ---------------------------------------------------------------


def _decode(path: Path) -> str:
    data = path.read_bytes()
    # Spreadsheet exports from Chinese Windows are GB18030 (GBK) unless someone chose UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableImportError(path.name, "text is neither UTF-8 nor GB18030")


def _delimited(path: Path, text: str, fmt: str, delimiter: str, lim: Limits) -> list[RawTable]:
    """One record at a time, each checked against the limits before the next is read."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid: list[list[RawCell]] = []
    cells = 0
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a field past the csv module's own size limit, or a stray NUL
            raise TableImportError(path.name, f"line {start}: {exc}") from None
        if len(grid) >= lim.rows:
            raise TableImportError(path.name, f"more than {lim.rows} rows; the limit is {lim.rows} rows")
        if len(record) > lim.columns:
            raise TableImportError(
                path.name, f"line {start} has {len(record)} columns; the limit is {lim.columns} columns"
            )
        cells += len(record)
        if cells > lim.cells:
            raise TableImportError(path.name, f"more than {lim.cells} cells, the limit")
        if any(len(t) > lim.cell_chars for t in record):
            raise TableImportError(
                path.name, f"line {start} has a cell longer than {lim.cell_chars} characters, the limit"
            )
        grid.append([RawCell(join_wrapped(t), start, c + 1) for c, t in enumerate(record or [""])])
    return [RawTable(path.name, fmt, 1, _trim(grid))]


def _read_csv(path: Path, lim: Limits) -> list[RawTable]:
    text = _decode(path)
    # The sniffer's patterns backtrack on long lines: give it whole lines, a few of them at most.
    sample = "".join(text[:8192].splitlines(keepends=True)[:-1]) or text[:1024]
    try:
        delimiter = csv.Sniffer().sniff(sample[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    return _delimited(path, text, "csv", delimiter, lim)


def _read_text(path: Path, lim: Limits) -> list[RawTable]:
    text = _decode(path)
    if "\t" not in text:
        raise TableImportError(path.name, "no TAB-separated table in the text")
    return _delimited(path, text, "text", "\t", lim)


_READERS: dict[str, Callable[[Path, Limits], list[RawTable]]] = {
    ".xlsx": _read_xlsx,
    ".xlsm": _read_xlsx,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
    ".csv": _read_csv,
    ".tsv": _read_text,
    ".txt": _read_text,
}
