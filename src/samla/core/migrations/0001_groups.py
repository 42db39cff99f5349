"""The groups that give logged-in users the depositor and curator roles (see samla.core.access)."""

from django.db import migrations


def forwards(apps, schema_editor):
    group = apps.get_model("auth", "Group")
    for name in ("depositors", "curators"):
        group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
