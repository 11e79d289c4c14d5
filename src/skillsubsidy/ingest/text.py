"""Tokenising tables from text extracted out of official attachments.

Most seeds print a table as one cell per line, each cell starting with a TAB; a line without a
leading TAB continues the cell above (a wrapped name), and blank lines separate rows but also occur
inside wrapped cells. So rows are cut by column count, never by blank lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    line: int  # 1-based line in the seed where the cell starts


@dataclass(frozen=True, slots=True)
class SeedText:
    name: str  # file name, the citation key
    lines: tuple[str, ...]

    @classmethod
    def read(cls, path: Path) -> SeedText:
        return cls(path.name, tuple(path.read_text("utf-8").splitlines()))

    def find(self, pattern: str, start: int = 1) -> int:
        """1-based number of the first line at or after `start` matching `pattern`."""
        rx = re.compile(pattern)
        for no in range(start, len(self.lines) + 1):
            if rx.search(self.lines[no - 1]):
                return no
        raise ValueError(f"{self.name}: no line matches {pattern!r} after line {start}")

    def span(self, start: int, end: int) -> Iterator[tuple[int, str]]:
        """(line number, text) for lines start..end-1, 1-based."""
        for no in range(start, min(end, len(self.lines) + 1)):
            yield no, self.lines[no - 1]


def tab_cells(numbered_lines: Iterable[tuple[int, str]]) -> list[Cell]:
    """Cells of a TAB-per-cell table; continuation lines are appended without a separator."""
    cells: list[Cell] = []
    for no, line in numbered_lines:
        if line.startswith("\t"):
            cells.append(Cell(line[1:].strip(), no))
        elif cells and line.strip():
            prev = cells[-1]
            cells[-1] = Cell(prev.text + line.strip(), prev.line)
    return cells


def chunk_rows(cells: list[Cell], ncols: int) -> list[list[Cell]]:
    """Cut a flat cell list into rows of `ncols`; a short tail is a parser bug, so it raises."""
    if len(cells) % ncols:
        first = cells[0].line if cells else 0
        raise ValueError(f"{len(cells)} cells from line {first} do not fill rows of {ncols}")
    return [cells[i : i + ncols] for i in range(0, len(cells), ncols)]


def raw_row(cells: Iterable[Cell]) -> str:
    return " | ".join(c.text for c in cells)
