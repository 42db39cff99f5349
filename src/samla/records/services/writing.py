"""Writing records: create, update (merging imports by the rule of `merging`), import in batches.

Every write stores a record and all its parts together with a Revision row. New records of a batch are
written with a handful of bulk queries whatever the batch size; `create_record` is the same path with a
batch of one, so there is one way a record reaches the database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext
from pydantic import ValidationError

from samla.batch.queries import in_text_array
from samla.core.access import Actor, can, require
from samla.core.errors import InvalidInput, NotFound, SamlaError, field_problems
from samla.journals.models import Journal
from samla.journals.services import describes_same_journal, issns_held, resolve_journal
from samla.people.models import Person
from samla.people.services import WantedPerson, describes_same_person, resolve_people
from samla.vocabularies.identifiers import InvalidIdentifier, normalise_identifier

from ..indexing import WrittenRows, index_written
from ..models import Contribution, ContributionAffiliation, Identifier, Record, Revision
from ..schemas import JournalIn, QualityFlag, RecordIn
from .fields import JSON_FIELDS, SIMPLE_FIELDS
from .merging import Origin, actor_entry, claim, import_entry, merge_import
from .proposals import propose_changes
from .reading import RecordData, load_records_data, load_records_parts, no_record, record_to_input
from .revisions import Expected, add_revision, check_revision
from .rows import insert_rows, reserve_ids
from .validation import Lookups, clean_record_input

REPOSITORY_SCHEMES = ("oai", "urn")  # identifiers that name exactly one record of this repository
# A bibliographic database's own id of a record (Web of Science UT, Scopus EID): an input carrying one is
# that database's record, and describes again the stored record with the same id of one of
# MATCHING_SCHEMES, tried in this order (so a UT match wins over a DOI match).
SOURCE_SCHEMES = ("isi", "scopus")
MATCHING_SCHEMES = ("isi", "scopus", "pmid", "doi")


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one input of a batch: created, updated, proposed (only proposed changes were
    stored), unchanged or failed (with the error), and which fields changed or were proposed. An
    unchanged record is given as the bulk loader read it to compare it (`RecordData`: its columns, parts,
    page and id), not read a second time as a model instance."""

    index: int
    status: str
    record: Record | RecordData | None = None
    error: SamlaError | None = None
    changed: tuple[str, ...] = ()
    proposed: tuple[str, ...] = ()


@dataclass
class Plan:
    """What writing an input over a stored record does: the input to store (JSON-mode), each changed
    field as [old, new], the proposed changes {field: value}, and the record's provenance after it."""

    new: dict[str, Any]
    changes: dict[str, list]
    proposals: dict[str, Any] = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)


# ---------------------------------------------------------------- single records


@transaction.atomic
def create_record(actor: Actor, *, data: RecordIn, owner_id: int | None = None) -> Record:
    """Store a new record; its local id is minted when the input has none."""
    return _create(actor, data, owner_id=owner_id, origin=None)


def _create(actor: Actor, data: RecordIn, *, owner_id: int | None, origin: Origin | None) -> Record:
    """`create_record`; with `origin`, the record's fields are that import's."""
    require(actor, "record.create")
    lookups = Lookups.for_inputs([data])
    taken = _taken_before(data)
    data = clean_record_input(data, lookups, lenient=origin is not None)  # imports keep bad values aside
    _set_aside_taken_identifiers({0: data}, {}, only=None if origin is not None else {0: taken})
    if data.local_id and Record.objects.filter(local_id=data.local_id).exists():
        raise InvalidInput(
            gettext("Record %(local_id)s exists already.") % {"local_id": data.local_id},
            fields={"local_id": "taken"},
        )
    conflicts = _repository_identifier_conflicts([data], own={})
    if conflicts:
        raise conflicts[0]
    return _insert_records(actor, [data], lookups, owner_id=owner_id, origins=[origin])[0]


@transaction.atomic
def update_record(
    actor: Actor,
    *,
    local_id: str,
    data: RecordIn,
    summary: str = "",
    origin: Origin | None = None,
    expected_revision: Expected = None,
) -> tuple[Record, bool]:
    """Replace a record's description with `data`; returns the record and whether anything changed.

    Without `origin` this is a person's (or a job's) edit, and each changed field becomes theirs. With
    `origin` it is an import, merged by the rule of `merging`: fields a person edited are kept, and the
    source's values for them are stored as proposed changes. An update that changes nothing writes
    nothing (no revision, no new datestamp), so re-importing the same source is idempotent. A person's
    edit leaves the state and the approval as they are: those change only by the transitions of
    `lifecycle`. With `expected_revision`, a record no longer at that revision is left unchanged
    (PreconditionFailed).
    """
    record, status, _plan = _update(
        actor,
        local_id=local_id,
        data=data,
        summary=summary,
        origin=origin,
        expected_revision=expected_revision,
    )
    return record, status == "updated"


