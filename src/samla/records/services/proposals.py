"""Proposed changes: a source's value for a field a person edited, kept until a curator decides.

An import never overwrites a person's edit (`merging`); it stores its differing value here instead.
Accepting one writes the value into the record and gives the field back to that source, so its later
changes flow in again; rejecting one keeps the record as it is. A source that sends the same value
again adds nothing; one that sends another value replaces its own waiting proposal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samla.core.access import Actor, require
from samla.core.errors import Conflict, NotFound
from samla.core.pagination import Page, paginate

from ..models import ProposedChange, Record
from ..permissions import curated_records
from ..schemas import RecordIn
from .merging import Origin, import_entry
from .reading import load_records_parts, record_to_input

# A decision taken already, in the words of each decision.
DECIDED_ALREADY = {
    "accepted": _("Proposed change %(id)s was accepted already."),
    "rejected": _("Proposed change %(id)s was rejected already."),
}


def propose_changes(
    record: Record, proposals: dict[str, Any], origin: Origin | None, now: dt.datetime
) -> bool:
    """Store an import's proposals for `record`; returns whether any is new (or a new value)."""
    if origin is None:
        return False
    earlier: dict[str, list[ProposedChange]] = {}
    for proposal in ProposedChange.objects.filter(
        record_id=record.pk, source=origin.format, field__in=proposals
    ).exclude(decision="accepted"):
        earlier.setdefault(proposal.field, []).append(proposal)
    new, changed = [], []
    for field, value in proposals.items():
        if any(p.value == value for p in earlier.get(field, [])):
            continue  # waiting already, or rejected: not proposed again until the source changes it
        waiting = next((p for p in earlier.get(field, []) if not p.decision), None)
        if waiting is None:
            new.append(
                ProposedChange(
                    record_id=record.pk,
                    field=field,
                    source=origin.format,
                    run_id=origin.run,
                    value=value,
                    created=now,
                )
            )
        else:
            waiting.value, waiting.run_id, waiting.created = value, origin.run, now
            changed.append(waiting)
    ProposedChange.objects.bulk_create(new)
    ProposedChange.objects.bulk_update(changed, ["value", "run", "created"])
    return bool(new or changed)


def list_proposals(actor: Actor, *, local_id: str = "", page: int = 1, size: int = 50) -> Page:
    """The proposed changes waiting for a decision (of one record, if `local_id`), oldest first, each with
    the record's `current` value of its field beside it (the records' parts loaded in four queries)."""
    require(actor, "proposal.decide")
    queryset = ProposedChange.objects.filter(decision="").select_related("record__journal")
    if not actor.at_least("curator"):  # a curator of some organisations: their records' proposals
        queryset = queryset.filter(record__in=Record.objects.filter(curated_records(actor)))
    if local_id:
        queryset = queryset.filter(record__local_id=local_id)
    found = paginate(queryset.order_by("created", "pk"), page, size)
    load_records_parts(list({p.record_id: p.record for p in found.items}.values()))
    _with_current(found.items)
    return found


def _with_current(proposals: list[ProposedChange]) -> None:
    """Set each proposal's `current`: its record's value of the field, in the input shape (JSON)."""
    described: dict[int, dict] = {}
    for proposal in proposals:
        if proposal.record_id not in described:
            described[proposal.record_id] = record_to_input(proposal.record).model_dump(mode="json")
        proposal.current = described[proposal.record_id].get(proposal.field)


@transaction.atomic
def accept_proposal(actor: Actor, *, proposal_id: int) -> ProposedChange:
    """Write the proposed value into the record (a revision like any edit) and give the field back to
    the source that proposed it."""
    from .writing import update_record  # writing stores proposals: it imports this module

    proposal = _pending(actor, proposal_id)
    record = proposal.record
    values = record_to_input(record).model_dump(mode="json")
    values[proposal.field] = proposal.value
    data = RecordIn.model_validate(values)
    update_record(actor, local_id=record.local_id, data=data, summary=f"accepted {proposal.field}")
    record = Record.objects.select_for_update().get(pk=record.pk)
    record.provenance = {
        **record.provenance,
        proposal.field: import_entry(Origin(proposal.source, proposal.run_id), timezone.now().isoformat()),
    }
    record.save(update_fields=["provenance"])
    proposal.record = record
    return _decide(actor, proposal, "accepted")


@transaction.atomic
def reject_proposal(actor: Actor, *, proposal_id: int) -> ProposedChange:
    """Keep the record as it is; the source's value is not proposed again until it changes."""
    return _decide(actor, _pending(actor, proposal_id), "rejected")


def _pending(actor: Actor, proposal_id: int) -> ProposedChange:
    require(actor, "proposal.decide")
    proposal = ProposedChange.objects.select_related("record").filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound(gettext("No proposed change %(id)s.") % {"id": proposal_id})
    require(actor, "proposal.decide", proposal.record)  # a curator of the record's organisations
    if proposal.decision:
        raise Conflict(DECIDED_ALREADY[proposal.decision] % {"id": proposal_id})
    return proposal


def _decide(actor: Actor, proposal: ProposedChange, decision: str) -> ProposedChange:
    proposal.decision, proposal.decided_by, proposal.decided_at = decision, actor.label, timezone.now()
    proposal.save(update_fields=["decision", "decided_by", "decided_at"])
    _with_current([proposal])
    return proposal
