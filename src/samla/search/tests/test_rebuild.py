"""`samla reindex`: rebuilds every entry, resumes from its checkpoint, refuses a concurrent run."""

import threading

import pytest
from click.testing import CliRunner
from django.db import connection

from samla.core.errors import Conflict, PermissionDenied
from samla.records.models import Record
from samla.records.services import record_to_input, update_record
from samla.search.backends.fts5 import FTS5_DEFAULTS
from samla.search.backends.postgres import BULK_SETTINGS
from samla.search.index_documents import build_documents, column_words
from samla.search.indexing import writing_many
from samla.search.memory import current_counter
from samla.search.models import ReindexCheckpoint, SearchEntry
from samla.search.rebuild import _Batch, _documents, plan_reindex, reindex, reindex_lock
from samla.search.services import search_records

pytestmark = pytest.mark.django_db


def _wipe_index():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_facet")
        cursor.execute("DELETE FROM search_entry")
        cursor.execute("DELETE FROM search_text")


def test_reindex_rebuilds_every_record(system, anonymous):
    _wipe_index()
    assert search_records(anonymous, query="stillbirths").total == 0
    seen = []
    batches = list(reindex(system, batch_size=10, progress=seen.append))
    assert sum(b.count for b in batches) == Record.objects.count() == SearchEntry.objects.count()
    assert sum(seen) == Record.objects.count()
    assert search_records(anonymous, query="stillbirths").total == 2
    assert ReindexCheckpoint.objects.get().finished is not None


def test_reindex_interrupted_resumes_after_last_batch(system, anonymous):
    _wipe_index()
    run = reindex(system, batch_size=10)
    first = next(run)
    run.close()  # as Ctrl-C would stop it
    assert plan_reindex().resumed_after == first.last_id
    resumed = list(reindex(system, batch_size=10))
    assert resumed[0].first_id > first.last_id
    assert SearchEntry.objects.count() == Record.objects.count()
    assert plan_reindex().resumed_after == 0


def test_reindex_restart_starts_from_the_first_record(system):
    run = reindex(system, batch_size=10)
    next(run)
    run.close()
    batches = list(reindex(system, batch_size=10, restart=True))
    assert batches[0].first_id == Record.objects.order_by("pk").first().pk


def test_reindex_refuses_a_concurrent_run(system):
    """Another process holds the lock: here another thread, with its own database connection."""
    held, done = threading.Event(), threading.Event()

    def other_run():
        try:
            with reindex_lock():
                held.set()
                done.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_run)
    thread.start()
    try:
        assert held.wait(10)
        with pytest.raises(Conflict, match="Another"):
            next(reindex(system))
    finally:
        done.set()
        thread.join()


def test_reindex_needs_admin(curator):
    with pytest.raises(PermissionDenied):
        next(reindex(curator))


def test_reindex_command_prints_summary():
    from samla.search.cli import reindex as command

    result = CliRunner().invoke(command, ["--batch-size", "20", "--restart"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{Record.objects.count()} records indexed"


def test_reindex_batch_built_ahead_is_built_again_for_records_changed_since(system):
    """A record service wrote a record after the second process built its document (or deleted it):
    the writing transaction builds it again (or leaves it out); the others are written as built."""
    records = list(Record.objects.order_by("pk")[:4])
    ids = [r.pk for r in records]
    counter = current_counter(connection)
    built = build_documents(ids)
    data = record_to_input(records[0])
    data.title = "Okapi sightings"
    update_record(system, local_id=records[0].local_id, data=data)
    Record.objects.filter(pk=ids[1]).delete()
    documents = {d.record_id: d for d in _documents(_Batch(ids, built, counter))}
    assert sorted(documents) == [ids[0], ids[2], ids[3]]
    assert "okapi" in column_words(documents[ids[0]], "title")
    as_built = {d.record_id: d for d in built}
    assert documents[ids[2]] is as_built[ids[2]] and documents[ids[3]] is as_built[ids[3]]


def test_reindex_batch_built_before_the_change_log_reaches_is_built_again():
    ids = list(Record.objects.order_by("pk").values_list("pk", flat=True)[:3])
    built = build_documents(ids)
    documents = _documents(_Batch(ids, built, counter=-5))
    assert sorted(d.record_id for d in documents) == ids
    assert not {id(d) for d in documents} & {id(b) for b in built}


def _everyday_settings() -> dict[str, object]:
    """The settings bulk writing changes, as this connection and the index have them now."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT k, v FROM search_text_config WHERE k IN ('automerge', 'crisismerge')")
            found: dict[str, object] = {**FTS5_DEFAULTS, **dict(cursor.fetchall())}
            for pragma in ("cache_size", "wal_autocheckpoint"):
                cursor.execute(f"PRAGMA {pragma}")
                found[pragma] = cursor.fetchone()[0]
            return found
        cursor.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [list(BULK_SETTINGS)])
        return dict(cursor.fetchall())


def test_bulk_writing_stopped_by_an_error_leaves_the_everyday_settings():
    """An import that fails or is stopped half-way must not leave the index merging less often."""
    before = _everyday_settings()
    with pytest.raises(RuntimeError), writing_many():
        assert _everyday_settings() != before
        raise RuntimeError("stopped")
    assert _everyday_settings() == before


def test_index_tables_are_clustered_on_their_keys_on_sqlite():
    """Migration search/0007 (SQLite only): one B-tree fewer for every facet, entry and change row."""
    tables = ["search_change", "search_entry", "search_facet"]
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            cursor.execute("SELECT relname FROM pg_class WHERE relname = ANY(%s) ORDER BY relname", [tables])
            assert [row[0] for row in cursor.fetchall()] == tables  # unchanged
            return
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'search_%%' "
            "AND sql LIKE '%%WITHOUT ROWID' AND name NOT LIKE 'search_text_%%' ORDER BY name"
        )
        assert [row[0] for row in cursor.fetchall()] == tables
