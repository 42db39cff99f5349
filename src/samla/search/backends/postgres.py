"""PostgreSQL full text: `search_text` holds one tsvector per record, with a GIN index.

The lexemes are the words `analysis` produced (folded, Snowball-stemmed Swedish or English), written as
a tsvector literal with positions and weights (A title; B authors, keywords, identifiers; C journal,
organisations, abstract, other; D full text), so PostgreSQL matches exactly the words SQLite FTS5 does.
Fielded search uses a second lexeme at the same position, prefixed by the field ("t:leadership"), so
phrases work within a field too. Queries are tsquery literals built from the tree, never from user text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from ..documents import COLUMNS, IndexDocument
from ..query import And, Node, Not, Or, Phrase, Term
from . import SearchQuery, SearchResult
from .base import SqlBackend

WEIGHTS = {
    "title": "A", "author": "B", "orcid": "B", "issn": "B", "keyword": "B", "identifier": "B",
    "journal": "C", "organisation": "C", "abstract": "C", "other": "C", "fulltext": "D",
}  # fmt: skip
FIELD_CODES = {
    "title": "t", "author": "a", "orcid": "o", "journal": "j", "issn": "s", "keyword": "k",
    "identifier": "i", "organisation": "g",
}  # fmt: skip
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
# "1A", "2A" … for each weight, indexed by position (words past the last position share it).
_POSITIONS = {weight: [""] + [f"{p}{weight}" for p in range(1, MAX_POSITION + 1)] for weight in "ABCD"}


class PostgresBackend(SqlBackend):
    vendor = "postgresql"
    id_aggregate = "string_agg(CAST({} AS text), ',')"
    text_aggregate = "string_agg(CAST({} AS text), ',')"  # float8 as text is the shortest exact form
    # ts_rank reads each ranked record's (mostly TOASTed) tsvector: about 10 µs a record.
    max_ranked = 1_000

    def write_text(self, documents: Sequence[IndexDocument]) -> None:
        self.insert_rows(
            "search_text", ("record_id", "document"), [(d.record_id, tsvector_literal(d)) for d in documents]
        )

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """COPY: one statement for all rows, instead of a round of the protocol per row."""
        if rows:
            with (
                self.connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)

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

    def scores_sql(self, node: Node, ids: list[int]) -> tuple[str, list[Any]]:
        query = tsquery(node)
        return (
            "SELECT record_id AS id, CAST(ts_rank(document, CAST(%s AS tsquery)) AS float8) AS score"
            " FROM search_text WHERE record_id = ANY(%s) AND document @@ CAST(%s AS tsquery)",
            [query, ids, query],
        )


def _quote(lexeme: str) -> str:
    return "'" + _escape(lexeme) + "'"


def _escape(lexeme: str) -> str:
    return lexeme.replace("\\", "\\\\").replace("'", "''")


def tsvector_literal(document: IndexDocument) -> str:
    """The document as tsvector input: each lexeme with its positions and weight. (A reindex writes a
    million of these: positions are ready-made strings, and lexemes are escaped only when one needs it.)"""
    positions: dict[str, list[str]] = defaultdict(list)
    position = 1
    for column in COLUMNS:
        words = document.columns[column]
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
    lexemes = "".join(positions)
    if "'" in lexemes or "\\" in lexemes:  # never from `analysis`, whose words are letters and digits
        positions = {_escape(lexeme): entries for lexeme, entries in positions.items()}
    if position > MAX_POSITION:  # words past the last position share it: once per lexeme
        return " ".join(
            f"'{lexeme}':{','.join(dict.fromkeys(entries[:MAX_POSITIONS_PER_LEXEME]))}"
            for lexeme, entries in positions.items()
        )
    return " ".join(
        f"'{lexeme}':{','.join(entries[:MAX_POSITIONS_PER_LEXEME])}" for lexeme, entries in positions.items()
    )


def tsquery(node: Node) -> str:
    """The tsquery literal for a tree; words are letters and digits only, quoted all the same."""
    if isinstance(node, Term):
        star = ":*" if node.prefix else ""
        return _any([_quote(lexeme) + star for form in node.forms for lexeme in _lexemes(form, node.columns)])
    if isinstance(node, Phrase):
        alternatives = []
        for words in node.variants:
            for code in _codes(node.columns):
                quoted = [_quote(f"{code}{w}") for w in words]
                if node.prefix:
                    quoted[-1] += ":*"
                alternatives.append(" <-> ".join(quoted))
        return _any(alternatives)
    if isinstance(node, Or):
        return " | ".join(f"({tsquery(c)})" for c in node.children)
    if isinstance(node, And):
        parts = [f"({tsquery(c)})" for c in node.children if not isinstance(c, Not)]
        parts += [f"!({tsquery(c.child)})" for c in node.children if isinstance(c, Not)]
        return " & ".join(parts)
    raise ValueError(f"cannot compile {node!r}")


def _codes(columns: tuple[str, ...]) -> list[str]:
    return [f"{FIELD_CODES[c]}:" for c in columns] if columns else [""]


def _lexemes(form: str, columns: tuple[str, ...]) -> list[str]:
    return [f"{code}{form}" for code in _codes(columns)]


def _any(alternatives: list[str]) -> str:
    return alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")"
