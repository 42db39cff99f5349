"""Named actions on records. Each rule answers for one record; `visible_records` is the rule for lists.

Each transition of a record's state (`records.services.lifecycle`) has its action: `record.submit`
(the owner, or a curator of the record), and `record.return`, `record.approve`, `record.unapprove`,
`record.publish`, `record.withdraw`, `record.restore` (a curator of the record). Rules ask only of the
actor and the record, so whether a transition fits the record's state is the state machine's question,
not theirs. An owner edits a draft or a returned record; once submitted it is the curators', and an
approved record is locked against its depositor.

A curator's role may be granted for organisations (and the units below them): it then counts for the
records with an affiliation to one of them (`record_organisation_ids`). A rule asked without a record
("may this actor approve at all?") counts a role held anywhere.
"""

from __future__ import annotations

from django.db.models import Q

from samla.core.access import Actor, register_action, role_somewhere

from .models import ContributionAffiliation


def record_organisation_ids(record) -> frozenset[int]:
    """The organisations of the record's affiliations: from the contributions a page already loaded, or
    else in one query, kept on the record for the next question."""
    kept = getattr(record, "_organisation_ids", None)
    if kept is not None:
        return kept
    contributions = getattr(record, "_prefetched_objects_cache", {}).get("contributions")
    if contributions is not None and all(
        "affiliations" in getattr(c, "_prefetched_objects_cache", {}) for c in contributions
    ):
        ids = frozenset(
            a.organisation_id for c in contributions for a in c.affiliations.all() if a.organisation_id
        )
    elif record.pk is None:
        ids = frozenset()
    else:
        ids = frozenset(
            ContributionAffiliation.objects.filter(
                contribution__record_id=record.pk, organisation__isnull=False
            )
            .values_list("organisation_id", flat=True)
            .distinct()
        )
    record._organisation_ids = ids
    return ids


def curates(actor: Actor, record) -> bool:
    """Whether `actor` is a curator of this record: everywhere, or for one of its organisations (the
    record's affiliations are looked at only for an actor whose curator role is for organisations)."""
    if actor.at_least("curator"):
        return True
    if record is None:
        return actor.at_least_somewhere("curator")
    return bool(actor.organisations_where("curator")) and actor.at_least_for(
        "curator", record_organisation_ids(record)
    )


def _owns(actor: Actor, record) -> bool:
    return record is not None and actor.user_id is not None and record.owner_id == actor.user_id


def _may_read(actor: Actor, record) -> bool:
    if record is None or record.state == "published":
        return True
    return _owns(actor, record) or curates(actor, record)


# The states in which a record is still its depositor's to edit.
DEPOSITOR_EDITS = ("draft", "returned")


def _may_update(actor: Actor, record) -> bool:
    if record is not None and _owns(actor, record) and depositor_may_edit(record):
        return True
    return curates(actor, record)


def depositor_may_edit(record) -> bool:
    """Whether the record is still its depositor's to change: not yet submitted (or returned to them),
    and not bibliographically approved."""
    return record.state in DEPOSITOR_EDITS and not record.approved


def _may_submit(actor: Actor, record) -> bool:
    return _owns(actor, record) or curates(actor, record)


def _may_see_history(actor: Actor, record) -> bool:
    return _owns(actor, record) or curates(actor, record)


def visible_records(actor: Actor) -> Q:
    """The records `actor` may see in lists, search and harvests."""
    if actor.at_least("curator"):
        return Q()
    visible = Q(state="published")
    if actor.user_id is not None:
        visible |= Q(owner_id=actor.user_id)
    curated = actor.organisations_where("curator")
    if curated:
        affiliated = ContributionAffiliation.objects.filter(organisation_id__in=curated)
        visible |= Q(pk__in=affiliated.values("contribution__record_id"))
    return visible


def curated_records(actor: Actor) -> Q:
    """The records `actor` curates, as a filter: all for a curator everywhere, those affiliated with the
    organisations of a curator of some, none for others."""
    if actor.at_least("curator"):
        return Q()
    curated = actor.organisations_where("curator")
    affiliated = ContributionAffiliation.objects.filter(organisation_id__in=curated)
    return Q(pk__in=affiliated.values("contribution__record_id"))


register_action("record.read", _may_read, scope="read")
register_action("record.create", role_somewhere("depositor"), scope="write")
register_action("record.update", _may_update, scope="write")
register_action("record.history", _may_see_history, scope="read")
# The transitions of records.services.lifecycle.TRANSITIONS, one action each.
register_action("record.submit", _may_submit, scope="write")
register_action("record.return", curates, scope="curate")
register_action("record.approve", curates, scope="curate")
register_action("record.unapprove", curates, scope="curate")
register_action("record.publish", curates, scope="curate")
register_action("record.withdraw", curates, scope="curate")
register_action("record.restore", curates, scope="curate")
# The review queue: for curators of the whole repository or of some organisations.
register_action("record.review", curates, scope="curate")
# Restoring an earlier value of a field from the record's history.
register_action("record.revert", curates, scope="curate")
# Authority records (people, organisations, journals) are kept by curators.
register_action("authority.manage", role_somewhere("curator"), scope="curate")
# Proposed changes (a source's value for a field a person edited) are decided by curators of the record.
register_action("proposal.decide", curates, scope="curate")
