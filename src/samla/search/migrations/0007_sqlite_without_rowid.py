"""SQLite: the facet, entry and change tables WITHOUT ROWID, clustered on their primary keys. A table
with a key of its own kept a rowid B-tree beside the key's index, so each of the ten or so facet rows a
record has was written into three B-trees; now two. The rows are copied, so no reindex is needed.
PostgreSQL, whose tables have no rowid, is unchanged."""

from django.db import migrations

TABLES = ("search_facet", "search_entry", "search_change")


def _recreate(suffix: str):
    """Rebuild each table from its own declaration, with `suffix` after it ("WITHOUT ROWID" or "")."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cursor:
            # The record triggers name search_change: renaming a table must not check them meanwhile.
            cursor.execute("PRAGMA legacy_alter_table = ON")
            for table in TABLES:
                _rebuild(cursor, table, suffix)
            cursor.execute("PRAGMA legacy_alter_table = OFF")

    return run


def _rebuild(cursor, table: str, suffix: str) -> None:
    cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
    declaration = cursor.fetchone()[0].removesuffix(" WITHOUT ROWID")
    cursor.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL", [table]
    )
    indexes = [row[0] for row in cursor.fetchall()]
    new = f"new__{table}"
    cursor.execute(declaration.replace(f'"{table}"', f'"{new}"', 1) + (f" {suffix}" if suffix else ""))
    cursor.execute(f'INSERT INTO "{new}" SELECT * FROM "{table}"')
    cursor.execute(f'DROP TABLE "{table}"')
    cursor.execute(f'ALTER TABLE "{new}" RENAME TO "{table}"')
    for index in indexes:
        cursor.execute(index)


class Migration(migrations.Migration):
    dependencies = [("search", "0006_lexeme_sets")]

    operations = [migrations.RunPython(_recreate("WITHOUT ROWID"), _recreate(""))]
