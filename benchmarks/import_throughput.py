"""Import throughput: `samla import` over a generated corpus of 100,000 Swepub MODS records derived from
the real DiVA records in testdata/, beside reading and mapping the same files without writing.

Targets (issues #2, #16): ≥ 2,000 records/s on SQLite with provenance and quality flags kept, and a
re-import of the same 100,000 unchanged records ≥ 5,000 records/s (records passed over by their
fingerprints, `imports.fingerprints`).
"""

from __future__ import annotations

import copy
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from tests import TESTDATA

from benchmarks.harness import BIN, ROOT, instance_env, manage, table

RECORDS = int(os.environ.get("BENCH_IMPORT_RECORDS", "100000"))  # fewer while developing
PER_FILE = min(10_000, RECORDS)
SOURCES = TESTDATA / "oai-pmh" / "diva-swepub"
OAI = "http://www.openarchives.org/OAI/2.0/"
MODS = "http://www.loc.gov/mods/v3"
GOOD_FILES = (
    "dedup.xml",
    "liu-new-diva.xml",
    "kth-new-diva.xml",
    "rise-new-diva.xml",
    "naturvardsverket-new.xml",
)


def real_records() -> list[etree._Element]:
    """The real DiVA OAI-PMH <record>s that import cleanly (one per OAI identifier)."""
    found = {}
    for name in GOOD_FILES:
        tree = etree.parse(str(SOURCES / name))
        for record in tree.iter(f"{{{OAI}}}record"):
            identifier = record.findtext(f"{{{OAI}}}header/{{{OAI}}}identifier")
            if record.find(f"{{{OAI}}}metadata") is not None and "gup.ub.gu.se" not in identifier:
                found.setdefault(identifier, record)
    return list(found.values())


def derived(record: etree._Element, n: int) -> etree._Element:
    """Copy n of a real record: same description, its own OAI identifier, local id and URN."""
    copy_ = copy.deepcopy(record)
    header_id = copy_.find(f"{{{OAI}}}header/{{{OAI}}}identifier")
    header_id.text = f"{header_id.text}-b{n}"
    for element in copy_.iter(f"{{{MODS}}}recordIdentifier", f"{{{MODS}}}identifier"):
        text = (element.text or "").strip()
        if text.startswith("diva2:") or "urn:nbn" in text or text.startswith("oai:"):
            element.text = f"{text}{n:07d}" if text.startswith("diva2:") else f"{text}-b{n}"
    return copy_


def write_corpus(directory: Path) -> list[Path]:
    originals = real_records()
    paths = []
    for start in range(0, RECORDS, PER_FILE):
        root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI})
        etree.SubElement(root, f"{{{OAI}}}responseDate").text = "2026-01-01T00:00:00Z"
        etree.SubElement(root, f"{{{OAI}}}request", verb="ListRecords").text = "http://example.org/oai"
        listing = etree.SubElement(root, f"{{{OAI}}}ListRecords")
        for n in range(start, min(start + PER_FILE, RECORDS)):
            listing.append(derived(originals[n % len(originals)], n))
        path = directory / f"corpus-{start // PER_FILE:02d}.xml"
        etree.ElementTree(root).write(str(path), xml_declaration=True, encoding="utf-8")
        paths.append(path)
    return paths


def timed(command: list, env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    return time.perf_counter() - started, result.stdout.strip() or result.stderr.strip()[-300:]


PARSE_ONLY = (
    "import sys, os, django\n"
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'samla.settings')\n"
    "django.setup()\n"
    "from samla.imports.oai_pmh import read_records\n"
    "n = sum(1 for p in sys.argv[1:] for r in read_records(p) if r.map())\n"
    "print(n, 'mapped')\n"
)


# `samla import`, reporting the peak memory and the CPU time of the importing (writing) process and of the
# reading process it starts (`batch.pipeline`): the sum of the peaks bounds what the import held at once,
# and CPU time near the wall time says a process was the one the other waited for. The importing process's
# peak is its own high-water mark (VmHWM): Linux carries a process's ru_maxrss over an exec from the
# process it was forked from, and this benchmark's own process holds the corpus it wrote (about 500 MB more).
WITH_USAGE = (
    "import atexit, sys\n"
    "from resource import RUSAGE_CHILDREN, RUSAGE_SELF, getrusage\n"
    "from samla.cli import main\n"
    "def usage():\n"
    "    own = next(int(line.split()[1]) for line in open('/proc/self/status') if line.startswith('VmHWM'))\n"
    "    me, reader = getrusage(RUSAGE_SELF), getrusage(RUSAGE_CHILDREN)\n"
    "    print(f'usage {own} {me.ru_utime + me.ru_stime}', file=sys.stderr)\n"
    "    print(f'usage {reader.ru_maxrss} {reader.ru_utime + reader.ru_stime}', file=sys.stderr)\n"
    "atexit.register(usage)\n"
    "main(['import', *sys.argv[1:]])\n"
)


