"""Uploads in bounded space and time (issue 14, ADR 0012): every hostile file is refused naming the
limit it ran into, or read within its limits; the tables are read once, at upload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from hostile_files import many_pages_pdf, one_line_csv, padded_xlsx, sparse_xlsx
from test_web_uploads import HEADER, ROWS, upload, xlsx
from web_support import client_for

from audit.models import AuditRecord
from catalogs import uploads
from catalogs.models import Upload
from catalogs.uploads import upload_preview
from skillsubsidy.ingest.bounded import ParseLimits, read_tables_bounded
from skillsubsidy.ingest.tables import Limits, TableImportError

pytestmark = pytest.mark.django_db


def refusal(actor: AbstractUser, data: bytes, name: str) -> str:
    # Each caller asserts the message, which names the limit that stopped the read: a refusal by a
    # declared size or a count, not after materialising the file (no timing here; bench_uploads times it).
    with pytest.raises(ValidationError) as caught:
        upload(actor, data, name)
    assert not Upload.objects.exists()
    assert not AuditRecord.objects.filter(action="upload.create").exists()
    return " ".join(caught.value.message_dict["file"])


def test_a_sheet_declaring_a_cell_at_xfd1048576_is_refused_by_its_declared_dimension(
    nantong_staff: AbstractUser,
) -> None:
    data = sparse_xlsx()
    assert len(data) < 10_000
    assert refusal(nantong_staff, data, "附件2.xlsx") == (
        "附件2.xlsx: sheet Sheet declares 1048576 rows; the limit is 200000 rows"
    )


def test_a_sparse_sheet_without_a_dimension_is_refused_at_its_far_cell(nantong_staff: AbstractUser) -> None:
    assert refusal(nantong_staff, sparse_xlsx(declared=False), "附件2.xlsx") == (
        "附件2.xlsx: sheet Sheet has a cell in row 1048576; the limit is 200000 rows"
    )


def test_an_xlsx_that_unpacks_past_the_limit_is_refused_before_it_is_opened(
    nantong_staff: AbstractUser, settings: Any
) -> None:
    settings.UPLOAD_MAX_UNPACKED_BYTES = 8 * 1024 * 1024
    data = padded_xlsx(16 * 1024 * 1024)
    assert len(data) < 100_000
    message = refusal(nantong_staff, data, "附件2.xlsx")
    assert message.startswith("附件2.xlsx: unpacks to 16")
    assert message.endswith("bytes; the limit is 8388608 bytes unpacked")


def test_a_19_mb_one_line_csv_is_refused_by_its_columns(nantong_staff: AbstractUser) -> None:
    assert refusal(nantong_staff, one_line_csv(19, separated=True), "附件2.csv") == (
        "附件2.csv: line 1 has 9961473 columns; the limit is 200 columns"
    )


def test_a_19_mb_one_field_csv_is_refused_by_the_field_size(nantong_staff: AbstractUser) -> None:
    assert refusal(nantong_staff, one_line_csv(19, separated=False), "附件2.csv") == (
        "附件2.csv: line 1: field larger than field limit (131072)"
    )


def test_a_pdf_of_5000_pages_is_refused_by_its_page_count(nantong_staff: AbstractUser) -> None:
    assert refusal(nantong_staff, many_pages_pdf(5000), "附件2.pdf") == (
        "附件2.pdf: has 5000 pages; the limit is 1000 pages"
    )


def test_a_sheet_past_the_row_limit_is_refused_naming_it(nantong_staff: AbstractUser, settings: Any) -> None:
    settings.UPLOAD_MAX_ROWS = 4
    assert refusal(nantong_staff, xlsx(HEADER, ROWS), "附件2.xlsx") == (
        "附件2.xlsx: sheet Sheet declares 6 rows; the limit is 4 rows"
    )


def test_a_parse_past_its_memory_limit_ends_only_itself_and_says_why(tmp_path: Path) -> None:
    path = tmp_path / "附件2.xlsx"
    path.write_bytes(xlsx(HEADER, [[f"{n}", f"{n}", "A", "焊工", "6-18-02-04"] for n in range(1, 30_001)]))
    # 32 MB: the sheet reader holds so little beside the texts that 30,000 rows fit in 64 MB.
    with pytest.raises(TableImportError) as caught:
        read_tables_bounded(path, ParseLimits(Limits(), memory_mb=32))
    assert str(caught.value) == "附件2.xlsx: reading it needed more than the memory limit of 32 MB"
    # Within the same limit a small sheet reads, and this one within an ordinary budget: the file's
    # size met the limit, and the limit stopped it.
    small = tmp_path / "附件3.xlsx"
    small.write_bytes(xlsx(HEADER, ROWS))
    assert len(read_tables_bounded(small, ParseLimits(Limits(), memory_mb=32))[0].rows) == 2 + len(ROWS)
    tables = read_tables_bounded(path, ParseLimits())
    assert ([c.text for c in tables[0].rows[1]], len(tables[0].rows)) == (HEADER, 30_002)


def test_the_preview_is_made_from_the_tables_read_at_upload_not_the_file_again(
    nantong_staff: AbstractUser,
) -> None:
    item = upload(nantong_staff, xlsx(HEADER, ROWS))
    # Were the preview to read the file again, these bytes would fail it.
    Upload.objects.filter(pk=item.pk).update(data=b"not a workbook")
    pv = upload_preview(Upload.objects.get(pk=item.pk))
    assert [(r.serial, r.code) for r in pv.rows][:2] == [("1", "6-31-02-02"), ("2", "5-03-02-02")]


def test_an_upload_past_the_concurrent_reads_is_refused_at_once(nantong_staff: AbstractUser) -> None:
    # Two uploads are being read (their request threads hold both places).
    held = [uploads._PARSES.acquire(blocking=False) for _ in range(2)]
    try:
        assert held == [True, True]
        assert refusal(nantong_staff, xlsx(HEADER, ROWS), "附件2.xlsx") == (
            "附件2.xlsx: the server is already reading 2 uploads, the limit; try again in a minute"
        )
    finally:
        for _ in held:
            uploads._PARSES.release()
    assert upload(nantong_staff, xlsx(HEADER, ROWS)).tables is not None


def test_a_stored_preview_is_shown_while_every_place_is_taken_and_a_stale_one_waits(
    nantong_staff: AbstractUser,
) -> None:
    item = upload(nantong_staff, xlsx(HEADER, ROWS))
    office = client_for(nantong_staff)
    held = [uploads._PARSES.acquire(blocking=False) for _ in range(2)]
    try:
        assert held == [True, True]
        assert "家禽饲养员" in office.get(f"/office/uploads/{item.pk}/").content.decode()  # only read
        Upload.objects.filter(pk=item.pk).update(shown=None)  # as an upload stored before previews were
        page = office.get(f"/office/uploads/{item.pk}/").content.decode()
        assert "the server is already reading 2 uploads, the limit; try again in a minute" in page
        assert Upload.objects.get(pk=item.pk).shown is None
    finally:
        for _ in held:
            uploads._PARSES.release()
    assert "家禽饲养员" in office.get(f"/office/uploads/{item.pk}/").content.decode()
    assert Upload.objects.get(pk=item.pk).shown is not None
