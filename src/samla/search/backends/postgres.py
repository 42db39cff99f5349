"""PostgreSQL full text: `search_text` holds one tsvector per record, with a GIN index.

The lexemes are the words `analysis` produced (folded, Snowball-stemmed Swedish or English), written as
a tsvector literal with positions and weights (A title; B authors, keywords, identifiers; C journal,
organisations, abstract, other; D full text), so PostgreSQL matches exactly the words SQLite FTS5 does.
Fielded search uses a second lexeme at the same position, prefixed by the field ("t:leadership"), so
phrases work within a field too. Queries are tsquery literals built from the tree, never from user text
(`tsquery`); words that many records hold are matched from bitmaps instead (`lexeme_sets`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from django.db import transaction

from ..index_documents import COLUMNS, IndexDocument, column_words
from ..memory import FacetSets
from ..query import Node
from . import SearchQuery, SearchResult
from .base import SqlBackend
from .lexeme_sets import LexemeSets
from .tsquery import FIELD_CODES, escape, tsquery

WEIGHTS = {
    "title": "A", "author": "B", "orcid": "B", "issn": "B", "keyword": "B", "identifier": "B",
    "journal": "C", "organisation": "C", "abstract": "C", "other": "C", "fulltext": "D",
}  # fmt: skip
# This session's settings while writing many records (`bulk_writing`): see there why.
BULK_SETTINGS = {"gin_pending_list_limit": "64MB", "work_mem": "64MB", "synchronous_commit": "off"}
MAX_POSITION = 16383
# A tsvector's size (tsvector.h): a header, an entry per lexeme, each lexeme's bytes and, when it has
# positions, a pad to an even length, their count and two bytes each. A row of a document at least
# OUT_OF_LINE_BYTES large is past TOAST_TUPLE_THRESHOLD (2,032 bytes with 8 kB pages) with room to spare.
TSVECTOR_HEADER = 8
TSVECTOR_ENTRY = 4
OUT_OF_LINE_BYTES = 2_048
FILLER_STEP = 256
MAX_LEXEME_BYTES = 2_047
MAX_POSITIONS_PER_LEXEME = 256
# "1A", "2A" … for each weight, indexed by position (words past the last position share it).
_POSITIONS = {weight: [""] + [f"{p}{weight}" for p in range(1, MAX_POSITION + 1)] for weight in "ABCD"}


class PostgresBackend(SqlBackend):
    vendor = "postgresql"
    id_aggregate = "string_agg(CAST({} AS text), ',')"
    text_aggregate = "string_agg(CAST({} AS text), ',')"  # float8 as text is the shortest exact form
    # ts_rank reads each ranked record's (mostly TOASTed) tsvector, so ranking costs per record.
    max_ranked = 1_000

    def write_text(self, documents: Sequence[IndexDocument]) -> None:
        rows = [(d.record_id, text) for d, text in zip(documents, self._texts(documents), strict=True)]
        self.insert_rows("search_text", ("record_id", "document"), rows)

    def text_of(self, document: IndexDocument) -> str:
        return tsvector_literal(document)

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """COPY: one statement for all rows, instead of a round of the protocol per row."""
        if rows:
            with (
                self.connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)

    @contextmanager
    def bulk_writing(self) -> Iterator[None]:
        """New GIN entries wait in the index's pending list until it holds 64 MB instead of 4 MB, and are
        then merged with 64 MB of working memory instead of 4 MB (both per session), so each posting list
        of a common word is rewritten about 16 times less often (searches read the pending list too, so
        they stay exact meanwhile). Commits do not wait for the WAL to reach the disk: a crash can lose
        the last batches, but a rebuild's checkpoint goes with each batch, so the run resumes before them,
        and an import run again writes them again."""
        with self.connection.cursor() as cursor:
            for name, value in BULK_SETTINGS.items():
                cursor.execute(f"SET {name} = '{value}'")
        try:
            yield
        finally:
            with self.connection.cursor() as cursor:
                for name in BULK_SETTINGS:
                    cursor.execute(f"RESET {name}")

    def finish_rebuild(self) -> None:
        """Merge the pending list now, so the first searches do not each read it, and build the bitmaps
        of the lexemes many records hold (`lexeme_sets`)."""
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('search_text_document')")
        LexemeSets(self).build()

    def fresh_match(self, sets: FacetSets, node: Node) -> np.ndarray:
        """Through the bitmaps of the query's frequent lexemes where they have them (`lexeme_sets`)."""
        mask = LexemeSets(self).match(sets, node)
        return super().fresh_match(sets, node) if mask is None else mask

    def delete_text(self, record_ids: Sequence[int]) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_text WHERE record_id = ANY(%s)", [list(record_ids)])

    def search(self, query: SearchQuery) -> SearchResult:
        """As on SQLite, with planner settings for this transaction only: random_page_cost for storage
        without seek time, so the GIN index is preferred to reading every (large, TOASTed) tsvector, and
        no JIT compilation, which costs more than these statements take."""
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            cursor.execute("SET LOCAL random_page_cost = 1.1")
            cursor.execute("SET LOCAL jit = off")
            return super().search(query)

    def ids_condition(self, ids: list[int]) -> tuple[str, list[Any]]:
        return "e.record_id = ANY(%s)", [ids]

    def _scores(self, node: Node, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """As on SQLite, with plain index scans off for this statement: the planner then intersects the
        candidates' primary keys with the text index's matches (a BitmapAnd) and reads the (TOASTed)
        documents of the matching candidates only. Walking the primary key instead filters every
        candidate by its document, several times slower for candidates outside shared buffers
        (docs/benchmarks.md)."""
        with self.connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexscan = off")
        try:
            return super()._scores(node, ids)
        finally:
            with self.connection.cursor() as cursor:
                cursor.execute("RESET enable_indexscan")

    def refresh_statistics(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE search_entry, search_facet, search_text, records_record")

    def orphan_text_sql(self) -> str:
        return (
            "DELETE FROM search_text WHERE NOT EXISTS "
            "(SELECT 1 FROM search_entry e WHERE e.record_id = search_text.record_id)"
        )

    def hits_sql(self, node: Node) -> tuple[str, list[Any]]:
        sql = "SELECT record_id AS id FROM search_text WHERE document @@ CAST(%s AS tsquery)"
        return sql, [tsquery(node)]

    def hits_among_sql(self, node: Node, ids: list[int]) -> tuple[str, list[Any]]:
        where, params = _matching_among(node, ids)
        return f"SELECT record_id AS id FROM search_text WHERE {where}", params

    def scores_sql(self, node: Node, ids: list[int]) -> tuple[str, list[Any]]:
        where, params = _matching_among(node, ids)
        return (
            "SELECT record_id AS id, CAST(ts_rank(document, CAST(%s AS tsquery)) AS float8) AS score"
            f" FROM search_text WHERE {where}",
            [tsquery(node), *params],
        )


def _matching_among(node: Node, ids: list[int]) -> tuple[str, list[Any]]:
    """The rows of `ids` that match `node`."""
    return "record_id = ANY(%s) AND document @@ CAST(%s AS tsquery)", [ids, tsquery(node)]


def tsvector_literal(document: IndexDocument) -> str:
    """The document as tsvector input: each lexeme with its positions and weight, and a filler lexeme
    that makes it large enough to be stored out of the row (`_filler`). (A reindex writes a million of
    these: positions are ready-made strings, and lexemes are escaped only when one needs it.)"""
    positions: dict[str, list[str]] = defaultdict(list)
    position = 1
    for column in COLUMNS:
        words = column_words(document, column)
        if not words:
            continue
        written = _POSITIONS[WEIGHTS[column]]
        entries = written[position : position + len(words)]
        entries += [written[-1]] * (len(words) - len(entries))
        for word, entry in zip(words, entries, strict=False):
            positions[word].append(entry)
        if code := FIELD_CODES.get(column):
            for word, entry in zip(words, entries, strict=False):
                positions[f"{code}:{word}"].append(entry)
        position += len(words) + 1  # a gap, so that a phrase never runs from one column into the next
    if position > MAX_POSITION:  # words past the last position share it: once per lexeme
        kept = {
            lexeme: list(dict.fromkeys(entries[:MAX_POSITIONS_PER_LEXEME]))
            for lexeme, entries in positions.items()
        }
    else:
        kept = {lexeme: entries[:MAX_POSITIONS_PER_LEXEME] for lexeme, entries in positions.items()}
    filler = _filler(kept)
    lexemes = "".join(kept)
    if "'" in lexemes or "\\" in lexemes:  # never from `analysis`, whose words are letters and digits
        kept = {escape(lexeme): entries for lexeme, entries in kept.items()}
    return " ".join(f"'{lexeme}':{','.join(entries)}" for lexeme, entries in kept.items()) + filler


def _filler(positions: dict[str, list[str]]) -> str:
    """A lexeme that no query can match (query words are letters and digits) and that brings a document
    smaller than OUT_OF_LINE_BYTES up to that size, in steps of FILLER_STEP bytes (so that the index
    holds a handful of fillers), as tsvector input with a leading space; "" for a large document.

    PostgreSQL moves a value out of its row only when the row is larger than about 2 kB
    (TOAST_TUPLE_THRESHOLD, fixed when PostgreSQL is compiled; toast_tuple_target only lowers the size
    aimed for once it does), so a third of the documents stayed in the row: 590 bytes a record on
    average, and a word found in 6% of a million records had its matches on two thirds of 74,000 heap
    pages, each read from outside shared buffers. Stored out of line (migration 0005), every row is
    about 60 bytes and the whole table about 7,500 pages."""
    size = TSVECTOR_HEADER + sum(
        TSVECTOR_ENTRY + length + (length % 2 + 2 + 2 * len(entries) if entries else 0)
        for length, entries in ((len(lexeme.encode()), entries) for lexeme, entries in positions.items())
    )
    if size >= OUT_OF_LINE_BYTES:
        return ""
    missing = OUT_OF_LINE_BYTES - size - TSVECTOR_ENTRY
    steps = max(1, -(-missing // FILLER_STEP))
    return " '" + "~" * min(MAX_LEXEME_BYTES, steps * FILLER_STEP) + "'"
