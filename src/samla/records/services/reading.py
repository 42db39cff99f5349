"""Reading records: one record with everything its page shows, lists, and the input shape of a record."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects

from samla.core.access import Actor, can
from samla.core.errors import Gone, NotFound
from samla.core.pagination import Page, paginate
from samla.organisations.services import organisation_and_descendant_ids

from ..models import Contribution, ContributionAffiliation, Identifier, Record
from ..permissions import visible_records
from ..schemas import RecordIn
from .fields import JSON_FIELDS, SIMPLE_FIELDS


def record_to_input(record: Record) -> RecordIn:
    """The stored record in the input shape: what `update_record` compares, what the API returns.

    Uses the parts already loaded with the record (`load_record_parts`), loading them only if missing.
    """
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
    """Just enough of a record to check a cached copy of its page against `record_version` and to count
    the view: one small query, with the same NotFound and Gone as `get_record_for`."""
    record = (
        Record.objects.only("pk", "local_id", "state", "owner_id", "datestamp")
        .filter(local_id=local_id)
        .first()
    )
    _check_readable(actor, local_id, record)
    return record


def _check_readable(actor: Actor, local_id: str, record: Record | None) -> None:
    if record is not None and record.state == "withdrawn" and not can(actor, "record.read", record):
        raise Gone(f"Record {local_id} has been withdrawn.", local_id=local_id)
    if record is None or not can(actor, "record.read", record):
        raise NotFound(f"No record {local_id}.")


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
