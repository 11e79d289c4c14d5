"""The batch engine: the quote rules over a whole table of claims, vectorised.

Nothing here walks the rows in Python. The few distinct things a table mentions (regions and dates,
occupations, levels written as text) are resolved once each with the scalar engine's own lookups,
compiled into dense numpy arrays indexed by regime, category and level, and then every row is decided
by array arithmetic. Money is integer fen, class hours hundredths of a 课时, rates hundredths of a
percent, so every comparison is exact and agrees with the Decimal arithmetic of `quote`. The rule
checks are those of `rules.checks`, with the same parameters and the same answer where a parameter
has no value on the date (`rule_lapsed`, never a pass).

Input columns (CSV or Parquet), one claim per row:

| column | meaning |
|---|---|
| region, date, certificate_type | required; as in a quote request |
| program | training (default), insured_upgrade, project |
| occupation, level, issued_on | the certificate |
| hours, online_hours / minutes, online_minutes | training time (课时, or minutes) |
| held | certificates already held, `焊工:3|6-31-01-03:4`; empty: none; column absent or null: unknown |
| birth_date, sex, hukou_local, social_insurance_local, unemployment_registered | the trainee |
| groups | trainee groups (policy/groups.yaml), `pensioner|veteran`; empty: none; absent or null: unknown |
| person_id, certificate_no, project_id | for the checks across claims and project totals |

A claim dated outside every published catalog or standard it needs is neither eligible nor
ineligible, as in `quote`: `eligible`, `amount` and `amount_fen` are null and its reasons include
`outside_published_periods` (with the blocking reasons found, never the informational ones).

Across claims (whole input): a person's certificate in an occupation at a level already claimed at
the same or a higher level (`higher_or_same_level_claimed`), the same certificate claimed twice
(`duplicate_claim`), and more claims per person per year than a region allows
(`yearly_limit_exceeded`, where `claims.max_per_person_per_year` has a value).
"""

from __future__ import annotations

import base64
import ctypes
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm import tqdm

from skillsubsidy.catalog.model import Category, CertificateType
from skillsubsidy.occupations import Marker, parse_level
from skillsubsidy.regions import UnknownRegion, resolve_region
from skillsubsidy.rules import checks
from skillsubsidy.rules.checks import Standing, hours_minimum_name, standing
from skillsubsidy.rules.engine import (
    Engine,
    _catalog_versions,
    _nearest,
    _standard_versions,
    _Version,
    default_engine,
)
from skillsubsidy.rules.parameters import Value
from skillsubsidy.rules.parquet_splice import ParquetLayoutError, write_beside
from skillsubsidy.rules.reasons import BLOCKING, ReasonCode
from skillsubsidy.rules.regime import Regime, course_key, listing_kinds, look_up
from skillsubsidy.rules.request import (
    CATALOG_TYPES,
    LEVEL_TYPES,
    NEEDS_LEVEL,
    NEEDS_OCCUPATION,
    Program,
    RequestError,
    Sex,
)

T = TypeVar("T")
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
I16 = npt.NDArray[np.int16]
I8 = npt.NDArray[np.int8]
B = npt.NDArray[np.bool_]
U32 = npt.NDArray[np.uint32]

PROGRAMS = list(Program)
SEXES = list(Sex)
TYPES = list(CertificateType)
CATEGORIES = [c.value for c in Category]  # index 3 = no category
NO_CATEGORY = len(CATEGORIES)
CODES = list(ReasonCode)
# One bit per reason code in an unsigned 32-bit mask (30 codes today; widen MASK past 32).
MASK = np.uint32
assert len(CODES) <= 32, "more reason codes than bits in the mask"
BIT = {code: MASK(1 << i) for i, code in enumerate(CODES)}
BLOCKING_MASK = MASK(sum(int(BIT[c]) for c in BLOCKING))
# A date outside every published period: neither eligible nor ineligible (engine.gap).
OUTSIDE = BIT[ReasonCode.OUTSIDE_PUBLISHED_PERIODS]
NOT_ELIGIBLE_MASK = MASK(int(BLOCKING_MASK) | int(OUTSIDE))
# Shown only on eligible claims, as in the scalar decision.
INFO_MASK = MASK(
    sum(
        int(BIT[c])
        for c in (
            ReasonCode.SHORTAGE_UPLIFT,
            ReasonCode.OUT_OF_CATALOG_FALLBACK,
            ReasonCode.LISTED_UNDER_OTHER_SPELLING,
            ReasonCode.AMOUNT_IS_MAXIMUM,
            ReasonCode.NO_STANDARD,
        )
    )
)
_EPOCH = date(1970, 1, 1)
# A check's parameter per regime is its value (integer, in the units below), or one of these two,
# after `checks.standing`: ABSENT when no region has it or it switches the rule off (no reason),
# NO_VALUE when it has no value on the date (not checked, `rule_lapsed`).
ABSENT = -1
NO_VALUE = -2
REQUIRED = ("region", "date", "certificate_type")
# Every input column the engine reads. From Parquet only these are read (the others, such as a claim
# number unique to each row, are copied into the output as they are stored, never decoded: 1M
# synthetic claims read in 0.11-0.12 s instead of 0.21-0.38).
ENGINE_COLUMNS = frozenset(
    (
        *REQUIRED, "program", "occupation", "level", "issued_on", "hours", "online_hours", "minutes",
        "online_minutes", "held", "birth_date", "sex", "hukou_local", "social_insurance_local",
        "unemployment_registered", "groups", "person_id", "certificate_no",
    )
)  # fmt: skip
OUTPUT_COLUMNS = ("eligible", "amount", "amount_fen", "reasons")
# An output written from a Polars frame (CSV input): zstd at level 1 wrote 1M decided claims with
# ~15% less CPU than Polars' default level and a file no larger (18 MB against 19 MB).
ZSTD_LEVEL = 1
_TRUE = {"true", "1", "yes", "y", "t", "是"}
_FALSE = {"false", "0", "no", "n", "f", "否"}
# Catalog lookup groups: which section kinds a row's certificate is looked up in.
_GROUPS = [
    (t, p)
    for t in (
        CertificateType.SKILL_LEVEL,
        CertificateType.SPECIAL_ABILITY,
        CertificateType.TRAINING_QUALIFICATION,
    )
    for p in (Program.TRAINING, Program.PROJECT)
]
# The catalog sections of each lookup group, made once (a set made per lookup: ~5 ms of 60 a run).
_KINDS = [listing_kinds(t, p) for t, p in _GROUPS]


@dataclass
class BatchReport:
    rows: int
    eligible: int
    without_standard: int
    undecided: int  # outside every published period: eligible and amount null
    total_fen: int
    reason_counts: dict[str, int]
    notes: list[str]
    # CPU seconds of the process per stage (all its threads; on a shared machine wall time mostly
    # measures the other work), and "amount lookup" in CPU seconds of its own thread, to compare with
    # a numpy floor (the rules run beside another thread, whose turns with the GIL a wall clock would
    # count). Work that runs in a thread beside a stage is counted in that stage and, on its own, as
    # "beside <stage>: ..." (the CPU of that thread alone).
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return Decimal(self.total_fen) / 100

    def lines(self) -> list[str]:
        out = [
            f"claims: {self.rows}",
            f"eligible: {self.eligible} (without a standard, amount empty: {self.without_standard})",
            f"total payable: {self.total:.2f} CNY",
            f"undecided, outside every published period: {self.undecided}",
        ]
        out += [f"  {code}: {n}" for code, n in sorted(self.reason_counts.items(), key=lambda kv: -kv[1])]
        out += [f"note: {n}" for n in self.notes]
        return out


@dataclass
class BatchResult:
    frame: pl.DataFrame  # the input columns, then eligible, amount, amount_fen, reasons
    report: BatchReport


# -- reading, writing ---------------------------------------------------------------------------


