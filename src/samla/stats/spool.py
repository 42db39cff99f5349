"""Usage events a server could not write (the database locked or gone past every retry of `stats.edge`),
kept in files under DATA_DIR/stats-spool until they can be: the next flush of any process, and
`samla stats rebuild`, write them.

A file holds its events as stored rows (`services.EventRow`: the session key and agent class, never
an address or a user agent), one JSON array a line, and is named once written whole (a temporary name
first). Writing a file's events also records its name (`SpooledBatch`) in the same transaction, so each
is counted exactly once: a file found again after it was written (its process died before deleting it,
or two processes replayed it at once) is deleted, not counted twice.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction

from samla.records.models import Record

from .models import SpooledBatch
from .services import EventRow, record_rows

logger = logging.getLogger(__name__)
SUFFIX = ".jsonl"


def spool_dir() -> Path:
    return Path(settings.DATA_DIR) / "stats-spool"


def spool_rows(rows: list[EventRow]) -> Path:
    """Keep the rows in a new spool file; its name sorts by time, so replays keep the events' order."""
    folder = spool_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    partial = folder / f".{name}.tmp"
    with partial.open("w", encoding="utf-8") as file:
        for row in rows:
            file.write(json.dumps([row.at.isoformat(), *row.columns()]) + "\n")
        file.flush()
        os.fsync(file.fileno())
    final = folder / f"{name}{SUFFIX}"
    partial.rename(final)
    return final


def spooled_files() -> list[Path]:
    folder = spool_dir()
    return sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []


def replay_spool() -> int:
    """Write the events of every spool file, oldest first; returns how many were written. Stops at the
    first file the database refuses (still locked): it and the later ones wait for the next replay."""
    written = 0
    for path in spooled_files():
        try:
            written += _replay(path)
        except DatabaseError:
            logger.warning("could not write spooled usage events of %s yet", path.name, exc_info=True)
            break
    return written


def _replay(path: Path) -> int:
    try:
        rows = _rows(path)
    except FileNotFoundError:
        return 0  # another process replayed it meanwhile
    try:
        with transaction.atomic():
            SpooledBatch.objects.create(name=path.stem)
            rows = _of_existing_records(rows)
            record_rows(rows)
    except IntegrityError:
        rows = []  # written before: its name is recorded
    path.unlink(missing_ok=True)
    return len(rows)


def _of_existing_records(rows: list[EventRow]) -> list[EventRow]:
    """The rows whose record is still here: a record deleted since takes its events with it."""
    existing = set(Record.objects.filter(pk__in={r.record_id for r in rows}).values_list("pk", flat=True))
    return [row for row in rows if row.record_id in existing]


def _rows(path: Path) -> list[EventRow]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        at, record_id, file_id, kind, partial, session, agent, _counted = json.loads(line)
        rows.append(
            EventRow(dt.datetime.fromisoformat(at), record_id, file_id, kind, partial, session, agent)
        )
    return rows
