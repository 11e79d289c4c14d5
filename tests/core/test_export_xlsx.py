"""The XLSX download is a sheet people open in Excel (issue 8, point 9)."""

from __future__ import annotations

import io

import openpyxl

from skillsubsidy.catalog.dataset import load_dataset
from skillsubsidy.catalog.export import export_catalog


def _sheet(catalog_id: str):  # type: ignore[no-untyped-def]
    catalog = next(c for c in load_dataset().catalogs if c.id == catalog_id)
    return openpyxl.load_workbook(io.BytesIO(export_catalog(catalog, "xlsx"))).active


def test_the_header_row_is_chinese_styled_frozen_and_filtered():
    ws = _sheet("jiangsu-2025")
    header = [c.value for c in ws[1]]
    assert header[:5] == ["目录", "部分", "序号", "编码", "名称"]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    # 000 · 附件4 prints 529 occupations and 123 special abilities: 652 rows under the header.
    assert ws.auto_filter.ref == "A1:O653"


def test_columns_are_as_wide_as_their_content_up_to_a_limit():
    ws = _sheet("jiangsu-2025")
    widths = {k: v.width for k, v in ws.column_dimensions.items()}
    assert widths["C"] == 6  # 序号: the header (4) + 2
    assert widths["E"] >= 20  # names run to 19 CJK characters
    assert max(widths.values()) == 60


def test_serials_and_plain_number_codes_are_numbers_and_other_codes_stay_text():
    ws = _sheet("jiangsu-2025")
    first = [c.value for c in ws[2]]
    assert first[2:4] == [1, "2-02-07-13"]  # 附件4 line 618: serial 1, a 大典 code stays text
    last = [c.value for c in ws[653]]
    assert last[2:5] == [123, 100000169, "全民阅读推广"]  # a special ability's 9-digit code


def test_kinds_certificate_types_markers_and_sources_read_in_chinese():
    ws = _sheet("jiangsu-2025")
    first = [c.value for c in ws[2]]
    assert first[1] == "职业资格证书、职业技能等级证书"  # the section as printed, not its key
    assert first[11] == "职业技能等级证书"
    assert first[14] == (
        "南通市2025年政府补贴性职业技能培训项目及参保职工技能提升补贴基准（附件1–5） · 附件4 · "
        "职业资格证书、职业技能等级证书 · 第618行"
    )
    shortage = _sheet("jiangsu-2025-shortage")
    assert [c.value for c in shortage[2]][8] == "线上课时可超过40%"  # 附件5's leading “*”
