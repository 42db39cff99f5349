"""Named actions on records. Each rule answers for one record; `visible_records` is the rule for lists."""

from django.db.models import Q

from samla.core.access import Actor, register_action, role_at_least


def _may_read(actor: Actor, record) -> bool:
    if record is None or record.state == "published":
        return True
    return actor.at_least("curator") or (actor.user_id is not None and record.owner_id == actor.user_id)


def _may_update(actor: Actor, record) -> bool:
    if actor.at_least("curator"):
        return True
    return (
        record is not None
        and record.state == "draft"
        and actor.user_id is not None
        and record.owner_id == actor.user_id
    )


def visible_records(actor: Actor) -> Q:
    """The records `actor` may see in lists, search and harvests."""
    if actor.at_least("curator"):
        return Q()
    if actor.user_id is not None:
        return Q(state="published") | Q(owner_id=actor.user_id)
    return Q(state="published")


register_action("record.read", _may_read)
register_action("record.create", role_at_least("depositor"))
register_action("record.update", _may_update)
register_action("record.approve", role_at_least("curator"))
register_action("record.delete", role_at_least("curator"))
# Authority records (people, organisations, journals) are kept by curators.
register_action("authority.manage", role_at_least("curator"))
# Proposed changes (a source's value for a field a person edited) are decided by curators.
register_action("proposal.decide", role_at_least("curator"))
