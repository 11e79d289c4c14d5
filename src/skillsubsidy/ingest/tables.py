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
from typing import Any, NamedTuple, TypeVar

from skillsubsidy.bulk import building


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


class RawCell(NamedTuple):
    # A named tuple rather than a frozen dataclass: as immutable, and built about three times as
    # fast, which counts at a million cells (a frozen dataclass sets each field through
    # object.__setattr__).
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


# --- the tables as data: what crosses the pipe from the parse process and what an upload stores --

TableData = dict[str, Any]
_T = TypeVar("_T")


def table_to_data(t: RawTable) -> TableData:
    """One table as JSON-ready data. Compact when its cells stand where their place in the grid
    says (every reader's case: a row's cells share its source row, and columns run on from the
    first): the texts as a grid, the source row of each row, and only the exceptions (merged
    copies, numbers) cell by cell. Otherwise every cell is [text, row, col(, from_row, from_col)]."""
    meta = {
        "source": t.source, "fmt": t.fmt, "index": t.index, "sheet": t.sheet, "page": t.page,
        "inferred": t.inferred,
    }  # fmt: skip
    first = t.rows[0][0].col if t.rows and t.rows[0] else 1
    regular = all(
        all(c.row == row[0].row and c.col == first + j for j, c in enumerate(row)) for row in t.rows if row
    ) and all(t.rows)
    if not regular:
        meta["rows"] = [[[c.text, c.row, c.col, *(c.merged_from or ())] for c in row] for row in t.rows]
        return meta
    meta["first_col"] = first
    meta["lines"] = [row[0].row for row in t.rows]
    meta["texts"] = [[c.text for c in row] for row in t.rows]
    meta["merged"] = [
        [i, j, *c.merged_from] for i, row in enumerate(t.rows) for j, c in enumerate(row) if c.merged_from
    ]
    meta["numeric"] = [[i, j] for i, row in enumerate(t.rows) for j, c in enumerate(row) if c.numeric]
    return meta


def tables_to_data(tables: list[RawTable]) -> list[TableData]:
    """Tables as JSON-ready data (`table_to_data`), read back by `tables_from_data`."""
    return [table_to_data(t) for t in tables]


def _rows_from_data(t: TableData) -> tuple[tuple[RawCell, ...], ...]:
    if "texts" not in t:  # cell by cell, as every upload stored before the compact form was
        return tuple(
            tuple(RawCell(c[0], c[1], c[2], (c[3], c[4]) if len(c) == 5 else None) for c in row)
            for row in t["rows"]
        )
    columns = range(t["first_col"], t["first_col"] + max(map(len, t["texts"]), default=0))
    # tuple.__new__ builds each cell without a call through RawCell's own __new__ (which does only
    # this), a third of the time of the half a million cells of a 100,000-row upload.
    new = tuple.__new__
    grid = [
        [new(RawCell, (text, line, col, None, False)) for text, col in zip(texts, columns, strict=False)]
        for line, texts in zip(t["lines"], t["texts"], strict=True)
    ]
    for i, j, row, col in t["merged"]:
        grid[i][j] = grid[i][j]._replace(merged_from=(row, col))
    for i, j in t["numeric"]:
        grid[i][j] = grid[i][j]._replace(numeric=True)
    return tuple(tuple(row) for row in grid)


def table_from_data(t: TableData) -> RawTable:
    return RawTable(
        source=t["source"], fmt=t["fmt"], index=t["index"], sheet=t["sheet"], page=t["page"],
        inferred=t["inferred"], rows=_rows_from_data(t),
    )  # fmt: skip


@building()
def tables_from_data(data: list[TableData]) -> list[RawTable]:
    return [table_from_data(t) for t in data]


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


