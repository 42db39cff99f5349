"""Creating, changing and reading records: the one path every surface and importer goes through.

A write validates the input (`clean_record_input`), then stores the record and its parts in one
transaction with a Revision row naming the actor and the changed fields.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from samla.core.access import Actor, require
from samla.core.errors import InvalidInput, NotFound
from samla.core.pagination import Page, paginate
from samla.journals.services import resolve_journal
from samla.organisations.models import Organisation
from samla.organisations.services import organisation_and_descendant_ids
from samla.people.services import resolve_person
from samla.vocabularies.languages import normalise_language
from samla.vocabularies.licences import licences
from samla.vocabularies.models import SubjectCategory
from samla.vocabularies.output_types import output_types

from .identifiers import LOCAL_ID, InvalidIdentifier, normalise_identifier, normalise_orcid
from .models import Contribution, ContributionAffiliation, Identifier, Record, Revision
from .permissions import visible_records
from .schemas import RecordIn
from .vocabulary import CONTENT_TYPES, CONTRIBUTOR_ROLES, PUBLICATION_STATUSES, RECORD_STATES, RELATIONS

ISSUED = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_CODES = {
    "content_type": {c for c, _ in CONTENT_TYPES},
    "publication_status": {c for c, _ in PUBLICATION_STATUSES},
    "state": {c for c, _ in RECORD_STATES},
}
_ROLES = {c for c, _ in CONTRIBUTOR_ROLES}


# ---------------------------------------------------------------- validation


def clean_record_input(data: RecordIn) -> RecordIn:
    """The input with every code and identifier checked and normalised; InvalidInput lists each problem.

    Field paths in the errors follow the input ("identifiers[2].value"), so an importer can name the
    record and field and a form can mark the field.
    """
    errors: dict[str, str] = {}
    clean = data.model_copy(deep=True)
    _clean_codes(clean, errors)
    _clean_languages(clean, errors)
    _clean_identifiers(clean, errors)
    _clean_contributors(clean, errors)
    if errors:
        label = clean.local_id or clean.title[:60]
        first = next(iter(errors.items()))
        raise InvalidInput(f"Record {label}: {first[0]}: {first[1]}", fields=errors)
    return clean


def _clean_codes(data: RecordIn, errors: dict[str, str]) -> None:
    if not data.title:
        errors["title"] = "a title is required"
    if data.local_id and not LOCAL_ID.match(data.local_id):
        errors["local_id"] = f"{data.local_id!r} is not <prefix>:<id> (like diva2:1897829)"
    if data.output_type not in output_types():
        errors["output_type"] = f"unknown output type {data.output_type!r}"
    for field, codes in _CODES.items():
        value = getattr(data, field)
        if value and value not in codes:
            errors[field] = f"unknown code {value!r}; one of {', '.join(sorted(codes))}"
    if data.issued and not ISSUED.match(data.issued):
        errors["issued"] = f"{data.issued!r} is not YYYY, YYYY-MM or YYYY-MM-DD"
    elif data.issued:
        try:
            _parse_partial_date(data.issued)
        except ValueError:
            errors["issued"] = f"{data.issued!r} is not a calendar date"
    if data.licence and data.licence not in licences():
        errors["licence"] = f"unknown licence {data.licence!r}"
    known = set(SubjectCategory.objects.filter(code__in=data.subjects).values_list("code", flat=True))
    for index, code in enumerate(data.subjects):
        if code not in known:
            errors[f"subjects[{index}]"] = f"unknown SSIF category {code!r}"
    data.subjects = sorted(set(data.subjects))


def _parse_partial_date(value: str) -> dt.date:
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def _clean_languages(data: RecordIn, errors: dict[str, str]) -> None:
    def clean(path: str, code: str) -> str:
        if not code:
            return ""
        normal = normalise_language(code)
        if normal is None:
            errors[path] = f"unknown ISO 639 language code {code!r}"
            return code
        return normal

    data.language = clean("language", data.language)
    data.title_language = clean("title_language", data.title_language)
    for name in ("abstracts", "keywords", "alternative_titles"):
        for index, item in enumerate(getattr(data, name)):
            item.language = clean(f"{name}[{index}].language", item.language)


def _clean_identifiers(data: RecordIn, errors: dict[str, str]) -> None:
    seen = set()
    kept = []
    for index, identifier in enumerate(data.identifiers):
        try:
            identifier.value = normalise_identifier(identifier.scheme, identifier.value)
        except InvalidIdentifier as error:
            errors[f"identifiers[{index}].value"] = str(error)
            continue
        if (identifier.scheme, identifier.value) not in seen:
            seen.add((identifier.scheme, identifier.value))
            kept.append(identifier)
    if not errors:
        data.identifiers = kept
    for index, relation in enumerate(data.relations):
        if relation.relation not in RELATIONS:
            errors[f"relations[{index}].relation"] = f"unknown relation {relation.relation!r}"
        try:
            relation.value = normalise_identifier(relation.scheme, relation.value)
        except InvalidIdentifier as error:
            errors[f"relations[{index}].value"] = str(error)


def _clean_contributors(data: RecordIn, errors: dict[str, str]) -> None:
    wanted = {a.organisation for c in data.contributors for a in c.affiliations if a.organisation}
    known = set(Organisation.objects.filter(identifier__in=wanted).values_list("identifier", flat=True))
    for index, contributor in enumerate(data.contributors):
        path = f"contributors[{index}]"
        if not contributor.family_name:
            errors[f"{path}.family_name"] = "a name is required"
        if contributor.role not in _ROLES:
            errors[f"{path}.role"] = f"unknown role {contributor.role!r}"
        if contributor.person and contributor.person.orcid:
            try:
                contributor.person.orcid = normalise_orcid(contributor.person.orcid)
            except InvalidIdentifier as error:
                errors[f"{path}.person.orcid"] = str(error)
        for a_index, affiliation in enumerate(contributor.affiliations):
            if affiliation.organisation and affiliation.organisation not in known:
                errors[f"{path}.affiliations[{a_index}].organisation"] = (
                    f"unknown organisation {affiliation.organisation!r}"
                )
            if not affiliation.organisation and not affiliation.text:
                errors[f"{path}.affiliations[{a_index}]"] = "an organisation or a text is required"


# ---------------------------------------------------------------- writing


@transaction.atomic
def create_record(actor: Actor, *, data: RecordIn, owner_id: int | None = None) -> Record:
    """Store a new record; its local id is minted when the input has none."""
    require(actor, "record.create")
    data = clean_record_input(data)
    if data.local_id and Record.objects.filter(local_id=data.local_id).exists():
        raise InvalidInput(f"Record {data.local_id} exists already.", fields={"local_id": "taken"})
    _check_repository_identifiers_free(data, record_id=None)
    now = timezone.now()
    today = timezone.localdate(now)
    record = Record(
        local_id=data.local_id or f"pending:{uuid.uuid4().hex}",
        created=data.created or today,
        last_updated=data.last_updated or today,
        datestamp=now,
        owner_id=owner_id,
        revision=1,
    )
    _assign_fields(actor, record, data)
    record.save()
    if not data.local_id:
        record.local_id = f"{settings.LOCAL_ID_PREFIX}:{record.pk}"
        record.save(update_fields=["local_id"])
    _write_parts(actor, record, data)
    Revision.objects.create(record=record, number=1, at=now, actor=actor.label, summary="created", changes={})
    _link_waiting_relations(record)
    return record


@transaction.atomic
def update_record(actor: Actor, *, local_id: str, data: RecordIn, summary: str = "") -> tuple[Record, bool]:
    """Replace a record's description with `data`; returns the record and whether anything changed.

    An update that changes nothing writes nothing (no revision, no new datestamp), so re-importing the
    same source is idempotent.
    """
    record = _load_for_update(actor, local_id)
    data = clean_record_input(data)
    data.local_id = record.local_id
    if data.created is None:
        data.created = record.created
    if data.available_from is None:
        data.available_from = record.available_from
    old = record_to_input(record).model_dump(mode="json")
    compare = data.model_copy(update={"last_updated": data.last_updated or record.last_updated})
    new = compare.model_dump(mode="json")
    changes = {key: [old[key], new[key]] for key in new if old.get(key) != new[key]}
    if not changes:
        return record, False
    _check_repository_identifiers_free(data, record_id=record.pk)
    now = timezone.now()
    record.last_updated = data.last_updated or timezone.localdate(now)
    record.created = data.created
    record.datestamp = now
    record.revision += 1
    _assign_fields(actor, record, data)
    record.save()
    _delete_parts(record)
    _write_parts(actor, record, data)
    Revision.objects.create(
        record=record,
        number=record.revision,
        at=now,
        actor=actor.label,
        summary=summary or "updated",
        changes=changes,
    )
    _link_waiting_relations(record)
    return record, True


@transaction.atomic
def upsert_record(actor: Actor, *, data: RecordIn, summary: str = "imported") -> tuple[Record, str]:
    """Create the record, or update the one with the same local id or OAI identifier.

    Returns the record and "created", "updated" or "unchanged", so importers can report what they did.
    """
    existing = find_existing_record(data)
    if existing is None:
        return create_record(actor, data=data), "created"
    record, changed = update_record(actor, local_id=existing, data=data, summary=summary)
    return record, "updated" if changed else "unchanged"


def find_existing_record(data: RecordIn) -> str | None:
    """The local id of the record `data` describes again: same local id, else same OAI identifier."""
    if data.local_id and Record.objects.filter(local_id=data.local_id).exists():
        return data.local_id
    oai = [i.value.strip() for i in data.identifiers if i.scheme == "oai"]
    found = (
        Identifier.objects.filter(scheme="oai", value__in=oai, relation="").select_related("record").first()
    )
    return found.record.local_id if found else None


@transaction.atomic
def approve_record(actor: Actor, *, local_id: str) -> Record:
    """Mark a record "Bibliographically approved" after a curator's review."""
    record = _load_for_update(actor, local_id)
    require(actor, "record.approve", record)
    if not record.approved:
        record.approved = True
        record.revision += 1
        record.datestamp = timezone.now()
        record.save(update_fields=["approved", "revision", "datestamp"])
        Revision.objects.create(
            record=record,
            number=record.revision,
            at=record.datestamp,
            actor=actor.label,
            summary="approved",
            changes={"approved": [False, True]},
        )
    return record