def read_claims(path: Path) -> pl.DataFrame:
    """CSV (every cell read as text; an empty `held` or `groups` cell means none) or Parquet."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pl.read_parquet(path)
    if suffix == ".csv":
        frame = pl.read_csv(path, infer_schema=False, empty_string_is_null=False)
        keep_empty = {"held", "groups"}
        return frame.with_columns(
            pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c)
            for c in frame.columns
            if c not in keep_empty
        )
    raise RequestError("input", str(path), "must be a .csv or .parquet file")


def write_decisions(frame: pl.DataFrame, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame.write_parquet(path, compression="zstd", compression_level=ZSTD_LEVEL)
    elif suffix == ".csv":
        # Claims come from outside; a text cell a spreadsheet would run as a formula (OWASP "CSV
        # Injection": = + - @ tab CR first) is written with a leading quote, which keeps it text.
        formula = r"^[=+\-@\t\r]"
        frame.with_columns(
            pl.when(pl.col(c).str.contains(formula))
            .then(pl.lit("'") + pl.col(c))
            .otherwise(pl.col(c))
            .alias(c)
            for c, dtype in frame.schema.items()
            if dtype == pl.String
        ).write_csv(path)
    else:
        raise RequestError("output", str(path), "must be a .csv or .parquet file")


def project_totals(frame: pl.DataFrame) -> pl.DataFrame:
    """Per project: qualified (eligible) trainees × their amounts (002 · 六、补贴标准)."""
    if "project_id" not in frame.columns:
        raise RequestError("project_id", None, "the claims have no project_id column")
    return (
        frame.filter(pl.col("project_id").is_not_null())
        .group_by("project_id", maintain_order=True)
        .agg(
            pl.col("eligible").sum().alias("qualified_trainees"),
            pl.col("amount_fen").filter(pl.col("eligible")).sum().alias("total_fen"),
            (pl.col("eligible") & pl.col("amount_fen").is_null()).sum().alias("without_standard"),
        )
        .with_columns(_money(pl.col("total_fen")).alias("total"))
    )


def request_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """The quote request one batch row stands for (the batch and `quote` must agree on it)."""

    def text(v: Any) -> Any:
        return v.isoformat() if isinstance(v, date) else v

    def flag(v: Any) -> Any:
        return bool(_bool(v)) if isinstance(v, str) else v

    def given(*keys: str) -> dict[str, Any]:
        return {k: text(row[k]) for k in keys if row.get(k) is not None}

    request: dict[str, Any] = {
        "region": row["region"],
        "date": text(row["date"]),
        "program": row.get("program") or Program.TRAINING.value,
        "certificate": {"type": row["certificate_type"], **given("occupation", "level", "issued_on")},
    }
    if row.get("held") is not None:
        items = [h.rsplit(":", 1) for h in str(row["held"]).split("|") if h.strip()]
        request["held_certificates"] = [{"occupation": o, "level": lv} for o, lv in items]
    if training := given("hours", "online_hours", "minutes", "online_minutes"):
        request["training"] = training
    trainee = given("birth_date", "sex")
    trainee |= {
        k: flag(v)
        for k, v in given("hukou_local", "social_insurance_local", "unemployment_registered").items()
    }
    if row.get("groups") is not None:
        trainee["groups"] = [g for g in str(row["groups"]).split("|") if g]
    if trainee:
        request["trainee"] = trainee
    return request


# -- evaluation ---------------------------------------------------------------------------------


def evaluate_batch(
    claims: pl.DataFrame, *, engine: Engine | None = None, progress: bool | None = None
) -> BatchResult:
    """Decide every claim. `progress=None` shows a bar on a terminal for inputs over 100,000 rows;
    True always shows it, False never."""
    with _reused_memory():
        out, report = _evaluate(claims, engine or default_engine(), progress)
    kept = claims.drop([c for c in OUTPUT_COLUMNS if c in claims.columns])
    c0 = time.process_time()
    frame = pl.concat([kept, out.frame()], how="horizontal")
    report.timings["output"] += time.process_time() - c0
    return BatchResult(frame, report)


# -- memory ------------------------------------------------------------------------------------

# glibc's malloc settings (mallopt): arrays at or above the mmap threshold get pages of their own,
# returned to the kernel when freed; free memory at the top of the heap beyond the trim threshold is
# returned too.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD = 32 << 20  # the most glibc allows, and where its own adaptive threshold ends
_TRIM_DURING = 1 << 30
_TRIM_AFTER = 2 * _MMAP_THRESHOLD  # glibc's own trim threshold beside an mmap threshold of 32 MB
_memory_lock = threading.Lock()
_memory_users = 0
_arrow_pool: pa.MemoryPool | None = None  # Arrow's own, while a run allocates from glibc's


def _glibc() -> Any:
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:  # not glibc (macOS, musl): the allocator is left as it is
        return None


_LIBC = _glibc()


@contextmanager
def _reused_memory() -> Iterator[None]:
    """A run's freed arrays kept for its next ones (glibc only). A run makes and frees hundreds of
    numpy arrays of a million rows; each new one from pages returned to the kernel is faulted in and
    zeroed by the kernel page by page (a fifth of the CPU of 1M claims Parquet to Parquet, by `perf`).
    During the run arrays under 32 MB come from the heap and up to 1 GB of free heap is kept, and
    Arrow allocates from the same heap (its default pool, mimalloc, returns freed pages to the
    kernel on its own: 10M claims in chunks took 3.3-4.2 s of system CPU and 10.7-11.2 s of wall
    with glibc's pool, against 5.0-5.8 s and 12.7-12.8 s with mimalloc, same hour, for a peak 5-15
    bytes a claim higher). After the last run ends, Arrow's pool is put back and the free heap goes
    back to the kernel."""
    global _memory_users, _arrow_pool
    if _LIBC is None:
        yield
        return
    with _memory_lock:
        _memory_users += 1
        if _memory_users == 1:
            _LIBC.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
            _LIBC.mallopt(_M_TRIM_THRESHOLD, _TRIM_DURING)
            _arrow_pool = pa.default_memory_pool()
            pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        with _memory_lock:
            _memory_users -= 1
            if _memory_users == 0:
                pa.set_memory_pool(_arrow_pool)
                _LIBC.mallopt(_M_TRIM_THRESHOLD, _TRIM_AFTER)
                _free_memory_returned()


def _free_memory_returned() -> None:
    """The free heap handed back to the kernel now, not at the end of the run."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _evaluate(
    claims: pl.DataFrame | pa.Table, engine: Engine, progress: bool | None
) -> tuple[_Out, BatchReport]:
    n = claims.num_rows if isinstance(claims, pa.Table) else claims.height
    # tqdm's disable=None means "only on a terminal".
    disable = not progress if progress is not None else (None if n > 100_000 else True)
    stages = ["read columns", "regimes", "lookups", "rules", "across claims", "output"]
    timings: dict[str, float] = {}
    with (
        tqdm(total=len(stages), desc=f"batch {n:,} claims", unit="stage", disable=disable) as bar,
        ThreadPoolExecutor(1) as pool,
    ):

        @contextmanager
        def stage(name: str) -> Iterator[None]:
            bar.set_postfix_str(name)
            t0 = time.process_time()
            yield
            timings[name] = time.process_time() - t0
            bar.update()

        # Beside reading the other columns, which keeps one core: the persons and numbers need
        # only their own columns. Started after the regimes, they made the claim checks wait, and
        # the rules of 1M claims waited 125 ms for those.
        keys = pool.submit(_timed, timings, "beside read columns: persons and numbers", _keys, claims)
        with stage("read columns"):
            x = _Input(claims, engine)
        with stage("regimes"):
            tables = _Tables(x.regions, x.region, x.standards_date, x.group_bits, engine)
        checked = pool.submit(_timed, timings, "beside lookups: claim checks", _claim_checks, x, tables)
        with stage("lookups"):
            look = _Lookups(x, tables, engine)
            claimed = _Claims.of(x, tables, look, keys.result())
        # What needs no decision of the checks across claims, beside the rules, which keep one core.
        repeated = pool.submit(_timed, timings, "beside rules: claims repeated", _repeated, claimed)
        with stage("rules"):
            d = _decide(x, tables, look, timings, checked.result())
        with stage("across claims"):
            notes = _across_claims(claimed, d, repeated.result())
        with stage("output"):
            out, report = _decisions(d, notes)
    report.timings = timings
    return out, report


def _timed(timings: dict[str, float], name: str, work: Callable[..., T], *args: Any) -> T:
    """`work(*args)`, its thread's CPU seconds recorded under `name`."""
    c0 = time.thread_time()
    result = work(*args)
    timings[name] = time.thread_time() - c0
    return result


# -- reading the columns: each distinct text value resolved once --------------------------------


def _fail(column: str, row: int, value: object, problem: str) -> RequestError:
    return RequestError(f"{column} (row {row + 1})", value, problem)


def _first_bad(mask: B) -> int:
    return int(np.flatnonzero(mask)[0])


def _money(fen: pl.Expr) -> pl.Expr:
    return (fen // 100).cast(pl.String) + "." + (fen % 100).cast(pl.String).str.zfill(2)


def _null_column(name: str, n: int) -> pl.Series:
    return pl.Series(name, dtype=pl.String).extend_constant(None, n)


# A column as the engine reads it: a Polars Series, or an Arrow column of a Parquet input (`_open`):
# a text column read as a dictionary column, whose distinct values the file already lists, or the
# persons and certificate numbers, made a Series only in `_keys`.
Column: TypeAlias = pl.Series | pa.ChunkedArray


def _series(column: Column) -> pl.Series:
    if isinstance(column, pl.Series):
        return column
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    return pl.Series(values=column)


def _dictionary(column: Column) -> tuple[I32, list[str]]:
    """A text column dictionary-encoded once: per row the index of its value (-1 for null), and the
    distinct values that occur (a dictionary read from a file may list values that no row of this
    chunk has; they are dropped, so that an unused value is never refused)."""
    if isinstance(column, pl.Series):
        encoded = pc.dictionary_encode(column.cast(pl.String).rechunk().to_arrow())
    elif not pa.types.is_dictionary(column.type):
        encoded = pc.dictionary_encode(column.combine_chunks())
    else:
        encoded = column.combine_chunks()  # one dictionary for all chunks
    codes = encoded.indices.fill_null(-1) if encoded.null_count else encoded.indices
    indices: I32 = codes.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    values: list[str] = encoded.dictionary.to_pylist()
    if isinstance(column, pa.ChunkedArray):
        # Counted one place up, so that nulls (-1) fall in a slot of their own and no row is copied out.
        used = np.bincount(indices + 1, minlength=len(values) + 1)[1:] > 0
        if not used.all():
            remap = np.append(np.cumsum(used, dtype=np.int32) - 1, np.int32(-1))
            indices = remap[indices]
            values = [v for v, u in zip(values, used.tolist(), strict=True) if u]
    return indices, values


def _days(series: Column, column: str) -> tuple[I32, B]:
    """Days since 1970-01-01 and a null mask; text must be YYYY-MM-DD (each distinct text parsed once)."""
    if isinstance(series, pl.Series) and series.dtype == pl.Date:
        parsed = series
    elif isinstance(series, pl.Series) and series.dtype == pl.Datetime:
        parsed = series.dt.date()
    else:
        indices, values = _dictionary(series)
        texts = pl.Series([v.strip() for v in values], dtype=pl.String)
        days = texts.str.to_date("%Y-%m-%d", strict=False)
        if (bad := days.is_null().to_numpy()).any():
            rows = [int(np.argmax(indices == j)) for j in np.flatnonzero(bad)]
            i = min(rows)
            raise _fail(column, i, texts[int(indices[i])], "must be a date written YYYY-MM-DD")
        table = np.append(days.cast(pl.Int32).to_numpy(), 0).astype(np.int32)
        return table[indices], indices < 0
    null = parsed.is_null().to_numpy()
    return parsed.cast(pl.Int32).fill_null(0).to_numpy().astype(np.int32, copy=False), null


def _codes(
    series: Column, column: str, mapping: Callable[[str], int], problem: str, dtype: Any = np.int8
) -> npt.NDArray[Any]:
    """Map each distinct (stripped) text value once; -1 for null. Booleans and integer levels need
    no text: 1/0 and the integer itself."""
    if isinstance(series, pl.Series) and series.dtype == pl.Boolean and mapping is _bool:
        return series.cast(pl.Int8).fill_null(-1).to_numpy().astype(dtype, copy=False)
    if isinstance(series, pl.Series) and series.dtype.is_integer() and mapping is _level:
        values = series.fill_null(-1).to_numpy()
        if (bad := (values != -1) & ((values < 1) | (values > 5))).any():
            i = _first_bad(bad)
            raise _fail(column, i, series[i], problem)
        return values.astype(dtype)
    indices, texts = _dictionary(series)
    table = np.full(len(texts) + 1, -1, dtype=np.int64)
    refused: list[int] = []
    for j, value in enumerate(texts):
        try:
            table[j] = mapping(value.strip())
        except ValueError:
            refused.append(j)
    if refused:
        i = min(int(np.argmax(indices == j)) for j in refused)
        raise _fail(column, i, texts[int(indices[i])].strip(), problem)
    return table.astype(dtype)[indices]


def _centi(values: Column, column: str, places: int) -> I64:
    """A time amount ×100 as an integer (-1 for null); refuses negatives and finer precision."""
    series = _series(values)
    if series.dtype == pl.String and series.null_count() == series.len():
        return np.full(series.len(), -1, dtype=np.int64)
    try:
        numeric = series if series.dtype.is_numeric() else series.cast(pl.String).str.strip_chars()
        values = numeric.cast(pl.Float64).fill_null(float("nan")).to_numpy()
    except pl.exceptions.InvalidOperationError:
        text = series.cast(pl.String).str.strip_chars()
        bad = (text.cast(pl.Float64, strict=False).is_null() & text.is_not_null()).to_numpy()
        i = _first_bad(bad)
        raise _fail(column, i, text[i], "must be a number") from None
    # Each distinct amount checked and scaled once (class hours take a few hundred values; a dozen
    # passes over every row cost twice the hashing), then gathered back per row.
    encoded = pc.dictionary_encode(pa.array(values))  # NaN, the null, is one value
    distinct, which = encoded.dictionary.to_numpy(), encoded.indices.to_numpy()
    null = np.isnan(distinct)
    scaled = np.where(null, 0, distinct) * 100
    rounded = np.rint(scaled)
    bad = ~null & ((np.abs(scaled - rounded) > 1e-6 * np.maximum(1, np.abs(scaled))) | (rounded < 0))
    if places == 0:
        bad |= ~null & (rounded % 100 != 0)
    if bad.any():
        i = _first_bad(bad[which])
        what = (
            "whole minutes" if places == 0 else f"a number not below 0 with at most {places} decimal places"
        )
        raise _fail(column, i, series[i], f"must be {what}")
    centi: I64 = np.where(null, -1, rounded).astype(np.int64)[which]
    return centi


def _dense(key: npt.NDArray[Any]) -> I32:
    """Per row a dense integer standing for its key: hash passes, no sort. Over millions of rows one
    hash table misses the cache on nearly every row (and its memory stays with the allocator), so
    the rows are split by their key's hash into parts of ~65,536 (`_parts`) and numbered part by
    part; equal keys fall in one part."""
    ids = np.empty(len(key), dtype=np.int32)
    offset = 0
    for rows in _parts(_mix(key)):
        indices = pc.dictionary_encode(pa.array(key[rows])).indices.to_numpy().astype(np.int32, copy=False)
        ids[rows] = indices + offset
        offset += int(indices.max()) + 1 if len(indices) else 0
    return ids


_PART_ROWS = 1 << 16
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix(key: npt.NDArray[Any]) -> npt.NDArray[np.uint64]:
    """A well-spread 64-bit number per key (Fibonacci hashing), whose top bits pick its part."""
    with np.errstate(over="ignore"):
        mixed: npt.NDArray[np.uint64] = key.astype(np.uint64, copy=False) * _GOLDEN
    return mixed


def _parts(mixed: npt.NDArray[np.uint64]) -> list[I64 | slice]:
    """The row positions of each part, in input order within a part (a stable counting sort on the
    top bits of `mixed`); one part of everything for an input of up to ~65,536 rows."""
    n = len(mixed)
    bits = int(np.clip(np.ceil(np.log2(max(n, 1) / _PART_ROWS)), 0, 12))
    if bits == 0:
        return [slice(None)]
    bucket = (mixed >> np.uint64(64 - bits)).astype(np.uint16)
    del mixed  # freed before the sort where the caller holds no other reference (`_dense`)
    order = np.argsort(bucket, kind="stable")  # a radix sort for 16-bit keys
    ends = np.cumsum(np.bincount(bucket, minlength=1 << bits)).tolist()
    return [order[start:end] for start, end in zip([0, *ends[:-1]], ends, strict=True)]


def _first_distinct(columns: dict[str, npt.NDArray[Any]], mixed: npt.NDArray[np.uint64]) -> B:
    """Per row, whether it is the first in input order of its combination of `columns`; part by part
    (`mixed` must be equal for equal combinations, so that they share a part)."""
    first = np.empty(len(mixed), dtype=bool)
    for rows in _parts(mixed):
        frame = pl.DataFrame({name: values[rows] for name, values in columns.items()})
        first[rows] = frame.select(pl.struct(frame.columns).is_first_distinct()).to_series().to_numpy()
    return first


def _shared(values: npt.NDArray[Any]) -> I64:
    """The positions of the rows whose value another row has too, in order. The values are sorted
    (numpy's sort is vectorised), the repeated ones taken, and every row looked up in a hash set of
    only those, which is small where few rows share a value. 10M certificate numbers of which 1%
    repeat: 0.46-0.56 s, against 0.81-1.26 s hashing every row part by part as `_first_distinct`
    does; 10M groups of which 15% repeat (the same-or-higher-level check): 1.45-1.70 s against
    1.54-2.07 s numbering all of them (`_dense`) to count each group's rows."""
    if len(values) < 2:
        return np.zeros(0, dtype=np.int64)
    ordered = np.sort(values)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if not len(repeated):
        return np.zeros(0, dtype=np.int64)
    found = pc.is_in(pa.array(values), value_set=pa.array(np.unique(repeated)))
    return np.flatnonzero(found.to_numpy(zero_copy_only=False))


def _hashes(column: Column) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], B]:
    """Two independent 64-bit hashes of each text value, and its null mask (a dictionary column's
    values are hashed once each)."""
    if not isinstance(column, pa.ChunkedArray) or not pa.types.is_dictionary(column.type):
        text = _series(column).cast(pl.String)
        return (
            text.hash(seed=0x5EED).to_numpy(),
            text.hash(seed=0xC0FFEE).to_numpy(),
            text.is_null().to_numpy(),
        )
    indices, values = _dictionary(column)
    distinct = pl.Series(values, dtype=pl.String)
    first, second = (
        np.append(distinct.hash(seed=seed).to_numpy(), np.uint64(0)) for seed in (0x5EED, 0xC0FFEE)
    )
    return first[indices], second[indices], indices < 0