@dataclass(frozen=True)
class ProcessUsage:
    peak_mb: int
    cpu_seconds: float


def timed_import(paths: list[str], env: dict) -> tuple[float, str, ProcessUsage, ProcessUsage]:
    """Seconds, output, and the usage of the importing and of the reading process."""
    started = time.perf_counter()
    result = subprocess.run(
        [BIN / "python", "-c", WITH_USAGE, *paths], cwd=ROOT, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    writer, reader = (
        ProcessUsage(int(kb) // 1024, float(cpu))
        for _, kb, cpu in (line.split() for line in result.stderr.splitlines() if line.startswith("usage "))
    )
    return seconds, result.stdout.strip() or result.stderr.strip()[-300:], writer, reader


def run() -> str:
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="samla-corpus-") as tmp:
        paths = [str(p) for p in write_corpus(Path(tmp))]
        env = instance_env()
        manage(env, "migrate", "--noinput", "-v", "0")
        parse_seconds, parse_out = timed([BIN / "python", "-c", PARSE_ONLY, *paths], env)
        import_seconds, import_out, writer, reader = timed_import(paths, env)
        again_seconds, again_out, again_writer, again_reader = timed_import(paths, env)
    rate, parse_rate = RECORDS / import_seconds, RECORDS / parse_seconds
    again_rate = RECORDS / again_seconds
    rows = [
        ["what", "records", "seconds", "records/s", "output"],
        ["read + map only (baseline)", f"{RECORDS:,}", f"{parse_seconds:.1f}", f"{parse_rate:,.0f}",
         parse_out],
        ["`samla import` into empty SQLite", f"{RECORDS:,}", f"{import_seconds:.1f}", f"{rate:,.0f}",
         import_out],
        ["re-import of the same files (no change)", f"{RECORDS:,}", f"{again_seconds:.1f}",
         f"{again_rate:,.0f}", again_out],
    ]  # fmt: skip
    verdict = "met" if rate >= 2000 else "NOT met"
    again_verdict = "met" if again_rate >= 5000 else "NOT met"
    return (
        "## Import throughput (issue #2)\n\n"
        f"{RECORDS:,} Swepub MODS records in {RECORDS // PER_FILE} OAI-PMH files, derived from the real "
        "DiVA records in testdata/ (each copy with its own OAI identifier, local id and URN).\n\n"
        + table(rows)
        + f"\n\nImport / read-and-map rate: **{rate / parse_rate:.2f}**. Import rate {rate:,.0f} records/s "
        f"(target ≥ 2,000: {verdict}). Peak memory: {writer.peak_mb + reader.peak_mb} MB, the sum of the "
        f"importing process ({writer.peak_mb} MB) and the reading process it starts ({reader.peak_mb} MB). "
        f"CPU time: the importing process {_busy(writer, import_seconds)}; the reading process "
        f"{_busy(reader, import_seconds)}. A process busy nearly all the time is one the other waits for.\n\n"
        f"Re-import of the {RECORDS:,} unchanged records: {again_rate:,.0f} records/s (target ≥ 5,000: "
        f"{again_verdict}), **{again_rate / parse_rate:.2f}** times the read-and-map rate. Each record is "
        "known by the fingerprint of its source bytes, kept when it was written (`imports.fingerprints`): "
        "it is neither parsed, mapped, merged nor written, and counts as unchanged. CPU time: the importing "
        f"process {_busy(again_writer, again_seconds)}; the reading process "
        f"{_busy(again_reader, again_seconds)}.\n\n"
        f"Load average {load_before:.1f} when the suite began, {os.getloadavg()[0]:.1f} when it ended (the "
        "machine's other work takes its share: on a busy machine the CPU times are the figures to compare).\n"
    )


def _busy(usage: ProcessUsage, seconds: float) -> str:
    return f"{usage.cpu_seconds:.1f} s, {usage.cpu_seconds / seconds:.0%} of the run's time"
