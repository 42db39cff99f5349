"""Running Python's cyclic garbage collector less often while work allocates many short-lived objects.

Loading a chunk of records and writing them out allocates hundreds of thousands of containers (rows,
parts, strings' lists) that reference counting frees and that hold hardly any cycles. By default the
collector runs every 700 allocations and walks the young objects each time: a tenth to a sixth of writing
an export. Inside `collecting_less` it runs every COLLECT_EVERY allocations; the threshold is the
process's, so uses that overlap (threads of one worker) share one raised threshold and the last to leave
restores the one before. (An import, which has its process to itself, goes further:
`imports.services.fewer_collections`.)
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