@transaction.atomic
def patch_record(
    actor: Actor,
    *,
    local_id: str,
    changes: dict[str, Any],
    summary: str = "",
    expected_revision: Expected = None,
) -> tuple[Record, bool]:
    """Change only the fields named in `changes` (input fields, JSON-mode values); every other field
    keeps its stored value. The record with the changes goes through `update_record`, so a patch is
    validated and stored exactly as a full update is."""
    record = get_record_for_update(actor, local_id)
    check_revision(record, expected_revision)
    unknown = sorted(set(changes) - set(RecordIn.model_fields))
    if unknown:
        raise InvalidInput(
            gettext("A record has no field %(fields)s.") % {"fields": ", ".join(unknown)},
            fields=dict.fromkeys(unknown, "unknown"),
        )
    current = record_to_input(record).model_dump(mode="json")
    try:
        data = RecordIn.model_validate({**current, **changes})
    except ValidationError as error:
        raise InvalidInput(
            gettext("The changes are not valid."), fields=field_problems(error.errors())
        ) from None
    return update_record(actor, local_id=local_id, data=data, summary=summary or "changed")


def _update(
    actor: Actor,
    *,
    local_id: str,
    data: RecordIn,
    summary: str,
    origin: Origin | None,
    expected_revision: Expected = None,
) -> tuple[Record, str, Plan]:
    """`update_record`, returning "updated", "proposed" or "unchanged" and what was planned."""
    record = get_record_for_update(actor, local_id)
    check_revision(record, expected_revision)
    lookups = Lookups.for_inputs([data])
    taken = _taken_before(data)
    data = clean_record_input(data, lookups, lenient=origin is not None)  # imports keep bad values aside
    own, only = {0: record.local_id}, None if origin is not None else {0: taken}
    _set_aside_taken_identifiers({0: data}, own, only=only)
    now = timezone.now()
    plan = _plan(actor, record, data, origin, now.isoformat(), _issns_held([data]))
    proposed = bool(plan.proposals) and propose_changes(record, plan.proposals, origin, now)
    if not plan.changes:
        return record, "proposed" if proposed else "unchanged", plan
    if origin is not None:
        data = RecordIn.model_validate(plan.new)  # the merged input
    conflicts = _repository_identifier_conflicts([data], own={0: record.pk})
    if conflicts:
        raise conflicts[0]
    record.last_updated = data.last_updated or timezone.localdate(now)
    record.created = data.created
    record.datestamp = now
    record.revision += 1
    record.provenance = plan.provenance
    _assign_fields(record, data, _resolve_journals(actor, [data])[0])
    if record.state != "withdrawn":
        record.withdrawn_reason = ""
    record.save()
    _delete_parts(record)
    written = _write_parts(actor, [(record, data)], lookups)
    source = _revision_source(origin)
    add_revision(actor, record, now, summary=summary or "updated", changes=plan.changes, source=source)
    _link_waiting_relations(written)
    index_written(written)
    return record, "updated", plan


def _revision_source(origin: Origin | None) -> str:
    """What a revision names as the source of an import's change ("mods run 12"); "" for a person's."""
    if origin is None:
        return ""
    return f"{origin.format} run {origin.run}" if origin.run else origin.format


def _plan(
    actor: Actor,
    record: Record | RecordData,
    data: RecordIn,
    origin: Origin | None,
    at: str,
    held: frozenset[str],
) -> Plan:
    """What writing `data` (cleaned) over `record` does. Completes `data` with what an update keeps (local
    id, availability date; creation date and approval unless a person sets them: an import never resets
    approval, and only curators decide on it). `held`: the ISSNs of `data`'s journal that a journal has
    (`_issns_held`)."""
    data.local_id = record.local_id
    data.available_from = data.available_from or record.available_from
    if origin is not None:
        data.created = record.created
        data.approved = record.approved or data.approved
    else:
        data.created = data.created or record.created
        if actor.user_id is not None:  # a person: state and approval change by transitions only
            data.state, data.approved = record.state, record.approved
    old = record_to_input(record).model_dump(mode="json")
    new = data.model_copy(update={"last_updated": data.last_updated or record.last_updated}).model_dump(
        mode="json"
    )
    _compare_as_resolved(old, new, held)
    provenance = dict(record.provenance or {})
    proposals = merge_import(old, new, provenance, origin, at) if origin is not None else {}
    changes = {key: [old[key], new[key]] for key in new if old.get(key) != new[key]}
    if origin is None:
        claim(provenance, list(changes), actor_entry(actor, at))
    return Plan(new, changes, proposals, provenance)


def _compare_as_resolved(old: dict, new: dict, held: frozenset[str]) -> None:
    """An input that names the stored journal or person by fewer or other ids than the authority record has
    collected (an ISSN without the E-ISSN, ISSNs no journal has beside its title, a second local id) names
    the same one: that is no change."""
    stored, given = old["journal"], new["journal"]
    if stored and given and describes_same_journal(stored, given, held=held):
        new["journal"] = old["journal"]
    for stored, given in zip(old["contributors"], new["contributors"], strict=False):
        if stored["person"] and given["person"] and describes_same_person(stored["person"], given["person"]):
            given["person"] = stored["person"]


