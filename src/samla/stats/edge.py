"""The HTTP edge of counting: the record page and the download view call these after a successful
answer (STYLE: reads have no side effects; a hit or download is counted by an explicit stats call).

Only GET answers are counted (not HEAD), and a failure to count never fails the page or download: it
is logged, and the reader gets what they asked for.

With SAMLA_STATS_BUFFER_SECONDS > 0 (the default for servers) events are kept in the worker's memory,
stamped with the time of the answer, and written together by a timer at most that many seconds later:
a page view then costs no write, and many events share one transaction. A worker killed outright loses
the events of its last seconds; a worker that exits normally writes them first.
"""

from __future__ import annotations

import atexit
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest
from django.utils import timezone

from samla.core.access import Actor
from samla.core.views import actor_for

from .services import Served, Visit, record_usage

logger = logging.getLogger(__name__)


def visit_of(request: HttpRequest) -> Visit:
    """The client's address and user agent, and the time of the answer (a buffered event is written
    later). Behind a reverse proxy, set SAMLA_STATS_CLIENT_IP_HEADER (e.g. "HTTP_X_FORWARDED_FOR"; its
    first address is taken)."""
    header = getattr(settings, "SAMLA_STATS_CLIENT_IP_HEADER", "")
    forwarded = request.META.get(header, "") if header else ""
    ip = forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")
    return Visit(ip=ip, user_agent=request.META.get("HTTP_USER_AGENT", ""), at=timezone.now())


def count_investigation(request: HttpRequest, record, actor: Actor | None = None) -> None:
    """A record page was served (also from the anonymous page cache)."""
    if request.method == "GET":
        actor = actor or actor_for(request)
        count(Served.investigation(actor, visit=visit_of(request), record=record))


def count_request(request: HttpRequest, record_file, *, partial: bool = False) -> None:
    """A file was served whole (200) or in byte ranges (206); never called for 304, 416 or redirects."""
    if request.method == "GET":
        served = Served.request(
            actor_for(request), visit=visit_of(request), record_file=record_file, partial=partial
        )
        count(served)


_pending: list[Served] = []
_lock = threading.Lock()
_timer: threading.Timer | None = None


def count(served: Served) -> None:
    """Write the event now (SAMLA_STATS_BUFFER_SECONDS = 0), or keep it for the next flush."""
    if settings.STATS_BUFFER_SECONDS <= 0:
        _write([served])
        return
    global _timer
    with _lock:
        _pending.append(served)
        if _timer is None:
            _timer = threading.Timer(settings.STATS_BUFFER_SECONDS, flush_usage)
            _timer.daemon = True
            _timer.start()


def flush_usage() -> None:
    """Write the events kept in memory, in the order they happened (COUNTER's rules depend on it), in
    one transaction."""
    global _timer
    with _lock:
        events, _pending[:] = list(_pending), []
        _timer = None
    if events:
        _write(events)
        if threading.current_thread() is not threading.main_thread():
            connection.close()  # the timer thread's own connection


def _write(events: list[Served]) -> None:
    try:
        record_usage(events)
    except DatabaseError:
        logger.exception("could not count %d usage events", len(events))


atexit.register(flush_usage)
