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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

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


def read_tables(path: Path, *, flat: bool = False) -> list[RawTable]:
    """Every table in the file, in document order; raise TableImportError for anything unusable.
    `flat`: the file is a plain list without merged cells (a roster), so a spreadsheet is streamed,
    several times faster on thousands of rows; merged ranges are then not filled."""
    suffix = path.suffix.lower()
    reader = _read_xlsx_flat if flat and suffix in (".xlsx", ".xlsm") else _READERS.get(suffix)
    if reader is None:
        known = ", ".join(sorted(_READERS))
        hint = " (save it as .xlsx)" if suffix in (".xls", ".et") else ""
        hint = " (save it as .docx)" if suffix in (".doc", ".wps") else hint
        raise TableImportError(path.name, f"unsupported file type {suffix or '(none)'!r}{hint}; use {known}")
    if not path.is_file():
        raise TableImportError(path.name, f"file not found: {path}")
    try:
        tables = reader(path)
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
    return isinstance(value, int | float) and not isinstance(value, bool)


def _read_xlsx(path: Path) -> list[RawTable]:
    # Not read-only: merged ranges are only available on fully loaded sheets.
    wb = openpyxl.load_workbook(path, data_only=True)
    tables = []
    for ws in wb.worksheets:
        r0, c0 = ws.min_row, ws.min_column
        rows = ws.iter_rows(min_row=r0, max_row=ws.max_row, min_col=c0, max_col=ws.max_column)
        grid = [
            [
                RawCell(
                    _xlsx_text(cell.value, cell.number_format),
                    r0 + i,
                    c0 + j,
                    numeric=_is_number(cell.value),
                )
                for j, cell in enumerate(row)
            ]
            for i, row in enumerate(rows)
        ]
        for rng in ws.merged_cells.ranges:
            top, left = rng.min_row - r0, rng.min_col - c0
            if top < 0 or left < 0 or top >= len(grid) or left >= len(grid[top]):
                continue
            bottom = min(rng.max_row - r0 + 1, len(grid))
            right = min(rng.max_col - c0 + 1, len(grid[top]))
            _fill(grid, top, left, bottom, right, grid[top][left].text, (rng.min_row, rng.min_col))
        tables.append(RawTable(path.name, "xlsx", 1, _trim(grid), sheet=ws.title))
    wb.close()
    return tables


def _read_xlsx_flat(path: Path) -> list[RawTable]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        tables = []
        for ws in wb.worksheets:
            grid = [
                [
                    RawCell(
                        _xlsx_text(cell.value, getattr(cell, "number_format", None) or "General"),
                        i,
                        j,
                        numeric=_is_number(cell.value),
                    )
                    for j, cell in enumerate(row, start=1)
                ]
                for i, row in enumerate(ws.iter_rows(min_row=1, min_col=1), start=1)
            ]
            tables.append(
                RawTable(
                    path.name,
                    "xlsx",
                    1,
                    _trim([r for r in grid if r] or [[RawCell("", 1, 1)]]),
                    sheet=ws.title,
                )
            )
        return tables
    finally:
        wb.close()


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


def _read_docx(path: Path) -> list[RawTable]:
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


def _read_pdf(path: Path) -> list[RawTable]:
    tables: list[RawTable] = []
    with pdfplumber.open(str(path)) as pdf:
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


def _delimited(path: Path, fmt: str, delimiter: str) -> list[RawTable]:
    reader = csv.reader(io.StringIO(_decode(path), newline=""), delimiter=delimiter)
    grid = []
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        grid.append([RawCell(join_wrapped(t), start, c + 1) for c, t in enumerate(record or [""])])
    return [RawTable(path.name, fmt, 1, _trim(grid))]


def _read_csv(path: Path) -> list[RawTable]:
    sample = _decode(path)[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    return _delimited(path, "csv", delimiter)


def _read_text(path: Path) -> list[RawTable]:
    if "\t" not in _decode(path):
        raise TableImportError(path.name, "no TAB-separated table in the text")
    return _delimited(path, "text", "\t")


_READERS: dict[str, Callable[[Path], list[RawTable]]] = {
    ".xlsx": _read_xlsx,
    ".xlsm": _read_xlsx,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
    ".csv": _read_csv,
    ".tsv": _read_text,
    ".txt": _read_text,
}
