"""An upload gets the quality checks of the shipped documents, against the published catalogs, and
its preview flags the rows whose name or code is probably wrong (issue 8, point 4)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AbstractUser
from hostile_files import one_code_many_names_csv, one_name_many_codes_csv
from web_support import client_for

from catalogs.models import Anomaly
from catalogs.uploads import upload_create, upload_preview, upload_quality, upload_to_draft
from skillsubsidy.catalog.quality import SHOWN_ELSEWHERE

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


def elsewhere(message: str) -> tuple[list[str], int]:
    """The places a conflict's message names, and how many more it says there are."""
    listed = message.split(" elsewhere: ", 1)[1].split("; ")
    more = re.fullmatch(r"and (\d+) more", listed[-1])
    return (listed[:-1], int(more.group(1))) if more else (listed, 0)


def test_one_code_under_a_thousand_names_gives_findings_of_bounded_size(nantong_staff: AbstractUser) -> None:
    # Each finding listed the other 999 rows: 1,000 findings of ~30 KB here, and n² in general (8,000
    # rows took a server past 4 GB, 100,000 past 19 GB). Now each names at most SHOWN_ELSEWHERE.
    upload = upload_create(
        actor=nantong_staff, file_name="附件2.csv", data=one_code_many_names_csv(1_000), region="320600",
        catalog_id="nantong-2026", title="南通市2026年目录",
    )  # fmt: skip
    found = [a for a in upload_quality(upload, upload_preview(upload)) if a.kind == "code_name_conflict"]
    assert len(found) == 1_000  # every row is still found
    for a in found:
        listed, more = elsewhere(a.message)
        assert len(listed) == SHOWN_ELSEWHERE
        assert more >= 1_000 - 1 - SHOWN_ELSEWHERE  # the other 999 rows, and the published 焊工s
        assert a.suggestion == "焊工"  # the published catalogs' name still outvotes each one


def test_one_name_under_nine_hundred_codes_gives_findings_of_bounded_size(
    nantong_staff: AbstractUser,
) -> None:
    upload = upload_create(
        actor=nantong_staff, file_name="附件2.csv", data=one_name_many_codes_csv(900), region="320600",
        catalog_id="nantong-2026", title="南通市2026年目录",
    )  # fmt: skip
    found = [a for a in upload_quality(upload, upload_preview(upload)) if a.kind == "name_code_conflict"]
    assert len(found) == 900
    for a in found:
        listed, more = elsewhere(a.message)
        assert len(listed) == SHOWN_ELSEWHERE and more >= 900 - 1 - SHOWN_ELSEWHERE
    assert {a.suggestion for a in found} == {"6-18-02-04"}  # the code the published catalogs print
