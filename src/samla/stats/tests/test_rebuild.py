"""`samla stats rebuild` gives the numbers incremental counting gave."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from click.testing import CliRunner

from samla.cli import main
from samla.core.access import Actor
from samla.core.errors import PermissionDenied
from samla.stats import services
from samla.stats.models import RecordUsage, UsageEvent
from samla.stats.services import Served, Visit, rebuild_usage, record_usage

from .conftest import FIREFOX, GOOGLEBOT
from .test_counter import replay

COLUMNS = ("record_id", "file_key", "month", "total_investigations", "unique_investigations",
           "total_requests", "unique_requests")  # fmt: skip


def snapshot() -> list[tuple]:
    return sorted(RecordUsage.objects.values_list(*COLUMNS))


def random_events(items, n: int = 400, seed: int = 6) -> list[Served]:
    """Clicks of a few users on two items, bunched so double clicks, hour and month boundaries occur."""
    rng = random.Random(seed)
    at = dt.datetime(2025, 1, 31, 22, 0, tzinfo=dt.UTC)
    visits = [Visit(f"192.0.2.{i}", FIREFOX) for i in range(4)] + [Visit("203.0.113.9", GOOGLEBOT)]
    events = []
    for _ in range(n):
        at += dt.timedelta(seconds=rng.choice([1, 5, 20, 29, 30, 31, 45, 300, 1800]))
        visit = rng.choice(visits)
        visit = Visit(visit.ip, visit.user_agent, at)
        item = rng.choice("AB")
        if rng.random() < 0.5:
            events.append(Served.investigation(Actor.anonymous(), visit=visit, record=items[item]))
        else:
            partial = rng.random() < 0.3
            events.append(
                Served.request(
                    Actor.anonymous(), visit=visit, record_file=items[f"file {item}"], partial=partial
                )
            )
    return events


def random_log(items) -> None:
    """The random log counted one event a transaction, as with SAMLA_STATS_BUFFER_SECONDS=0."""
    for event in random_events(items):
        record_usage([event])


def test_rebuild_gives_the_crafted_logs_counts(items):
    replay(items)
    incremental = snapshot()
    RecordUsage.objects.all().delete()
    report = rebuild_usage(Actor.system("tests"), chunk_size=3)
    assert snapshot() == incremental
    assert (report.events, report.counted, report.robots) == (12, 7, 2)
    assert (report.filtered, report.corrected) == (3, 0)


def test_rebuild_equals_incremental_on_a_random_log(items):
    random_log(items)
    incremental = snapshot()
    assert {row[2] for row in incremental} == {dt.date(2025, 1, 1), dt.date(2025, 2, 1)}
    rebuild_usage(Actor.system("tests"), chunk_size=37)
    assert snapshot() == incremental


def test_random_log_counted_in_batches_equals_one_at_a_time(items, monkeypatch):
    random_log(items)
    one_at_a_time = (
        snapshot(),
        list(UsageEvent.objects.order_by("pk").values_list("at", "session", "counted")),
    )
    UsageEvent.objects.all().delete()
    RecordUsage.objects.all().delete()
    monkeypatch.setattr(services, "PAIRS_PER_READ", 2)  # several reads and upserts a batch
    monkeypatch.setattr(services, "ROWS_PER_WRITE", 3)
    events = random_events(items)
    for start in range(0, len(events), 60):
        record_usage(events[start : start + 60])
    batched = (snapshot(), list(UsageEvent.objects.order_by("pk").values_list("at", "session", "counted")))
    assert batched == one_at_a_time


def test_rebuild_corrects_a_wrong_counted_flag(items):
    replay(items)
    incremental = snapshot()
    UsageEvent.objects.update(counted=True)
    report = rebuild_usage(Actor.system("tests"))
    assert report.corrected == 5
    assert snapshot() == incremental
    assert UsageEvent.objects.filter(counted=True).count() == 7


def test_rebuild_as_anonymous_raises_permission_denied(db):
    with pytest.raises(PermissionDenied):
        rebuild_usage(Actor.anonymous())


def test_cli_stats_rebuild_prints_its_report(items):
    replay(items)
    result = CliRunner().invoke(main, ["stats", "rebuild"])
    assert result.exit_code == 0, result.output
    expected = "12 events: 7 counted, 2 by robots or machines, 3 double clicks or repeated ranges"
    assert expected in result.stdout