def _load_for_update(actor: Actor, local_id: str) -> Record:
    record = Record.objects.select_for_update().filter(local_id=local_id).first()
    if record is None or not _readable(actor, record):
        raise NotFound(f"No record {local_id}.")
    require(actor, "record.update", record)
    return record


def _readable(actor: Actor, record: Record) -> bool:
    from samla.core.access import can

    return can(actor, "record.read", record)


def _check_repository_identifiers_free(data: RecordIn, *, record_id: int | None) -> None:
    """OAI identifiers and URN:NBNs name one record in this repository; say so before the database does."""
    for index, identifier in enumerate(data.identifiers):
        if identifier.scheme not in ("oai", "urn"):
            continue
        taken = Identifier.objects.filter(scheme=identifier.scheme, value=identifier.value, relation="")
        if record_id is not None:
            taken = taken.exclude(record_id=record_id)
        other = taken.select_related("record").first()
        if other:
            raise InvalidInput(
                f"{identifier.scheme} {identifier.value} belongs to record {other.record.local_id}.",
                fields={f"identifiers[{index}].value": "taken"},
            )


_SIMPLE_FIELDS = [
    "state", "title", "subtitle", "title_language", "output_type", "content_type", "publication_status",
    "language", "issued", "host_title", "volume", "issue", "article_number", "pages_start", "pages_end",
    "page_count", "publisher", "place", "edition", "series_number", "conference", "licence",
    "available_from", "approved",
]  # fmt: skip
_JSON_FIELDS = ["alternative_titles", "abstracts", "keywords", "funders", "notes"]


