"""What a call produces on paper: 附件2 and 附件3 as XLSX in the documents' column order, 附件1 as
a printable HTML page and as DOCX, and the file name of 002 · 七（二）: 区名+单位名称+联系人+联系方式."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from skillsubsidy.calls.call import Call, SummaryLayout, yuan
from skillsubsidy.calls.forms import CERTIFICATE_LABELS, ApplicationForm, Delivery, Project

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def delivery_text(project: Project) -> str:
    if project.delivery is Delivery.MIXED:
        return f"线上+线下（线上{project.online_percent}%，线下{100 - project.online_percent}%）"
    return project.delivery.label_zh


def wan(fen: int) -> str:
    """Fen as the 万元 of 注册资金: 5_000_000_00 → 500."""
    return format((Decimal(fen) / 1_000_000).normalize(), "f")


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One row of 附件2 or 附件3: one occupation of one project."""

    serial: int
    unit: str
    unit_kind: str
    project: str
    project_type: str
    occupation: str
    classes: int
    trainees: int
    delivery: str
    certificates: str
    proposed_standard: str  # 元 per trainee, as printed
    districts: str


def summary_rows(call: Call, forms: Iterable[ApplicationForm]) -> list[SummaryRow]:
    rows: list[SummaryRow] = []
    for form in forms:
        for project in form.projects:
            for occ in project.occupations:
                rows.append(
                    SummaryRow(
                        serial=len(rows) + 1,
                        unit=form.unit.name,
                        unit_kind=form.unit.kind.label_zh,
                        project=project.name,
                        project_type=call.project_type(project.type).label_zh,
                        occupation=occ.name,
                        classes=occ.classes,
                        trainees=occ.trainees,
                        delivery=delivery_text(project),
                        certificates="、".join(CERTIFICATE_LABELS[c] for c in occ.certificates),
                        proposed_standard=yuan(occ.proposed_standard_fen),
                        districts="、".join(name for _, name in project.districts),
                    )
                )
    return rows


def summary_xlsx(layout: SummaryLayout, rows: Sequence[SummaryRow], heading_values: Sequence[str]) -> bytes:
    """The summary as a workbook: title, the heading labels with their values, then the table."""
    if len(heading_values) != len(layout.heading):
        raise ValueError(f"heading needs {len(layout.heading)} values ({', '.join(layout.heading)})")
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook always has its first sheet
    ws.title = "汇总表"
    ws.append([layout.title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"{label}{value}" for label, value in zip(layout.heading, heading_values, strict=True)])
    ws.append([c.header for c in layout.columns])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    for row in rows:
        ws.append([getattr(row, c.field) for c in layout.columns])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def file_name(*, district: str, form: ApplicationForm, extension: str) -> str:
    """区名+单位名称+联系人+联系方式 (002 · 七（二）), with characters a file system refuses removed."""
    parts = (district, form.unit.name, form.unit.contact.name, form.unit.contact.mobile)
    return "+".join(_UNSAFE.sub("", p) for p in parts) + "." + extension


