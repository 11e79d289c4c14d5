"""The review list's order as indexes (issue 12 · Performance: review list p99 < 50 ms with 3 million
claims): a district's first page, filtered by state or not, is read off an index instead of sorting
the district's claims. The lone mismatch_count index served no query and slowed every state change."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_objection_sealed")]

    operations = [
        migrations.RemoveIndex(model_name="claim", name="claim_region_status_time"),
        migrations.AlterField(
            model_name="claim", name="mismatch_count", field=models.PositiveSmallIntegerField(default=0)
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                fields=["region", "mismatch_count", "submitted_at", "id"], name="claim_review_list"
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                fields=["region", "status", "mismatch_count", "submitted_at", "id"],
                name="claim_review_list_status",
            ),
        ),
    ]
