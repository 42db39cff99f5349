"""SQLite: the FTS5 table without prefix indexes. They doubled the cost of every index write (a million
records' reindex) and bought little: a prefix query of two or more letters reads the matching terms of
the main index. The rows are copied, so no reindex is needed. PostgreSQL is unchanged."""

from django.db import migrations

COLUMNS = "title, author, orcid, journal, issn, keyword, identifier, organisation, abstract, other, fulltext"


def _recreate(prefix: str):
    options = "tokenize = 'unicode61 remove_diacritics 2'" + (f", prefix = '{prefix}'" if prefix else "")

    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        schema_editor.execute(f"CREATE VIRTUAL TABLE search_text_new USING fts5({COLUMNS}, {options})")
        schema_editor.execute(
            f"INSERT INTO search_text_new (rowid, {COLUMNS}) SELECT rowid, {COLUMNS} FROM search_text"
        )
        schema_editor.execute("DROP TABLE search_text")
        schema_editor.execute("ALTER TABLE search_text_new RENAME TO search_text")

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_change_counter")]

    operations = [migrations.RunPython(_recreate(""), _recreate("2 3"))]
