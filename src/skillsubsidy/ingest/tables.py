"""Raw tables out of the files bureaus publish: .xlsx, .docx, .pdf, .csv and TAB-separated text.

Every reader returns the same shape, a grid of text cells that remember where they stood in the
source, so that the mapping step (`ingest.mapping`) never needs to know which format it came from.
Merged cells are filled from their top-left cell on every position they cover, and each filled
cell records its origin: a label printed once down a merged column belongs to every row beside it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import docx
import openpyxl
import pdfplumber
from docx.table import _Cell


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
    padded = [r + [RawCell("", r[-1].row, r[-1].col + 1 + i) for i in range(width - len(r))] for r in grid]
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


def _xml_events(zf: zipfile.ZipFile, member: str) -> Iterator[tuple[str, ElementTree.Element]]:
    """The start and end of each element of a member, streamed: the member is never held whole."""
    with zf.open(member) as stream:
        for event, elem in ElementTree.iterparse(stream, events=("start", "end")):
            yield event, elem
            if event == "end" and elem.tag.rsplit("}", 1)[-1] == "row":
                elem.clear()


Box = tuple[int, int, int, int]  # top row, left column, bottom row, right column; 1-based, inclusive


def _check_sheet(
    source: str, name: str, events: Iterator[tuple[str, ElementTree.Element]], lim: Limits
) -> tuple[Box | None, list[Box]]:
    """The rectangle a sheet's cells fill (None when it has none) and its merged ranges, read from
    its XML as a stream; refused at the first declared dimension or cell past a limit."""
    count = 0
    merges: list[Box] = []
    row = col = 0
    top = left = bottom = right = 0
    for event, elem in events:
        tag = elem.tag.rsplit("}", 1)[-1]
        if event == "start" and tag == "dimension":
            last = (elem.get("ref") or "").split(":")[-1]
            pos = _cell_position(last)
            if pos and pos[0] > lim.rows:
                raise TableImportError(
                    source, f"sheet {name} declares {pos[0]} rows; the limit is {lim.rows} rows"
                )
            if pos and pos[1] > lim.columns:
                raise TableImportError(
                    source,
                    f"sheet {name} declares {pos[1]} columns ({last}); the limit is {lim.columns} columns",
                )
        elif event == "start" and tag == "row":
            row = int(elem.get("r") or row + 1)
            col = 0
        elif event == "start" and tag == "mergeCell":
            ends = [_cell_position(p) for p in (elem.get("ref") or "").split(":")]
            if len(ends) == 2 and ends[0] and ends[1]:
                merges.append((ends[0][0], ends[0][1], ends[1][0], ends[1][1]))
        elif event == "start" and tag == "c":
            pos = _cell_position(elem.get("r") or "")
            row, col = pos if pos else (row, col + 1)
            count += 1
            if row > lim.rows:
                raise TableImportError(
                    source, f"sheet {name} has a cell in row {row}; the limit is {lim.rows} rows"
                )
            if col > lim.columns:
                raise TableImportError(
                    source, f"sheet {name} has a cell in column {col}; the limit is {lim.columns} columns"
                )
            if count > lim.cells:
                raise TableImportError(source, f"sheet {name} has more than {lim.cells} cells, the limit")
            top, left = min(top or row, row), min(left or col, col)
            bottom, right = max(bottom, row), max(right, col)
            if (bottom - top + 1) * (right - left + 1) > lim.cells:
                raise TableImportError(
                    source,
                    f"sheet {name} spans rows {top}–{bottom} and columns {left}–{right}, more than "
                    f"{lim.cells} cells, the limit",
                )
    return ((top, left, bottom, right) if count else None), merges


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


def _read_xlsx(path: Path, lim: Limits) -> list[RawTable]:
    # Streamed twice, never materialised beyond the filled rectangle: once to check the limits and
    # collect the merged ranges (read-only sheets do not offer them), once by openpyxl's read-only
    # reader for the values and their number formats, within that rectangle.
    tables = []
    with _check_zip(path, lim) as zf:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for ws in wb.worksheets:
                member = ws._worksheet_path  # type: ignore[attr-defined]  # read-only sheets only
                box, merges = _check_sheet(path.name, ws.title, _xml_events(zf, member), lim)
                if box is not None:
                    tables.append(_xlsx_table(path.name, ws, box, merges))
        finally:
            wb.close()
    return tables


def _xlsx_table(source: str, ws: Any, box: Box, merges: list[Box]) -> RawTable:
    r0, c0, r1, c1 = box
    rows = ws.iter_rows(min_row=r0, max_row=r1, min_col=c0, max_col=c1)
    grid = [
        [
            RawCell(
                _xlsx_text(cell.value, cell.number_format or ""),
                r0 + i,
                c0 + j,
                numeric=_is_number(cell.value),
            )
            for j, cell in enumerate(row)
        ]
        for i, row in enumerate(rows)
    ]
    for m_top, m_left, m_bottom, m_right in merges:
        top, left = m_top - r0, m_left - c0
        if top < 0 or left < 0 or top >= len(grid) or left >= len(grid[top]):
            continue
        bottom = min(m_bottom - r0 + 1, len(grid))
        right = min(m_right - c0 + 1, len(grid[top]))
        _fill(grid, top, left, bottom, right, grid[top][left].text, (m_top, m_left))
    return RawTable(source, "xlsx", 1, _trim(grid), sheet=ws.title)


# --- docx -------------------------------------------------------------------------------------


def _docx_table(source: str, index: int, table: Any) -> RawTable:
    """Walk the XML: python-docx repeats a merged cell's object, which would double its text."""
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
