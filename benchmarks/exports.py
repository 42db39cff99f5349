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
    rows = [["format", "first export records/s", "repeat export records/s", "MB written",
             "first / load-only rate", "target (≥ 5,000 records/s)"]]  # fmt: skip
    rows.append(["load only, nothing written (baseline)", f"{load_rate:,.0f}", "", "", "1.00", ""])
    for name, (first_seconds, repeat_seconds, characters) in result["formats"].items():
        first, repeat = result["count"] / first_seconds, result["count"] / repeat_seconds
        verdict = ""
        if name in TARGETED:
            verdict = f"first {_verdict(first)}, repeat {_verdict(repeat)}"
        rows.append([name, f"{first:,.0f}", f"{repeat:,.0f}", f"{characters / 1e6:.1f}",
                     f"{first / load_rate:.2f}", verdict])  # fmt: skip
    small, large = result["memory"]
    return (
        "## Exports (issue #3)\n\n"
        f"{result['count']:,} records (the demo corpus and generated ones) streamed as one list export in "
        "each format, as `/organisation/<id>/export/<format>` streams it (`exports.services.export_texts` "
        "framed by `documents.frame_texts`), in one process on SQLite; CPU seconds of that process. The "
        "first export loads and writes every record and keeps each item text (`exports.rendered`); the "
        "repeat export reads the kept texts (what every export gets for records unchanged since they were "
        "last exported or harvested in that format). Before anything is timed, each format writes a hundred "
        "records untimed and keeps nothing, as a running server has (the URLconf and the language table are "
        "loaded once per process).\n\n"
        + table(rows)
        + f"\n\nPeak Python memory of a BibTeX stream (tracemalloc): {small['peak_mb']:.1f} MB for "
        f"{small['count']:,} records, {large['peak_mb']:.1f} MB for {large['count']:,}.\n"
    )


def _verdict(rate: float) -> str:
    return "met" if rate >= TARGET else "NOT met"


SCRIPT = """
import json, time, tracemalloc, django
from itertools import islice
django.setup()
from samla.core.access import Actor
from samla.exports.framing import frame_texts, render_record
from samla.exports.registry import formats, get_format
from samla.exports.services import batched, export_texts, select_records

selection = select_records(Actor.anonymous())
# A running server has written records in every format before: each writer writes a hundred records
# untimed, or whichever format is timed first carries what a process does once (the URLconf's import,
# pycountry's language table), a quarter of a BibTeX export.
sample = list(islice(selection.records(chunk_size=100), 100))
for fmt in formats():
    for record in sample:
        render_record(fmt, record)

def timed(write):
    started = time.process_time()
    written = write()
    return time.process_time() - started, written

count = sum(1 for _ in selection.records())
load, _ = timed(lambda: sum(1 for _ in selection.records()))
result = {"count": count, "load": load, "formats": {}}
def export(fmt):
    return sum(len(p) for p in frame_texts(fmt, export_texts(fmt, selection.heads())))

for fmt in formats():
    first, characters = timed(lambda: export(fmt))
    repeat, _ = timed(lambda: export(fmt))
    result["formats"][fmt.name] = (first, repeat, characters)

def peak(limit):
    bibtex = get_format("bibtex")
    tracemalloc.start()
    heads = islice((head for chunk in selection.heads() for head in chunk), limit)
    for _ in frame_texts(bibtex, export_texts(bibtex, batched(heads, 500))):
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
