"""The batch plan as SQL on DuckDB: the same decisions and reason codes as the Polars engine
(rules/batch.py), for inputs larger than memory and for Parquet files in object storage.

The plan has the same three steps as the Polars engine's, and the first is the same code:
1. every distinct text value (regions, programmes, certificate types, levels, sexes, flags, groups,
   occupations, held certificates) and every distinct (region, standards date) and catalog lookup key
   is resolved once in Python by the functions of rules/batch.py, into small tables;
2. one SQL query joins each claim to those tables and decides it with the rules of `_claim_checks`
   and `_decide`, as integer arithmetic on a reason bit mask;
3. window functions partitioned by person (and by certificate number) run the checks across claims,
   and the decisions are written, in input order, with COPY … TO Parquet.

DuckDB reads Parquet from local paths, globs and, with its httpfs extension, s3:// and https:// URLs;
its sorts and windows spill to `temp_directory` when the input does not fit in `memory_limit`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from skillsubsidy.catalog.model import CertificateType
from skillsubsidy.rules.batch import (
    _GROUPS,
    ABSENT,
    BIT,
    CODES,
    GROUP_OF,
    INFO_MASK,
    NO_CATEGORY,
    NO_VALUE,
    NOT_ELIGIBLE_MASK,
    OUT_OF_PERIOD,
    OUTPUT_COLUMNS,
    OUTSIDE,
    PROGRAMS,
    REQUIRED,
    SEXES,
    TYPES,
    BatchReport,
    _bool,
    _course_slots,
    _fail,
    _group_mask,
    _held_items,
    _level,
    _listings,
    _one_of,
    _region_index,
    _Tables,
)
from skillsubsidy.rules.engine import Engine, default_engine
from skillsubsidy.rules.reasons import ReasonCode
from skillsubsidy.rules.request import (
    CATALOG_TYPES,
    LEVEL_TYPES,
    NEEDS_LEVEL,
    NEEDS_OCCUPATION,
    Program,
    RequestError,
    Sex,
)

_REMOTE = ("s3://", "s3a://", "gs://", "gcs://", "r2://", "http://", "https://", "az://", "abfss://")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _in(column: str, values: list[int]) -> str:
    return f"{column} IN ({', '.join(map(str, values))})" if values else "false"


def _sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


class _Plan:
    """One batch run on one DuckDB connection."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        sources: list[str],
        engine: Engine,
    ) -> None:
        self.con, self.engine = con, engine
        files = _sql_list(sources)
        csv = all(s.lower().endswith(".csv") for s in sources)
        if csv:
            # Every cell as text, an empty one as '' (no cell is ever chr(1)); `text` then makes it
            # null except in held and groups, where it means none, as in rules/batch.py read_claims.
            reader = f"read_csv({files}, all_varchar = true, header = true, nullstr = chr(1))"
        else:
            reader = f"read_parquet({files}, file_row_number = true, union_by_name = true)"
        # The input order: file by file, row by row (a CSV is read in order).
        order = "row_number() OVER () - 1" if csv else "(file_index::BIGINT << 40) + file_row_number"
        exclude = "" if csv else " EXCLUDE (file_row_number)"
        con.execute(f"CREATE TEMP VIEW src AS SELECT *{exclude}, {order} AS __row FROM {reader}")
        self.columns = [r[0] for r in con.execute("DESCRIBE SELECT * FROM src").fetchall() if r[0] != "__row"]
        self.types = {r[0]: r[1] for r in con.execute("DESCRIBE SELECT * FROM src").fetchall()}
        missing = [c for c in REQUIRED if c not in self.columns]
        if missing:
            raise RequestError(
                missing[0], None, f"required column missing; columns are {', '.join(self.columns)}"
            )
        self.csv = csv
        self.regions: list[str] = []
        self.group_bits = {g: 1 << i for i, g in enumerate(engine.store.params.groups)}

    # -- step 1: distinct values, resolved once ------------------------------------------------

    def text(self, column: str) -> str:
        """The column as text (NULL when absent); CSV cells are empty-as-null except held, groups."""
        if column not in self.columns:
            return "NULL::VARCHAR"
        value = f"src.{_q(column)}::VARCHAR"
        if self.csv and column not in ("held", "groups"):
            return f"NULLIF({value}, '')"
        return value

    def is_text(self, column: str) -> bool:
        return column in self.columns and self.types[column] == "VARCHAR"

    def first_row(self, column: str, value: str) -> int:
        row = self.con.execute(
            f"SELECT min(__row) FROM src WHERE {self.text(column)} = ?", [value]
        ).fetchone()
        assert row is not None
        return int(row[0]) & ((1 << 40) - 1) if not self.csv else int(row[0])

    def distinct(self, column: str) -> list[str]:
        rows = self.con.execute(
            f"SELECT DISTINCT {self.text(column)} AS v FROM src WHERE v IS NOT NULL"
        ).fetchall()
        return [r[0] for r in rows]

    def mapping(self, column: str, name: str, convert: Callable[[str], int], problem: str) -> str:
        """Register table `name`(value, code) for the column's distinct values; refuse a bad one."""
        values = self.distinct(column)
        codes, refused = [], []
        for v in values:
            try:
                codes.append(convert(v.strip()))
            except ValueError:
                refused.append(v)
        if refused:
            row, value = min((self.first_row(column, v), v) for v in refused)
            raise _fail(column, row, value.strip(), problem)
        self.register(name, {"value": pa.array(values, pa.string()), "code": pa.array(codes, pa.int64())})
        return name

    def register(self, name: str, columns: dict[str, Any]) -> None:
        self.con.register(name, pa.table(columns))

    def coded(self, column: str, convert: Callable[[str], int], problem: str) -> tuple[str, str]:
        """(join clause, expression) giving the column's code, -1 for null."""
        if column not in self.columns:
            return "", "-1"
        kind = self.types[column]
        if kind == "BOOLEAN" and convert is _bool:
            return "", f"coalesce(src.{_q(column)}::INTEGER, -1)"
        if kind in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT") and convert is _level:
            bad = self.con.execute(
                f"SELECT min(__row) FROM src WHERE {_q(column)} NOT BETWEEN 1 AND 5"
            ).fetchone()
            if bad is not None and bad[0] is not None:
                row = int(bad[0]) & ((1 << 40) - 1)
                value = self.con.execute(f"SELECT {_q(column)} FROM src WHERE __row = ?", [bad[0]]).fetchone()
                raise _fail(column, row, value[0] if value else None, problem)
            return "", f"coalesce(src.{_q(column)}, -1)"
        name = f"m_{column}"
        self.mapping(column, name, convert, problem)
        return (
            f" LEFT JOIN {name} ON {self.text(column)} = {name}.value",
            f"coalesce({name}.code, -1)",
        )

    def days(self, column: str) -> str:
        """Days since 1970-01-01 (NULL for null); text must be YYYY-MM-DD."""
        if column not in self.columns:
            return "NULL::INTEGER"
        kind = self.types[column]
        if kind == "DATE":
            return f"(src.{_q(column)} - DATE '1970-01-01')::INTEGER"
        if kind.startswith("TIMESTAMP"):
            return f"(src.{_q(column)}::DATE - DATE '1970-01-01')::INTEGER"
        parsed = f"try_strptime(trim({self.text(column)}), '%Y-%m-%d')::DATE"
        bad = self.con.execute(
            f"SELECT min(__row) FROM src WHERE {self.text(column)} IS NOT NULL AND {parsed} IS NULL"
        ).fetchone()
        if bad is not None and bad[0] is not None:
            value = self.con.execute(
                f"SELECT trim({self.text(column)}) FROM src WHERE __row = ?", [bad[0]]
            ).fetchone()
            raise _fail(
                column, self._row(bad[0]), value[0] if value else None, "must be a date written YYYY-MM-DD"
            )
        return f"({parsed} - DATE '1970-01-01')::INTEGER"

    def centi(self, column: str, places: int) -> str:
        """A time amount ×100 as an integer (-1 for null); refuses negatives and finer precision."""
        if column not in self.columns:
            return "-1"
        raw = f"trim({self.text(column)})" if self.types[column] == "VARCHAR" else f"src.{_q(column)}"
        number = f"TRY_CAST({raw} AS DOUBLE)"
        if self.types[column] == "VARCHAR":
            bad = self.con.execute(
                f"SELECT min(__row) FROM src WHERE {raw} IS NOT NULL AND {number} IS NULL"
            ).fetchone()
            if bad is not None and bad[0] is not None:
                value = self.con.execute(f"SELECT {raw} FROM src WHERE __row = ?", [bad[0]]).fetchone()
                raise _fail(column, self._row(bad[0]), value[0] if value else None, "must be a number")
        scaled = f"({number} * 100)"
        wrong = f"abs({scaled} - round({scaled})) > 1e-6 * greatest(1, abs({scaled})) OR round({scaled}) < 0"
        if places == 0:
            wrong += f" OR round({scaled})::BIGINT % 100 <> 0"
        bad = self.con.execute(
            f"SELECT min(__row) FROM src WHERE {number} IS NOT NULL AND ({wrong})"
        ).fetchone()
        if bad is not None and bad[0] is not None:
            value = self.con.execute(f"SELECT {raw} FROM src WHERE __row = ?", [bad[0]]).fetchone()
            what = (
                "whole minutes"
                if places == 0
                else f"a number not below 0 with at most {places} decimal places"
            )
            raise _fail(column, self._row(bad[0]), value[0] if value else None, f"must be {what}")
        return f"coalesce(round({scaled})::BIGINT, -1)"

    def _row(self, row: int) -> int:
        return row if self.csv else row & ((1 << 40) - 1)

    # -- the typed claims ----------------------------------------------------------------------

    def typed(self) -> None:
        joins, exprs = [], {}
        for column, name, convert, problem in (
            ("region", "region", partial(_region_index, self.regions), "is not a known region"),
            ("program", "program", lambda v: PROGRAMS.index(Program(v)), _one_of(Program)),
            (
                "certificate_type",
                "ctype",
                lambda v: TYPES.index(CertificateType(v)),
                _one_of(CertificateType),
            ),
            ("level", "level", _level, "must be a skill level 1–5"),
            ("sex", "sex", lambda v: SEXES.index(Sex(v)), "must be M or F"),
            ("hukou_local", "f1", _bool, "must be true or false"),
            ("social_insurance_local", "f2", _bool, "must be true or false"),
            ("unemployment_registered", "f3", _bool, "must be true or false"),
            (
                "groups",
                "groups",
                partial(_group_mask, self.group_bits),
                f"must be group codes from {', '.join(self.group_bits)}",
            ),
        ):
            join, expr = self.coded(column, convert, problem)
            joins.append(join)
            exprs[name] = expr
        # Occupations: stripped, empty is none; numbered in sorted order like the Polars engine.
        raw = self.distinct("occupation")
        self.occ_values = sorted({v.strip() for v in raw if v.strip()})
        position = {v: i for i, v in enumerate(self.occ_values)}
        self.register(
            "m_occupation",
            {
                "value": pa.array(raw, pa.string()),
                "code": pa.array([position.get(v.strip(), -1) for v in raw], pa.int64()),
            },
        )
        joins.append(f" LEFT JOIN m_occupation ON {self.text('occupation')} = m_occupation.value")
        exprs["occ"] = "coalesce(m_occupation.code, -1)"
        exprs["cday"] = self.days("date")
        exprs["issued"] = self.days("issued_on")
        exprs["birth"] = self.days("birth_date")
        hours, online_h = self.centi("hours", 2), self.centi("online_hours", 2)
        minutes, online_m = self.centi("minutes", 0), self.centi("online_minutes", 0)
        exprs["in_hours"] = f"({hours} >= 0 OR {online_h} >= 0)"
        exprs["in_minutes"] = f"({minutes} >= 0 OR {online_m} >= 0)"
        exprs["total"] = f"CASE WHEN {exprs['in_minutes']} THEN {minutes} ELSE {hours} END"
        exprs["online"] = f"CASE WHEN {exprs['in_minutes']} THEN {online_m} ELSE {online_h} END"
        exprs["held"] = self.text("held")
        exprs["person"] = self.text("person_id") if "person_id" in self.columns else "NULL::VARCHAR"
        exprs["cert_no"] = (
            self.text("certificate_no") if "certificate_no" in self.columns else "NULL::VARCHAR"
        )
        select = ", ".join(f"{e} AS {k}" for k, e in exprs.items())
        self.con.execute(f"CREATE TEMP VIEW typed0 AS SELECT src.__row, {select} FROM src{''.join(joins)}")
        self.con.execute(
            "CREATE TEMP TABLE typed AS SELECT *, "
            f"CASE WHEN program < 0 THEN {PROGRAMS.index(Program.TRAINING)} ELSE program END AS prog, "
            "greatest(level, 0) AS lv, coalesce(issued, cday) AS sd FROM typed0"
        )
        self.validate()

    def validate(self) -> None:
        """The checks of one row, in the Polars engine's order; the first failing row is named."""
        needs_occ = _in("ctype", [TYPES.index(t) for t in NEEDS_OCCUPATION])
        needs_level = _in("ctype", [TYPES.index(t) for t in NEEDS_LEVEL])
        checks: list[tuple[str, str, str, str | None]] = [
            ("region", "region < 0", "is required", None),
            ("date", "cday IS NULL", "is required", None),
            ("certificate_type", "ctype < 0", "is required", None),
            ("occupation", f"{needs_occ} AND occ < 0", "is required for a {type} certificate", None),
            ("level", f"{needs_level} AND level < 0", "is required for a {type} certificate", None),
            ("issued_on", "issued IS NOT NULL AND issued > cday", "is after the claim date", "issued_on"),
            ("minutes", "in_hours AND in_minutes", "give class hours or minutes, not both", "minutes"),
            ("online_hours", "total >= 0 AND online > total", "exceeds the total", None),
        ]
        firsts = ", ".join(f"min(CASE WHEN {cond} THEN __row END)" for _, cond, _, _ in checks)
        found = self.con.execute(f"SELECT {firsts} FROM typed").fetchone()
        assert found is not None
        for (column, _, problem, shown), row in zip(checks, found, strict=True):
            if row is None:
                continue
            value = None
            if shown is not None and shown in self.columns:
                got = self.con.execute(f"SELECT {_q(shown)} FROM src WHERE __row = ?", [row]).fetchone()
                value = got[0] if got else None
            if "{type}" in problem:
                got = self.con.execute("SELECT ctype FROM typed WHERE __row = ?", [row]).fetchone()
                problem = problem.format(type=TYPES[int(got[0])].value if got else "")
            raise _fail(column, self._row(int(row)), value, problem)

    # -- the tables of regimes and lookups -----------------------------------------------------

    def tables(self) -> None:
        pairs = self.con.execute("SELECT DISTINCT region, sd FROM typed ORDER BY 1, 2").fetchnumpy()
        region = np.asarray(pairs["region"], dtype=np.int16)
        day = np.asarray(pairs["sd"], dtype=np.int32)
        t = _Tables(self.regions, region, day, self.group_bits, self.engine)
        self.t = t
        self.register(
            "regime_of",
            {"region": pa.array(region), "sd": pa.array(day), "r": pa.array(t.row.astype(np.int32))},
        )
        r = len(t.regimes)
        ruling = np.where(t.max_age[:, 0] != ABSENT, t.max_age[:, 0], t.max_age[:, 1])
        per_regime: dict[str, Any] = {
            "r": np.arange(r, dtype=np.int32),
            "cap": t.cap,
            "same_as_training": t.same_as_training,
            "fallback": t.fallback,
            "held_rule": t.held,
            "minutes_per_hour": t.minutes_per_hour,
            "online_pct": t.online_pct,
            "win": t.window,
            "min_age": t.min_age,
            "max_age_m": t.max_age[:, 0],
            "max_age_f": t.max_age[:, 1],
            "any_high": (t.max_age >= 0).any(axis=1),
            "ruling": ruling,
            "residency": t.residency,
            "excluded": t.excluded,
            "excluded_state": t.excluded_state,
            "has_catalog": t.has_catalog,
            "catalog_gap": t.catalog_gap,
            "has_courses": t.has_courses,
            "yearly_limit": t.yearly_limit,
            **{f"min_hours_{lv}": t.min_hours[:, lv] for lv in range(6)},
        }
        self.register("regime", {k: pa.array(np.asarray(v)) for k, v in per_regime.items()})
        ri, ti, si, li = np.indices(t.price.shape).reshape(4, -1)
        self.register(
            "price",
            {
                "r": pa.array(ri.astype(np.int32)),
                "ctype": pa.array(ti.astype(np.int32)),
                "sub": pa.array(si.astype(np.int32)),
                "lv": pa.array(li.astype(np.int32)),
                "fen": pa.array(t.price.reshape(-1).astype(np.int64)),
                "period": pa.array(t.price_state.reshape(-1).astype(np.int32)),
            },
        )
        cr, ct = np.indices(t.cap_types.shape).reshape(2, -1)
        self.register(
            "cap_types",
            {
                "r": pa.array(cr.astype(np.int32)),
                "ctype": pa.array(ct.astype(np.int32)),
                "covered": pa.array(t.cap_types.reshape(-1)),
            },
        )
        gi, gp = np.indices(GROUP_OF.shape).reshape(2, -1)
        self.register(
            "lookup_group",
            {
                "ctype": pa.array(gi.astype(np.int32)),
                "prog": pa.array(gp.astype(np.int32)),
                "grp": pa.array(GROUP_OF.reshape(-1).astype(np.int32)),
            },
        )
        self.con.execute(
            "CREATE TEMP VIEW keyed AS SELECT typed.*, regime_of.r, lookup_group.grp, "
            f"CASE WHEN grp >= 0 THEN (regime_of.r * {len(_GROUPS)} + grp) * {len(self.occ_values) + 1} "
            "+ typed.occ + 1 ELSE -1 END AS lkey, "
            f"CASE WHEN typed.ctype = {TYPES.index(CertificateType.ENTREPRENEURSHIP)} AND typed.occ >= 0 "
            f"THEN regime_of.r * {len(self.occ_values) + 1} + typed.occ ELSE -1 END AS ckey "
            "FROM typed JOIN regime_of USING (region, sd) "
            "JOIN lookup_group ON lookup_group.ctype = typed.ctype AND lookup_group.prog = typed.prog"
        )
        names = self.engine.names
        keys = np.asarray(
            self.con.execute("SELECT DISTINCT lkey FROM keyed ORDER BY 1").fetchnumpy()["lkey"], np.int64
        )
        listed, cat, exempt, bp, known, other, occ_std, occ_state = _listings(keys, t, self.occ_values, names)
        self.register(
            "listing",
            {
                "lkey": pa.array(keys),
                "listed": pa.array(listed),
                "cat": pa.array(cat.astype(np.int32)),
                "exempt": pa.array(exempt),
                "bp": pa.array(bp),
                "known": pa.array(known),
                "other": pa.array(other),
                **{f"std_{lv}": pa.array(occ_std[:, lv]) for lv in range(6)},
                **{f"period_{lv}": pa.array(occ_state[:, lv].astype(np.int32)) for lv in range(6)},
            },
        )
        ckeys = np.asarray(
            self.con.execute("SELECT DISTINCT ckey FROM keyed ORDER BY 1").fetchnumpy()["ckey"], np.int64
        )
        self.register(
            "course",
            {
                "ckey": pa.array(ckeys),
                "slot": pa.array(_course_slots(ckeys, t, self.occ_values).astype(np.int32)),
            },
        )
        ident_ids: dict[str, int] = {}

        def ident(occ: str) -> int:
            return ident_ids.setdefault(names.identity(occ), len(ident_ids))

        occ_ident = [ident(o) for o in self.occ_values]
        self.register(
            "ident",
            {
                "occ": pa.array(np.arange(len(occ_ident), dtype=np.int64)),
                "ident": pa.array(occ_ident, pa.int64()),
            },
        )
        self.idents = len(ident_ids)
        cells = self.distinct("held")
        held = _held_items(cells, ident, lambda j: self.first_row("held", cells[j]))
        flat = [(cells[j], i, lv) for j, per in held.items() for i, lv in per.items()]
        self.register(
            "held_item",
            {
                "cell": pa.array([f[0] for f in flat], pa.string()),
                "ident": pa.array([f[1] for f in flat], pa.int64()),
                "lowest": pa.array([f[2] for f in flat], pa.int64()),
            },
        )

    # -- steps 2 and 3: the rules, the checks across claims, the output --------------------------

    def flags(self) -> Iterator[tuple[ReasonCode, str]]:
        """(code, condition) pairs: the rules of rules/batch.py `_claim_checks` and `_decide`, in SQL."""
        code = ReasonCode
        lapsed, missing = code.RULE_LAPSED, code.INPUT_MISSING
        yield code.UNKNOWN_OCCUPATION, "unlisted AND NOT known"
        yield code.OUT_OF_CATALOG_FALLBACK, "fallen_back"
        yield code.NOT_IN_CATALOG, "open_catalog AND NOT fallen_back"
        yield code.LISTED_UNDER_OTHER_SPELLING, "catalog_type AND listed AND other"
        yield code.UNKNOWN_OCCUPATION, f"entrepreneurship AND slot = {self.t.no_slot} AND has_courses"
        yield (
            code.OUTSIDE_PUBLISHED_PERIODS,
            "(catalog_type AND NOT cap_active AND catalog_gap) OR ((NOT project OR (NOT cap_active "
            f"AND same_as_training)) AND std < 0 AND periods = {OUT_OF_PERIOD})",
        )
        yield code.AMOUNT_IS_MAXIMUM, "cap_active AND NOT higher"
        yield code.SHORTAGE_UPLIFT, "uplift"
        # check_held
        yield lapsed, f"held_scope AND held_rule = {NO_VALUE}"
        yield missing, "held_scope AND held_rule = 1 AND held IS NULL"
        yield (
            code.HIGHER_OR_SAME_LEVEL_HELD,
            "held_scope AND held_rule = 1 AND held IS NOT NULL AND ident >= 0 AND lowest <= lv",
        )
        # check_hours
        yield lapsed, f"hours_scope AND minimum = {NO_VALUE}"
        yield missing, "hours_rule AND (total < 0 OR unconvertible)"
        yield (
            code.INSUFFICIENT_HOURS,
            "hours_rule AND total >= 0 AND NOT unconvertible AND total < "
            "CASE WHEN in_minutes THEN minimum * minutes_per_hour ELSE minimum END",
        )
        # check_online_share
        yield lapsed, f"online_scope AND online_pct = {NO_VALUE}"
        yield missing, "online_rule AND (total < 0 OR online < 0)"
        yield (
            code.ONLINE_HOURS_EXCEEDED,
            "online_rule AND total >= 0 AND online >= 0 AND online * 10000 > online_pct * total",
        )
        # check_claim_window
        yield lapsed, f"project AND win = {NO_VALUE}"
        yield missing, "project AND win >= 0 AND issued IS NULL"
        yield (
            code.CLAIM_WINDOW_EXPIRED,
            "project AND win >= 0 AND issued IS NOT NULL AND cday > "
            "((DATE '1970-01-01' + issued) + to_months(greatest(win, 0)))::DATE - DATE '1970-01-01'",
        )
        # check_min_age and check_max_age
        yield lapsed, f"project AND min_age = {NO_VALUE}"
        yield missing, "project AND min_age >= 0 AND birth IS NULL"
        yield code.AGE_OUT_OF_RANGE, "project AND min_age >= 0 AND birth IS NOT NULL AND age < min_age"
        yield lapsed, f"project AND sex >= 0 AND high = {NO_VALUE}"
        yield missing, "project AND sex >= 0 AND high >= 0 AND birth IS NULL"
        yield code.AGE_OUT_OF_RANGE, "project AND sex >= 0 AND high >= 0 AND birth IS NOT NULL AND age > high"
        yield missing, "project AND sex < 0 AND any_high"
        yield lapsed, f"project AND sex < 0 AND NOT any_high AND ruling = {NO_VALUE}"
        # check_residency
        yield lapsed, f"project AND residency = {NO_VALUE}"
        yield code.RESIDENCY_REQUIRED, "project AND residency = 1 AND f1 = 0 AND f2 = 0 AND f3 = 0"
        yield (
            missing,
            "project AND residency = 1 AND NOT (f1 = 1 OR f2 = 1 OR f3 = 1) "
            "AND NOT (f1 = 0 AND f2 = 0 AND f3 = 0)",
        )
        # check_excluded_groups
        yield lapsed, f"project AND excluded_state = {NO_VALUE}"
        yield missing, "project AND excluded_state = 1 AND groups < 0"
        yield (
            code.EXCLUDED_GROUP,
            "project AND excluded_state = 1 AND groups >= 0 AND (groups & excluded) <> 0",
        )

    def decide(self) -> None:
        def ptype(*programs: Program) -> str:
            return _in("prog", [PROGRAMS.index(p) for p in programs])

        def ctype(types: frozenset[CertificateType] | set[CertificateType]) -> str:
            return _in("keyed.ctype", sorted(TYPES.index(t) for t in types))

        self.con.execute(
            f"""
            CREATE TEMP VIEW joined AS
            SELECT keyed.*, regime.* EXCLUDE (r), cap_types.covered,
                coalesce(listing.listed, false) AS listed, coalesce(listing.cat, {NO_CATEGORY}) AS cat,
                coalesce(listing.exempt, false) AS exempt, coalesce(listing.bp, -1) AS bp,
                coalesce(listing.known, false) AS known, coalesce(listing.other, false) AS other,
                coalesce([listing.std_0, listing.std_1, listing.std_2, listing.std_3, listing.std_4,
                          listing.std_5][CASE WHEN {ctype(LEVEL_TYPES)} THEN lv ELSE 0 END + 1], -1)
                    AS specific,
                coalesce([listing.period_0, listing.period_1, listing.period_2, listing.period_3,
                          listing.period_4, listing.period_5][
                            CASE WHEN {ctype(LEVEL_TYPES)} THEN lv ELSE 0 END + 1], 0) AS specific_period,
                coalesce(course.slot, {self.t.no_slot}) AS slot, coalesce(ident.ident, -1) AS ident,
                held_item.lowest,
                [min_hours_0, min_hours_1, min_hours_2, min_hours_3, min_hours_4, min_hours_5][lv + 1]
                    AS minimum,
                CASE WHEN sex = 1 THEN max_age_f ELSE max_age_m END AS high,
                {ptype(Program.TRAINING, Program.PROJECT)} AS training_program,
                {ptype(Program.PROJECT)} AS project,
                {ctype(LEVEL_TYPES)} AS level_type,
                {ctype(CATALOG_TYPES)} AS catalog_type,
                {ctype({CertificateType.ENTREPRENEURSHIP})} AS entrepreneurship
            FROM keyed
            JOIN regime USING (r)
            JOIN cap_types ON cap_types.r = keyed.r AND cap_types.ctype = keyed.ctype
            LEFT JOIN listing USING (lkey)
            LEFT JOIN course USING (ckey)
            LEFT JOIN ident USING (occ)
            LEFT JOIN held_item ON held_item.cell = keyed.held AND held_item.ident = ident.ident
            """
        )
        self.con.execute(
            f"""
            CREATE TEMP TABLE staged AS
            WITH a AS (
                SELECT *,
                    project AND covered AND cap >= 0 AS cap_active,
                    year(DATE '1970-01-01' + sd) - year(DATE '1970-01-01' + coalesce(birth, 0))
                        - CASE WHEN month(DATE '1970-01-01' + sd) * 100 + day(DATE '1970-01-01' + sd)
                                  < month(DATE '1970-01-01' + coalesce(birth, 0)) * 100
                                    + day(DATE '1970-01-01' + coalesce(birth, 0))
                               THEN 1 ELSE 0 END AS age
                FROM joined
            ), b AS (
                SELECT *,
                    catalog_type AND NOT listed AND NOT cap_active AS unlisted,
                    catalog_type AND NOT listed AND NOT cap_active AND known AND has_catalog AS open_catalog,
                    catalog_type AND NOT listed AND NOT cap_active AND known AND has_catalog
                        AND prog = {PROGRAMS.index(Program.INSURED_UPGRADE)} AND fallback >= 0 AS fallen_back,
                    level_type AND lv > 0 AS held_scope,
                    training_program AND level_type AS hours_scope,
                    training_program AND level_type AND minimum >= 0 AS hours_rule,
                    in_minutes AND minutes_per_hour < 0 AS unconvertible,
                    training_program AND catalog_type AS online_scope,
                    training_program AND catalog_type AND listed AND online_pct >= 0 AND NOT exempt
                        AS online_rule
                FROM a
            ), c AS (
                SELECT *,
                    CASE WHEN fallen_back THEN fallback WHEN catalog_type THEN cat
                         WHEN entrepreneurship THEN slot ELSE {NO_CATEGORY} END AS sub
                FROM b
            ), d AS (
                SELECT c.*,
                    CASE WHEN catalog_type AND listed AND specific >= 0 THEN specific ELSE price.fen END
                        AS std,
                    greatest(price.period, CASE WHEN catalog_type AND listed THEN specific_period ELSE 0 END)
                        AS periods
                FROM c JOIN price ON price.r = c.r AND price.ctype = c.ctype AND price.sub = c.sub
                    AND price.lv = c.lv
            ), e AS (
                SELECT *, std > cap AS higher,
                    CASE WHEN project AND NOT cap_active AND NOT same_as_training THEN -1
                         WHEN cap_active AND std <= cap THEN cap ELSE std END AS base0
                FROM d
            ), f AS (
                SELECT *,
                    base0 >= 0 AND training_program AND level_type AND lv BETWEEN 1 AND 3 AND bp >= 0
                        AS uplift
                FROM e
            )
            -- Only what the checks across claims and the output read: the table stays narrow.
            SELECT __row, person, cert_no, ctype, ident, lv, issued, sd, cday, held_rule, yearly_limit,
                level_type,
                CASE WHEN uplift THEN (base0 * (10000 + bp) + 5000) // 10000 ELSE base0 END AS base,
                {" | ".join(f"(CASE WHEN {cond} THEN {int(BIT[c])} ELSE 0 END)" for c, cond in self.flags())}
                    AS mask0
            FROM f
            """
        )

    def across(self) -> tuple[str, list[str]]:
        notes: list[str] = []
        not_eligible = int(NOT_ELIGIBLE_MASK)
        if "person_id" not in self.columns and "certificate_no" not in self.columns:
            notes.append("no person_id or certificate_no column: the checks across claims were not run")
            return "SELECT *, mask0 AS mask FROM staged", notes
        if "person_id" not in self.columns:
            notes.append("no person_id column: claims of the same person were not compared")
        if not (self.t.yearly_limit >= 0).any():
            notes.append(
                "claims.max_per_person_per_year has no value for any region and date in this input "
                "(no seed document sets one), so no yearly limit was applied"
            )
        dup = int(BIT[ReasonCode.DUPLICATE_CLAIM])
        claimed = int(BIT[ReasonCode.HIGHER_OR_SAME_LEVEL_CLAIMED])
        yearly = int(BIT[ReasonCode.YEARLY_LIMIT_EXCEEDED])
        # Duplicates: every claim after the first (in input order) of its certificate number, or
        # without a number, of its person, type, occupation, level and issue date; hash aggregates.
        self.con.execute(
            """
            CREATE TEMP TABLE duplicate AS
            SELECT __row FROM staged WHERE cert_no IS NOT NULL
            EXCEPT SELECT min(__row) FROM staged WHERE cert_no IS NOT NULL GROUP BY ctype, cert_no
            UNION ALL (
                SELECT __row FROM staged WHERE cert_no IS NULL AND person IS NOT NULL
                EXCEPT SELECT min(__row) FROM staged WHERE cert_no IS NULL AND person IS NOT NULL
                GROUP BY person, ctype, ident, lv, coalesce(issued, -1)
            )
            """
        )
        # The same person and occupation at the same or a lower level than an earlier claim: a
        # running minimum over the candidates only, ordered by standards date then input order.
        self.con.execute(
            """
            CREATE TEMP TABLE claimed AS
            SELECT __row FROM (
                SELECT __row, lv, held_rule, min(lv) OVER (
                    PARTITION BY person, ident ORDER BY sd, __row
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prior
                FROM staged
                WHERE level_type AND lv > 0 AND ident >= 0 AND person IS NOT NULL
                    AND __row NOT IN (SELECT __row FROM duplicate)
            ) WHERE held_rule = 1 AND prior <= lv
            """
        )
        marked = f"""
            SELECT staged.*, mask0
                | CASE WHEN duplicate.__row IS NOT NULL THEN {dup} ELSE 0 END
                | CASE WHEN claimed.__row IS NOT NULL THEN {claimed} ELSE 0 END AS mask1
            FROM staged
            LEFT JOIN duplicate USING (__row)
            LEFT JOIN claimed USING (__row)
        """
        if not (self.t.yearly_limit >= 0).any():
            return f"SELECT *, mask1 AS mask FROM ({marked})", notes
        # More claims per person per year than the region allows, counting payable claims only.
        sql = f"""
            WITH i AS ({marked}), j AS (
                SELECT *, (mask1 & {not_eligible}) = 0 AND yearly_limit >= 0 AND person IS NOT NULL AS counted
                FROM i
            )
            SELECT *,
                mask1 | CASE WHEN counted AND row_number() OVER (
                    PARTITION BY counted, person, year(DATE '1970-01-01' + cday) ORDER BY cday, __row) - 1
                    >= yearly_limit THEN {yearly} ELSE 0 END AS mask
            FROM j
        """
        return sql, notes

    def output(self, target: Path) -> list[str]:
        decided, notes = self.across()
        info, no_std, outside = int(INFO_MASK), int(BIT[ReasonCode.NO_STANDARD]), int(OUTSIDE)
        not_eligible = int(NOT_ELIGIBLE_MASK)
        spelled = ", ".join(f"CASE WHEN (shown & {int(BIT[c])}) <> 0 THEN '{c.value}' END" for c in CODES)
        kept = [c for c in self.columns if c not in OUTPUT_COLUMNS]
        source_columns = ", ".join(f"src.{_q(c)}" for c in kept)
        self.con.execute(
            f"""
            CREATE TEMP TABLE decided AS
            WITH k AS ({decided}), m AS (
                SELECT __row, base, (mask & {not_eligible}) = 0 AS eligible,
                    (mask & {outside}) <> 0 AS undecided
                FROM k
            ), n AS (
                SELECT k.__row, m.eligible, m.undecided, m.base,
                    CASE WHEN m.eligible AND m.base < 0 THEN (k.mask | {no_std})
                         WHEN m.eligible THEN k.mask & ~{no_std}
                         ELSE k.mask & ~{info} END AS shown
                FROM k JOIN m USING (__row)
            )
            SELECT __row, CASE WHEN NOT undecided THEN eligible END AS eligible,
                CASE WHEN undecided THEN NULL WHEN NOT eligible THEN 0 WHEN base < 0 THEN NULL ELSE base END
                    AS amount_fen,
                concat_ws('|', {spelled}) AS reasons
            FROM n
            ORDER BY __row
            """
        )
        self.con.execute(
            f"""
            COPY (
                SELECT {source_columns}{", " if source_columns else ""}d.eligible,
                    CASE WHEN d.amount_fen IS NULL THEN NULL
                         ELSE (d.amount_fen // 100)::VARCHAR || '.'
                              || lpad((d.amount_fen % 100)::VARCHAR, 2, '0')
                    END AS amount,
                    d.amount_fen, d.reasons
                FROM src POSITIONAL JOIN decided d
            ) TO '{str(target).replace("'", "''")}' (FORMAT parquet)
            """
        )
        return notes


