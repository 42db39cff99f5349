"""Reading records: one record with everything its page shows, lists, and the input shape of a record."""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import orjson
from django.db.models import (
    Exists,
    JSONField,
    OuterRef,
    Prefetch,
    QuerySet,
    TextField,
    prefetch_related_objects,
)
from django.db.models.functions import Cast
from django.utils.translation import gettext

from samla.core.access import Actor, can
from samla.core.errors import Gone, NotFound
from samla.core.pagination import Page, paginate
from samla.journals.models import Journal
from samla.organisations.models import Organisation
from samla.organisations.services import organisation_and_descendant_ids
from samla.people.models import Person
from samla.vocabularies.models import SubjectCategory

from ..models import Contribution, ContributionAffiliation, Identifier, Record
from ..permissions import visible_records
from ..schemas import RecordIn
from .fields import JSON_FIELDS, SIMPLE_FIELDS


def record_to_input(record: Record | RecordData) -> RecordIn:
    """The stored record in the input shape: what `update_record` compares, what the API returns.

    Uses the parts already loaded with the record (`load_record_parts`, or `load_records_data` for many),
    loading a model instance's only if missing.
    """
    if isinstance(record, Record):
        load_record_parts(record)
    return RecordIn.model_validate(
        {
            "local_id": record.local_id,
            **{field: getattr(record, field) for field in SIMPLE_FIELDS},
            **{field: getattr(record, field) for field in JSON_FIELDS},
            "page_count": record.page_count,
            "journal": _journal_input(record),
            "subjects": sorted(s.code for s in record.subjects.all()),
            "identifiers": [
                {"scheme": i.scheme, "value": i.value} for i in record.identifiers.all() if not i.relation
            ],
            "relations": [
                {"relation": i.relation, "scheme": i.scheme, "value": i.value, "label": i.label}
                for i in record.identifiers.all()
                if i.relation
            ],
            "contributors": [_contributor_input(c) for c in record.contributions.all()],
            "created": record.created,
            "last_updated": record.last_updated,
        }
    )


def _journal_input(record: Record) -> dict | None:
    journal = record.journal
    if journal is None:
        return None
    return {
        "title": journal.title,
        "issn": journal.issn or "",
        "eissn": journal.eissn or "",
        "publisher": journal.publisher,
        "kind": journal.kind,
    }


def _contributor_input(contribution: Contribution) -> dict:
    person = contribution.person
    return {
        "family_name": contribution.family_name,
        "given_name": contribution.given_name,
        "role": contribution.role,
        "is_organisation": contribution.is_organisation,
        "person": None
        if person is None
        else {
            "orcid": person.orcid or "",
            "local_id": person.local_id or "",
            "authority_id": person.authority_id or "",
            "birth_year": person.birth_year,
        },
        "affiliations": [
            {"organisation": a.organisation.identifier if a.organisation else "", "text": a.text}
            for a in contribution.affiliations.all()
        ],
    }


# Everything the record page and the exports show besides the record row and its journal: four queries
# for any record. Each affiliation comes with its organisation and three levels above it (one join), so
# exports can name the hierarchy without querying.
PAGE_PARTS = (
    Prefetch("contributions", queryset=Contribution.objects.select_related("person")),
    Prefetch(
        "contributions__affiliations",
        queryset=ContributionAffiliation.objects.select_related("organisation__parent__parent__parent"),
    ),
    Prefetch("identifiers", queryset=Identifier.objects.select_related("related_record")),
    "subjects",
)


def no_record(local_id: str) -> str:
    """The one text of a record that is missing or that the actor may not see."""
    return gettext("No record %(local_id)s.") % {"local_id": local_id}


def get_record_for(actor: Actor, local_id: str, *, with_parts: bool = True) -> Record:
    """The record with its journal and (unless `with_parts` is false) every part its page shows, in five
    queries whatever the number of authors; NotFound when missing or not visible to `actor`, Gone when
    withdrawn. `has_files` and `has_usage` say whether the record has files and usage statistics, so a
    page spends no query on what is not there.
    """
    record = (
        Record.objects.select_related("journal")
        .annotate(has_files=_has("files"), has_usage=_has("usage"))
        .filter(local_id=local_id)
        .first()
    )
    _check_readable(actor, local_id, record)
    return load_record_parts(record) if with_parts else record


