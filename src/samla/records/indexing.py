"""The index that record services keep in step, reached through the hooks search registers at start.

Search reads records, their parts and the people, organisations and journals they name to build its
documents, so it is a layer above records; records never imports it. `SearchConfig.ready` registers its
indexing functions here (`register_index`), and record services call `index_records` or `index_written`
inside their transaction, so the index never disagrees with what was committed. With no index registered
(no search app) nothing is indexed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Record


@dataclass
class WrittenRows:
    """What a writer has just inserted for a batch of records, as plain rows, in the order the database
    keeps (a record's contributions, their affiliations and its identifiers by position): the index
    builds the batch's documents from these instead of reading back what was written."""

    records: list[Record]  # saved, with their fields and journals assigned
    contributions: list[tuple]  # (record id, family, given, person id, its ORCID, family and given name)
    affiliations: list[tuple[int, int | None, str]]  # (record id, organisation id, text)
    identifiers: list[tuple[int, str, str]]  # (record id, scheme, value): the record's own, no relations
    subjects: list[tuple[int, str]]  # (record id, SSIF code)


@dataclass(frozen=True)
class Index:
    """What the record services need of an index: (re)index records by id, or from the rows just written."""

    index_records: Callable[[Iterable[int]], None]
    index_written: Callable[[WrittenRows], None]


_index: Index | None = None


def register_index(index: Index) -> None:
    """Called once, by the search app's `ready`."""
    global _index
    _index = index


def index_records(record_ids: Iterable[int]) -> None:
    """Write the index entries of these records, in the caller's transaction."""
    if _index is not None:
        _index.index_records(record_ids)


def index_written(rows: WrittenRows) -> None:
    """`index_records` for records a writer has just written, from the rows it holds."""
    if _index is not None:
        _index.index_written(rows)