@transaction.atomic
def upsert_record(
    actor: Actor, *, data: RecordIn, summary: str = "imported", origin: Origin | None = None
) -> tuple[Record, str]:
    """Create the record, or update the one with the same local id or OAI identifier (merged as an
    import when `origin` is given: `update_record`).

    Returns the record and "created", "updated", "proposed" or "unchanged", so importers can report what
    they did.
    """
    outcome = _upsert(actor, 0, data, summary, origin)
    return outcome.record, outcome.status


def _upsert(
    actor: Actor,
    index: int,
    data: RecordIn,
    summary: str,
    origin: Origin | None,
    *,
    existing: str | None = None,
) -> ImportOutcome:
    """`upsert_record`; `existing`, when given, is the local id of the record `data` describes again, found
    for the whole batch (`_existing_local_ids`): asking again would cost a query or three a record."""
    existing = existing or find_existing_record(data)
    if existing is None:
        return ImportOutcome(index, "created", _create(actor, data, owner_id=None, origin=origin))
    record, status, plan = _update(actor, local_id=existing, data=data, summary=summary, origin=origin)
    return ImportOutcome(index, status, record, changed=tuple(plan.changes), proposed=tuple(plan.proposals))


def local_id_for_identifier(scheme: str, value: str) -> str | None:
    """The local id of the record that has (scheme, value) as an identifier of its own."""
    found = Identifier.objects.filter(scheme=scheme, value=value, relation="").values_list("record__local_id")
    return next((local_id for (local_id,) in found[:1]), None)


def find_existing_record(data: RecordIn) -> str | None:
    """The local id of the record `data` describes again: same local id, else same OAI identifier, else
    (for a Web of Science or Scopus record) same UT, EID, PubMed id or DOI."""
    return _existing_local_ids({0: data}).get(0)


def get_record_for_update(actor: Actor, local_id: str) -> Record:
    """The record, locked for the transaction; NotFound if missing or unseen, PermissionDenied if not
    the actor's to update."""
    record = Record.objects.select_for_update().filter(local_id=local_id).first()
    if record is None or not can(actor, "record.read", record):
        raise NotFound(no_record(local_id))
    require(actor, "record.update", record)
    return record


# ---------------------------------------------------------------- batches


class BatchNeedsCare(Exception):
    """A batch's new records failed to insert together where the checks foresaw nothing, and without a
    savepoint to go back to (`import_records(careful=False)`): the caller's transaction must be rolled back
    and the batch written again with `careful=True`, which finds the record at fault."""


def import_records(
    actor: Actor,
    inputs: Sequence[RecordIn],
    *,
    summary: str = "imported",
    careful: bool = True,
    origins: Sequence[Origin | None] | None = None,
) -> list[ImportOutcome]:
    """Create or update each input; a failing input is reported and the others are still written.

    Each record is a unit: written whole or not at all. The batch is one transaction, so a killed import
    loses at most the batch in progress, and running it again resumes (what was written is unchanged).

    `careful=False` is for a caller whose transaction holds nothing but the batch: the new records are then
    inserted without a savepoint around them, and BatchNeedsCare is raised if they fail. Why: under a
    savepoint SQLite first copies every page the batch changes to a sub-journal, 4% of the time of an
    import of 100,000 records, to roll back only in a batch with a fault no check foresaw.

    `origins` gives each input's source (format and import run): stored records are then updated by the
    merge rule of `merging`. Without them the inputs are the actor's own.
    """
    with transaction.atomic(savepoint=careful):
        return _import_records(actor, inputs, summary, careful, origins or [None] * len(inputs))


def _import_records(
    actor: Actor,
    inputs: Sequence[RecordIn],
    summary: str,
    careful: bool,
    origins: Sequence[Origin | None],
) -> list[ImportOutcome]:
    require(actor, "record.create")
    lookups = Lookups.for_inputs(inputs)
    outcomes: dict[int, ImportOutcome] = {}
    cleaned: dict[int, RecordIn] = {}
    set_aside = _carried_taken(origins, inputs)
    for index, data in enumerate(inputs):
        try:
            cleaned[index] = clean_record_input(data, lookups, lenient=True)
        except InvalidInput as error:
            outcomes[index] = ImportOutcome(index, "failed", error=error)
    existing = _existing_local_ids(cleaned)
    _set_aside_taken_identifiers(cleaned, existing, only=set_aside)
    # A record the batch describes twice is written in order, one by one: compared in bulk with the
    # stored record, a later copy equal to it would be found unchanged although an earlier one changed it.
    once = Counter(existing.values())
    compared = {index: local_id for index, local_id in existing.items() if once[local_id] == 1}
    for index, record in _unchanged(actor, cleaned, compared, origins).items():
        outcomes[index] = ImportOutcome(index, "unchanged", record)
        del cleaned[index], existing[index]
    fresh, one_by_one = _split_new(cleaned, existing)
    # An import's inputs hold no identifier another record has any more (set aside above): a person's may.
    persons = {index: data for index, data in fresh.items() if set_aside and set_aside[index] is not None}
    for error_index, error in _repository_identifier_conflicts_by_index(persons):
        outcomes[error_index] = ImportOutcome(error_index, "failed", error=error)
        fresh.pop(error_index)
    outcomes.update(_insert_batch(actor, fresh, lookups, careful, origins))
    updates = {
        index: (existing[index], cleaned[index])
        for index in one_by_one
        if index in existing and once[existing[index]] == 1 and origins[index] is not None
    }
    outcomes.update(_update_batch(actor, updates, lookups, summary, careful, origins))
    for index in (i for i in one_by_one if i not in updates):
        outcomes[index] = _upsert_one(
            actor, index, cleaned[index], summary, origins[index], existing.get(index)
        )
    return [outcomes[i] for i in sorted(outcomes)]


