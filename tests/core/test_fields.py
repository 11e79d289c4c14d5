"""The one field list of catalog entries and anomalies, and the representations built from it."""

from __future__ import annotations

import csv
import json

from skillsubsidy.catalog import fields
from skillsubsidy.catalog.dataset import load_dataset, shipped_dir
from skillsubsidy.catalog.export import export_catalog


def test_the_shipped_csv_columns_are_the_field_list_in_order() -> None:
    with (shipped_dir() / "entries.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == [f.name for f in fields.ENTRY_FIELDS]
    with (shipped_dir() / "anomalies.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == [f.name for f in fields.ANOMALY_FIELDS]


def test_every_entry_and_anomaly_survives_its_typed_values() -> None:
    data = load_dataset()
    for e in data.entries():
        assert fields.entry_of(fields.values(e, fields.ENTRY_FIELDS)) == e
    for a in data.anomalies:
        assert fields.anomaly_of(fields.values(a, fields.ANOMALY_FIELDS)) == a


def test_json_values_read_back_to_the_same_entry() -> None:
    for e in load_dataset().entries():
        back = {f.name: fields.decoder(f)(fields.to_json(f, f.read(e))) for f in fields.ENTRY_FIELDS}
        assert fields.entry_of(back) == e


def test_the_export_heads_its_columns_with_the_fields_chinese_labels() -> None:
    catalog = load_dataset().catalog("shanghai-2026")
    header = export_catalog(catalog, "csv").decode("utf-8-sig").splitlines()[0]
    assert header == (
        "目录 catalog_id,部分 section,序号 serial,编码 code,名称 name,职业 occupation,工种 work_type,"
        "类别 category,标记 markers,行业分类 industry_class,类型 programmes,证书类型 certificate_type,"
        "等级 levels,上浮比例% uplift_pct,出处 source"
    )
    starred = [r for r in json.loads(export_catalog(catalog, "json")) if r["category"].endswith("*")]
    assert starred[0]["category"] in ("B*", "C*")
