from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("classes", "0006_trainingclass_special_group")]

    operations = [
        migrations.AddIndex(
            model_name="result",
            index=models.Index(fields=["certificate_no"], name="result_certificate_no"),
        ),
    ]