def _unchanged(
    actor: Actor, cleaned: dict[int, RecordIn], existing: dict[int, str], origins: Sequence[Origin | None]
) -> dict[int, RecordData]:
    """The inputs that describe their stored record exactly, found with one set of queries for the batch
    (re-harvests and re-runs are mostly these).

    The stored records are compared as the lean bulk loader reads them (`load_records_data`): prefetching
    their parts into model instances cost three quarters of re-importing an unchanged record.
    """
    stored = {
        r.local_id: r
        for r in load_records_data(Record.objects.filter(in_text_array("local_id", existing.values())))
    }
    held = _issns_held(cleaned[index] for index in existing)
    at = timezone.now().isoformat()
    return {
        index: record
        for index, local_id in sorted(existing.items())
        if (record := stored.get(local_id))
        and can(actor, "record.update", record)
        and _writes_nothing(_plan(actor, record, cleaned[index], origins[index], at, held))
    }


def _writes_nothing(plan: Plan) -> bool:
    """No field changes and nothing to propose (a proposal may be waiting already: `_upsert` checks)."""
    return not plan.changes and not plan.proposals


def _issns_held(inputs: Iterable[RecordIn]) -> frozenset[str]:
    """The ISSNs the inputs' journals give that a journal has, asked once for a batch: what comparing
    their journals with the stored ones needs (`describes_same_journal`)."""
    return issns_held(n for data in inputs if data.journal for n in (data.journal.issn, data.journal.eissn))


def _split_new(
    cleaned: dict[int, RecordIn], existing: dict[int, str]
) -> tuple[dict[int, RecordIn], list[int]]:
    """New inputs to insert together, and the rest (updates, repeats within the batch) to do one by one."""
    fresh: dict[int, RecordIn] = {}
    seen: set[str] = set()
    one_by_one = []
    for index, data in cleaned.items():
        keys = {data.local_id} | {i.value for i in data.identifiers if i.scheme == "oai"}
        keys.discard("")
        if index in existing or keys & seen:
            one_by_one.append(index)
        else:
            fresh[index] = data
        seen |= keys
    return fresh, one_by_one


def _insert_batch(
    actor: Actor,
    fresh: dict[int, RecordIn],
    lookups: Lookups,
    careful: bool,
    origins: Sequence[Origin | None],
) -> dict[int, ImportOutcome]:
    if not fresh:
        return {}
    try:
        with transaction.atomic(savepoint=careful):
            records = _insert_records(
                actor, list(fresh.values()), lookups, origins=[origins[index] for index in fresh]
            )
    except (IntegrityError, SamlaError) as error:
        if not careful:
            raise BatchNeedsCare(str(error)) from error
        # Something the checks did not foresee: find the culprit by writing the records one at a time.
        return {
            index: _upsert_one(actor, index, data, "created", origins[index]) for index, data in fresh.items()
        }
    return {
        index: ImportOutcome(index, "created", record) for index, record in zip(fresh, records, strict=True)
    }


def _update_batch(
    actor: Actor,
    updates: dict[int, tuple[str, RecordIn]],
    lookups: Lookups,
    summary: str,
    careful: bool,
    origins: Sequence[Origin | None],
) -> dict[int, ImportOutcome]:
    """Merge imported inputs (cleaned) into the stored records they describe again (local id given), each
    once, with a handful of queries for the batch, as `_update` does for one: the records locked and read
    together, each planned, and those that change written together (their parts deleted and inserted,
    revisions, links and index entries). A record an input may not update, or whose plan fails, is
    reported alone; a write that fails where no check foresaw it is done again one record at a time."""
    if not updates:
        return {}
    locked = Record.objects.select_for_update().filter(
        in_text_array("local_id", {local_id for local_id, _d in updates.values()})
    )
    records = {record.local_id: record for record in locked}
    load_records_parts(list(records.values()))  # what planning compares, for all at once
    prefetch_related_objects(list(records.values()), "journal")
    now = timezone.now()
    held = _issns_held(data for _local_id, data in updates.values())
    outcomes: dict[int, ImportOutcome] = {}
    writes: list[tuple[int, Record, RecordIn, Plan]] = []
    for index, (local_id, data) in updates.items():
        try:
            record = records.get(local_id)
            if record is None or not can(actor, "record.read", record):
                raise NotFound(no_record(local_id))
            require(actor, "record.update", record)
            plan = _plan(actor, record, data, origins[index], now.isoformat(), held)
            proposed = bool(plan.proposals) and propose_changes(record, plan.proposals, origins[index], now)
        except SamlaError as error:
            outcomes[index] = ImportOutcome(index, "failed", error=error)
            continue
        if plan.changes:
            writes.append((index, record, RecordIn.model_validate(plan.new), plan))  # the merged input
        else:
            status = "proposed" if proposed else "unchanged"
            outcomes[index] = ImportOutcome(index, status, record, proposed=tuple(plan.proposals))
    try:
        with transaction.atomic(savepoint=careful):
            _write_updates(actor, writes, lookups, summary, now, origins)
    except (IntegrityError, SamlaError) as error:
        if not careful:
            raise BatchNeedsCare(str(error)) from error
        for index, *_written in writes:
            local_id, data = updates[index]
            outcomes[index] = _upsert_one(actor, index, data, summary, origins[index], local_id)
        return outcomes
    for index, record, _data, plan in writes:
        changed, proposed = tuple(plan.changes), tuple(plan.proposals)
        outcomes[index] = ImportOutcome(index, "updated", record, changed=changed, proposed=proposed)
    return outcomes


