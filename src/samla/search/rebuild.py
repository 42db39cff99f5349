"""Rebuilding the whole index (`samla reindex`): in batches, in constant memory, resumable, one at a time.

Each batch is written and checkpointed in one transaction, so a run stopped at any point (Ctrl-C,
`kill -9`) resumes after the last committed batch. Entries are replaced in place, never cleared first, so
search keeps working during a rebuild. A lock (a PostgreSQL advisory lock, or an flock beside the SQLite
file; both die with the process) refuses a second concurrent run.

Building the documents (text analysis in Python) costs about as much as writing them, so a large rebuild
builds them in a second process (`batch.pipeline`), a few batches ahead of this one, which writes. A
record changed by a record service after its document was built (its index write is in the change log,
`search_change`) is built again in the writing transaction, so a rebuild never writes an older version.

The builder is forked, and reads on database connections it opens itself: SQLite allows that, provided
the connection a child inherits is never used there (nor closed: it stays referenced until the child
leaves with `os._exit`) and the parent holds no lock when it forks, which is why only a rebuild outside
any transaction forks.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from samla.batch.pipeline import run_in_worker
from samla.core.access import Actor, require
from samla.core.errors import Conflict
from samla.records.models import Record

from .backends import backend_for
from .index_documents import IndexDocument, build_documents
from .memory import changed_since, current_counter, prune_changes
from .models import ReindexCheckpoint

CHECKPOINT = "full"
ADVISORY_LOCK_KEY = 0x53414D4C41  # "SAMLA"
# Fewer records than this are built in this process: a second process is not worth starting for them.
PIPELINE_MIN_RECORDS = 20_000
# Connections a forked builder inherited: kept referenced (never closed there) until it exits.
_INHERITED: list[Any] = []


@dataclass(frozen=True)
class ReindexBatch:
    """One committed batch: the records from `first_id` to `last_id`, `count` of them."""

    first_id: int
    last_id: int
    count: int


@dataclass(frozen=True)
class _Batch:
    """The ids of a batch and, when built ahead in the second process, their documents and the change
    counter read before building them."""

    ids: list[int]
    documents: list[IndexDocument] | None = None
    counter: int = 0


@dataclass(frozen=True)
class ReindexPlan:
    resumed_after: int  # 0 for a run from the start
    remaining: int


def plan_reindex(*, restart: bool = False) -> ReindexPlan:
    """Where a run would start and how many records it has left (for a progress bar)."""
    checkpoint = ReindexCheckpoint.objects.filter(name=CHECKPOINT).first()
    after = checkpoint.last_record_id if checkpoint and not checkpoint.finished and not restart else 0
    return ReindexPlan(after, Record.objects.filter(pk__gt=after).count())


def reindex(
    actor: Actor,
    *,
    batch_size: int = 1000,
    restart: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Iterator[ReindexBatch]:
    """Rebuild every record's index entry, resuming an unfinished run unless `restart`; yields each batch.

    Raises Conflict when another rebuild holds the lock.
    """
    require(actor, "search.reindex")
    with reindex_lock():
        after = _start(restart)
        backend = backend_for()
        # closing(): a run stopped early ends the builder process at once
        with backend.bulk_writing(), closing(_batches(after, batch_size)) as batches:
            for batch in batches:
                ids = batch.ids
                with transaction.atomic():
                    backend.index(_documents(batch))
                    ReindexCheckpoint.objects.filter(name=CHECKPOINT).update(
                        last_record_id=ids[-1], indexed=F("indexed") + len(ids)
                    )
                if progress:
                    progress(len(ids))
                yield ReindexBatch(ids[0], ids[-1], len(ids))
            with transaction.atomic():
                backend.delete_orphans()
                prune_changes(connection)
                ReindexCheckpoint.objects.filter(name=CHECKPOINT).update(finished=timezone.now())
            backend.finish_rebuild()
        backend.refresh_statistics()


def _batches(after: int, batch_size: int) -> Iterator[_Batch]:
    """The batches after record id `after`: built ahead in a second process when there are many."""
    few = Record.objects.filter(pk__gt=after).count() < PIPELINE_MIN_RECORDS
    if few or connection.in_atomic_block:
        return (_Batch(ids) for ids in _id_batches(after, batch_size))
    return run_in_worker(_built_batches, after, batch_size)


def _id_batches(after: int, batch_size: int) -> Iterator[list[int]]:
    while ids := list(
        Record.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch_size]
    ):
        yield ids
        after = ids[-1]


def _built_batches(after: int, batch_size: int) -> Iterator[_Batch]:
    """In the second process: each batch's documents, their text prepared for the backend, with the change
    counter read before building them. It reads on connections of its own and writes nothing."""
    for wrapper in connections.all(initialized_only=True):
        _INHERITED.append(wrapper.connection)
        wrapper.connection = None  # the next query connects afresh
    backend = backend_for()
    for ids in _id_batches(after, batch_size):
        counter = current_counter(connection)
        documents = build_documents(ids)
        backend.prepare(documents)
        yield _Batch(ids, documents, counter)


def _documents(batch: _Batch) -> list[IndexDocument]:
    """The documents to write, in the writing transaction: those built ahead, except the records changed
    since (built again now, or left out when deleted); everything built now when the change log no longer
    reaches back to when they were built."""
    if batch.documents is None:
        return build_documents(batch.ids)
    changed = changed_since(connection, batch.counter, batch.ids[0], batch.ids[-1])
    if changed is None:
        return build_documents(batch.ids)
    kept = [d for d in batch.documents if d.record_id not in changed]
    return kept + build_documents(changed & set(batch.ids))


def _start(restart: bool) -> int:
    checkpoint = ReindexCheckpoint.objects.filter(name=CHECKPOINT).first()
    if checkpoint and not checkpoint.finished and not restart:
        return checkpoint.last_record_id
    ReindexCheckpoint.objects.update_or_create(
        name=CHECKPOINT,
        defaults={"last_record_id": 0, "indexed": 0, "started": timezone.now(), "finished": None},
    )
    return 0


@contextmanager
def reindex_lock() -> Iterator[None]:
    """Hold the rebuild lock, or raise Conflict at once when another process holds it."""
    busy = Conflict("Another `samla reindex` is running; wait for it to finish (it resumes if stopped).")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise busy
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        return
    path = Path(str(connection.settings_dict["NAME"]) + ".reindex-lock")
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise busy from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
