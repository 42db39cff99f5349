"""Usage statistics services: count what the HTTP edge served, read the counts, rebuild them.

The only code that writes `UsageEvent` and `RecordUsage`. Counting follows the COUNTER Code of Practice
R5 (the rules, with their sections, are in `stats/counter.py`): each event is stored raw, and, when it
passes the robot, double-click and byte-range filters, added at once to its record's (and file's) monthly
counts. `rebuild_usage` applies the same rules to the whole log, in time order, and must give the same
numbers (`tests/test_rebuild.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
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


@dataclass(frozen=True)
class Served:
    """One answer to count: a record page (an investigation) or a file (a request), served to `actor`
    on `visit`. The HTTP edge keeps these in memory and hands them to `record_usage` together."""

    actor: Actor
    visit: Visit
    record_id: int
    file_id: int | None = None
    kind: int = INVESTIGATION
    partial: bool = False

    @classmethod
    def investigation(cls, actor: Actor, *, visit: Visit, record: Record) -> Served:
        return cls(actor, visit, record.pk)

    @classmethod
    def request(cls, actor: Actor, *, visit: Visit, record_file: RecordFile, partial: bool = False) -> Served:
        """`partial` for a byte-range (206) answer, which counts once per session."""
        return cls(actor, visit, record_file.record_id, record_file.pk, REQUEST, partial)


def record_investigation(actor: Actor, *, visit: Visit, record: Record) -> None:
    """Count a view of the record page (a COUNTER investigation), in a transaction of its own."""
    record_usage([Served.investigation(actor, visit=visit, record=record)])


def record_request(actor: Actor, *, visit: Visit, record_file: RecordFile, partial: bool = False) -> None:
    """Count a download of a file (a COUNTER request, and so an investigation too), in a transaction
    of its own; `partial` for a byte-range (206) answer, which counts once per session."""
    record_usage([Served.request(actor, visit=visit, record_file=record_file, partial=partial)])


def record_usage(events: Sequence[Served]) -> None:
    """Count served answers, given in the order they happened (COUNTER's rules depend on it), in one
    transaction. Each human's event is judged against its session's recent events on the record, those
    stored before and those earlier in `events`, exactly as if it were counted alone; but the batch
    costs one read of recent events per PAIRS_PER_READ sessions and records, one insert of the events
    and one upsert of the summed counts (a statement per ROWS_PER_WRITE rows), where one event at a
    time cost three statements and a commit each."""
    record_rows(event_rows(events))


def event_rows(events: Iterable[Served]) -> list[EventRow]:
    """The events as they are stored: the session key and agent class instead of address and agent."""
    return [_event_row(event) for event in events]


def record_rows(rows: list[EventRow]) -> None:
    """`record_usage` of events already made rows (`event_rows`; a spool keeps them so,
    `stats.spool`), in the caller's transaction if there is one."""
    if not rows:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        history = _recent_events(cursor, [row for row in rows if row.agent == HUMAN])
        increments: dict[tuple[int, int, dt.date], list[int]] = {}
        for row in rows:
            if row.agent == HUMAN:
                row.counted = _judge(row, history.get((row.session, row.record_id), []), increments)
            history.setdefault((row.session, row.record_id), []).append(row)
        _insert_events(cursor, rows)
        _add_counts(cursor, increments)


@dataclass(slots=True)
class EventRow:
    """A `UsageEvent` row while it is judged: cheaper than a model instance, and raw SQL reads
    earlier events into the same shape."""

    at: dt.datetime
    record_id: int
    file_id: int | None
    kind: int
    partial: bool = False
    session: int = 0
    agent: int = HUMAN
    counted: bool = False

    def columns(self) -> tuple:
        """The insert's values after `at`."""
        return (self.record_id, self.file_id, self.kind, self.partial, self.session, self.agent, self.counted)


def _event_row(event: Served) -> EventRow:
    visit = event.visit
    at = visit.at or timezone.now()
    session = session_key(at=at, user_id=event.actor.user_id, ip=visit.ip, user_agent=visit.user_agent)
    agent = agent_class(visit.user_agent)
    return EventRow(at, event.record_id, event.file_id, event.kind, event.partial, session, agent)


def _judge(
    row: EventRow, earlier: list[EventRow], increments: dict[tuple[int, int, dt.date], list[int]]
) -> bool:
    """Whether a human's event counts (§7.2 double clicks, repeated byte ranges), adding its
    increments when it does. `earlier` holds the session's events on the record, in any order."""
    hour = hour_slice(row.at)
    since = min(hour, row.at - WINDOW)
    previous, seen = None, SessionItem()
    for other in earlier:
        if not since <= other.at <= row.at:
            continue
        if (
            other.kind == row.kind
            and other.file_id == row.file_id
            and (previous is None or other.at > previous)
        ):
            previous = other.at
        if other.counted and other.at >= hour:
            seen.add(other.kind, other.file_id)
    if is_double_click(previous, row.at) or is_repeated_range(row.kind, row.partial, row.file_id, seen):
        return False
    month = month_of(row.at)
    for file_key, *values in counts(row.kind, row.file_id, seen):
        total = increments.setdefault((row.record_id, file_key, month), [0, 0, 0, 0])
        for i, value in enumerate(values):
            total[i] += value
    return True


def _recent_events(cursor, rows: list[EventRow]) -> dict[tuple[int, int], list[EventRow]]:
    """The stored events `_judge` may need for these rows: those of their sessions on their records,
    from the earliest row's hour slice (or 30 s before it) to the latest row, by session and record.
    One statement per PAIRS_PER_READ pairs, on the (session, record, at) index."""
    found: dict[tuple[int, int], list[EventRow]] = {}
    if not rows:
        return found
    adapt = connection.ops.adapt_datetimefield_value
    since = adapt(min(min(hour_slice(r.at), r.at - WINDOW) for r in rows))
    until = adapt(max(r.at for r in rows))
    pairs = sorted({(r.session, r.record_id) for r in rows})
    for start in range(0, len(pairs), PAIRS_PER_READ):
        chunk = set(pairs[start : start + PAIRS_PER_READ])
        sessions, records = {p[0] for p in chunk}, {p[1] for p in chunk}
        marks = ", ".join(["%s"] * len(sessions)), ", ".join(["%s"] * len(records))
        cursor.execute(_RECENT_SQL.format(*marks), [*sessions, *records, since, until])
        for session, record_id, at, kind, file_id, counted in cursor.fetchall():
            if (session, record_id) in chunk:  # the IN lists also match other pairs' crossings
                event = EventRow(_aware(at), record_id, file_id, kind, session=session, counted=bool(counted))
                found.setdefault((session, record_id), []).append(event)
    return found


def _aware(value) -> dt.datetime:
    """A datetime read with raw SQL: SQLite gives naive UTC text, PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


_EVENTS = UsageEvent._meta.db_table
PAIRS_PER_READ = 400  # at most 802 parameters: SQLite allows 999
_RECENT_SQL = (
    f"SELECT session, record_id, at, kind, record_file_id, counted FROM {_EVENTS} "
    "WHERE session IN ({}) AND record_id IN ({}) AND at >= %s AND at <= %s"
)
_INSERT_SQL = (
    f"INSERT INTO {_EVENTS} (at, record_id, record_file_id, kind, partial, session, agent, counted) VALUES "
)
ROWS_PER_WRITE = 100  # at most 800 parameters a statement


def _insert_events(cursor, rows: list[EventRow]) -> None:
    """Multi-row inserts, a statement per ROWS_PER_WRITE events."""
    adapt = connection.ops.adapt_datetimefield_value
    for start in range(0, len(rows), ROWS_PER_WRITE):
        chunk = rows[start : start + ROWS_PER_WRITE]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
        cursor.execute(_INSERT_SQL + values, [p for r in chunk for p in (adapt(r.at), *r.columns())])


def _add_counts(cursor, increments: dict[tuple[int, int, dt.date], list[int]]) -> None:
    """Add to the months' counts, creating the rows when missing (an upsert that SQLite and PostgreSQL
    spell alike), in key order, so two workers adding to the same rows lock them in the same order."""
    q = connection.ops.quote_name
    table = q(RecordUsage._meta.db_table)
    columns = ", ".join(q(c) for c in ("record_id", "file_key", "month", *METRICS))
    updates = ", ".join(f"{q(m)} = {table}.{q(m)} + excluded.{q(m)}" for m in METRICS)
    rows = [(*key, *values) for key, values in sorted(increments.items())]
    for start in range(0, len(rows), ROWS_PER_WRITE):
        chunk = rows[start : start + ROWS_PER_WRITE]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {values} "
            f"ON CONFLICT ({q('record_id')}, {q('file_key')}, {q('month')}) DO UPDATE SET {updates}",
            [p for row in chunk for p in row],
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

    Spooled events (`stats.spool`) are written first. One transaction, so an interrupted run leaves the
    old counts and a re-run starts again; a second run while one is in progress is refused (Conflict).
    Events arriving meanwhile are counted by ingest on top of the rebuilt rows."""
    from samla.files.store import job_lock

    from .spool import replay_spool

    require(actor, "stats.rebuild")
    replay_spool()  # events a server could not write when they came; those still unwritten stay spooled
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