def _assign_fields(actor: Actor, record: Record, data: RecordIn) -> None:
    for field in _SIMPLE_FIELDS:
        setattr(record, field, getattr(data, field))
    for field in _JSON_FIELDS:
        setattr(record, field, [_plain(item) for item in getattr(data, field)])
    record.year = int(data.issued[:4]) if data.issued else None
    record.journal = resolve_journal(actor, **data.journal.model_dump()) if data.journal else None


def _plain(item: Any) -> Any:
    return item.model_dump() if hasattr(item, "model_dump") else item


def _delete_parts(record: Record) -> None:
    ContributionAffiliation.objects.filter(contribution__record=record).delete()
    record.contributions.all().delete()
    record.identifiers.all().delete()


def _write_parts(actor: Actor, record: Record, data: RecordIn) -> None:
    record.subjects.set(data.subjects)
    _write_contributions(actor, record, data)
    identifiers = [
        Identifier(record=record, scheme=i.scheme, value=i.value, position=n)
        for n, i in enumerate(data.identifiers)
    ]
    identifiers += [
        Identifier(
            record=record,
            scheme=r.scheme,
            value=r.value,
            relation=r.relation,
            label=r.label,
            position=n,
            related_record=_record_with_identifier(r.scheme, r.value, exclude=record.pk),
        )
        for n, r in enumerate(data.relations)
    ]
    Identifier.objects.bulk_create(identifiers)