def _write_updates(
    actor: Actor,
    writes: list[tuple[int, Record, RecordIn, Plan]],
    lookups: Lookups,
    summary: str,
    now: Any,
    origins: Sequence[Origin | None],
) -> None:
    """Store the planned updates of a batch: what `_update` writes for one record, for all together."""
    if not writes:
        return
    journals = _resolve_journals(actor, [data for _i, _r, data, _p in writes])
    for (_index, record, data, plan), journal in zip(writes, journals, strict=True):
        record.last_updated = data.last_updated or timezone.localdate(now)
        record.created = data.created
        record.datestamp = now
        record.revision += 1
        record.provenance = plan.provenance
        _assign_fields(record, data, journal)
        if record.state != "withdrawn":
            record.withdrawn_reason = ""
    records = [record for _i, record, _d, _p in writes]
    columns = [f.name for f in Record._meta.concrete_fields if not f.primary_key]
    Record.objects.bulk_update(records, columns, batch_size=100)
    _delete_parts_of([record.pk for record in records])
    written = _write_parts(actor, [(record, data) for _i, record, data, _p in writes], lookups)
    insert_rows(  # as `add_revision` writes a system actor's (an import's)
        Revision,
        ("record", "number", "at", "actor", "summary", "changes", "source"),
        (
            (
                r.pk,
                r.revision,
                now,
                actor.label,
                (summary or "updated")[:200],
                p.changes,
                _revision_source(origins[i]),
            )
            for i, r, _d, p in writes
        ),
    )
    _link_waiting_relations(written)
    index_written(written)


def _delete_parts_of(record_ids: list[int]) -> None:
    """`_delete_parts` for many records: four queries whatever their number."""
    ContributionAffiliation.objects.filter(contribution__record_id__in=record_ids).delete()
    Contribution.objects.filter(record_id__in=record_ids).delete()
    Identifier.objects.filter(record_id__in=record_ids).delete()
    Record.subjects.through.objects.filter(record_id__in=record_ids).delete()


def _upsert_one(
    actor: Actor, index: int, data: RecordIn, summary: str, origin: Origin | None, existing: str | None = None
) -> ImportOutcome:
    try:
        with transaction.atomic():
            return _upsert(actor, index, data, summary, origin, existing=existing)
    except SamlaError as error:
        return ImportOutcome(index, "failed", error=error)
    except IntegrityError as error:
        label = data.local_id or data.title[:60]
        return ImportOutcome(index, "failed", error=InvalidInput(f"Record {label} conflicts: {error}"))


def _existing_local_ids(inputs: dict[int, RecordIn]) -> dict[int, str]:
    """For each input describing a stored record (same local id, else same OAI identifier, else for a
    database's record the same id of MATCHING_SCHEMES), its local id."""
    local_ids = {d.local_id for d in inputs.values() if d.local_id}
    stored = set(
        Record.objects.filter(in_text_array("local_id", local_ids)).values_list("local_id", flat=True)
    )
    oais = {i.value for d in inputs.values() for i in d.identifiers if i.scheme == "oai"}
    by_oai = dict(
        Identifier.objects.filter(in_text_array("value", oais), scheme="oai", relation="").values_list(
            "value", "record__local_id"
        )
    )
    found = {}
    for index, data in inputs.items():
        if data.local_id in stored:
            found[index] = data.local_id
        elif match := next((by_oai[i.value] for i in data.identifiers if i.value in by_oai), None):
            found[index] = match
    rest = {index: data for index, data in inputs.items() if index not in found and not data.local_id}
    return found | local_ids_by_source_identifiers(rest)