def _read(path: Path, read: Callable[[], list[_T]]) -> list[_T]:
    """`read()` with any library's error turned into one clear TableImportError naming the file."""
    suffix = path.suffix.lower()
    if suffix not in _READERS:
        known = ", ".join(sorted(_READERS))
        hint = " (save it as .xlsx)" if suffix in (".xls", ".et") else ""
        hint = " (save it as .docx)" if suffix in (".doc", ".wps") else hint
        raise TableImportError(path.name, f"unsupported file type {suffix or '(none)'!r}{hint}; use {known}")
    if not path.is_file():
        raise TableImportError(path.name, f"file not found: {path}")
    try:
        tables = read()
    except TableImportError:
        raise
    except Exception as exc:  # every library has its own error types; the user needs one clear message
        raise TableImportError(
            path.name, f"cannot read the file as {suffix[1:]} ({type(exc).__name__}: {exc})"
        ) from exc
    if not tables:
        raise TableImportError(path.name, "no table found in the file")
    return tables


def read_tables(path: Path, limits: Limits = DEFAULT_LIMITS) -> list[RawTable]:
    """Every table in the file, in document order; raise TableImportError for anything unusable or
    past `limits`. Run it in a process with its own memory and CPU limits (`ingest.bounded`) on
    files from outside: a library can still be driven to loop or allocate inside what it accepts."""
    # `_read` has refused an unknown suffix before it calls this.
    return _read(
        path,
        lambda: [
            t for t in _READERS[path.suffix.lower()](path, limits) if any(c.text for r in t.rows for c in r)
        ],
    )


def read_tables_data(path: Path, limits: Limits = DEFAULT_LIMITS) -> list[TableData]:
    """`tables_to_data(read_tables(path, limits))`, with an .xlsx read straight into that form: its
    cells never become RawCell objects, which is most of the time of a large sheet."""
    suffix = path.suffix.lower()
    direct = _DATA_READERS.get(suffix)
    if direct is None:
        return tables_to_data(read_tables(path, limits))
    return _read(path, lambda: direct(path, limits))


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
# turned into its text at the same time, so the sheet is read once and never materialised beyond
# the rectangle its real cells fill. The sheet goes straight into the tables' data form (the
# grid of texts that is stored), never through a RawCell per cell. openpyxl is used only for what it
# does well (number formats, date serials), and imported only when a cell needs it: a sheet of
# text and plain numbers never loads it (its import alone is most of a second). openpyxl's own
# read-only reader builds several objects per cell and took 19 s for a 100,000-row sheet (ADR 0012).


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


