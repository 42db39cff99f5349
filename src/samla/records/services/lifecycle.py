"""A record's lifecycle: approval, withdrawal (with the reason its page shows) and restoring.

Each is one transaction with its Revision row, and each state change names who made it in the record's
provenance (`merging`), so an import knows whether a person or a source withdrew a record.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from samla.core.access import Actor, require

from ..indexing import index_records
from ..models import Record, Revision
from .merging import Origin, actor_entry, import_entry
from .writing import get_record_for_update


@transaction.atomic
def approve_record(actor: Actor, *, local_id: str) -> Record:
    """Mark a record "Bibliographically approved" after a curator's review."""
    record = get_record_for_update(actor, local_id)
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
        index_records([record.pk])
    return record


@transaction.atomic
def withdraw_record(actor: Actor, *, local_id: str, reason: str = "", origin: Origin | None = None) -> Record:
    """Take a record out of public view and leave a tombstone that shows `reason`: its page answers 410
    and harvesters see it as deleted (OAI-PMH deletedRecord=persistent). The description is kept for
    curators, and `restore_record` puts it back. With `origin`, the source deleted it (an import)."""
    record = get_record_for_update(actor, local_id)
    require(actor, "record.delete", record)
    if record.state != "withdrawn":
        at = timezone.now()
        entry = actor_entry(actor, at.isoformat()) if origin is None else import_entry(origin, at.isoformat())
        summary = f"withdrawn: {reason}" if reason else "withdrawn"
        _change_state(actor, record, "withdrawn", at, entry, summary)
        record.withdrawn_reason = reason[:300]
        record.save(update_fields=["withdrawn_reason"])
    return record


@transaction.atomic
def restore_record(actor: Actor, *, local_id: str) -> Record:
    """Publish a withdrawn record again (a curator's decision, e.g. after its source deleted it); its
    state is then the curator's, so only a later deletion at the source withdraws it again."""
    record = get_record_for_update(actor, local_id)
    require(actor, "record.delete", record)
    if record.state == "withdrawn":
        at = timezone.now()
        _change_state(actor, record, "published", at, actor_entry(actor, at.isoformat()), "restored")
        record.withdrawn_reason = ""
        record.save(update_fields=["withdrawn_reason"])
        index_records([record.pk])
    return record


def _change_state(
    actor: Actor, record: Record, state: str, at: dt.datetime, entry: dict, summary: str
) -> None:
    old_state = record.state
    record.state = state
    record.revision += 1
    record.datestamp = at
    record.provenance = {**record.provenance, "state": entry}
    record.save(update_fields=["state", "revision", "datestamp", "provenance"])
    Revision.objects.create(
        record=record,
        number=record.revision,
        at=at,
        actor=actor.label,
        summary=summary[:200],
        changes={"state": [old_state, state]},
    )
