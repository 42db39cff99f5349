"""What both backends share: writing the entry and facet tables, and the search SQL around the text match.

A search is three statements over the same FROM/WHERE: the page (ordered, keyset-limited), the count, and
the facet counts (grouped over the same matching records, so counts always agree with the results).
Visibility is `visible_records(actor)` compiled against the record table, not a copy of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models import Q

from ..documents import IndexDocument
from ..query import Node
from . import FacetFilter, SearchQuery, SearchResult, YearRange

CHUNK = 500
# (column, direction) of each sort order; the record id breaks ties, so every key is unique.
ORDERS = {
    "relevance": (("hits.score", "DESC"), ("e.record_id", "DESC")),
    "year_desc": (("e.year_key", "DESC"), ("e.record_id", "DESC")),
    "year_asc": (("e.year_key", "ASC"), ("e.record_id", "ASC")),
    "title": (("e.sort_title", "ASC"), ("e.record_id", "ASC")),
    "updated": (("e.last_updated", "DESC"), ("e.record_id", "DESC")),
}
# Facets with many values (people, journals) are cut to the most frequent; the others are listed whole.
LIMITED_FACETS = ("author", "journal")


class SqlBackend:
    vendor = ""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    # ------------------------------------------------------------ what each backend provides

    def write_text(self, documents: Sequence[IndexDocument]) -> None:
        raise NotImplementedError

    def delete_text(self, record_ids: Sequence[int]) -> None:
        raise NotImplementedError

    def hits_sql(self, node: Node, *, with_score: bool) -> tuple[str, list[Any]]:
        """SELECT id, score FROM the text index WHERE it matches `node` (score: higher is better, a double
        that survives the round trip through a cursor exactly)."""
        raise NotImplementedError

    def orphan_text_sql(self) -> str:
        raise NotImplementedError

    def date_param(self, value: dt.date) -> Any:
        return value

    # ------------------------------------------------------------ writing

    def index(self, documents: Sequence[IndexDocument]) -> None:
        if not documents:
            return
        self.delete([d.record_id for d in documents])
        entries = [
            (d.record_id, d.year_key, d.sort_title, self.date_param(d.last_updated), d.has_fulltext)
            for d in documents
        ]
        facets = [(d.record_id, name, value[:64]) for d in documents for name, value in sorted(d.facets)]
        with self.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_entry (record_id, year_key, sort_title, last_updated, has_fulltext) "
                "VALUES (%s, %s, %s, %s, %s)",
                entries,
            )
            if facets:
                cursor.executemany(
                    "INSERT INTO search_facet (record_id, field, value) VALUES (%s, %s, %s)", facets
                )
        self.write_text(documents)

    def delete(self, record_ids: Sequence[int]) -> None:
        ids = list(record_ids)
        with self.connection.cursor() as cursor:
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM search_facet WHERE record_id IN ({marks})", chunk)
                cursor.execute(f"DELETE FROM search_entry WHERE record_id IN ({marks})", chunk)
                self.delete_text(chunk)

    def delete_orphans(self) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_facet WHERE record_id NOT IN (SELECT id FROM records_record)")
            cursor.execute("DELETE FROM search_entry WHERE record_id NOT IN (SELECT id FROM records_record)")
            removed = cursor.rowcount
            cursor.execute(self.orphan_text_sql())
            return removed + max(cursor.rowcount, 0)

    def refresh_statistics(self) -> None:
        """Rebuild helper: let the query planner see the index tables as they now are."""
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE search_entry")
            cursor.execute("ANALYZE search_facet")

    def indexed_count(self) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM search_entry")
            return cursor.fetchone()[0]

    # ------------------------------------------------------------ searching

    def search(self, query: SearchQuery) -> SearchResult:
        order = ORDERS[query.sort]
        relevance = query.sort == "relevance"
        if relevance and query.parsed.match is None:
            raise ValueError("relevance order needs a text match")
        tables = self._tables(query)
        where, where_params = self._where(query)
        with self.connection.cursor() as cursor:
            head, head_params = self._with(query, with_score=relevance)
            rows, has_next, has_previous = self._page(
                cursor, query, order, (head, tables), [*head_params, *where_params], where
            )
            head, head_params = self._with(query, with_score=False)
            cursor.execute(
                f"{head} SELECT COUNT(*) FROM {tables} WHERE {where}", [*head_params, *where_params]
            )
            total = cursor.fetchone()[0]
            facets = {}
            if query.with_facets and total:
                facets = self._facets(cursor, query, head, tables, [*head_params, *where_params], where)
        return SearchResult(
            ids=[r[0] for r in rows],
            keys=[self._key(order, r) for r in rows],
            total=total,
            facets=facets,
            has_next=has_next,
            has_previous=has_previous,
        )

    # SQLite's planner takes CROSS JOIN as "keep this order": the matches drive the join.
    hits_join = "JOIN"

    def _with(self, query: SearchQuery, *, with_score: bool) -> tuple[str, list[Any]]:
        """The text matches as a materialised CTE, so the database runs the text match once, not once per
        entry; empty when the search has no text to match."""
        if query.parsed.match is None:
            return "", []
        hits, params = self.hits_sql(query.parsed.match, with_score=with_score)
        return f"WITH hits AS MATERIALIZED ({hits})", params

    def _tables(self, query: SearchQuery) -> str:
        tables = "search_entry e JOIN records_record ON records_record.id = e.record_id"
        if query.parsed.match is None:
            return tables
        return f"hits {self.hits_join} {tables.replace(' JOIN', ' ON e.record_id = hits.id JOIN', 1)}"

    def _where(self, query: SearchQuery) -> tuple[str, list[Any]]:
        conditions, params = [], []
        visible, visible_params = self._visibility(query.visible)
        conditions.append(visible)
        params += visible_params
        for facet in query.filters:
            sql, facet_params = self._facet_condition(facet)
            conditions.append(sql)
            params += facet_params
        for years in query.years:
            conditions.append(self._year_condition(years))
            params += [years.start or 1, years.end or 9999]
        if query.parsed.exclude is not None:
            hits, hit_params = self.hits_sql(query.parsed.exclude, with_score=False)
            conditions.append(f"e.record_id NOT IN (SELECT excluded.id FROM ({hits}) excluded)")
            params += hit_params
        return " AND ".join(f"({c})" for c in conditions), params

    def _visibility(self, visible: Q) -> tuple[str, list[Any]]:
        """`visible_records(actor)` as SQL over records_record, compiled by Django from the Q itself."""
        from samla.records.models import Record

        query = Record.objects.filter(visible).query
        compiler = query.get_compiler(connection=self.connection)
        try:
            sql, params = query.where.as_sql(compiler, self.connection)
        except FullResultSet:
            return "1 = 1", []
        except EmptyResultSet:
            return "1 = 0", []
        return sql, list(params)

    @staticmethod
    def _facet_condition(facet: FacetFilter) -> tuple[str, list[Any]]:
        if not facet.values:
            return ("1 = 1", []) if facet.negated else ("1 = 0", [])
        marks = ", ".join(["%s"] * len(facet.values))
        negation = "NOT " if facet.negated else ""
        subquery = f"SELECT record_id FROM search_facet WHERE field = %s AND value IN ({marks})"
        sql = f"e.record_id {negation}IN ({subquery})"
        return sql, [facet.field, *facet.values]

    @staticmethod
    def _year_condition(years: YearRange) -> str:
        sql = "e.year_key BETWEEN %s AND %s"
        return f"NOT ({sql})" if years.negated else sql

    def _page(self, cursor, query, order, statement, params, where):
        backwards = query.before is not None
        key = query.before if backwards else query.after
        keyset, keyset_params = ("", [])
        if key is not None:
            keyset, keyset_params = self._keyset(order, key, backwards=backwards)
        directions = [(column, _flip(d) if backwards else d) for column, d in order]
        order_sql = ", ".join(f"{column} {direction}" for column, direction in directions)
        columns = ", ".join(column for column, _d in reversed(order))  # id first, then the key
        cursor.execute(
            f"{statement[0]} SELECT {columns} FROM {statement[1]} WHERE {where}{keyset}"
            f" ORDER BY {order_sql} LIMIT %s OFFSET %s",
            [*params, *keyset_params, query.size + 1, query.offset],
        )
        rows = cursor.fetchall()
        more = len(rows) > query.size
        rows = rows[: query.size]
        if backwards:
            return list(reversed(rows)), True, more
        return rows, more, key is not None or query.offset > 0

    def _keyset(self, order, key: tuple[Any, ...], *, backwards: bool) -> tuple[str, list[Any]]:
        (column, direction), (id_column, _d) = order
        value, record_id = key
        if column == "e.last_updated":
            value = self.date_param(dt.date.fromisoformat(value))
        after = (direction == "DESC") != backwards
        op = "<" if after else ">"
        sql = f" AND ({column} {op} %s OR ({column} = %s AND {id_column} {op} %s))"
        return sql, [value, value, record_id]

    @staticmethod
    def _key(order, row) -> tuple[Any, ...]:
        record_id, value = row[0], row[1]
        if isinstance(value, dt.date):
            value = value.isoformat()
        return (value, record_id)

    def _facets(self, cursor, query: SearchQuery, head: str, tables: str, params: list[Any], where: str):
        limited = ", ".join(["%s"] * len(LIMITED_FACETS))
        counts = (
            "SELECT field, value, n FROM ("
            " SELECT field, value, n,"
            " ROW_NUMBER() OVER (PARTITION BY field ORDER BY n DESC, value) AS position"
            " FROM (SELECT f.field, f.value, COUNT(*) AS n FROM search_facet f"
            f"  WHERE f.record_id IN (SELECT e.record_id FROM {tables} WHERE {where})"
            "  GROUP BY f.field, f.value) counts"
            f") ranked WHERE position <= %s OR field NOT IN ({limited})"
        )
        cursor.execute(f"{head} {counts}", [*params, query.facet_limit, *LIMITED_FACETS])
        facets: dict[str, list[tuple[str, int]]] = {}
        for name, value, count in cursor.fetchall():
            facets.setdefault(name, []).append((value, count))
        for values in facets.values():
            values.sort(key=lambda v: (-v[1], v[0]))
        return facets


def _flip(direction: str) -> str:
    return "ASC" if direction == "DESC" else "DESC"
