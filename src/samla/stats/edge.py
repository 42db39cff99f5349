"""The HTTP edge of counting: the record page and the download view call these after a successful
answer (STYLE: reads have no side effects; a hit or download is counted by an explicit stats call).

Only GET answers are counted (not HEAD), and a failure to count never fails the page or download, nor
loses the event: an event the database refuses (locked by an import, restarting) is kept in memory and
retried with growing delays (RETRY_DELAYS), then spooled to a file (`stats.spool`) that the next
successful flush and `samla stats rebuild` write, each event exactly once.

With SAMLA_STATS_BUFFER_SECONDS > 0 (the default for servers) events are kept in the worker's memory,
stamped with the time of the answer, and written together by a timer at most that many seconds later:
a page view then costs no write, and many events share one transaction. A worker killed outright loses
the events of its last seconds; a worker that exits normally writes them first (or spools them).
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

from .services import Served, Visit, event_rows, record_usage
from .spool import replay_spool, spool_rows, spooled_files

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


# Seconds before each retry of a write the database refused (locked, or gone); after the last, or with
# more than MAX_PENDING events held, the events are spooled to a file (`stats.spool`).
RETRY_DELAYS = (0.5, 1, 2, 4, 8, 16)
MAX_PENDING = 50_000

_pending: list[Served] = []
_lock = threading.Lock()
_timer: threading.Timer | None = None
_failures = 0  # writes refused in a row


def count(served: Served) -> None:
    """Write the event now (SAMLA_STATS_BUFFER_SECONDS = 0), or keep it for the next flush. An event the
    database refuses now is kept and retried all the same."""
    if settings.STATS_BUFFER_SECONDS <= 0:
        if not _write([served]):
            _keep([served])
        return
    with _lock:
        _pending.append(served)
        _schedule(settings.STATS_BUFFER_SECONDS)


def _schedule(delay: float) -> None:
    """Start the flush timer unless one is running; call with `_lock` held."""
    global _timer
    if _timer is None:
        _timer = threading.Timer(delay, flush_usage)
        _timer.daemon = True
        _timer.start()


def flush_usage(*, final: bool = False) -> None:
    """Write the events kept in memory, in the order they happened (COUNTER's rules depend on it), in
    one transaction. Events the database refuses are kept for a retry, or spooled (`final`: the process
    is exiting)."""
    global _timer
    with _lock:
        events, _pending[:] = list(_pending), []
        _timer = None
    try:
        if events and not _write(events):
            spool_rows(event_rows(events)) if final else _keep(events)
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()  # the timer thread's own connection


def _write(events: list[Served]) -> bool:
    """Whether the events were written (and then the spooled events of earlier failures); a write the
    database refuses is rolled back whole, so the events can be written again without counting any
    twice."""
    global _failures
    try:
        record_usage(events)
    except DatabaseError:
        logger.warning("could not count %d usage events yet; kept to retry", len(events), exc_info=True)
        return False
    _failures = 0
    if spooled_files():
        replay_spool()
    return True


def _keep(events: list[Served]) -> None:
    """Hold refused events ahead of newer ones and retry after the next delay of RETRY_DELAYS; past the
    last delay, or past MAX_PENDING events, spool everything held."""
    global _failures
    with _lock:
        _failures += 1
        _pending[:0] = events
        if _failures <= len(RETRY_DELAYS) and len(_pending) <= MAX_PENDING:
            _schedule(RETRY_DELAYS[_failures - 1])
            return
        held, _pending[:] = list(_pending), []
        _failures = 0
    path = spool_rows(event_rows(held))
    logger.warning("spooled %d usage events to %s for a later write", len(held), path)


atexit.register(flush_usage, final=True)
