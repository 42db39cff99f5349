"""One search interface, two implementations chosen by the database: SQLite FTS5 and PostgreSQL full text.

Both take the same `SearchQuery` and answer with the same `SearchResult`; what differs is only how the
text index is stored and matched (`fts5.py`, `postgres.py`). Filters, visibility, sort orders, keyset
paging and facet counts are the same SQL on both (`base.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import connection as default_connection
from django.db.models import Q

from ..index_documents import IndexDocument
from ..query import ParsedQuery

SORTS = ("relevance", "year_desc", "year_asc", "title", "updated")


@dataclass(frozen=True)
class FacetFilter:
    """Results must have one of `values` for `field` (or none of them when `negated`)."""

    field: str
    values: tuple[str, ...]
    negated: bool = False


@dataclass(frozen=True)
class YearRange:
    start: int | None = None
    end: int | None = None
    negated: bool = False


@dataclass(frozen=True)
class SearchQuery:
    parsed: ParsedQuery
    visible: Q  # `visible_records(actor)`: the rule for lists, applied to the record itself
    filters: tuple[FacetFilter, ...] = ()
    years: tuple[YearRange, ...] = ()
    sort: str = "relevance"
    after: tuple[Any, ...] | None = None  # keyset: the sort key of the last result of the page before
    before: tuple[Any, ...] | None = None  # keyset: the sort key of the first result of the page after
    offset: int = 0
    size: int = 20
    with_facets: bool = True
    facet_limit: int = 30


@dataclass(frozen=True)
class SearchResult:
    ids: list[int]  # in result order
    keys: list[tuple[Any, ...]]  # the sort key of each result, for cursors
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    has_next: bool = False
    has_previous: bool = False


class SearchBackend(Protocol):
    vendor: str

    def index(self, documents: Sequence[IndexDocument]) -> None:
        """Write (or replace) the index entries of these records, in the caller's transaction."""

    def delete(self, record_ids: Sequence[int]) -> None:
        """Remove these records from the index."""

    def search(self, query: SearchQuery) -> SearchResult:
        """The page of results, the total and the facet counts of `query`."""

    def delete_orphans(self) -> int:
        """Rebuild helper: remove index rows of records that no longer exist; returns how many."""

    def bulk_writing(self) -> AbstractContextManager[None]:
        """Settings for writing many records' entries at once (a rebuild, a large import), restored after."""

    def finish_rebuild(self) -> None:
        """Rebuild helper: tidy the index after a complete rebuild."""

    def refresh_statistics(self) -> None:
        """Rebuild helper: refresh the query planner's statistics of the index tables."""

    def indexed_count(self) -> int:
        """Rebuild helper: how many records the index holds."""


def backend_for(connection: Any = None) -> SearchBackend:
    """The backend for a database connection's vendor (the default connection when none is given)."""
    connection = connection or default_connection
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend(connection)
    if connection.vendor == "sqlite":
        from .fts5 import Fts5Backend

        return Fts5Backend(connection)
    raise NotImplementedError(f"no search backend for {connection.vendor}")
