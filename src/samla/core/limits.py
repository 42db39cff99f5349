"""The bounds on the work one request does: how many records a list answer holds, how long it streams.

A list export, bibliography or feed over a search or a list is counted before anything is streamed; over
its limit the request is refused at once with `TooLarge` (413) naming the limit and the setting that sets
it, and the pages offer to prepare the file as a background job (`samla.jobs`) instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings

from .errors import TooLarge

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """At most `records` records, set by the environment variable `setting`, `scope` being where it
    holds ("in one request", "in one background job")."""

    records: int
    setting: str
    scope: str

    def check(self, total: int) -> None:
        """TooLarge (413) when `total` records exceed the limit; the message names the limit."""
        if total > self.records:
            raise TooLarge(
                f"This list holds {total:,} records; at most {self.records:,} are prepared {self.scope} "
                f"(the limit {self.setting}).",
                limit=self.records,
                setting=self.setting,
                records=total,
            )


def stream_limit() -> Limit:
    """The records a list export or feed streams in one request."""
    return Limit(settings.STREAM_MAX_RECORDS, "SAMLA_STREAM_MAX_RECORDS", "in one request")


def cite_limit() -> Limit:
    """The entries a bibliography formats in one request (each may need the citation engine)."""
    return Limit(settings.CITE_MAX_RECORDS, "SAMLA_CITE_MAX_RECORDS", "in one request")


def job_limit() -> Limit:
    """The records one background job prepares."""
    return Limit(settings.JOB_MAX_RECORDS, "SAMLA_JOB_MAX_RECORDS", "in one background job")


class StreamTooLong(Exception):
    """A streamed answer passed SAMLA_STREAM_SECONDS: the connection is broken, so the client sees an
    incomplete transfer rather than a complete-looking truncated file."""


def within_time(chunks: Iterable[str], *, seconds: float, what: str) -> Iterator[str]:
    """`chunks` until `seconds` have passed since the first was asked for, then StreamTooLong. The record
    limits keep a stream well inside this; it is the guard for a machine too loaded to keep up, and it
    ends the stream before a server's worker timeout would kill the whole worker."""
    deadline = time.monotonic() + seconds
    for chunk in chunks:
        yield chunk
        if time.monotonic() > deadline:
            log.warning("%s cut after %s s (SAMLA_STREAM_SECONDS)", what, seconds)
            raise StreamTooLong(f"{what} took longer than SAMLA_STREAM_SECONDS ({seconds} s)")
