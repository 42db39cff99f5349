"""The records' state machine: every transition from every state, for each role that matters; the
revision each writes, the lock on approved records, and the mail each sends.

The table of what may start from where is written out here again, from the issue's words (#20), not read
from `lifecycle.TRANSITIONS`, so a change to the machine has to change both.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import translation

from samla.accounts.services import grant_role
from samla.core.access import Actor
from samla.core.errors import Conflict, NotFound, PermissionDenied, PreconditionFailed
from samla.jobs.tests.conftest import run_worker
from samla.organisations.models import Organisation
from samla.records.models import Record
from samla.records.notifications import curator_recipients, recipient_language
from samla.records.services import (
    ACTIONS,
    allowed_actions,
    approve_record,
    create_record,
    get_record_for,
    publish_record,
    return_record,
    submit_record,
    transition_record,
    update_record,
)

from .factories import record_input

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")

# (state, approved) a record may be in, and the ones each action starts from.
STATES = [
    ("draft", False),
    ("submitted", False),
    ("submitted", True),
    ("returned", False),
    ("published", False),
    ("published", True),
    ("withdrawn", False),
    ("withdrawn", True),
]
STARTS_FROM = {
    "submit": {("draft", False), ("returned", False)},
    "return": {("submitted", False), ("submitted", True)},
    "approve": {("submitted", False), ("published", False)},
    "unapprove": {("submitted", True), ("published", True)},
    "publish": {("submitted", False), ("submitted", True)},
    "withdraw": {("published", False), ("published", True)},
    "restore": {("withdrawn", False), ("withdrawn", True)},
}
# The state (and approval) after each action.
LEADS_TO = {
    "submit": ("submitted", None),
    "return": ("returned", False),
    "approve": (None, True),
    "unapprove": (None, False),
    "publish": ("published", None),
    "withdraw": ("withdrawn", None),
    "restore": ("published", None),
}
CASES = [(action, state) for action in ACTIONS for state in STATES]
CASE_IDS = [f"{a}-{s}{'-approved' if ap else ''}" for a, (s, ap) in CASES]


def _user(name: str, role: str = "", organisation: Organisation | None = None, email: str = "") -> Actor:
    user = User.objects.create_user(name, email=email or f"{name}@example.org")
    if role:
        grant_role(SYSTEM, user=user, role=role, organisation_id=organisation.pk if organisation else None)
    return Actor.for_user(user)


def _deposited(owner: Actor, *, state: str = "draft", approved: bool = False, organisation=None) -> Record:
    """The owner's record, put in `state` (the table's starting point; the transitions themselves are
    tested from a draft through services below)."""
    affiliations = [{"organisation": organisation.identifier}] if organisation else []
    data = record_input(contributors=[{"family_name": "Testsson", "affiliations": affiliations}])
    record = create_record(owner, data=data, owner_id=owner.user_id)
    Record.objects.filter(pk=record.pk).update(state=state, approved=approved)
    return Record.objects.get(pk=record.pk)


@pytest.fixture
def owner() -> Actor:
    return _user("owner", "depositor")


@pytest.fixture
def curator_actor() -> Actor:
    return _user("curator", "curator")


@pytest.mark.parametrize(("action", "start"), CASES, ids=CASE_IDS)
def test_transition_by_curator_allowed_only_from_its_states(owner, curator_actor, action, start):
    record = _deposited(owner, state=start[0], approved=start[1])

    if start not in STARTS_FROM[action]:
        with pytest.raises(Conflict) as refused:
            transition_record(curator_actor, local_id=record.local_id, action=action)
        assert refused.value.data["state"] == start[0]
        assert Record.objects.get(pk=record.pk).revision == record.revision
        return
    done = transition_record(curator_actor, local_id=record.local_id, action=action, message="why")

    state, approved = LEADS_TO[action]
    assert (done.state, done.approved) == (state or start[0], start[1] if approved is None else approved)
    revision = done.revisions.first()
    assert (revision.number, revision.action, revision.message) == (record.revision + 1, action, "why")
    assert revision.actor == "curator:curator"


@pytest.mark.parametrize(("action", "start"), CASES, ids=CASE_IDS)
def test_transition_by_owner_only_submit_from_draft_or_returned(owner, action, start):
    record = _deposited(owner, state=start[0], approved=start[1])

    if action == "submit" and start in STARTS_FROM["submit"]:
        assert submit_record(owner, local_id=record.local_id).state == "submitted"
    else:
        expected = Conflict if action == "submit" else PermissionDenied
        with pytest.raises(expected):
            transition_record(owner, local_id=record.local_id, action=action)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("start", [("draft", False), ("submitted", False), ("published", False)])
def test_transition_by_another_depositor_refused(owner, action, start):
    record = _deposited(owner, state=start[0], approved=start[1])
    other = _user("other", "depositor")

    # Another's unpublished record is not there for them at all; a published one is not theirs to move.
    with pytest.raises(PermissionDenied if start[0] == "published" else NotFound):
        transition_record(other, local_id=record.local_id, action=action)


def test_transition_by_curator_of_the_records_organisation_only(owner):
    first, second = Organisation.objects.filter(parent=None).order_by("pk")[:2]
    record = _deposited(owner, state="submitted", organisation=first)
    theirs, elsewhere = _user("ours", "curator", first), _user("elsewhere", "curator", second)

    with pytest.raises(NotFound):  # a submitted record of another organisation is not theirs to see
        publish_record(elsewhere, local_id=record.local_id)
    assert publish_record(theirs, local_id=record.local_id).state == "published"


def test_draft_through_review_to_published_writes_a_revision_each(owner, curator_actor):
    record = create_record(owner, data=record_input(), owner_id=owner.user_id)
    assert (record.state, record.approved) == ("draft", False)  # a depositor's new record is a draft

    submit_record(owner, local_id=record.local_id)
    return_record(curator_actor, local_id=record.local_id, message="Add the DOI, please.")
    submit_record(owner, local_id=record.local_id)
    approve_record(curator_actor, local_id=record.local_id)
    done = publish_record(curator_actor, local_id=record.local_id)

    assert (done.state, done.approved, done.revision) == ("published", True, 6)
    assert [(r.action, r.changes) for r in done.revisions.order_by("number")][1:] == [
        ("submit", {"state": ["draft", "submitted"]}),
        ("return", {"state": ["submitted", "returned"]}),
        ("submit", {"state": ["returned", "submitted"]}),
        ("approve", {"approved": [False, True]}),
        ("publish", {"state": ["submitted", "published"]}),
    ]
    assert done.revisions.get(number=3).message == "Add the DOI, please."


def test_submit_twice_submits_once(owner):
    record = create_record(owner, data=record_input(), owner_id=owner.user_id)
    submit_record(owner, local_id=record.local_id)

    with pytest.raises(Conflict) as second:
        submit_record(owner, local_id=record.local_id)

    assert (
        second.value.message
        == f"Record {record.local_id} is submitted: it cannot be given the action submit."
    )
    assert Record.objects.get(pk=record.pk).revision == 2


def test_transition_at_a_stale_revision_changes_nothing(owner):
    record = create_record(owner, data=record_input(), owner_id=owner.user_id)

    with pytest.raises(PreconditionFailed):
        submit_record(owner, local_id=record.local_id, expected_revision=record.revision + 1)

    assert Record.objects.get(pk=record.pk).state == "draft"
    assert submit_record(owner, local_id=record.local_id, expected_revision=1).state == "submitted"


def test_return_takes_approval_off_and_gives_the_record_back_to_its_depositor(owner, curator_actor):
    record = _deposited(owner, state="submitted")
    approve_record(curator_actor, local_id=record.local_id)

    returned = return_record(curator_actor, local_id=record.local_id, message="Pages are missing.")

    assert (returned.state, returned.approved) == ("returned", False)
    assert returned.revisions.first().changes == {
        "state": ["submitted", "returned"],
        "approved": [True, False],
    }
    changed, _ = update_record(owner, local_id=record.local_id, data=record_input(pages_start="1"))
    assert changed.pages_start == "1"


def test_approved_record_is_locked_against_its_depositor(owner, curator_actor):
    record = _deposited(owner, state="submitted")
    approve_record(curator_actor, local_id=record.local_id)
    publish_record(curator_actor, local_id=record.local_id)

    with pytest.raises(PermissionDenied):
        update_record(owner, local_id=record.local_id, data=record_input(title="Changed"))
    updated, _ = update_record(curator_actor, local_id=record.local_id, data=record_input(title="Changed"))
    assert updated.title == "Changed"


def test_person_edit_never_changes_state_or_approval(owner):
    record = create_record(owner, data=record_input(), owner_id=owner.user_id)

    updated, _ = update_record(
        owner, local_id=record.local_id, data=record_input(state="published", approved=True, title="New")
    )

    assert (updated.state, updated.approved, updated.title) == ("draft", False, "New")


def test_allowed_actions_offers_what_the_actor_may_do_now(owner, curator_actor):
    record = _deposited(owner, state="submitted")

    assert allowed_actions(owner, record) == []
    assert allowed_actions(curator_actor, record) == ["return", "approve", "publish"]


# ---------------------------------------------------------------- mail


def _run_mail_jobs() -> None:
    """What `samla jobs worker` does with the queued mail: run each waiting task once."""
    run_worker()


def test_submit_mails_the_records_curators_and_not_others(owner, django_capture_on_commit_callbacks):
    first, second = Organisation.objects.filter(parent=None).order_by("pk")[:2]
    _user("ours", "curator", first, email="ours@example.org")
    _user("everywhere", "curator", email="all@example.org")
    _user("elsewhere", "curator", second, email="elsewhere@example.org")
    record = _deposited(owner, organisation=first)

    with django_capture_on_commit_callbacks(execute=True):
        submit_record(owner, local_id=record.local_id)
    _run_mail_jobs()

    assert sorted(m.to[0] for m in mail.outbox) == ["all@example.org", "ours@example.org"]
    assert mail.outbox[0].subject == f"Submitted for review: {record.local_id} A study of test records"
    assert f"/record/{record.local_id}" in mail.outbox[0].body


def test_return_mails_the_depositor_in_their_language(
    owner, curator_actor, django_capture_on_commit_callbacks
):
    with translation.override("sv"):  # the depositor works in Swedish
        record = create_record(owner, data=record_input(title="<script>x</script>"), owner_id=owner.user_id)
        submit_record(owner, local_id=record.local_id)
    assert recipient_language(User.objects.get(pk=owner.user_id)) == "sv"

    with django_capture_on_commit_callbacks(execute=True):
        return_record(curator_actor, local_id=record.local_id, message="Lägg till DOI & sidor.")
    _run_mail_jobs()

    (sent,) = mail.outbox
    assert sent.to == ["owner@example.org"]
    assert sent.subject.startswith(f"Återlämnad till dig: {record.local_id}")
    assert "<script>x</script>" in sent.body  # plain text: shown as written, nothing to run
    assert "Lägg till DOI & sidor." in sent.body


@pytest.mark.parametrize(("action", "mailed"), [("approve", True), ("publish", True), ("unapprove", False)])
def test_depositor_is_told_of_approval_and_publication(
    owner, curator_actor, django_capture_on_commit_callbacks, action, mailed
):
    record = _deposited(owner, state="submitted", approved=action == "unapprove")

    with django_capture_on_commit_callbacks(execute=True):
        transition_record(curator_actor, local_id=record.local_id, action=action)
    _run_mail_jobs()

    assert [m.to for m in mail.outbox] == ([["owner@example.org"]] if mailed else [])


def test_curator_recipients_of_a_record_without_organisations_are_those_granted_everywhere(owner):
    _user("everywhere", "curator")
    record = _deposited(owner)

    assert [u.username for u in curator_recipients(get_record_for(owner, record.local_id))] == ["everywhere"]


def test_publish_mail_written_by_the_files_backend_of_make_run(
    owner, curator_actor, django_capture_on_commit_callbacks, settings, tmp_path
):
    """`make run` sets SAMLA_EMAIL_BACKEND=files: the worker writes each mail into the data directory."""
    settings.EMAIL_BACKEND = settings.EMAIL_BACKENDS["files"]
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    record = _deposited(owner, state="submitted")

    with django_capture_on_commit_callbacks(execute=True):
        publish_record(curator_actor, local_id=record.local_id)
    _run_mail_jobs()

    (written,) = (tmp_path / "mail").iterdir()
    text = written.read_text()
    assert f"Subject: Published: {record.local_id} A study of test records" in text
    assert "To: owner@example.org" in text
