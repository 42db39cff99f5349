"""Usage statistics: the event ingest rate, and `samla stats rebuild` over a large event log.

Targets (issue #6): ingest ≥ 2,000 events/s; `stats rebuild` for BENCH_STATS_EVENTS events (default
10,000,000), generated with bulk SQL, in constant memory.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from benchmarks.harness import BIN, ROOT, instance_env, manage, samla, table

if TYPE_CHECKING:
    from samla.records.models import Record
    from samla.stats.services import Visit

EVENTS = int(os.environ.get("BENCH_STATS_EVENTS", "10000000"))
INGEST_EVENTS = 20_000
BATCHES = (100, 1000)  # events a flush


def run() -> str:
    env = instance_env(os.environ.get("BENCH_DATABASE_URL"))
    try:
        return _measure(env)
    finally:
        shutil.rmtree(env["SAMLA_DATA_DIR"], ignore_errors=True)  # over a GB of SQLite at 10M events


def _measure(env: dict[str, str]) -> str:
    manage(env, "migrate", "--noinput", "-v", "0")
    samla(env, "demo", "load")
    rows = [["what", "events", "seconds", "events/s", "target"]]
    for month, batch in enumerate(BATCHES, 1):  # each run its own month: none meets another's sessions
        what = f"ingest as server workers do: buffered, one transaction per {batch:,} events"
        rows.append(_ingest_row(env, what, f"ingest_buffered({INGEST_EVENTS}, {batch}, {month})"))
    what = "ingest, one transaction per event (SAMLA_STATS_BUFFER_SECONDS=0)"
    rows.append(_ingest_row(env, what, f"ingest({INGEST_EVENTS}, {len(BATCHES) + 1})", server_path=False))
    generate = json.loads(_python(env, f"from benchmarks.stats import generate; generate({EVENTS})"))
    rebuild = json.loads(_python(env, "from benchmarks.stats import rebuild; rebuild()"))
    seconds = rebuild["seconds"]
    rows += [
        ["generate raw events (bulk SQL)", f"{EVENTS:,}", f"{generate['seconds']:.1f}",
         f"{EVENTS / generate['seconds']:,.0f}", ""],
        ["`samla stats rebuild`", f"{EVENTS:,}", f"{seconds:.1f}", f"{EVENTS / seconds:,.0f}",
         f"peak RSS {rebuild['peak_mb']:,.0f} MB, {rebuild['growth_mb']:,.0f} MB over Django's"],
    ]  # fmt: skip
    engine = "PostgreSQL" if env.get("DATABASE_URL") else "SQLite"
    return (
        f"## Usage statistics{' on PostgreSQL' if engine == 'PostgreSQL' else ''} (issue #6)\n\n"
        f"{engine}; the demo corpus; {INGEST_EVENTS:,} record page views by 502 simulated readers (one in "
        "fifty a robot's) per ingest row. Server workers count through `stats.edge`: each keeps the events "
        "of its last SAMLA_STATS_BUFFER_SECONDS (1 s) in memory, and `flush_usage` writes them in one "
        "transaction (`stats.services.record_usage`); here the loop flushes every 100 or 1,000 events (at "
        "the target's 2,000 events/s, each worker of a two-worker server flushes ~1,000 a second). The "
        "target is read on that path. The one-transaction-per-event row (`record_investigation`) is what a "
        "server does only with SAMLA_STATS_BUFFER_SECONDS=0. `samla stats rebuild` runs in a process of "
        "its own, whose peak memory is its own; its growth during the rebuild shows whether memory grows "
        f"with the log (BENCH_STATS_EVENTS={EVENTS:,}).\n\n" + table(rows) + "\n"
    )


def _ingest_row(env: dict[str, str], what: str, call: str, *, server_path: bool = True) -> list[str]:
    """One ingest run in a process of its own; the target is read only on the path servers use."""
    ingest = json.loads(_python(env, f"from benchmarks.stats import ingest, ingest_buffered; {call}"))
    rate = ingest["events"] / ingest["seconds"]
    verdict = (
        f"≥ 2,000 events/s: {'met' if rate >= 2000 else 'NOT met'}" if server_path else "not the server path"
    )
    return [what, f"{ingest['events']:,}", f"{ingest['seconds']:.2f}", f"{rate:,.0f}", verdict]


def _python(env: dict[str, str], code: str) -> str:
    setup = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'samla.settings'; django.setup(); "
    result = subprocess.run(
        [BIN / "python", "-c", setup + code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout.strip().splitlines()[-1]


def rebuild() -> None:
    """Time `rebuild_usage` (as the CLI calls it) and report this process's peak memory, before and after."""
    from samla.core.access import Actor
    from samla.stats.services import rebuild_usage

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    rebuild_usage(Actor.system("stats rebuild"))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024, "growth_mb": (peak - before) / 1024}))


