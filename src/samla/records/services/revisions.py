"""The Revision row every write of a record leaves, and the check of a write made against a revision.

A client that read revision 5 and sends it back (REST `If-Match`, the history page's form) writes only
if the record is still at revision 5: a stale write changes nothing and says which revision is current.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import get_language, gettext

from samla.core.access import Actor
from samla.core.errors import PreconditionFailed

from ..models import Record, Revision


def add_revision(
    actor: Actor,
    record: Record,
    at: dt.datetime,
    *,
    summary: str,
    changes: dict,
    action: str = "",
    message: str = "",
    source: str = "",
) -> Revision:
    """Write the record's revision numbered `record.revision` (already bumped by the caller). The
    language is the one the actor's messages are in now: what mail to them is later written in."""
    return Revision.objects.create(
        record=record,
        number=record.revision,
        at=at,
        actor=actor.label,
        summary=summary[:200],
        changes=changes,
        action=action,
        message=message,
        source=source[:80],
        user_id=actor.user_id,
        language=(get_language() or "")[:8] if actor.user_id is not None else "",
    )


# The revision a conditional write was made against: one, any of several (an If-Match listing more than
# one ETag), or None for an unconditional write.
Expected = int | frozenset[int] | None


def check_revision(record: Record, expected: Expected) -> None:
    """PreconditionFailed unless the record is at revision `expected` (None: any revision will do)."""
    wanted = frozenset([expected]) if isinstance(expected, int) else expected
    if wanted is not None and record.revision not in wanted:
        expected = ", ".join(str(n) for n in sorted(wanted)) or "-"
        raise PreconditionFailed(
            gettext(
                "Record %(local_id)s has changed: it is at revision %(current)s, not %(expected)s. "
                "Read it again and make your change to that."
            )
            % {"local_id": record.local_id, "current": record.revision, "expected": expected},
            revision=record.revision,
        )
