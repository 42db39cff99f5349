"""A record's history for people to read, restoring an earlier value of a field, the record page's review
forms and the tombstone of a withdrawn record: the services, and the pages through the test client with
CSRF checks on."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from samla.core.access import Actor
from samla.core.errors import InvalidInput, NotFound, PermissionDenied, PreconditionFailed
from samla.core.tests.users import make_user
from samla.records.models import Record
from samla.records.schemas import RecordIn
from samla.records.services import (
    Origin,
    create_record,
    get_record_for,
    import_records,
    list_revisions,
    record_to_input,
    revert_field,
    update_record,
    withdraw_record,
)

from .factories import record_input

pytestmark = pytest.mark.django_db
SEED_ID = "diva2:1897829"


def _retitled(curator, local_id: str, title: str) -> Record:
    data = record_to_input(get_record_for(curator, local_id))
    data.title = title
    record, _changed = update_record(curator, local_id=local_id, data=data)
    return record


def test_list_revisions_shows_old_and_new_value_per_field(curator):
    before = get_record_for(curator, SEED_ID).title
    _retitled(curator, SEED_ID, "A new title")

    record, lines = list_revisions(curator, local_id=SEED_ID)

    assert lines[0].number == record.revision
    assert [(c.field, c.old, c.new) for c in lines[0].changes] == [("title", before, "A new title")]
    assert lines[0].actor == "curator:curator"
    assert lines[-1].number == 1


def test_list_revisions_names_the_source_of_an_imported_record(curator, system):
    data = record_input(local_id="test:imported")
    import_records(system, [data], origins=[Origin("mods")])
    import_records(system, [record_input(local_id="test:imported", volume="3")], origins=[Origin("ris")])

    _record, lines = list_revisions(curator, local_id="test:imported")

    assert [(line.number, line.source) for line in lines] == [(2, "ris"), (1, "mods")]
    assert [(c.field, c.old, c.new) for c in lines[0].changes] == [("volume", "", "3")]


def test_list_revisions_for_owner_yes_for_other_reader_no(depositor, reader):
    record = create_record(depositor, data=record_input(), owner_id=depositor.user_id)

    assert list_revisions(depositor, local_id=record.local_id)[1][0].number == 1
    with pytest.raises(NotFound):
        list_revisions(reader, local_id=record.local_id)
    with pytest.raises(NotFound):  # a published record: visible, but its history is not theirs
        list_revisions(reader, local_id=SEED_ID)


def test_revert_field_restores_the_earlier_value_as_a_new_revision(curator):
    before = get_record_for(curator, SEED_ID).title
    changed = _retitled(curator, SEED_ID, "A mistaken title")

    restored = revert_field(curator, local_id=SEED_ID, number=changed.revision, field="title")

    assert (restored.title, restored.revision) == (before, changed.revision + 1)
    revision = restored.revisions.first()
    assert revision.changes == {"title": ["A mistaken title", before]}
    assert revision.summary == f"restored title of revision {changed.revision}"


def test_revert_field_refuses_depositor_state_and_a_field_the_revision_did_not_change(curator, depositor):
    changed = _retitled(curator, SEED_ID, "A mistaken title")

    with pytest.raises(PermissionDenied):
        revert_field(depositor, local_id=SEED_ID, number=changed.revision, field="title")
    with pytest.raises(InvalidInput):
        revert_field(curator, local_id=SEED_ID, number=changed.revision, field="volume")
    with pytest.raises(InvalidInput):
        revert_field(curator, local_id=SEED_ID, number=changed.revision, field="state")
    with pytest.raises(NotFound):
        revert_field(curator, local_id=SEED_ID, number=9999, field="title")


def test_revert_field_at_a_stale_revision_changes_nothing(curator):
    changed = _retitled(curator, SEED_ID, "A mistaken title")
    _retitled(curator, SEED_ID, "Another curator's title")

    with pytest.raises(PreconditionFailed):
        revert_field(
            curator,
            local_id=SEED_ID,
            number=changed.revision,
            field="title",
            expected_revision=changed.revision,
        )

    assert Record.objects.get(local_id=SEED_ID).title == "Another curator's title"


# ---------------------------------------------------------------- pages


@pytest.fixture
def curator_browser(db) -> Client:
    """A curator's browser: CSRF checked as in production."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("curator"))
    return client


def test_history_page_shows_who_when_action_and_old_to_new(curator_browser, curator):
    before = get_record_for(curator, SEED_ID).title
    _retitled(curator, SEED_ID, "A <b>new</b> title")

    response = curator_browser.get(f"/record/{SEED_ID}/history")

    page = response.content.decode()
    assert response.status_code == 200
    row = re.search(r'<tr class="change" data-field="title">.*?</tr>', page, re.DOTALL)[0]
    assert before in row
    assert "A &lt;b&gt;new&lt;/b&gt; title" in row  # shown as text
    assert "curator:curator" in page
    assert "Restore this value" in row


def test_history_page_in_swedish(curator_browser, curator):
    _retitled(curator, SEED_ID, "Ny titel")
    curator_browser.cookies["django_language"] = "sv"

    page = curator_browser.get(f"/record/{SEED_ID}/history").content.decode()

    assert "<h1>Historik</h1>" in page
    assert "Återställ detta värde" in page