def _page_views(n: int, month: int) -> Iterator[tuple[Visit, Record]]:
    """n views of the demo records, 0-6 s apart from the first of `month` 2025, by 502 simulated
    readers (one view in fifty a robot's). Each run its own month: no run meets another's sessions."""
    import random

    from samla.records.models import Record
    from samla.stats.services import Visit

    rng = random.Random(6)
    records = list(Record.objects.filter(state="published"))
    firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    agents = [firefox] * 49 + ["Googlebot/2.1"]
    at = dt.datetime(2025, month, 1, tzinfo=dt.UTC)
    for _ in range(n):
        at += dt.timedelta(seconds=rng.randint(0, 6))
        yield (
            Visit(f"10.0.{rng.randint(0, 1)}.{rng.randint(0, 250)}", rng.choice(agents), at),
            rng.choice(records),
        )


def ingest(n: int, month: int = 1) -> None:
    """Count n page views through `record_investigation`: one transaction each, what a server does
    with SAMLA_STATS_BUFFER_SECONDS=0."""
    from samla.core.access import Actor
    from samla.stats.services import record_investigation

    anonymous = Actor.anonymous()
    views = list(_page_views(n, month))
    start = time.perf_counter()
    for visit, record in views:
        record_investigation(anonymous, visit=visit, record=record)
    print(json.dumps({"events": n, "seconds": time.perf_counter() - start}))


def ingest_buffered(n: int, batch: int, month: int = 1) -> None:
    """Count n page views as a server worker does: `stats.edge.count` keeps each in memory and
    `flush_usage` writes them together (here every `batch` events instead of every second), one
    transaction a flush."""
    from django.test import override_settings

    from samla.core.access import Actor
    from samla.stats import edge
    from samla.stats.services import Served

    anonymous = Actor.anonymous()
    views = list(_page_views(n, month))
    with override_settings(STATS_BUFFER_SECONDS=3600):  # no timer: this loop flushes
        start = time.perf_counter()
        for i, (visit, record) in enumerate(views, 1):
            edge.count(Served.investigation(anonymous, visit=visit, record=record))
            if i % batch == 0:
                edge.flush_usage()
        edge.flush_usage()
        seconds = time.perf_counter() - start
    print(json.dumps({"events": n, "seconds": seconds}))


def generate(n: int) -> None:
    """n raw events in one INSERT … SELECT: ~10 per second over the demo records, 5,000 sessions, every
    third a request, one in fifty a robot's."""
    from django.db import connection, transaction

    from samla.records.models import Record

    ids = list(Record.objects.values_list("pk", flat=True))
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_records (idx integer primary key, record_id bigint)")
        cursor.executemany("INSERT INTO bench_records VALUES (%s, %s)", list(enumerate(ids)))
        if connection.vendor == "postgresql":
            numbers = f"SELECT generate_series(0, {n - 1}) AS i"
            at = "TIMESTAMPTZ '2024-01-01 00:00:00+00' + (i / 10) * INTERVAL '1 second'"
        else:
            numbers = (
                "WITH RECURSIVE seq(i) AS "
                f"(SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < {n - 1}) SELECT i FROM seq"
            )
            at = "strftime('%Y-%m-%d %H:%M:%S', '2024-01-01', '+' || (i / 10) || ' seconds')"
        cursor.execute(
            "INSERT INTO stats_usageevent "
            "(at, record_id, record_file_id, kind, partial, session, agent, counted) "
            f"SELECT {at}, b.record_id, NULL, CASE WHEN i % 3 = 0 THEN 2 ELSE 1 END, false, "
            f"(i * 7919) % 5000, CASE WHEN i % 50 = 0 THEN 1 ELSE 0 END, false "
            f"FROM ({numbers}) AS n JOIN bench_records b ON b.idx = n.i % {len(ids)}"
        )
    print(json.dumps({"events": n, "seconds": time.perf_counter() - start}))
