"""The backend's text table: an FTS5 virtual table on SQLite, a tsvector table with a GIN index on
PostgreSQL. RunPython checks the database vendor, so one migration history serves both.

The words stored are analysed by `samla.search.analysis` (folded, stemmed) before they reach either
table, so both backends match the same words; see docs/search.md.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE search_text USING fts5("
    " title, author, orcid, journal, issn, keyword, identifier, organisation, abstract, other, fulltext,"
    " tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS search_text"]
POSTGRESQL = [
    "CREATE TABLE search_text ("
    " record_id bigint PRIMARY KEY REFERENCES records_record (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,"
    " document tsvector NOT NULL)",
    "CREATE INDEX search_text_document ON search_text USING gin (document)",
]
POSTGRESQL_DROP = ["DROP TABLE IF EXISTS search_text"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        )
    ]
