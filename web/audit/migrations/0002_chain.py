"""Chain the audit records by a keyed hash (skillsubsidy.auditchain): records written before this
migration are chained in the order they were written (by id), and the chain head is created."""

from typing import Any

import django.utils.timezone
from django.db import migrations, models


def chain_existing(apps: Any, schema_editor: Any) -> None:
    from audit.services import HEAD, chain_key, content_of
    from skillsubsidy.auditchain import GENESIS, seal

    record_model = apps.get_model("audit", "AuditRecord")
    head_model = apps.get_model("audit", "ChainHead")
    seq, prev = 0, GENESIS
    for record in record_model.objects.order_by("id").iterator():
        seq += 1
        record.seq, record.prev_hash = seq, prev
        record.hash = prev = seal(chain_key(), seq, record.prev_hash, content_of(record))
        record.save(update_fields=["seq", "prev_hash", "hash"])
    head_model.objects.create(pk=HEAD, seq=seq, hash=prev)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveBigIntegerField()),
                ("hash", models.CharField(max_length=64)),
            ],
        ),
        migrations.AddField(
            model_name="auditrecord", name="seq", field=models.PositiveBigIntegerField(null=True)
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditrecord",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditrecord", name="seq", field=models.PositiveBigIntegerField(unique=True)
        ),
    ]