def get_record_head_for(actor: Actor, local_id: str) -> Record:
    """Just enough of a record to check a cached copy of its page against `record_version`, to count the
    view and to tell whether it has usage statistics: one small query, with the same NotFound and Gone as
    `get_record_for`."""
    record = (
        Record.objects.only("pk", "local_id", "state", "owner_id", "datestamp", "withdrawn_reason")
        .annotate(has_usage=_has("usage"))
        .filter(local_id=local_id)
        .first()
    )
    _check_readable(actor, local_id, record)
    return record


def _check_readable(actor: Actor, local_id: str, record: Record | None) -> None:
    if record is not None and record.state == "withdrawn" and not can(actor, "record.read", record):
        raise Gone(withdrawn_message(local_id, record.withdrawn_reason), local_id=local_id)
    if record is None or not can(actor, "record.read", record):
        raise NotFound(no_record(local_id))


def get_tombstone_for(actor: Actor, local_id: str) -> Record:
    """A withdrawn record with every part its citation needs, for the tombstone its page shows anyone
    (the record was public, and what cites it should still say what it was); NotFound for any other."""
    record = Record.objects.select_related("journal").filter(local_id=local_id, state="withdrawn").first()
    if record is None:
        raise NotFound(no_record(local_id))
    return load_record_parts(record)


def withdrawn_message(local_id: str, reason: str) -> str:
    """What a reader is told of a withdrawn record, with the reason when one was given."""
    if reason:
        return gettext("Record %(local_id)s has been withdrawn: %(reason)s.") % {
            "local_id": local_id,
            "reason": reason,
        }
    return gettext("Record %(local_id)s has been withdrawn.") % {"local_id": local_id}


def _has(relation: str) -> Exists:
    """Whether the record has rows in another app's table pointing at it (files, usage), asked of that
    table's record index directly; the other app's model is reached through the relation's name."""
    related = Record._meta.get_field(relation).related_model
    return Exists(related.objects.filter(record_id=OuterRef("pk")))


def load_record_parts(record: Record) -> Record:
    load_records_parts([record])
    return record


def load_records_parts(records: list[Record]) -> None:
    """Load the parts of many records at once (four queries); parts already loaded are kept."""
    prefetch_related_objects(records, *PAGE_PARTS)


def record_version(record: Record) -> str:
    """A short string that changes whenever the record changes, for caching what is derived from it."""
    return f"{record.pk}.{record.datestamp.timestamp():.6f}"


def list_records(
    actor: Actor,
    *,
    person_id: int | None = None,
    organisation_id: int | None = None,
    journal_id: int | None = None,
    subject: str = "",
    page: int = 1,
    size: int = 25,
) -> Page:
    """Visible records, newest first, optionally those of one person, organisation (with its units),
    journal or subject category."""
    queryset = Record.objects.filter(visible_records(actor))
    if person_id is not None:
        queryset = queryset.filter(contributions__person_id=person_id)
    if organisation_id is not None:
        ids = organisation_and_descendant_ids(organisation_id)
        queryset = queryset.filter(contributions__affiliations__organisation_id__in=ids)
    if journal_id is not None:
        queryset = queryset.filter(journal_id=journal_id)
    if subject:
        queryset = queryset.filter(subjects__code=subject)
    if person_id is not None or organisation_id is not None or subject:
        queryset = queryset.distinct()
    queryset = queryset.select_related("journal").prefetch_related(
        Prefetch("contributions", queryset=Contribution.objects.order_by("position"))
    )
    return paginate(queryset.order_by("-year", "title", "pk"), page, size)


# ---------------------------------------------------------------- the lean bulk loader


class Rows(list):
    """Loaded parts that answer `.all()` as a prefetched relation does, so writers read a `RecordData` and
    a model instance alike."""

    def all(self) -> Rows:
        return self


