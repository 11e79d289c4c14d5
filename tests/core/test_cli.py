"""The `skillsubsidy` command as a user types it: clear output, clear errors, exit status 2 on bad input."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillsubsidy.cli import main

from .fixtures_tables import nantong_shortage, write_xlsx


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_search_prints_a_table_with_the_welder_first():
    result = run("catalog", "search", "hg", "--region", "南通")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["score", "code", "name"]
    assert "焊工" in lines[2] and "6-18-02-04" in lines[2]


def test_search_as_json_carries_the_source_of_each_hit():
    result = run("catalog", "search", "6-18-02-04", "--region", "320600", "--json")
    hits = json.loads(result.output)
    assert hits and all(h["code"] == "6-18-02-04" for h in hits)
    assert all(h["source"].startswith("000_d6c6a123f4673bde.txt · 附件") for h in hits)


def test_show_lists_the_welder_region_by_region():
    result = run("catalog", "show", "焊工")
    assert result.exit_code == 0
    assert "codes: 6-18-02-04" in result.output
    for region in ("南通市", "江苏省", "济南市", "广东省", "上海市"):
        assert region in result.output


def test_show_an_unknown_occupation_exits_2_with_the_nearest_names():
    result = run("catalog", "show", "焊功")
    assert result.exit_code == 2
    assert "'焊功'" in result.output and "焊工" in result.output


def test_an_unknown_region_exits_2_naming_it():
    result = run("catalog", "search", "焊工", "--region", "火星")
    assert result.exit_code == 2
    assert "unknown region '火星'" in result.output


def test_diff_of_two_catalog_ids_prints_counts():
    result = run("catalog", "diff", "jiangsu-2025", "shanghai-2026")
    assert result.exit_code == 0
    assert result.output.startswith("jiangsu-2025 → shanghai-2026: added ")


def test_diff_accepts_regions_by_name():
    result = run("catalog", "diff", "南通@2025", "江苏@2025", "--json")
    assert result.exit_code == 0
    d = json.loads(result.output)
    # Nantong's own additions (000 · 附件2) are what the province lacks.
    assert d["counts"]["removed"] > 0 and d["counts"]["added"] == 0


def test_export_writes_json_for_a_region(tmp_path):
    out = tmp_path / "nantong.json"
    result = run("catalog", "export", "nantong-2025", "--format", "json", "-o", str(out))
    assert result.exit_code == 0
    rows = json.loads(out.read_text("utf-8"))
    assert len(rows) == 4 + 10 + 22 + 7  # 000 · 附件2


def test_export_xlsx_to_stdout_is_refused_clearly():
    result = run("catalog", "export", "jiangsu-2025", "--format", "xlsx")
    assert result.exit_code == 2
    assert "--output" in result.output


def test_quality_summary_lists_each_seed():
    result = run("quality", "--summary")
    assert result.exit_code == 0
    assert "001_f43d9e28fbbbc3d8.txt" in result.output


def test_catalog_list_shows_every_catalog():
    result = run("catalog", "list", "--json")
    ids = {c["id"] for c in json.loads(result.output)}
    assert {"jiangsu-2025", "nantong-2025", "jinan-2023", "guangdong-2023", "shanghai-2026"} <= ids


def test_import_previews_a_bureau_workbook_and_writes_its_entries(tmp_path):

    book = write_xlsx(tmp_path / "南通紧缺.xlsx", nantong_shortage(), sheet="附件3")
    out = tmp_path / "out.json"
    result = run(
        "catalog", "import", str(book), "--id", "nantong-2026-shortage", "--region", "南通", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("南通紧缺.xlsx: 27 rows")  # 000 · 附件3: 27 rows
    rows = json.loads(out.read_text("utf-8"))
    assert [(r["code"], r["uplift_pct"]) for r in rows[:1]] == [("4-10-01-06", "30")]  # 序号1 家政服务员


def test_import_of_an_unsupported_file_names_it_and_exits_2(tmp_path):
    bad = tmp_path / "目录.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0")
    result = run("catalog", "import", str(bad))
    assert result.exit_code == 2
    assert "目录.xls: unsupported file type '.xls'" in result.output


def test_import_with_a_bad_mapping_names_the_column(tmp_path):

    book = write_xlsx(tmp_path / "t.xlsx", nantong_shortage())
    result = run("catalog", "import", str(book), "--map", "9=name")
    assert result.exit_code == 2
    assert "column 9" in result.output


# --- calendar ------------------------------------------------------------------------------------


def test_calendar_deadline_explains_each_day_counted_or_skipped():
    result = run("calendar", "deadline", "2025-10-09", "--working-days", "5")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "deadline: 2025-09-25 周四 (5 working days before 2025-10-09, counted back from 2025-10-08)"
    )
    assert lines[1] == "  2025-10-08  周三   skip  法定节假日：国庆节"
    assert lines[11] == "  2025-09-28  周日      3  周日，调休上班（国庆节）"
    assert lines[12] == "  2025-09-27  周六   skip  周末"
    assert lines[14] == "  2025-09-25  周四      5  工作日"
    assert lines[15:] == [
        "source: 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024-11-12）"
    ]


def test_calendar_deadline_as_json():
    result = run("calendar", "deadline", "2025-02-06", "--working-days", "5", "--json")
    out = json.loads(result.stdout)
    assert (out["start"], out["working_days"], out["deadline"]) == ("2025-02-06", 5, "2025-01-23")
    assert [d["count"] for d in out["days"]] == [1, *[None] * 8, 2, 3, None, 4, 5]


def test_calendar_workday_says_yes_or_no_and_why():
    result = run("calendar", "workday", "2025-09-28")
    assert result.stdout.splitlines()[0] == "2025-09-28 周日: yes, a working day — 周日，调休上班（国庆节）"
    result = run("calendar", "workday", "2025-10-01", "--json")
    assert json.loads(result.stdout)["reason"] == "法定节假日：国庆节"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("deadline", "2025-13-09", "--working-days", "5"),
         "error: START: '2025-13-09' is not a date; write it as YYYY-MM-DD"),
        (("deadline", "2025-10-09", "--working-days", "0"),
         "error: --working-days: must be a whole number from 1 to 250 (got 0)"),
        (("deadline", "2025-10-09", "--working-days", "five"),
         "error: --working-days: 'five' is not a whole number"),
        (("workday", "10/01/2025"), "error: DATE: '10/01/2025' is not a date; write it as YYYY-MM-DD"),
    ],
)  # fmt: skip
def test_calendar_bad_input_is_one_line_and_exit_2(args, message):
    result = run("calendar", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message + "\n")


@pytest.mark.parametrize(
    ("args", "year"),
    [(("workday", "2027-01-04"), 2027), (("deadline", "2004-01-05", "--working-days", "2"), 2003)],
)
def test_calendar_refuses_a_year_without_data(args, year):
    result = run("calendar", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: 没有{year}年的节假日安排数据（已有2004–2026年）")
    assert result.stderr.count("\n") == 1


def test_the_readme_shows_the_calendar_deadline_as_printed():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    command = "$ skillsubsidy calendar deadline 2025-10-09 --working-days 5\n"
    shown = readme.split(command, 1)[1].split("\n\n", 1)[0] + "\n"
    assert run("calendar", "deadline", "2025-10-09", "--working-days", "5").stdout == shown


def test_regions_lists_the_regions_the_catalogs_and_standards_speak_for():
    result = run("regions")
    assert result.exit_code == 0
    codes = [line.split()[0] for line in result.output.splitlines()[2:]]
    assert codes == ["310000", "320000", "320600", "370000", "370100", "440000", "440100"]


def test_regions_of_a_city_lists_its_districts():
    result = run("regions", "广州")
    assert result.exit_code == 0
    rows = [line.split() for line in result.output.splitlines()[2:]]
    assert rows[0] == ["440100", "广州市", "Guangzhou", "440000"]
    assert [r[1] for r in rows[1:]] == ["荔湾区", "越秀区", "海珠区", "天河区", "白云区", "黄埔区", "番禺区",
                                        "花都区", "南沙区", "从化区", "增城区"]  # fmt: skip


def test_regions_all_lists_the_whole_shipped_tree():
    assert len(run("regions", "--all").output.splitlines()) == 2 + 453


def test_an_ambiguous_region_exits_2_with_the_candidates():
    result = run("regions", "市中区")
    assert result.exit_code == 2
    assert "市中区 is ambiguous: 济南市市中区 370103, 枣庄市市中区 370402" in result.output


# --- imports: a command loads only what it uses -------------------------------------------------------

_LOADED = """
import sys
from skillsubsidy.cli import main
try:
    main({args!r})
