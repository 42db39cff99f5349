"""Running a generator in a second process, so that preparing batch n+1 goes on while this process
writes batch n: an import reads and maps files there, a reindex builds index documents.

Why: parsing and mapping MODS, or analysing the text of records, cost about as much as writing them,
and a database write waits on one core while the other is free. The reading process runs exactly the
code an inline run would (only where it runs differs) and writes nothing. The queue between the two is
bounded, so a fast reader cannot pile the corpus up in memory, and the reader ends itself when this
process is gone (an import killed with SIGKILL leaves no orphan behind): a thread of its own watches the
parent, since the reader can be blocked anywhere when that happens, even in its exit, which waits for the
queue's pipe to drain.

The reader is forked, so it starts at once with Django set up and shares the parent's pages until it
writes to them. It inherits the database connection but never uses it (a generator that reads opens
connections of its own, as `search.rebuild` does), and it leaves with `os._exit` (as every
multiprocessing child does), so the connection is not closed under the parent either.

Each item is pickled by the reader's own thread as soon as it is produced, not later by the queue's
feeder thread: the item is then garbage before the producer goes on, so the producer's collector pass
(`batch.collection.collect_batch`) does not walk a batch that is only waiting to be sent, and the two
threads do not pass the interpreter lock back and forth over it. On this side, the item is handed on
without this generator keeping a reference to it while the consumer works, for the same reason.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any

QUEUE_ITEMS = 8  # batches read ahead: enough to bridge the parsing of the next file, and no more
POLL_SECONDS = 1.0


class ReaderFailed(RuntimeError):
    """The reading process raised an unexpected error (its traceback is the message) or died."""


def run_in_worker(produce: Callable[..., Iterator[Any]], *args: Any) -> Iterator[Any]:
    """What `produce(*args)` yields, computed in a second process; the items must pickle (plain data),
    and `produce` must not use the database."""
    context = multiprocessing.get_context("fork")
    items = context.Queue(maxsize=QUEUE_ITEMS)
    worker = context.Process(target=_serve, args=(items, produce, args, os.getpid()), daemon=True)
    worker.start()
    try:
        while True:
            kind, payload = _take(items, worker)
            if kind == "done":
                return
            if kind == "error":
                raise ReaderFailed(f"the reading process failed:\n{payload}")
            yield pickle.loads(payload)  # only the bytes stay referenced here
    finally:
        worker.join(timeout=POLL_SECONDS)
        if worker.is_alive():  # the consumer stopped early: nobody will take what it reads
            worker.terminate()
            worker.join()
        items.close()


def _take(items: multiprocessing.Queue, worker: multiprocessing.Process) -> tuple[str, Any]:
    while True:
        try:
            return items.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if not worker.is_alive():
                raise ReaderFailed(f"the reading process died (exit code {worker.exitcode})") from None


def _serve(items: multiprocessing.Queue, produce: Callable, args: tuple, parent: int) -> None:
    """The reading process: hand on every item, then "done" (or the error that stopped it)."""
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    try:
        for item in produce(*args):
            message = ("item", pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))
            del item  # garbage now, before the producer goes on
            _give(items, message, parent)
    except BaseException:
        _give(items, ("error", traceback.format_exc()), parent)
    else:
        _give(items, ("done", None), parent)


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(0)


def _give(items: multiprocessing.Queue, message: tuple[str, Any], parent: int) -> None:
    """Put `message` once there is room; exit at once if the importing process has gone."""
    while True:
        try:
            items.put(message, timeout=POLL_SECONDS)
            return
        except queue.Full:
            if os.getppid() != parent:
                os._exit(0)