def _ids_from_hashes(first: npt.NDArray[np.uint64], second: npt.NDArray[np.uint64], null: B) -> I32 | None:
    """Equal text → equal integer (-1 for null), without sorting or copying the text: the first hash
    gives the groups, the second proves that no two different values share one (None if they do)."""
    if null.all():
        return np.full(len(null), -1, dtype=np.int32)
    ids = _dense(first)
    one_per_group = np.zeros(int(ids.max()) + 1, dtype=second.dtype)
    one_per_group[ids] = second
    # A million rows at a time: gathered whole, the second hashes would add 8 bytes a claim to the
    # peak of a chunked run, which is here.
    for start in range(0, len(ids), _COMPARED_ROWS):
        rows = slice(start, start + _COMPARED_ROWS)
        if not np.array_equal(one_per_group[ids[rows]], second[rows]):
            return None
    ids[null] = -1
    return ids


_COMPARED_ROWS = 1 << 20


def _group_ids(series: Column) -> I32:
    """Equal text → equal integer (-1 for null): by hashes, else by the exact dictionary encoding."""
    ids = _ids_from_hashes(*_hashes(series))
    return _dictionary(series)[0] if ids is None else ids


@lru_cache(maxsize=4096)
def _level(text: str) -> int:
    return int(parse_level(text))


def _bool(text: str) -> int:
    key = text.lower()
    if key in _TRUE:
        return 1
    if key in _FALSE:
        return 0
    raise ValueError(text)


def _region_index(regions: list[str], value: str) -> int:
    """The index of `value`'s region code in `regions`, appended when first met (both engines)."""
    try:
        code = resolve_region(value).code
    except UnknownRegion:
        raise ValueError(value) from None
    if code not in regions:
        regions.append(code)
    return regions.index(code)


def _group_mask(group_bits: dict[str, int], value: str) -> int:
    """The bit mask of a `|`-separated list of group codes (both engines)."""
    mask = 0
    for g in (g.strip() for g in value.split("|")):
        if g and g not in group_bits:
            raise ValueError(g)
        if g:
            mask |= group_bits[g]
    return mask


def _column(df: pl.DataFrame | pa.Table, name: str) -> Column:
    """Column `name` of the claims, all null when there is none."""
    # A column read here but not named in ENGINE_COLUMNS would be read as all null from Parquet.
    assert name in ENGINE_COLUMNS, name
    if isinstance(df, pl.DataFrame):
        return df[name] if name in df.columns else _null_column(name, df.height)
    if name not in df.column_names:
        return _null_column(name, df.num_rows)
    column = df.column(name)
    # Only dictionary columns stay Arrow; the others become Series (numbers without a copy).
    keep = pa.types.is_dictionary(column.type) or name in ("person_id", "certificate_no")
    return column if keep else pl.Series(name, column)


class _Input:
    """The claims as compact typed numpy arrays, validated; a bad cell raises RequestError naming it."""

    def __init__(self, df: pl.DataFrame | pa.Table, engine: Engine) -> None:
        names = df.column_names if isinstance(df, pa.Table) else df.columns
        missing = [c for c in REQUIRED if c not in names]
        if missing:
            raise RequestError(missing[0], None, f"required column missing; columns are {', '.join(names)}")
        self.n = df.num_rows if isinstance(df, pa.Table) else df.height
        self.columns = set(names)
        col = partial(_column, df)

        self.regions: list[str] = []
        self.region = _codes(
            col("region"), "region", partial(_region_index, self.regions), "is not a known region", np.int16
        )
        if (self.region < 0).any():
            raise _fail("region", _first_bad(self.region < 0), None, "is required")
        self.date, null = _days(col("date"), "date")
        if null.any():
            raise _fail("date", _first_bad(null), None, "is required")
        program = _codes(col("program"), "program", lambda v: PROGRAMS.index(Program(v)), _one_of(Program))
        self.program = np.where(program < 0, PROGRAMS.index(Program.TRAINING), program).astype(np.int8)
        self.ctype = _codes(
            col("certificate_type"),
            "certificate_type",
            lambda v: TYPES.index(CertificateType(v)),
            _one_of(CertificateType),
        )
        if (self.ctype < 0).any():
            raise _fail("certificate_type", _first_bad(self.ctype < 0), None, "is required")

        # Occupations as written, stripped; an empty cell is none.
        indices, texts = _dictionary(col("occupation"))
        stripped = [t.strip() for t in texts]
        self.occ_values: list[str] = sorted({s for s in stripped if s})
        position = {v: i for i, v in enumerate(self.occ_values)}
        remap = np.array([position.get(s, -1) for s in stripped] + [-1], dtype=np.int32)
        self.occ: I32 = remap[indices]
        needs_occ = self.is_type(NEEDS_OCCUPATION)
        if (bad := needs_occ & (self.occ < 0)).any():
            i = _first_bad(bad)
            raise _fail("occupation", i, None, f"is required for a {TYPES[self.ctype[i]].value} certificate")

        level = _codes(col("level"), "level", _level, "must be a skill level 1–5")
        needs_level = self.is_type(NEEDS_LEVEL)
        if (bad := needs_level & (level < 0)).any():
            i = _first_bad(bad)
            raise _fail("level", i, None, f"is required for a {TYPES[self.ctype[i]].value} certificate")
        self.level: I8 = np.maximum(level, 0).astype(np.int8)

        self.issued, self.issued_null = _days(col("issued_on"), "issued_on")
        if (bad := ~self.issued_null & (self.issued > self.date)).any():
            i = _first_bad(bad)
            raise _fail("issued_on", i, _series(col("issued_on"))[i], "is after the claim date")
        self.standards_date: I32 = np.where(self.issued_null, self.date, self.issued)

        hours, online_h = _centi(col("hours"), "hours", 2), _centi(col("online_hours"), "online_hours", 2)
        minutes, online_m = (
            _centi(col("minutes"), "minutes", 0),
            _centi(col("online_minutes"), "online_minutes", 0),
        )
        in_hours = (hours >= 0) | (online_h >= 0)
        self.in_minutes = (minutes >= 0) | (online_m >= 0)
        if (bad := in_hours & self.in_minutes).any():
            i = _first_bad(bad)
            raise _fail("minutes", i, _series(col("minutes"))[i], "give class hours or minutes, not both")
        self.total = np.where(self.in_minutes, minutes, hours)
        self.online = np.where(self.in_minutes, online_m, online_h)
        if (bad := (self.total >= 0) & (self.online > self.total)).any():
            i = _first_bad(bad)
            raise _fail("online_hours", i, None, "exceeds the total")

        self.birth, self.birth_null = _days(col("birth_date"), "birth_date")
        self.sex = _codes(col("sex"), "sex", lambda v: SEXES.index(Sex(v)), "must be M or F")
        self.facts = [
            _codes(col(c), c, _bool, "must be true or false")
            for c in ("hukou_local", "social_insurance_local", "unemployment_registered")
        ]

        groups = engine.store.params.groups
        self.group_bits = {g: 1 << i for i, g in enumerate(groups)}
        self.groups = _codes(
            col("groups"),
            "groups",
            partial(_group_mask, self.group_bits),
            f"must be group codes from {', '.join(groups)}",
            np.int64,
        )
        self.held = col("held")
        self.person_id, self.certificate_no = col("person_id"), col("certificate_no")

    def is_type(self, types: frozenset[CertificateType] | set[CertificateType]) -> B:
        table = np.array([t in types for t in TYPES])
        selected: B = table[self.ctype]
        return selected

    def is_program(self, *programs: Program) -> B:
        table = np.array([p in programs for p in PROGRAMS])
        selected: B = table[self.program]
        return selected


def _factorize(key: I64) -> tuple[I64, I32]:
    """The distinct keys (sorted) and, per row, the position of its key: a dense table when the keys
    span a small range, else one hash table with only the distinct keys sorted (reason masks span
    2^30 but take a few hundred values: np.unique sorted all the rows, and `_dense`'s parts, made
    for millions of distinct persons, cost 6 times as much as one table that stays in the cache)."""
    if not len(key):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    lo, hi = int(key.min()), int(key.max())
    if hi - lo < max(1 << 22, 4 * len(key)):
        present = np.zeros(hi - lo + 1, dtype=bool)
        offset = key - lo
        present[offset] = True
        position = np.cumsum(present, dtype=np.int32) - 1
        return np.flatnonzero(present).astype(np.int64) + lo, position[offset]
    encoded = pc.dictionary_encode(pa.array(key))
    ids = encoded.indices.to_numpy()
    found = encoded.dictionary.to_numpy()
    order = np.argsort(found)
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    return found[order], rank[ids]


