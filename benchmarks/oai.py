"""OAI-PMH harvest: a full ListRecords oai_dc harvest of a generated repository over HTTP, the latency of
the first, middle and last pages, and beside them the offset-paged query a DSpace-style provider runs.

Targets (issue #5): ≥ 3,000 records/s on 2 cores; the last page costs ≤ 1.2× the first.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
import urllib.parse
import urllib.request

from benchmarks.harness import BIN, ROOT, instance_env, manage, samla, server, table

RECORDS = int(os.environ.get("BENCH_OAI_RECORDS", "100000"))
WINDOW = 5  # pages averaged at each of first, middle and last


def run() -> str:
    env = instance_env()
    manage(env, "migrate", "--noinput", "-v", "0")
    samla(env, "demo", "load")
    subprocess.run(
        [BIN / "python", "-m", "benchmarks.search", "generate", str(RECORDS)], cwd=ROOT, env=env, check=True
    )
    offset = json.loads(_in_instance(env, OFFSET_SCRIPT))
    with server(env) as url:
        first_harvest = harvest(url + "/oai")
        repeat_harvest = harvest(url + "/oai")
    rows = [["what", "first page ms", "middle page ms", "last page ms", "last / first"]]
    for label, (pages, _, _) in (("first harvest", first_harvest), ("repeat harvest", repeat_harvest)):
        first, middle, last = _windows(pages)
        rows.append([f"keyset (this provider), whole request, {label}", f"{first:.0f}", f"{middle:.0f}",
                     f"{last:.0f}", f"{last / first:.2f}"])  # fmt: skip
    rows += [
        ["offset query (baseline), query only", f"{offset['first']:.1f}", f"{offset['middle']:.1f}",
         f"{offset['last']:.1f}", f"{offset['last'] / offset['first']:.2f}"],
        ["keyset query, query only", f"{offset['keyset_first']:.1f}", f"{offset['keyset_middle']:.1f}",
         f"{offset['keyset_last']:.1f}", f"{offset['keyset_last'] / offset['keyset_first']:.2f}"],
    ]  # fmt: skip
    rates = [count / seconds for _, seconds, count in (first_harvest, repeat_harvest)]
    flats = [_windows(pages)[2] / _windows(pages)[0] for pages, _, _ in (first_harvest, repeat_harvest)]
    count, pages = first_harvest[2], len(first_harvest[0])
    return (
        "## OAI-PMH harvest (issue #5)\n\n"
        f"{count:,} records (the demo corpus and generated ones), one client harvesting ListRecords "
        f"oai_dc over HTTP from gunicorn (2 workers, SQLite), {pages} pages, twice: the first harvest "
        "writes every record and keeps its text (`exports.rendered`), the repeat harvest serves the kept "
        "texts (what every harvest gets for records unchanged since they were last harvested or "
        "exported in that format).\n\n"
        + table(rows)
        + f"\n\nHarvest rate: first harvest **{rates[0]:,.0f} records/s**, repeat harvest "
        f"**{rates[1]:,.0f} records/s** (target ≥ 3,000: {_verdict(rates[0] >= 3000)} for the first, "
        f"{_verdict(rates[1] >= 3000)} for the repeat); last page / first page **{flats[0]:.2f}** and "
        f"**{flats[1]:.2f}** (target ≤ 1.2: {_verdict(max(flats) <= 1.2)}).\n"
    )


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def harvest(base: str) -> tuple[list[float], float, int]:
    """Every page's latency in ms, the total seconds and the records harvested."""
    params = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    pages, count, started = [], 0, time.perf_counter()
    while True:
        page_started = time.perf_counter()
        with urllib.request.urlopen(f"{base}?{urllib.parse.urlencode(params)}", timeout=60) as response:
            body = response.read()
        pages.append((time.perf_counter() - page_started) * 1000)
        count += body.count(b"<record>")
        token = _token(body)
        if not token:
            return pages, time.perf_counter() - started, count
        params = {"verb": "ListRecords", "resumptionToken": token}


def _token(body: bytes) -> str:
    start = body.find(b"<resumptionToken")
    if start < 0:
        return ""
    opening = body.index(b">", start)
    if body[opening - 1 : opening] == b"/":
        return ""
    return body[opening + 1 : body.index(b"</resumptionToken>", opening)].decode()


def _windows(pages: list[float]) -> tuple[float, float, float]:
    middle = len(pages) // 2
    full = pages[:-1] or pages  # the last page is shorter; compare full pages
    return (
        statistics.median(full[:WINDOW]),
        statistics.median(full[middle : middle + WINDOW]),
        statistics.median(full[-WINDOW:]),
    )


OFFSET_SCRIPT = """
import json, time, django
django.setup()
from samla.oai import services
from samla.records.models import Record
size = services.PAGE_SIZE
base = services.harvestable().order_by("datestamp", "pk")
total = base.count()

def timed(query):
    best = []
    for _ in range(5):
        started = time.perf_counter()
        list(query.all())  # a fresh queryset each time: no result cache
        best.append((time.perf_counter() - started) * 1000)
    return sorted(best)[2]

def offset(at):
    return timed(base.values_list("pk", "datestamp")[at : at + size])

def keyset(at):  # the provider's own page query (services.page_keys) after the record at `at`
    from django.db.models import Q
    from samla.oai.protocol import DateRange
    after = base.values_list("datestamp", "pk")[at] if at else None
    best = []
    for _ in range(5):
        started = time.perf_counter()
        services.page_keys(DateRange(None, None), Q(), after)
        best.append((time.perf_counter() - started) * 1000)
    return sorted(best)[2]

points = {"first": 0, "middle": total // 2, "last": max(0, total - size)}
result = {name: offset(at) for name, at in points.items()}
result.update({f"keyset_{name}": keyset(at) for name, at in points.items()})
print(json.dumps(result))
"""


def _in_instance(env: dict, script: str) -> str:
    env = {**env, "DJANGO_SETTINGS_MODULE": "samla.settings"}
    result = subprocess.run([BIN / "python", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return result.stdout
