"""`skillsubsidy call show` and `skillsubsidy call forms`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from openpyxl import load_workbook

from skillsubsidy.cli import main

from .calls_sample import sample


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_show_says_the_call_cannot_open_without_a_notice_period() -> None:
    result = run("call", "show", "guangzhou-2023")
    assert result.exit_code == 0
    assert "公示期：未设定（文件未规定公示期天数）" in result.output
    assert "  2023-08-10  应征单位向区人社部门提交附件1、附件2" in result.output
    assert "补贴上限：每名考核合格人员不超过800元" in result.output
    assert "评分细则（示例，须由市人社部门替换）：" in result.output
    assert result.output.endswith(
        "  - 评分细则仍为示例：文件未规定量化评审标准，须由市人社部门替换示例细则\n"
    )


def test_an_unknown_call_exits_2_with_one_line() -> None:
    result = run("call", "show", "nowhere")
    assert (result.exit_code, result.output) == (2, "error: no call 'nowhere'; shipped: guangzhou-2023\n")


def test_forms_writes_the_three_documents_named_as_002_asks(tmp_path: Path) -> None:
    source = tmp_path / "form.json"
    source.write_text(json.dumps(sample(), ensure_ascii=False), "utf-8")
    result = run(
        "call", "forms", "guangzhou-2023", str(source), "--district", "天河区", "--out", str(tmp_path / "out")
    )
    assert result.exit_code == 0, result.output
    stem = "天河区+广州市天河区粤厨职业培训学校+李华+13912345678"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        f"{stem}-附件2.xlsx",
        f"{stem}.docx",
        f"{stem}.html",
    ]
    ws = load_workbook(tmp_path / "out" / f"{stem}-附件2.xlsx").active
    assert ws is not None and ws.max_row == 5


def test_a_bad_form_exits_2_naming_each_field_and_value(tmp_path: Path) -> None:
    data = sample()
    data["projects"][0]["budget"]["total_fen"] = 1
    data["projects"][0]["occupations"][0]["proposed_standard_fen"] = 90000
    source = tmp_path / "form.json"
    source.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    result = run(
        "call", "forms", "guangzhou-2023", str(source), "--district", "天河区", "--out", str(tmp_path)
    )
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert (
        lines[0] == "error: projects[0].occupations[0].proposed_standard_fen: "
        "建议补贴标准不得超过每人800元（80000分）（填写值：90000）"
    )
    assert lines[1].startswith("error: projects[0].budget.total_fen: 经费预算总额应为")
    assert not list(tmp_path.glob("*.xlsx"))


def test_a_file_that_is_not_json_exits_2(tmp_path: Path) -> None:
    source = tmp_path / "form.json"
    source.write_bytes(b"\x89PNG\r\n")
    result = run(
        "call", "forms", "guangzhou-2023", str(source), "--district", "天河区", "--out", str(tmp_path)
    )
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {source}: not a JSON file")


def test_summary_merges_the_districts_applications_into_attachment_3(tmp_path: Path) -> None:
    second = sample()
    second["unit"]["name"] = "广州市天河区南粤家政服务中心"
    paths = []
    for i, data in enumerate((sample(), second)):
        paths.append(tmp_path / f"{i}.json")
        paths[-1].write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    out = tmp_path / "附件3.xlsx"
    args = ["--district", "天河区", "--filler", "王强", "--phone", "020-38000000", "--out", str(out)]
    result = run("call", "summary", "guangzhou-2023", *map(str, paths), *args)
    assert (result.exit_code, result.output) == (0, f"wrote {out}: 4 rows from 2 applications\n")
    ws = load_workbook(out).active
    assert ws is not None
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[1][:3] == [
        "填报单位：（盖章）天河区人力资源和社会保障局",
        "填报人：王强",
        "联系电话：020-38000000",
    ]
    assert [r[1] for r in rows[3:]] == ["广州市天河区粤厨职业培训学校"] * 2 + [
        "广州市天河区南粤家政服务中心"
    ] * 2


def test_summary_names_the_file_of_each_problem_and_writes_nothing(tmp_path: Path) -> None:
    bad = sample()
    bad["projects"][0]["districts"] = ["萝岗区"]
    good, wrong = tmp_path / "good.json", tmp_path / "wrong.json"
    good.write_text(json.dumps(sample(), ensure_ascii=False), "utf-8")
    wrong.write_text(json.dumps(bad, ensure_ascii=False), "utf-8")
    out = tmp_path / "附件3.xlsx"
    args = ["--district", "天河区", "--filler", "王强", "--phone", "020-38000000", "--out", str(out)]
    result = run("call", "summary", "guangzhou-2023", str(good), str(wrong), *args)
    assert result.exit_code == 2
    assert result.output == (
        "error: wrong.json: projects[0].districts[0]: "
        "萝岗区2014年撤销，并入黄埔区，现为黄埔区（440112），请改选（填写值：'萝岗区'）\n"
    )
    assert not out.exists()


def test_summary_refuses_a_district_outside_the_call(tmp_path: Path) -> None:
    source = tmp_path / "form.json"
    source.write_text(json.dumps(sample(), ensure_ascii=False), "utf-8")
    args = ["--district", "萝岗区", "--filler", "王强", "--phone", "1", "--out", str(tmp_path / "x.xlsx")]
    result = run("call", "summary", "guangzhou-2023", str(source), *args)
    assert (result.exit_code, result.output) == (
        2,
        "error: --district: '萝岗区' is not a district of 440100\n",
    )