def _sections(call: Call, form: ApplicationForm) -> list[tuple[str, list[tuple[str, str]]]]:
    """附件1 as headed label/value pairs in the form's order; the page and the DOCX both print these."""
    u = form.unit
    unit = [
        ("单位名称", u.name),
        ("统一社会信用代码", u.uscc),
        ("主要培训领域", u.main_fields),
        ("成立年限", f"{u.years_established}年"),
        (
            "注册资金（万元）",
            wan(u.registered_capital_fen),
        ),
        ("单位性质", u.kind.label_zh),
        ("单位法人代表", f"{u.legal_representative.name}（{u.legal_representative.title}）"),
        ("法人代表手机／电子邮箱", f"{u.legal_representative.mobile}／{u.legal_representative.email}"),
        ("单位联系人", f"{u.contact.name}（{u.contact.title}）"),
        ("联系人手机／电子邮箱", f"{u.contact.mobile}／{u.contact.email}"),
        ("单位所在地", u.address),
        ("单位网址", u.website or "无"),
        ("自有培训平台", f"有（网址：{u.own_platform_url}）" if u.own_platform_url else "无"),
        ("是否有重大违法违纪、失信记录", f"是：{u.violations_detail}" if u.violations else "否"),
        (
            "人员信息",
            f"可参与施教施训总人数{u.staff.total}人，其中教学和现场实训师资{u.staff.teaching}人，"
            f"教务{u.staff.academic_affairs}人，其他{u.staff.other}人",
        ),
        ("单位介绍", u.introduction),
    ]
    for f in u.finances:
        tax = "未填报" if f.tax_fen is None else f"{yuan(f.tax_fen)}元"
        unit.append((f"财务状况 {f.year}年", f"年收入{yuan(f.income_fen)}元，年纳税总额{tax}"))
    sections = [("一、申报主体单位基本情况", unit)]
    for i, p in enumerate(form.projects, start=1):
        rows = [
            ("项目类别", call.forms.form_type_boxes.get(p.type, call.project_type(p.type).label_zh)),
            ("项目名称", p.name),
            ("项目承接区域", "、".join(name for _, name in p.districts)),
            (
                "培训计划",
                f"计划年培训{p.plan.trainees_per_year}人，{p.plan.classes}个班次，每班{p.plan.class_size}人，"
                f"{p.plan.hours}学时；培训内容：{p.plan.content}；培训时间：{p.plan.schedule}",
            ),
            ("培训形式", delivery_text(p)),
            ("教辅材料", p.materials),
            ("职业技能标准（考核大纲）", f"{p.standard_kind.label_zh}：{p.standard}"),
            ("考核方式", p.assessment),
            ("教学平台系统", p.platform or "无"),
            ("其他", p.other or "无"),
        ]
        for o in p.occupations:
            t = o.teachers
            rows += [
                ("职业（工种）", o.name + ("" if o.in_catalog else "（目录外，培训合格证书项目）")),
                ("职业（工种）介绍", o.introduction),
                ("相关证书", "、".join(CERTIFICATE_LABELS[c] for c in o.certificates)),
                (
                    "该职业（工种）的师资信息",
                    f"总人数{t.total}，其中职称类{t.titled}、技能证书类{t.certified}、技能大师/特级技师类{t.masters}、"
                    f"职业技能等级认定考评人员类{t.assessors}、其他{t.other}",
                ),
                ("该职业（工种）的场地情况", o.premises),
                (
                    "该职业（工种）的设备情况",
                    "；".join(
                        f"{e.serial}. {e.name} {e.brand} ×{e.quantity}（{e.ownership}）" for e in o.equipment
                    )
                    or "无",
                ),
                ("单位承接该职业（工种）优势", o.strengths),
            ]
        rows += [
            ("需求分析", p.need_analysis),
            ("指导就业计划", p.employment_plan),
            (
                "经费预算",
                f"培训对象人数（人）：{p.budget.trainees}；经费预算标准（元/人）：{yuan(p.budget.standard_fen)}；"
                f"经费预算总额（元）：{yuan(p.budget.total_fen)}",
            ),
        ]
        title = "二、申报项目信息及三、申报项目有效性情况"
        sections.append((title if len(form.projects) == 1 else f"{title}（项目{i}）", rows))
    return sections


FORM_TITLE = "“揭榜领题”机制职业技能培训项目申报表"


def application_html(call: Call, form: ApplicationForm) -> str:
    """附件1 as a self-contained page that prints on A4."""
    body = []
    for heading, rows in _sections(call, form):
        body.append(f"<h2>{escape(heading)}</h2><table>")
        body += [f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows]
        body.append("</table>")
    return (
        '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
        f"<title>{escape(FORM_TITLE)}</title><style>"
        "@page{size:A4;margin:18mm}body{font-family:serif}h1{text-align:center;font-size:20pt}"
        "table{width:100%;border-collapse:collapse;margin-bottom:8mm}th,td{border:1px solid #000;padding:4px;"
        "vertical-align:top}th{width:28%;text-align:left;font-weight:normal}h2{font-size:14pt}"
        "td{white-space:pre-wrap}</style></head><body>"
        f"<p>附件1</p><h1>{escape(FORM_TITLE)}</h1>" + "".join(body) + "</body></html>"
    )


def application_docx(call: Call, form: ApplicationForm) -> bytes:
    doc = Document()
    doc.add_paragraph("附件1")
    doc.add_heading(FORM_TITLE, level=1)
    for heading, rows in _sections(call, form):
        doc.add_heading(heading, level=2)
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for k, v in rows:
            cells = table.add_row().cells
            cells[0].text = k
            cells[1].text = v
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
