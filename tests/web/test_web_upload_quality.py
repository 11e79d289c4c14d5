"""An upload gets the quality checks of the shipped documents, against the published catalogs, and
its preview flags the rows whose name or code is probably wrong (issue 8, point 4)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from web_support import client_for

from catalogs.models import Anomaly
from catalogs.uploads import upload_create, upload_preview, upload_quality, upload_to_draft

pytestmark = pytest.mark.django_db

CSV = (
    "序号,职业名称,编码\n"
    "1,焊公,6-18-02-04\n"  # 000 · 附件4 line 1440 prints 6-18-02-04 as 焊工: a misspelt name
    "2,焊工,6-18-02-05\n"  # 6-18-02-05 is 机械加工材料切割工, 焊工 is 6-18-02-04: a wrong code
    "3,车工,6-18-01-01\n"  # as the published catalogs print it: nothing to say
    "4,家政服务原,\n"  # no code and printed nowhere: 家政服务员 misspelt
    "5,烹调师,4-18-10-01\n"  # 中类 4-18 does not exist in the 大典 (the quality-kinds example)
)


@pytest.fixture
def upload(admin: AbstractUser):  # type: ignore[no-untyped-def]
    return upload_create(
        actor=admin, file_name="nantong-2026.csv", data=CSV.encode(), region="320600",
        catalog_id="nantong-2026", title="南通市2026年目录",
    )  # fmt: skip


def by_kind(findings) -> dict[str, list[tuple[int, str | None]]]:  # type: ignore[no-untyped-def]
    out: dict[str, list[tuple[int, str | None]]] = {}
    for a in findings:
        out.setdefault(a.kind, []).append((a.line, a.suggestion))
    return out


def test_a_misspelt_name_a_wrong_code_an_unknown_name_and_an_unknown_group_are_found(upload) -> None:  # type: ignore[no-untyped-def]
    found = by_kind(upload_quality(upload, upload_preview(upload)))
    # 000 prints 4-18-10-01 under another name as well (a tie: no suggestion).
    assert found["code_name_conflict"] == [(2, "焊工"), (3, "机械加工材料切割工"), (6, None)]
    assert (3, "6-18-02-04") in found["name_code_conflict"]
    assert found["name_unknown"] == [(5, "家政服务员")]  # the nearest printed name is suggested
    assert [line for line, _ in found["code_unknown_group"]] == [6]
    assert 4 not in {line for kind in found.values() for line, _ in kind}  # 车工 is as published


def test_the_findings_are_kept_with_the_draft(upload, admin: AbstractUser) -> None:  # type: ignore[no-untyped-def]
    draft = upload_to_draft(
        upload=upload, actor=admin, attachment="附件", effective_from=None, effective_to=None, reason="test"
    )
    kinds = set(Anomaly.objects.filter(version=draft).values_list("kind", flat=True))
    assert {"code_name_conflict", "name_code_conflict", "name_unknown", "code_unknown_group"} <= kinds


def test_the_preview_flags_the_rows_in_chinese(upload, admin: AbstractUser) -> None:  # type: ignore[no-untyped-def]
    html = client_for(admin).get(f"/office/uploads/{upload.pk}/").content.decode()
    assert html.count('data-flagged="1"') == 4  # every row but 车工
    assert "该编码在其他文件中名称不同" in html
    assert "您是不是要找“焊工”？" in html and "您是不是要找“家政服务员”？" in html
    assert "code_name_conflict</strong>" not in html  # the kind's code is only a tooltip