def _write_contributions(actor: Actor, record: Record, data: RecordIn) -> None:
    organisations = dict(
        Organisation.objects.filter(
            identifier__in={
                a.organisation for c in data.contributors for a in c.affiliations if a.organisation
            }
        ).values_list("identifier", "pk")
    )
    contributions = []
    for position, contributor in enumerate(data.contributors):
        person = None
        if contributor.person:
            person = resolve_person(
                actor,
                family_name=contributor.family_name,
                given_name=contributor.given_name,
                **contributor.person.model_dump(),
            )
        contributions.append(
            Contribution(
                record=record,
                position=position,
                role=contributor.role,
                person=person,
                family_name=contributor.family_name,
                given_name=contributor.given_name,
                is_organisation=contributor.is_organisation,
            )
        )
    Contribution.objects.bulk_create(contributions)
    affiliations = [
        ContributionAffiliation(
            contribution=contribution,
            position=position,
            organisation_id=organisations.get(affiliation.organisation),
            text=affiliation.text,
        )
        for contribution, contributor in zip(contributions, data.contributors, strict=True)
        for position, affiliation in enumerate(contributor.affiliations)
    ]
    ContributionAffiliation.objects.bulk_create(affiliations)


def _record_with_identifier(scheme: str, value: str, *, exclude: int) -> Record | None:
    found = (
        Identifier.objects.filter(scheme=scheme, value=value, relation="")
        .exclude(record_id=exclude)
        .order_by("record_id")
        .first()
    )
    return found.record if found else None


def _link_waiting_relations(record: Record) -> None:
    """Point other records' relations that name one of this record's identifiers at this record."""
    own = Q()
    for scheme, value in record.identifiers.filter(relation="").values_list("scheme", "value"):
        own |= Q(scheme=scheme, value=value)
    if own:
        Identifier.objects.filter(own, related_record=None).exclude(relation="").exclude(
            record=record
        ).update(related_record=record)


# ---------------------------------------------------------------- reading


def record_to_input(record: Record) -> RecordIn:
    """The stored record in the input shape: what `update_record` compares, what the API returns."""
    contributions = record.contributions.select_related("person").prefetch_related(
        Prefetch("affiliations", queryset=ContributionAffiliation.objects.select_related("organisation"))
    )
    return RecordIn.model_validate(
        {
            "local_id": record.local_id,
            **{field: getattr(record, field) for field in _SIMPLE_FIELDS},
            **{field: getattr(record, field) for field in _JSON_FIELDS},
            "page_count": record.page_count,
            "journal": _journal_input(record),
            "subjects": sorted(record.subjects.values_list("code", flat=True)),
            "identifiers": [
                {"scheme": i.scheme, "value": i.value} for i in record.identifiers.all() if not i.relation
            ],
            "relations": [
                {"relation": i.relation, "scheme": i.scheme, "value": i.value, "label": i.label}
                for i in record.identifiers.all()
                if i.relation
            ],
            "contributors": [_contributor_input(c) for c in contributions],
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


def _page_queryset():
    """A record with everything its page shows, in five queries whatever the number of authors."""
    return Record.objects.select_related("journal").prefetch_related(
        Prefetch("contributions", queryset=Contribution.objects.select_related("person")),
        Prefetch(
            "contributions__affiliations",
            queryset=ContributionAffiliation.objects.select_related("organisation"),
        ),
        Prefetch("identifiers", queryset=Identifier.objects.select_related("related_record")),
        "subjects",
    )


def get_record_for(actor: Actor, local_id: str) -> Record:
    """The record with its parts loaded; NotFound when missing or not visible to `actor`."""
    record = _page_queryset().filter(local_id=local_id).first()
    if record is None or not _readable(actor, record):
        raise NotFound(f"No record {local_id}.")
    return record


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
