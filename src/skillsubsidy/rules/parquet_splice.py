"""A Parquet file's columns copied as they are stored, beside new columns, into a new file.

The batch engine's output is its input's columns beside four decision columns. Written through a
Parquet writer, every input column is decoded and encoded again, one column after another: at 10M
claims that was 6 s of wall time and 8 s of CPU, more than a third of the run. A column chunk
holds no position of its own (its pages carry only their sizes; the file's footer says where each
chunk starts), so the stored bytes of the input's chunks can be copied unchanged, the new columns
encoded on their own (each in its own in-memory file, on every core), and the footer written once
with each chunk's new position. Parquet's footer is Thrift's compact protocol, read and written
here field by field, so that every field this module does not touch is kept exactly as it was.

What is not copied: the page indexes and bloom filters of the input's chunks (they are stored
outside the chunks, apart from the footer), the input's sorting columns (indices into its column
list) and its key-value metadata (the caller gives the output's own). Row groups without rows are
left out. The row groups of the output are the input's: its columns at the input's codec, the new
columns in row groups of the same sizes.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

MAGIC = b"PAR1"

# Thrift compact protocol types (https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md).
STOP, TRUE, FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT = range(13)

# Field ids of parquet.thrift (https://github.com/apache/parquet-format/blob/master/src/main/thrift/parquet.thrift).
# FileMetaData
F_SCHEMA, F_NUM_ROWS, F_ROW_GROUPS, F_KEY_VALUE, F_COLUMN_ORDERS = 2, 3, 4, 5, 7
F_ENCRYPTION = (8, 9)
# SchemaElement
S_NAME, S_NUM_CHILDREN = 4, 5
# RowGroup
R_COLUMNS, R_TOTAL_BYTE_SIZE, R_NUM_ROWS, R_SORTING = 1, 2, 3, 4
R_FILE_OFFSET, R_COMPRESSED, R_ORDINAL = 5, 6, 7
# ColumnChunk
C_FILE_PATH, C_FILE_OFFSET, C_META, C_CRYPTO = 1, 2, 3, (8, 9)
C_PAGE_INDEX = (4, 5, 6, 7)  # offset index offset and length, column index offset and length
# ColumnMetaData
M_UNCOMPRESSED, M_COMPRESSED, M_DATA_PAGE, M_INDEX_PAGE, M_DICTIONARY_PAGE = 6, 7, 9, 10, 11
M_BLOOM = (14, 15)

# A struct: field id -> (compact type, value). Lists and sets are (element type, [values]); maps
# (key type, value type, [(key, value)]); booleans inside a container are kept as their byte.
Struct = dict[int, tuple[int, Any]]


class ParquetLayoutError(ValueError):
    """A file whose stored layout cannot be copied (not Parquet, encrypted, or chunks out of place)."""


# -- Thrift compact protocol ---------------------------------------------------------------------


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        b = self.data[self.pos]
        self.pos += 1
        return b

    def varint(self) -> int:
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if b < 0x80:
                return result
            shift += 7

    def zigzag(self) -> int:
        v = self.varint()
        return (v >> 1) ^ -(v & 1)

    def value(self, kind: int) -> Any:
        if kind in (TRUE, FALSE, BYTE):  # TRUE/FALSE here only as a container's element: one byte
            b = self.byte()
            return b - 256 if kind == BYTE and b > 127 else b
        if kind in (I16, I32, I64):
            return self.zigzag()
        if kind == DOUBLE:
            (d,) = struct.unpack_from("<d", self.data, self.pos)
            self.pos += 8
            return d
        if kind == BINARY:
            size = self.varint()
            self.pos += size
            if self.pos > len(self.data):
                raise IndexError(self.pos)
            return self.data[self.pos - size : self.pos]
        if kind in (LIST, SET):
            header = self.byte()
            size, element = header >> 4, header & 0x0F
            if size == 15:
                size = self.varint()
            return element, [self.value(element) for _ in range(size)]
        if kind == MAP:
            size = self.varint()
            if not size:
                return 0, 0, []
            types = self.byte()
            k, v = types >> 4, types & 0x0F
            return k, v, [(self.value(k), self.value(v)) for _ in range(size)]
        if kind == STRUCT:
            return self.struct()
        raise ParquetLayoutError(f"unknown Thrift compact type {kind} at byte {self.pos}")

    def struct(self) -> Struct:
        fields: Struct = {}
        last = 0
        while (header := self.byte()) != STOP:
            kind, delta = header & 0x0F, header >> 4
            fid = last + delta if delta else self.zigzag()
            fields[fid] = (kind, kind == TRUE) if kind in (TRUE, FALSE) else (kind, self.value(kind))
            last = fid
        return fields


def decode(data: bytes) -> Struct:
    """A Thrift compact struct (a Parquet footer's FileMetaData) as nested `Struct`s."""
    try:
        return _Reader(data).struct()
    except (IndexError, struct.error) as exc:
        raise ParquetLayoutError("the footer ends inside a value") from exc
    except RecursionError as exc:
        raise ParquetLayoutError("the footer nests deeper than any Parquet footer") from exc


def _varint(out: bytearray, v: int) -> None:
    while v >= 0x80:
        out.append(v & 0x7F | 0x80)
        v >>= 7
    out.append(v)


def _zigzag(out: bytearray, v: int) -> None:
    _varint(out, (v << 1) ^ (v >> 63))


def _value(out: bytearray, kind: int, v: Any) -> None:
    if kind in (TRUE, FALSE, BYTE):
        out.append(v & 0xFF)
    elif kind in (I16, I32, I64):
        _zigzag(out, v)
    elif kind == DOUBLE:
        out += struct.pack("<d", v)
    elif kind == BINARY:
        _varint(out, len(v))
        out += v
    elif kind in (LIST, SET):
        element, items = v
        if len(items) < 15:
            out.append(len(items) << 4 | element)
        else:
            out.append(0xF0 | element)
            _varint(out, len(items))
        for item in items:
            _value(out, element, item)
    elif kind == MAP:
        k, t, pairs = v
        _varint(out, len(pairs))
        if pairs:
            out.append(k << 4 | t)
        for key, item in pairs:
            _value(out, k, key)
            _value(out, t, item)
    elif kind == STRUCT:
        _struct(out, v)
    else:
        raise ParquetLayoutError(f"unknown Thrift compact type {kind}")


def _struct(out: bytearray, fields: Struct) -> None:
    last = 0
    for fid in sorted(fields):
        kind, v = fields[fid]
        if kind in (TRUE, FALSE):
            kind = TRUE if v else FALSE
        if 0 < fid - last <= 15:
            out.append((fid - last) << 4 | kind)
        else:
            out.append(kind)
            _zigzag(out, fid)
        if kind not in (TRUE, FALSE):
            _value(out, kind, v)
        last = fid
    out.append(STOP)


def encode(fields: Struct) -> bytes:
    out = bytearray()
    _struct(out, fields)
    return bytes(out)


# -- the stored layout ---------------------------------------------------------------------------


def _get(fields: Struct, fid: int, default: Any = None) -> Any:
    return fields[fid][1] if fid in fields else default


def _items(fields: Struct, fid: int) -> list[Any]:
    """The elements of a list field, none where it is absent."""
    return list(fields[fid][1][1]) if fid in fields else []


def read_footer(f: BinaryIO) -> tuple[Struct, int]:
    """The FileMetaData of the Parquet file `f` and the byte where its footer starts (where the
    column chunks end)."""
    size = f.seek(0, os.SEEK_END)
    f.seek(0)
    head = f.read(4)
    f.seek(max(size - 8, 0))
    tail = f.read(8)
    length = int.from_bytes(tail[:4], "little")
    if size < 12 or head != MAGIC or tail[4:] != MAGIC or length > size - 12:
        raise ParquetLayoutError(
            "not a Parquet file, or an encrypted one: it does not begin and end with PAR1"
        )
    start = size - 8 - length
    f.seek(start)
    return decode(f.read(length)), start


@dataclass(frozen=True)
class _Chunk:
    """A column chunk as stored: its footer entry and the bytes it spans."""

    entry: Struct
    start: int
    size: int

    @classmethod
    def of(cls, entry: Struct, end: int) -> _Chunk:
        if C_FILE_PATH in entry or any(f in entry for f in C_CRYPTO) or C_META not in entry:
            raise ParquetLayoutError("a column chunk is stored in another file, or encrypted")
        meta: Struct = _get(entry, C_META)
        start, size = _get(meta, M_DATA_PAGE), _get(meta, M_COMPRESSED)
        # As readers take it: a dictionary page, where there is one, comes before the data pages.
        dictionary = _get(meta, M_DICTIONARY_PAGE, 0)
        if start is not None and 0 < dictionary < start:
            start = dictionary
        if start is None or size is None or start < len(MAGIC) or size < 0 or start + size > end:
            raise ParquetLayoutError(
                f"a column chunk (at byte {start}, {size} bytes) lies outside the file's data"
            )
        return cls(entry, start, size)

    def moved(self, start: int) -> _Chunk:
        """The chunk stored at `start`: its positions moved, what lies outside it left out."""
        delta = start - self.start
        meta = dict(_get(self.entry, C_META))
        for fid in (M_DATA_PAGE, M_INDEX_PAGE, M_DICTIONARY_PAGE):
            if fid in meta and meta[fid][1] > 0:
                meta[fid] = (meta[fid][0], meta[fid][1] + delta)
        for fid in M_BLOOM:
            meta.pop(fid, None)
        entry = {fid: v for fid, v in self.entry.items() if fid not in C_PAGE_INDEX}
        entry[C_META] = (STRUCT, meta)
        if C_FILE_OFFSET in entry and entry[C_FILE_OFFSET][1] > 0:
            entry[C_FILE_OFFSET] = (I64, entry[C_FILE_OFFSET][1] + delta)
        return _Chunk(entry, start, self.size)


def _fields(schema: list[Struct]) -> list[tuple[str, list[Struct], int]]:
    """The top-level fields of a flattened schema: each one's name, its schema elements (itself and
    those nested in it) and its number of leaves, which is its number of column chunks."""
    fields = []
    i = 1
    for _ in range(_get(schema[0], S_NUM_CHILDREN, 0)):
        first, pending, leaves = i, 1, 0
        while pending:
            children = _get(schema[i], S_NUM_CHILDREN)
            pending += (children or 0) - 1
            leaves += children is None
            i += 1
        fields.append((bytes(_get(schema[first], S_NAME)).decode(), schema[first:i], leaves))
    return fields


@dataclass(frozen=True)
class _Encoded:
    """A new column, encoded as a Parquet file of its own with the same row groups."""

    data: pa.Buffer
    footer: Struct
    chunks: list[_Chunk]


def _encoded(
    name: str, column: Callable[[slice], pa.Array], groups: list[slice], options: Mapping[str, Any]
) -> _Encoded:
    sink = pa.BufferOutputStream()
    schema = pa.schema([pa.field(name, column(slice(0, 0)).type)])
    with pq.ParquetWriter(sink, schema, **options) as writer:
        for rows in groups:
            writer.write_table(pa.table({name: column(rows)}), row_group_size=rows.stop - rows.start)
    data = sink.getvalue()
    view = memoryview(data)
    length = int.from_bytes(view[-8:-4], "little")
    end = len(view) - 8 - length
    footer = decode(bytes(view[end : len(view) - 8]))
    row_groups = _items(footer, F_ROW_GROUPS)
    # Row group for row group with the input's, or the columns would be spliced beside other rows.
    written = [_get(g, R_NUM_ROWS) for g in row_groups]
    if written != [rows.stop - rows.start for rows in groups]:
        raise ParquetLayoutError(f"{name} was written in row groups of {written} rows, not the input's")
    chunks = [_Chunk.of(_items(g, R_COLUMNS)[0], end) for g in row_groups]
    return _Encoded(data, footer, chunks)


_BLOCK = 1 << 24


def _copy(src: BinaryIO, dst: BinaryIO, chunks: list[_Chunk]) -> list[_Chunk]:
    """The chunks' bytes copied from `src` to the end of `dst`, chunks stored one after another
    copied in one go."""
    moved = []
    i = 0
    while i < len(chunks):
        j = i + 1
        while j < len(chunks) and chunks[j].start == chunks[j - 1].start + chunks[j - 1].size:
            j += 1
        at = dst.tell()
        src.seek(chunks[i].start)
        remaining = chunks[j - 1].start + chunks[j - 1].size - chunks[i].start
        while remaining:
            block = src.read(min(remaining, _BLOCK))
            dst.write(block)
            remaining -= len(block)
        moved += [c.moved(at + c.start - chunks[i].start) for c in chunks[i:j]]
        i = j
    return moved


def _appended(dst: BinaryIO, encoded: _Encoded, group: int) -> _Chunk:
    chunk = encoded.chunks[group]
    at = dst.tell()
    dst.write(memoryview(encoded.data)[chunk.start : chunk.start + chunk.size])
    return chunk.moved(at)


def _row_group(group: Struct, ordinal: int, chunks: list[_Chunk]) -> Struct:
    metas = [_get(c.entry, C_META) for c in chunks]
    out = {fid: v for fid, v in group.items() if fid != R_SORTING}  # column indices of the input
    out[R_COLUMNS] = (LIST, (STRUCT, [c.entry for c in chunks]))
    out[R_TOTAL_BYTE_SIZE] = (I64, sum(_get(m, M_UNCOMPRESSED, 0) for m in metas))
    out[R_FILE_OFFSET] = (I64, chunks[0].start)
    out[R_COMPRESSED] = (I64, sum(c.size for c in chunks))
    out.pop(R_ORDINAL, None)
    if ordinal < 1 << 15:  # an i16
        out[R_ORDINAL] = (I16, ordinal)
    return out


def write_beside(
    source: Path,
    target: Path,
    columns: Mapping[str, Callable[[slice], pa.Array]],
    *,
    metadata: Mapping[str, str],
    options: Mapping[str, Any],
) -> None:
    """`source`'s columns, their stored bytes copied, beside the new `columns` (each a name and its
    values for a range of rows), into `target`. An input column named as a new one is left out.
    The new columns are written with ParquetWriter `options`, each in its own thread; the output's
    key-value metadata is `metadata`. Written to a file beside `target` and then renamed, so that
    `target` may be `source` and a failure leaves no half-written output."""
    partial = target.with_name(target.name + ".partial")
    try:
        with open(source, "rb") as src, open(partial, "wb") as dst:
            footer, end = read_footer(src)
            if any(fid in footer for fid in F_ENCRYPTION):
                raise ParquetLayoutError("the file's footer is encrypted or signed")
            schema = _items(footer, F_SCHEMA)
            kept_leaves: list[bool] = []
            elements, top = [], 0
            for name, field, leaves in _fields(schema):
                kept_leaves += [name not in columns] * leaves
                if name not in columns:
                    elements += field
                    top += 1
            groups = [g for g in _items(footer, F_ROW_GROUPS) if _get(g, R_NUM_ROWS)]
            bounds, rows = [], 0
            for g in groups:
                bounds.append(slice(rows, rows + _get(g, R_NUM_ROWS)))
                rows += _get(g, R_NUM_ROWS)
            with ThreadPoolExecutor(min(len(columns), os.cpu_count() or 1)) as pool:
                pending = [pool.submit(_encoded, name, c, bounds, options) for name, c in columns.items()]
                dst.write(MAGIC)
                row_groups = []
                for i, g in enumerate(groups):
                    entries = _items(g, R_COLUMNS)
                    if len(entries) != len(kept_leaves):
                        raise ParquetLayoutError(
                            f"row group {i} has {len(entries)} column chunks for {len(kept_leaves)} columns"
                        )
                    chunks = [_Chunk.of(e, end) for e, keep in zip(entries, kept_leaves, strict=True) if keep]
                    chunks = _copy(src, dst, chunks) + [_appended(dst, p.result(), i) for p in pending]
                    row_groups.append(_row_group(g, i, chunks))
                new = [p.result() for p in pending]
            out = dict(footer)
            root = dict(schema[0])
            root[S_NUM_CHILDREN] = (I32, top + len(new))
            elements += [e for n in new for e in _items(n.footer, F_SCHEMA)[1:]]
            out[F_SCHEMA] = (LIST, (STRUCT, [root, *elements]))
            out[F_NUM_ROWS] = (I64, rows)
            out[F_ROW_GROUPS] = (LIST, (STRUCT, row_groups))
            pairs = [{1: (BINARY, k.encode()), 2: (BINARY, v.encode())} for k, v in metadata.items()]
            out[F_KEY_VALUE] = (LIST, (STRUCT, pairs))
            # A sort order per leaf, where every part has them (readers then trust min/max).
            orders = [_items(n.footer, F_COLUMN_ORDERS) for n in new]
            out.pop(F_COLUMN_ORDERS, None)
            if F_COLUMN_ORDERS in footer and all(orders):
                kept = [
                    o for o, keep in zip(_items(footer, F_COLUMN_ORDERS), kept_leaves, strict=True) if keep
                ]
                out[F_COLUMN_ORDERS] = (LIST, (STRUCT, kept + [o for part in orders for o in part]))
            written = encode(out)
            dst.write(written + len(written).to_bytes(4, "little") + MAGIC)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
