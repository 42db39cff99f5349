"""`make stress`: the reliability campaign of issue 17, repeatable and bounded in time.

    python -m tests.stress.campaign [--minutes 10] [--scale 16] [--kills 7] [--write docs/reliability.md]
    python -m tests.stress.campaign --soak SECONDS

1. The fuzzers of `fuzz.py` at scale (SAMLA_FUZZ_SCALE; about 960 inputs a unit), each target bounded to its
   share of `--minutes`, in a pytest run of their own.
2. `kill -9` during `samla import`, `samla reindex`, `samla oai keep` and `samla stats rebuild`, `--kills`
   times each, on SQLite and, under DATABASE_URL=postgres://…, on PostgreSQL too; each on an instance
   database of its own. After each kill the consistency check: no half-written record (each has its
   revision and OAI identifier), the command run again exits 0, and what it keeps is exact afterwards
   (every record imported, every published record found by search, an OAI-PMH page that parses, the
   usage counts of before the kill).

It prints a table of tried / failed / lost and writes it to docs/reliability.md. `--soak` runs instead the
memory soak of `soak.py` (the load mix against one gunicorn worker, its RSS sampled) and writes its table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RECORDS = 2000
EVENTS = 60_000
FUZZ_TARGETS = 14  # the tests of test_fuzz.py, each with its share of the fuzzers' time
STATE_SCRIPT = """
import json, django
django.setup()
from django.db.models import Count, Q, Sum
from django.test import Client
from lxml import etree
from samla.core.access import Actor
from samla.records.models import Record
from samla.records.permissions import visible_records
from samla.search.schemas import SearchParams
from samla.search.services import search_with_params
from samla.stats.models import RecordUsage, UsageEvent

oai_ids = Count("identifiers", filter=Q(identifiers__scheme="oai"), distinct=True)
records = Record.objects.annotate(r=Count("revisions", distinct=True), o=oai_ids)
anonymous = Actor.anonymous()
oai = Client().get("/oai?verb=ListRecords&metadataPrefix=oai_dc")
body = b"".join(oai.streaming_content) if oai.streaming else oai.content
usage = RecordUsage.objects.aggregate(
    i=Sum("total_investigations"), u=Sum("unique_investigations"), r=Sum("total_requests"), n=Count("id")
)
print(json.dumps({
    "records": records.count(),
    "broken": records.filter(Q(r=0) | Q(o=0)).count(),
    "visible": Record.objects.filter(visible_records(anonymous)).count(),
    "found": search_with_params(anonymous, SearchParams(q="")).total,
    "oai_records": len(etree.fromstring(body).findall(".//{http://www.openarchives.org/OAI/2.0/}record")),
    "usage": [usage["i"] or 0, usage["u"] or 0, usage["r"] or 0, usage["n"]],
    "events": UsageEvent.objects.count(),
}))
"""
EVENTS_SCRIPT = f"""
import datetime as dt, random, django
django.setup()
from samla.core.access import Actor
from samla.records.models import Record
from samla.stats.services import Served, Visit, record_usage

rng = random.Random(17)
ids = list(Record.objects.values_list("pk", flat=True))
at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
events = []
for n in range({EVENTS}):
    at += dt.timedelta(seconds=rng.choice([1, 20, 40, 400]))
    visit = Visit(f"192.0.2.{{rng.randrange(50)}}", f"Mozilla/5.0 Firefox/{{rng.randrange(5)}}", at)
    events.append(Served(Actor.anonymous(), visit, rng.choice(ids)))
    if len(events) == 5000:
        record_usage(events)
        events = []
record_usage(events)
"""


@dataclass
class Row:
    what: str
    tried: int = 0
    failed: int = 0
    lost: int = 0
    notes: list[str] = field(default_factory=list)


def run(env: dict[str, str], *args: str, check: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=check)


def state(env: dict[str, str]) -> dict:
    result = run(env, str(BIN / "python"), "-c", STATE_SCRIPT)
    if result.returncode:
        raise RuntimeError(f"the consistency check failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def fuzz(minutes: float, scale: float) -> list[Row]:
    """The fuzzers at scale; their tallies as rows."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "fuzz.json"
        env = {
            **os.environ,
            "SAMLA_FUZZ_SCALE": str(scale),
            "SAMLA_FUZZ_SECONDS": str(minutes * 60 / FUZZ_TARGETS),
            "SAMLA_FUZZ_REPORT": str(report),
        }
        run(env, str(BIN / "pytest"), "-q", "-p", "no:cacheprovider", "tests/stress/test_fuzz.py")
        tallies = json.loads(report.read_text()) if report.exists() else []
    rows = []
    for tally in tallies:
        row = Row(f"fuzz: {tally['target']}", tally["tried"], len(tally["failed"]) + len(tally["slow"]))
        row.notes = [f.splitlines()[0] for f in tally["failed"][:2]] + tally["slow"][:2]
        rows.append(row)
    return rows


