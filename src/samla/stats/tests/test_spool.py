"""Usage events a server could not write are spooled (`stats.spool`) and written exactly once, by the
next flush or by `samla stats rebuild`. Holding the database locked while events arrive, against a real
server: tests/e2e/test_stats_locked_database.py."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from click.testing import CliRunner

from samla.cli import main
from samla.core.access import Actor
from samla.stats import edge
from samla.stats.models import RecordUsage, SpooledBatch, UsageEvent
from samla.stats.services import Served, Visit, event_rows
from samla.stats.spool import replay_spool, spool_rows, spooled_files

from .conftest import FIREFOX

START = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def views(record, n: int, first: int = 0) -> list[Served]:
    """Views of the record by n different readers, a minute apart (none a double click of another)."""
    return [
        Served.investigation(
            Actor.anonymous(),
            visit=Visit(f"192.0.2.{i}", FIREFOX, START + dt.timedelta(minutes=i)),
            record=record,
        )
        for i in range(first, first + n)
    ]


def investigations(record) -> int:
    rows = RecordUsage.objects.filter(record=record, file_key=0)
    return sum(rows.values_list("total_investigations", flat=True))


def test_spooled_events_are_written_by_the_next_flush_and_a_replayed_file_counts_nothing(items):
    spooled = spool_rows(event_rows(views(items["A"], 5)))
    copy = shutil.copy(spooled, spooled.with_name("copy"))

    edge.count(views(items["A"], 1, first=5)[0])  # a write that succeeds replays the spool

    assert (UsageEvent.objects.count(), investigations(items["A"]), spooled_files()) == (6, 6, [])
    copy.rename(spooled)  # as if a process died after writing the events, before deleting the file
    assert replay_spool() == 0
    assert (UsageEvent.objects.count(), spooled_files()) == (6, [])
    assert SpooledBatch.objects.filter(name=spooled.stem).exists()


def test_spool_keeps_no_address_or_user_agent(items):
    spooled = spool_rows(event_rows(views(items["A"], 1)))

    text = spooled.read_text()
    assert "192.0.2" not in text and "Firefox" not in text


def test_spooled_events_of_a_deleted_record_are_left_out(items):
    spool_rows(event_rows(views(items["A"], 2) + views(items["B"], 1)))
    items["B"].delete()

    assert replay_spool() == 2
    assert UsageEvent.objects.count() == 2


def test_stats_rebuild_writes_spooled_events_first(items):
    spool_rows(event_rows(views(items["B"], 3)))

    result = CliRunner().invoke(main, ["stats", "rebuild"])

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("3 events: 3 counted")
    assert (investigations(items["B"]), spooled_files()) == (3, [])
