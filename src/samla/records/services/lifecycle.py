"""A record's lifecycle: its states and the transitions between them, as one table.

    draft ──submit──> submitted ──publish──> published ──withdraw──> withdrawn
                        │    ^                   ^                      │
                 return │    │ submit            └──────restore─────────┘
                        v    │
                       returned

"Bibliographically approved" is a flag, not a state: curators set it on a submitted or published
record (`approve`) and take it off (`unapprove`); returning a record to its depositor takes it off, as
the depositor will change it. Each transition is a service function with its permission action
(`records.permissions`), one transaction with a Revision row naming the action and the message or
reason, and, once committed, the mail of `records.notifications`. A transition that does not start from
the record's state is refused with a Conflict naming the state, so a second click on Submit changes
nothing. Each state change names who made it in the record's provenance (`merging`), so an import knows
whether a person or a source withdrew a record.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from samla.core.access import Actor, can, require
from samla.core.errors import Conflict, NotFound
from samla.vocabularies.record_terms import RECORD_STATES

from .. import notifications
from ..indexing import index_records
from ..models import Record
from .merging import Origin, actor_entry, import_entry
from .reading import no_record
from .revisions import Expected, add_revision, check_revision


@dataclass(frozen=True)
class Transition:
    """One move of the state machine: the states it starts from, the state it leads to (None: the state
    stays), the approval flag it needs before and sets after (None: either, unchanged), and who is told."""

    action: str
    sources: tuple[str, ...]
    target: str | None = None
    approved_before: bool | None = None
    approved_after: bool | None = None
    summary: str = ""
    notify: str = ""  # "depositor", "curators" or ""

    @property
    def permission(self) -> str:
        return f"record.{self.action}"


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", ("draft", "returned"), "submitted", summary="submitted", notify="curators"),
        Transition(
            "return", ("submitted",), "returned", approved_after=False, summary="returned", notify="depositor"
        ),
        Transition(
            "approve",
            ("submitted", "published"),
            approved_before=False,
            approved_after=True,
            summary="approved",
            notify="depositor",
        ),
        Transition(
            "unapprove",
            ("submitted", "published"),
            approved_before=True,
            approved_after=False,
            summary="unapproved",
        ),
        Transition("publish", ("submitted",), "published", summary="published", notify="depositor"),
        Transition("withdraw", ("published",), "withdrawn", summary="withdrawn"),
        Transition("restore", ("withdrawn",), "published", summary="restored"),
    )
}
ACTIONS = tuple(TRANSITIONS)


def allowed_actions(actor: Actor, record: Record) -> list[str]:
    """The transitions `actor` may make on `record` now (for pages to offer as buttons)."""
    return [a for a, t in TRANSITIONS.items() if _fits(t, record) and can(actor, t.permission, record)]


@transaction.atomic
def transition_record(
    actor: Actor,
    *,
    local_id: str,
    action: str,
    message: str = "",
    expected_revision: Expected = None,
    origin: Origin | None = None,
) -> Record:
    """Make transition `action` on the record: NotFound if the actor may not see it (or there is no
    such action), PermissionDenied if the action is not theirs, PreconditionFailed if the record is no
    longer at `expected_revision`, Conflict naming the state if the action does not start from it.

    `message` is the curator's message to the depositor (return) or the reason shown on the tombstone
    (withdraw). With `origin`, a source made the change (an import withdrawing what its source deleted)."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise NotFound(gettext("There is no action %(action)s on records.") % {"action": action})
    record = _load_for_transition(actor, local_id)
    require(actor, transition.permission, record)
    check_revision(record, expected_revision)
    if not _fits(transition, record):
        raise _refusal(transition, record)
    _apply(actor, record, transition, message.strip(), origin)
    return record


def submit_record(actor: Actor, *, local_id: str, message: str = "", **kw) -> Record:
    """Hand a draft (or a returned record) to the curators for review."""
    return transition_record(actor, local_id=local_id, action="submit", message=message, **kw)


def return_record(actor: Actor, *, local_id: str, message: str = "", **kw) -> Record:
    """Send a submitted record back to its depositor with a message saying what to change."""
    return transition_record(actor, local_id=local_id, action="return", message=message, **kw)


def approve_record(actor: Actor, *, local_id: str, message: str = "", **kw) -> Record:
    """Mark a record "Bibliographically approved" after a curator's review: its depositor may then no
    longer change it."""
    return transition_record(actor, local_id=local_id, action="approve", message=message, **kw)


