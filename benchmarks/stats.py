"""Usage statistics: the event ingest rate, and `samla stats rebuild` over a large event log.

Targets (issue #6): ingest ≥ 2,000 events/s; `stats rebuild` for BENCH_STATS_EVENTS events (default
10,000,000), generated with bulk SQL, in constant memory.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import time

from benchmarks.harness import BIN, ROOT, instance_env, manage, samla, table

EVENTS = int(os.environ.get("BENCH_STATS_EVENTS", "10000000"))
INGEST_EVENTS = 20_000


def run() -> str:
    env = instance_env(os.environ.get("BENCH_DATABASE_URL"))
    try:
        return _measure(env)
    finally:
        shutil.rmtree(env["SAMLA_DATA_DIR"], ignore_errors=True)  # over a GB of SQLite at 10M events


def _measure(env: dict[str, str]) -> str:
    manage(env, "migrate", "--noinput", "-v", "0")
    samla(env, "demo", "load")
    ingest = json.loads(_python(env, f"from benchmarks.stats import ingest; ingest({INGEST_EVENTS})"))
    generate = json.loads(_python(env, f"from benchmarks.stats import generate; generate({EVENTS})"))
    rebuild = json.loads(_python(env, "from benchmarks.stats import rebuild; rebuild()"))
    seconds = rebuild["seconds"]
    rate = ingest["events"] / ingest["seconds"]
    verdict = "met" if rate >= 2000 else "NOT met"
    rows = [
        ["what", "events", "seconds", "events/s", "target"],
        ["ingest (record page views, one transaction each)", f"{ingest['events']:,}",
         f"{ingest['seconds']:.2f}", f"{rate:,.0f}", f"≥ 2,000 events/s: {verdict}"],
        ["generate raw events (bulk SQL)", f"{EVENTS:,}", f"{generate['seconds']:.1f}",
         f"{EVENTS / generate['seconds']:,.0f}", ""],
        ["`samla stats rebuild`", f"{EVENTS:,}", f"{seconds:.1f}", f"{EVENTS / seconds:,.0f}",
         f"peak RSS {rebuild['peak_mb']:,.0f} MB, {rebuild['growth_mb']:,.0f} MB over Django's"],
    ]  # fmt: skip
    engine = "PostgreSQL" if env.get("DATABASE_URL") else "SQLite"
    return (
        "## Usage statistics (issue #6)\n\n"
        f"{engine}; the demo corpus; ingest through `stats.services` in one process, and the service of "
        "`samla stats rebuild` in another, whose peak memory is its own; its growth during the rebuild "
        f"shows whether memory grows with the log (BENCH_STATS_EVENTS={EVENTS:,}).\n\n" + table(rows) + "\n"
    )


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


def ingest(n: int) -> None:
    """Count n page views and downloads of the demo records by 500 simulated readers (and a robot)."""
    import datetime as dt
    import random

    from samla.core.access import Actor
    from samla.records.models import Record
    from samla.stats.services import Visit, record_investigation

    rng = random.Random(6)
    records = list(Record.objects.filter(state="published"))
    firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    agents = [firefox] * 49 + ["Googlebot/2.1"]
    anonymous = Actor.anonymous()
    at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    start = time.perf_counter()
    for _ in range(n):
        at += dt.timedelta(seconds=rng.randint(0, 6))
        visit = Visit(f"10.0.{rng.randint(0, 1)}.{rng.randint(0, 250)}", rng.choice(agents), at)
        record_investigation(anonymous, visit=visit, record=rng.choice(records))
    print(json.dumps({"events": n, "seconds": time.perf_counter() - start}))


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
