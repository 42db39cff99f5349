"""The change counter of the index (`search_state`, `search_change`) and triggers that bump it when a
record's visibility changes or a record is deleted, whichever code does it: processes keep facet sets in
memory (`search.memory`) and must never show a record by a stale copy of who may see it."""

from django.db import migrations, models

SQLITE_BUMP = (
    "INSERT INTO search_state (id, counter, token) VALUES (1, 1, random())"
    " ON CONFLICT (id) DO UPDATE SET counter = counter + 1, token = excluded.token;"
    " INSERT INTO search_change (counter, record_id, token)"
    " SELECT counter, {record}.id, token FROM search_state WHERE id = 1;"
)
SQLITE = [
    "CREATE TRIGGER search_record_visibility AFTER UPDATE OF state, owner_id ON records_record"
    " WHEN OLD.state IS NOT NEW.state OR OLD.owner_id IS NOT NEW.owner_id"
    f" BEGIN {SQLITE_BUMP.format(record='NEW')} END",
    f"CREATE TRIGGER search_record_deleted AFTER DELETE ON records_record"
    f" BEGIN {SQLITE_BUMP.format(record='OLD')} END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_record_visibility",
    "DROP TRIGGER IF EXISTS search_record_deleted",
]
POSTGRESQL = [
    "CREATE FUNCTION search_record_changed() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  INSERT INTO search_state (id, counter, token) VALUES (1, 1, (random() * 4e18)::bigint)"
    "   ON CONFLICT (id) DO UPDATE SET counter = search_state.counter + 1, token = excluded.token;"
    "  INSERT INTO search_change (counter, record_id, token)"
    "   SELECT counter, CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END, token"
    "   FROM search_state WHERE id = 1;"
    "  RETURN NULL;"
    " END $$",
    "CREATE TRIGGER search_record_visibility AFTER UPDATE OF state, owner_id ON records_record"
    " FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.owner_id IS DISTINCT FROM NEW.owner_id)"
    " EXECUTE FUNCTION search_record_changed()",
    "CREATE TRIGGER search_record_deleted AFTER DELETE ON records_record"
    " FOR EACH ROW EXECUTE FUNCTION search_record_changed()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS search_record_visibility ON records_record",
    "DROP TRIGGER IF EXISTS search_record_deleted ON records_record",
    "DROP FUNCTION IF EXISTS search_record_changed()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_text_index")]

    operations = [
        migrations.CreateModel(
            name="SearchChange",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "counter", "record_id", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("counter", models.BigIntegerField()),
                ("record_id", models.BigIntegerField()),
                ("token", models.BigIntegerField()),
            ],
            options={"db_table": "search_change"},
        ),
        migrations.CreateModel(
            name="SearchState",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("counter", models.BigIntegerField(default=0)),
                ("token", models.BigIntegerField(default=0)),
            ],
            options={"db_table": "search_state"},
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
    ]
