"""Counting a served download, through the counter the stats app registers at start.

Stats counts downloads per file, so it reads files' models and is a layer above files; files never
imports it. `StatsConfig.ready` registers `stats.edge.count_request` here (`register_counter`), and the
download view calls `count_download` after a successful answer. With no counter registered (no stats
app) nothing is counted.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from .models import RecordFile

# (request, record file, partial=…): a file was served whole (200) or in byte ranges (206).
Counter = Callable[..., None]
_counter: Counter | None = None


def register_counter(counter: Counter) -> None:
    """Called once, by the stats app's `ready`."""
    global _counter
    _counter = counter


def count_download(request: HttpRequest, record_file: RecordFile, *, partial: bool = False) -> None:
    """Count a download served whole (200) or in byte ranges (206); never for 304, 416 or redirects."""
    if _counter is not None:
        _counter(request, record_file, partial=partial)
