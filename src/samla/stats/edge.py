"""The HTTP edge of counting: the record page and the download view call these after a successful
answer (STYLE: reads have no side effects; a hit or download is counted by an explicit stats call).

Only GET answers are counted (not HEAD), and a failure to count never fails the page or download: it
is logged, and the reader gets what they asked for.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest

from samla.core.access import Actor
from samla.core.views import actor_for

from .services import Visit, record_investigation, record_request

logger = logging.getLogger(__name__)


def visit_of(request: HttpRequest) -> Visit:
    """The client's address and user agent. Behind a reverse proxy, set SAMLA_STATS_CLIENT_IP_HEADER
    (e.g. "HTTP_X_FORWARDED_FOR"; its first address is taken)."""
    header = getattr(settings, "SAMLA_STATS_CLIENT_IP_HEADER", "")
    forwarded = request.META.get(header, "") if header else ""
    ip = forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")
    return Visit(ip=ip, user_agent=request.META.get("HTTP_USER_AGENT", ""))


def count_investigation(request: HttpRequest, record, actor: Actor | None = None) -> None:
    """A record page was served (also from the anonymous page cache)."""
    if request.method != "GET":
        return
    try:
        record_investigation(actor or actor_for(request), visit=visit_of(request), record=record)
    except DatabaseError:
        logger.exception("could not count a view of record %s", record.pk)


def count_request(request: HttpRequest, record_file, *, partial: bool = False) -> None:
    """A file was served whole (200) or in byte ranges (206); never called for 304, 416 or redirects."""
    if request.method != "GET":
        return
    try:
        record_request(actor_for(request), visit=visit_of(request), record_file=record_file, partial=partial)
    except DatabaseError:
        logger.exception("could not count a download of file %s", record_file.pk)