def _one_of(enum: Any) -> str:
    return "must be one of " + ", ".join(str(m.value) for m in enum)


def _fen(value: Value | None) -> int:
    if value is None:
        return -1
    assert isinstance(value, Decimal)
    return int(value * 100)


def _int(value: Value | None) -> int:
    if value is None:
        return -1
    assert isinstance(value, int) and not isinstance(value, bool)
    return value


def _on(_: Value | None) -> int:
    return 1


def _coded(g: Regime, name: str, convert: Callable[[Value | None], int]) -> int:
    """A check's parameter in a regime: `convert(value)` when in force, else ABSENT or NO_VALUE."""
    r = g.get(name)
    state = standing(r)
    if state is Standing.IN_FORCE:
        assert r is not None
        return convert(r.value)
    return NO_VALUE if state is Standing.NO_VALUE else ABSENT


class _Tables:
    """Per regime, every parameter the rules read, as dense arrays indexed [regime, category, level].

    `region` (indices into `regions`) and `day` (the standards date, days since 1970) are given per
    row, or per distinct pair by an engine that has already made them distinct; `row` maps each to
    its regime."""

    def __init__(
        self, regions: list[str], region: I16, day: I32, group_bits: dict[str, int], engine: Engine
    ) -> None:
        # One regime per distinct (region, standards date); rows point at it by index.
        n = len(day)
        base = int(day.min()) if n else 0
        span = int(day.max()) - base + 1 if n else 1
        key = region.astype(np.int64) * span + (day - base)
        uniq, inverse = _factorize(key)
        self.regimes: list[Regime] = []
        index: dict[int, int] = {}  # id(regime) → position; many dates share one regime
        regime_of_key = np.empty(len(uniq), dtype=np.int16)
        for i, k in enumerate(uniq.tolist()):
            regime = engine.regime(
                resolve_region(regions[k // span]), _EPOCH + timedelta(days=base + k % span)
            )
            if id(regime) not in index:
                index[id(regime)] = len(self.regimes)
                self.regimes.append(regime)
            regime_of_key[i] = index[id(regime)]
        self.row: I16 = regime_of_key[inverse]
        self.groups = list(group_bits)
        self.group_bits = group_bits
        self.params = engine.store.params
        r = len(self.regimes)
        full = np.full
        # The amount table: price[regime, certificate type, sub-key, level] in fen, -1 where no
        # standard exists. The sub-key is the category (A, B, C, none) or, for entrepreneurship,
        # the course's slot; the last slot is always empty.
        self.courses = [sorted(set(g.courses.values())) for g in self.regimes]
        self.no_slot = max([NO_CATEGORY, *(len(c) for c in self.courses)])
        self.price = full((r, len(TYPES), self.no_slot + 1, 6), -1, np.int32)
        # Beside each price, the standards' published periods on the regime's dates (_period_state).
        self.price_state = full((r, len(TYPES), self.no_slot + 1, 6), NO_PERIOD, np.int8)
        self.catalog_gap = full(r, False)
        self.cap = full(r, -1, np.int32)
        self.cap_types = full((r, len(TYPES)), True)
        self.same_as_training = full(r, False)
        self.fallback = full(r, -1, np.int32)
        self.held = full(r, ABSENT, np.int32)
        self.min_hours = full((r, 6), -1, np.int32)
        self.minutes_per_hour = full(r, -1, np.int32)
        self.online_pct = full(r, -1, np.int32)
        self.window = full(r, -1, np.int32)
        self.min_age = full(r, -1, np.int32)
        self.max_age = full((r, 2), -1, np.int32)  # [M, F]
        self.residency = full(r, ABSENT, np.int32)
        self.excluded = full(r, 0, np.int32)
        self.excluded_state = full(r, ABSENT, np.int32)
        self.has_catalog = full(r, False)
        self.has_courses = full(r, False)
        self.yearly_limit = full(r, -1, np.int32)
        for i, g in enumerate(self.regimes):
            self._fill(i, g, engine)

    def _fill(self, i: int, g: Regime, engine: Engine) -> None:
        v = g.value
        price, state = self.price[i], self.price_state[i]

        def standard(name: str) -> tuple[int, int]:
            return _fen(v(name)), _period_state(self.params, g, name)

        for c, cat in enumerate(CATEGORIES):
            for lv in range(1, 6):
                amount = standard(f"standard.skill_level.{cat}.level_{lv}")
                for t in LEVEL_TYPES:
                    price[TYPES.index(t), c, lv], state[TYPES.index(t), c, lv] = amount
            for t in (CertificateType.SPECIAL_ABILITY, CertificateType.TRAINING_QUALIFICATION):
                price[TYPES.index(t), c, :], state[TYPES.index(t), c, :] = standard(
                    f"standard.{t.value}.{cat}"
                )
        se = TYPES.index(CertificateType.SKILL_EVALUATION)
        for lv in range(1, 6):
            price[se, :, lv], state[se, :, lv] = standard(f"standard.skill_evaluation.level_{lv}")
            # ×100, like the hours
            self.min_hours[i, lv] = _coded(g, hours_minimum_name(parse_level(lv)), _fen)
        for t in (CertificateType.PRE_JOB, CertificateType.APPRENTICESHIP):
            price[TYPES.index(t)], state[TYPES.index(t)] = standard(f"standard.{t.value}")
        ent = TYPES.index(CertificateType.ENTREPRENEURSHIP)
        for slot, name in enumerate(self.courses[i]):
            price[ent, slot, :], state[ent, slot, :] = standard(name)
        price[ent, self.no_slot, :], state[ent, self.no_slot, :] = -1, NO_PERIOD
        # No catalog in force, but one published for another period (engine.gap).
        self.catalog_gap[i] = not g.catalog.in_force and _outside(
            _catalog_versions(engine.dataset, g.region), g
        )
        self.cap[i] = _fen(v("project.max_per_person"))
        covered = v("project.certificate_types")
        if isinstance(covered, tuple):
            self.cap_types[i] = [ct.value in covered for ct in TYPES]
        self.same_as_training[i] = v("project.same_as_training") is True
        fallback = v("insured_upgrade.out_of_catalog_category")
        self.fallback[i] = CATEGORIES.index(str(fallback)) if fallback is not None else -1
        self.held[i] = _coded(g, checks.HELD, _on)
        self.minutes_per_hour[i] = _coded(g, checks.MINUTES_PER_HOUR, _int)
        self.online_pct[i] = _coded(g, checks.ONLINE_MAX_PCT, _fen)
        self.window[i] = _coded(g, checks.CLAIM_WINDOW, _int)
        self.min_age[i] = _coded(g, checks.MIN_AGE, _int)
        self.max_age[i] = [_coded(g, checks.MAX_AGE[sex], _int) for sex in Sex]
        self.residency[i] = _coded(g, checks.RESIDENCY, _on)
        self.excluded_state[i] = _coded(g, checks.EXCLUDED_GROUPS, _on)
        excluded = v(checks.EXCLUDED_GROUPS)
        if self.excluded_state[i] == 1 and isinstance(excluded, tuple):
            self.excluded[i] = sum(int(self.group_bits[e]) for e in excluded)
        self.has_catalog[i] = bool(g.catalog.in_force)
        self.has_courses[i] = bool(g.courses)
        self.yearly_limit[i] = _int(v("claims.max_per_person_per_year"))


# What the published periods of a standard (or of the standards a claim tries) say on a regime's
# dates: none published, some published but none in force (outside: engine.gap), one in force. The
# periods of several standards combine by their maximum.
NO_PERIOD, OUT_OF_PERIOD, IN_PERIOD = 0, 1, 2


def _outside(versions: list[_Version], g: Regime) -> bool:
    """Versions exist and none is in force in the regime's period (every version starts or ends at
    one of the regime's breakpoints, so any day of the period gives the same answer)."""
    return _nearest(versions, g.start or date.min, "", "") is not None


def _period_state(params: Any, g: Regime, name: str) -> int:
    if name not in g.params:  # no region of the chain has it: most occupations' own standards
        return NO_PERIOD
    versions = _standard_versions(params, g.chain, [name])
    if not versions:
        return NO_PERIOD
    return OUT_OF_PERIOD if _outside(versions, g) else IN_PERIOD


_HELD_ITEM = re.compile(r"^(.+)[:：]\s*([^:：]+)$")


def _group_of() -> npt.NDArray[np.int8]:
    """The catalog lookup group of each (certificate type, programme); -1 where none is looked up."""
    table = np.full((len(TYPES), len(PROGRAMS)), -1, dtype=np.int8)
    for gi, (gt, gp) in enumerate(_GROUPS):
        for ti, ct in enumerate(TYPES):
            if ct in (LEVEL_TYPES if gt in LEVEL_TYPES else {gt}):
                for pi, p in enumerate(PROGRAMS):
                    if (p is Program.PROJECT) == (gp is Program.PROJECT):
                        table[ti, pi] = gi
    return table


GROUP_OF = _group_of()


# A catalog's answer for one occupation and lookup group: listed, category, exempt from the online
# limit, uplift (basis points), known name, listed under another spelling, and the key of the
# occupation's own standards (None when not listed).
_Listing = tuple[bool, int, bool, int, bool, bool, str | None]
# The answers per set of catalogs in force (the identities of their versions), each beside a regime
# that holds those catalogs alive: a region's periods change its parameters far more often than its
# catalogs (9 regimes, 6 sets of catalogs in the synthetic claims), and the answer reads only the
# catalogs and the dataset's names.
_Memo = dict[tuple[int, ...], tuple[Regime, dict[tuple[int, str], _Listing]]]
OWN_STANDARD = "standard.occupation."


def _listings(
    keys: I64,
    t: _Tables,
    occ_values: list[str],
    names: Any,
    memo: _Memo | None = None,
) -> tuple[B, I8, B, I32, B, B, I32, I8]:
    """Per distinct lookup key ((regime × group) × (occupations + 1) + occupation + 1; -1: none):
    listed, category, exempt from the online limit, uplift (basis points), known name, listed under
    another spelling, and the occupation's own standard per level (fen) with its published periods
    (_period_state). `memo` carries the answers from one chunk of an input to the next."""
    n_occ, u = len(occ_values), len(keys)
    occ_std = np.full((u, 6), -1, np.int32)
    occ_state = np.full((u, 6), NO_PERIOD, np.int8)
    memo = {} if memo is None else memo
    catalogs = [tuple(id(c) for c in g.catalog.effective.catalogs) for g in t.regimes]
    # Most regimes configure no occupation's own standard: none to look for, per level, per key.
    own = [any(name.startswith(OWN_STANDARD) for name in g.params) for g in t.regimes]
    none: _Listing = (False, NO_CATEGORY, False, -1, False, False, None)
    found: list[_Listing] = []
    names = _Aliases(names)
    for j, k in enumerate(keys.tolist()):
        if k < 0:
            found.append(none)
            continue
        occ = occ_values[k % (n_occ + 1) - 1]
        gi = (k // (n_occ + 1)) % len(_GROUPS)
        ri = k // (n_occ + 1) // len(_GROUPS)
        holder, answers = memo.setdefault(catalogs[ri], (t.regimes[ri], {}))
        if (answer := answers.get((gi, occ))) is None:
            answer = answers[gi, occ] = _listing(holder, gi, occ, names)
        found.append(answer)
        if own[ri] and answer[6] is not None:
            occ_std[j], occ_state[j] = _own_standards(t.regimes[ri], gi, answer[6], t.params)
    listed, cat, exempt, bp, known, other, _ = zip(*found, strict=True) if found else ((),) * 7
    return (
        np.array(listed, bool), np.array(cat, np.int8), np.array(exempt, bool),
        np.array(bp, np.int32), np.array(known, bool), np.array(other, bool), occ_std, occ_state,
    )  # fmt: skip


class _Aliases:
    """The dataset's names with each occupation's alias (`OccupationNames.alias`, a dataset-wide
    answer) found once: `look_up` asks for it whenever a catalog lists the occupation under no
    spelling given, once per regime's catalogs and lookup group (1M synthetic claims: 5,899 times
    for 1,433 occupations; the lookups took 62-66 ms instead of 76-78)."""

    def __init__(self, names: Any) -> None:
        self.names = names
        self.aliases: dict[str, Any] = {}

    def alias(self, query: str) -> Any:
        if query not in self.aliases:
            self.aliases[query] = self.names.alias(query)
        return self.aliases[query]

    def known(self, query: str) -> bool:
        return bool(self.names.known(query))


def _listing(holder: Regime, gi: int, occ: str, names: Any) -> _Listing:
    """One occupation looked up for lookup group gi in the catalogs of `holder` (any regime with
    those catalogs in force)."""
    listing = look_up(holder.catalog, names, occ, _KINDS[gi])
    entries = listing.entries
    known = names.known(occ)
    shortage = listing.uplift
    bp = int(shortage.uplift_pct * 100) if shortage is not None and shortage.uplift_pct is not None else -1
    if not entries:
        return False, NO_CATEGORY, False, bp, known, False, None
    entry = next((e for e in entries if e.category is not None), entries[0])
    category = CATEGORIES.index(entry.category.value) if entry.category else NO_CATEGORY
    exempt = Marker.ONLINE_OVER_40 in entry.markers
    return True, category, exempt, bp, known, listing.printed_as is not None, entry.code or entry.name


def _own_standards(regime: Regime, gi: int, occ_key: str, params: Any) -> tuple[list[int], list[int]]:
    """A listed occupation's own standard per level in a regime (fen, -1: none), with its published
    periods (_period_state)."""
    std, state = [-1] * 6, [NO_PERIOD] * 6
    for lv in range(1, 6) if _GROUPS[gi][0] in LEVEL_TYPES else [0]:
        name = f"{OWN_STANDARD}{occ_key}" + (f".level_{lv}" if lv else "")
        std[lv], state[lv] = _fen(regime.value(name)), _period_state(params, regime, name)
    return std, state


def _course_slots(keys: I64, t: _Tables, occ_values: list[str]) -> I8:
    """Per distinct key (regime × (occupations + 1) + occupation; -1: none), the slot of the
    entrepreneurship course named in the regime's amount table."""
    n_occ = len(occ_values)
    slot = np.full(len(keys), t.no_slot, np.int8)
    for j, k in enumerate(keys.tolist()):
        if k < 0:
            continue
        ri = k // (n_occ + 1)
        name = t.regimes[ri].courses.get(course_key(occ_values[k % (n_occ + 1)]))
        if name is not None:
            slot[j] = t.courses[ri].index(name)
    return slot


def _held_items(
    cells: list[str], identity: Callable[[str], int], first_row: Callable[[int], int]
) -> dict[int, dict[int, int]]:
    """Each distinct `held` cell parsed once: per cell, the lowest level held per occupation
    identity. A malformed item raises, naming the first row that has it."""
    items: list[tuple[int, str, str]] = []  # cell, occupation, level text
    bad_format: list[tuple[int, str]] = []
    for j, cell in enumerate(cells):
        for item in (h.strip() for h in cell.split("|")):
            if not item:
                continue
            if (m := _HELD_ITEM.match(item)) is None:
                bad_format.append((j, item))
            else:
                items.append((j, m.group(1).strip(), m.group(2).strip()))
    if bad_format:
        row, item = min((first_row(j), item) for j, item in bad_format)
        raise _fail("held", row, item, "items must be written occupation:level")
    lowest: dict[int, dict[int, int]] = {}
    bad_level: list[tuple[int, str]] = []
    for j, occ, text in items:
        try:
            level = _level(text)
        except ValueError:
            bad_level.append((j, text))
            continue
        held = lowest.setdefault(j, {})
        ident = identity(occ)
        held[ident] = min(level, held.get(ident, 9))
    if bad_level:
        row, text = min((first_row(j), text) for j, text in bad_level)
        raise _fail("held", row, text, "levels must be 1–5")
    return lowest


class _Lookups:
    """Catalog, course and identity lookups: resolved once per distinct key, gathered per row."""

    def __init__(
        self,
        x: _Input,
        t: _Tables,
        engine: Engine,
        ident_ids: dict[str, int] | None = None,
        memo: _Memo | None = None,
        held_memo: dict[str, dict[int, int]] | None = None,
    ) -> None:
        n, n_occ = x.n, len(x.occ_values)
        names = engine.names
        # Shared by the chunks of one input, so that identities compare across chunks.
        self.ident_ids: dict[str, int] = {} if ident_ids is None else ident_ids
        self.occ_ident = np.array(
            [self._ident(names.identity(o)) for o in x.occ_values] + [-1], dtype=np.int32
        )
        self.ident: I32 = self.occ_ident[x.occ]  # -1 (the sentinel at the end) for no occupation

        group = GROUP_OF.ravel().take(_cell(GROUP_OF.shape, x.ctype, x.program))
        key = np.where(
            group >= 0, (t.row.astype(np.int64) * len(_GROUPS) + group) * (n_occ + 1) + x.occ + 1, -1
        )
        uniq, inv = _factorize(key)
        listed, cat, exempt, bp, known, other, occ_std, occ_state = _listings(
            uniq, t, x.occ_values, names, memo
        )
        self.key: I32 = inv
        self.listed: B = listed[inv]
        self.category: I8 = cat[inv]
        self.exempt: B = exempt[inv]
        self.uplift_bp: I32 = bp[inv]
        self.known: B = known[inv]
        self.other_spelling: B = other[inv]
        self.occ_std_by_key = occ_std
        self.any_specific = bool((occ_std >= 0).any())
        self.occ_state_by_key = occ_state
        self.any_specific_period = bool((occ_state != NO_PERIOD).any())

        # Entrepreneurship: the slot of the course named, per regime.
        ent = x.is_type({CertificateType.ENTREPRENEURSHIP}) & (x.occ >= 0)
        uniq, inv = _factorize(np.where(ent, t.row.astype(np.int64) * (n_occ + 1) + x.occ, -1))
        self.course_slot: I8 = _course_slots(uniq, t, x.occ_values)[inv]
        self.course_matched: B = self.course_slot != t.no_slot

        # Held certificates: a row violates where it holds its own identity at its level or higher.
        indices, cells = _dictionary(x.held)
        self.held_given: B = indices >= 0
        self.held_violation = np.zeros(n, dtype=bool)
        # Each distinct cell parsed once per input (`held_memo` carries them from chunk to chunk).
        parsed = {} if held_memo is None else held_memo
        new = [j for j, cell in enumerate(cells) if cell not in parsed]
        items = _held_items(
            [cells[j] for j in new],
            lambda occ: self._ident(names.identity(occ)),
            lambda i: int(np.argmax(indices == new[i])),
        )
        for i, j in enumerate(new):
            parsed[cells[j]] = items.get(i, {})
        held = {j: per for j, cell in enumerate(cells) if (per := parsed[cell])}
        stride = len(self.ident_ids) + 1
        lowest = {j * stride + ident: lv for j, per in held.items() for ident, lv in per.items()}
        if lowest:
            keys = np.fromiter(lowest, dtype=np.int64, count=len(lowest))
            levels = np.append(np.fromiter(lowest.values(), dtype=np.int8, count=len(lowest)), np.int8(0))
            wanted = indices.astype(np.int64) * stride + self.ident
            # A hash table of the few (cell, identity) pairs held, probed per row (a binary search
            # of every row cost ~4 times as much); -1, not found, gathers the 0 appended.
            at = pc.index_in(wanted, value_set=pa.array(keys)).fill_null(-1).to_numpy()
            found = (at >= 0) & (indices >= 0) & (self.ident >= 0)
            self.held_violation = found & (levels[at] <= x.level)

    def _ident(self, identity: str) -> int:
        return self.ident_ids.setdefault(identity, len(self.ident_ids))

    def occ_std(self, level: I8) -> I32:
        std: I32 = self.occ_std_by_key[self.key, level]
        return std

    def occ_state(self, level: I8) -> I8:
        state: I8 = self.occ_state_by_key[self.key, level]
        return state


@dataclass
class _Decided:
    reasons: U32  # bit mask over CODES
    base: I64 | I32  # fen; -1 no standard
    eligible: B


# Proleptic Gregorian calendar in integer arithmetic (H. Hinnant's civil_from_days / days_from_civil):
# a few vectorised integer operations instead of numpy datetime conversions.
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _civil_each(days: npt.NDArray[np.int32] | I64) -> tuple[I64, I64, I64]:
    z = days.astype(np.int64) + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def _days_from_civil(year: I64, month: I64, day: I64) -> I64:
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days: I64 = era * 146097 + doe - 719468
    return days


def _add_months(days: npt.NDArray[np.int32], months: npt.NDArray[Any]) -> I64:
    """engine.add_months for arrays: the same day `months` later (months >= 0), or that month's last
    day; computed once per distinct pair."""
    if not len(days):
        return np.zeros(0, dtype=np.int64)
    first, span = int(days.min()), int(months.max()) + 1
    uniq, which = _factorize((days.astype(np.int64) - first) * span + months)
    shifted: I64 = _add_months_each(uniq // span + first, uniq % span)[which]
    return shifted


def _add_months_each(days: I64, months: I64) -> I64:
    year, month, day = _civil_each(days)
    total = year * 12 + month - 1 + months
    year, month = total // 12, total % 12 + 1
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    length = _MONTH_DAYS[month] + ((month == 2) & leap)
    return _days_from_civil(year, month, np.minimum(day, length))


def _ymd(days: npt.NDArray[np.int32]) -> tuple[I64, I64]:
    """Year, and month×100 + day (so birthdays compare as one number), computed once per day of the
    span the days cover (dates repeat and span a few decades: a table over the span and one gather
    each took 7 ms a million rows, numbering the distinct days first 16 ms), else per distinct day."""
    if not len(days):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    lo, hi = int(days.min()), int(days.max())
    if hi - lo < len(days):
        year, month, day = _civil_each(np.arange(lo, hi + 1, dtype=np.int64))
        at = days - np.int32(lo)
        return year[at], (month * 100 + day)[at]
    uniq, which = _factorize(days.astype(np.int64))
    year, month, day = _civil_each(uniq)
    return year[which], (month * 100 + day)[which]


def _cell(shape: tuple[int, ...], *indices: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Each row's position in a C-ordered array of `shape`, from its index on each axis (every one
    in range): a gather of the flattened array at these positions is numpy's fancy indexing of
    several axes at a quarter of the cost (the amount table, 4 axes: 2 ms a million rows, not 8)."""
    dtype = np.int32 if int(np.prod(shape)) < 1 << 31 else np.intp
    cell = indices[0].astype(dtype)
    for size, index in zip(shape[1:], indices[1:], strict=True):
        np.multiply(cell, size, out=cell)
        np.add(cell, index, out=cell)
    return cell


def _claim_checks(x: _Input, t: _Tables) -> U32:
    """The reasons of the checks that read only the claim and its regime, not the catalog: numpy
    work that runs without the GIL, so `_evaluate` runs it in a thread beside the catalog lookups."""
    r = t.row
    reasons: U32 = np.zeros(x.n, dtype=MASK)

    def flag(mask: B, code: ReasonCode) -> None:
        np.bitwise_or(reasons, mask * BIT[code], out=reasons)

    training_program = x.is_program(Program.TRAINING, Program.PROJECT)
    project = x.is_program(Program.PROJECT)
    level_type = x.is_type(LEVEL_TYPES)
    lv = x.level
    missing, lapsed = ReasonCode.INPUT_MISSING, ReasonCode.RULE_LAPSED

    # check_hours (000 · 附件1 · 备注2): the minimum itself passes; minutes at the region's 课时 length.
    minimum = t.min_hours.ravel().take(_cell(t.min_hours.shape, r, lv))
    hours_scope = training_program & level_type
    flag(hours_scope & (minimum == NO_VALUE), lapsed)
    hours_rule = hours_scope & (minimum >= 0)
    no_total = x.total < 0
    per_hour = t.minutes_per_hour[r]
    unconvertible = x.in_minutes & (per_hour < 0)
    flag(hours_rule & (no_total | unconvertible), missing)
    threshold = np.where(x.in_minutes, minimum * per_hour, minimum)
    flag(hours_rule & ~no_total & ~unconvertible & (x.total < threshold), ReasonCode.INSUFFICIENT_HOURS)

    # check_claim_window (002 · 附件4 · 7): the window's last day still passes.
    months = t.window[r]
    flag(project & (months == NO_VALUE), lapsed)
    window_rule = project & (months >= 0)
    flag(window_rule & x.issued_null, missing)
    last = _add_months(x.issued, np.maximum(months, 0))
    flag(window_rule & ~x.issued_null & (x.date > last), ReasonCode.CLAIM_WINDOW_EXPIRED)

    # check_min_age and check_max_age (002 · 二、培训对象), on the standards date.
    y1, md1 = _ymd(x.birth)
    y2, md2 = _ymd(x.standards_date)
    age = y2 - y1 - (md2 < md1)
    low = t.min_age[r]
    flag(project & (low == NO_VALUE), lapsed)
    min_rule = project & (low >= 0)
    flag(min_rule & x.birth_null, missing)
    flag(min_rule & ~x.birth_null & (age < low), ReasonCode.AGE_OUT_OF_RANGE)
    sex_known = x.sex >= 0
    high = t.max_age.ravel().take(_cell(t.max_age.shape, r, np.maximum(x.sex, 0)))
    flag(project & sex_known & (high == NO_VALUE), lapsed)
    max_rule = project & sex_known & (high >= 0)
    flag(max_rule & x.birth_null, missing)
    flag(max_rule & ~x.birth_null & (age > high), ReasonCode.AGE_OUT_OF_RANGE)
    # Without the sex: missing when either maximum is in force, else the male rule's standing
    # (the female one's where no region has a male one).
    any_high: B = np.any(t.max_age >= 0, axis=1)[r]
    flag(project & ~sex_known & any_high, missing)
    ruling = np.where(t.max_age[:, 0] != ABSENT, t.max_age[:, 0], t.max_age[:, 1])[r]
    flag(project & ~sex_known & ~any_high & (ruling == NO_VALUE), lapsed)

    # check_residency: one local fact passes, three non-local ones fail.
    residency = t.residency[r]
    flag(project & (residency == NO_VALUE), lapsed)
    residency_rule = project & (residency == 1)
    facts = np.stack(x.facts)
    local = (facts == 1).any(axis=0)
    nowhere = (facts == 0).all(axis=0)
    flag(residency_rule & nowhere, ReasonCode.RESIDENCY_REQUIRED)
    flag(residency_rule & ~local & ~nowhere, missing)

    # check_excluded_groups.
    excluded = t.excluded_state[r]
    flag(project & (excluded == NO_VALUE), lapsed)
    groups_rule = project & (excluded == 1)
    flag(groups_rule & (x.groups < 0), missing)
    flag(groups_rule & (x.groups >= 0) & ((x.groups & t.excluded[r]) != 0), ReasonCode.EXCLUDED_GROUP)

    return reasons


def _decide(x: _Input, t: _Tables, k: _Lookups, timings: dict[str, float], checked: U32) -> _Decided:
    """The catalog, the amount and the checks that read it; `checked` holds the reasons of the
    checks that read only the claim and its regime (`_claim_checks`)."""
    r = t.row
    reasons: U32 = checked

    def flag(mask: B, code: ReasonCode) -> None:
        np.bitwise_or(reasons, mask * BIT[code], out=reasons)

    training_program = x.is_program(Program.TRAINING, Program.PROJECT)
    project = x.is_program(Program.PROJECT)
    level_type = x.is_type(LEVEL_TYPES)
    catalog_type = x.is_type(CATALOG_TYPES)

    # The catalog, then what stands in for it (engine.look_up_catalog).
    cap_active = project & t.cap_types.ravel().take(_cell(t.cap_types.shape, r, x.ctype)) & (t.cap[r] >= 0)
    unlisted = catalog_type & ~k.listed & ~cap_active
    flag(unlisted & ~k.known, ReasonCode.UNKNOWN_OCCUPATION)
    open_catalog = unlisted & k.known & t.has_catalog[r]
    fallback = open_catalog & x.is_program(Program.INSURED_UPGRADE) & (t.fallback[r] >= 0)
    flag(fallback, ReasonCode.OUT_OF_CATALOG_FALLBACK)
    flag(open_catalog & ~fallback, ReasonCode.NOT_IN_CATALOG)
    flag(catalog_type & k.listed & k.other_spelling, ReasonCode.LISTED_UNDER_OTHER_SPELLING)
    entrepreneurship = x.is_type({CertificateType.ENTREPRENEURSHIP})
    flag(entrepreneurship & ~k.course_matched & t.has_courses[r], ReasonCode.UNKNOWN_OCCUPATION)
    sub = np.where(catalog_type, k.category, np.where(entrepreneurship, k.course_slot, NO_CATEGORY))
    sub[fallback] = t.fallback[r[fallback]]
    lv = x.level

    # The general rule: the standard for this certificate, one gather from the amount table; then
    # the more specific occupation standards where a region configures any.
    t0 = time.thread_time()
    cell = _cell(t.price.shape, r, x.ctype, sub, lv)  # also the periods' cell, below
    std = t.price.ravel().astype(np.int64).take(cell)
    if k.any_specific:
        specific = k.occ_std(np.where(level_type, lv, 0))
        std = np.where(catalog_type & k.listed & (specific >= 0), specific, std)
    timings["amount lookup"] = time.thread_time() - t0

    # A date outside every published period (engine.gap): no catalog in force where one is looked
    # up (and no project cap stands in for it), or no standard the claim tries has a value on the
    # date while one has a value in another period. Neither eligible nor ineligible.
    periods = t.price_state.ravel().take(cell)
    if k.any_specific_period:
        specific_period = k.occ_state(np.where(level_type, lv, 0))
        periods = np.maximum(periods, np.where(catalog_type & k.listed, specific_period, NO_PERIOD))
    priced = ~project | (~cap_active & t.same_as_training[r])
    catalog_gap = catalog_type & ~cap_active & t.catalog_gap[r]
    flag(
        catalog_gap | (priced & (std < 0) & (periods == OUT_OF_PERIOD)), ReasonCode.OUTSIDE_PUBLISHED_PERIODS
    )

    # Exceptions: the project cap (002 · 附件4 · 6) and the shortage uplift (000 · 附件3).
    higher = std > t.cap[r]
    base = np.where(cap_active, np.where(higher, std, t.cap[r]), std)
    flag(cap_active & ~higher, ReasonCode.AMOUNT_IS_MAXIMUM)
    base = np.where(project & ~cap_active & ~t.same_as_training[r], -1, base)
    uplift = (base >= 0) & training_program & level_type & (lv >= 1) & (lv <= 3) & (k.uplift_bp >= 0)
    flag(uplift, ReasonCode.SHORTAGE_UPLIFT)
    base = np.where(uplift, (base * (10000 + k.uplift_bp) + 5000) // 10000, base)

    # The checks of rules.checks, each in the scope the quote engine gives it. A parameter without
    # a value on the date leaves its check unchecked (`rule_lapsed`), whatever the inputs.
    missing, lapsed = ReasonCode.INPUT_MISSING, ReasonCode.RULE_LAPSED

    # check_held (000 · 附件1 · 备注3): a certificate held at the same or a higher level fails.
    held_scope = level_type & (lv > 0)
    flag(held_scope & (t.held[r] == NO_VALUE), lapsed)
    held_rule = held_scope & (t.held[r] == 1)
    flag(held_rule & ~k.held_given, missing)
    flag(held_rule & k.held_given & k.held_violation, ReasonCode.HIGHER_OR_SAME_LEVEL_HELD)

    no_total = x.total < 0
    # check_online_share (000 · 附件4 · 备注): the share itself passes; `*` lifts the limit; an
    # occupation not in the catalog leaves it unchecked without a reason.
    pct = t.online_pct[r]
    online_scope = training_program & catalog_type
    flag(online_scope & (pct == NO_VALUE), lapsed)
    online_rule = online_scope & k.listed & (pct >= 0) & ~k.exempt
    flag(online_rule & no_total, missing)
    flag(online_rule & ~no_total & (x.online < 0), missing)
    exceeded = x.online * 10000 > pct * x.total
    flag(online_rule & ~no_total & (x.online >= 0) & exceeded, ReasonCode.ONLINE_HOURS_EXCEEDED)

    eligible = _eligible(reasons)
    flag(eligible & (base < 0), ReasonCode.NO_STANDARD)
    return _Decided(reasons, base, eligible)


def _eligible(reasons: U32) -> B:
    """Neither a blocking reason nor a date outside every published period."""
    eligible: B = (reasons & NOT_ELIGIBLE_MASK) == 0
    return eligible


def _group_order(groups: I64, order: I64) -> tuple[I64, B]:
    """The positions of the rows that share their group with another row, sorted by group, then
    `order`, then position (every key a non-negative integer), and where each group starts. A row
    alone in its group has nothing before it and is left out: most are alone (85% of the candidates
    of the same-or-higher-level check in the synthetic claims), and the sort is the largest cost of
    the checks across claims."""
    shared = _shared(groups)
    m = len(shared)
    if not m:
        return shared, np.zeros(0, dtype=bool)
    # Dense: fewer bits for one sort key.
    groups, order = _dense(groups[shared]).astype(np.int64), order[shared]
    order = order - order.min()
    span_g, span_o = int(groups.max()) + 1, int(order.max()) + 1
    if span_g * span_o * m < 1 << 62:
        perm = np.argsort((groups * span_o + order) * m + np.arange(m))
    else:
        perm = np.lexsort((np.arange(m), order, groups))
    sorted_groups = groups[perm]
    starts = np.ones(m, dtype=bool)
    starts[1:] = sorted_groups[1:] != sorted_groups[:-1]
    return shared[perm].astype(np.int64), starts


_Keys = tuple[I32, tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], B]]


def _keys(claims: pl.DataFrame | pa.Table) -> _Keys:
    """Persons numbered and certificate numbers hashed, from the input's own columns (Polars and
    Arrow work, which runs without the GIL: `_evaluate` runs it in a thread beside reading the other
    columns)."""
    return _group_ids(_column(claims, "person_id")), _hashes(_column(claims, "certificate_no"))


@dataclass
class _Claims:
    """What the checks across claims read, per row, in compact arrays (for a whole input, also
    when it was decided chunk by chunk)."""

    columns: set[str]
    person: I32  # dense ids, -1 null
    # Certificate numbers by their two hashes (equal pairs: equal numbers, as for `person`) and null.
    certificate_no: tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], B]
    ctype: I8
    ident: I32  # occupation identity, -1 none
    idents: int
    level: I8
    issued: I32  # -1 null
    date: I32
    standards_date: I32
    held_on: B  # the same-or-higher-level rule is on in the row's regime
    yearly_limit: I32  # -1 none
    numbers_repeated: B | None = None  # `_numbers_repeated`, where it was found already

    @classmethod
    def of(cls, x: _Input, t: _Tables, k: _Lookups, keys: _Keys) -> _Claims:
        return cls(
            columns=x.columns,
            person=keys[0],
            certificate_no=keys[1],
            ctype=x.ctype,
            ident=k.ident,
            idents=len(k.ident_ids),
            level=x.level,
            issued=np.where(x.issued_null, -1, x.issued).astype(np.int32),
            date=x.date,
            standards_date=x.standards_date,
            held_on=t.held[t.row] == 1,
            yearly_limit=t.yearly_limit[t.row],
        )


_Repeated = tuple[U32 | None, list[str]]


def _numbers_repeated(
    certificate_no: tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], B], ctype: I8
) -> B:
    """Per row, whether an earlier row has the same certificate number and type (False without a
    number)."""
    first_hash, second_hash, no_number = certificate_no
    duplicate = np.zeros(len(ctype), dtype=bool)
    if not no_number.all():
        # Both hashes as the key: no dense numbering of the numbers is needed. A number whose first
        # hash no other row has is the first of its (number, type); only the rows that share their
        # first hash (1% of 1M synthetic claims) are compared on both hashes and the type. Where
        # every row has a number, the hashes are read as they are (no copy of 16 bytes a claim).
        if no_number.any():
            by_number = np.flatnonzero(~no_number)
            shared = by_number[_shared(first_hash[by_number])]
        else:
            shared = _shared(first_hash)
        if len(shared):
            numbers: dict[str, npt.NDArray[Any]] = {
                "h1": first_hash[shared],
                "h2": second_hash[shared],
                "ctype": ctype[shared],
            }
            duplicate[shared] = ~_first_distinct(numbers, first_hash[shared])
    return duplicate


def _repeated(x: _Claims) -> _Repeated:
    """The checks across claims that need no decision: the same certificate claimed twice, and a
    level claimed after the same or a higher one. Their reason bits per row (None when the input has
    neither person_id nor certificate_no) and the notes."""
    n = len(x.ctype)
    notes: list[str] = []
    if "person_id" not in x.columns and "certificate_no" not in x.columns:
        notes.append("no person_id or certificate_no column: the checks across claims were not run")
        return None, notes
    found = np.zeros(n, dtype=MASK)
    issued = x.issued
    level_type = np.array([t in LEVEL_TYPES for t in TYPES])[x.ctype]
    # The same certificate twice: by its number where given, else by who, what, level and date.
    if x.numbers_repeated is None:
        duplicate = _numbers_repeated(x.certificate_no, x.ctype)
    else:
        duplicate = x.numbers_repeated
    no_number = x.certificate_no[2]
    by_person = np.flatnonzero(no_number & (x.person >= 0))
    if len(by_person):
        person = x.person[by_person]
        claim: dict[str, npt.NDArray[Any]] = {
            "person": person,
            "ctype": x.ctype[by_person],
            "ident": x.ident[by_person],
            "level": x.level[by_person],
            "issued": issued[by_person],
        }
        duplicate[by_person] = ~_first_distinct(claim, _mix(person))
    found[duplicate] |= BIT[ReasonCode.DUPLICATE_CLAIM]

    # The same person and occupation at the same or a lower level than an earlier claim (备注3).
    if "person_id" not in x.columns:
        notes.append("no person_id column: claims of the same person were not compared")
    candidate = np.flatnonzero(level_type & (x.level > 0) & ~duplicate & (x.ident >= 0) & (x.person >= 0))
    if len(candidate):
        groups = x.person[candidate].astype(np.int64) * (x.idents + 1) + x.ident[candidate]
        perm, starts = _group_order(groups, x.standards_date[candidate].astype(np.int64))
        rows = candidate[perm]
        level = x.level[rows].astype(np.int64)
        # A running minimum that restarts with each group: shifting every group below all earlier
        # ones (levels are 1–5) lets one cumulative minimum serve for all groups at once.
        group = np.cumsum(starts) - 1
        running = np.minimum.accumulate(level - group * 8) + group * 8
        prior = np.empty_like(running)
        prior[1:] = running[:-1]
        claimed = ~starts & (prior <= level)
        hit = rows[claimed]
        found[hit[x.held_on[hit]]] |= BIT[ReasonCode.HIGHER_OR_SAME_LEVEL_CLAIMED]
    return found, notes


def _across_claims(x: _Claims, d: _Decided, repeated: _Repeated | None = None) -> list[str]:
    """The checks across claims on the decided claims `d`, changed in place; `repeated` is what
    `_repeated(x)` gave, when it ran already."""
    found, notes = repeated if repeated is not None else _repeated(x)
    if found is None:
        return notes
    d.reasons |= found

    # More claims per person per year than the region allows, counting only claims otherwise payable.
    limit = x.yearly_limit
    payable = _eligible(d.reasons)
    if (limit >= 0).any():
        year, _ = _ymd(x.date)
        counted = np.flatnonzero(payable & (limit >= 0) & (x.person >= 0))
        if len(counted):
            groups = x.person[counted].astype(np.int64) * 10_000 + year[counted]
            perm, starts = _group_order(groups, x.date[counted].astype(np.int64))
            rows = counted[perm]
            index = np.arange(len(rows))
            rank = index - np.maximum.accumulate(np.where(starts, index, 0))
            d.reasons[rows[rank >= limit[rows]]] |= BIT[ReasonCode.YEARLY_LIMIT_EXCEEDED]
            # A claim alone in its person's year is the first (rank 0): over a limit of 0 only.
            alone = np.ones(len(counted), dtype=bool)
            alone[perm] = False
            lone = counted[alone]
            d.reasons[lone[limit[lone] <= 0]] |= BIT[ReasonCode.YEARLY_LIMIT_EXCEEDED]
    else:
        notes.append(
            "claims.max_per_person_per_year has no value for any region and date in this input "
            "(no seed document sets one), so no yearly limit was applied"
        )
    d.eligible = _eligible(d.reasons)
    return notes


def _spell(mask: int) -> str:
    return "|".join(c.value for c in CODES if mask & int(BIT[c]))


@dataclass
class _Out:
    """The four output columns, each distinct amount and reason combination spelled once: per row an
    index into the spelled texts (a dictionary column), never a text per row."""

    eligible: B
    undecided: B  # eligible null
    fen: I64  # -1: null
    amounts: list[str]
    amount: I32  # index into `amounts`, -1: null
    combinations: list[str]
    reasons: I32  # index into `combinations`

    def frame(self) -> pl.DataFrame:
        amounts = pl.Series([*self.amounts, None], dtype=pl.Enum(self.amounts))
        amount = np.where(self.amount < 0, len(self.amounts), self.amount)
        return pl.DataFrame(
            {
                "eligible": pl.Series(self.eligible).set(pl.Series(self.undecided), None),
                "amount": amounts.gather(amount).cast(pl.String),
                "amount_fen": pl.Series(self.fen).set(pl.Series(self.fen < 0), None),
                "reasons": pl.Series(self.combinations, dtype=pl.Enum(self.combinations))
                .gather(self.reasons)
                .cast(pl.String),
            }
        )

    def columns(self) -> dict[str, Callable[[slice], pa.Array]]:
        """The four columns, each as Arrow arrays for a range of rows; amount and reasons as
        dictionary arrays, which the Parquet writer stores as dictionary pages as they are."""
        amounts = pa.array(self.amounts, pa.large_string())
        combinations = pa.array(self.combinations, pa.large_string())

        def amount(rows: slice) -> pa.Array:
            which = self.amount[rows]
            return pa.DictionaryArray.from_arrays(pa.array(which, mask=which < 0), amounts)

        def fen(rows: slice) -> pa.Array:
            return pa.array(self.fen[rows], mask=self.fen[rows] < 0)

        def reasons(rows: slice) -> pa.Array:
            return pa.DictionaryArray.from_arrays(pa.array(self.reasons[rows]), combinations)

        return {
            "eligible": lambda rows: pa.array(self.eligible[rows], mask=self.undecided[rows]),
            "amount": amount,
            "amount_fen": fen,
            "reasons": reasons,
        }


def _decisions(d: _Decided, notes: list[str]) -> tuple[_Out, BatchReport]:
    """The four output columns and the report."""
    reasons = d.reasons
    # The bits each row keeps, as one mask a row (masked assignments gathered and scattered ~40%
    # of the rows each): informational codes on eligible claims only, no_standard where none is.
    keep = np.where(
        d.eligible,
        np.where(d.base >= 0, ~BIT[ReasonCode.NO_STANDARD], ~MASK(0)),
        ~INFO_MASK,
    )
    np.bitwise_and(reasons, keep, out=reasons)
    no_standard = d.eligible & (d.base < 0)
    undecided = (reasons & OUTSIDE) != 0
    fen = np.where(undecided, -1, np.where(d.eligible, d.base, 0)).astype(np.int64, copy=False)
    amounts, which_amount = _factorize(fen)
    # -1 (null) sorts first; the spelled amounts are the others.
    null_first = int(len(amounts) > 0 and amounts[0] < 0)
    spelled_amounts = [f"{f // 100}.{f % 100:02d}" for f in amounts[null_first:].tolist()]
    combos, which = _factorize(reasons.astype(np.int64))
    out = _Out(
        eligible=d.eligible,
        undecided=undecided,
        fen=fen,
        amounts=spelled_amounts,
        amount=which_amount - null_first,
        combinations=[_spell(int(m)) for m in combos.tolist()],
        reasons=which,
    )
    bits = np.array([int(BIT[c]) for c in CODES], dtype=np.int64)
    per_combo = np.bincount(which, minlength=len(combos))
    counts = {
        c.value: int(per_combo[(combos & bits[i]) != 0].sum())
        for i, c in enumerate(CODES)
        if ((combos & bits[i]) != 0).any()
    }
    report = BatchReport(
        rows=len(d.eligible),
        eligible=int(d.eligible.sum()),
        without_standard=int(no_standard.sum()),
        undecided=int(undecided.sum()),
        total_fen=int(fen[d.eligible & (d.base >= 0)].sum(dtype=np.int64)),
        reason_counts=counts,
        notes=notes,
    )
    return out, report


# -- Parquet to Parquet, in chunks --------------------------------------------------------------

# A larger input is decided in chunks of half a million claims, two at a time: one read while the
# one before is decided. An input of up to two chunks is decided in one pass, which holds about as
# much and runs the checks across claims beside the rules. At 10M claims, chunks of 500k peaked at
# 134-135 bytes a claim against 141-148 for chunks of a million, in the same wall time (11.0-12.7 s
# against 11.1-11.4 s, same hour).
DEFAULT_CHUNK_ROWS = 500_000
# The text columns the engine resolves per distinct value: read from Parquet as dictionary columns,
# their distinct values are the file's dictionary pages, never hashed again row by row.
_RESOLVED_TEXT = (
    "region", "date", "program", "certificate_type", "occupation", "level", "issued_on", "held",
    "birth_date", "sex", "hukou_local", "social_insurance_local", "unemployment_registered", "groups",
)  # fmt: skip
# How the decisions are written beside the input's columns: LZ4 (1M decided claims: 0.40 s of CPU
# and 29 MB, against 0.48 s and 17 MB with zstd at level 1), no statistics (min/max of every page,
# which no reader of a decision file filters on), and no Arrow schema of their own: the output's is
# given whole (`_stored_schema`), so that dictionary columns are read back as their text.
_WRITE_OPTIONS: dict[str, Any] = {"compression": "lz4", "write_statistics": False, "store_schema": False}


def _is_text(dtype: pa.DataType) -> bool:
    return bool(pa.types.is_string(dtype) or pa.types.is_large_string(dtype))


def _open(source: Path) -> pq.ParquetFile:
    """The input, its text columns read as dictionary columns where that costs no hashing: those the
    engine resolves by value, and any other text column whose every column chunk is under 4 bytes a
    row (a plain text value takes at least its 4-byte length, so such a chunk is dictionary-encoded)."""
    metadata = pq.ParquetFile(source).metadata
    schema = metadata.schema.to_arrow_schema()
    text = [f.name for f in schema if _is_text(f.type)]
    rows = [metadata.row_group(g).num_rows for g in range(metadata.num_row_groups)]
    index = {metadata.schema.column(i).path: i for i in range(metadata.num_columns)}

    def small(name: str) -> bool:
        return all(
            metadata.row_group(g).column(index[name]).total_uncompressed_size < 4 * rows[g]
            for g in range(metadata.num_row_groups)
        )

    dictionary = [c for c in text if c in _RESOLVED_TEXT or (c in index and small(c))]
    return pq.ParquetFile(source, read_dictionary=dictionary, pre_buffer=False)


def _stored_schema(parquet: pq.ParquetFile, columns: list[str]) -> pa.Schema:
    """The Arrow schema written beside the output: the input's own types (the text of a dictionary
    column), then the four output columns."""
    schema = parquet.schema_arrow
    fields = [
        pa.field(f.name, f.type.value_type) if pa.types.is_dictionary(f.type) else f
        for f in (schema.field(c) for c in columns)
    ]
    return pa.schema(
        [
            *fields,
            pa.field("eligible", pa.bool_()),
            pa.field("amount", pa.large_string()),
            pa.field("amount_fen", pa.int64()),
            pa.field("reasons", pa.large_string()),
        ]
    )


def _arrow_schema(stored: pa.Schema) -> dict[str, str]:
    """The key-value metadata that makes Arrow readers (pyarrow, Polars) read `stored`'s types."""
    return {"ARROW:schema": base64.b64encode(stored.serialize().to_pybytes()).decode()}


def _write(source: Path, target: Path, out: _Out, stored: pa.Schema) -> None:
    """The input's columns as they are stored beside the decisions (`parquet_splice`): the input's
    column chunks copied, never decoded and encoded again. 10M claims, same hour: 1.0-1.1 s of wall
    and 1.2 s of CPU, against 6.1-6.3 s and 8.1 s when the input was read once more and written
    through pyarrow's writer, one column after another."""
    try:
        write_beside(source, target, out.columns(), metadata=_arrow_schema(stored), options=_WRITE_OPTIONS)
    except ParquetLayoutError as exc:
        raise RequestError("input", str(source), str(exc)) from None


def evaluate_file(
    source: Path,
    target: Path,
    *,
    engine: Engine | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: bool | None = None,
) -> BatchReport:
    """Decide the claims of `source` into `target`. Parquet to Parquet streams: an input of more
    than two chunks is read `chunk_rows` at a time and each chunk decided by the rules, keeping only
    what the checks across claims need (about 73 bytes a claim); those checks then run on the whole
    input. Only the columns the engine reads are read (`ENGINE_COLUMNS`); the output is every input
    column as it is stored, copied, beside the decisions (`_write`). CSV is decided in memory."""
    engine = engine or default_engine()
    if source.suffix.lower() != ".parquet" or target.suffix.lower() != ".parquet":
        result = evaluate_batch(read_claims(source), engine=engine, progress=progress)
        write_decisions(result.frame, target)
        return result.report
    parquet = _open(source)
    n = parquet.metadata.num_rows
    columns = parquet.schema_arrow.names
    out_columns = [c for c in columns if c not in OUTPUT_COLUMNS]
    stored = _stored_schema(parquet, out_columns)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise RequestError(missing[0], None, f"required column missing; columns are {', '.join(columns)}")
    read_columns = [c for c in columns if c in ENGINE_COLUMNS]
    with _reused_memory():
        if n <= 2 * chunk_rows:
            c0 = time.process_time()
            table = parquet.read(columns=read_columns)
            read = time.process_time() - c0
            out, report = _evaluate(table, engine, progress)
            report.timings = {"read": read, **report.timings}
            del table
        else:
            out, report = _in_chunks(parquet, source, columns, read_columns, engine, chunk_rows, progress)
    c0 = time.process_time()
    _write(source, target, out, stored)
    report.timings["write"] = time.process_time() - c0
    return report


def _in_chunks(
    parquet: pq.ParquetFile,
    source: Path,
    columns: list[str],
    read_columns: list[str],
    engine: Engine,
    chunk_rows: int,
    progress: bool | None,
) -> tuple[_Out, BatchReport]:
    """The decisions of an input read `chunk_rows` at a time."""
    n = parquet.metadata.num_rows
    disable = not progress if progress is not None else None
    kept = _Kept(n, columns)
    ident_ids: dict[str, int] = {}
    memo: _Memo = {}
    held_memo: dict[str, dict[int, int]] = {}
    c0 = time.process_time()
    batches = parquet.iter_batches(batch_size=chunk_rows, columns=read_columns)
    chunks = _ahead(map(partial(_prepared, kept, engine), _numbered(batches)))
    with (
        tqdm(total=n, desc=f"batch {n:,} claims", unit="claim", disable=disable) as bar,
        ThreadPoolExecutor(1) as pool,
    ):
        for offset, prepared in chunks:
            if isinstance(prepared, RequestError):
                raise _shifted(prepared, offset) from None
            x, t = prepared
            try:
                checked = pool.submit(_claim_checks, x, t)
                k = _Lookups(x, t, engine, ident_ids, memo, held_memo)
                d = _decide(x, t, k, {}, checked.result())
            except RequestError as exc:
                raise _shifted(exc, offset) from None
            kept.add(offset, x, t, k, d)
            bar.update(x.n)
            del x, t, k, d
    del chunks
    # The chunks' arrays, freed and kept for the next chunk, are of no use to the checks across
    # claims, whose arrays span the whole input (pages of their own): kept, they added about 39
    # bytes a claim to the peak at 10M claims, which is in numbering the persons.
    _free_memory_returned()
    c1 = time.process_time()
    claims, decided = kept.finish(len(ident_ids), source)
    del kept  # its columns live on in `claims` only until the checks across claims are done
    notes = _across_claims(claims, decided)
    del claims
    c2 = time.process_time()
    out, report = _decisions(decided, notes)
    report.timings = {"chunks": c1 - c0, "across claims": c2 - c1, "output": time.process_time() - c2}
    return out, report


def _ahead(items: Iterator[T]) -> Iterator[T]:
    """The items, each next one made in a thread while the caller works on the current one; one
    item more in memory."""
    with ThreadPoolExecutor(1) as pool:
        coming = pool.submit(next, items, None)
        while (item := coming.result()) is not None:
            coming = pool.submit(next, items, None)
            yield item


def _numbered(batches: Iterator[pa.RecordBatch]) -> Iterator[tuple[int, pa.Table]]:
    """Each chunk as a table, with the position of its first row in the input."""
    start = 0
    for batch in batches:
        yield start, pa.Table.from_batches([batch])
        start += batch.num_rows


_Prepared = tuple[int, "tuple[_Input, _Tables] | RequestError"]


def _prepared(kept: _Kept, engine: Engine, chunk: tuple[int, pa.Table]) -> _Prepared:
    """A chunk hashed, its columns read and its regimes built (or the error in its cells). Run in a
    thread (`_ahead`) beside the lookups and rules of the chunk before, which keep the other core:
    10M claims were decided in 6.8 s of wall instead of 9.2, same hour."""
    start, frame = chunk
    kept.hash(start, frame)
    try:
        x = _Input(frame, engine)
    except RequestError as exc:
        return start, exc
    return start, (x, _Tables(x.regions, x.region, x.standards_date, x.group_bits, engine))


def _shifted(exc: RequestError, offset: int) -> RequestError:
    """The error of a chunk, its row counted from the start of the input."""
    field = re.sub(r"\(row (\d+)\)", lambda m: f"(row {int(m.group(1)) + offset})", exc.field)
    return RequestError(field, exc.value, exc.problem)


class _Kept:
    """Per claim of a chunked input, what the checks across claims and the output need."""

    def __init__(self, n: int, columns: list[str]) -> None:
        self.columns = set(columns)
        self.reasons = np.zeros(n, dtype=MASK)
        self.base = np.zeros(n, dtype=np.int32)
        self.ctype = np.zeros(n, dtype=np.int8)
        self.level = np.zeros(n, dtype=np.int8)
        self.ident = np.zeros(n, dtype=np.int32)
        self.issued = np.zeros(n, dtype=np.int32)
        self.date = np.zeros(n, dtype=np.int32)
        self.standards_date = np.zeros(n, dtype=np.int32)
        self.held_on = np.zeros(n, dtype=bool)
        self.yearly_limit = np.zeros(n, dtype=np.int32)
        self.hashes = {
            c: (np.zeros(n, np.uint64), np.zeros(n, np.uint64), np.ones(n, bool))
            for c in ("person_id", "certificate_no")
            if c in self.columns
        }

    def add(self, offset: int, x: _Input, t: _Tables, k: _Lookups, d: _Decided) -> None:
        rows = slice(offset, offset + x.n)
        self.reasons[rows], self.base[rows] = d.reasons, d.base
        self.ctype[rows], self.level[rows], self.ident[rows] = x.ctype, x.level, k.ident
        self.issued[rows] = np.where(x.issued_null, -1, x.issued)
        self.date[rows], self.standards_date[rows] = x.date, x.standards_date
        self.held_on[rows] = t.held[t.row] == 1
        self.yearly_limit[rows] = t.yearly_limit[t.row]

    def hash(self, offset: int, chunk: pa.Table) -> None:
        """The chunk's persons and certificate numbers hashed (Polars work without the GIL, run in a
        thread beside reading the chunk's other columns; it writes only its own rows)."""
        rows = slice(offset, offset + chunk.num_rows)
        for column, (first, second, null) in self.hashes.items():
            first[rows], second[rows], null[rows] = _hashes(_column(chunk, column))

    def finish(self, idents: int, source: Path) -> tuple[_Claims, _Decided]:
        n = len(self.ctype)
        numbers = self.hashes.pop("certificate_no", None)
        if numbers is None:
            numbers = (np.zeros(n, np.uint64), np.zeros(n, np.uint64), np.ones(n, bool))
        with ThreadPoolExecutor(1) as pool:
            # Repeated numbers need no person: found beside numbering the persons (both are numpy's
            # and Arrow's work, which runs without the GIL).
            repeated = pool.submit(_numbers_repeated, numbers, self.ctype)
            if "person_id" in self.hashes:
                found = _ids_from_hashes(*self.hashes.pop("person_id"))
                # Two different values under one 64-bit hash: read the column and encode it exactly.
                if found is None:
                    person = _group_ids(pl.read_parquet(source, columns=["person_id"])["person_id"])
                else:
                    person = found
            else:
                person = np.full(n, -1, dtype=np.int32)
            numbers_repeated = repeated.result()
        claims = _Claims(
            columns=self.columns,
            person=person,
            certificate_no=numbers,
            ctype=self.ctype,
            ident=self.ident,
            idents=idents,
            level=self.level,
            issued=self.issued,
            date=self.date,
            standards_date=self.standards_date,
            held_on=self.held_on,
            yearly_limit=self.yearly_limit,
            numbers_repeated=numbers_repeated,
        )
        decided = _Decided(self.reasons, self.base, _eligible(self.reasons))
        return claims, decided
