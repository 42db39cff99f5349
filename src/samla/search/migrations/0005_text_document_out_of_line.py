"""PostgreSQL: every tsvector of `search_text` is stored out of line (TOAST), none in the table's rows.

A GIN match reads the row of every record it finds. With documents in their rows (those under about
2 kB, a third of them) the table was 590 bytes a record, and a common word's matches were spread over
most of its pages; stored out of line, a row is about 60 bytes. EXTERNAL (not compressed): a compressed
document would fit in its row again (see `backends.postgres._filler`, which makes every document large
enough to leave it). Rows written before this migration keep their layout until `samla reindex`
rewrites them. SQLite is unchanged.
"""

from django.db import migrations

POSTGRESQL = ["ALTER TABLE search_text ALTER COLUMN document SET STORAGE EXTERNAL"]
POSTGRESQL_DROP = ["ALTER TABLE search_text ALTER COLUMN document SET STORAGE EXTENDED"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0004_text_index_without_prefixes")]

    operations = [migrations.RunPython(_run(POSTGRESQL), _run(POSTGRESQL_DROP))]
