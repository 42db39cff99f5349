"""The search index tables every backend shares: one entry per indexed record and its facet values.

The text lives in a backend table created by migration 0002 (an FTS5 virtual table on SQLite, a
tsvector table with a GIN index on PostgreSQL). Visibility is not copied here: searches join the record
and apply `visible_records`, so a change of state can never leave the index showing a record it should not.
Only `search.indexing` writes these tables.
"""

from django.db import models


class SearchEntry(models.Model):
    """A record as the index knows it: the sort keys of the result list."""

    record = models.OneToOneField(
        "records.Record", primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    year_key = models.PositiveSmallIntegerField(default=0, help_text="The year, 0 when unknown")
    sort_title = models.CharField(max_length=200, help_text="Folded title for ordering")
    last_updated = models.DateField()
    has_fulltext = models.BooleanField(default=False)

    class Meta:
        db_table = "search_entry"
        indexes = [
            models.Index(fields=["year_key", "record"], name="search_entry_year"),
            models.Index(fields=["sort_title", "record"], name="search_entry_title"),
            models.Index(fields=["last_updated", "record"], name="search_entry_updated"),
        ]

    def __str__(self) -> str:
        return f"search entry of record {self.record_id}"


class SearchFacet(models.Model):
    """One facet value of an indexed record. Hierarchies are expanded: a record in SSIF 50202 has rows
    for 5, 502 and 50202, an affiliation to a unit one for the unit and each organisation above it."""

    pk = models.CompositePrimaryKey("record_id", "field", "value")
    # The primary key (record, field, value) is the index that reads a record's values.
    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="+", db_index=False)
    field = models.CharField(max_length=12)
    value = models.CharField(max_length=64)

    class Meta:
        db_table = "search_facet"
        indexes = [models.Index(fields=["field", "value", "record"], name="search_facet_value")]

    def __str__(self) -> str:
        return f"{self.record_id} {self.field}={self.value}"


class ReindexCheckpoint(models.Model):
    """Where the last `samla reindex` got to, so a run stopped half-way resumes after the last batch."""

    name = models.CharField(max_length=40, primary_key=True)
    last_record_id = models.BigIntegerField(default=0)
    indexed = models.BigIntegerField(default=0)
    started = models.DateTimeField()
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "search_reindex_checkpoint"

    def __str__(self) -> str:
        return f"reindex {self.name} at record {self.last_record_id}"


class SearchState(models.Model):
    """The index's change counter (one row): bumped, with a fresh random token, in the same transaction as
    every index write and every change of a record's visibility, so a process's in-memory facet sets
    (`search.memory`) know when they are stale. The token tells a counter value from a rolled-back one."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    counter = models.BigIntegerField(default=0)
    token = models.BigIntegerField(default=0)

    class Meta:
        db_table = "search_state"

    def __str__(self) -> str:
        return f"search index at change {self.counter}"


class SearchChange(models.Model):
    """The records a change touched, so processes refresh only those. Kept until the next full reindex."""

    pk = models.CompositePrimaryKey("counter", "record_id")
    counter = models.BigIntegerField()
    record_id = models.BigIntegerField()
    token = models.BigIntegerField()

    class Meta:
        db_table = "search_change"

    def __str__(self) -> str:
        return f"change {self.counter}: record {self.record_id}"


class LexemeSet(models.Model):
    """The records holding one of the lexemes many records hold, as a bitmap (PostgreSQL only): matching
    such a word through the GIN index visits every matching row; its bitmap is read at a small part of
    that cost (docs/benchmarks.md). Written by `backends.postgres` after each full reindex, and again
    for a lexeme whose bitmap the change log can no longer bring up to date."""

    lexeme = models.CharField(max_length=100, primary_key=True)
    counter = models.BigIntegerField(help_text="The change counter the bitmap holds for")
    records = models.BinaryField(help_text="Bit r (numpy.packbits order) set when record r has the lexeme")

    class Meta:
        db_table = "search_lexeme_set"

    def __str__(self) -> str:
        return f"records with {self.lexeme} at change {self.counter}"