def kill_during(env: dict[str, str], args: list[str], ready: Callable[[], bool]) -> bool:
    """Start a samla command, wait until `ready` (and a random moment more), kill -9 it; whether it was
    still running when killed."""
    process = subprocess.Popen(
        [str(BIN / "samla"), *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while not ready() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(random.uniform(0, 1.5))
    running = process.poll() is None
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    time.sleep(0.5)  # the import's reading process ends on its own
    return running


def kills(env: dict[str, str], database: str, times: int, corpus: Path) -> list[Row]:
    """`times` kills during each command on one database, each followed by the consistency check."""
    rows = {name: Row(f"kill -9: {name} ({database})") for name in ("import", "reindex", "oai keep", "stats")}
    python = str(BIN / "python")
    run(env, python, "manage.py", "migrate", "--noinput", "-v", "0", check=True)
    for _ in range(times):
        row = rows["import"]
        run(env, python, "-c", "import django; django.setup()\nfrom samla.records.models import Record\n"
            "Record.objects.all().delete()", check=True)  # fmt: skip
        started = time.monotonic()
        killed = kill_during(
            env, ["import", str(corpus)], lambda started=started: time.monotonic() - started > 2
        )
        _check(row, env, killed, ["import", str(corpus)], lambda s: (s["broken"], RECORDS - s["records"]))
    run(env, python, "-c", EVENTS_SCRIPT, check=True)
    run(env, str(BIN / "samla"), "stats", "rebuild", check=True)
    usage = state(env)["usage"]
    for name, args, ready, exact in (
        ("reindex", ["reindex"], 0.5, lambda s: (s["broken"], s["visible"] - s["found"])),
        ("oai keep", ["oai", "keep"], 1.0, lambda s: (s["broken"], 0 if s["oai_records"] else 1)),
        (
            "stats",
            ["stats", "rebuild"],
            1.0,
            lambda s: (0, sum(abs(a - b) for a, b in zip(s["usage"], usage, strict=True))),
        ),
    ):
        for _ in range(times):
            started = time.monotonic()
            killed = kill_during(
                env, args, lambda ready=ready, started=started: time.monotonic() - started > ready
            )
            _check(rows[name], env, killed, args, exact)
    return list(rows.values())


def _check(
    row: Row, env: dict[str, str], killed: bool, args: list[str], exact: Callable[[dict], tuple]
) -> None:
    """After a kill: nothing half-written, the command again exits 0, and the result is exact."""
    row.tried += 1
    if not killed:
        row.notes.append("one run ended before its kill")
    broken, _ = exact(state(env))
    rerun = run(env, str(BIN / "samla"), *args)
    broken_after, lost = exact(state(env))
    if broken or broken_after or rerun.returncode != 0:
        row.failed += 1
        row.notes.append(f"half-written {broken}, exit {rerun.returncode}: {rerun.stderr[-200:]}")
    row.lost += abs(lost)


def table(rows: list[Row]) -> str:
    lines = ["| what | tried | failed | lost | notes |", "|---|---:|---:|---:|---|"]
    for row in rows:
        notes = "; ".join(sorted(set(row.notes)))[:300].replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {row.what} | {row.tried:,} | {row.failed} | {row.lost} | {notes} |")
    total = Row(
        "**total**", sum(r.tried for r in rows), sum(r.failed for r in rows), sum(r.lost for r in rows)
    )
    lines.append(f"| {total.what} | {total.tried:,} | {total.failed} | {total.lost} | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10, help="time for all fuzzers together")
    parser.add_argument("--scale", type=float, default=16, help="inputs: about 740 a unit")
    parser.add_argument(
        "--kills", type=int, default=7, help="kills during each command on each database (4 commands)"
    )
    parser.add_argument("--soak", type=float, default=0, help="instead: the memory soak, this many seconds")
    parser.add_argument("--write", default="docs/reliability.md")
    options = parser.parse_args()
    if options.soak:
        from tests.stress import soak

        soak.main(options.soak, Path(options.write) if options.write else None)
        return
    random.seed(17)
    started = time.monotonic()
    rows = fuzz(options.minutes, options.scale)
    sys.path.insert(0, str(ROOT))
    from benchmarks import import_throughput
    from tests.e2e.conftest import instance_database

    databases = ["SQLite"] + (
        ["PostgreSQL"] if os.environ.get("DATABASE_URL", "").startswith("postgres") else []
    )
    for database in databases:
        with tempfile.TemporaryDirectory() as folder:
            import_throughput.RECORDS = import_throughput.PER_FILE = RECORDS
            (corpus,) = import_throughput.write_corpus(Path(folder))
            environ = dict(os.environ)
            if database == "SQLite":
                os.environ.pop("DATABASE_URL", None)
            with instance_database(Path(folder), f"samla_stress_{os.getpid()}") as env:
                rows += kills(env, database, options.kills, corpus)
            os.environ.clear()
            os.environ.update(environ)
    minutes = (time.monotonic() - started) / 60
    text = table(rows)
    print(text)
    if options.write:
        _write(Path(options.write), text, options, minutes, databases)


def _write(path: Path, text: str, options: argparse.Namespace, minutes: float, databases: list[str]) -> None:
    head = path.read_text(encoding="utf-8").split("<!-- campaign -->")[0] if path.exists() else ""
    body = (
        "<!-- campaign -->\n## Last campaign\n\n"
        f"`python -m tests.stress.campaign --minutes {options.minutes:g} --scale {options.scale:g} "
        f"--kills {options.kills}` on {', '.join(databases)}, {minutes:.1f} minutes "
        "on a shared 2-core machine. *failed*: inputs that gave a traceback, an HTTP 500, a message naming a "
        "Python type or took over 10 s; kills after which a record was half-written or the re-run failed. "
        "*lost*: records, index entries or usage counts missing after the re-run.\n\n" + text + "\n"
    )
    path.write_text(head + body, encoding="utf-8")


if __name__ == "__main__":
    main()
