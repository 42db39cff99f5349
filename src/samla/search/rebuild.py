"""Rebuilding the whole index (`samla reindex`): in batches, in constant memory, resumable, one at a time.

Each batch is written and checkpointed in one transaction, so a run stopped at any point (Ctrl-C,
`kill -9`) resumes after the last committed batch. Entries are replaced in place, never cleared first, so
search keeps working during a rebuild. A lock (a PostgreSQL advisory lock, or an flock beside the SQLite
file; both die with the process) refuses a second concurrent run.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from samla.core.access import Actor, require
from samla.core.errors import Conflict
from samla.records.models import Record

from .backends import backend_for
from .indexing import index_records
from .memory import prune_changes
from .models import ReindexCheckpoint

CHECKPOINT = "full"
ADVISORY_LOCK_KEY = 0x53414D4C41  # "SAMLA"


@dataclass(frozen=True)
class ReindexBatch:
    """One committed batch: the records from `first_id` to `last_id`, `count` of them."""

    first_id: int
    last_id: int
    count: int


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
        while True:
            ids = list(
                Record.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            with transaction.atomic():
                index_records(ids)
                ReindexCheckpoint.objects.filter(name=CHECKPOINT).update(
                    last_record_id=ids[-1], indexed=F("indexed") + len(ids)
                )
            after = ids[-1]
            if progress:
                progress(len(ids))
            yield ReindexBatch(ids[0], ids[-1], len(ids))
        with transaction.atomic():
            backend_for().delete_orphans()
            prune_changes(connection)
            ReindexCheckpoint.objects.filter(name=CHECKPOINT).update(finished=timezone.now())
        backend_for().refresh_statistics()


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
