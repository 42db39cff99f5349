"""Running Python's cyclic garbage collector less often while work allocates many short-lived objects.

Loading a chunk of records and writing them out allocates hundreds of thousands of containers (rows,
parts, strings' lists) that reference counting frees and that hold hardly any cycles. By default the
collector runs every 700 allocations and walks the young objects each time: a tenth to a sixth of writing
an export. Inside `collecting_less` it runs every COLLECT_EVERY allocations; the threshold is the
process's, so uses that overlap (threads of one worker) share one raised threshold and the last to leave
restores the one before.

A command that has its process to itself and works in batches (an import) goes further:
`collecting_per_batch`.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

COLLECT_EVERY = 50_000  # allocations between two runs of the collector's youngest generation (Python: 700)
_LOCK = threading.Lock()
_users = 0
_before: tuple[int, ...] = ()


@contextmanager
def collecting_less() -> Iterator[None]:
    global _users, _before
    with _LOCK:
        if _users == 0:
            _before = gc.get_threshold()
            gc.set_threshold(COLLECT_EVERY, *_before[1:])
        _users += 1
    try:
        yield
    finally:
        with _LOCK:
            _users -= 1
            if _users == 0:
                gc.set_threshold(*_before)


@contextmanager
def collecting_per_batch() -> Iterator[None]:
    """Run the collector once a batch instead of automatically: call `collect_batch` after each one.
    For a process of its own (a command), in it and in the processes it forks meanwhile.

    Why: an import allocates millions of short-lived containers (parsed values, inputs, rows, index words)
    that reference counting frees, and hardly any cycles, and the collector's passes walk everything
    young the process holds: a batch in the making is a hundred thousand objects or more, walked again
    by every automatic pass while it lives. What exists when the block starts is frozen out of the
    collector (a forked process shares those pages instead of touching them), automatic collection is
    off, and each batch is collected once done with, when little of it is left (the time it saves:
    docs/benchmarks.md, "Design measurements").
    """
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.unfreeze()


def collect_batch() -> None:
    """Collect what the batch just done left in cycles: the young objects only (survivors of earlier
    batches have been walked once already)."""
    gc.collect(1)