def unapprove_record(actor: Actor, *, local_id: str, message: str = "", **kw) -> Record:
    """Take the approval off again (a mistake, or a change a depositor asked for)."""
    return transition_record(actor, local_id=local_id, action="unapprove", message=message, **kw)


def publish_record(actor: Actor, *, local_id: str, message: str = "", **kw) -> Record:
    """Make a submitted record public: its page, search, OAI-PMH and the exports show it."""
    return transition_record(actor, local_id=local_id, action="publish", message=message, **kw)


def withdraw_record(
    actor: Actor, *, local_id: str, reason: str = "", origin: Origin | None = None, **kw
) -> Record:
    """Take a record out of public view and leave a tombstone that shows `reason`: its page answers 410
    and harvesters see it as deleted (OAI-PMH deletedRecord=persistent). The description is kept for
    curators, and `restore_record` puts it back. With `origin`, the source deleted it (an import); a
    record already withdrawn is then left as it is, so a harvest can be run again."""
    if origin is not None and _state_of(local_id) == "withdrawn":
        return _load_for_transition(actor, local_id)
    return transition_record(actor, local_id=local_id, action="withdraw", message=reason, origin=origin, **kw)


def restore_record(actor: Actor, *, local_id: str, message: str = "", **kw) -> Record:
    """Publish a withdrawn record again (a curator's decision, e.g. after its source deleted it); its
    state is then the curator's, so only a later deletion at the source withdraws it again."""
    return transition_record(actor, local_id=local_id, action="restore", message=message, **kw)


def state_label(state: str) -> str:
    """How a state is named in messages ("submitted", "inskickad")."""
    return str(dict(RECORD_STATES).get(state, state)).lower()


def _state_of(local_id: str) -> str | None:
    return Record.objects.filter(local_id=local_id).values_list("state", flat=True).first()


def _load_for_transition(actor: Actor, local_id: str) -> Record:
    """The record, locked for the transaction; NotFound if missing or not the actor's to see."""
    record = Record.objects.select_for_update().filter(local_id=local_id).first()
    if record is None or not can(actor, "record.read", record):
        raise NotFound(no_record(local_id))
    return record


def _fits(transition: Transition, record: Record) -> bool:
    """Whether the transition starts from the record's state (and approval)."""
    if record.state not in transition.sources:
        return False
    return transition.approved_before is None or record.approved == transition.approved_before


def _refusal(transition: Transition, record: Record) -> Conflict:
    """The Conflict for a transition that does not start from the record's state, naming it."""
    values = {"local_id": record.local_id, "action": transition.action, "state": state_label(record.state)}
    if record.state in transition.sources:  # the approval flag is what does not fit
        text = (
            gettext("Record %(local_id)s is already approved.")
            if record.approved
            else gettext("Record %(local_id)s is not approved.")
        )
    else:
        text = gettext("Record %(local_id)s is %(state)s: it cannot be given the action %(action)s.")
    return Conflict(text % values, state=record.state, approved=record.approved, action=transition.action)


def _apply(actor: Actor, record: Record, transition: Transition, message: str, origin: Origin | None) -> None:
    at = timezone.now()
    changes: dict[str, list] = {}
    fields = ["revision", "datestamp"]
    if transition.target is not None and transition.target != record.state:
        changes["state"] = [record.state, transition.target]
        record.state = transition.target
        entry = actor_entry(actor, at.isoformat()) if origin is None else import_entry(origin, at.isoformat())
        record.provenance = {**record.provenance, "state": entry}
        fields += ["state", "provenance"]
    if transition.approved_after is not None and transition.approved_after != record.approved:
        changes["approved"] = [record.approved, transition.approved_after]
        record.approved = transition.approved_after
        fields.append("approved")
    if transition.action in ("withdraw", "restore"):
        reason = message[:300] if transition.action == "withdraw" else ""
        if reason != record.withdrawn_reason:
            changes["withdrawn_reason"] = [record.withdrawn_reason, reason]
        record.withdrawn_reason = reason
        fields.append("withdrawn_reason")
    record.revision += 1
    record.datestamp = at
    record.save(update_fields=fields)
    summary = (
        f"{transition.summary}: {message}"
        if message and transition.action == "withdraw"
        else transition.summary
    )
    source = (
        f"{origin.format} run {origin.run}" if origin and origin.run else (origin.format if origin else "")
    )
    add_revision(
        actor, record, at, summary=summary, changes=changes, action=transition.action, message=message,
        source=source,
    )  # fmt: skip
    index_records([record.pk])
    if transition.notify:
        transaction.on_commit(partial(notifications.transition_made, record.pk, transition.action, message))
