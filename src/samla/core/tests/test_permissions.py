"""Every named action × every role, in one table: who may do what, on which kind of object.

The rules are asked directly (`can`), with records and files as the services hand them over; each app's
service tests check that its services ask. A new action without its rows here fails
`test_the_table_covers_every_registered_action`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

import samla.accounts.permissions
import samla.files.permissions
import samla.oai.permissions
import samla.records.permissions
import samla.search.permissions
import samla.stats.permissions  # noqa: F401 (each module registers its actions)
from samla.core.access import ROLES, Actor, can, registered_actions
from samla.files.models import RecordFile
from samla.records.models import Record

ACTORS = {
    "anonymous": Actor.anonymous(),
    "reader": Actor("reader", user_id=1),
    "depositor": Actor("depositor", user_id=2),  # owns the "own" records below
    "curator": Actor("curator", user_id=3),
    "admin": Actor("admin", user_id=4),
    "system": Actor.system("tests"),
}
DEPOSITOR = ACTORS["depositor"].user_id
OTHER_USER = 99


def _record(state: str, owner: int | None, *, approved: bool = False) -> Record:
    return Record(state=state, owner_id=owner, approved=approved)


def _file(
    access: str, *, owner: int | None = OTHER_USER, embargo_days: int = 0, role: str = ""
) -> RecordFile:
    until = timezone.localdate() + dt.timedelta(days=embargo_days) if access == "embargo" else None
    return RecordFile(
        record=_record("published", owner), access=access, embargo_until=until, restricted_role=role
    )


PUBLISHED = _record("published", OTHER_USER)
OWN_DRAFT = _record("draft", DEPOSITOR)
OTHERS_DRAFT = _record("draft", OTHER_USER)
OWN_PUBLISHED = _record("published", DEPOSITOR)
OWN_SUBMITTED = _record("submitted", DEPOSITOR)
OWN_RETURNED = _record("returned", DEPOSITOR)
OWN_APPROVED = _record("published", DEPOSITOR, approved=True)

# Each row: the action, the case, the object the service hands the rule, the roles that may.
ALL = ("anonymous", "reader", "depositor", "curator", "admin", "system")
DEPOSITOR_UP = ("depositor", "curator", "admin", "system")
CURATOR_UP = ("curator", "admin", "system")
ADMIN_UP = ("admin", "system")

TABLE = [
    ("record.read", "a published record", PUBLISHED, ALL),
    ("record.read", "the depositor's draft", OWN_DRAFT, DEPOSITOR_UP),
    ("record.read", "another user's draft", OTHERS_DRAFT, CURATOR_UP),
    ("record.create", "a new record", None, DEPOSITOR_UP),
    ("record.update", "the depositor's draft", OWN_DRAFT, DEPOSITOR_UP),
    ("record.update", "another user's draft", OTHERS_DRAFT, CURATOR_UP),
    ("record.update", "the depositor's published record", OWN_PUBLISHED, CURATOR_UP),
    ("record.update", "the depositor's submitted record", OWN_SUBMITTED, CURATOR_UP),
    ("record.update", "the depositor's returned record", OWN_RETURNED, DEPOSITOR_UP),
    ("record.update", "the depositor's approved record", OWN_APPROVED, CURATOR_UP),
    ("record.history", "the depositor's draft", OWN_DRAFT, DEPOSITOR_UP),
    ("record.history", "another user's published record", PUBLISHED, CURATOR_UP),
    ("record.submit", "the depositor's draft", OWN_DRAFT, DEPOSITOR_UP),
    ("record.submit", "another user's draft", OTHERS_DRAFT, CURATOR_UP),
    ("record.return", "the depositor's submitted record", OWN_SUBMITTED, CURATOR_UP),
    ("record.approve", "a published record", PUBLISHED, CURATOR_UP),
    ("record.approve", "the depositor's submitted record", OWN_SUBMITTED, CURATOR_UP),
    ("record.unapprove", "the depositor's approved record", OWN_APPROVED, CURATOR_UP),
    ("record.publish", "the depositor's submitted record", OWN_SUBMITTED, CURATOR_UP),
    ("record.withdraw", "a published record", PUBLISHED, CURATOR_UP),
    ("record.restore", "a withdrawn record", _record("withdrawn", OTHER_USER), CURATOR_UP),
    ("record.revert", "the depositor's published record", OWN_PUBLISHED, CURATOR_UP),
    ("record.review", "the review queue", None, CURATOR_UP),
    ("authority.manage", "a person, organisation or journal", None, CURATOR_UP),
    ("file.attach", "the depositor's draft", OWN_DRAFT, DEPOSITOR_UP),
    ("file.attach", "another user's draft", OTHERS_DRAFT, CURATOR_UP),
    ("file.attach", "the depositor's published record", OWN_PUBLISHED, CURATOR_UP),
    ("file.detach", "the depositor's draft", OWN_DRAFT, DEPOSITOR_UP),
    ("file.detach", "another user's draft", OTHERS_DRAFT, CURATOR_UP),
    ("file.detach", "the depositor's published record", OWN_PUBLISHED, CURATOR_UP),
    ("file.see", "an open file", _file("open"), ALL),
    ("file.see", "an embargoed file", _file("embargo", embargo_days=30), ALL),
    ("file.see", "an archive copy", _file("archive"), CURATOR_UP),
    ("file.download", "an open file", _file("open"), ALL),
    ("file.download", "a file under a running embargo", _file("embargo", embargo_days=30), CURATOR_UP),
    (
        "file.download",
        "the depositor's file under embargo",
        _file("embargo", owner=DEPOSITOR, embargo_days=30),
        DEPOSITOR_UP,
    ),
    ("file.download", "a file whose embargo has ended", _file("embargo", embargo_days=-1), ALL),
    (
        "file.download",
        "a file for signed-in users",
        _file("restricted", role="reader"),
        ("reader", *DEPOSITOR_UP),
    ),
    ("file.download", "a file for curators", _file("restricted", role="curator"), CURATOR_UP),
    (
        "file.download",
        "the depositor's file for curators",
        _file("restricted", owner=DEPOSITOR, role="curator"),
        DEPOSITOR_UP,
    ),
    ("file.download", "an archive copy", _file("archive"), CURATOR_UP),
    ("file.download", "the depositor's archive copy", _file("archive", owner=DEPOSITOR), CURATOR_UP),
    ("file.manage", "the file store", None, CURATOR_UP),
    ("stats.rebuild", "the usage counts", None, CURATOR_UP),
    ("quality.review", "the records' quality flags", None, CURATOR_UP),
    ("proposal.decide", "a source's proposed change", None, CURATOR_UP),
    ("search.reindex", "the search index", None, ADMIN_UP),
    ("oai.keep", "the kept OAI-PMH texts", None, ADMIN_UP),
    ("role.manage", "role grants, their log, users", None, ADMIN_UP),
    ("account.conflicts", "refused sign-in claims", None, CURATOR_UP),
    ("token.manage", "the depositor's own API tokens", User(pk=DEPOSITOR), ("depositor", *ADMIN_UP)),
    ("token.manage", "another user's API tokens", User(pk=OTHER_USER), ADMIN_UP),
]


def test_the_table_covers_every_registered_action():
    assert sorted({action for action, *_rest in TABLE}) == registered_actions()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("action", "case", "obj", "allowed"), TABLE, ids=[f"{a}: {c}" for a, c, *_ in TABLE])
def test_action_by_role(action, case, obj, allowed, role):
    assert can(ACTORS[role], action, obj) is (role in allowed)