def _expat(handlers: dict[str, Callable[..., None]], *, namespaces: bool = True) -> Any:
    """An expat parser that refuses any document type declaration: a workbook never has one, and
    a DTD is where entity expansion attacks live. With `namespaces`, names are `uri}local`;
    without, as written (`c`, or `x:c` under a prefix), which is cheaper per element."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator="}") if namespaces else expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 1 << 16

    def no_doctype(*_: Any) -> None:
        raise ValueError("the XML declares a document type, which a workbook never does")

    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    for name, handler in handlers.items():
        setattr(parser, name, handler)
    return parser


def _parse_member(
    zf: zipfile.ZipFile, member: str, handlers: dict[str, Callable[..., None]], *, namespaces: bool = True
) -> None:
    with zf.open(member) as stream:
        _expat(handlers, namespaces=namespaces).ParseFile(stream)


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
    strings: list[str]  # the shared strings, as cell texts (`join_wrapped`)
    formats: list[int]  # number format id of each cell style (cellXfs), by index
    custom: dict[int, str]  # the workbook's own number formats, by id
    date1904: bool
    # Per style: its number format and whether it shows a date (1) or a duration (2), found when
    # a number of that style is first met.
    styles: dict[int, tuple[str, int]]

    def style(self, index: int) -> tuple[str, int]:
        known = self.styles.get(index)
        if known is None:
            fmt = "General"  # a style the workbook does not define, or format 0
            if index < len(self.formats):
                number = self.formats[index]
                fmt = self.custom.get(number) or ""
                if not fmt and number:
                    from openpyxl.styles.numbers import BUILTIN_FORMATS

                    fmt = BUILTIN_FORMATS.get(number) or ""
                fmt = fmt or "General"
            kind = 0
            if fmt != "General":  # neither a date nor a duration, and the common case
                from openpyxl.styles.numbers import is_date_format, is_timedelta_format

                kind = 2 if is_timedelta_format(fmt) else 1 if is_date_format(fmt) else 0
            known = self.styles[index] = (fmt, kind)
        return known

    def date(self, number: float, kind: int) -> Any:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

        try:
            return from_excel(
                number, CALENDAR_MAC_1904 if self.date1904 else CALENDAR_WINDOWS_1900, timedelta=kind == 2
            )
        except (OverflowError, ValueError):
            return "#VALUE!"


def _read_book(zf: zipfile.ZipFile) -> _Book:
    roots = _relationships(zf, "")
    book_part = next((p for kind, p in roots.values() if kind == "officeDocument"), "xl/workbook.xml")
    rels = _relationships(zf, book_part)
    sheet_ids: list[tuple[str, str]] = []
    date1904 = [False]

    def book_start(tag: str, raw: dict[str, str]) -> None:
        name = _local(tag)
        if name == "sheet":
            attrs = _attrs(raw)
            rid = next(
                (v for k, v in raw.items() if k.rpartition("}")[0] in _XLSX_RELS and _local(k) == "id"), ""
            )
            sheet_ids.append((attrs.get("name", ""), rid))
        elif name == "workbookPr" and _attrs(raw).get("date1904") in ("1", "true"):
            date1904[0] = True

    _parse_member(zf, book_part, {"StartElementHandler": book_start})
    sheets = [(name, rels[rid][1]) for name, rid in sheet_ids if rid in rels and rels[rid][0] == "worksheet"]
    strings: list[str] = []
    shared = next((p for kind, p in rels.values() if kind == "sharedStrings"), None)
    if shared and shared in zf.NameToInfo:
        strings = [join_wrapped(s) for s in _shared_strings(zf, shared)]
    formats: list[int] = []
    custom: dict[int, str] = {}
    styles = next((p for kind, p in rels.values() if kind == "styles"), None)
    if styles and styles in zf.NameToInfo:
        formats, custom = _cell_formats(zf, styles)
    return _Book(sheets, strings, formats, custom, date1904[0], {})


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


def _cell_formats(zf: zipfile.ZipFile, member: str) -> tuple[list[int], dict[int, str]]:
    """The number format id of each cell style, and the workbook's own formats by id."""
    custom: dict[int, str] = {}
    formats: list[int] = []
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
            formats.append(int(fid) if fid.isdigit() else 0)

    def end(tag: str) -> None:
        if _local(tag) == "cellXfs":
            depth["cellXfs"] -= 1

    _parse_member(zf, member, {"StartElementHandler": start, "EndElementHandler": end})
    return formats, custom


def _cell_value(kind: str, raw: str, style: str, book: _Book) -> tuple[str, bool]:
    """A cell's text and whether the sheet stored it as a number, from its type, raw value and
    style, as openpyxl's reader (data_only) gives the value: numbers, dates and durations by their
    number format, booleans, shared and inline strings, formula results, and error codes as their
    text. Raises ValueError or IndexError for a value that its type cannot hold."""
    if kind == "s":
        return book.strings[int(raw)], False
    if kind == "n":
        fmt, date_kind = book.style(int(style) if style.isdigit() else 0)
        number: float = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
        if not date_kind:
            # A roster's ID number stored as a number has lost digits already (classes.ids refuses it).
            return _xlsx_text(number, fmt), True
        value = book.date(number, date_kind)
        return (join_wrapped(value) if isinstance(value, str) else _xlsx_text(value, fmt)), False
    if kind == "b":
        return _xlsx_text(bool(int(raw)), "General"), False
    if kind == "d":
        from openpyxl.utils.datetime import from_ISO8601

        return _xlsx_text(from_ISO8601(raw), "General"), False  # type: ignore[no-untyped-call]
    return join_wrapped(raw), False  # str (a formula's text result), inlineStr, e (an error such as #N/A)


# What the sheet pass does at each element, by local name; anything else is passed over.
_CELL, _VALUE, _TEXT, _ROW, _PHONETIC, _DIMENSION, _MERGE = range(1, 8)
_SHEET_TAGS = {
    "c": _CELL, "v": _VALUE, "t": _TEXT, "row": _ROW, "rPh": _PHONETIC, "dimension": _DIMENSION,
    "mergeCell": _MERGE,
}  # fmt: skip
_DIGITS = "0123456789"


