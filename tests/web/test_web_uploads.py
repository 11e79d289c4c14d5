"""Uploading an attachment: preview, column mapping, draft, publication."""

from __future__ import annotations

import io
import os
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook
from web_support import client_for

from accounts.selectors import Scope, staff_scope
from audit.models import AuditRecord
from catalogs import uploads
from catalogs.models import CatalogVersion, Upload
from catalogs.selectors import current_dataset, search, version_in_scope
from catalogs.services import draft_publish
from catalogs.uploads import (
    mapping_digest,
    upload_create,
    upload_preview,
    upload_set_mapping,
    upload_to_draft,
)

pytestmark = pytest.mark.django_db

# 000_d6c6a123f4673bde.txt · 附件2 (Nantong additions), its header and first four rows as printed.
HEADER = ["补贴项目", "序号", "类别", "职业工种名称（含各职业下全部工种）", "编码"]
ROWS = [
    ["职业技能等级证书", "1", "A", "航空器机械维护员", "6-31-02-02"],
    ["", "2", "B", "家禽饲养员", "5-03-02-02"],
    ["", "3", "C", "生活垃圾清运工L", "4-09-08-02"],
    ["", "4", "C", "生活垃圾处理工L", "4-09-08-03"],
]


def xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["南通市2025年政府补贴性职业技能培训职业（工种）指导目录"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(actor: AbstractUser, data: bytes, name: str = "附件2.xlsx") -> Upload:
    return upload_create(
        actor=actor, file_name=name, data=data, region="320600", catalog_id="nantong-2026",
        title="南通市2026年政府补贴性职业技能培训职业（工种）指导目录",
    )  # fmt: skip


def test_an_uploaded_xlsx_is_previewed_with_its_columns_recognised(nantong_staff: AbstractUser) -> None:
    pv = upload_preview(upload(nantong_staff, xlsx(HEADER, ROWS)))
    assert {m.field.value: m.column for m in pv.columns} == {
        "certificate_type": 0, "serial": 1, "category": 2, "name": 3, "code": 4,
    }  # fmt: skip
    assert [(r.serial, r.code, r.parts.name, r.category and r.category.value) for r in pv.rows] == [
        ("1", "6-31-02-02", "航空器机械维护员", "A"),
        ("2", "5-03-02-02", "家禽饲养员", "B"),
        ("3", "4-09-08-02", "生活垃圾清运工", "C"),
        ("4", "4-09-08-03", "生活垃圾处理工", "C"),
    ]


def test_an_upload_becomes_a_draft_and_once_published_is_searchable(nantong_staff: AbstractUser) -> None:
    draft = upload_to_draft(
        upload=upload(nantong_staff, xlsx(HEADER, ROWS)), actor=nantong_staff, attachment="附件2",
        effective_from=None, effective_to=None, reason="2026 additions",
    )  # fmt: skip
    assert (draft.catalog_id, draft.number, draft.status, draft.region) == (
        "nantong-2026",
        1,
        "draft",
        "320600",
    )
    assert draft.entries.count() == 4
    row = draft.entries.get(code="4-09-08-02")
    assert (row.name, row.markers, row.prov_seed) == ("生活垃圾清运工", ["L"], "附件2.xlsx")
    assert "nantong-2026" not in {h.entry.catalog_id for h in search("航空器机械维护员", region="320600")}

    draft_publish(version=draft, actor=nantong_staff, effective_from=date(2026, 1, 1), reason="published")

    assert "nantong-2026" in [c.id for c in current_dataset().catalogs]
    assert "nantong-2026" in {h.entry.catalog_id for h in search("航空器机械维护员", region="320600")}


def test_an_unfamiliar_header_is_mapped_by_hand(nantong_staff: AbstractUser) -> None:
    odd = ["项", "号", "类", "岗位", "代号"]
    item = upload(nantong_staff, xlsx(odd, ROWS))
    assert "name" not in {m.field.value for m in upload_preview(item).columns}
    upload_set_mapping(
        upload=item, actor=nantong_staff, columns={1: "serial", 2: "category", 3: "name", 4: "code"},
        header_row=None,
    )  # fmt: skip
    pv = upload_preview(item)
    assert [r.parts.name for r in pv.rows] == [
        "航空器机械维护员",
        "家禽饲养员",
        "生活垃圾清运工",
        "生活垃圾处理工",
    ]


def test_a_file_of_another_type_is_refused_with_the_field_named(nantong_staff: AbstractUser) -> None:
    with pytest.raises(ValidationError) as exc:
        upload(nantong_staff, b"MZ\x90\x00", name="setup.exe")
    assert list(exc.value.message_dict) == ["file"]


def test_a_bureau_cannot_upload_for_another_region(shanghai_staff: AbstractUser) -> None:
    with pytest.raises(PermissionDenied):
        upload(shanghai_staff, xlsx(HEADER, ROWS))


def test_a_district_cannot_upload_for_its_city(chongchuan_staff: AbstractUser) -> None:
    with pytest.raises(PermissionDenied):
        upload(chongchuan_staff, xlsx(HEADER, ROWS))


def scope_of(user: AbstractUser) -> Scope:
    scope = staff_scope(user)
    assert scope is not None
    return scope


def test_a_districts_own_catalog_is_its_own_and_its_citys_but_no_one_elses(
    chongchuan_staff: AbstractUser, nantong_staff: AbstractUser, tianhe_staff: AbstractUser
) -> None:
    item = upload_create(
        actor=chongchuan_staff, file_name="附件2.xlsx", data=xlsx(HEADER, ROWS), region="崇川区",
        catalog_id="chongchuan-2026", title="崇川区2026年补充目录",
    )  # fmt: skip
    draft = upload_to_draft(
        upload=item, actor=chongchuan_staff, attachment="附件2", effective_from=None, effective_to=None,
        reason="district additions",
    )  # fmt: skip
    assert (draft.region, draft.entries.count()) == ("320613", 4)
    assert version_in_scope(pk=draft.pk, scope=scope_of(nantong_staff)) == draft
    assert version_in_scope(pk=draft.pk, scope=scope_of(tianhe_staff)) is None
    with pytest.raises(PermissionDenied):
        draft_publish(version=draft, actor=tianhe_staff, effective_from=date(2026, 1, 1), reason="r")
    # The city oversees its district: Nantong may publish what Chongchuan drafted.
    draft_publish(version=draft, actor=nantong_staff, effective_from=date(2026, 1, 1), reason="checked")
    assert CatalogVersion.objects.get(pk=draft.pk).status == "published"
    # Published, it applies in 崇川区 on top of Nantong's and Jiangsu's catalogs, and not in 南通 itself.
    assert "chongchuan-2026" in {h.entry.catalog_id for h in search("航空器机械维护员", region="320613")}
    assert "chongchuan-2026" not in {h.entry.catalog_id for h in search("航空器机械维护员", region="320600")}


def test_an_upload_is_not_saved_as_a_draft_without_a_reason(nantong_staff: AbstractUser) -> None:
    item = upload(nantong_staff, xlsx(HEADER, ROWS))
    with pytest.raises(ValidationError) as exc:
        upload_to_draft(
            upload=item, actor=nantong_staff, attachment="附件2", effective_from=None, effective_to=None,
            reason=" ",
        )  # fmt: skip
    assert list(exc.value.message_dict) == ["reason"]
    assert not CatalogVersion.objects.filter(catalog_id="nantong-2026").exists()
    assert Upload.objects.get(pk=item.pk).draft is None
    assert not AuditRecord.objects.filter(action="catalog.draft").exists()


class Calls:
    """Calls counted in a file: the upload service makes previews in a forked child, whose counts
    in memory would end with it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.write_text("")

    def add(self, name: str) -> None:
        with self.path.open("a") as f:
            f.write(f"{name} {os.getpid()}\n")

    def counts(self) -> Counter[str]:
        return Counter(line.split()[0] for line in self.path.read_text().splitlines())

    def processes(self) -> set[int]:
        return {int(line.split()[1]) for line in self.path.read_text().splitlines()}

    def clear(self) -> None:
        self.path.write_text("")

    def __eq__(self, other: object) -> bool:
        return self.counts() == other

    __hash__ = None  # type: ignore[assignment]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Calls:
    """Calls of the real table builder and mapping preview by the upload service, in whatever
    process makes them, counted on their way through (each still runs)."""
    calls = Calls(tmp_path / "calls")

    def counted(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls.add(name)
            return real(*args, **kwargs)

        return call

    for name in ("tables_from_data", "preview", "upload_anomalies"):
        monkeypatch.setattr(uploads, name, counted(name, getattr(uploads, name)))
    return calls


def page(user: AbstractUser, item: Upload) -> tuple[str, list[str]]:
    """The upload's page in the back office, and the SQL it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client_for(user).get(f"/office/uploads/{item.pk}/")
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def test_a_page_view_shows_the_preview_stored_at_upload_and_reads_no_table(
    nantong_staff: AbstractUser, reads: Calls
) -> None:
    item = upload(nantong_staff, xlsx(HEADER, ROWS))
    assert reads == {"tables_from_data": 1, "preview": 1, "upload_anomalies": 1}  # once, at upload
    stored = Upload.objects.get(pk=item.pk).shown
    assert stored is not None and stored["mapping"] == mapping_digest({}) and stored["row_count"] == 4
    for _ in range(2):
        html, sql = page(nantong_staff, item)
        assert "航空器机械维护员" in html and "生活垃圾处理工" in html and "4 行" in html
        assert not any('"tables"' in q or '"data"' in q for q in sql)  # not even loaded
    assert reads == {"tables_from_data": 1, "preview": 1, "upload_anomalies": 1}


def test_an_upload_stored_before_previews_were_kept_is_previewed_once_then_read(
    nantong_staff: AbstractUser, reads: Calls
) -> None:
    item = upload(nantong_staff, xlsx(HEADER, ROWS))
    Upload.objects.filter(pk=item.pk).update(shown=None, mapping_digest="")  # as migration 0004 left it
    reads.clear()
    assert "家禽饲养员" in page(nantong_staff, item)[0]
    assert "家禽饲养员" in page(nantong_staff, item)[0]
    assert reads == {"tables_from_data": 1, "preview": 1, "upload_anomalies": 1}


def test_a_saved_mapping_stores_its_own_preview(nantong_staff: AbstractUser, reads: Calls) -> None:
    item = upload(nantong_staff, xlsx(["项", "号", "类", "岗位", "代号"], ROWS))
    assert "航空器机械维护员" not in page(nantong_staff, item)[0]  # 岗位 is not recognised as the name
    reads.clear()
    upload_set_mapping(
        upload=item, actor=nantong_staff, columns={1: "serial", 2: "category", 3: "name", 4: "code"},
        header_row=None,
    )  # fmt: skip
    assert reads == {"tables_from_data": 1, "preview": 1, "upload_anomalies": 1}
    stored = Upload.objects.get(pk=item.pk)
    assert stored.shown is not None and stored.shown["mapping"] == mapping_digest(stored.mapping)
    assert [name for _, _, _, _, name, _, _ in stored.shown["sample"]] == [
        "航空器机械维护员", "家禽饲养员", "生活垃圾清运工", "生活垃圾处理工",
    ]  # fmt: skip
    assert "航空器机械维护员" in page(nantong_staff, item)[0]
    assert reads == {"tables_from_data": 1, "preview": 1, "upload_anomalies": 1}


def test_a_preview_made_for_a_mapping_saved_over_meanwhile_is_not_stored(nantong_staff: AbstractUser) -> None:
    # Two people save a mapping at once: A's preview is made, B saves, then A's preview arrives.
    item = upload(nantong_staff, xlsx(["项", "号", "类", "岗位", "代号"], ROWS))
    a, b = Upload.objects.get(pk=item.pk), Upload.objects.get(pk=item.pk)
    a.mapping = {"columns": {"3": "name"}, "header_row": None}
    a.mapping_digest = mapping_digest(a.mapping)
    Upload.objects.filter(pk=item.pk).update(mapping=a.mapping, mapping_digest=a.mapping_digest)
    made_for_a = uploads._remade(a)
    upload_set_mapping(upload=b, actor=nantong_staff, columns={3: "name", 4: "code"}, header_row=None)
    uploads._store_shown(a, made_for_a)
    stored = Upload.objects.get(pk=item.pk)
    assert stored.mapping == {"columns": {"3": "name", "4": "code"}, "header_row": None}
    assert stored.shown is not None and stored.shown["mapping"] == mapping_digest(stored.mapping)
    assert [field for _, field in stored.shown["columns"]] == ["name", "code"]


def test_the_preview_and_checks_of_an_upload_and_of_a_mapping_save_are_made_outside_this_process(
    nantong_staff: AbstractUser, reads: Calls
) -> None:
    # A serving process only waits for them (issue 14): their CPU would hold its GIL against every
    # other request it serves.
    item = upload(nantong_staff, xlsx(HEADER, ROWS))
    upload_set_mapping(
        upload=item, actor=nantong_staff, columns={1: "serial", 2: "category", 3: "name", 4: "code"},
        header_row=None,
    )  # fmt: skip
    assert reads == {"tables_from_data": 2, "preview": 2, "upload_anomalies": 2}
    assert len(reads.processes()) == 2 and os.getpid() not in reads.processes()
    stored = Upload.objects.get(pk=item.pk)
    assert stored.shown is not None and stored.shown["row_count"] == len(ROWS)
    assert [r.parts.name for r in upload_preview(stored).rows][:1] == ["航空器机械维护员"]


def test_an_upload_stored_before_its_tables_were_kept_is_read_once_in_a_child_and_they_are_kept(
    nantong_staff: AbstractUser, reads: Calls
) -> None:
    item = upload(nantong_staff, xlsx(HEADER, ROWS))
    Upload.objects.filter(pk=item.pk).update(tables=None, shown=None, mapping_digest="")  # as 0003 left it
    reads.clear()
    assert "家禽饲养员" in page(nantong_staff, item)[0]
    assert "家禽饲养员" in page(nantong_staff, item)[0]
    assert reads == {"tables_from_data": 1, "preview": 1, "upload_anomalies": 1}
    assert os.getpid() not in reads.processes()
    stored = Upload.objects.get(pk=item.pk)
    assert stored.tables is not None and stored.tables[0]["source"] == "附件2.xlsx"
