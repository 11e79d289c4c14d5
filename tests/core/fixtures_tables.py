"""Generate the files bureaus publish (xlsx, docx, pdf, csv) from tables in the seed documents.

The rows come from the seed text (tokenised with ingest.text), never typed in here, so a test that
reads a generated file back compares the importer against the official document.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import docx
import openpyxl
from openpyxl.styles import Alignment
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from skillsubsidy.ingest.seeds import default_seed_dir
from skillsubsidy.ingest.text import SeedText, chunk_rows, tab_cells

SEEDS = default_seed_dir()
NANTONG = "000_d6c6a123f4673bde.txt"
EVALUATION = "003_eaf749be2f6ce36e.txt"
CJK_FONT = "STSong-Light"  # reportlab's built-in Adobe-GB1 font: no font file needed


@dataclass(frozen=True)
class SeedTable:
    title: str  # the title lines printed above the header, joined
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def with_rows(self, rows: Sequence[Sequence[str]]) -> SeedTable:
        return replace(self, rows=tuple(tuple(r) for r in rows))


def _seed_table(seed_name: str, start: str, end: str, ncols: int) -> SeedTable:
    seed = SeedText.read(SEEDS / seed_name)
    first = seed.find(start)
    last = seed.find(end, first + 1)
    cells = tab_cells(seed.span(first + 1, last))
    title = "".join(t.strip() for no, t in seed.span(first + 1, cells[0].line) if t.strip())
    rows = [tuple(c.text for c in row) for row in chunk_rows(cells, ncols)]
    return SeedTable(title, rows[0], tuple(rows[1:]))


def nantong_shortage() -> SeedTable:
    """000 · 附件3: 序号, 职业, 编码, 上浮比例; 27 rows."""
    return _seed_table(NANTONG, r"^附件3", r"^附件4", 4)


def nantong_additions() -> SeedTable:
    """000 · 附件2: 补贴项目 (printed once per block), 序号, 类别, 名称, 编码; 43 rows."""
    return _seed_table(NANTONG, r"^附件2", r"^附件3", 5)


def evaluation_occupations() -> SeedTable:
    """003: 序号, 职业编码, 职业（工种）名称, 职业名称, 等级; 202 rows, up to the closing 注."""
    return _seed_table(EVALUATION, r"^附件", r"^注：", 5)


def label_blocks(rows: Sequence[Sequence[str]], column: int) -> list[tuple[int, int]]:
    """(first, last) row indexes of each block a label printed once heads, as a merged cell does."""
    starts = [i for i, r in enumerate(rows) if r[column]] or [0]
    ends = [*(s - 1 for s in starts[1:]), len(rows) - 1]
    return list(zip(starts, ends, strict=True))


def write_xlsx(
    path: Path,
    table: SeedTable,
    *,
    sheet: str = "附件",
    merge_column: int | None = None,
    repeat_header_every: int | None = None,
    percent_column: int | None = None,
    wrap_header: int | None = None,
) -> Path:
    """A title merged across the top, the header, then rows; options mimic what bureaus do."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ncols = len(table.header)
    ws.cell(1, 1, table.title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    header = list(table.header)
    if wrap_header is not None:
        text = header[wrap_header]
        header[wrap_header] = text[: len(text) // 2] + "\n" + text[len(text) // 2 :]
    for c, text in enumerate(header, 1):
        ws.cell(2, c, text).alignment = Alignment(wrap_text=True)
    r = 3
    placed: list[int] = []  # sheet row of each data row
    for i, row in enumerate(table.rows):
        if repeat_header_every and i and i % repeat_header_every == 0:
            for c, text in enumerate(header, 1):
                ws.cell(r, c, text)
            r += 1
        for c, text in enumerate(row, 1):
            if c - 1 == percent_column and text.endswith("%"):
                ws.cell(r, c, int(text[:-1]) / 100).number_format = "0%"
            elif text:
                ws.cell(r, c, text)
        placed.append(r)
        r += 1
    if merge_column is not None:
        for first, last in label_blocks(table.rows, merge_column):
            if placed[last] > placed[first]:
                col = merge_column + 1
                ws.merge_cells(
                    start_row=placed[first], start_column=col, end_row=placed[last], end_column=col
                )
    wb.save(path)
    return path


def write_xlsx_two_row_header(path: Path, table: SeedTable) -> Path:
    """附件3 with 职业（工种） over 名称 | 编码, 序号 and 上浮比例 merged down both header rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([table.title])
    ws.append([table.header[0], "职业（工种）", None, table.header[3]])
    ws.append([None, "名称", "编码", None])
    ws.merge_cells("A1:D1")
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:C2")
    ws.merge_cells("D2:D3")
    for row in table.rows:
        ws.append(list(row))
    wb.save(path)
    return path


def write_docx(path: Path, table: SeedTable, *, merge_column: int | None = None) -> Path:
    """A Word table whose first row is the title spanning every column (gridSpan) and whose label
    column is merged down each block (vMerge), as attachments typed in Word are."""
    document = docx.Document()
    document.add_paragraph("附件")
    ncols = len(table.header)
    grid = document.add_table(rows=2 + len(table.rows), cols=ncols)
    grid.style = "Table Grid"
    title = grid.cell(0, 0).merge(grid.cell(0, ncols - 1))
    title.text = table.title
    for c, text in enumerate(table.header):
        grid.cell(1, c).text = text
    for r, row in enumerate(table.rows, 2):
        for c, text in enumerate(row):
            if text:
                grid.cell(r, c).text = text
    if merge_column is not None:
        for first, last in label_blocks(table.rows, merge_column):
            if last > first:
                grid.cell(first + 2, merge_column).merge(grid.cell(last + 2, merge_column))
    document.save(str(path))
    return path


def write_pdf(
    path: Path,
    table: SeedTable,
    *,
    merge_column: int | None = None,
    wrap_column: int | None = None,
    rows_per_page: int = 12,
    ruled: bool = True,
) -> Path:
    """A table drawn line by line across pages, its header repeated at the top of each page.

    The label column is one tall cell per block (no rule between its rows); a block that runs
    over a page break goes on unlabelled, as Word prints it. `wrap_column`'s header is printed on
    two lines, as a narrow column wraps it. `ruled=False` draws the text alone.
    """
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    page_h = A4[1]
    ncols = len(table.header)
    widths = [44.0] * ncols
    widths[max(range(ncols), key=lambda c: max(len(r[c]) for r in (table.header, *table.rows)))] = 190.0
    if merge_column is not None:
        widths[merge_column] = 90.0
    xs = [56.0]
    for w in widths:
        xs.append(xs[-1] + w)
    line_h, header_h = 16.0, 30.0 if wrap_column is not None else 16.0
    pdf = canvas.Canvas(str(path), pagesize=A4)
    chunks = [table.rows[i : i + rows_per_page] for i in range(0, len(table.rows), rows_per_page)]
    for page, chunk in enumerate(chunks):
        top = page_h - 60
        pdf.setFont(CJK_FONT, 12)
        if page == 0:
            pdf.drawString(xs[0], top, table.title)
        top -= 20
        pdf.setFont(CJK_FONT, 9)
        for c, text in enumerate(table.header):
            lines = [text[: len(text) // 2], text[len(text) // 2 :]] if c == wrap_column else [text]
            for k, line in enumerate(lines):
                pdf.drawString(xs[c] + 3, top - 12 - k * 11, line)
        bottoms = [top - header_h - line_h * (i + 1) for i in range(len(chunk))]
        for i, row in enumerate(chunk):
            for c, text in enumerate(row):
                pdf.drawString(xs[c] + 3, bottoms[i] + 4, text)
        if ruled:
            bottom = bottoms[-1]
            for x in xs:
                pdf.line(x, top, x, bottom)
            pdf.line(xs[0], top, xs[-1], top)
            pdf.line(xs[0], top - header_h, xs[-1], top - header_h)
            for i, y in enumerate(bottoms):
                continues = i + 1 < len(chunk) and merge_column is not None and not chunk[i + 1][merge_column]
                for c in range(ncols):
                    if not (continues and c == merge_column):
                        pdf.line(xs[c], y, xs[c + 1], y)
        pdf.showPage()
    pdf.save()
    return path


def write_csv(path: Path, table: SeedTable, *, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        out = csv.writer(f)
        out.writerow(table.header)
        out.writerows(table.rows)
    return path