def _read_sheet(
    zf: zipfile.ZipFile, member: str, source: str, sheet: str, lim: Limits, book: _Book
) -> TableData | None:
    """One worksheet in one expat pass, as table data; None when it holds no text.

    Each <c> is checked against the limits as it is met (declared dimension, row, column, cell
    count, the rectangle every <c> spans, valued or not) and its text kept at once. The handlers
    are closures over local state, not methods: this runs a few million times for a large sheet.
    """
    max_rows, max_columns, max_cells = lim.rows, lim.columns, lim.cells
    found: list[tuple[int, int, str, bool]] = []  # (row, col, text, stored as a number)
    merges: list[Box] = []
    parts: list[str] = []
    kinds: dict[str, int] = {}  # tag as written → what it is
    columns: dict[str, int] = {}  # column letters → number, for references already checked
    bad: list[str] = []  # the first value its type cannot hold, reported after the pass
    count = row = col = 0
    top = left = bottom = right = 0
    cell_row = cell_col = 0
    cell_kind: str | None = None  # the type of the <c> being read; None outside one
    cell_style = ""
    collect = False  # inside a <v>, or a <t> of an inline string
    phonetic = 0

    def refuse(detail: str) -> TableImportError:
        return TableImportError(source, f"sheet {sheet} {detail}")

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal count, row, col, top, left, bottom, right, cell_row, cell_col, cell_kind, cell_style
        nonlocal collect, phonetic
        kind = kinds.get(tag)
        if kind is None:
            kind = kinds[tag] = _SHEET_TAGS.get(tag[tag.rfind(":") + 1 :], 0)
        if not kind:  # <is>, <r>, <f> …: most elements of a sheet of text
            return
        if kind == _CELL:
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip(_DIGITS)
                number = columns.get(letters)
                if number is not None and 0 < len(ref) - len(letters) <= 7:
                    row, col = int(ref[len(letters) :]), number
                elif m := _REF.match(ref):
                    row, col = int(m.group(2)), _column_number(m.group(1))
                    columns[m.group(1)] = col
                else:
                    col += 1
            else:
                col += 1
            count += 1
            if row > max_rows:
                raise refuse(f"has a cell in row {row}; the limit is {max_rows} rows")
            if col > max_columns:
                raise refuse(f"has a cell in column {col}; the limit is {max_columns} columns")
            if count > max_cells:
                raise refuse(f"has more than {max_cells} cells, the limit")
            if not top or row < top or col < left or row > bottom or col > right:
                if not top or row < top:
                    top = row
                if not left or col < left:
                    left = col
                if row > bottom:
                    bottom = row
                if col > right:
                    right = col
                if (bottom - top + 1) * (right - left + 1) > max_cells:
                    raise refuse(
                        f"spans rows {top}–{bottom} and columns {left}–{right}, more than {max_cells} "
                        "cells, the limit"
                    )
            cell_row, cell_col = row, col
            cell_kind = attrs.get("t") or "n"
            cell_style = attrs.get("s") or "0"
            parts.clear()
        elif kind == _VALUE or (kind == _TEXT and not phonetic):
            collect = cell_kind is not None
        elif kind == _ROW:
            r = attrs.get("r") or ""
            row = int(r) if r.isdigit() else row + 1
            col = 0
        elif kind == _PHONETIC:
            phonetic += 1
        elif kind == _DIMENSION:
            last = (attrs.get("ref") or "").split(":")[-1]
            pos = _cell_position(last)
            if pos and pos[0] > max_rows:
                raise refuse(f"declares {pos[0]} rows; the limit is {max_rows} rows")
            if pos and pos[1] > max_columns:
                raise refuse(f"declares {pos[1]} columns ({last}); the limit is {max_columns} columns")
        elif kind == _MERGE:
            ends = [_cell_position(p) for p in (attrs.get("ref") or "").split(":")]
            if len(ends) == 2 and ends[0] and ends[1]:
                merges.append((ends[0][0], ends[0][1], ends[1][0], ends[1][1]))

    def end(tag: str) -> None:
        nonlocal cell_kind, collect, phonetic
        kind = kinds[tag]  # its start tag was met first
        if not kind:
            return
        if kind == _CELL:
            if cell_kind is not None and parts:
                raw = parts[0] if len(parts) == 1 else "".join(parts)
                if cell_kind in ("inlineStr", "str"):
                    found.append((cell_row, cell_col, join_wrapped(raw), False))
                else:
                    try:
                        found.append((cell_row, cell_col, *_cell_value(cell_kind, raw, cell_style, book)))
                    except (ValueError, IndexError) as exc:
                        if not bad:
                            bad.append(
                                f"cell {_column_letters(cell_col)}{cell_row} holds {raw[:40]!r}, "
                                f"not a {cell_kind} value ({exc})"
                            )
            cell_kind = None
        elif kind in (_VALUE, _TEXT):
            collect = False
        elif kind == _PHONETIC:
            phonetic -= 1

    def chars(data: str) -> None:
        if collect:
            parts.append(data)

    handlers: dict[str, Callable[..., None]] = {
        "StartElementHandler": start,
        "EndElementHandler": end,
        "CharacterDataHandler": chars,
    }
    _parse_member(zf, member, handlers, namespaces=False)
    if bad:
        raise refuse(bad[0])
    if not count:
        return None
    return _sheet_data(source, sheet, (top, left, bottom, right), found, merges)