def evaluate_duckdb(
    sources: str | Path | list[str | Path],
    target: Path,
    *,
    engine: Engine | None = None,
    memory_limit: str | None = None,
    temp_directory: Path | None = None,
    threads: int | None = None,
) -> BatchReport:
    """Decide every claim of `sources` (Parquet files, globs or URLs; or CSV files) into the Parquet
    file `target`: the input columns, then eligible, amount, amount_fen, reasons, in input order."""
    listed = [str(s) for s in (sources if isinstance(sources, list) else [sources])]
    con = duckdb.connect(config={"preserve_insertion_order": True})
    try:
        if memory_limit:
            con.execute(f"SET memory_limit = '{memory_limit}'")
        if temp_directory:
            con.execute(f"SET temp_directory = '{str(temp_directory).replace(chr(39), '')}'")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        if any(s.startswith(_REMOTE) for s in listed):
            # DuckDB fetches its httpfs extension on first use (or finds it installed); S3 credentials
            # come from the AWS environment variables, config files or instance role when the aws
            # extension is available, else from DuckDB's s3_* settings.
            con.execute("INSTALL httpfs")
            con.execute("LOAD httpfs")
            with contextlib.suppress(duckdb.Error):
                con.execute("CREATE OR REPLACE SECRET remote (TYPE s3, PROVIDER credential_chain)")
        plan = _Plan(con, listed, engine or default_engine())
        plan.typed()
        plan.tables()
        plan.decide()
        notes = plan.output(target)
        return _report(con, target, notes)
    except duckdb.Error as exc:
        raise RequestError("input", ", ".join(listed), str(exc).splitlines()[0]) from None
    finally:
        con.close()


def _report(con: duckdb.DuckDBPyConnection, target: Path, notes: list[str]) -> BatchReport:
    path = str(target).replace("'", "''")
    row = con.execute(
        f"SELECT count(*), count(*) FILTER (eligible), count(*) FILTER (eligible AND amount_fen IS NULL), "
        f"coalesce(sum(amount_fen) FILTER (eligible), 0), count(*) FILTER (eligible IS NULL) "
        f"FROM read_parquet('{path}')"
    ).fetchone()
    assert row is not None
    counted = dict(
        con.execute(
            f"SELECT code, count(*) FROM (SELECT unnest(string_split(reasons, '|')) AS code "
            f"FROM read_parquet('{path}')) WHERE code <> '' GROUP BY code"
        ).fetchall()
    )
    counts = {c.value: int(counted[c.value]) for c in CODES if c.value in counted}
    return BatchReport(
        rows=int(row[0]),
        eligible=int(row[1]),
        without_standard=int(row[2]),
        undecided=int(row[4]),
        total_fen=int(row[3]),
        reason_counts=counts,
        notes=notes,
    )
