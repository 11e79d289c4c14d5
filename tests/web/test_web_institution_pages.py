"""The institution catalogs end to end in the web: the back office (a district registers, inspects and
proposes; the city lists, evaluates and removes), the XLSX import, the portal's 谁能培训我 and the API.
The conditions are those of 002 · 一 / 附件4 · 8①; the city is Guangzhou (002 is its call)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import AbstractUser
from django.utils import timezone
from stdnum.cn import uscc
from web_support import client_for, make_staff

from accounts.models import Role
from accounts.services import token_create
from audit.models import AuditRecord
from institutions import services
from institutions.models import Approval, Evaluation, Institution

pytestmark = pytest.mark.django_db
RESOURCES = "institution.teaching_resources_required"
SYSTEMS = "institution.management_systems"


def code(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


WELDING_SCHOOL = code("52440106MJL1234A6")


@pytest.fixture
def guangzhou(db: None) -> AbstractUser:
    return make_staff("guangzhou", Role.CITY_BUREAU, "440100")


def today() -> date:
    return timezone.localdate()


def register(actor: Any, **over: Any) -> Institution:
    fields: dict[str, Any] = {
        "name": "广州市天河区焊接职业培训学校",
        "uscc": WELDING_SCHOOL,
        "kind": "hr_approved",
        "region": "440106",
        "address": "广州市天河区天河路1号",
        "legal_rep_name": "张三丰",
        "contact_name": "欧阳娜娜",
        "contact_phone": "13812345678",
        "legal_form": "民办非企业单位法人",
    }
    return services.institution_register(actor=actor, **{**fields, **over})


def eligible(actor: Any, **over: Any) -> Institution:
    """Registered with a valid licence, both judgements passed and approved for 焊工 level 3."""
    inst = register(actor, **over)
    services.basis_add(
        institution=inst,
        actor=actor,
        kind="licence",
        issuer="广州市人社部门",
        text="焊工 五级至三级",
        today=today(),
    )
    for rule in (RESOURCES, SYSTEMS):
        services.finding_record(
            institution=inst, actor=actor, rule=rule, outcome="passed", evidence="实地核查"
        )
    services.approval_add(
        institution=inst,
        actor=actor,
        role="training",
        occupation="焊工",
        level=3,
        valid_from=date(2025, 1, 1),
    )
    return inst


def move(inst: Institution, actor: Any, *actions: str) -> Institution:
    for action in actions:
        inst = services.institution_move(
            institution=inst, actor=actor, action=action, reason="依据材料", today=today()
        )
    return inst


def listed(district: Any, city: Any, **over: Any) -> Institution:
    inst = move(eligible(district, **over), district, "review", "propose")
    return move(inst, city, "list")


# --- back office --------------------------------------------------------------------------------


def test_a_district_registers_through_the_form_and_lands_on_the_detail_page(tianhe_staff: Any) -> None:
    client = client_for(tianhe_staff)
    response = client.post(
        "/office/institutions/new/",
        {
            "name": "广州市天河区焊接职业培训学校",
            "uscc": WELDING_SCHOOL,
            "kind": "hr_approved",
            "region": "440106",
            "address": "广州市天河区天河路1号",
            "legal_rep_name": "张三丰",
            "contact_name": "欧阳娜娜",
            "contact_phone": "138 1234 5678",
            "legal_form": "民办非企业单位法人",
        },
    )
    inst = Institution.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/office/institutions/{inst.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "已登记" in page and "人社部门批复的培训机构" in page
    # Each condition in Chinese with its outcome; no rule id or state code on screen.
    assert "<td>具有独立法人资格</td><td>通过</td>" in page
    assert "<td>具备相应的师资、设施和场地</td><td>未核验</td>" in page
    assert "<td>培训资质：办学许可、经营范围或培训基地</td><td>不通过</td>" in page
    assert ">institution." not in page and ">applied<" not in page  # values of options are not shown
    # The source sentence of each condition, its document named by its printed title.
    assert "《广州市人力资源和社会保障局关于征集“揭榜领题”职业技能培训项目的通知》 · 附件4" in page
    assert '<button type="submit" name="action" value="review">开始审核</button>' in page
    assert 'value="list"' not in page  # the district cannot list


def test_a_stored_code_that_is_not_valid_is_shown_as_stored_and_flagged_not_a_500(tianhe_staff: Any) -> None:
    # The services refuse such a code; a record stored before they did (17 characters, as
    # claims_world once wrote) must still be shown, and its conditions not passed on it.
    inst = register(tianhe_staff)
    short = WELDING_SCHOOL[:17]
    Institution.objects.filter(pk=inst.pk).update(uscc=short)
    client = client_for(tianhe_staff)
    page = client.get(f"/office/institutions/{inst.pk}/")
    assert page.status_code == 200
    shown = page.content.decode()
    flag = '<strong class="invalid-code">（不是有效的统一社会信用代码：应为18位）</strong>'
    assert f"{short} {flag}" in shown
    said = f"统一社会信用代码“{short}”无效（应为18位），无法据此核验，请更正代码"
    assert f"<td>具有独立法人资格</td><td>未核验</td><td>{said}</td>" in shown
    assert f"<td>在本地依法注册或登记</td><td>未核验</td><td>{said}</td>" in shown
    english = client.get(f"/en/office/institutions/{inst.pk}/")
    assert english.status_code == 200
    assert "(not a valid credit code: it should have 18 characters)" in english.content.decode()


def test_a_refused_registration_names_the_field_and_the_value(tianhe_staff: Any) -> None:
    bad = WELDING_SCHOOL[:-1] + ("Y" if WELDING_SCHOOL[-1] != "Y" else "X")
    response = client_for(tianhe_staff).post(
        "/office/institutions/new/",
        {
            "name": "甲",
            "uscc": bad,
            "kind": "hr_approved",
            "region": "440106",
            "address": "天河路1号",
            "legal_rep_name": "张三",
            "contact_name": "李四",
            "contact_phone": "13812345678",
        },
    )
    assert response.status_code == 400
    assert f"统一社会信用代码 &#x27;{bad}&#x27; 无效：校验码不符" in response.content.decode()
    assert not Institution.objects.exists()


def test_the_detail_forms_record_grounds_findings_and_an_inspection_then_the_district_proposes(
    tianhe_staff: Any, guangzhou: Any
) -> None:
    inst = register(tianhe_staff)
    client = client_for(tianhe_staff)
    base = f"/office/institutions/{inst.pk}/"
    posts = [
        ("basis/", {"kind": "licence", "issuer": "广州市人社部门", "text": "焊工 五级至三级"}),
        ("finding/", {"rule": RESOURCES, "outcome": "passed", "evidence": "实训车间 20 个工位"}),
        ("finding/", {"rule": SYSTEMS, "outcome": "passed", "evidence": "制度齐全"}),
        ("approval/", {"role": "training", "occupation": "焊工", "level": "3", "valid_from": "2025-01-01"}),
        (
            "inspection/",
            {
                "kind": "first_class",
                "on": today().isoformat(),
                "result": "passed",
                "findings": "首期班实地检查无问题",
            },
        ),
        ("teacher/", {"name": "王师傅", "occupation": "焊工", "certificate": "焊工 二级/技师"}),
        (
            "premises/",
            {"address": "广州市天河区天河路1号实训楼", "capacity": "40", "equipment": "焊机 20 台"},
        ),
    ]
    for path, data in posts:
        response = client.post(base + path, data)
        assert (path, response.status_code) == (path, 302)
    for action in ("review", "propose"):
        assert client.post(base + "move/", {"action": action, "reason": "材料齐全"}).status_code == 302
    inst.refresh_from_db()
    assert inst.status == "proposed"
    page = client.get(base).content.decode()
    assert page.count("<td>通过</td>") == 6
    # The district cannot list; the city can.
    assert client.post(base + "move/", {"action": "list", "reason": "x"}).status_code == 403
    assert (
        client_for(guangzhou).post(base + "move/", {"action": "list", "reason": "集体决策"}).status_code
        == 302
    )
    inst.refresh_from_db()
    assert inst.status == "listed"
    row = AuditRecord.objects.get(action="institution.list", target_id=str(inst.pk))
    assert (row.actor_name, row.reason, row.changes["checks"][RESOURCES]) == (
        "guangzhou",
        "集体决策",
        "passed",
    )


def test_a_refused_form_shows_the_service_message_and_writes_nothing(
    tianhe_staff: Any, guangzhou: Any
) -> None:
    inst = register(tianhe_staff)
    client = client_for(tianhe_staff)
    response = client.post(
        f"/office/institutions/{inst.pk}/premises/", {"address": "天河路", "capacity": "四十"}
    )
    assert response.status_code == 400
    assert "<li>容纳人数：“四十”不是整数。</li>" in response.content.decode()
    response = client_for(guangzhou).post(
        f"/office/institutions/{inst.pk}/move/", {"action": "remove", "reason": "x"}
    )
    assert response.status_code == 400
    assert (
        "<li>无法清退出目录：当前状态为“已登记”，只能在“已列入目录、暂停开班”状态下办理。</li>"
        in response.content.decode()
    )
    english = client_for(guangzhou).post(
        f"/en/office/institutions/{inst.pk}/move/", {"action": "remove", "reason": "x"}
    )
    assert (
        "<li>Cannot remove from the catalog: the record is now “Registered”; this can be done only from "
        "Listed, Suspended (no new classes).</li>" in english.content.decode()
    )
    assert not inst.premises.exists() and Institution.objects.get().status == "applied"
    assert client.post(f"/office/institutions/{inst.pk}/diploma/", {}).status_code == 404


def test_another_district_gets_404_for_every_institution_page(
    tianhe_staff: Any, chongchuan_staff: Any
) -> None:
    inst = register(tianhe_staff)
    client = client_for(chongchuan_staff)
    base = f"/office/institutions/{inst.pk}/"
    assert client.get(base).status_code == 404
    assert client.post(base + "move/", {"action": "review", "reason": "x"}).status_code == 404
    assert client.post(base + "inspection/", {"kind": "spot_online"}).status_code == 404
    assert Institution.objects.get().status == "applied"
    assert "广州市天河区焊接职业培训学校" not in client.get("/office/institutions/").content.decode()


def test_the_list_filters_by_status_kind_and_district(tianhe_staff: Any, guangzhou: Any) -> None:
    register(tianhe_staff)
    register(
        guangzhou, name="越秀职校", uscc=code("52440104MJL0000A0"), region="440104", kind="vocational_college"
    )
    client = client_for(guangzhou)

    def names(query: str) -> list[str]:
        page = client.get("/office/institutions/" + query).content.decode()
        return [n for n in ("广州市天河区焊接职业培训学校", "越秀职校") if n in page]

    assert names("") == ["广州市天河区焊接职业培训学校", "越秀职校"]
    assert names("?region=440106") == ["广州市天河区焊接职业培训学校"]
    assert names("?kind=vocational_college") == ["越秀职校"]
    assert names("?status=listed") == []


# --- quality and credit -------------------------------------------------------------------------


def test_an_evaluation_is_scored_against_the_criteria_and_its_total_computed(
    tianhe_staff: Any, guangzhou: Any
) -> None:
    inst = listed(tianhe_staff, guangzhou)
    client = client_for(guangzhou)
    url = f"/office/institutions/{inst.pk}/evaluation/"
    year = today().year - 1
    scores = {
        "score_teaching": "8",
        "score_teachers": "7",
        "score_outcomes": "9",
        "score_employment": "6",
        "score_satisfaction": "10",
    }
    refused = client.post(
        url, {"year": str(year), "evaluator": "广州某评估公司", **scores, "score_teaching": "11"}
    )
    assert refused.status_code == 400
    assert "教学组织与培训过程管理的得分 11 应为 0 至 10 的整数" in refused.content.decode()
    assert client.post(url, {"year": str(year), "evaluator": "广州某评估公司", **scores}).status_code == 302
    e = Evaluation.objects.get()
    assert (e.total, e.passed, e.scores["outcomes"]) == (80, True, 9)
    again = client.post(url, {"year": str(year), "evaluator": "另一家", **scores})
    assert f"{year} 年度的评估已经记录" in again.content.decode()


def test_the_city_confirms_a_proposed_removal_which_goes_through_the_lifecycle(
    tianhe_staff: Any, guangzhou: Any
) -> None:
    inst = listed(tianhe_staff, guangzhou)
    last = today().year
    services.credit_event_record(
        institution=inst,
        actor=guangzhou,
        kind="serious_violation",
        on=date(last, 3, 2),
        source=f"穗人社罚〔{last}〕1号",
        summary="虚报培训人数",
        reason="行政处罚决定",
    )
    page = client_for(guangzhou).get("/office/institutions/proposals/").content.decode()
    assert "清退" in page and f"{last}-03-02 记录严重违法违规（002 · 附件4 · 8①：及时清退）" in page
    english = client_for(guangzhou).get("/en/office/institutions/proposals/").content.decode()
    assert f"<td>Remove</td><td>{last}-03-02: a serious violation is recorded" in english
    assert "记录严重违法违规" not in english
    # A district may not confirm.
    refused = client_for(tianhe_staff).post(
        f"/office/institutions/{inst.pk}/listing/", {"year": str(last + 2), "reason": "x"}
    )
    assert refused.status_code == 403
    done = client_for(guangzhou).post(
        f"/office/institutions/{inst.pk}/listing/", {"year": str(last + 1), "reason": "局务会决定"}
    )
    assert done.status_code == 302
    inst.refresh_from_db()
    assert inst.status == "removed"
    row = AuditRecord.objects.get(action="institution.remove")
    assert (
        row.reason == f"局务会决定（{last}-03-02 记录严重违法违规（002 · 附件4 · 8①：及时清退）；"
        f"没有 {last} 年度第三方评估结果（001 · 二（二）5））"
    )


def test_keeping_an_institution_is_confirmed_with_an_audit_row(tianhe_staff: Any, guangzhou: Any) -> None:
    inst = listed(tianhe_staff, guangzhou)
    last = today().year
    services.evaluation_record(
        institution=inst,
        actor=guangzhou,
        year=last,
        evaluator="评估公司",
        today=today(),
        scores={"teaching": 9, "teachers": 9, "outcomes": 9, "employment": 9, "satisfaction": 9},
    )
    assert (
        services.listing_confirm(
            institution=inst, actor=guangzhou, year=last + 1, reason="确认", today=today()
        )
        == "keep"
    )
    row = AuditRecord.objects.get(action="institution.listing.keep")
    assert row.changes == {
        "year": last + 1,
        "proposal": "keep",
        "reasons": [f"{last} 年度第三方评估 90 分，期间无严重违法违规和检查问题"],
    }
    assert Institution.objects.get().status == "listed"


@pytest.mark.parametrize(
    ("over", "chinese", "english"),
    [
        ({"name": "  "}, "名称：必填", "Name: required"),
        ({"name": "校" * 201}, "名称：不超过200个字符（现为201个）",
         "Name: at most 200 characters (now 201)"),
        (
            {"uscc": WELDING_SCHOOL[:-1] + ("0" if WELDING_SCHOOL[-1] != "0" else "1")},
            "无效：校验码不符",
            "is not valid: the check character does not match",
        ),
        ({"contact_phone": "12345"}, "联系电话 '12345' 不是有效的手机号或固定电话",
         "Contact phone &#x27;12345&#x27; is not a valid mobile or landline number"),
        ({"region": "火星"}, "未知地区 &#x27;火星&#x27;", "Unknown region &#x27;火星&#x27;"),
    ],
    ids=["required", "too-long", "uscc", "phone", "region"],
)  # fmt: skip
def test_the_services_refusals_speak_the_pages_language(
    tianhe_staff: Any, over: dict[str, str], chinese: str, english: str
) -> None:
    """Chinese pages say it in Chinese, /en/ pages in English (the services' messages are gettext'd)."""
    form = {
        "name": "广州市天河区焊接职业培训学校", "uscc": WELDING_SCHOOL, "kind": "hr_approved",
        "region": "440106", "address": "广州市天河区天河路1号", "legal_rep_name": "张三丰",
        "contact_name": "欧阳娜娜", "contact_phone": "13812345678", **over,
    }  # fmt: skip
    client = client_for(tianhe_staff)
    zh = client.post("/office/institutions/new/", form)
    en = client.post("/en/office/institutions/new/", form)
    assert (zh.status_code, en.status_code) == (400, 400)
    assert chinese.replace("'", "&#x27;") in zh.content.decode()
    assert english in en.content.decode()
    assert chinese not in en.content.decode()
    assert not Institution.objects.exists()


def test_an_approval_outside_the_filed_scope_is_refused_in_the_pages_language(
    tianhe_staff: Any,
) -> None:
    inst = register(tianhe_staff)
    client = client_for(tianhe_staff)
    approval = {
        "role": "evaluation",
        "occupation": "政务服务办事员",
        "level": "3",
        "valid_from": "2025-06-01",
    }
    zh = client.post(f"/office/institutions/{inst.pk}/approval/", approval)
    assert zh.status_code == 400
    assert "政务服务办事员 三级/高级工 不在本机构的备案评价范围内（已备案：无）" in zh.content.decode()
    en = client.post(f"/en/office/institutions/{inst.pk}/approval/", approval)
    assert "政务服务办事员 at level 3 is outside this institution&#x27;s filed scope (filed: none)" in (
        en.content.decode()
    )
    # 003_eaf749be2f6ce36e.txt · 附件2 · row 1: 政务服务办事员 at levels 5、4、3.
    scope = {"occupation": "政务服务办事员", "levels": "3、4", "reference": "穗人社评备〔2025〕1号",
             "filed_by": "广州市人社局", "filed_on": "2025-03-01"}  # fmt: skip
    assert client.post(f"/office/institutions/{inst.pk}/scope/", scope).status_code == 302
    assert client.post(f"/office/institutions/{inst.pk}/approval/", approval).status_code == 302
    page = client.get(f"/office/institutions/{inst.pk}/").content.decode()
    assert "政务服务办事员 · 3、4 · 广州市人社局 穗人社评备〔2025〕1号 · 2025-03-01" in page
    bad = client.post(f"/en/office/institutions/{inst.pk}/scope/", {**scope, "levels": "3、2"})
    assert bad.status_code == 400
    assert "政务服务办事员 may be evaluated at level 3, level 4, level 5, not 3, 2" in bad.content.decode()
    assert list(inst.filed_scopes.values_list("levels", flat=True)) == [[3, 4]]
    assert list(Approval.objects.filter(role="evaluation").values_list("level", flat=True)) == [3]


# --- import -------------------------------------------------------------------------------------

HEADER = [
    "单位名称",
    "统一社会信用代码",
    "单位性质",
    "所在区",
    "地址",
    "法定代表人",
    "联系人",
    "联系电话",
    "可培训职业(工种)",
    "等级",
]


def workbook(*rows: list[Any]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["天河区承训机构名单"])
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_import_previews_every_rows_anomalies_and_commits_only_the_valid_rows(
    tianhe_staff: Any, guangzhou: Any
) -> None:
    register(guangzhou, name="已有机构", uscc=code("52440106MJL0000B0"))
    good = code("91440106MA5D00001")
    data = workbook(
        [
            "天河焊接培训中心",
            good,
            "人力资源公司",
            "天河区",
            "天河路2号",
            "李雷",
            "韩梅梅",
            13912345678,
            "焊工、电工",
            "三级",
        ],
        ["重复的中心", good, "其他", "天河区", "天河路3号", "王五", "赵六", "13912345679", "焊工", "3"],
        [
            "坏代码",
            "91440106MA5D0000X",
            "其他",
            "天河区",
            "天河路4号",
            "王五",
            "赵六",
            "13912345670",
            "焊工",
            "3",
        ],
        [
            "已登记",
            code("52440106MJL0000B0"),
            "其他",
            "天河区",
            "天河路5号",
            "王五",
            "赵六",
            "13912345671",
            "焊工",
            "3",
        ],
        [
            "火星机构",
            code("91440106MA5D00002"),
            "其他",
            "火星区",
            "火星路",
            "王五",
            "赵六",
            "13912345672",
            "焊公",
            "3",
        ],
        [
            "越秀机构",
            code("91440104MA5D00003"),
            "其他",
            "越秀区",
            "越秀路",
            "王五",
            "赵六",
            "13912345673",
            "焊工",
            "3",
        ],
    )
    client = client_for(tianhe_staff)
    page = client.post("/office/institutions/import/", {"file": _upload(data)}).content.decode()
    assert "6 行中有 1 行可以导入；有问题的行不导入。" in page
    assert f"统一社会信用代码 {good} 与第 3 行重复" in page
    assert "统一社会信用代码 &#x27;91440106MA5D0000X&#x27; 无效" in page
    assert f"统一社会信用代码 {code('52440106MJL0000B0')} 已登记（已有机构）" in page
    assert "所在区 &#x27;火星区&#x27; 不是已知的区县" in page
    assert "可培训职业(工种) &#x27;焊公&#x27; 不在任何已发布目录中" in page
    assert "所在区 &#x27;越秀区&#x27; 不在本账号的辖区内" in page
    assert Institution.objects.count() == 1  # the preview writes nothing
    digest = page.split('name="digest" value="')[1].split('"')[0]
    payload = page.split('name="data" value="')[1].split('"')[0]
    response = client.post(
        "/office/institutions/import/",
        {"commit": "1", "file_name": "list.xlsx", "digest": digest, "data": payload},
    )
    assert response.status_code == 302
    inst = Institution.objects.get(uscc=good)
    assert (inst.name, inst.kind, inst.region, inst.status, inst.contact_phone_masked) == (
        "天河焊接培训中心",
        "hr_company",
        "440106",
        "applied",
        "139****5678",
    )
    assert sorted((a.occupation, a.level) for a in Approval.objects.filter(institution=inst)) == [
        ("焊工", 3),
        ("电工", 3),
    ]
    assert Institution.objects.count() == 2
    assert AuditRecord.objects.get(action="institution.import").changes == {
        "rows": 6,
        "imported": 1,
        "skipped": 5,
    }


def test_an_import_whose_file_changed_after_the_preview_is_refused(tianhe_staff: Any) -> None:
    data = workbook(
        [
            "天河焊接培训中心",
            code("91440106MA5D00001"),
            "其他",
            "天河区",
            "天河路2号",
            "李雷",
            "韩梅梅",
            "13912345678",
            "焊工",
            "三级",
        ]
    )
    import base64

    response = client_for(tianhe_staff).post(
        "/office/institutions/import/",
        {
            "commit": "1",
            "file_name": "list.xlsx",
            "digest": "0" * 64,
            "data": base64.b64encode(data).decode(),
        },
    )
    assert response.status_code == 400
    assert "文件与预览时不同，请重新预览" in response.content.decode()
    assert not Institution.objects.exists()


def _upload(data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("list.xlsx", data)


# --- portal -------------------------------------------------------------------------------------


def test_the_portal_finds_listed_institutions_by_occupation_in_a_district_of_the_city(
    tianhe_staff: Any, guangzhou: Any
) -> None:
    inst = listed(tianhe_staff, guangzhou)
    register(guangzhou, name="未列入的机构", uscc=code("52440104MJL0000A0"), region="440104")
    services.inspection_record(
        institution=inst,
        actor=tianhe_staff,
        kind="first_class",
        on=date(2025, 5, 20),
        result="passed",
        findings="无问题",
        today=today(),
    )
    page = client_for(None).get("/institutions/", {"occupation": "焊工", "level": "3", "region": "越秀区"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "广州市天河区焊接职业培训学校" in text and "未列入的机构" not in text
    assert "焊工 · 三级/高级工" in text
    assert "<li>2025-05-20 · 首次开展补贴性培训，实地检查 · 无问题</li>" in text
    assert "张**" in text and "欧阳**" in text and "138****5678" in text
    assert "张三丰" not in text and "13812345678" not in text
    assert "培训人数、合格率和培训后就业情况：尚不可用。" in text
    english = (
        client_for(None).get("/en/institutions/", {"occupation": "焊工", "region": "Tianhe"}).content.decode()
    )
    assert "Who can train me" in english and "Training institution approved by the HR department" in english


def test_a_removed_institution_leaves_the_portal_and_appears_among_removals(
    tianhe_staff: Any, guangzhou: Any
) -> None:
    inst = listed(tianhe_staff, guangzhou)
    services.institution_move(
        institution=inst, actor=guangzhou, action="remove", reason="虚报培训人数", today=today()
    )
    found = (
        client_for(None).get("/institutions/", {"occupation": "焊工", "region": "天河区"}).content.decode()
    )
    assert "广州市天河区焊接职业培训学校" not in found
    removals = client_for(None).get("/institutions/removed/").content.decode()
    assert "广州市天河区焊接职业培训学校" in removals and "虚报培训人数" in removals
    public = client_for(None).get(f"/institutions/{inst.pk}/").content.decode()
    assert f"{today().isoformat()}" in public and "虚报培训人数" in public


def test_an_institution_not_yet_listed_has_no_public_page(tianhe_staff: Any) -> None:
    inst = register(tianhe_staff)
    assert client_for(None).get(f"/institutions/{inst.pk}/").status_code == 404


# --- API ----------------------------------------------------------------------------------------


def test_the_api_lists_trainers_and_a_public_record(tianhe_staff: Any, guangzhou: Any) -> None:
    inst = listed(tianhe_staff, guangzhou)
    body = (
        client_for(None)
        .get("/api/v1/trainers", {"occupation": "焊工", "region": "天河区", "level": 3})
        .json()
    )
    assert [
        (i["id"], i["name"], i["contact_phone"], i["legal_representative"]) for i in body["institutions"]
    ] == [(inst.pk, "广州市天河区焊接职业培训学校", "138****5678", "张**")]
    assert body["institutions"][0]["approvals"][0] | {} == {
        "role": "training",
        "occupation": "焊工",
        "occupation_code": "6-18-02-04",
        "level": 3,
        "valid_from": "2025-01-01",
        "valid_to": None,
    }
    assert body["institutions"][0]["outcomes"] is None
    one = client_for(None).get(f"/api/v1/institutions/{inst.pk}").json()
    assert (one["status"], one["removed_on"]) == ("listed", None)
    bad = client_for(None).get("/api/v1/trainers", {"occupation": "焊公", "region": "天河区"})
    assert (bad.status_code, bad.json()["error"]["field"], bad.json()["error"]["code"]) == (
        422,
        "occupation",
        "validation_error",
    )


def test_the_api_writes_need_a_token_of_a_bureau_covering_the_institution(
    tianhe_staff: Any, chongchuan_staff: Any
) -> None:
    _, raw = token_create(user=tianhe_staff, name="tianhe")
    client = client_for(None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    payload = {
        "name": "天河机构",
        "uscc": WELDING_SCHOOL,
        "kind": "hr_approved",
        "region": "天河区",
        "address": "天河路1号",
        "legal_rep_name": "张三",
        "contact_name": "李四",
        "contact_phone": "13812345678",
    }
    assert client.post("/api/v1/institutions", payload, content_type="application/json").status_code == 401
    created = client.post("/api/v1/institutions", payload, content_type="application/json", **auth)
    assert created.status_code == 201
    pk = created.json()["id"]
    moved = client.post(
        f"/api/v1/institutions/{pk}/moves", {"action": "review"}, content_type="application/json", **auth
    )
    assert (moved.status_code, moved.json()["status"]) == (200, "under_review")
    unknown = client.post(
        f"/api/v1/institutions/{pk}/moves",
        {"action": "fly", "reason": "x"},
        content_type="application/json",
        **auth,
    )
    assert (unknown.status_code, unknown.json()["error"]["field"]) == (422, "action")
    inspected = client.post(
        f"/api/v1/institutions/{pk}/inspections",
        {"kind": "spot_online", "on": "2025-05-01", "result": "issues", "findings": "签到缺漏"},
        content_type="application/json",
        **auth,
    )
    assert inspected.status_code == 201
    found = client.post(
        f"/api/v1/institutions/{pk}/findings",
        {"rule": RESOURCES, "outcome": "passed", "evidence": "现场核实"},
        content_type="application/json",
        **auth,
    )
    assert found.status_code == 201
    approved = client.post(
        f"/api/v1/institutions/{pk}/approvals",
        {"occupation": "焊工", "level": 3, "valid_from": "2025-01-01"},
        content_type="application/json",
        **auth,
    )
    assert (approved.status_code, approved.json()["occupation_code"]) == (201, "6-18-02-04")
    _, other = token_create(user=chongchuan_staff, name="chongchuan")
    elsewhere = client.post(
        f"/api/v1/institutions/{pk}/moves",
        {"action": "withdraw", "reason": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {other}",
    )
    assert elsewhere.status_code == 404
    assert elsewhere.json()["error"] == {
        "code": "unknown_institution",
        "message": f"no institution {pk}",
        "field": "institution_id",
        "value": str(pk),
        "fields": [{"field": "institution_id", "value": str(pk), "message": f"no institution {pk}"}],
    }
    assert Institution.objects.get().status == "under_review"
