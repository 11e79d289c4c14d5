"""The filed result for the province (报省备案, 002 · 四（二）): one row per occupation of each accepted
project, with the standard the city set, the filing date and reference; as XLSX for the back office
and as data for the API (JSON)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from calls import selectors
from calls.models import ProjectCall
from skillsubsidy.calls.call import yuan
from skillsubsidy.calls.lifecycle import APPLICATION
from skillsubsidy.regions import all_regions

COLUMNS = (
    "序号",
    "区",
    "单位名称",
    "统一社会信用代码",
    "项目名称",
    "职业（工种）",
    "拟培训人数（人）",
    "补贴标准（元/人）",
    "目前状态",
)


def filing_rows(record: ProjectCall) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for a in selectors.filed_projects(record):
        region = all_regions().get(a.district)
        for occ in a.occupations.all():
            rows.append(
                {
                    "serial": len(rows) + 1,
                    "application": a.pk,
                    "district": a.district,
                    "district_name": region.name if region else a.district,
                    "unit": a.institution.name,
                    "uscc": a.institution.uscc,
                    "project": occ.project,
                    "occupation": occ.name,
                    "occupation_code": occ.code or None,
                    "trainees": occ.trainees,
                    "standard_fen": a.accepted_standard_fen,
                    "status": a.status,
                    "status_zh": APPLICATION.states[a.status].label_zh,
                }
            )
    return rows


def filing_xlsx(record: ProjectCall) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook has its first sheet
    ws.title = "备案"
    ws.append([f"{record.title} 入选项目备案表"])
    ws["A1"].font = Font(bold=True, size=14)
    filed = record.filed_on.isoformat() if record.filed_on else "未备案"
    ws.append([f"备案日期：{filed}", f"备案文号：{record.filing_reference or '—'}"])
    ws.append(list(COLUMNS))
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for r in filing_rows(record):
        standard = yuan(r["standard_fen"]) if r["standard_fen"] is not None else ""
        ws.append(
            [
                r["serial"],
                r["district_name"],
                r["unit"],
                r["uscc"],
                r["project"],
                r["occupation"],
                r["trainees"],
                standard,
                r["status_zh"],
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