def test_history_page_for_reader_is_404(client, db):
    client.force_login(make_user("reader"))

    assert client.get(f"/record/{SEED_ID}/history").status_code == 404
    assert Client().get(f"/record/{SEED_ID}/history").status_code == 404


def test_history_restore_form_with_csrf_makes_a_revision(curator_browser, curator):
    before = get_record_for(curator, SEED_ID).title
    changed = _retitled(curator, SEED_ID, "A mistaken title")
    page = curator_browser.get(f"/record/{SEED_ID}/history").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    form = {"number": changed.revision, "field": "title", "side": "old", "revision": changed.revision}

    refused = curator_browser.post(f"/record/{SEED_ID}/history/revert", form)
    response = curator_browser.post(
        f"/record/{SEED_ID}/history/revert", {**form, "csrfmiddlewaretoken": token}
    )

    assert refused.status_code == 403
    assert response.status_code == 302
    assert response["Location"] == f"/record/{SEED_ID}/history"
    record = Record.objects.get(local_id=SEED_ID)
    assert (record.title, record.revision) == (before, changed.revision + 1)


def test_history_restore_form_stale_answers_412_and_changes_nothing(client, curator):
    client.force_login(make_user("curator"))
    changed = _retitled(curator, SEED_ID, "A mistaken title")
    form = {"number": changed.revision, "field": "title", "side": "old", "revision": changed.revision - 1}

    response = client.post(f"/record/{SEED_ID}/history/revert", form)

    assert response.status_code == 412
    assert Record.objects.get(local_id=SEED_ID).title == "A mistaken title"


def test_history_restore_form_bad_number_answers_400(client, db):
    client.force_login(make_user("curator"))

    response = client.post(f"/record/{SEED_ID}/history/revert", {"number": "x", "field": "title"})

    assert response.status_code == 400


def test_withdrawn_record_page_is_410_with_reason_and_citation(client, curator):
    withdraw_record(curator, local_id=SEED_ID, reason="duplicate of diva2:1")

    response = client.get(f"/record/{SEED_ID}")

    page = response.content.decode()
    assert response.status_code == 410
    assert f"Record {SEED_ID} has been withdrawn: duplicate of diva2:1." in page
    citation = re.search(r'<div class="cite-entry">(.*?)</div>\s*</section>', page, re.DOTALL)[1]
    assert "Masterson" in citation and "2024" in citation
    assert Client().get(f"/record/{SEED_ID}").status_code == 410  # and the same again from the cache path


def test_history_shows_lists_as_people_read_them(curator):
    current = record_to_input(get_record_for(curator, SEED_ID)).model_dump()
    masterson = next(c for c in current["contributors"] if c["family_name"] == "Masterson")
    changed = {
        **current,
        "contributors": [masterson],
        "identifiers": [*current["identifiers"], {"scheme": "pmid", "value": "12345678"}],
    }
    update_record(curator, local_id=SEED_ID, data=RecordIn.model_validate(changed))

    _record, lines = list_revisions(curator, local_id=SEED_ID)

    changes = {c.field: c for c in lines[0].changes}
    assert changes["contributors"].new_text == "Masterson, Daniel ORCID 0000-0003-4364-9814"
    assert len(changes["contributors"].old_text.splitlines()) == len(current["contributors"])
    assert changes["identifiers"].new_text.splitlines()[-1] == "pmid: 12345678"


# ---------------------------------------------------------------- the record page's review forms


def _token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]


def test_record_page_review_forms_take_a_deposit_through_to_published(db):
    depositor_user, curator_user = make_user("depositor"), make_user("curator")
    depositor, curator = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    depositor.force_login(depositor_user)
    curator.force_login(curator_user)
    record = create_record(Actor.for_user(depositor_user), data=record_input(), owner_id=depositor_user.pk)
    url = f"/record/{record.local_id}"

    def press(client: Client, action: str, **fields) -> object:
        page = client.get(url).content.decode()
        assert f'action="{url}/actions/{action}"' in page, action
        revision = Record.objects.get(pk=record.pk).revision
        form = {"csrfmiddlewaretoken": _token(page), "revision": revision, **fields}
        return client.post(f"{url}/actions/{action}", form)

    assert press(depositor, "submit").status_code == 302
    assert 'actions/publish"' not in depositor.get(url).content.decode()  # not the depositor's to publish
    press(curator, "return", message="Add the DOI.")
    press(depositor, "submit")
    press(curator, "approve")
    response = press(curator, "publish")

    assert (response.status_code, response["Location"]) == (302, url)
    record.refresh_from_db()
    assert (record.state, record.approved) == ("published", True)
    assert record.revisions.get(action="return").message == "Add the DOI."
    assert "actions/" not in Client().get(url).content.decode()  # nothing to press for readers


def test_record_page_review_form_twice_answers_409_naming_the_state(client, depositor):
    client.force_login(User.objects.get(pk=depositor.user_id))
    record = create_record(depositor, data=record_input(), owner_id=depositor.user_id)
    form = {"revision": record.revision}

    first = client.post(f"/record/{record.local_id}/actions/submit", form)
    second = client.post(f"/record/{record.local_id}/actions/submit", {"revision": record.revision + 1})

    assert (first.status_code, second.status_code) == (302, 409)
    assert "is submitted" in second.content.decode()
    assert Record.objects.get(pk=record.pk).revision == 2
