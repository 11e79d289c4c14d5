"""附件2 and 附件3 as workbooks in the documents' column order, 附件1 as a page and a DOCX."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from skillsubsidy.calls.call import SummaryLayout
from skillsubsidy.calls.outputs import (
    application_docx,
    application_html,
    file_name,
    summary_rows,
    summary_xlsx,
)
from skillsubsidy.catalog.dataset import source_lines

from .calls_sample import call, read, sample

SEED = "002_192cf03f49fda43c.txt"


def seed_header(first: int, last: int) -> str:
    """The column headers of a summary as the seed prints them (lines first..last, broken across lines)."""
    return "".join(line.strip() for line in source_lines(SEED)[first - 1 : last]).replace(" ", "")


def read_back(data: bytes) -> list[list[object]]:
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    return [list(row) for row in ws.iter_rows(values_only=True)]


def test_the_applicant_summary_has_the_columns_of_attachment_2_in_order() -> None:
    layout = call().forms.applicant_summary
    form = read(sample())
    rows = read_back(
        summary_xlsx(
            layout,
            summary_rows(call(), [form]),
            ["广州市天河区粤厨职业培训学校", "人社部门批复的培训机构", "李华", "13912345678"],
        )
    )
    assert "".join(str(h) for h in rows[2]) == seed_header(354, 374)
    assert rows[2] == [
        "序号",
        "拟申报职业培训项目",
        "拟申报职业（工种）",
        "拟开设培训班次",
        "拟培训人数（人）",
        "培训形式",
        "相关证书",
        "建议补贴标准（元/人）",
    ]
    assert rows[0] == [
        "“揭榜领题”机制职业技能培训项目申报汇总表（应征单位填写）",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ]
    assert rows[1][:4] == [
        "单位：（盖章）广州市天河区粤厨职业培训学校",
        "单位性质：人社部门批复的培训机构",
        "填报人：李华",
        "联系方式：13912345678",
    ]
    assert rows[3] == [
        1,
        "“粤菜师傅”中式烹调培训项目",
        "中式烹调师",
        4,
        120,
        "线上+线下（线上20%，线下80%）",
        "职业技能等级证书",
        "800",
    ]
    assert rows[4] == [
        2,
        "“粤菜师傅”中式烹调培训项目",
        "预制菜加工员",
        2,
        60,
        "线上+线下（线上20%，线下80%）",
        "培训合格证书",
        "600",
    ]


def test_the_district_summary_has_the_columns_of_attachment_3_in_order() -> None:
    layout = call().forms.district_summary
    second = sample()
    second["unit"]["name"] = "广州市黄埔区家政服务中心"
    rows = read_back(
        summary_xlsx(
            layout,
            summary_rows(call(), [read(sample()), read(second)]),
            ["天河区人力资源和社会保障局", "王强", "020-83306420"],
        )
    )
    assert "".join(str(h) for h in rows[2]) == seed_header(382, 408)
    assert rows[2][:3] == ["序号", "单位名称", "单位性质"]
    assert [(r[0], r[1], r[4]) for r in rows[3:]] == [
        (1, "广州市天河区粤厨职业培训学校", "中式烹调师"),
        (2, "广州市天河区粤厨职业培训学校", "预制菜加工员"),
        (3, "广州市黄埔区家政服务中心", "中式烹调师"),
        (4, "广州市黄埔区家政服务中心", "预制菜加工员"),
    ]


def test_the_heading_needs_one_value_per_label() -> None:
    layout: SummaryLayout = call().forms.district_summary
    with pytest.raises(ValueError) as short:
        summary_xlsx(layout, [], ["天河区人力资源和社会保障局"])
    assert str(short.value) == "heading needs 3 values (填报单位：（盖章）, 填报人：, 联系电话：)"


def test_the_file_is_named_district_unit_contact_and_phone() -> None:
    form = read(sample())
    assert (
        file_name(district="天河区", form=form, extension="docx")
        == "天河区+广州市天河区粤厨职业培训学校+李华+13912345678.docx"
    )


def test_the_printable_page_shows_every_field_group_escaped() -> None:
    data = sample()
    data["unit"]["introduction"] = "<script>x</script>培训基础"
    page = application_html(call(), read(data))
    assert "<th>统一社会信用代码</th><td>91440106MA5D00001H</td>" in page
    assert "<th>注册资金（万元）</th><td>500</td>" in page
    assert "<th>项目类别</th><td>“粤菜师傅”“南粤家政”“乡村工匠”“农村电商”</td>" in page
    assert "<th>项目承接区域</th><td>天河区、黄埔区</td>" in page
    assert "经费预算标准（元/人）：733.33；经费预算总额（元）：131999.40" in page
    assert "&lt;script&gt;x&lt;/script&gt;培训基础" in page and "<script>" not in page
    assert "@page{size:A4" in page


def test_the_docx_holds_the_same_rows_as_the_page() -> None:
    form = read(sample())
    doc = Document(io.BytesIO(application_docx(call(), form)))
    cells = [
        (t.rows[i].cells[0].text, t.rows[i].cells[1].text) for t in doc.tables for i in range(len(t.rows))
    ]
    page = application_html(call(), form)
    assert [(k, v) for k, v in cells] == [
        (k, v) for k, v in re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", page.replace("&quot;", '"'))
    ]
    assert ("项目名称", "“粤菜师傅”中式烹调培训项目") in cells
    assert ("该职业（工种）的设备情况", "1. 燃气炒炉 华厨 ×30（自有）；2. 蒸柜 粤丰 ×6（自有）") in cells
