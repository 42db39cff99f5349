"""Usage statistics services: count what the HTTP edge served, read the counts, rebuild them.

The only code that writes `UsageEvent` and `RecordUsage`. Counting follows the COUNTER Code of Practice
R5 (the rules, with their sections, are in `stats/counter.py`): each event is stored raw, and, when it
passes the robot, double-click and byte-range filters, added at once to its record's (and file's) monthly
counts. `rebuild_usage` applies the same rules to the whole log, in time order, and must give the same
numbers (`tests/test_rebuild.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max, Subquery, Sum
from django.utils import timezone

from samla.core.access import Actor, require
from samla.files.models import RecordFile
from samla.records.models import Record
from samla.records.permissions import visible_records

from .counter import (
    DOUBLE_CLICK_SECONDS,
    SessionItem,
    agent_class,
    counts,
    hour_slice,
    is_double_click,
    is_repeated_range,
    month_of,
    session_key,
)
from .models import HUMAN, INVESTIGATION, REQUEST, RecordUsage, UsageEvent

WINDOW = dt.timedelta(seconds=DOUBLE_CLICK_SECONDS)
METRICS = ("total_investigations", "unique_investigations", "total_requests", "unique_requests")


# ---------------------------------------------------------------- counting


@dataclass(frozen=True)
class Visit:
    """What the HTTP edge knows of one successful answer. The address and agent are only hashed (and
    the agent classified); neither is stored."""

    ip: str
    user_agent: str
    at: dt.datetime | None = None


def record_investigation(actor: Actor, *, visit: Visit, record: Record) -> UsageEvent:
    """Count a view of the record page (a COUNTER investigation)."""
    return _ingest(actor, visit, record_id=record.pk, file_id=None, kind=INVESTIGATION, partial=False)


def record_request(
    actor: Actor, *, visit: Visit, record_file: RecordFile, partial: bool = False
) -> UsageEvent:
    """Count a download of a file (a COUNTER request, and so an investigation too); `partial` for a
    byte-range (206) answer, which counts once per session."""
    return _ingest(
        actor, visit, record_id=record_file.record_id, file_id=record_file.pk, kind=REQUEST, partial=partial
    )


def _ingest(
    actor: Actor, visit: Visit, *, record_id: int, file_id: int | None, kind: int, partial: bool
) -> UsageEvent:
    """Three statements on the hot path, in SQL (the ORM's query building cost more than the queries):
    read the session's recent events on the record, insert the event, add to the counts; one
    transaction. A robot's or machine's event is a single insert."""
    at = visit.at or timezone.now()
    agent = agent_class(visit.user_agent)
    session = session_key(at=at, user_id=actor.user_id, ip=visit.ip, user_agent=visit.user_agent)
    event = UsageEvent(
        at=at, record_id=record_id, record_file_id=file_id, kind=kind, partial=partial, session=session,
        agent=agent, counted=False,
    )  # fmt: skip
    increments = []
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic() if agent == HUMAN else nullcontext(), connection.cursor() as cursor:
        if agent == HUMAN:
            hour = hour_slice(at)
            # This session's recent events on this record, for §7.2 and §7.3 alike.
            cursor.execute(_RECENT_SQL, [session, record_id, adapt(min(hour, at - WINDOW)), adapt(at)])
            previous, seen = None, SessionItem()
            for other_at, other_kind, other_file, other_counted in cursor.fetchall():
                other_at = _aware(other_at)
                if other_kind == kind and other_file == file_id and (previous is None or other_at > previous):
                    previous = other_at
                if other_counted and other_at >= hour:
                    seen.add(other_kind, other_file)
            repeated = is_repeated_range(kind, partial, file_id, seen)
            event.counted = not is_double_click(previous, at) and not repeated
            if event.counted:
                increments = counts(kind, file_id, seen)
        cursor.execute(
            _INSERT_SQL, [adapt(at), record_id, file_id, kind, partial, session, agent, event.counted]
        )
        event.pk = cursor.fetchone()[0]
        if increments:
            _add_counts(record_id, month_of(at), increments)
    return event


def _aware(value) -> dt.datetime:
    """A datetime read with raw SQL: SQLite gives naive UTC text, PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


_EVENTS = UsageEvent._meta.db_table
_RECENT_SQL = (
    f"SELECT at, kind, record_file_id, counted FROM {_EVENTS} "
    "WHERE session = %s AND record_id = %s AND at >= %s AND at <= %s"
)
_INSERT_SQL = (
    f"INSERT INTO {_EVENTS} (at, record_id, record_file_id, kind, partial, session, agent, counted) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id"
)


def _add_counts(record_id: int, month: dt.date, rows: list[tuple[int, int, int, int, int]]) -> None:
    """Add to the month's counts in one statement, creating the rows when missing (an upsert that
    SQLite and PostgreSQL spell alike)."""
    q = connection.ops.quote_name
    table = q(RecordUsage._meta.db_table)
    columns = ", ".join(q(c) for c in ("record_id", "file_key", "month", *METRICS))
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    updates = ", ".join(f"{q(m)} = {table}.{q(m)} + excluded.{q(m)}" for m in METRICS)
    params = [p for row in rows for p in (record_id, row[0], month, *row[1:])]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {values} "
            f"ON CONFLICT ({q('record_id')}, {q('file_key')}, {q('month')}) DO UPDATE SET {updates}",
            params,
        )


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class MonthUsage:
    month: dt.date
    downloads: int
    hits: int


