"""List exports: 10,000 records streamed in each format, beside loading the same records without writing
them (the baseline), and the peak memory of a stream at two sizes to show it does not grow.

Target (issue #3): BibTeX, RIS and CSL-JSON exports ≥ 5,000 records/s, in constant memory.
"""

from __future__ import annotations

import json
import os
import subprocess

from benchmarks.harness import BIN, ROOT, instance_env, manage, samla, table

RECORDS = int(os.environ.get("BENCH_EXPORT_RECORDS", "10000"))
TARGETED = ("bibtex", "ris", "csl-json")
TARGET = 5000


def run() -> str:
    env = instance_env()
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        samla(env, "demo", "load")
        subprocess.run(
            [BIN / "python", "-m", "benchmarks.search", "generate", str(RECORDS)],
            cwd=ROOT,
            env=env,
            check=True,
        )
        result = json.loads(_in_instance(env, SCRIPT))
    finally:
        subprocess.run(["rm", "-rf", env["SAMLA_DATA_DIR"]], check=False)
    load_rate = result["count"] / result["load"]
    rows = [["format", "records/s", "MB written", "records/s / load-only rate", "target"]]
    rows.append(["load only, nothing written (baseline)", f"{load_rate:,.0f}", "", "1.00", ""])
    for name, (seconds, characters) in result["formats"].items():
        rate = result["count"] / seconds
        verdict = (f"≥ {TARGET:,}: " + ("met" if rate >= TARGET else "NOT met")) if name in TARGETED else ""
        rows.append([name, f"{rate:,.0f}", f"{characters / 1e6:.1f}", f"{rate / load_rate:.2f}", verdict])
    small, large = result["memory"]
    return (
        "## Exports (issue #3)\n\n"
        f"{result['count']:,} records (the demo corpus and generated ones) streamed as one list export in "
        "each format through `exports.services.load_in_chunks` and `documents.render_records`, in one "
        "process on SQLite; CPU seconds of that process.\n\n"
        + table(rows)
        + f"\n\nPeak Python memory of a BibTeX stream (tracemalloc): {small['peak_mb']:.1f} MB for "
        f"{small['count']:,} records, {large['peak_mb']:.1f} MB for {large['count']:,}.\n"
    )


SCRIPT = """
import json, time, tracemalloc, django
django.setup()
from samla.core.access import Actor
from samla.exports.documents import render_records
from samla.exports.registry import formats, get_format
from samla.exports.services import select_records

selection = select_records(Actor.anonymous())

def timed(write):
    started = time.process_time()
    written = write()
    return time.process_time() - started, written

count = sum(1 for _ in selection.records())
load, _ = timed(lambda: sum(1 for _ in selection.records()))
result = {"count": count, "load": load, "formats": {}}
for fmt in formats():
    result["formats"][fmt.name] = timed(lambda: sum(len(p) for p in render_records(fmt, selection.records())))

def peak(limit):
    bibtex = get_format("bibtex")
    tracemalloc.start()
    records = (record for n, record in zip(range(limit), selection.records()))
    for _ in render_records(bibtex, records):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"count": min(limit, count), "peak_mb": peak / 1e6}

result["memory"] = [peak(count // 4), peak(count)]
print(json.dumps(result))
"""


def _in_instance(env: dict, script: str) -> str:
    env = {**env, "DJANGO_SETTINGS_MODULE": "samla.settings"}
    result = subprocess.run([BIN / "python", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return result.stdout
