"""Load SSIF, shipped with the product, so every database has the national subject categories."""

from django.db import migrations

from samla.vocabularies.subjects import load_ssif


def forwards(apps, schema_editor):
    load_ssif(apps.get_model("vocabularies", "SubjectCategory"))


class Migration(migrations.Migration):
    dependencies = [("vocabularies", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
