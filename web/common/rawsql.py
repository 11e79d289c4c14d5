"""Hot-path statements written out once from a model's own table and column names (ADR 0020).

Through the ORM, building a query and reading its rows back costs about a millisecond of Python per
statement, most of a claim submission's CPU on this project's 2-core machine; the same statement
written out costs a tenth of that, and with the server's prepared statements the database's share
falls too. Only what runs on every submission or API call is written this way; everything else stays
on the ORM. The rows come back as model instances (`Model.from_db`, as the ORM builds them), so the
code that uses them does not change; a field that was not read is loaded when first used, as a
deferred field is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model

M = TypeVar("M", bound=Model)

_CONVERTERS: dict[tuple[str, type[Model], tuple[str, ...]], tuple[tuple[int, Any, tuple[Any, ...]], ...]] = {}
_INSERTS: dict[tuple[str, type[Model]], tuple[str, tuple[Any, ...]]] = {}


def attnames(model: type[Model], wanted: Sequence[str] | None = None) -> tuple[str, ...]:
    """The attnames of `wanted` fields (all concrete fields when None) in the order of the model's
    columns, the order `Model.from_db` takes values in."""
    return tuple(f.attname for f in model._meta.concrete_fields if wanted is None or f.name in wanted)


def columns(alias: str, model: type[Model], names: Sequence[str]) -> str:
    """`alias."column", …` for the attnames `names` of `model`, for a SELECT list."""
    column = {f.attname: f.column for f in model._meta.concrete_fields}
    return ", ".join(f'{alias}."{column[a]}"' for a in names)


def instance(model: type[M], names: Sequence[str], values: Sequence[Any]) -> M:
    """A model instance from a row's `values` of the attnames `names`, as a queryset builds it: each
    value through its field's converters first (the ones the ORM applies, e.g. an aware datetime and
    a Decimal from SQLite, a decoded JSON value)."""
    key = (connection.vendor, model, tuple(names))
    if key not in _CONVERTERS:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        found = []
        for n, name in enumerate(names):
            column = fields[name].get_col(model._meta.db_table)
            backend, own = connection.ops.get_db_converters(column), column.get_db_converters(connection)
            if backend or own:
                found.append((n, column, (*backend, *own)))
        _CONVERTERS[key] = tuple(found)
    converted = list(values)
    for n, column, convert_all in _CONVERTERS[key]:
        for convert in convert_all:
            converted[n] = convert(converted[n], column, connection)
    return model.from_db(connection.alias, names, converted)


def insert(obj: Model) -> None:
    """INSERT `obj` in one statement and set its primary key: what `Model.save` does for a new row
    without saving its parents or sending signals (the project's models have neither), each value
    prepared by its field as the ORM prepares it."""
    model, meta = type(obj), obj._meta
    key = (connection.vendor, model)
    if key not in _INSERTS:
        if meta.auto_field is None:
            raise TypeError(f"{model.__name__} has no automatic primary key to return")
        fields = tuple(f for f in meta.local_concrete_fields if f is not meta.auto_field)
        names = ", ".join(f'"{f.column}"' for f in fields)
        sql = (
            f'INSERT INTO "{meta.db_table}" ({names}) VALUES ({", ".join(["%s"] * len(fields))}) '
            f'RETURNING "{meta.auto_field.column}"'
        )
        _INSERTS[key] = (sql, fields)
    sql, fields = _INSERTS[key]
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = connection.alias
