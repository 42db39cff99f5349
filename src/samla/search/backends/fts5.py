"""SQLite FTS5: the embedded default.

`search_text` is an FTS5 table with one column per part of the record (tokenizer `unicode61
remove_diacritics 2`, no prefix indexes: migration 0004), rowid = record id. The words written to it
are already folded and stemmed by `analysis`, and queries are compiled from the query tree with every word
quoted, so no user text is ever read as FTS5 syntax. Relevance is bm25 with per-column weights.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..index_documents import COLUMNS, IndexDocument
from ..query import And, Node, Not, Or, Phrase, Term
from .base import SqlBackend

WEIGHTS = {
    "title": 10.0, "author": 6.0, "orcid": 6.0, "journal": 3.0, "issn": 6.0, "keyword": 5.0,
    "identifier": 8.0, "organisation": 2.0, "abstract": 2.0, "other": 1.0, "fulltext": 0.5,
}  # fmt: skip
# FTS5's own defaults of the settings bulk writing changes (`bulk_writing`), and the connection's settings
# meanwhile: 64 MB of page cache, a WAL checkpoint every 10,000 pages.
FTS5_DEFAULTS = {"automerge": 4, "crisismerge": 16}
BULK_PRAGMAS = {"cache_size": -65_536, "wal_autocheckpoint": 10_000}
BM25 = "-bm25(search_text, " + ", ".join(str(WEIGHTS[c]) for c in COLUMNS) + ")"


class Fts5Backend(SqlBackend):
    vendor = "sqlite"
    # printf's %!.17g keeps every bit of a double, so a score read back equals the one in a cursor.
    text_aggregate = "group_concat(printf('%!.17g', {}))"

    def write_text(self, documents: Sequence[IndexDocument]) -> None:
        marks = ", ".join(["%s"] * (len(COLUMNS) + 1))
        rows = [(d.record_id, *text) for d, text in zip(documents, self._texts(documents), strict=True)]
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO search_text (rowid, {', '.join(COLUMNS)}) VALUES ({marks})", rows
            )

    def text_of(self, document: IndexDocument) -> tuple[str, ...]:
        """Each column's words, space-separated."""
        return tuple(" ".join(document.columns[c]) for c in COLUMNS)

    @contextmanager
    def bulk_writing(self) -> Iterator[None]:
        """FTS5 merges its segments 16 at a time instead of 4 (and merges by force only when 64 wait at
        one level), so writing many records rewrites each posting list about half as often (a rebuild then
        merges them all into one segment: `finish_rebuild`); this connection caches more pages and
        checkpoints the WAL every 40 MB instead of after each batch, so pages written by several batches
        reach the file once. The merge settings are the table's own, so they are restored whatever
        happens: an interrupted import leaves the everyday ones."""
        self._configure(automerge=16, crisismerge=64)
        kept = {name: self._pragma(name) for name in BULK_PRAGMAS}
        for name, value in BULK_PRAGMAS.items():
            self._pragma(name, value)
        try:
            yield
        finally:
            for name, value in kept.items():
                self._pragma(name, value)
            self._configure(**FTS5_DEFAULTS)

    def finish_rebuild(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_text (search_text) VALUES ('optimize')")

    def _pragma(self, name: str, value: int | None = None) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(f"PRAGMA {name}" + ("" if value is None else f" = {int(value)}"))
            row = cursor.fetchone()
            return row[0] if row else value

    def _configure(self, **values: int) -> None:
        with self.connection.cursor() as cursor:
            for name, value in values.items():
                cursor.execute("INSERT INTO search_text (search_text, rank) VALUES (%s, %s)", [name, value])

    def delete_text(self, record_ids: Sequence[int]) -> None:
        marks = ", ".join(["%s"] * len(record_ids))
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM search_text WHERE rowid IN ({marks})", list(record_ids))

    def orphan_text_sql(self) -> str:
        return (
            "DELETE FROM search_text WHERE NOT EXISTS "
            "(SELECT 1 FROM search_entry e WHERE e.record_id = search_text.rowid)"
        )

    def hits_sql(self, node: Node) -> tuple[str, list[Any]]:
        return "SELECT rowid AS id FROM search_text WHERE search_text MATCH %s", [match_expression(node)]

    def hits_among_sql(self, node: Node, ids: list[int]) -> tuple[str, list[Any]]:
        where, params = _matching_among(node, ids)
        return f"SELECT rowid AS id FROM search_text WHERE {where}", params

    def scores_sql(self, node: Node, ids: list[int]) -> tuple[str, list[Any]]:
        where, params = _matching_among(node, ids)
        return f"SELECT rowid AS id, {BM25} AS score FROM search_text WHERE {where}", params

    def date_param(self, value: dt.date) -> Any:
        return value.isoformat()

    def ids_condition(self, ids: list[int]) -> tuple[str, list[Any]]:
        return "e.record_id IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]


def _matching_among(node: Node, ids: list[int]) -> tuple[str, list[Any]]:
    """The rows of `ids` (ascending) that match `node`. The range bounds FTS5's scan; `+rowid` keeps the
    list out of FTS5, which would otherwise run the whole match once per listed rowid (and bm25, in a
    score, runs for the listed rows only)."""
    return (
        "search_text MATCH %s AND rowid BETWEEN %s AND %s AND +rowid IN (SELECT value FROM json_each(%s))",
        [match_expression(node), ids[0], ids[-1], json.dumps(ids)],
    )


def match_expression(node: Node) -> str:
    """The FTS5 query for a tree. Words are letters and digits only (`analysis`), quoted all the same."""
    if isinstance(node, Term):
        star = " *" if node.prefix else ""
        return _in_columns(node.columns, _any([f'"{form}"{star}' for form in node.forms]))
    if isinstance(node, Phrase):
        star = " *" if node.prefix else ""
        return _in_columns(node.columns, _any([f'"{" ".join(words)}"{star}' for words in node.variants]))
    if isinstance(node, Or):
        return " OR ".join(f"({match_expression(c)})" for c in node.children)
    if isinstance(node, And):
        positive = [c for c in node.children if not isinstance(c, Not)]
        expression = " AND ".join(f"({match_expression(c)})" for c in positive)
        for negative in (c for c in node.children if isinstance(c, Not)):
            expression = f"({expression}) NOT ({match_expression(negative.child)})"
        return expression
    raise ValueError(f"cannot compile {node!r}")  # Not alone is split off by query.parse_query


def _any(alternatives: list[str]) -> str:
    return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"


def _in_columns(columns: tuple[str, ...], expression: str) -> str:
    return f"{{{' '.join(columns)}}} : ({expression})" if columns else expression