def local_ids_by_source_identifiers(inputs: dict[int, RecordIn]) -> dict[int, str]:
    """For each input carrying a Web of Science UT or Scopus EID, the local id of the stored record that
    has its UT, EID, PubMed id or DOI (in that order) as an identifier of its own.

    Values are compared in their stored form (lowercased: DOIs ignore case); the query asks for the
    spellings an input can have, so it uses the value index."""
    keys = {index: source_keys(data) for index, data in inputs.items()}
    keys = {index: found for index, found in keys.items() if found}
    if not keys:
        return {}
    values = {
        variant
        for found in keys.values()
        for _s, value in found
        for variant in (value, value.lower(), value.upper())
    }
    stored: dict[tuple[str, str], str] = {}
    for scheme, value, local_id in (
        Identifier.objects.filter(in_text_array("value", values), relation="", scheme__in=MATCHING_SCHEMES)
        .order_by("record_id")
        .values_list("scheme", "value", "record__local_id")
    ):
        stored.setdefault((scheme, value.lower()), local_id)
    return {
        index: match
        for index, found in keys.items()
        if (match := next((stored[s, v.lower()] for s, v in found if (s, v.lower()) in stored), None))
    }


def source_keys(data: RecordIn) -> list[tuple[str, str]]:
    """(scheme, stored value) of the input's ids of MATCHING_SCHEMES, in that order, when it carries a UT
    or EID; else none. A value that is no valid id of its scheme is left to validation."""
    if not any(i.scheme in SOURCE_SCHEMES for i in data.identifiers):
        return []
    keys = []
    for scheme in MATCHING_SCHEMES:
        for identifier in (i for i in data.identifiers if i.scheme == scheme):
            try:
                keys.append((scheme, normalise_identifier(scheme, identifier.value)))
            except InvalidIdentifier:
                continue
    return keys


TAKEN = "identifier-taken"  # the quality flag of a repository identifier another record holds


def _taken_before(data: RecordIn) -> set[tuple[str, str]]:
    """The identifiers an input carries as set aside for being another record's (a stored record read
    back for an edit): they stay aside while that record holds them, so a person's edit of the record is
    not refused for them."""
    return {(f.scheme, f.value) for f in data.quality_flags if f.kind == TAKEN}


def _carried_taken(
    origins: Sequence[Origin | None], inputs: Sequence[RecordIn]
) -> dict[int, set[tuple[str, str]] | None] | None:
    """What `_set_aside_taken_identifiers` may set aside in a batch (read before the inputs are cleaned):
    anything for an import's inputs, only what was set aside before for a person's, who is told instead
    of an identifier they give."""
    if all(origin is not None for origin in origins):
        return None
    return {
        index: None if origin is not None else _taken_before(data)
        for index, (data, origin) in enumerate(zip(inputs, origins, strict=True))
    }


def _set_aside_taken_identifiers(
    inputs: dict[int, RecordIn],
    own: dict[int, str],
    *,
    only: dict[int, set[tuple[str, str]] | None] | None = None,
) -> None:
    """Leave out of each (cleaned) input the OAI identifiers and URN:NBNs another record holds, each
    with a quality flag naming that record: such an identifier names one record here, and a source that
    gives it to a second record (the same work under another local id) has one bad value, for which the
    record is not refused. `own`: the local id of the record each input describes again, if any.
    `only`: per input, the identifiers that may be set aside (None: any); the others are left to the
    conflict check, which refuses them."""
    values = {i.value for d in inputs.values() for i in d.identifiers if i.scheme in REPOSITORY_SCHEMES}
    if not values:
        return
    holders = dict(
        ((scheme, value), local_id)
        for scheme, value, local_id in Identifier.objects.filter(
            in_text_array("value", values), relation="", scheme__in=REPOSITORY_SCHEMES
        ).values_list("scheme", "value", "record__local_id")
    )
    for index, data in inputs.items():
        allowed = only.get(index) if only is not None else None
        taken = [
            i
            for i in data.identifiers
            if holders.get((i.scheme, i.value)) not in (None, own.get(index))
            and (allowed is None or (i.scheme, i.value) in allowed)
        ]
        if taken:
            _flag_taken(data, taken, holders)


def _flag_taken(data: RecordIn, taken: list, holders: dict[tuple[str, str], str]) -> None:
    data.identifiers = [i for i in data.identifiers if i not in taken]
    data.quality_flags = sorted(
        [
            *data.quality_flags,
            *(
                QualityFlag(
                    field="identifiers",
                    kind=TAKEN,
                    scheme=i.scheme,
                    value=i.value,
                    message=f"{i.scheme} {i.value} belongs to record {holders[i.scheme, i.value]}; left out",
                )
                for i in taken
            ),
        ],
        key=lambda f: (f.field, f.kind, f.scheme, f.value),
    )


def _repository_identifier_conflicts(inputs: list[RecordIn], *, own: dict[int, int]) -> list[InvalidInput]:
    return [
        error for _index, error in _repository_identifier_conflicts_by_index(dict(enumerate(inputs)), own)
    ]


def _repository_identifier_conflicts_by_index(
    inputs: dict[int, RecordIn], own: dict[int, int] | None = None
) -> list[tuple[int, InvalidInput]]:
    """OAI identifiers and URN:NBNs name one record here: an input may not take one another record holds."""
    own = own or {}
    values = {i.value for d in inputs.values() for i in d.identifiers if i.scheme in REPOSITORY_SCHEMES}
    if not values:
        return []
    holders = {
        (scheme, value): (record_id, local_id)
        for scheme, value, record_id, local_id in Identifier.objects.filter(
            in_text_array("value", values), relation="", scheme__in=REPOSITORY_SCHEMES
        ).values_list("scheme", "value", "record_id", "record__local_id")
    }
    conflicts = []
    for index, data in inputs.items():
        for position, identifier in enumerate(data.identifiers):
            holder = holders.get((identifier.scheme, identifier.value))
            if holder and holder[0] != own.get(index):
                message = f"{identifier.scheme} {identifier.value} belongs to record {holder[1]}."
                conflicts.append(
                    (index, InvalidInput(message, fields={f"identifiers[{position}].value": "taken"}))
                )
                break
    return conflicts


