"""The reads shared by the API, the portal and the back office: one filter of a version's rows."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from catalogs.models import Entry
from catalogs.selectors import catalog_ref, entries_matching, version_entries
from catalogs.services import draft_from_published, entry_delete

pytestmark = pytest.mark.django_db


def jiangsu_rows() -> list[Entry]:
    return catalog_ref("320000", "jiangsu-2025").rows


def test_a_code_prefix_finds_the_welder_row_numbered_as_in_the_document() -> None:
    # 000 · 附件4 · 序号 138: 焊工 6-18-02-04, category A, line 1440
    found = [
        (n, e.serial, e.name, e.category, e.prov_line)
        for n, e in entries_matching(jiangsu_rows(), q="6-18-02-04")
    ]
    assert found == [(138, "138", "焊工", "A", 1440)]


def test_section_and_category_narrow_the_rows() -> None:
    # 000 · 附件4: 123 special-ability rows after the 529 occupations; 29 of them are category B
    rows = jiangsu_rows()
    assert len(entries_matching(rows, section="special_abilities")) == 123
    category_b = entries_matching(rows, section="special_abilities", category="B")
    assert len(category_b) == 29
    assert [(n, e.serial, e.name) for n, e in category_b[:2]] == [
        (571, "42", "手工钩织"),
        (572, "43", "员工关系管理"),
    ]


def test_the_name_filter_respects_case_on_every_database() -> None:
    # 000 · 附件4 · special abilities 序号 27 (line 3960). SQLite's LIKE would also match "photoshop".
    rows = jiangsu_rows()
    assert [(n, e.name) for n, e in entries_matching(rows, q="PHOTOSHOP")] == [(556, "PHOTOSHOP图形图像处理")]
    assert entries_matching(rows, q="photoshop") == []


def test_rows_are_numbered_among_all_rows_even_after_a_removal(admin: AbstractUser) -> None:
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=admin, reason="Q2 adjustment")
    entry_delete(entry=draft.entries.get(position=1), actor=admin, reason="duplicate row", revision=0)
    numbered = entries_matching(version_entries(version=draft))
    assert [(n, e.position) for n, e in numbered[:3]] == [(1, 0), (2, 2), (3, 3)]
    assert len(numbered) == 651


def test_the_back_office_and_the_api_filter_a_version_alike(admin: AbstractUser) -> None:
    draft = draft_from_published(catalog_id="jiangsu-2025", actor=admin, reason="Q2 adjustment")
    office = Client()
    office.force_login(admin)
    for q, rows in (("PHOTOSHOP", ["row-556"]), ("photoshop", []), ("6-18-02-04", ["row-138"])):
        page = office.get(f"/office/versions/{draft.pk}/", {"q": q}).content.decode()
        assert [r for r in ("row-138", "row-556") if f'id="{r}"' in page] == rows, q
        api = Client().get("/api/v1/catalogs/320000/jiangsu-2025/entries", {"q": q}).json()
        assert api["count"] == len(rows), q
