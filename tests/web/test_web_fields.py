"""The web's catalog tables hold a column for every field of the core's field list."""

from __future__ import annotations

from catalogs import models
from skillsubsidy.catalog.fields import ANOMALY_FIELDS, ENTRY_FIELDS

# Columns that are the table's own: its place in a version, the values a correction replaced, and
# the count of corrections a write must name (ADR 0012).
OWN = {"id", "version", "position", "corrections", "revision"}


def test_the_entry_table_has_a_column_for_each_entry_field_but_the_catalog_id() -> None:
    columns = {f.name for f in models.Entry._meta.concrete_fields} - OWN
    assert columns == {f.name for f in ENTRY_FIELDS} - {"catalog_id"}


def test_the_anomaly_table_has_a_column_for_each_anomaly_field() -> None:
    columns = {f.name for f in models.Anomaly._meta.concrete_fields} - OWN
    assert columns == {f.name for f in ANOMALY_FIELDS}
