"""What the OAI-PMH provider serves: harvestable records in (datestamp, id) order, found by keyset.

Published records are served with their metadata; withdrawn ones stay as deleted headers for ever
(deletedRecord=persistent); drafts are never served.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db.models import CharField, Func, Min, Q, QuerySet

from samla.exports.rendered import Head
from samla.records.models import Record
from samla.records.services.reading import RecordData, load_records_data

from .protocol import DateRange, OaiError

PAGE_SIZE = 200
HARVESTABLE = ("published", "withdrawn")
REPOSITORY_ID = re.compile(r"^[A-Za-z][A-Za-z0-9\-]*(\.[A-Za-z][A-Za-z0-9\-]*)+$")


def repository_identifier() -> str:
    """The repositoryIdentifier of this provider's oai-identifiers: settings.OAI_REPOSITORY_ID."""
    return settings.OAI_REPOSITORY_ID


def oai_identifier(record: Record | RecordData) -> str:
    return f"oai:{repository_identifier()}:{record.local_id}"


def harvestable() -> QuerySet:
    return Record.objects.filter(state__in=HARVESTABLE)


class _Unindexed(Func):
    """A column's value that SQLite will not pick an index for (its documented unary `+`).

    Nearly every record is harvestable, yet without statistics SQLite prefers the state index to the
    (datestamp, id) one and sorts the whole table for each page. PostgreSQL plans from statistics.
    """

    template = "%(expressions)s"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra_context)


HEAD_FIELDS = ("pk", "datestamp", "state")


def head_by_identifier(identifier: str) -> Head:
    """The head of the record an oai-identifier of this repository names; idDoesNotExist otherwise."""
    prefix = f"oai:{repository_identifier()}:"
    found = None
    if identifier.startswith(prefix):
        found = harvestable().filter(local_id=identifier[len(prefix) :]).values_list(*HEAD_FIELDS).first()
    if found is None:
        raise OaiError("idDoesNotExist", f"{identifier[:200]!r} is not an identifier in this repository.")
    return found


def load_records(pks: list[int]) -> list[RecordData]:
    """The harvestable records of `pks` with their parts (headers list sets by subject and organisation,
    and metadata needs the rest)."""
    return load_records_data(harvestable().filter(pk__in=pks))


def earliest_datestamp() -> dt.datetime:
    earliest = harvestable().aggregate(Min("datestamp"))["datestamp__min"]
    return earliest or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def selection(dates: DateRange, set_filter: Q) -> QuerySet:
    """The records of a list request, for counting (the state index serves a count well)."""
    return harvestable().filter(_window(dates), set_filter)


def _window(dates: DateRange) -> Q:
    window = Q()
    if dates.start is not None:
        window &= Q(datestamp__gte=dates.start)
    if dates.end is not None:
        window &= Q(datestamp__lt=dates.end)
    return window


def page_after(
    dates: DateRange, set_filter: Q, after: tuple[dt.datetime, int] | None
) -> tuple[list[Head], bool]:
    """The heads of the next PAGE_SIZE records after `after` in (datestamp, id) order, and whether more
    follow."""
    heads = page_keys(dates, set_filter, after)
    return heads[:PAGE_SIZE], len(heads) > PAGE_SIZE


def page_keys(dates: DateRange, set_filter: Q, after: tuple[dt.datetime, int] | None) -> list[Head]:
    """The heads of the next PAGE_SIZE records after `after`, and one more when more follow.

    Each query seeks the (datestamp, id) index and reads one page: first the records sharing the last
    datestamp with larger ids, then the later datestamps. (One OR of the two, or a row-value comparison,
    makes SQLite scan every record of that datestamp, and a bulk import gives thousands the same one.)
    """
    records = (
        Record.objects.alias(harvest_state=_Unindexed("state"))
        .filter(harvest_state__in=HARVESTABLE)
        .filter(_window(dates), set_filter)
        .order_by("datestamp", "pk")
        .values_list(*HEAD_FIELDS)
    )
    wanted = PAGE_SIZE + 1
    if after is None:
        return list(records[:wanted])
    stamp, pk = after
    heads = list(records.filter(datestamp=stamp, pk__gt=pk)[:wanted])
    if len(heads) < wanted:
        heads += records.filter(datestamp__gt=stamp)[: wanted - len(heads)]
    return heads


def format_datestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
