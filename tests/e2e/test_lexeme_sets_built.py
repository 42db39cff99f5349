"""After a full `samla reindex` on PostgreSQL, each frequent lexeme's bitmap (built on connections of
their own, in parallel) holds exactly the records the GIN index matches; on SQLite none is built."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

CHECK = """
import django
django.setup()
import numpy as np
from django.db import connection
from samla.core.access import Actor
from samla.search import rebuild
from samla.search.backends import backend_for, lexeme_sets
from samla.search.models import LexemeSet

lexeme_sets.MIN_RECORDS = 3
list(rebuild.reindex(Actor.system("test"), restart=True))
backend, wrong = backend_for(), []
for row in LexemeSet.objects.all():
    bits = np.unpackbits(np.frombuffer(bytes(row.records), dtype=np.uint8))
    matched = sorted(backend.matching_ids(*lexeme_sets._any_sql([row.lexeme])).tolist())
    if np.flatnonzero(bits).tolist() != matched:
        wrong.append(row.lexeme)
print(connection.vendor, LexemeSet.objects.count(), len(wrong))
"""


def test_reindex_builds_bitmaps_that_match_what_the_text_index_matches(empty_database):
    env = {**empty_database, "DJANGO_SETTINGS_MODULE": "samla.settings"}
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True}
    subprocess.run([BIN / "python", "manage.py", "migrate", "--noinput", "-v", "0"], **run)
    subprocess.run([BIN / "samla", "demo", "load"], **run)

    result = subprocess.run([BIN / "python", "-c", CHECK], **{**run, "check": False, "text": True})

    assert result.returncode == 0, result.stderr[-3000:]
    vendor, built, wrong = result.stdout.split()
    assert (int(built) > 10) == (vendor == "postgresql")
    assert wrong == "0"