RECORD_COLUMNS = tuple(f.attname for f in Record._meta.concrete_fields)
RECORD_JSON_COLUMNS = tuple(f.attname for f in Record._meta.concrete_fields if isinstance(f, JSONField))
# The JSON columns are read as their text and decoded by orjson when read (`_json_column`): Django's
# json.loads per value was a tenth of the loader's time.
RECORD_SELECTED = tuple(
    Cast(column, TextField()) if column in RECORD_JSON_COLUMNS else column for column in RECORD_COLUMNS
)
CONTRIBUTION_COLUMNS = tuple(f.attname for f in Contribution._meta.concrete_fields)
AFFILIATION_COLUMNS = tuple(f.attname for f in ContributionAffiliation._meta.concrete_fields)
IDENTIFIER_COLUMNS = tuple(f.attname for f in Identifier._meta.concrete_fields)
RELATED_COLUMNS = ("id", "local_id", "subtitle", "title")


# Loaded rows are named tuples of their columns in `values_list` order, then the parts loaded with them.
# A tuple is one object made in one call and read by index in C: an object holding its columns in a dict
# cost seven times as much to make, and was twice the objects for the cyclic garbage collector to walk
# again and again while a chunk is loaded (its collections were a third of the loader's time). Like
# prefetched instances, they are read, never changed.


class _Row:
    """What every loaded row answers besides its columns: `pk`, its id, as a model instance does."""

    __slots__ = ()

    @property
    def pk(self) -> int:
        return self.id


class RecordData(
    _Row, namedtuple("RecordRow", (*RECORD_COLUMNS, "journal", "contributions", "identifiers", "subjects"))
):
    """A record as OAI-PMH and exports read it, without model instances (which cost more to build than
    to write out): every column, the journal, and its parts as `Rows` in the order the record page shows
    them. Properties and the URL are the model's own."""

    __slots__ = ()
    full_title = Record.full_title
    output_type_info = Record.output_type_info
    licence_info = Record.licence_info
    pages = Record.pages
    get_absolute_url = Record.get_absolute_url


def _json_column(position: int) -> property:
    """A JSON column of `RecordData`, kept as its text and decoded each time it is read. A writer reads
    two or three of the five, once each; decoded when loaded, their lists were a quarter of the objects
    the garbage collector walked again and again while a chunk was loaded and written."""

    def decoded(record: RecordData) -> Any:
        text = tuple.__getitem__(record, position)
        return None if text is None else orjson.loads(text)

    return property(decoded)


for _column in RECORD_JSON_COLUMNS:
    setattr(RecordData, _column, _json_column(RECORD_COLUMNS.index(_column)))


class ContributionData(
    _Row, namedtuple("ContributionRow", (*CONTRIBUTION_COLUMNS, "person", "affiliations"))
):
    __slots__ = ()
    name = Contribution.name
    inverted_name = Contribution.inverted_name


class AffiliationData(_Row, namedtuple("AffiliationRow", (*AFFILIATION_COLUMNS, "organisation"))):
    __slots__ = ()


class IdentifierData(_Row, namedtuple("IdentifierRow", (*IDENTIFIER_COLUMNS, "related_record"))):
    __slots__ = ()


class RelatedRecordData(_Row, namedtuple("RelatedRecordRow", RELATED_COLUMNS)):
    """A related record as a relation names it: its page and its title."""

    __slots__ = ()
    full_title = Record.full_title
    get_absolute_url = Record.get_absolute_url


def load_records_data(records: QuerySet) -> list[RecordData]:
    """The records of `records` with their journals and parts, for writing them out in bulk; in no
    particular order (callers find them by id; sorting whole rows cost the database more than reading
    them).

    Named tuples from `values_list` rows, so a page of 200 records costs tuples rather than thousands of
    model instances, in at most five queries whatever the number of records, authors and identifiers (the
    record page's count). Each affiliation's organisation comes with its whole ancestry, from one read of
    the organisations table; journals, persons and subject categories are model instances, one for each
    row however many records name it.
    """
    records = records.order_by()
    journals = _Instances(Journal)
    rows = records.values_list(*RECORD_SELECTED, *journals.lookups("journal"))
    by_pk = {values[0]: _record_data(values, journals) for values in rows}
    if by_pk:
        pks = records.values("pk")
        _load_contributions(by_pk, pks)
        _load_identifiers(by_pk, pks)
        _load_subjects(by_pk, pks)
    return list(by_pk.values())


# The parts' queries select by the records' own query, not by a list of their ids: Django prepares every
# value of an IN list in Python (a foreign key's even more), which cost a tenth of loading a chunk three
# times over. A record that came into the query after its row was read is not among `by_pk`: its parts
# are left out with it.