def _sheet_data(
    source: str, sheet: str, box: Box, found: list[tuple[int, int, str, bool]], merges: list[Box]
) -> TableData | None:
    """The grid of texts within the rectangle the cells span, merged ranges filled from their
    top-left cell, trailing empty rows and columns dropped; None when no text is left."""
    r0, c0, r1, c1 = box
    width = c1 - c0 + 1
    texts = [[""] * width for _ in range(r1 - r0 + 1)]
    numeric: set[tuple[int, int]] = set()
    for row, col, text, is_number in found:
        i, j = row - r0, col - c0
        texts[i][j] = text
        if is_number:
            numeric.add((i, j))
        elif numeric:
            numeric.discard((i, j))  # a later cell at the same place replaces the first
    found.clear()
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    for m_top, m_left, m_bottom, m_right in merges:
        top, left = m_top - r0, m_left - c0
        if top < 0 or left < 0 or top >= len(texts) or left >= width:
            continue
        text, origin = texts[top][left], (m_top, m_left)
        for i in range(top, min(m_bottom - r0 + 1, len(texts))):
            line = texts[i]
            for j in range(left, min(m_right - c0 + 1, width)):
                line[j] = text
                numeric.discard((i, j))  # a filled cell is text, the origin included
                if (i, j) == (top, left):
                    merged.pop((i, j), None)
                else:
                    merged[(i, j)] = origin
    while texts and not any(texts[-1]):
        texts.pop()
    while width and not any(line[width - 1] for line in texts):
        width -= 1
    if not texts:
        return None
    if width < len(texts[0]):
        texts = [line[:width] for line in texts]
    height = len(texts)
    return {
        "source": source, "fmt": "xlsx", "index": 1, "sheet": sheet, "page": None, "inferred": False,
        "first_col": c0, "lines": list(range(r0, r0 + height)), "texts": texts,
        "merged": sorted([i, j, *o] for (i, j), o in merged.items() if i < height and j < width),
        "numeric": sorted([i, j] for i, j in numeric if i < height and j < width),
    }  # fmt: skip


def _column_letters(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _read_xlsx_data(path: Path, lim: Limits) -> list[TableData]:
    tables = []
    with _check_zip(path, lim) as zf:
        book = _read_book(zf)
        for name, member in book.sheets:
            table = _read_sheet(zf, member, path.name, name, lim, book)
            if table is not None:
                tables.append(table)
    return tables


def _read_xlsx(path: Path, lim: Limits) -> list[RawTable]:
    return tables_from_data(_read_xlsx_data(path, lim))


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


_DATA_READERS: dict[str, Callable[[Path, Limits], list[TableData]]] = {
    ".xlsx": _read_xlsx_data,
    ".xlsm": _read_xlsx_data,
}
_READERS: dict[str, Callable[[Path, Limits], list[RawTable]]] = {
    ".xlsx": _read_xlsx,
    ".xlsm": _read_xlsx,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
    ".csv": _read_csv,
    ".tsv": _read_text,
    ".txt": _read_text,
}
