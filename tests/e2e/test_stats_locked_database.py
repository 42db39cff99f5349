"""Nothing counted is lost (issue 17): record page views that arrive while a second connection holds a
write transaction on the database for 10 seconds are all counted, once, when it ends. The server
buffers events (`stats.edge`); SQLite refuses its writes after the busy timeout and they are retried
with growing delays; PostgreSQL's inserts wait for the table lock."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .conftest import BIN, ROOT

RECORD = "diva2:1897829"
VIEWS = 40


def _usage(env: dict[str, str]) -> tuple[int, int]:
    """The record's stored events and its Total_Item_Investigations, read by a process of its own."""
    script = (
        "import django; django.setup()\n"
        "from django.db.models import Sum\n"
        "from samla.stats.models import RecordUsage, UsageEvent\n"
        f"events = UsageEvent.objects.filter(record__local_id={RECORD!r}).count()\n"
        f"usage = RecordUsage.objects.filter(record__local_id={RECORD!r}, file_key=0)\n"
        "print(events, usage.aggregate(n=Sum('total_investigations'))['n'] or 0)\n"
    )
    result = subprocess.run(
        [BIN / "python", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    events, total = result.stdout.split()[-2:]
    return int(events), int(total)


@contextmanager
def write_lock(env: dict[str, str]) -> Iterator[None]:
    """A second real connection holding a write transaction: SQLite's write lock (BEGIN IMMEDIATE), or a
    lock on PostgreSQL's events table that every insert waits for."""
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        connection = psycopg.connect(url)
        connection.execute("LOCK TABLE stats_usageevent IN EXCLUSIVE MODE")
    else:
        import sqlite3

        connection = sqlite3.connect(Path(env["SAMLA_DATA_DIR"]) / "samla.sqlite3", isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        connection.rollback()
        connection.close()


def _view(url: str, reader: int) -> None:
    """A record page view by a reader of its own (a user agent of its own: a COUNTER session of its own)."""
    agent = f"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.{reader}"
    request = urllib.request.Request(f"{url}/record/{RECORD}", headers={"User-Agent": agent})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200


def test_views_while_the_database_is_locked_for_10_s_are_all_counted_once(live_url, server_database):
    events, total = _usage(server_database)

    with write_lock(server_database):
        ends = time.monotonic() + 10
        for reader in range(VIEWS):  # the views arrive all through the 10 seconds
            _view(live_url, reader)
            time.sleep(max(0.0, (ends - time.monotonic()) / (VIEWS - reader)))
        while time.monotonic() < ends:
            time.sleep(0.1)

    deadline = time.monotonic() + 120
    while _usage(server_database)[0] < events + VIEWS and time.monotonic() < deadline:
        time.sleep(1)
    time.sleep(3)  # a second write of any of them would come within the first retry delays
    assert _usage(server_database) == (events + VIEWS, total + VIEWS)
