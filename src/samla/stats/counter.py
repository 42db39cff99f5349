"""The COUNTER Code of Practice Release 5 rules, as pure functions shared by ingest and rebuild.

Section numbers are those of R5.0.2, "7 Processing Rules for Underlying COUNTER Reporting Data"
(https://cop5.projectcounter.org/en/5.0.2/07-processing/):

- §7.2 Double-click filtering: two clicks by the same user on the same link within 30 seconds are one
  action. Of a run of clicks each within 30 s of the one before, the Code keeps the last; Samla keeps
  the first, which gives the same counts (one per run) without waiting to see whether another follows.
- §7.3 Counting unique items: Unique_Item_Investigations and Unique_Item_Requests count an item once per
  user session. A session is a user (or, for anonymous users, IP address + user agent) on one date in
  one of the day's 24 one-hour slices.
- §3.3 metric types: every request is also an investigation (Total_Item_Investigations includes
  Total_Item_Requests), so a download counts toward both.
- §7.8 Internet robots and crawlers are not counted: the COUNTER-Robots list (PyPI `counter-robots`),
  robots and machines alike.
- Byte ranges: a PDF viewer fetching one file in many ranges makes one request, so a partial (206)
  answer counts only when its session has not yet requested that file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field
from functools import lru_cache

import counter_robots
from django.conf import settings

from .models import HUMAN, INVESTIGATION, MACHINE, ROBOT

DOUBLE_CLICK_SECONDS = 30


@lru_cache(maxsize=4096)
def agent_class(user_agent: str) -> int:
    """HUMAN, ROBOT or MACHINE by the COUNTER-Robots lists; no user agent at all is a machine."""
    if not user_agent.strip():
        return MACHINE
    if counter_robots.is_robot(user_agent):
        return ROBOT
    if counter_robots.is_machine(user_agent):
        return MACHINE
    return HUMAN


def daily_salt(day: dt.date) -> bytes:
    """A salt for one day, derived from SECRET_KEY: sessions cannot be linked across days, and
    without the key not even within one."""
    return _salt(settings.SECRET_KEY, day)


@lru_cache(maxsize=8)
def _salt(secret_key: str, day: dt.date) -> bytes:
    """Cached: every event of a day needs the day's salt, and deriving it was a second HMAC per event.
    Keyed by the secret too, so a changed SECRET_KEY gives new salts at once."""
    message = f"samla.stats.session-salt:{day.isoformat()}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).digest()


def session_key(*, at: dt.datetime, user_id: int | None, ip: str, user_agent: str) -> int:
    """The COUNTER user of §7.3 as a signed 64-bit number: the user's id when signed in, else the IP
    address and user agent, hashed with the day's salt. Neither the address nor the agent is kept."""
    who = f"user:{user_id}" if user_id is not None else f"{ip}\n{user_agent}"
    digest = hmac.new(daily_salt(at.astimezone(dt.UTC).date()), who.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def hour_slice(at: dt.datetime) -> dt.datetime:
    """The start of the one-hour slice (UTC) `at` falls in."""
    return at.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def month_of(at: dt.datetime) -> dt.date:
    return at.astimezone(dt.UTC).date().replace(day=1)


def is_double_click(previous: dt.datetime | None, at: dt.datetime) -> bool:
    """§7.2: within 30 seconds of the same user's previous click on the same item and kind."""
    return previous is not None and (at - previous).total_seconds() <= DOUBLE_CLICK_SECONDS


@dataclass
class SessionItem:
    """What one session (user + hour slice) has done so far with one record, among counted events."""

    investigated: bool = False
    requested: bool = False
    files: set[int] = field(default_factory=set)

    def add(self, kind: int, file_id: int | None) -> None:
        self.investigated = True
        if kind != INVESTIGATION:
            self.requested = True
            if file_id is not None:
                self.files.add(file_id)


def counts(kind: int, file_id: int | None, seen: SessionItem) -> list[tuple[int, int, int, int, int]]:
    """The increments of a counted event, before `seen.add`: rows of (file_key, total_investigations,
    unique_investigations, total_requests, unique_requests); file_key 0 is the record as a whole."""
    if kind == INVESTIGATION:
        return [(0, 1, int(not seen.investigated), 0, 0)]
    rows = [(0, 1, int(not seen.investigated), 1, int(not seen.requested))]
    if file_id is not None:
        rows.append((file_id, 0, 0, 1, int(file_id not in seen.files)))
    return rows


def is_repeated_range(kind: int, partial: bool, file_id: int | None, seen: SessionItem) -> bool:
    """A byte range of a file the session has already requested."""
    return kind != INVESTIGATION and partial and file_id is not None and file_id in seen.files
