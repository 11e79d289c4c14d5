"""The review list's order as indexes (issue 12 · Performance: review list p99 < 50 ms with 3 million
claims): a district's first page, filtered by state or not, is read off an index instead of sorting
the district's claims. Every state change writes every index of the claim (a payment batch moves
50,000 claims), so the indexes another one already serves go: the lone mismatch_count index, the
LIKE index on the person's digest (looked up by equality only; `claim_person` replaces it) and the
institution index beside claim_institution_status, which leads with the institution."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_supervisioncertificate"), ("institutions", "0003_filed_scope")]

    operations = [
        migrations.RemoveIndex(model_name="claim", name="claim_region_status_time"),
        migrations.AlterField(
            model_name="claim",
            name="institution",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="claims",
                to="institutions.institution",
            ),
        ),
        migrations.AlterField(
            model_name="claim", name="mismatch_count", field=models.PositiveSmallIntegerField(default=0)
        ),
        migrations.AlterField(
            model_name="claim", name="person_digest", field=models.CharField(max_length=64)
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
        migrations.AddIndex(
            model_name="claim", index=models.Index(fields=["person_digest"], name="claim_person")
        ),
    ]
