"""`skillsubsidy call …`: show a call as its file sets it, and turn an applicant's 附件1 (JSON) into the
documents the call asks for. Registered on the main CLI group by cli.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from skillsubsidy.calls.call import Call, call_districts, load_call, yuan
from skillsubsidy.calls.forms import ApplicationForm, FormInvalid, catalog_lookup, read_application
from skillsubsidy.calls.outputs import (
    application_docx,
    application_html,
    file_name,
    summary_rows,
    summary_xlsx,
)
from skillsubsidy.catalog.dataset import load_dataset
from skillsubsidy.console import friendly_errors


@click.group("call")
def call_command() -> None:
    """Project calls (揭榜领题, 002): their settings and their forms."""


def _read_forms(call: Call, paths: list[Path]) -> list[ApplicationForm]:
    """Every file checked; all problems of all files printed, prefixed by the file when there are
    several, before anything is written."""
    lookup = catalog_lookup(load_dataset().effective(call.region, call.published_on))
    forms, problems = [], []
    for path in paths:
        prefix = f"{path.name}: " if len(paths) > 1 else ""
        try:
            data = json.loads(path.read_text("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(f"{path}: not a JSON file ({exc})")
            continue
        try:
            forms.append(read_application(data, call=call, catalog=lookup))
        except FormInvalid as exc:
            problems += [prefix + str(e) for e in exc.errors]
    if problems:
        for p in problems:
            click.echo(f"error: {p}", err=True)
        sys.exit(2)
    return forms


@call_command.command("show")
@click.argument("call_id")
@friendly_errors
def call_show(call_id: str) -> None:
    """What CALL_ID sets: project types, deadlines, the cap, the notice period and the rubric, and what
    the city must still set before the call may open."""
    call = load_call(call_id)
    click.echo(f"{call.title}（{call.id}，{call.region}，{call.published_on.isoformat()}）")
    click.echo("项目类别：")
    for t in call.project_types:
        click.echo(f"  {t.code:<20} {t.label_zh}")
    click.echo("截止日期：")
    for d in call.deadlines:
        click.echo(f"  {d.due_on.isoformat()}  {d.label_zh}")
    click.echo(f"补贴上限：每名考核合格人员不超过{yuan(call.max_per_trainee_fen)}元")
    click.echo(f"培训资金预算：{'未设定' if call.budget_fen is None else yuan(call.budget_fen) + '元'}")
    click.echo(
        f"公示期：{'未设定（文件未规定公示期天数）' if call.notice_days is None else f'{call.notice_days}天'}"
    )
    marker = "（示例，须由市人社部门替换）" if call.rubric.example else ""
    click.echo(f"评分细则{marker}：")
    for c in call.rubric.criteria:
        click.echo(f"  {c.label_zh}  权重{c.weight}  满分{c.max_points}  {c.description}")
    missing = call.missing_settings()
    if missing:
        click.echo("尚不能开放征集：")
        for m in missing:
            click.echo(f"  - {m}")


@call_command.command("forms")
@click.argument("call_id")
@click.argument("application", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--district", required=True, help="the district the applicant submits to (区名 of the file name)"
)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True)
@friendly_errors
def call_forms(call_id: str, application: Path, district: str, out: Path) -> None:
    """Check APPLICATION (附件1 as JSON) and write 附件1 as HTML and DOCX and 附件2 as XLSX, named as
    002 · 七（二） asks: 区名+单位名称+联系人+联系方式."""
    call = load_call(call_id)
    [form] = _read_forms(call, [application])
    out.mkdir(parents=True, exist_ok=True)
    stem = file_name(district=district, form=form, extension="x").removesuffix(".x")
    contact = form.unit.contact
    written = {
        f"{stem}.html": application_html(call, form).encode("utf-8"),
        f"{stem}.docx": application_docx(call, form),
        f"{stem}-附件2.xlsx": summary_xlsx(
            call.forms.applicant_summary,
            summary_rows(call, [form]),
            [form.unit.name, form.unit.kind.label_zh, contact.name, contact.mobile],
        ),
    }
    for name, content in written.items():
        (out / name).write_bytes(content)
        click.echo(f"wrote {out / name}")


@call_command.command("summary")
@click.argument("call_id")
@click.argument(
    "applications", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True)
)
@click.option("--district", required=True, help="the district bureau that fills in 附件3 (区名)")
@click.option("--filler", required=True, help="填报人")
@click.option("--phone", required=True, help="联系电话")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@friendly_errors
def call_summary(
    call_id: str, applications: tuple[Path, ...], district: str, filler: str, phone: str, out: Path
) -> None:
    """Merge the district's APPLICATIONS (附件1 as JSON) into 附件3, one row per occupation of each
    project, in the order given (002 · 四（一）: 合并汇总表并盖章)."""
    call = load_call(call_id)
    if district not in call_districts(call):
        raise ValueError(f"--district: {district!r} is not a district of {call.region}")
    forms = _read_forms(call, list(applications))
    layout = call.forms.district_summary
    out.write_bytes(
        summary_xlsx(layout, summary_rows(call, forms), [f"{district}人力资源和社会保障局", filler, phone])
    )
    click.echo(f"wrote {out}: {len(summary_rows(call, forms))} rows from {len(forms)} applications")