def _record_data(values: tuple, journals: _Instances) -> RecordData:
    """The record of a row of its columns and its journal's, with empty parts to load into."""
    journal = journals.get(values[len(RECORD_COLUMNS) :])
    return RecordData._make((*values[: len(RECORD_COLUMNS)], journal, Rows(), Rows(), Rows()))


class _Instances:
    """Model instances of a joined table, built from the row's columns once for each primary key."""

    def __init__(self, model: type) -> None:
        self.model = model
        self.columns = [f.attname for f in model._meta.concrete_fields]
        self.built: dict = {}

    def lookups(self, path: str) -> list[str]:
        return [f"{path}__{column}" for column in self.columns]

    def get(self, values: tuple):
        """The instance of these columns (primary key first); None for a row the join found nothing for."""
        key = values[0]
        if key is None:
            return None
        if key not in self.built:
            self.built[key] = self.model.from_db(None, self.columns, values)
        return self.built[key]


AFFILIATION_LOOKUPS = tuple(f"affiliations__{column}" for column in AFFILIATION_COLUMNS)


def _load_contributions(by_pk: dict[int, RecordData], pks: QuerySet) -> None:
    """Contributions with their persons and affiliations in one query: a row for each affiliation, or one
    for a contribution without any."""
    people = _Instances(Person)
    rows = (
        Contribution.objects.filter(record_id__in=pks)
        .order_by("record_id", "position", "id", "affiliations__position", "affiliations__id")
        .values_list(*CONTRIBUTION_COLUMNS, *people.lookups("person"), *AFFILIATION_LOOKUPS)
    )
    person_end = len(CONTRIBUTION_COLUMNS) + len(people.columns)
    organisation_at = person_end + AFFILIATION_COLUMNS.index("organisation_id")
    organisations: dict[int, Organisation] | None = None
    contribution = None
    for values in rows:
        if contribution is None or contribution.id != values[0]:
            person = people.get(values[len(CONTRIBUTION_COLUMNS) : person_end])
            contribution = ContributionData._make((*values[: len(CONTRIBUTION_COLUMNS)], person, Rows()))
            if contribution.record_id in by_pk:
                by_pk[contribution.record_id].contributions.append(contribution)
        if values[person_end] is None:
            continue
        organisation = None
        if values[organisation_at] is not None:
            if organisations is None:
                organisations = _organisations_with_ancestry()
            organisation = organisations.get(values[organisation_at])
        contribution.affiliations.append(AffiliationData._make((*values[person_end:], organisation)))


def _organisations_with_ancestry() -> dict[int, Organisation]:
    """Every organisation, each linked to its loaded parent, so its whole path is known without a query."""
    organisations = {o.pk: o for o in Organisation.objects.all()}
    for organisation in organisations.values():
        if organisation.parent_id in organisations:
            organisation.parent = organisations[organisation.parent_id]
    return organisations


RELATED_LOOKUPS = tuple(f"related_record__{column}" for column in RELATED_COLUMNS)


def _load_identifiers(by_pk: dict[int, RecordData], pks: QuerySet) -> None:
    identifiers = (
        Identifier.objects.filter(record_id__in=pks)
        .order_by("record_id", "relation", "position", "id")
        .values_list(*IDENTIFIER_COLUMNS, *RELATED_LOOKUPS)
    )
    for values in identifiers:
        related = values[len(IDENTIFIER_COLUMNS) :]
        related_record = RelatedRecordData._make(related) if related[0] is not None else None
        identifier = IdentifierData._make((*values[: len(IDENTIFIER_COLUMNS)], related_record))
        if identifier.record_id in by_pk:
            by_pk[identifier.record_id].identifiers.append(identifier)


def _load_subjects(by_pk: dict[int, RecordData], pks: QuerySet) -> None:
    """Subject categories in code order, as the relation's prefetch orders them."""
    categories = _Instances(SubjectCategory)
    through = Record.subjects.through.objects.filter(record_id__in=pks).order_by(
        "record_id", "subjectcategory_id"
    )
    for values in through.values_list("record_id", *categories.lookups("subjectcategory")):
        if values[0] in by_pk:
            by_pk[values[0]].subjects.append(categories.get(values[1:]))
