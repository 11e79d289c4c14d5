"""The objector's name and contact are personal data: seal them (common.personal) and keep the masks
that pages show. Existing rows are sealed in place, so nothing recorded is lost."""

from django.db import migrations, models


def seal_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    from common.personal import mask_name, seal

    Objection = apps.get_model("claims", "Objection")
    for o in Objection.objects.all():
        name = "" if o.raised_by in ("", "匿名") else o.raised_by
        if name:
            sealed = seal(name, masked=mask_name(name))
            o.raised_by_sealed, o.raised_by_masked = sealed.token, sealed.masked
        else:
            o.raised_by_masked = "匿名"
        if o.contact:
            sealed = seal(o.contact)
            o.contact_sealed, o.contact_masked = sealed.token, sealed.masked
        o.save(update_fields=["raised_by_sealed", "raised_by_masked", "contact_sealed", "contact_masked"])


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="objection", name="raised_by_sealed", field=models.TextField(blank=True)
        ),
        migrations.AddField(
            model_name="objection",
            name="raised_by_masked",
            field=models.CharField(default="匿名", max_length=100),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="objection", name="contact_sealed", field=models.TextField(blank=True)
        ),
        migrations.AddField(
            model_name="objection", name="contact_masked", field=models.CharField(blank=True, max_length=120)
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RemoveField(model_name="objection", name="raised_by"),
        migrations.RemoveField(model_name="objection", name="contact"),
    ]
