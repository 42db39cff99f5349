"""Drop the indexes that another index of the same table starts with: every insert wrote each of them
(an import writes some 35 index entries a record). Only the model state is altered through Django: on
SQLite its AlterField rebuilds the tables, which would drop the search triggers on records_record. The
index names are the same on both databases."""

import django.db.models.deletion
from django.db import migrations, models

# index: (table, column), each covered by the index in the comment
COVERED_INDEXES = {
    "records_contribution_record_id_14917c22": ("records_contribution", "record_id"),  # unique_contribution_position
    "records_identifier_record_id_38f993a5": ("records_identifier", "record_id"),  # unique_identifier_per_record
    "records_revision_record_id_c00a4100": ("records_revision", "record_id"),  # unique_revision_number
    "records_record_datestamp_53f1bcb4": ("records_record", "datestamp"),  # records_rec_datesta_46b648_idx
}


def _record_fk(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        db_index=False,
        on_delete=django.db.models.deletion.CASCADE,
        related_name=related_name,
        to="records.record",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0003_relation_value_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField("contribution", "record", _record_fk("contributions")),
                migrations.AlterField("identifier", "record", _record_fk("identifiers")),
                migrations.AlterField("record", "datestamp", models.DateTimeField()),
                migrations.AlterField("revision", "record", _record_fk("revisions")),
            ],
            database_operations=[
                migrations.RunSQL(
                    [f'DROP INDEX IF EXISTS "{name}"' for name in COVERED_INDEXES],
                    reverse_sql=[
                        f'CREATE INDEX "{name}" ON "{table}" ("{column}")'
                        for name, (table, column) in COVERED_INDEXES.items()
                    ],
                )
            ],
        )
    ]
