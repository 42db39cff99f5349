"""What both backends share: writing the entry and facet tables, and a search around the text match.

A search is one text query (the ids of the matching records, with scores when ranked), then set
arithmetic in memory (`search.memory`: visibility, facet filters and facet counts over exactly the same
mask, so counts always agree with the results), then the page: ranked in memory, or read in a stored order
from `search_entry`. Visibility is `visible_records(actor)` compiled against the record table, not a copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models import Q

from ..documents import IndexDocument
from ..memory import FacetSets, bump, facet_sets
from ..query import Node
from . import SearchQuery, SearchResult

CHUNK = 500
# (column, direction) of each sort order; the record id breaks ties, so every key is unique.
ORDERS = {
    "relevance": (("hits.score", "DESC"), ("e.record_id", "DESC")),
    "year_desc": (("e.year_key", "DESC"), ("e.record_id", "DESC")),
    "year_asc": (("e.year_key", "ASC"), ("e.record_id", "ASC")),
    "title": (("e.sort_title", "ASC"), ("e.record_id", "ASC")),
    "updated": (("e.last_updated", "DESC"), ("e.record_id", "DESC")),
}
# Up to this many results, a page in a stored order is sorted by the database from their ids; beyond, the
# sort index is walked in chunks of at most MAX_WALK_CHUNK rows.
MAX_IDS_IN_SQL = 20_000
MAX_WALK_CHUNK = 50_000


class SqlBackend:
    vendor = ""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    # ------------------------------------------------------------ what each backend provides

    # SQL aggregating a column of a group into one comma-separated text: record ids, and scores written
    # so that they read back exactly.
    id_aggregate = "group_concat({})"
    text_aggregate = "group_concat({})"
    # Whether scoring only the filtered results (`hits_sql(within=…)`) is cheaper than scoring every match.
    ranks_within_results = False

    def write_text(self, documents: Sequence[IndexDocument]) -> None:
        raise NotImplementedError

    def delete_text(self, record_ids: Sequence[int]) -> None:
        raise NotImplementedError

    def hits_sql(
        self, node: Node, *, with_score: bool, within: list[int] | None = None
    ) -> tuple[str, list[Any]]:
        """SELECT id, score FROM the text index WHERE it matches `node` (score: higher is better), only
        among the records `within` when given."""
        raise NotImplementedError

    def orphan_text_sql(self) -> str:
        raise NotImplementedError

    def date_param(self, value: dt.date) -> Any:
        return value

    # ------------------------------------------------------------ writing

    def index(self, documents: Sequence[IndexDocument]) -> None:
        if not documents:
            return
        self._delete_rows([d.record_id for d in documents])
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
        bump(self.connection, [d.record_id for d in documents])

    def delete(self, record_ids: Sequence[int]) -> None:
        ids = list(record_ids)
        self._delete_rows(ids)
        bump(self.connection, ids)

    def _delete_rows(self, ids: list[int]) -> None:
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
        if query.sort == "relevance" and query.parsed.match is None:
            raise ValueError("relevance order needs a text match")
        sets = facet_sets(self)
        matched, scores, mask = self._matching(sets, query)
        total = int(mask.sum())
        facets = sets.counts(mask, query.facet_limit) if query.with_facets and total else {}
        if query.sort == "relevance":
            rows, has_next, has_previous = _ranked_page(query, matched[mask[matched]], scores[mask[matched]])
        else:
            rows, has_next, has_previous = self._sorted_page(query, sets, mask, total)
        order = ORDERS[query.sort]
        return SearchResult(
            ids=[r[0] for r in rows],
            keys=[self._key(order, r) for r in rows],
            total=total,
            facets=facets,
            has_next=has_next,
            has_previous=has_previous,
        )

    def _matching(self, sets: FacetSets, query: SearchQuery) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The text matches (ids and scores) and the mask of the results: visible, indexed, matching the
        text and every filter."""
        visible, visible_params = self._visibility(query.visible)
        mask = sets.visible(self, visible, visible_params)
        matched = scores = np.zeros(0, dtype=np.int64)
        ranked = query.sort == "relevance"
        narrowed = self.ranks_within_results and bool(query.filters or query.years)
        if query.parsed.match is not None:
            matched, scores = self._matches(query.parsed.match, with_score=ranked and not narrowed)
            inside = matched < sets.capacity
            matched, scores = matched[inside], scores[inside]
            mask &= sets.mask_of(matched)
        if query.parsed.exclude is not None:
            excluded, _scores = self._matches(query.parsed.exclude, with_score=False)
            mask &= ~sets.mask_of(excluded)
        for facet in query.filters:
            having = sets.having(facet.field, facet.values)
            mask &= ~having if facet.negated else having
        for years in query.years:
            in_range = sets.years(years.start or 1, years.end or 9999)
            mask &= ~in_range if years.negated else in_range
        if ranked and narrowed:  # score only the results: ranking costs ten times what matching does
            within = np.flatnonzero(mask).tolist()
            matched, scores = self._matches(query.parsed.match, with_score=True, within=within)
        return matched, scores, mask

    def _matches(
        self, node: Node, *, with_score: bool, within: list[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Ids (and scores, else zeros) of the records whose text matches, as two aggregates: a few
        strings cross from the database instead of a row per match. (Materialised: FTS5 computes bm25
        only in a plain query over its table.)"""
        hits, params = self.hits_sql(node, with_score=with_score, within=within)
        score = self.text_aggregate.format("hits.score") if with_score else "''"
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"WITH hits AS MATERIALIZED ({hits})"
                f" SELECT {self.id_aggregate.format('hits.id')}, {score} FROM hits",
                params,
            )
            ids_text, scores_text = cursor.fetchone()
        ids = np.fromstring(ids_text or "", dtype=np.int64, sep=",")
        if not with_score or not scores_text:
            return ids, np.zeros(len(ids))
        return ids, np.fromstring(scores_text, dtype=np.float64, sep=",")

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

    def ids_condition(self, ids: list[int]) -> tuple[str, list[Any]]:
        """SQL true for search_entry rows of these record ids, as one parameter."""
        raise NotImplementedError

    def _sorted_page(self, query: SearchQuery, sets: FacetSets, mask: np.ndarray, total: int):
        """A page in a stored order: few results are looked up by id and sorted by the database; many
        are found by walking the sort index in chunks, keeping the rows in the mask."""
        order = ORDERS[query.sort]
        backwards = query.before is not None
        key = query.before if backwards else query.after
        wanted = query.offset + query.size + 1
        if total <= MAX_IDS_IN_SQL:
            condition, params = self.ids_condition(np.flatnonzero(mask).tolist())
            rows = self._entries(order, condition, params, key, backwards, limit=wanted)
        else:
            rows = []
            chunk = min(MAX_WALK_CHUNK, wanted * sets.capacity // max(total, 1) + 100)
            while len(rows) < wanted:
                batch = self._entries(order, "1 = 1", [], key, backwards, limit=chunk)
                rows += [row for row in batch if mask[row[0]]]
                if len(batch) < chunk:
                    break
                key = self._key(order, batch[-1])
        rows = rows[query.offset : wanted]
        more = len(rows) > query.size
        rows = rows[: query.size]
        if backwards:
            return list(reversed(rows)), True, more
        return rows, more, query.after is not None or query.offset > 0

    def _entries(self, order, condition: str, params: list[Any], key, backwards: bool, *, limit: int):
        keyset, keyset_params = ("", [])
        if key is not None:
            keyset, keyset_params = self._keyset(order, key, backwards=backwards)
        directions = [(column, _flip(d) if backwards else d) for column, d in order]
        order_sql = ", ".join(f"{column} {direction}" for column, direction in directions)
        columns = ", ".join(column for column, _d in reversed(order))  # id first, then the key
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM search_entry e WHERE {condition}{keyset}"
                f" ORDER BY {order_sql} LIMIT %s",
                [*params, *keyset_params, limit],
            )
            return cursor.fetchall()

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


def _ranked_page(query: SearchQuery, ids: np.ndarray, scores: np.ndarray):
    """A page by relevance (score, then id, both descending), sorted here from the matches' scores."""
    backwards = query.before is not None
    key = query.before if backwards else query.after
    if key is not None:
        score, record_id = float(key[0]), int(key[1])
        if backwards:
            keep = (scores > score) | ((scores == score) & (ids > record_id))
        else:
            keep = (scores < score) | ((scores == score) & (ids < record_id))
        ids, scores = ids[keep], scores[keep]
    order = np.lexsort((ids, scores))  # ascending: the page after a key runs backwards from the end
    if not backwards:
        order = order[::-1]
    picked = order[query.offset : query.offset + query.size + 1]
    rows = [(int(ids[i]), float(scores[i])) for i in picked]
    more = len(rows) > query.size
    rows = rows[: query.size]
    if backwards:
        return list(reversed(rows)), True, more
    return rows, more, key is not None or query.offset > 0


def _flip(direction: str) -> str:
    return "ASC" if direction == "DESC" else "DESC"
