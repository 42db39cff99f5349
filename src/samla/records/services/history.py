"""A record's history for people to read, and restoring an earlier value of a field.

Each Revision row keeps every changed field's old and new value as the input shape has them (JSON), so
the history shows them as they were, and any of them can be put back: `revert_field` writes it as a new
revision through `patch_record`, validated like any edit (an earlier value that is no longer valid, a
deleted organisation say, is refused with the field named).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from samla.core.access import Actor, can, require
from samla.core.errors import InvalidInput, NotFound

from ..models import Record, Revision
from ..presentation import field_label, field_value_text
from ..schemas import RecordIn
from .reading import get_record_for
from .revisions import Expected
from .writing import get_record_for_update, patch_record

# Fields whose earlier values may be put back: the description. State and approval change by the
# transitions of `lifecycle`; the local id never changes.
REVERTABLE = frozenset(RecordIn.model_fields) - {"local_id", "state", "approved"}
# Summaries that say no more than the name of their kind.
PLAIN_SUMMARIES = frozenset({"created", "updated", "imported", "approved", "restored", "withdrawn"})
SHOWN_CHARACTERS = 4000  # a longer value (a physics paper's author list) is cut on the page


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any
    revertable: bool

    @property
    def label(self) -> str:
        return field_label(self.field)

    @property
    def old_text(self) -> str:
        return _cut(field_value_text(self.field, self.old))

    @property
    def new_text(self) -> str:
        return _cut(field_value_text(self.field, self.new))


@dataclass(frozen=True)
class RevisionLine:
    """One revision as the history page shows it."""

    number: int
    at: dt.datetime
    actor: str
    action: str
    summary: str
    message: str
    source: str
    changes: tuple[FieldChange, ...]

    @property
    def kind(self) -> str:
        """What the page names the revision by: its action, else the first words of its summary
        ("created", "updated", "withdrawn", "restored title of revision 2"…)."""
        return self.action or self.summary.split(":", 1)[0]

    @property
    def detail(self) -> str:
        """The summary, where it says more than the name of the revision's kind."""
        return "" if self.action or self.summary in PLAIN_SUMMARIES else self.summary


def list_revisions(actor: Actor, *, local_id: str) -> tuple[Record, list[RevisionLine]]:
    """The record and its revisions, newest first, for its owner and its curators (NotFound for
    anyone else who may see it, as for a record they may not see)."""
    record = get_record_for(actor, local_id, with_parts=False)
    if not can(actor, "record.history", record):
        raise NotFound(gettext("No history of record %(local_id)s.") % {"local_id": local_id})
    revisions = Revision.objects.filter(record=record).order_by("-number")
    return record, [_line(record, revision) for revision in revisions]


def field_history(actor: Actor, *, local_id: str, field: str) -> list[tuple[int, Any]]:
    """Each value the field has had, newest first, as (revision number, value)."""
    _record, lines = list_revisions(actor, local_id=local_id)
    return [(line.number, change.new) for line in lines for change in line.changes if change.field == field]


@transaction.atomic
def revert_field(
    actor: Actor,
    *,
    local_id: str,
    number: int,
    field: str,
    side: str = "old",
    expected_revision: Expected = None,
) -> Record:
    """Put back the value `field` had before (`side` "old") or after ("new") revision `number`, as a new
    revision. Curators only (`record.revert`)."""
    record = get_record_for_update(actor, local_id)
    require(actor, "record.revert", record)
    revision = Revision.objects.filter(record=record, number=number).first()
    if revision is None:
        raise NotFound(
            gettext("Record %(local_id)s has no revision %(number)s.")
            % {"local_id": local_id, "number": number}
        )
    if field not in REVERTABLE or field not in revision.changes or side not in ("old", "new"):
        raise InvalidInput(
            gettext("Revision %(number)s changed no field %(field)s that can be restored.")
            % {"number": number, "field": field},
            fields={"field": "not restorable"},
        )
    value = revision.changes[field][0 if side == "old" else 1]
    record, _changed = patch_record(
        actor,
        local_id=local_id,
        changes={field: value},
        summary=f"restored {field} of revision {number}",
        expected_revision=expected_revision,
    )
    return record


def _line(record: Record, revision: Revision) -> RevisionLine:
    changes = tuple(
        FieldChange(field, *_pair(values), revertable=field in REVERTABLE)
        for field, values in sorted(revision.changes.items())
    )
    return RevisionLine(
        number=revision.number,
        at=revision.at,
        actor=revision.actor,
        action=revision.action,
        summary=revision.summary,
        message=revision.message,
        source=revision.source or _first_source(record, revision),
        changes=changes,
    )


def _pair(values: Any) -> tuple[Any, Any]:
    if isinstance(values, list | tuple) and len(values) == 2:
        return values[0], values[1]
    return None, values


def _first_source(record: Record, revision: Revision) -> str:
    """For the revision that created the record (older rows name no source), where its fields came
    from as its provenance says: the import's format and run, or the job."""
    if revision.number != 1:
        return ""
    entry = (record.provenance or {}).get("*") or {}
    source = entry.get("source", "")
    return f"{source} run {entry['run']}" if source and entry.get("run") else source


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"
