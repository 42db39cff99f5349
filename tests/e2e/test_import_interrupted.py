"""`samla import` killed mid-run leaves only whole records, and running it again finishes the job."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from lxml import etree

from benchmarks import import_throughput

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RECORDS = 3000
COUNT_SQL = "SELECT count(*) FROM records_record"


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(import_throughput, "RECORDS", RECORDS)
    monkeypatch.setattr(import_throughput, "PER_FILE", RECORDS)
    (path,) = import_throughput.write_corpus(tmp_path)
    return path


def _run(env, *args, **kwargs):
    return subprocess.run([BIN / "samla", *args], cwd=ROOT, env=env, capture_output=True, text=True, **kwargs)


def _check_whole_records(env) -> int:
    """Every stored record has its revision and OAI identifier; returns the count. (That the records are
    whole in every field shows in the re-run, which finds each of them unchanged.)"""
    script = (
        "import django, os; django.setup()\n"
        "from django.db.models import Count, Q\n"
        "from samla.records.models import Record\n"
        "qs = Record.objects.annotate(r=Count('revisions', distinct=True),"
        " o=Count('identifiers', filter=Q(identifiers__scheme='oai'), distinct=True))\n"
        "broken = qs.filter(Q(r=0) | Q(o=0)).count()\n"
        "print(qs.count(), broken)\n"
    )
    out = subprocess.run(
        [BIN / "python", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    total, broken = int(out[0]), int(out[1])
    assert broken == 0
    return total


def test_import_killed_midway_keeps_whole_records_and_rerun_resumes(empty_database, corpus):
    env = empty_database
    subprocess.run([BIN / "python", "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    process = subprocess.Popen(
        [BIN / "samla", "import", str(corpus)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while _count(env) == 0 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert _reader_gone(corpus), "the reading process outlived the killed import"
    partial = _check_whole_records(env)
    assert 0 < partial < RECORDS

    rerun = _run(env, "import", str(corpus))
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert f"{RECORDS - partial} created" in rerun.stdout
    assert f"{partial} unchanged" in rerun.stdout
    assert _check_whole_records(env) == RECORDS


MODS = "http://www.loc.gov/mods/v3"
MARKER = "10.9999/merged-"
REVISED_SQL = "SELECT count(*) FROM records_record WHERE revision > 1"


def _revised_corpus(corpus: Path, directory: Path) -> Path:
    """The corpus with every record changed in a column (its title) and in a part (a DOI more), so a
    record merged halfway would show one change without the other."""
    tree = etree.parse(str(corpus))
    for n, mods in enumerate(tree.iter(f"{{{MODS}}}mods")):
        title = next(mods.iter(f"{{{MODS}}}title"))
        title.text = f"Revised {title.text.strip()}"
        etree.SubElement(mods, f"{{{MODS}}}identifier", type="doi").text = f"{MARKER}{n}"
    path = directory / "revised.xml"
    tree.write(str(path), xml_declaration=True, encoding="utf-8")
    return path


def _check_merged_whole(env) -> int:
    """Every record is either not merged at all or merged whole (its title and its DOI part together);
    returns the number merged."""
    script = (
        "import django; django.setup()\n"
        "from samla.records.models import Record\n"
        "rows = Record.objects.values_list('pk', 'title', 'identifiers__value')\n"
        "titles = {pk for pk, t, _v in rows if t.startswith('Revised ')}\n"
        f"marked = {{pk for pk, _t, v in rows if v and v.startswith('{MARKER}')}}\n"
        "print(len(titles), len(marked), len(titles ^ marked))\n"
    )
    out = subprocess.run(
        [BIN / "python", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    revised, marked, mismatched = map(int, out)
    assert mismatched == 0
    assert revised == marked
    return revised


def test_import_killed_while_merging_leaves_no_half_merged_record_and_rerun_finishes(
    empty_database, corpus, tmp_path
):
    env = empty_database
    subprocess.run([BIN / "python", "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    assert _run(env, "import", str(corpus)).returncode == 0
    revised = _revised_corpus(corpus, tmp_path)
    process = subprocess.Popen(
        [BIN / "samla", "import", str(revised)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 600  # updates are written a record at a time: the first batch takes long
    while _count(env, REVISED_SQL) == 0 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    merged = _check_merged_whole(env)
    assert 0 < merged < RECORDS

    rerun = _run(env, "import", str(revised))
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert f"0 created, {RECORDS - merged} updated, {merged} unchanged" in rerun.stdout
    assert _check_merged_whole(env) == RECORDS


def _count(env, sql: str = COUNT_SQL) -> int:
    """The records stored so far, read straight from the database: polling through a Django process would
    take most of a second a time, long enough for the import to finish meanwhile."""
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            return _first_count(connection.execute(sql))
    database = Path(env["SAMLA_DATA_DIR"]) / "samla.sqlite3"
    with closing(sqlite3.connect(database, timeout=5)) as connection:
        return _first_count(connection.execute(sql))


def _first_count(cursor) -> int:
    return cursor.fetchone()[0]


def _reader_gone(corpus: Path, seconds: float = 10) -> bool:
    """Whether no process reads `corpus` any more (the import's forked reader ends within seconds of it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(str(corpus).encode() in cmdline for cmdline in _cmdlines()):
            return True
        time.sleep(0.2)
    return False


def _cmdlines() -> list[bytes]:
    """The command line of every process still running (one may end while they are read)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            found.append((entry / "cmdline").read_bytes() if entry.name.isdigit() else b"")
        except OSError:
            continue
    return found