@dataclass(frozen=True)
class RecordUsageSummary:
    """A record's COUNTER metrics, all months together and month by month (gaps filled with zeros).

    "Hits" on the page are Total_Item_Investigations (which include the downloads, §3.3) and "downloads"
    are Total_Item_Requests."""

    total_investigations: int = 0
    unique_investigations: int = 0
    total_requests: int = 0
    unique_requests: int = 0
    months: list[MonthUsage] = field(default_factory=list)
    file_downloads: dict[int, int] = field(default_factory=dict)

    @property
    def downloads(self) -> int:
        return self.total_requests

    @property
    def hits(self) -> int:
        return self.total_investigations

    @property
    def plot(self):
        from .plot import UsagePlot

        return UsagePlot.of(self.months)


PLOT_MONTHS = 24


def usage_for_record(
    actor: Actor, record: Record, *, files: Iterable[RecordFile] = (), today: dt.date | None = None
) -> RecordUsageSummary:
    """The record's statistics in one query, whose files also get their `download_count` (the record
    page shows both). `record` is one `actor` was allowed to read."""
    totals = dict.fromkeys(METRICS, 0)
    by_month: dict[dt.date, list[int]] = {}
    file_downloads: dict[int, int] = {}
    rows = RecordUsage.objects.filter(record=record)
    if getattr(record, "has_usage", True) is False:
        rows = RecordUsage.objects.none()  # `get_record_for` found none: no query
    for file_key, month, *values in rows.values_list("file_key", "month", *METRICS):
        if file_key:
            file_downloads[file_key] = file_downloads.get(file_key, 0) + values[2]
            continue
        for name, value in zip(METRICS, values, strict=True):
            totals[name] += value
        by_month[month] = [values[2], values[0]]
    for record_file in files:
        record_file.download_count = file_downloads.get(record_file.pk, 0)
    months = _month_series(by_month, today or timezone.now().date())
    return RecordUsageSummary(**totals, months=months, file_downloads=file_downloads)


def _month_series(by_month: dict[dt.date, list[int]], today: dt.date) -> list[MonthUsage]:
    """Every month from the first with usage (at most PLOT_MONTHS back) to this one."""
    if not by_month:
        return []
    end = today.replace(day=1)
    start = max(min(by_month), _add_months(end, -(PLOT_MONTHS - 1)))
    series, month = [], start
    while month <= max(end, max(by_month)):
        downloads, hits = by_month.get(month, (0, 0))
        series.append(MonthUsage(month, downloads, hits))
        month = _add_months(month, 1)
    return series