# ---------------------------------------------------------------- storing parts


def _insert_records(
    actor: Actor,
    inputs: list[RecordIn],
    lookups: Lookups,
    *,
    owner_id: int | None = None,
    origins: Sequence[Origin | None],
) -> list[Record]:
    """Insert cleaned, conflict-free new records with all their parts and first revisions; every field of
    a record is its origin's (`origins`, one an input), or the actor's where it has none."""
    now = timezone.now()
    today = timezone.localdate(now)
    at = now.isoformat()
    mine = {"*": actor_entry(actor, at)}
    entries: dict[Origin, dict] = {}  # one provenance a run and format: the batch's records share them
    _start_as_the_actor_may(actor, inputs)
    journals = _resolve_journals(actor, inputs)
    records = [
        _new_record(
            data,
            journal,
            id=pk,
            local_id=data.local_id or f"{settings.LOCAL_ID_PREFIX}:{pk}",
            created=data.created or today,
            last_updated=data.last_updated or today,
            datestamp=now,
            owner_id=owner_id,
            revision=1,
            provenance=mine
            if origin is None
            else entries.setdefault(origin, {"*": import_entry(origin, at)}),
            withdrawn_reason="",
        )
        for data, journal, pk, origin in zip(
            inputs, journals, reserve_ids(Record, len(inputs)), origins, strict=True
        )
    ]
    _insert_record_rows(records)
    written = _write_parts(actor, list(zip(records, inputs, strict=True)), lookups)
    insert_rows(
        Revision,
        ("record", "number", "at", "actor", "summary", "changes"),
        ((r.pk, 1, now, actor.label, "created", {}) for r in records),
    )
    _link_waiting_relations(written)
    index_written(written)
    return records


def _start_as_the_actor_may(actor: Actor, inputs: list[RecordIn]) -> None:
    """A depositor's new record is an unapproved draft, whatever the input says: only curators decide
    on publication and bibliographic approval (a curator may register a work as published at once)."""
    may_approve, may_publish = can(actor, "record.approve"), can(actor, "record.publish")
    for data in inputs:
        if not may_approve:
            data.approved = False
        if not may_publish:
            data.state = "draft"


def _insert_record_rows(records: list[Record]) -> None:
    """Insert new records, their keys reserved (`reserve_ids`), and mark them saved."""
    insert_rows(
        Record,
        [f.name for f in Record._meta.concrete_fields],
        ([getattr(r, f.attname) for f in Record._meta.concrete_fields] for r in records),
    )
    for record in records:
        record._state.adding, record._state.db = False, connection.alias


def _assign_fields(record: Record, data: RecordIn, journal: Journal | None) -> None:
    for attname, value in _field_values(data).items():
        setattr(record, attname, value)
    record.journal = journal


def _new_record(data: RecordIn, journal: Journal | None, **columns: Any) -> Record:
    """An unsaved record of `data` with the other `columns` (its reserved key among them), each one
    given: built from positional values, which skips the defaults Django computes for each field of a
    keyword-built model (half the cost of building it: 50-64 -> 24-31 us a record)."""
    values = {
        **_field_values(data),
        "journal_id": journal.pk if journal else None,
        **columns,
    }
    record = Record(*(values[field.attname] for field in Record._meta.concrete_fields))
    record.journal = journal
    return record


def _field_values(data: RecordIn) -> dict[str, Any]:
    """The Record columns `data` gives (by attribute name)."""
    values = {field: getattr(data, field) for field in SIMPLE_FIELDS}
    values.update({field: [_plain(item) for item in getattr(data, field)] for field in JSON_FIELDS})
    values["year"] = int(data.issued[:4]) if data.issued else None
    return values


def _plain(item: Any) -> Any:
    return item.model_dump() if hasattr(item, "model_dump") else item


def _resolve_journals(actor: Actor, inputs: list[RecordIn]) -> list[Journal | None]:
    """Each input's journal, resolved once per distinct description in the batch."""
    cache: dict[tuple, Journal] = {}
    found = []
    for data in inputs:
        if data.journal is None:
            found.append(None)
            continue
        key = tuple(getattr(data.journal, name) for name in JournalIn.model_fields)  # cheaper than a dump
        if key not in cache:
            cache[key] = resolve_journal(actor, **data.journal.model_dump())
        found.append(cache[key])
    return found


def _delete_parts(record: Record) -> None:
    ContributionAffiliation.objects.filter(contribution__record=record).delete()
    record.contributions.all().delete()
    record.identifiers.all().delete()
    record.subjects.clear()


