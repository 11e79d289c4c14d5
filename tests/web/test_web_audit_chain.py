"""The audit trail proves itself: an edited, deleted, reordered or inserted record is found, and the
command that checks it exits non-zero naming the first broken link."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditRecord, ChainHead
from audit.selectors import chain_verdict
from audit.services import HEAD, audit_record
from catalogs.services import draft_from_published


@pytest.fixture
def written(jiangsu_staff: Any) -> list[AuditRecord]:
    """A few records after the ones the dataset import wrote."""
    draft_from_published(catalog_id="nantong-2025-shortage", actor=jiangsu_staff, reason="Q2 adjustment")
    for n in range(3):
        audit_record(
            actor=jiangsu_staff, action="test.step", target_type="t", target_id=n, summary=f"step {n}"
        )
    return list(AuditRecord.objects.order_by("seq"))


@pytest.mark.django_db
def test_the_chain_of_a_working_database_is_intact(written: list[AuditRecord]) -> None:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().strip() == f"audit chain intact: {len(written)} records"
    assert [r.seq for r in written] == list(range(1, len(written) + 1))
    assert ChainHead.objects.get(pk=HEAD).seq == len(written)


def _broken() -> str:
    with pytest.raises(CommandError) as caught:
        call_command("audit_verify")
    assert caught.value.returncode == 1
    return str(caught.value)


@pytest.mark.django_db
def test_an_edited_record_is_found(written: list[AuditRecord]) -> None:
    victim = written[-2]
    AuditRecord.objects.filter(pk=victim.pk).update(reason="nothing to see")
    assert _broken() == (
        f"audit chain broken at seq {victim.seq} (record id {victim.pk}): "
        "its content was changed after it was written"
    )


@pytest.mark.django_db
def test_a_deleted_record_is_found(written: list[AuditRecord]) -> None:
    victim, after = written[-3], written[-2]
    AuditRecord.objects.filter(pk=victim.pk).delete()
    assert _broken() == (
        f"audit chain broken at seq {after.seq} (record id {after.pk}): "
        f"expected seq {victim.seq}, found {after.seq}: a record is missing before it"
    )


@pytest.mark.django_db
def test_two_records_put_in_each_others_place_are_found(written: list[AuditRecord]) -> None:
    a, b = written[-3], written[-2]
    AuditRecord.objects.filter(pk=a.pk).update(seq=10**9)
    AuditRecord.objects.filter(pk=b.pk).update(seq=a.seq)
    AuditRecord.objects.filter(pk=a.pk).update(seq=b.seq)
    assert chain_verdict().broken_at is not None
    assert f"broken at seq {a.seq} (record id {b.pk})" in _broken()


@pytest.mark.django_db
def test_an_inserted_record_is_found(written: list[AuditRecord]) -> None:
    last = written[-1]
    # Appended at the end with the head moved along, as someone with write access to the tables would.
    forged = AuditRecord.objects.create(
        seq=last.seq + 1, prev_hash=last.hash, hash="f" * 64, actor_name="nobody", action="claim.pay",
        target_type="claim", target_id="1", summary="paid twice",
    )  # fmt: skip
    ChainHead.objects.filter(pk=HEAD).update(seq=forged.seq, hash=forged.hash)
    assert _broken() == (
        f"audit chain broken at seq {forged.seq} (record id {forged.pk}): "
        "its content was changed after it was written"
    )


@pytest.mark.django_db
def test_records_cut_off_the_end_are_found(written: list[AuditRecord]) -> None:
    AuditRecord.objects.filter(pk=written[-1].pk).delete()
    assert "records were cut off" in _broken()