def _add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class TopRecord:
    record: Record
    downloads: int
    hits: int


def top_records(
    actor: Actor, *, organisation_id: int | None = None, by: str = "downloads", limit: int = 10
) -> list[TopRecord]:
    """The records (visible to `actor`) with the most downloads or hits, of the whole repository or of
    an organisation and the units below it. Two queries (three with an organisation)."""
    from samla.organisations.services import get_organisation_for, organisation_and_descendant_ids

    records = Record.objects.filter(visible_records(actor))
    if organisation_id is not None:
        get_organisation_for(actor, organisation_id)
        ids = organisation_and_descendant_ids(organisation_id)
        records = records.filter(contributions__affiliations__organisation_id__in=ids)
    order = "downloads" if by == "downloads" else "hits"
    rows = list(
        RecordUsage.objects.filter(file_key=0, record_id__in=Subquery(records.values("pk")))
        .values("record_id")
        .annotate(downloads=Sum("total_requests"), hits=Sum("total_investigations"))
        .filter(**{f"{order}__gt": 0})
        .order_by(f"-{order}", "record_id")[:limit]
    )
    loaded = Record.objects.in_bulk([row["record_id"] for row in rows])
    return [TopRecord(loaded[row["record_id"]], row["downloads"], row["hits"]) for row in rows]


# ---------------------------------------------------------------- rebuilding


@dataclass(frozen=True)
class RebuildReport:
    events: int
    counted: int
    robots: int  # robots and machines
    filtered: int
    rows: int
    corrected: int


def count_events() -> int:
    return UsageEvent.objects.count()


def rebuild_usage(
    actor: Actor, *, progress: Callable[[int], None] | None = None, chunk_size: int = 20_000
) -> RebuildReport:
    """Recompute every `RecordUsage` row from the raw events, in time order, with the rules ingest
    applies (and correct any event's `counted` flag that disagrees). Memory stays bounded whatever the
    number of events: events are read in chunks, double-click state is kept for 30 seconds, session
    state for one hour slice, and counts for one month, which is written when the next begins.

    One transaction, so an interrupted run leaves the old counts and a re-run starts again; a second
    run while one is in progress is refused (Conflict). Events arriving meanwhile are counted by ingest
    on top of the rebuilt rows."""
    from samla.files.store import job_lock

    require(actor, "stats.rebuild")
    with job_lock("stats-rebuild"), transaction.atomic():
        return _rebuild(progress or (lambda n: None), chunk_size)


def _rebuild(progress: Callable[[int], None], chunk_size: int) -> RebuildReport:
    last_id = UsageEvent.objects.aggregate(last=Max("id"))["last"] or 0
    RecordUsage.objects.all().delete()
    recount = _Recount()
    events = robots = corrected = 0
    for chunk in _event_chunks(last_id, chunk_size):
        flips: dict[bool, list[int]] = {True: [], False: []}
        for event_id, at, record_id, file_id, kind, partial, session, agent, stored in chunk:
            counted = False
            if agent == HUMAN:
                counted = recount.count(_aware(at), record_id, file_id, kind, bool(partial), session)
            else:
                robots += 1
            if counted != bool(stored):
                flips[counted].append(event_id)
        events += len(chunk)
        recount.forget_clicks_before(_aware(chunk[-1][1]) - WINDOW)
        corrected += _write_flags(flips)
        progress(len(chunk))
    recount.write_month()
    return RebuildReport(
        events=events,
        counted=recount.counted,
        robots=robots,
        filtered=events - recount.counted - robots,
        rows=recount.rows,
        corrected=corrected,
    )


