"""What the OAI-PMH provider serves: harvestable records in (datestamp, id) order, found by keyset.

Published records are served with their metadata; withdrawn ones stay as deleted headers for ever
(deletedRecord=persistent); drafts are never served.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db.models import Min, Q, QuerySet

from samla.records.models import Record
from samla.records.services import load_records_parts

from .protocol import DateRange, OaiError

PAGE_SIZE = 200
HARVESTABLE = ("published", "withdrawn")
REPOSITORY_ID = re.compile(r"^[A-Za-z][A-Za-z0-9\-]*(\.[A-Za-z][A-Za-z0-9\-]*)+$")


def repository_identifier() -> str:
    """The repositoryIdentifier of this provider's oai-identifiers: settings.OAI_REPOSITORY_ID."""
    return settings.OAI_REPOSITORY_ID


def oai_identifier(record: Record) -> str:
    return f"oai:{repository_identifier()}:{record.local_id}"


def harvestable() -> QuerySet:
    return Record.objects.filter(state__in=HARVESTABLE)


def record_by_identifier(identifier: str) -> Record:
    """The record an oai-identifier of this repository names; idDoesNotExist otherwise."""
    prefix = f"oai:{repository_identifier()}:"
    record = None
    if identifier.startswith(prefix):
        record = harvestable().select_related("journal").filter(local_id=identifier[len(prefix) :]).first()
    if record is None:
        raise OaiError("idDoesNotExist", f"{identifier[:200]!r} is not an identifier in this repository.")
    load_records_parts([record])
    return record


def earliest_datestamp() -> dt.datetime:
    earliest = harvestable().aggregate(Min("datestamp"))["datestamp__min"]
    return earliest or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def selection(dates: DateRange, set_filter: Q) -> QuerySet:
    records = harvestable().filter(set_filter)
    if dates.start is not None:
        records = records.filter(datestamp__gte=dates.start)
    if dates.end is not None:
        records = records.filter(datestamp__lt=dates.end)
    return records


def page_after(records: QuerySet, after: tuple[dt.datetime, int] | None) -> tuple[list[Record], bool]:
    """The next PAGE_SIZE records after `after` in (datestamp, id) order, and whether more follow; their
    parts are loaded (headers list sets by subject and organisation, and metadata needs the rest)."""
    size = PAGE_SIZE
    if after is not None:
        stamp, pk = after
        records = records.filter(Q(datestamp__gt=stamp) | Q(datestamp=stamp, pk__gt=pk))
    page = list(records.select_related("journal").order_by("datestamp", "pk")[: size + 1])
    more = len(page) > size
    page = page[:size]
    load_records_parts(page)
    return page, more


def format_datestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
