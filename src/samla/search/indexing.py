"""Keeping the index in step with the records: the one entry point for indexing.

Record services reach `index_records` and `index_written` through the hooks `SearchConfig.ready` registers
in `records.indexing` (records is a layer below search); files and imports call this module directly, and
only this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any

from samla.records.indexing import WrittenRows

from .analysis import using_precomputed_stems
from .backends import backend_for
from .index_documents import build_documents, documents_from_rows, natural_stems, rows_written


def index_records(record_ids: Iterable[int], *, extra_text: Mapping[int, str] | None = None) -> None:
    """Write the index entries of these records (one batch of queries for all of them), in the caller's
    transaction, so the index never disagrees with what was committed."""
    backend_for().index(build_documents(record_ids, extra_text))


def index_written(rows: WrittenRows) -> None:
    """`index_records` for records a writer has just written, from the rows it holds: reading them back
    cost about a third of writing a batch of new records."""
    backend_for().index(documents_from_rows(rows_written(rows)))


def work_ahead(values: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """What indexing a record with these mapped input values needs that can be worked out away from the
    database (the stems of its titles, keywords and abstracts): an import's reading process works it out
    while the writing process writes the batch before. Plain data, so it pickles between the two."""
    return natural_stems(values)


def using_work_ahead(work: Mapping[tuple[str, str], str]) -> AbstractContextManager[None]:
    """Index with what `work_ahead` worked out instead of working it out again, meanwhile."""
    return using_precomputed_stems(work)


def writing_many() -> AbstractContextManager[None]:
    """The index's settings for writing many records at once (a large import), for the time of it."""
    return backend_for().bulk_writing()


def remove_records(record_ids: Iterable[int]) -> None:
    """Take these records out of the index (a deleted record's rows also go with it by cascade)."""
    backend_for().delete(list(record_ids))


def index_text_for_record(record_id: int, extra_text: str) -> None:
    """Extension point for full text: re-index one record now with `extra_text` (e.g. a file's extracted
    text) in its full-text slot, besides what registered text sources give. A text source registered with
    `documents.register_text_source` keeps the text through later updates and `samla reindex`."""
    index_records([record_id], extra_text={record_id: extra_text})