_CHUNK_SQL = (
    f"SELECT id, at, record_id, record_file_id, kind, partial, session, agent, counted FROM {_EVENTS} "
    "WHERE id <= %s AND at >= %s AND (at > %s OR id > %s) ORDER BY at, id LIMIT %s"
)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _event_chunks(last_id: int, chunk_size: int) -> Iterator[list[tuple]]:
    """The events up to `last_id` in time order, in chunks read by keyset on (at, id) (the
    `stats_event_time` index), so the last query is as fast as the first. Raw SQL: the ORM's row
    conversion cost more than the counting; the last row's time goes back into the next query as the
    database gave it."""
    after = (connection.ops.adapt_datetimefield_value(_EPOCH), 0)
    with connection.cursor() as cursor:
        while True:
            cursor.execute(_CHUNK_SQL, [last_id, after[0], after[0], after[1], chunk_size])
            rows = cursor.fetchall()
            if not rows:
                return
            after = (rows[-1][1], rows[-1][0])
            yield rows


class _Recount:
    """COUNTER's rules over the event log in time order, as ingest applies them one event at a time.

    Memory stays bounded whatever the length of the log: the last clicks of 30 seconds (double clicks),
    the sessions of one hour slice (unique items) and the counts of one month, written when the next
    month begins."""

    def __init__(self) -> None:
        self.last_click: dict[tuple, dt.datetime] = {}
        self.seen: dict[tuple[int, int], SessionItem] = {}
        self.totals: dict[tuple[int, int], list[int]] = {}
        self.hour_end: dt.datetime | None = None
        self.month: dt.date | None = None
        self.counted = self.rows = 0

    def count(
        self, at: dt.datetime, record_id: int, file_id: int | None, kind: int, partial: bool, session: int
    ) -> bool:
        """Whether a human's event counts, adding it to the month's counts when it does."""
        if self.hour_end is None or at >= self.hour_end:
            self._next_hour(at)
        click = (session, record_id, kind, file_id)
        previous, self.last_click[click] = self.last_click.get(click), at
        item = self.seen.get((session, record_id))
        if item is None:
            item = self.seen[(session, record_id)] = SessionItem()
        if is_double_click(previous, at) or is_repeated_range(kind, partial, file_id, item):
            return False
        for file_key, *values in counts(kind, file_id, item):
            row = self.totals.setdefault((record_id, file_key), [0, 0, 0, 0])
            for i, value in enumerate(values):
                row[i] += value
        item.add(kind, file_id)
        self.counted += 1
        return True

    def _next_hour(self, at: dt.datetime) -> None:
        hour = hour_slice(at)
        self.hour_end, self.seen = hour + dt.timedelta(hours=1), {}
        month = hour.date().replace(day=1)
        if month != self.month:
            self.write_month()
            self.month = month

    def forget_clicks_before(self, horizon: dt.datetime) -> None:
        self.last_click = {k: v for k, v in self.last_click.items() if v >= horizon}

    def write_month(self) -> None:
        self.rows += _write_month(self.month, self.totals)
        self.totals = {}


def _write_flags(flips: dict[bool, list[int]]) -> int:
    """Correct the `counted` flag of one chunk's events. Per chunk: kept for the whole log, the ids of
    a log written without flags (an import, a bulk load) would grow with it."""
    with connection.cursor() as cursor:
        for value, ids in flips.items():
            for start in range(0, len(ids), 1000):
                batch = ids[start : start + 1000]
                marks = ", ".join(["%s"] * len(batch))
                cursor.execute(f"UPDATE {_EVENTS} SET counted = %s WHERE id IN ({marks})", [value, *batch])
    return sum(len(ids) for ids in flips.values())


def _write_month(month: dt.date | None, totals: dict[tuple[int, int], list[int]]) -> int:
    if month is None or not totals:
        return 0
    RecordUsage.objects.bulk_create(
        [
            RecordUsage(
                record_id=record_id, file_key=file_key, month=month, **dict(zip(METRICS, values, strict=True))
            )
            for (record_id, file_key), values in totals.items()
        ],
        batch_size=2000,
    )
    return len(totals)
