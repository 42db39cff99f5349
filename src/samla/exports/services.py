"""Exporting lists of records in chunks, in constant memory.

A list is read as chunks of heads (id, datestamp, state); each chunk's item texts come from
`exports.rendered` (one query for the texts kept from earlier exports) and only the records whose kept
text is stale are loaded, by the lean bulk loader (`records.services.reading.load_records_data`: plain
objects with every part the writers read, at most five queries per chunk), and written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from django.db.models import F, QuerySet

from samla.core.access import Actor
from samla.journals.services import get_journal_for
from samla.organisations.services import get_organisation_for, organisation_and_descendant_ids
from samla.people.services import get_person_for
from samla.records.models import Contribution, ContributionAffiliation, Record
from samla.records.permissions import visible_records
from samla.records.services.reading import RecordData, load_records_data

from .registry import Format
from .rendered import Head, Renderer, item_texts

CHUNK_SIZE = 500
HEAD_FIELDS = ("pk", "datestamp", "state")


@dataclass(frozen=True)
class Selection:
    """The records of one list page, checked when made: a missing or hidden person, organisation or
    journal raises NotFound before anything is streamed."""

    queryset: QuerySet
    name: str  # download file name without extension: "person-12"

    def heads(self, *, chunk_size: int = CHUNK_SIZE) -> Iterator[tuple[Head, ...]]:
        """The records' heads, newest first as the list pages show them, `chunk_size` at a time. The ids
        come from a server-side cursor (PostgreSQL) or fetched in batches (SQLite), so they never pile up
        in memory."""
        ordered = self.queryset.order_by(F("year").desc(nulls_last=True), "title", "pk")
        return batched(ordered.values_list(*HEAD_FIELDS).iterator(chunk_size=chunk_size), chunk_size)

    def records(self, *, chunk_size: int = CHUNK_SIZE) -> Iterator[RecordData]:
        """The records themselves, loaded a chunk at a time with their parts (what a writer reads)."""
        for heads in self.heads(chunk_size=chunk_size):
            yield from _load(pk for pk, _, _ in heads)


def select_records(
    actor: Actor,
    *,
    person_id: int | None = None,
    organisation_id: int | None = None,
    journal_id: int | None = None,
) -> Selection:
    """The visible records of a person, an organisation (with its units) or a journal, newest first,
    as its page lists them."""
    queryset = Record.objects.filter(visible_records(actor))
    if person_id is not None:
        person = get_person_for(actor, person_id)
        contributed = Contribution.objects.filter(person_id=person.pk).values("record_id")
        return Selection(queryset.filter(pk__in=contributed), f"person-{person.pk}")
    if organisation_id is not None:
        organisation = get_organisation_for(actor, organisation_id)
        units = organisation_and_descendant_ids(organisation.pk)
        affiliated = ContributionAffiliation.objects.filter(organisation_id__in=units).values(
            "contribution__record_id"
        )
        return Selection(queryset.filter(pk__in=affiliated), f"organisation-{organisation.pk}")
    if journal_id is not None:
        journal = get_journal_for(actor, journal_id)
        return Selection(queryset.filter(journal_id=journal.pk), f"journal-{journal.pk}")
    return Selection(queryset, "records")


def export_texts(fmt: Format, chunks: Iterable[Sequence[Head]]) -> Iterator[str]:
    """The item texts (`Document.item_text`) of the records of `chunks`, in order, for `frame_texts`."""
    render = renderer(fmt)
    for heads in chunks:
        yield from item_texts(fmt.name, heads, render)


def renderer(fmt: Format) -> Renderer:
    """Loads records by id and writes each as `fmt`'s item text."""

    def render(pks: list[int]) -> dict[int, str]:
        records = load_records_data(Record.objects.filter(pk__in=pks))
        return {record.pk: fmt.document.item_text(fmt.write(record)) for record in records}

    return render


def heads_for_export(
    actor: Actor, local_ids: Iterable[str], *, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[Head]]:
    """The heads of `local_ids` in the order given (search results, a basket), `chunk_size` at a time;
    ids that are missing or not visible to `actor` are skipped."""
    visible = Record.objects.filter(visible_records(actor))
    for chunk in batched(local_ids, chunk_size):
        found = {
            row[0]: row[1:]
            for row in visible.filter(local_id__in=chunk).values_list("local_id", *HEAD_FIELDS)
        }
        yield [found[local_id] for local_id in chunk if local_id in found]


def records_for_export(
    actor: Actor, local_ids: Iterable[str], *, chunk_size: int = CHUNK_SIZE
) -> Iterator[RecordData]:
    """The records of `local_ids` in the order given (search results, a basket), each chunk loaded with
    its parts; ids that are missing or not visible to `actor` are skipped."""
    for heads in heads_for_export(actor, local_ids, chunk_size=chunk_size):
        yield from _load(pk for pk, _, _ in heads)


def batched(items: Iterable, size: int) -> Iterator[tuple]:
    """Successive tuples of `size` items (itertools.batched arrives with Python 3.12)."""
    iterator = iter(items)
    while chunk := tuple(islice(iterator, size)):
        yield chunk


def _load(pks: Iterable[int]) -> Iterator[RecordData]:
    pks = list(pks)
    by_pk = {record.pk: record for record in load_records_data(Record.objects.filter(pk__in=pks))}
    return (by_pk[pk] for pk in pks if pk in by_pk)
