"""What both backends share: writing the entry and facet tables, and a search around the text match.

A search is one text query (the ids of the matching records), then set arithmetic in memory
(`search.memory`: visibility, facet filters and facet counts over exactly the same mask, so counts always
agree with the results), then the page: by relevance, a second text query scores a bounded set of the
results (`_relevance`) and the page is picked in memory; or read in a stored order from `search_entry`.
Visibility is `visible_records(actor)` compiled against the record table, not a copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models import Q

from ..index_documents import IndexDocument
from ..memory import FacetSets, bump, facet_sets, id_array
from ..query import Node, head_node
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
    # How many of its most recently added results a relevance search ranks at most (`_relevance`):
    # bm25 costs per record ranked (docs/benchmarks.md).
    max_ranked = 2_000

    def write_text(self, documents: Sequence[IndexDocument]) -> None:
        """Write the documents' text (`text_of` each, unless prepared ahead)."""
        raise NotImplementedError

    def text_of(self, document: IndexDocument) -> Any:
        """The document's text as `write_text` writes it."""
        raise NotImplementedError

    def prepare(self, documents: Sequence[IndexDocument]) -> None:
        """Rebuild helper: put each document's text in the form `write_text` writes, and drop its word
        lists, in the process that builds the documents. Why: the writing process and its database
        session are the rebuild's critical path (the builder had time to spare), and the prepared text
        crosses between the processes in one piece rather than as lists of words."""
        for document in documents:
            document.text = self.text_of(document)
            document.columns = {}

    def _texts(self, documents: Sequence[IndexDocument]) -> list[Any]:
        return [d.text if d.text is not None else self.text_of(d) for d in documents]

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert many rows into one table."""
        if rows:
            marks = ", ".join(["%s"] * len(columns))
            with self.connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def delete_text(self, record_ids: Sequence[int]) -> None:
        raise NotImplementedError

    def hits_sql(self, node: Node) -> tuple[str, list[Any]]:
        """SELECT id FROM the text index WHERE it matches `node`."""
        raise NotImplementedError

    def hits_among_sql(self, node: Node, ids: list[int]) -> tuple[str, list[Any]]:
        """SELECT id FROM the text index WHERE it matches `node`, of the records `ids` (ascending)."""
        raise NotImplementedError

    def scores_sql(self, node: Node, ids: list[int]) -> tuple[str, list[Any]]:
        """SELECT id, score (higher is better) of those of the records `ids` (ascending) that match
        `node`."""
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
        self.insert_rows(
            "search_entry", ("record_id", "year_key", "sort_title", "last_updated", "has_fulltext"), entries
        )
        self.insert_rows("search_facet", ("record_id", "field", "value"), facets)
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
            cursor.execute(
                "DELETE FROM search_facet WHERE NOT EXISTS "
                "(SELECT 1 FROM records_record r WHERE r.id = search_facet.record_id)"
            )
            cursor.execute(
                "DELETE FROM search_entry WHERE NOT EXISTS "
                "(SELECT 1 FROM records_record r WHERE r.id = search_entry.record_id)"
            )
            removed = cursor.rowcount
            cursor.execute(self.orphan_text_sql())
            return removed + max(cursor.rowcount, 0)

    @contextmanager
    def bulk_writing(self) -> Iterator[None]:
        """Settings for writing many records' entries at once (a rebuild, a large import), restored after."""
        yield

    def finish_rebuild(self) -> None:
        """Rebuild helper: tidy the index after a complete rebuild."""

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
        mask = self._matching(sets, query)
        total = int(mask.sum())
        facets = sets.counts(mask, query.facet_limit) if query.with_facets and total else {}
        if query.sort == "relevance":
            results = np.flatnonzero(mask)  # the matches kept, in id order
            scores = self._relevance(sets, query.parsed.match, results)
            rows, has_next, has_previous = _ranked_page(query, results, scores)
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

    def _matching(self, sets: FacetSets, query: SearchQuery) -> np.ndarray:
        """The mask of the results: visible, indexed, matching the text and every filter."""
        visible, visible_params = self._visibility(query.visible)
        mask = sets.visible(self, visible, visible_params)
        if query.parsed.match is not None:
            mask &= sets.match_mask(self, query.parsed.match)
        if query.parsed.exclude is not None:
            mask &= ~sets.match_mask(self, query.parsed.exclude)
        for facet in query.filters:
            having = sets.having(facet.field, facet.values)
            mask &= ~having if facet.negated else having
        for years in query.years:
            in_range = sets.years(years.start or 1, years.end or 9999)
            mask &= ~in_range if years.negated else in_range
        return mask

    def _relevance(self, sets: FacetSets, node: Node, results: np.ndarray) -> np.ndarray:
        """The relevance score of each result (`results`: ids, ascending), higher first.

        Ranking reads each ranked record's text, so it costs about ten times what matching does, and only
        a bounded set is ranked: of the results, the `max_ranked` most recently added (the highest ids,
        a short range for the text index to read), those matching in the head columns (`head_node`), by
        the backend's rank function (scores >= 0). Every other result follows by year, newest first
        (scores year / 10,000 - 1), the record id breaking ties."""
        scores = sets.year[results] / 10_000 - 1.0
        candidates = results[-self.max_ranked :]
        if len(candidates):
            ranked, ranks = self._scores(head_node(node), candidates)
            scores[np.searchsorted(results, ranked)] = ranks
        return scores

    def fresh_match(self, sets: FacetSets, node: Node) -> np.ndarray:
        """The mask of the records whose text matches `node`, matched now (`FacetSets.match_mask` keeps
        it)."""
        return sets.mask_of(self.matching_ids(*self.hits_sql(node)))

    def matching_ids(self, hits: str, params: list[Any]) -> np.ndarray:
        """Ids of the records `hits` (`hits_sql`) selects, as one aggregate: a string crosses from the
        database instead of a row per match."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT {self.id_aggregate.format('hits.id')} FROM ({hits}) hits", params)
            return id_array(cursor.fetchone()[0])

    def _scores(self, node: Node, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rank scores of those of these records that match `node`, as two aggregates. (Materialised: FTS5
        computes bm25 only in a plain query over its table.)"""
        hits, params = self.scores_sql(node, ids.tolist())
        score = self.text_aggregate.format("hits.score")
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"WITH hits AS MATERIALIZED ({hits})"
                f" SELECT {self.id_aggregate.format('hits.id')}, {score} FROM hits",
                params,
            )
            ids_text, scores_text = cursor.fetchone()
        return id_array(ids_text), np.fromstring(scores_text or "", dtype=np.float64, sep=",")

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
    wanted = query.offset + query.size + 1
    if len(ids) > wanted:  # only the scores that can reach the page are sorted (ties at the edge too)
        if backwards:
            keep = scores <= np.partition(scores, wanted - 1)[wanted - 1]
        else:
            keep = scores >= np.partition(scores, len(scores) - wanted)[len(scores) - wanted]
        ids, scores = ids[keep], scores[keep]
    order = np.lexsort((ids, scores))  # ascending: the page after a key runs backwards from the end
    if not backwards:
        order = order[::-1]
    picked = order[query.offset : wanted]
    rows = [(int(ids[i]), float(scores[i])) for i in picked]
    more = len(rows) > query.size
    rows = rows[: query.size]
    if backwards:
        return list(reversed(rows)), True, more
    return rows, more, key is not None or query.offset > 0


def _flip(direction: str) -> str:
    return "ASC" if direction == "DESC" else "DESC"
