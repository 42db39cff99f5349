"""`samla reindex` of many records builds the documents in a second (forked) process while this one
writes: the index it leaves is exactly the one the record services wrote, on SQLite and PostgreSQL."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

DIGEST = """
import django, hashlib
django.setup()
from django.db import connection
text = "SELECT rowid, * FROM search_text" if connection.vendor == "sqlite" else (
    "SELECT record_id, CAST(document AS text) FROM search_text")
digest = hashlib.sha256()
with connection.cursor() as cursor:
    for sql in ("SELECT * FROM search_entry", "SELECT record_id, field, value FROM search_facet", text):
        cursor.execute(sql)
        digest.update(repr(sorted(cursor.fetchall())).encode())
print(digest.hexdigest())
"""
REBUILD = """
import django
django.setup()
from samla.core.access import Actor
from samla.search import rebuild
rebuild.PIPELINE_MIN_RECORDS = 0
forks = []
run_in_worker = rebuild.run_in_worker
rebuild.run_in_worker = lambda *args: forks.append(1) or run_in_worker(*args)
batches = list(rebuild.reindex(Actor.system("test"), batch_size=7, restart=True))
print(len(forks), sum(b.count for b in batches))
"""


def _python(env, script: str) -> str:
    result = subprocess.run(
        [BIN / "python", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


def test_reindex_built_ahead_in_a_second_process_writes_the_same_index(empty_database):
    env = {**empty_database, "DJANGO_SETTINGS_MODULE": "samla.settings"}
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True}
    subprocess.run([BIN / "python", "manage.py", "migrate", "--noinput", "-v", "0"], **run)
    subprocess.run([BIN / "samla", "demo", "load"], **run)
    written_by_services = _python(env, DIGEST)
    forks, indexed = _python(env, REBUILD).split()
    assert forks == "1"
    assert int(indexed) > 50
    assert _python(env, DIGEST) == written_by_services
