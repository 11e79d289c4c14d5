"""The input's column chunks copied beside new columns (`rules.parquet_splice`), read back by three
independent readers: pyarrow, Polars and DuckDB."""

from __future__ import annotations

import base64
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from skillsubsidy.rules.parquet_splice import ParquetLayoutError, decode, encode, read_footer, write_beside

OPTIONS = {"compression": "lz4", "write_statistics": False, "store_schema": False}


def _input(path: Path, **options: object) -> pa.Table:
    """Rows in three row groups of different sizes, with nested, dictionary, nullable and
    timezone-aware columns, and a column named as one of the new ones."""
    n = 2_500
    rng = np.random.default_rng(7)
    table = pa.table(
        {
            "person": pa.array([f"p{i % 97}" for i in range(n)]),
            "amount": pa.array(rng.integers(0, 100, n)),  # replaced by the new column of that name
            "level": pa.array(rng.integers(1, 6, n).astype(np.int8)),
            "note": pa.array([None if i % 5 else f"说明{i}" for i in range(n)]),
            "region": pa.array(["南通", "上海"] * (n // 2)).dictionary_encode(),
            "held": pa.array([[{"occupation": "焊工", "level": i % 5}] * (i % 3) for i in range(n)]),
            "address": pa.array([{"city": "南通", "zip": None if i % 2 else i} for i in range(n)]),
            "received": pa.array(np.arange(n).astype("datetime64[s]")).cast(
                pa.timestamp("s", tz="Asia/Shanghai")
            ),
        }
    )
    with pq.ParquetWriter(path, table.schema, **options) as writer:
        for rows in (slice(0, 1_000), slice(1_000, 1_001), slice(1_001, n)):
            writer.write_table(table[rows])
    return table


def _new(n: int) -> dict[str, object]:
    fen = np.arange(n, dtype=np.int64) * 100
    words = pa.array(["", "duplicate_claim", "no_standard"], pa.large_string())
    return {
        "eligible": lambda rows: pa.array(fen[rows] % 300 == 0),
        "amount": lambda rows: pa.array(fen[rows], mask=fen[rows] % 700 == 0),
        "reasons": lambda rows: pa.DictionaryArray.from_arrays(
            pa.array((fen[rows] // 100 % 3).astype(np.int32)), words
        ),
    }


def _expected(table: pa.Table) -> pa.Table:
    n = table.num_rows
    new = _new(n)
    kept = table.drop_columns(["amount"])
    return pa.Table.from_arrays(
        [
            *kept.columns,
            *(
                c(slice(0, n)).cast(pa.large_string()) if name == "reasons" else c(slice(0, n))
                for name, c in new.items()
            ),
        ],
        names=[*kept.column_names, *new],
    )


@pytest.mark.parametrize(
    "options",
    [
        {"compression": "zstd"},
        {"compression": "snappy", "write_page_index": True, "use_dictionary": False},
        {"compression": "none", "data_page_version": "2.0", "bloom_filter_options": {"person": True}},
    ],
    ids=["zstd", "page-index", "bloom-filter"],
)
def test_the_input_columns_are_copied_as_stored_beside_the_new_ones(
    tmp_path: Path, options: dict[str, object]
):
    table = _input(source := tmp_path / "in.parquet", **options)
    expected = _expected(table)
    write_beside(
        source, target := tmp_path / "out.parquet", _new(table.num_rows), metadata={}, options=OPTIONS
    )

    out = pq.read_table(target)
    assert out.column_names == expected.column_names
    for name in expected.column_names:
        assert out[name].to_pylist() == expected[name].to_pylist(), name
    metadata = pq.ParquetFile(target).metadata
    assert [metadata.row_group(g).num_rows for g in range(metadata.num_row_groups)] == [1_000, 1, 1_499]
    # Every row group on its own, as a reader that splits a file by row groups takes it.
    assert pa.concat_tables(pq.ParquetFile(target).read_row_group(g) for g in range(3)).equals(out)
    # The input's chunks as they were stored: same codec, same bytes.
    before = pq.ParquetFile(source).metadata
    for g in range(3):
        assert metadata.row_group(g).column(0).compression == before.row_group(g).column(0).compression
        assert (
            metadata.row_group(g).column(0).total_compressed_size
            == before.row_group(g).column(0).total_compressed_size
        )
    assert metadata.row_group(0).column(metadata.num_columns - 1).compression == "LZ4"

    polars = pl.read_parquet(target)
    assert polars["eligible"].to_list() == expected["eligible"].to_pylist()
    assert polars["reasons"].to_list() == expected["reasons"].to_pylist()
    assert polars["held"].to_list() == expected["held"].to_pylist()
    assert polars.columns == expected.column_names

    totals = duckdb.sql(
        f"SELECT count(*), sum(amount), count(DISTINCT person), sum(len(held)), "
        f"count(address.zip), max(received) FROM '{target}'"
    ).fetchall()[0]
    amounts = expected["amount"].to_numpy(zero_copy_only=False)
    assert totals[:5] == (
        2_500,
        int(np.nansum(amounts)),
        97,
        sum(i % 3 for i in range(2_500)),
        1_250,
    )
    assert totals[5].isoformat().startswith("1970-01-01T08:41:39")  # 2,499 s after the epoch, in Shanghai


def test_a_footer_read_and_written_again_is_the_same_bytes(tmp_path: Path):
    # Statistics (with their binary min and max), page index, bloom filter, sorting columns and
    # key-value metadata: fields of every kind the footer has.
    table = _input(
        source := tmp_path / "in.parquet", write_page_index=True, bloom_filter_options={"person": True}
    )
    with pq.ParquetWriter(
        again := tmp_path / "sorted.parquet",
        table.schema,
        sorting_columns=[pq.SortingColumn(2)],
    ) as writer:
        writer.add_key_value_metadata({"who": "测试"})
        writer.write_table(table)
    for path in (source, again):
        with open(path, "rb") as f:
            footer, start = read_footer(f)
            f.seek(start)
            raw = f.read()[:-8]
        assert encode(decode(raw)) == raw
        assert encode(footer) == raw


def test_the_output_has_the_metadata_given_and_may_replace_its_input(tmp_path: Path):
    table = _input(source := tmp_path / "in.parquet")
    expected = _expected(table)
    stored = {"ARROW:schema": base64.b64encode(expected.schema.serialize().to_pybytes()).decode()}
    write_beside(source, source, _new(table.num_rows), metadata=stored, options=OPTIONS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet"]
    # Read back as the file pyarrow's own writer makes of the same table: the metadata gives the
    # Arrow types (a dictionary column, large strings, the time zone).
    pq.write_table(expected, written := tmp_path / "written.parquet")
    assert pq.read_schema(source) == pq.read_schema(written)
    assert pq.read_table(source).to_pylist() == pq.read_table(written).to_pylist()


def test_an_input_without_rows_gives_an_output_without_rows(tmp_path: Path):
    table = _input(tmp_path / "full.parquet").slice(0, 0)
    pq.write_table(table, source := tmp_path / "in.parquet")
    write_beside(source, target := tmp_path / "out.parquet", _new(0), metadata={}, options=OPTIONS)
    out = pq.read_table(target)
    assert out.num_rows == 0
    assert out.column_names == _expected(table).column_names


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: b"NOPE" + raw[4:],
        lambda raw: raw[:-4] + b"PARE",
        lambda raw: raw[:-8] + (len(raw)).to_bytes(4, "little") + raw[-4:],
    ],
    ids=["head", "tail", "footer-length"],
)
def test_a_file_that_is_not_parquet_is_refused_and_nothing_is_written(tmp_path: Path, damage):
    _input(source := tmp_path / "in.parquet")
    source.write_bytes(damage(source.read_bytes()))
    with pytest.raises(ParquetLayoutError, match="not a Parquet file"):
        write_beside(source, tmp_path / "out.parquet", _new(2_500), metadata={}, options=OPTIONS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet"]


def test_a_column_chunk_said_to_lie_past_the_data_is_refused(tmp_path: Path):
    _input(source := tmp_path / "in.parquet")
    raw = source.read_bytes()
    with open(source, "rb") as f:
        footer, start = read_footer(f)
    chunk = footer[4][1][1][0][1][1][1][0]  # row group 0, column 0
    meta = dict(chunk[3][1])
    meta[7] = (meta[7][0], start)  # total_compressed_size: past the footer's start
    chunk[3] = (chunk[3][0], meta)
    written = encode(footer)
    source.write_bytes(raw[:start] + written + len(written).to_bytes(4, "little") + b"PAR1")
    with pytest.raises(ParquetLayoutError, match=r"a column chunk \(at byte 4, \d+ bytes\) lies outside"):
        write_beside(source, tmp_path / "out.parquet", _new(2_500), metadata={}, options=OPTIONS)
    assert not (tmp_path / "out.parquet").exists()


@pytest.mark.parametrize(
    "footer",
    [b"\x18\xff\x0fab", b"\x19\x2c", b"\x1c" * 5_000],
    ids=["text-past-end", "list-past-end", "nested"],
)
def test_a_footer_that_is_not_thrift_is_refused(footer: bytes):
    with pytest.raises(ParquetLayoutError, match="footer"):
        decode(footer)


def test_a_new_column_not_cut_to_the_input_row_groups_is_refused_and_nothing_is_written(tmp_path: Path):
    _input(source := tmp_path / "in.parquet")
    one_too_many = {"extra": lambda rows: pa.array(np.zeros(rows.stop - rows.start + 1))}
    with pytest.raises(
        ParquetLayoutError,
        match=r"extra was written in row groups of \[1000, 1, 1, 1, 1499, 1\] rows, not the input.s",
    ):
        write_beside(source, tmp_path / "out.parquet", one_too_many, metadata={}, options=OPTIONS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet"]