def _write_parts(actor: Actor, pairs: list[tuple[Record, RecordIn]], lookups: Lookups) -> WrittenRows:
    """Insert the parts of these records (saved, with their fields and journals assigned); returns the
    rows their index documents are built from, as the index would read them back."""
    subjects = [(r.pk, code) for r, d in pairs for code in d.subjects]
    insert_rows(Record.subjects.through, ("record", "subjectcategory"), subjects)
    contributions, affiliations = _write_contributions(actor, pairs, lookups)
    _write_identifiers(pairs)
    return WrittenRows(
        records=[record for record, _data in pairs],
        contributions=contributions,
        affiliations=affiliations,
        identifiers=[(r.pk, i.scheme, i.value) for r, d in pairs for i in d.identifiers],
        subjects=subjects,
    )


CONTRIBUTION_FIELDS = (
    "id", "record", "position", "role", "person", "family_name", "given_name", "is_organisation",
)  # fmt: skip


def _write_contributions(
    actor: Actor, pairs: list[tuple[Record, RecordIn]], lookups: Lookups
) -> tuple[list[tuple], list[tuple[int, int | None, str]]]:
    """Insert the contributions and their affiliations; returns both as the index reads them back."""
    wanted = [
        WantedPerson(family_name=c.family_name, given_name=c.given_name, **c.person.model_dump())
        for _r, d in pairs
        for c in d.contributors
        if c.person
    ]
    people = iter(resolve_people(actor, wanted))
    ids = iter(reserve_ids(Contribution, sum(len(data.contributors) for _r, data in pairs)))
    contributions, indexed, affiliations = [], [], []
    for record, data in pairs:
        for position, contributor in enumerate(data.contributors):
            person = next(people) if contributor.person else None
            names = (contributor.family_name, contributor.given_name)
            contribution_id = next(ids)
            contributions.append(
                (
                    contribution_id,
                    record.pk,
                    position,
                    contributor.role,
                    person and person.pk,
                    *names,
                    contributor.is_organisation,
                )
            )
            indexed.append((record.pk, *names, *_person_columns(person)))
            affiliations += [
                (record.pk, contribution_id, n, lookups.organisation_ids.get(a.organisation), a.text)
                for n, a in enumerate(contributor.affiliations)
            ]
    insert_rows(Contribution, CONTRIBUTION_FIELDS, contributions)
    insert_rows(
        ContributionAffiliation,
        ("contribution", "position", "organisation", "text"),
        (row[1:] for row in affiliations),
    )
    return indexed, [
        (record_id, organisation, text) for record_id, _c, _n, organisation, text in affiliations
    ]


def _person_columns(person: Person | None) -> tuple:
    """A contributor's person as `WrittenRows` holds it: id, ORCID, family and given name."""
    if person is None:
        return (None, None, None, None)
    return (person.pk, person.orcid, person.family_name, person.given_name)


def _write_identifiers(pairs: list[tuple[Record, RecordIn]]) -> None:
    targets = _records_holding(
        {(r.scheme, r.value) for _record, d in pairs for r in d.relations},
    )
    rows = []
    for record, data in pairs:
        rows += [(record.pk, i.scheme, i.value, "", None, "", n) for n, i in enumerate(data.identifiers)]
        rows += [
            (
                record.pk,
                r.scheme,
                r.value,
                r.relation,
                next((t for t in targets.get((r.scheme, r.value), []) if t != record.pk), None),
                r.label,
                n,
            )
            for n, r in enumerate(data.relations)
        ]
    insert_rows(
        Identifier, ("record", "scheme", "value", "relation", "related_record", "label", "position"), rows
    )


def _records_holding(identifiers: set[tuple[str, str]]) -> dict[tuple[str, str], list[int]]:
    """The records (oldest first) that have each (scheme, value) as an identifier of their own."""
    holders: dict[tuple[str, str], list[int]] = {}
    if not identifiers:
        return holders
    rows = Identifier.objects.filter(
        in_text_array("value", (v for _s, v in identifiers)), relation=""
    ).order_by("record_id")
    for scheme, value, record_id in rows.values_list("scheme", "value", "record_id"):
        if (scheme, value) in identifiers:
            holders.setdefault((scheme, value), []).append(record_id)
    return holders


def _link_waiting_relations(written: WrittenRows) -> None:
    """Point relations (of any record) naming the identifiers these records were just written with at
    these records."""
    own = {(scheme, value): record_id for record_id, scheme, value in written.identifiers}
    if not own:
        return
    # Which relations wait is checked here, not in SQL: given `related_record IS NULL`, SQLite read
    # every row without a related record (almost all of them), not the relations index (few rows).
    relations = (
        Identifier.objects.filter(in_text_array("value", (v for _s, v in own)))
        .exclude(relation="")
        .order_by()
        .values_list("pk", "scheme", "value", "record_id", "related_record_id")
    )
    linked = []  # read as plain rows: a model instance each cost more than the query
    for pk, scheme, value, record_id, related_record_id in relations:
        target = own.get((scheme, value))
        if related_record_id is None and target is not None and target != record_id:
            linked.append(Identifier(pk=pk, related_record_id=target))
    Identifier.objects.bulk_update(linked, ["related_record"])