except SystemExit:
    pass
heavy = ("polars", "openpyxl", "pypinyin", "rapidfuzz", "docx", "pdfplumber", "numpy")
print(" ".join(sorted(m for m in heavy if m in sys.modules)))
"""


def _heavy_modules_after(*args: str, stdin: str = "") -> list[str]:
    import subprocess
    import sys

    code = _LOADED.format(args=list(args))
    done = subprocess.run(
        [sys.executable, "-c", code], input=stdin, capture_output=True, text=True, check=True
    )
    return done.stdout.split("\n")[-2].split()


def test_help_imports_none_of_the_heavy_libraries():
    assert _heavy_modules_after("--help") == []


def test_a_quote_imports_none_of_the_heavy_libraries():
    request = {"region": "320600", "date": "2025-06-01",
               "certificate": {"type": "skill_level", "occupation": "6-18-02-04", "level": 4}}  # fmt: skip
    assert _heavy_modules_after("quote", stdin=json.dumps(request)) == []


def test_help_lists_each_lazy_command_with_its_own_first_sentence():
    import importlib

    import click

    from skillsubsidy.cli import LAZY_COMMANDS

    for name, (module, attribute, sentence) in LAZY_COMMANDS.items():
        command = getattr(importlib.import_module(module), attribute)
        assert command.name == name
        listed = click.Command(name, help=sentence)
        assert listed.get_short_help_str(1000) == command.get_short_help_str(1000)
    assert "batch     Decide every claim in INPUT (.csv or .parquet)" in run("--help").output


def test_batch_names_a_parquet_input_that_is_not_parquet(tmp_path: Path):
    (source := tmp_path / "claims.parquet").write_text("not parquet")
    result = run("batch", str(source), "-o", str(tmp_path / "out.parquet"))
    assert result.exit_code == 2
    assert result.output.startswith(f"error: input: {source}: ")
    assert "magic bytes" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out.parquet").exists()
