"""Inserting many rows at once (a payment batch's 50,000 lines and their 50,000 audit records).

On PostgreSQL the rows go in with COPY: Django's bulk_create prepares every value of every row
through its fields and sends them as arrays quoted in Python, which costs more than the database's
own work at this size. On SQLite bulk_create is already one statement per few hundred rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, models


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert `rows`, each the values of `columns` (field attnames, e.g. `claim_id`), in order.
    Values are what the model's fields hold: JSON fields take Python values, datetimes are aware."""
    manager = model._default_manager
    connection = connections[manager.db]
    if connection.vendor != "postgresql":
        manager.bulk_create((model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=2000)
        return
    fields = {f.attname: f for f in model._meta.concrete_fields}
    json_at = [n for n, name in enumerate(columns) if isinstance(fields[name], models.JSONField)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(str(fields[name].column)) for name in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            if json_at:
                row = list(row)
                for n in json_at:
                    row[n] = json.dumps(row[n], ensure_ascii=False)
            copy.write_row(row)
